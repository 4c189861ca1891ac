"""The Gaps screen's ``o`` opens the Agenda's deploy form (issue 17, rev17d): it names the gap's
activity and lists who is free and qualified for its open places, not a bare Callsigns field."""

from __future__ import annotations

from textual.widgets import Label, Static

from console.app import SchildwachtApp
from console.screens.forms import DeployForm
from console.screens.roster import RosterScreen
from console.widgets.table import RecordTable
from store import agenda, roster
from store.db import Store
from tests.console.conftest import settle


async def test_the_gaps_deploy_form_names_the_activity_and_the_free_officers(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        gaps = screen.query_one("#gap-list", RecordTable)
        activity_id = None
        for index in range(gaps.row_count):
            gaps.move_cursor(row=index)
            await settle(pilot)
            activity_id = screen.selected_activity()
            if activity_id and roster.deployable(demo_store, activity_id):
                break
        assert activity_id, "the demo has a gap on an activity officers are free for"
        item = agenda.get_activity(demo_store, activity_id)
        free = roster.deployable(demo_store, activity_id)
        screen.query_one("#gap-activities", RecordTable).focus()
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DeployForm)
        title = " ".join(str(label.render()) for label in form.query(Label))
        assert item.title in title
        note = str(form.query_one(".note", Static).render())
        assert "Free and qualified" in note and free[0].callsign in note
