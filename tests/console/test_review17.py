"""Issue 17, the fresh console review: what the console let an operator do unseen or wrongly.
Each test drives the real console over a real demo database and checks what it shows and
that a refused or unseen action wrote nothing."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.widgets.table import RecordTable
from store import handover
from store.db import Store
from tests.conftest import as_user, at, snapshot
from tests.console.conftest import rows, settle, toasts


async def test_a_withdrawn_handover_is_marked_and_cannot_be_accepted(demo_store: Store) -> None:
    other = as_user(demo_store, "NN-0000")
    period = (at(other, "2026-11-27 07:00"), at(other, "2026-11-27 15:00"))
    signed = handover.sign_handover(other, *period, "Overdracht")
    handover.withdraw_handover(other, signed.id, "verkeerde dienst")
    other.close()
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        history = rows(app, "#handover-history")
        index = next(i for i, row in enumerate(history) if row[1] == "NN-0000")
        assert history[index][2] == "withdrawn"  # its own column, never cut off the period
        table = app.screen.query_one("#handover-history", RecordTable)
        table.focus()
        table.move_cursor(row=index)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert "withdrawn by NN-0000" in toasts(app)[-1]
    assert snapshot(demo_store.path) == before
