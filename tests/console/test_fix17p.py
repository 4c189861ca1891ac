"""Issue 17 (rev17n, fix17p): Escape and a key in one terminal read in the command palette; the
palette finds the screens by their Dutch names."""

from __future__ import annotations

from textual import events
from textual.command import CommandPalette
from textual.widgets import OptionList

from console.app import SchildwachtApp
from tests.console.conftest import settle, type_text


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


async def _found(app: SchildwachtApp, pilot: object, entry: str) -> list[str]:
    """The palette's entries, once ``entry`` is among them or after two seconds (it searches
    in the background)."""
    found: list[str] = []
    for _ in range(40):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        options = app.screen.query_one("CommandList", OptionList)
        found = [
            str(options.get_option_at_index(i).prompt).lower() for i in range(options.option_count)
        ]
        if any(entry in text for text in found):
            break
    return found


async def test_the_palette_finds_the_screens_by_their_dutch_names(app: SchildwachtApp) -> None:
    """rev17n: "overdracht" found nothing, as "journaal" and "dreiging" did before they were
    help words; each screen with a Dutch name of its own (DESIGN's glossary) is found by it."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for words, screen in (
            ("overdracht", "go to handover"),
            ("rooster", "go to gaps"),
            ("signaal", "go to signals"),
            ("signalen", "go to signals"),
            ("informatieorganisatie", "go to signals"),
            ("capaciteit", "go to capacity"),
            ("vandaag", "go to today"),
            ("te beveiligen", "go to today"),
            ("synchronisatie", "go to sync"),
            ("activiteiten", "go to agenda"),
            ("journaal", "go to agenda"),
        ):
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await type_text(pilot, words)
            found = await _found(app, pilot, screen)
            assert any(screen in text and words in text for text in found), (words, found)
            await pilot.press("escape")
            await pilot.pause()
