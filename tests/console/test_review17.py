"""Issue 17, the fresh console review: what the console let an operator do unseen or wrongly.
Each test drives the real console over a real demo database and checks what it shows and
that a refused or unseen action wrote nothing."""

from __future__ import annotations

from collections.abc import Callable

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import Confirm
from console.screens.forms import Form
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


def palette_entry(app: SchildwachtApp, title: str) -> Callable[[], object]:
    return next(run for name, _help, run in app.palette() if name == title)


async def test_a_palette_action_acts_on_the_record_on_screen(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        activities = agenda.query_one("#day-activities", RecordTable)
        activities.move_cursor(row=activities.row_count - 1)  # left behind on the Agenda
        hidden = agenda.selected()
        assert hidden is not None
        await pilot.press("t")
        await settle(pilot)
        subjects = app.screen.query_one("#subjects", RecordTable)
        looking = next(code for code in subjects.keys if code != hidden.person)
        assert subjects.move_to(looking)
        # Today, a subject selected: "restrict" never opens on the Agenda's hidden row
        palette_entry(app, "Agenda: Restrict the selected activity")()
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)  # no form opened
        assert toasts(app)[-1] == "Select the activity on Agenda first, then press r."
        # Agenda, a row of another subject selected: "threat" is for that subject
        index = next(
            i for i, key in enumerate(activities.keys)
            if agenda.data and agenda.data.activities[key].person != looking
        )  # fmt: skip
        activities.move_cursor(row=index)
        chosen = agenda.selected()
        assert chosen is not None
        palette_entry(app, "Today: Record a threat assessment (dreigingsinschatting)")()
        await settle(pilot)
        assert isinstance(app.screen, Form)
        assert app.screen.heading.startswith(f"Threat assessment for {chosen.person} ")
        await pilot.press("escape")
        await settle(pilot)
    assert snapshot(demo_store.path) == before
