"""The top line of every screen: the screens by key (the one shown highlighted) and who is acting,
with the unread badge. It shortens itself to fit: at 80 columns the keys and the callsign stay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from store.validate import visible

from ..i18n import _

if TYPE_CHECKING:
    from ..app import SchildwachtApp

#: (key, mode, name) in the order of the bar.
SCREENS = (
    ("t", "today", _("Today")),
    ("a", "agenda", _("Agenda")),
    ("g", "roster", _("Gaps")),
    ("s", "signals", _("Signals")),
    ("h", "handover", _("Handover")),
    ("k", "capacity", _("Capacity")),
    ("y", "sync", _("Sync")),
)


class NavBar(Widget):
    DEFAULT_CSS = """
    NavBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def render(self) -> Text:
        app = cast("SchildwachtApp", self.app)
        width = self.size.width
        title = Text(" Schildwacht ", style="bold") if width >= 120 else Text()
        least = cell_len(app.identity_text(0)) + 1  # callsign and badge, never cut
        for named in (True, False):  # too narrow: the other screens by their key alone
            keys = self._keys(width, named=named)
            room = width - cell_len(title.plain) - cell_len(keys.plain)
            if room >= least:
                break
        line = Text.assemble(title, keys)
        busy = getattr(self.screen, "loading", False)
        tail = ("↻ " if busy else "") + visible(app.identity_text(room - 3))
        if cell_len(tail) + 1 > room:
            tail = tail[: max(0, room - 2)] + ("…" if room > 2 else "")
        line.append(" " * max(1, room - cell_len(tail)))
        line.append(tail, style="bold" if app.badge else "")
        return line

    def _keys(self, width: int, *, named: bool) -> Text:
        """The screens' keys, this screen's named; the others named too when ``named``."""
        keys = Text(" ")
        for key, mode, name in SCREENS:
            if mode == self.mode:
                keys.append(f" {key} {name} ", style="bold reverse")
            elif named:
                keys.append(f" {key}", style="bold")
                keys.append(f" {name} ", style="dim" if width < 100 else "")
            else:
                keys.append(f" {key}", style="bold")
        return keys
