"""The console at the end of the accepted range (issue 14, input review): at 2099-12-31 23:45
local, ] walked the Agenda and Gaps to 2100-01-02 and showed empty all-clear days the command
line refuses; the Handover could not load ("The period's end must lie …") and ``handover
draft/sign`` exited 2. Day navigation stops at the last day accepted, with a notice, and the
last shift of 2099 hands over a period clamped to the range."""

from __future__ import annotations

from datetime import UTC, date, datetime

from click.testing import CliRunner

from commands.cli import cli
from console.app import SchildwachtApp
from console.screens.handover import fetch_handover
from store.clock import FixedClock
from store.db import Store

from .conftest import settle, toasts

LAST_HOUR = datetime(2099, 12, 31, 22, 45, tzinfo=UTC)  # 23:45 in Amsterdam


async def test_days_stop_at_the_last_day_accepted(store: Store, clock: FixedClock) -> None:
    clock.at = LAST_HOUR
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("a", "g"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("right_square_bracket", "right_square_bracket")
            await settle(pilot)
            assert app.screen.day == date(2099, 12, 31), key  # type: ignore[attr-defined]
            assert any("2099-12-31 is the last one" in t for t in toasts(app)), toasts(app)
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert app.screen.day == date(2099, 12, 30), key  # type: ignore[attr-defined]
        await pilot.press("h")
        await settle(pilot)
        assert app.return_code is None and app._exception is None


def test_the_last_shift_of_2099_hands_over(store: Store, clock: FixedClock) -> None:
    clock.at = LAST_HOUR
    data = fetch_handover(store)
    assert data is not None
    db = str(store.path)
    store.close()
    runner = CliRunner(env={"SCHILDWACHT_NOW": "2099-12-31T22:45:00Z"})
    for args in (["handover", "draft"], ["handover", "sign"]):
        result = runner.invoke(cli, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.stderr)
    shown = runner.invoke(cli, ["--db", db, "handover", "draft", "-f", "json"])
    assert "2099-12-31T23:00:00+01:00" in shown.stdout
    assert "2100-01-01T00:00:00+01:00" in shown.stdout
