"""Switch user: who is acting at this console, proven with their secret.

The laptop's operator needs no secret; anyone else types theirs (masked). The store proves it
(``Store.switch_user``); a refusal is shown in the form, which stays open, and nothing changes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from ..i18n import _
from .forms import FormScreen, Save


class SwitchUserForm(FormScreen):
    """Callsign and secret of the person who acts from now on."""

    AUTO_FOCUS = "#callsign"

    def __init__(self, save: Save, acting: str) -> None:
        super().__init__(save)
        self.acting = acting

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(
                _("Switch user (now acting: {who})").format(who=self.acting), classes="title"
            )
            yield Label(_("Callsign"))
            yield Input(id="callsign", placeholder=_("e.g. RT-0412"), max_length=40)
            yield Label(_("Secret (not needed for this laptop's operator)"))
            yield Input(id="secret", password=True, max_length=1024)
            yield from self.buttons(_("Switch"))

    def values(self) -> dict[str, str]:
        return {
            "callsign": self.query_one("#callsign", Input).value,
            "secret": self.query_one("#secret", Input).value,
        }
