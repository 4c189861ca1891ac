"""An activity past midnight (22:30 to 01:30) in the restrict and edit forms (issue 17, rev17d):
the end is shown with its date, and an end typed as a bare time not after the start is read on
the next day, so shortening it to 01:00 is taken, not refused as "not after its start"."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.forms import ActivityForm, RestrictForm
from store import agenda
from store.clock import LOCAL_TZ, local, today
from store.db import Store
from store.subjects import list_subjects
from tests.console.conftest import error_of, settle, toasts


def _overnight(store: Store) -> tuple[agenda.Activity, datetime]:
    day = today(store.clock) + timedelta(days=2)
    start = datetime(day.year, day.month, day.day, 22, 30, tzinfo=LOCAL_TZ)
    person = list_subjects(store)[0].code
    item = agenda.add_activity(store, person=person, title="Nachtrit", start=start,
                               end=start + timedelta(hours=3))  # fmt: skip
    return item, start


async def _open(app: SchildwachtApp, pilot: Pilot[None], item: agenda.Activity, key: str) -> None:
    await pilot.press("a")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AgendaScreen)
    screen.reveal(item.id)
    await settle(pilot)
    selected = screen.selected()
    assert selected is not None and selected.id == item.id
    await pilot.press(key)
    await settle(pilot)


async def test_restricting_an_overnight_activity_reads_its_end_on_the_next_day(
    demo_store: Store,
) -> None:
    item, start = _overnight(demo_store)
    next_day = (start + timedelta(days=1)).date()
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, item, "r")
        form = app.screen
        assert isinstance(form, RestrictForm)
        assert form.query_one("#start", Input).value == "22:30"
        assert form.query_one("#end", Input).value == f"{next_day} 01:30"
        form.query_one("#kind", Select).value = "shortened"
        form.query_one("#authority", Input).value = "OvJ"
        form.query_one("#end", Input).value = "01:00"
        form.query_one("#end", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RestrictForm), error_of(app)
        # the toast says the new span, not only its (unchanged) start (rev17d)
        assert toasts(app)[-1].endswith(f"Now {start.date()} 22:30–{next_day} 01:00.")
    after = agenda.get_activity(demo_store, item.id)
    assert local(after.end_at).date() == next_day
    assert (local(after.end_at).hour, local(after.end_at).minute) == (1, 0)


async def test_the_edit_form_shows_and_reads_the_end_on_the_next_day(demo_store: Store) -> None:
    item, start = _overnight(demo_store)
    next_day = (start + timedelta(days=1)).date()
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, item, "e")
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert form.query_one("#end", Input).value == f"{next_day} 01:30"
        form.query_one("#end", Input).value = "01:00"
        form.query_one("#end", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        # a move: the form asks whether it is a correction or a restriction, not "not after"
        assert "not after its start" not in error_of(app)
        assert not isinstance(app.screen, ActivityForm), error_of(app)


async def test_a_shortening_toast_names_the_new_span(demo_store: Store) -> None:
    day = today(demo_store.clock) + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 7, tzinfo=LOCAL_TZ)
    person = list_subjects(demo_store)[0].code
    item = agenda.add_activity(demo_store, person=person, title="Ochtend", start=start,
                               end=start + timedelta(hours=2))  # fmt: skip
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, item, "r")
        form = app.screen
        assert isinstance(form, RestrictForm)
        form.query_one("#kind", Select).value = "shortened"
        form.query_one("#authority", Input).value = "OvJ"
        form.query_one("#end", Input).value = "07:30"
        form.submit()
        await settle(pilot)
        assert not isinstance(app.screen, RestrictForm), error_of(app)
        assert toasts(app)[-1].endswith(f"Now {day} 07:00–07:30."), toasts(app)[-1]


async def _new_activity(
    app: SchildwachtApp, pilot: Pilot[None], person: str, title: str, start: str, end: str
) -> None:
    await pilot.press("a")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ActivityForm)
    form.query_one("#person", Select).value = person
    form.query_one("#title", Input).value = title
    form.query_one("#start", Input).value = start
    form.query_one("#end", Input).value = end
    form.query_one("#location", Input).value = "Den Haag"
    form.query_one("#end", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_a_new_activity_past_midnight_takes_a_short_bare_end_on_the_next_day(
    demo_store: Store,
) -> None:
    """fix17: the new-activity form refused 23:00–01:30 while edit and restrict took it; all
    three read a bare end with one bounded rule (OVERNIGHT_BARE_END), at 80x24."""
    person = list_subjects(demo_store)[0].code
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_activity(app, pilot, person, "Nachtrit nieuw", "23:00", "01:30")
        assert not isinstance(app.screen, ActivityForm), error_of(app)
    made = [a for a in agenda.list_activities(demo_store) if a.title == "Nachtrit nieuw"]
    assert len(made) == 1
    start, end = local(made[0].start_at), local(made[0].end_at)
    assert (start.hour, end.hour, end.minute) == (23, 1, 30)
    assert end.date() == start.date() + timedelta(days=1)


async def test_a_new_activity_with_an_end_before_its_start_by_day_is_refused(
    demo_store: Store,
) -> None:
    """16:00–15:00 is a typo, not a 23-hour activity: refused inline, saying what to type."""
    person = list_subjects(demo_store)[0].code
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_activity(app, pilot, person, "Typo", "16:00", "15:00")
        assert isinstance(app.screen, ActivityForm)
        said = " ".join(error_of(app).split())
        assert "The end 15:00 is not after the start 16:00" in said, said
        assert "type the end with its date (e.g." in said, said
    assert not [a for a in agenda.list_activities(demo_store) if a.title == "Typo"]


async def test_the_edit_form_refuses_a_bare_end_a_day_away(demo_store: Store) -> None:
    item, _start = _overnight(demo_store)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, item, "e")
        form = app.screen
        assert isinstance(form, ActivityForm)
        form.query_one("#end", Input).value = "21:00"  # 22:30 → 21:00: 22.5 h on the next day
        form.query_one("#end", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        assert "The end 21:00 is not after the start 22:30" in " ".join(error_of(app).split())
    assert agenda.get_activity(demo_store, item.id).end_at == item.end_at
