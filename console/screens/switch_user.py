"""Who acts at this console, and their secret on this laptop.

Switch user: the laptop's operator needs no secret; anyone else types theirs (masked). The store
proves it (``Store.switch_user``, in a worker: the secret's hash is slow on purpose); a refusal
is shown in the form, which stays open, and nothing changes.

My secret: the acting person sets a first secret or changes theirs (current, new, and the new
one again), through the same store function as ``staff secret`` (``store.staff.set_secret``).
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


def _set_mine(store: Store, values: dict[str, str]) -> str:
    """The acting person's own secret: the repeat must match before the store is asked."""
    if values["new"] != values["repeat"]:
        raise BadInput(
            "The new secret and its repeat differ; nothing was changed.", code="secret_repeat"
        )
    return set_secret(store, store.actor.callsign, values["new"], old=values["current"] or None)


class SecretForm(Form[str]):
    """Set or change the acting person's own secret on this laptop."""

    def __init__(self, acting: str) -> None:
        super().__init__(
            _("My secret on this laptop ({who})").format(who=acting),
            [
                Field("current", _("Current secret"), "secret"),
                Field("new", _("New secret"), "secret"),
                Field("repeat", _("New secret again"), "secret"),
            ],
            _set_mine,
            button=_("Set secret"),
            note=_(
                "At least 8 characters. Leave the current one empty if you have none on this "
                "laptop yet."
            ),
        )
