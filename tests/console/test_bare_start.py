"""A bare start in the edit and restrict forms is read by the bare end's bound, backwards (issue
17, rev17f): changing 23:00–01:30's start to 00:30 made a 25-hour activity without a word. The
move question and its toast say the new span; an operator is offered only a correction."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm, RestrictForm
from store import agenda
from store.clock import LOCAL_TZ, local_span, today
from store.db import Store
from store.staff import list_staff
from store.subjects import list_subjects
from tests.conftest import as_user
from tests.console.conftest import error_of, settle, toasts
from tests.console.test_overnight_end import _open


def _night(store: Store) -> tuple[agenda.Activity, datetime]:
    day = today(store.clock) + timedelta(days=2)
    start = datetime(day.year, day.month, day.day, 23, tzinfo=LOCAL_TZ)
    person = list_subjects(store)[0].code
    item = agenda.add_activity(store, person=person, title="Nachtrit", start=start,
                               end=start + timedelta(hours=2, minutes=30))  # fmt: skip
    return item, start


async def _submit_start(app: SchildwachtApp, pilot: object, text: str) -> None:
    form = app.screen
    form.query_one("#start", Input).value = text
    form.query_one("#start", Input).focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_the_edit_form_refuses_a_bare_start_that_makes_a_25_hour_activity(
    demo_store: Store,
) -> None:
    item, start = _night(demo_store)
    next_day = start.date() + timedelta(days=1)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, item, "e")
        assert isinstance(app.screen, ActivityForm)
        await _submit_start(app, pilot, "00:30")
        assert isinstance(app.screen, ActivityForm), "taken as a 25-hour activity"
        said = " ".join(error_of(app).split())
        assert f"The start 00:30 on {start.date()} would make it end 25 hours later" in said, said
        assert f"type the start with its date (e.g. {next_day} 00:30)" in said, said
        # typed with its date: the move question and the toast say the new span
        await _submit_start(app, pilot, f"{next_day} 00:30")
        assert isinstance(app.screen, MoveForm), error_of(app)
        new_start = datetime(next_day.year, next_day.month, next_day.day, 0, 30, tzinfo=LOCAL_TZ)
        span = local_span(new_start, item.end_at)
        assert app.screen.heading == f"'Nachtrit' moves to {span}: a correction or a restriction?"
        app.screen.query_one("#why", Input).value = "begintijd verkeerd"
        app.screen.query_one("#why", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, MoveForm), error_of(app)
        assert toasts(app)[-1] == f"Corrected 'Nachtrit'. Now {span}.", toasts(app)[-1]
    after = agenda.get_activity(demo_store, item.id)
    assert after.end_at - after.start_at == timedelta(hours=1)


async def test_the_restrict_form_refuses_a_bare_start_that_makes_a_25_hour_activity(
    demo_store: Store,
) -> None:
    item, start = _night(demo_store)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, item, "r")
        form = app.screen
        assert isinstance(form, RestrictForm)
        form.query_one("#kind", Select).value = "moved"
        form.query_one("#authority", Input).value = "OvJ Rotterdam"
        await _submit_start(app, pilot, "00:30")
        assert isinstance(app.screen, RestrictForm), "recorded as a 25-hour restriction"
        said = " ".join(error_of(app).split())
        assert f"The start 00:30 on {start.date()} would make it end 25 hours later" in said, said
    after = agenda.get_activity(demo_store, item.id)
    assert (after.start_at, after.end_at) == (item.start_at, item.end_at)


async def test_an_operator_is_offered_only_a_correction_when_an_edit_moves(
    demo_store: Store,
) -> None:
    item, _start = _night(demo_store)
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, item, "e")
        assert isinstance(app.screen, ActivityForm)
        await _submit_start(app, pilot, "23:30")
        form = app.screen
        assert isinstance(form, MoveForm), error_of(app)
        how = form.query_one("#how", Select)
        assert [value for _label, value in how._options if value != Select.BLANK] == ["correction"]
        assert not form.query("#authority")
