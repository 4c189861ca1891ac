"""The activity form saved as it was writes nothing, even when the start has seconds the form
does not show (issue 14, fourth review: 10:00:59 shown as 10:00 asked 'moves: correction or
restriction?'). A time left as shown keeps the stored one."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.conftest import snapshot
from tests.console.conftest import settle


async def test_an_unchanged_form_keeps_the_seconds_and_writes_nothing(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        activity_id = app.screen.query_one("#day-activities", RecordTable).cursor_key
        item = agenda.get_activity(demo_store, activity_id)
        agenda.edit_activity(  # as a calendar import may store it: 59 seconds past the minute
            demo_store,
            item.id,
            start=item.start_at + timedelta(seconds=59),
            correction="agenda met seconden",
        )
        app.screen.reload()  # the board read again
        await settle(pilot)
        before = snapshot(demo_store.path)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#title", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, MoveForm)
    assert snapshot(demo_store.path) == before
