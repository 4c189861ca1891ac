"""A secondary panel that opens when the focus comes in, on a short terminal.

At 80x24 a screen cannot give five rows to each of its tables (the Agenda's activities and its
log, a gap's activities and the suggestions for one). Below 32 rows (the screen's ``-short``
class) a ``Drawer`` shows only its title line, with what opens it, until the focus comes in:
Tab onto the title (or an action that focuses a table in it) opens the drawer and puts the
focus on its table; the focus leaving it closes it again, so the screen's main table gets its
room back. On a taller terminal a drawer is an ordinary panel and its title takes no focus.
"""

from __future__ import annotations

from textual import events
from textual.containers import Vertical
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


class DrawerTitle(Static, can_focus=True):
    """The drawer's title line: a Tab stop while the drawer is closed on a short terminal."""

    def __init__(self, title: VisualType, *, id: str | None = None) -> None:
        super().__init__(title, id=id, classes="section-title")

    def allow_focus(self) -> bool:
        drawer = self.parent
        return (
            isinstance(drawer, Drawer)
            and self.screen.has_class("-short")
            and not drawer.has_class("-open")
        )

    def on_focus(self) -> None:
        drawer = self.parent
        if isinstance(drawer, Drawer):
            drawer.open()

    def on_click(self) -> None:
        drawer = self.parent
        if isinstance(drawer, Drawer):
            drawer.open()


class Drawer(Vertical):
    """A titled panel (its first child a ``DrawerTitle``) that, on a short terminal, opens
    while the focus is in it."""

    def _opened(self, opened: bool) -> None:
        """Open or close; the screen knows whether a drawer is open (``-drawer-open``), so a
        screen's secondary parts (a day board, a time line) can give up room to it."""
        self.set_class(opened, "-open")
        screen = self.screen
        screen.set_class(any(d.has_class("-open") for d in screen.query(Drawer)), "-drawer-open")

    def open(self) -> None:
        """Show the drawer's contents and focus its first table (or other focusable part)."""
        self._opened(True)

        def focus_inside() -> None:
            focused = self.screen.focused
            if (
                focused is not None
                and self in focused.ancestors
                and not isinstance(focused, DrawerTitle)  # Tab onto the title: go on in
            ):
                return
            target = next((w for w in self.query("*") if _takes_focus(w)), None)
            if target is not None:
                target.focus()

        self.call_after_refresh(focus_inside)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not isinstance(event.widget, DrawerTitle):
            self._opened(True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self._opened(False)


def _takes_focus(widget: Widget) -> bool:
    return widget.can_focus and not isinstance(widget, DrawerTitle)


def focus_in(widget: Widget) -> None:
    """Focus a widget, opening the drawer it is in first (closed on a short terminal)."""
    drawer = next((a for a in widget.ancestors if isinstance(a, Drawer)), None)
    if drawer is None or drawer.has_class("-open") or not widget.screen.has_class("-short"):
        widget.focus()
        return
    drawer._opened(True)
    drawer.call_after_refresh(widget.focus)
