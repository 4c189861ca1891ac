"""Issue 17 (rev17n, fix17p): Escape and a key in one terminal read in the command palette; the
palette finds the screens by their Dutch names."""

from __future__ import annotations

from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from console.app import SchildwachtApp
from tests.console.conftest import settle


async def test_escape_and_a_key_in_one_read_close_the_palette(app: SchildwachtApp) -> None:
    """rev17n f5: Escape and "a" in one read (Textual reads alt+a) in the command palette: the
    Escape closes the palette and the "a" goes to the screen beneath (Agenda), as in help and
    forms. The palette stayed open with "a" typed into its search."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        app._driver.send_message(events.Key("alt+a", "a"))  # type: ignore[union-attr]
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert app.current_mode == "agenda"
