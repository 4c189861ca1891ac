"""Who acts at this console, and their secret on this laptop.

Switch user: the laptop's operator needs no secret; anyone else types theirs (masked). The store
proves it (``Store.switch_user``, in a worker: the secret's hash is slow on purpose); a refusal
is shown in the form, which stays open, and nothing changes.

A secret: the acting person sets a first secret or changes theirs (current, new, and the new
one again); someone with staff rights gives another person a first one or resets a forgotten
one, through the same store function as ``staff secret`` (``store.staff.set_secret``).
"""

from __future__ import annotations

from store.access import ActingPerson
from store.db import Store
from store.errors import BadInput
from store.staff import set_secret

from ..i18n import _
from .forms import Field, Form


def _switch(store: Store, values: dict[str, str]) -> ActingPerson:
    actor: ActingPerson = store.switch_user(values["callsign"], values["secret"] or None)
    return actor


class SwitchUserForm(Form[ActingPerson]):
    """Callsign and secret of the person who acts from now on."""

    def __init__(self, acting: str) -> None:
        super().__init__(
            _("Switch user (now acting: {who})").format(who=acting),
            [
                Field("callsign", _("Callsign"), placeholder=_("e.g. RT-0412"), max_length=40),
                Field("secret", _("Secret"), "secret"),
            ],
            _switch,
            button=_("Switch"),
            note=_("The laptop's own operator needs no secret."),
        )


def _set_secret(store: Store, values: dict[str, str]) -> tuple[str, str]:
    """A secret on this laptop, the acting person's own by default or another's (a first one
    given in their presence, or a forgotten one reset: staff rights), as ``staff secret`` does:
    the repeat must match before the store is asked. Returns the audit action and whose."""
    if values["new"] != values["repeat"]:
        raise BadInput(code="secret_repeat")
    whose = values["whose"].strip() or store.actor.callsign
    reset = values["reset"] == "1"
    old = None if reset else values["current"] or None
    return set_secret(store, whose, values["new"], old=old, reset=reset), whose.upper()


class SecretForm(Form[tuple[str, str]]):
    """Set or change a secret on this laptop: the acting person's own, or (staff rights)
    another's first one or a forgotten one reset."""

    def __init__(self, acting: str) -> None:
        super().__init__(
            _("A secret on this laptop (acting: {who})").format(who=acting),
            [
                Field("whose", _("Whose"), default=acting, max_length=40),
                Field("current", _("Current secret"), "secret"),
                Field("new", _("New secret"), "secret"),
                Field("repeat", _("New secret again"), "secret"),
                Field("reset", _("Reset"), "flag", placeholder=_("forgotten: reset it")),
            ],
            _set_secret,
            button=_("Set secret"),
            first="current",
            note=_(
                "At least 8 characters besides spaces. Leave the current one empty if there is "
                "none on this laptop yet. Another person's first secret, or a reset of a "
                "forgotten one, needs staff rights and is marked in the audit trail."
            ),
        )
