"""Sync on a device in no team (issue 17, rev17f): the palette's "export" did the export and
wrote its refusal as the Last receipt (and put r Receipt in the footer), where the key e says
why in a toast and writes nothing: both now say the same; the conflicts' title names their keys
only while there is a conflict to resolve."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList

from console.app import SchildwachtApp
from console.screens.sync import SyncScreen
from console.widgets.footer import shown_keys
from store.setup import init_database
from tests.console.conftest import settle, shown, toasts, type_text

NO_TEAM = "No team yet: n creates one (this device becomes its admin), j joins one."


async def _from_palette(pilot: object, words: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, CommandPalette)
    await type_text(pilot, words)  # type: ignore[arg-type]
    for _ in range(60):  # the palette searches in the background
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        options = app.screen.query_one("CommandList", OptionList)
        if options.option_count and "Export" in str(options.get_option_at_index(0).prompt):
            break
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_export_in_no_team_says_why_the_same_from_the_key_and_the_palette(
    tmp_path: Path, clock: object
) -> None:
    store = init_database(tmp_path / "solo.db", callsign="OPS-01", role="shift_leader",
                          unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        # no conflicts (and no team): the title names no keys to resolve one
        assert shown(app, "#conflicts-title") == "No open conflicts"
        await pilot.press("e")
        await settle(pilot)
        assert toasts(app)[-1] == NO_TEAM
        await _from_palette(pilot, "export")
        assert app.screen is screen
        assert toasts(app)[-1] == NO_TEAM, toasts(app)
        assert screen.receipt == ""
        assert shown(app, "#sync-receipt") == "Nothing exchanged in this session yet."
        keys = [key for key, *_rest in shown_keys(screen)]
        assert "r" not in keys and "n" in keys and "j" in keys, keys
