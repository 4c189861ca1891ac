"""Every toast is plain text (issue 14, rev14g): a team name ``[/]`` (accepted by ``team
create`` and carried to every laptop by the welcome bundle) crashed the console with a
MarkupError when n or j was pressed on the Sync screen, whose toast names the team. Tests by
default never draw toasts, so these run with ``notifications=True``."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.app import SchildwachtApp
from console.screens.sync import SyncScreen
from store.setup import init_database
from store.sync import roster as rosters
from tests.console.conftest import settle, toasts

HOSTILE = ["[/]", "[/bold] x", "[link=https://example.org]klik[/link]", "[b]vet"]


@pytest.mark.parametrize("name", HOSTILE)
async def test_a_hostile_team_name_in_a_toast_is_shown_as_typed(
    tmp_path: Path, clock: object, name: str
) -> None:
    store = init_database(tmp_path / "t.db", callsign="OPS-01", role="shift_leader",
                          unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    rosters.create_team(store, name)
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        for key in ("n", "j"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.pause(0.2)  # the toast is drawn
            assert toasts(app)[-1] == f"This device is in team {name} already."
        app.screen.hidden_action("join", ())  # the palette's way
        await settle(pilot)
        await pilot.pause(0.2)
    assert app.return_code in (None, 0), app._exception
    assert app._exception is None


async def test_any_toast_is_plain_even_when_markup_is_asked_for(
    tmp_path: Path, clock: object
) -> None:
    store = init_database(tmp_path / "t.db", callsign="OPS-01", role="shift_leader",
                          unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        for text in HOSTILE:
            app.screen.notify(text, markup=True)
            app.notify(text)
        await pilot.pause(0.3)
    assert app._exception is None
    assert toasts(app)[-2:] == [HOSTILE[-1]] * 2
