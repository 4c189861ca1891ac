"""Switch user: who is acting at this console, proven with their secret.

The laptop's operator needs no secret; anyone else types theirs (masked). The store proves it
(``Store.switch_user``, in a worker: the secret's hash is slow on purpose); a refusal is shown
in the form, which stays open, and nothing changes.
"""

from __future__ import annotations

from store.access import ActingPerson
from store.db import Store

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
