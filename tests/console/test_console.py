"""The console, driven as an operator and a shift leader would: keys in, screen and database
checked. Refusals are shown in the form and write nothing; every write ends with a toast."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Select

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import Confirm
from console.screens.forms import ActivityForm, ConceptPicker, RestrictForm
from console.screens.help import HelpScreen
from console.screens.today import TodayScreen
from console.widgets.table import RecordTable
from store import agenda
from store.clock import local_iso
from store.db import Store
from store.subjects import list_subjects
from tests.conftest import as_user, snapshot
from tests.console.conftest import error_of, row_text, rows, settle, shown, toasts, type_text


async def test_today_shows_subjects_levels_and_todays_activities(app: SchildwachtApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        subjects = app.screen.query_one("#subjects", RecordTable)
        assert subjects.row_count == 12
        first = list_subjects(app.store)[0]
        assert row_text(subjects, 0)[:6] == [
            first.code,
            first.kind,  # "person" reads the same in words
            first.unit,
            str(first.threat_level),
            first.required_level,
            first.package,
        ]
        summary = shown(app, "#today-summary")
        assert "12 subjects" in summary and "to re-plan" in summary
        assert app.screen.query_one("#today-activities", RecordTable).row_count > 0
        await pilot.press("down")
        await settle(pilot)
        assert list_subjects(app.store)[1].code in shown(app, "#activities-title")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("e")  # the subject's file: the derivation, assessments, decisions
        await settle(pilot)
        body = str(app.screen.query_one("#document-body").render())
        assert "Threat level" in body and "required resistance" in body


async def test_a_refused_form_shows_the_reason_and_writes_nothing(
    app: SchildwachtApp, demo_store: Store
) -> None:
    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert app.focused is form.query_one("#title")  # the person comes from the selection
        form.query_one("#person", Select).value = "OTTER"
        await pilot.press(*"Te laat", "tab", *"16:00", "tab", *"15:00", "enter")
        await settle(pilot)
        assert app.screen is form  # stays open
        assert error_of(app) == (  # fix17: a bare end a day away is refused, saying what to type
            "The end 15:00 is not after the start 16:00, and on the next day it would be over "
            "12 hours later; correct the time, or type the end with its date (e.g. 2026-11-29 "
            "15:00)."
        )
        assert snapshot(demo_store.path) == before  # nothing written
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen_stack[0]  # an activity that has ended is not restricted (R5)
        while board.selected().end_at <= demo_store.clock.now():
            await pilot.press("down")
        await pilot.press("r")  # restrict: its times start as the activity's own
        await pilot.pause()
        restrict = app.screen
        assert isinstance(restrict, RestrictForm) and app.focused is restrict.query_one("#kind")
        item = agenda.get_activity(demo_store, app.screen_stack[0].selected().id)
        assert restrict.query_one("#start", Input).value == local_iso(item.start_at)[11:16]
        reasons = [str(words) for words, _code in restrict.query_one("#reason", Select)._options]
        assert "the protected person's choice" in reasons  # words, not the code tbp_choice
        assert restrict.query_one("#kind", Select).is_blank()  # no kind chosen for anyone
        restrict.query_one("#kind", Select).value = "cancelled"
        await pilot.press("tab", "tab", *"OvJ", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # a cancellation is asked first
        assert app.screen.question.endswith("for good?")
        buttons = [str(b.label) for b in app.screen.query(Button)]
        assert buttons == ["Cancel the activity (y)", "Keep it (n)"]  # no "Cancel (n)" beside it
        await pilot.press("y")
        await settle(pilot)
    (restriction,) = agenda.list_restrictions(demo_store, item.id)
    assert (restriction.kind, restriction.reason, restriction.authority) == (
        "cancelled",
        "capacity",
        "OvJ",
    )


async def test_a_new_activity_on_another_day_moves_the_board_there(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#person", Select).value = "OTTER"
        await pilot.press(*"Persconferentie", "tab", *"2026-12-02 16:00", "tab")
        await pilot.press(*"2026-12-02 17:00", "tab", *"Perscentrum", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen) and screen.day is not None
        assert screen.day.isoformat() == "2026-12-02"  # it did not vanish
        item = screen.selected()
        assert item is not None and item.title == "Persconferentie"
        assert any(t.startswith("Added 'Persconferentie' for OTTER") for t in toasts(app))


async def test_concept_picker_marks_the_current_one_and_asks_before_a_heavier_one(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        index = next(i for i, row in enumerate(rows(app, "#day-activities")) if "below" in row[6])
        table.move_cursor(row=index)
        activity_id = table.cursor_key
        assert activity_id is not None
        current = agenda.get_activity(demo_store, activity_id)
        await pilot.press("c")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ConceptPicker)
        options = picker.query_one("#concept-options")
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(t.startswith(f"● {current.concept} ") and "(rule R1)" in t for t in texts)
        assert options.get_option(current.concept).disabled
        valid = [
            i for i in range(options.option_count) if not options.get_option_at_index(i).disabled
        ]
        first_valid = options.highlighted
        assert first_valid == valid[0]
        await pilot.press("up")  # no wrapping past the concepts that may not be chosen
        assert options.highlighted == first_valid
        await pilot.press("end")
        last = options.get_option_at_index(options.highlighted)
        await pilot.press("enter")
        await settle(pilot)
        if str(last.id) != "CP-LIGHT":  # heavier than required: asked first
            assert isinstance(app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    fixed = agenda.get_activity(demo_store, activity_id)
    assert fixed.concept == last.id and not fixed.needs_replanning


async def test_days_move_and_the_next_start_opens_today(demo_store: Store) -> None:
    """The screen is remembered for the next start, the day is not: a board of another day
    shown at start would pass for today's (issue 17)."""
    app = SchildwachtApp(demo_store, remember=True, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "2026-11-29" in shown(app, "#agenda-summary")
    again = SchildwachtApp(demo_store, remember=True, watch=None, ahead=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, AgendaScreen)
        assert again.screen.day is not None and again.screen.day.isoformat() == "2026-11-28"


async def test_the_console_notices_a_change_made_by_a_script(demo_store: Store) -> None:
    from store.subjects import add_subject

    app = SchildwachtApp(demo_store, remember=False, watch=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = Store(demo_store.path, clock=demo_store.clock)
        add_subject(other, "NIEUW", kind="person", domain="local", unit="RT")
        for _ in range(100):
            await pilot.pause(0.05)
            await settle(pilot)
            if app.screen.query_one("#subjects", RecordTable).row_count == 13:
                break
        assert app.screen.query_one("#subjects", RecordTable).row_count == 13


async def test_raise_a_signal_from_the_agenda(app: SchildwachtApp, demo_store: Store) -> None:
    from console.screens.forms import SignalForm
    from store.signals import list_signals

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        item = app.screen.selected()
        assert isinstance(app.screen, AgendaScreen) and item is not None
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, SignalForm)
        assert app.screen.query_one("#person", Input).value == item.person  # pre-filled
        await pilot.press(*"Drone boven de tuin")
        app.screen.query_one("#observed", Input).value = "09:40"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    (raised,) = list_signals(demo_store, mine=True)
    assert (raised.text, raised.person, raised.activity_id, raised.status) == (
        "Drone boven de tuin",
        item.person,
        item.id,
        "submitted",
    )
    assert local_iso(raised.observed_at).startswith("2026-11-28T09:40")


def analyst_callsign(store: Store) -> str:
    from store.staff import list_staff

    return list_staff(store, role="info_analyst")[0].callsign


async def test_signals_open_on_everything_for_a_leader_and_on_their_own_for_an_operator(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from store.signals import list_signals
    from store.staff import list_staff

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        visible = len(list_signals(demo_store))
        assert visible > 0
        assert shown(app, "#signals-summary").startswith(f"all signals I may see: {visible}")
        keys = {k for k, b in app.screen.active_bindings.items() if b.enabled}
        assert "v" not in keys and "w" in keys  # not an analyst's step
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    mine = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with mine.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        assert shown(mine, "#signals-summary").startswith("my signals")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_capacity_scenario_beside_the_baseline_writes_nothing(
    app: SchildwachtApp, demo_store: Store, size: tuple[int, int]
) -> None:
    """By keys only, at both sizes: the scenario's fields, its Run button and its result are
    on the screen (at 80x24 they were below its bottom), the result beside the baseline."""
    from console.screens.capacity import CapacityScreen

    before = snapshot(demo_store.path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CapacityScreen) and screen.data is not None
        assert screen.query_one("#reinforcements-table", RecordTable).row_count == 8 + 3
        short_unit = rows(app, "#bottlenecks-table")[0][2]
        await pilot.press("w")
        await settle(pilot)
        assert app.focused is screen.query_one("#scenario-count")
        # six officers; open the unit list (Space or the arrows, as in a form's drop-down)
        await pilot.press("ctrl+a", "6", "tab", "down")
        unit = screen.query_one("#scenario-unit", Select)
        await type_text(pilot, short_unit)  # the open list jumps to the unit typed
        await pilot.press("enter", "shift+tab", "enter")  # chosen; Enter in the count runs it
        await settle(pilot)
        assert unit.value == short_unit
        result = {row[0]: row for row in rows(app, "#scenario-result")}
        assert float(result[short_unit][2]) < float(result[short_unit][1])
        assert "nothing was written" in shown(app, "#scenario-error")
        whole = screen.region
        for part in ("#scenario-count", "#scenario-unit", "#scenario-run", "#scenario-result"):
            region = screen.query_one(part).region
            assert region.height and whole.contains_region(region), (part, region)
        table = screen.query_one("#scenario-result", RecordTable)
        assert table.scrollable_content_region.height - 1 >= 5  # five rows of the result
    assert snapshot(demo_store.path) == before


async def test_the_console_hides_what_the_role_may_not_do(demo_store: Store) -> None:
    from store.staff import add_staff

    add_staff(demo_store, "IO-77", unit="DKDB", role="info_analyst")
    analyst = as_user(demo_store, "IO-77")
    app = SchildwachtApp(analyst, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        enabled = {k for k, b in app.screen.active_bindings.items() if b.enabled}
        assert not {"n", "e", "c", "r", "o", "x"} & enabled and "l" in enabled
        await pilot.press("r")  # hidden: nothing opens, nothing is written
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("k")
        await settle(pilot)
        assert app.screen.query_one("#scenario-run", Button).disabled


async def test_the_handover_goes_to_the_activity_to_re_plan_on_its_day(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from store.clock import local
    from store.handover import draft_handover

    replan = next(i for i in draft_handover(demo_store).assessment if i.kind == "replan")
    assert replan.ids, "the demo has an activity to re-plan"
    wanted = agenda.get_activity(demo_store, replan.ids[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        app.screen.query_one("#open-items", RecordTable).move_to("replan")
        await pilot.press("j")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert screen.day == local(wanted.start_at).date()
        item = screen.selected()
        assert item is not None and item.id == wanted.id


async def test_the_handover_goes_to_the_first_open_signal_and_flag(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.screens.signals import SignalsScreen
    from store.handover import draft_handover

    items = draft_handover(demo_store).assessment
    first = next(i for i in items if i.kind == "open_signals").ids[0]
    flag = next(i for i in items if i.kind == "flagged_log").ids[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        app.screen.query_one("#open-items", RecordTable).move_to("open_signals")
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, SignalsScreen)
        selected = app.screen.selected()
        assert selected is not None and selected.id == first
        await pilot.press("h")
        await settle(pilot)
        app.screen.query_one("#open-items", RecordTable).move_to("flagged_log")
        await pilot.press("j")
        await settle(pilot)
        log = app.screen.query_one("#log-entries", RecordTable)
        assert log.cursor_key == flag and app.focused is log


async def test_switch_user_asks_callsign_and_secret_and_shows_who_acts(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.screens.switch_user import SwitchUserForm

    analyst = analyst_callsign(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sub_title.startswith("OPS-01 · shift leader")
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SwitchUserForm)
        assert form.query_one("#secret", Input).password  # masked
        await pilot.press(*analyst, "tab", *"not-the-secret", "enter")
        await settle(pilot)
        assert app.screen is form and "Wrong secret" in error_of(app)
        assert app.store.actor.callsign == "OPS-01"  # nothing changed
        form.query_one("#secret", Input).value = ""
        await pilot.press(*"demo-secret", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SwitchUserForm), error_of(app)
        assert app.store.actor.callsign == analyst
        assert app.sub_title.startswith(f"{analyst} · information analyst")


async def test_only_its_signer_supersedes_a_handover(demo_store: Store) -> None:
    from console.screens.forms import StepForm
    from store.handover import list_handovers, sign_handover
    from store.staff import list_staff

    sign_handover(demo_store, notes="")  # OPS-01 signs the period
    other = next(s.callsign for s in list_staff(demo_store, role="shift_leader"))
    assert other != "OPS-01"
    app = SchildwachtApp(as_user(demo_store, other), remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        assert not isinstance(app.screen, StepForm)  # not asked for a reason to supersede it
        assert any("OPS-01" in t for t in toasts(app)), toasts(app)
    assert len(list_handovers(demo_store)) == 1


async def test_the_scenario_offers_the_acting_persons_own_unit_first(demo_store: Store) -> None:
    """The What-if tab's unit starts at the acting person's unit, never a unit named in code
    (issue 15: catalogue codes from the data)."""
    from store.staff import list_staff

    leader = next(s for s in list_staff(demo_store, role="shift_leader") if s.unit != "RT")
    app = SchildwachtApp(as_user(demo_store, leader.callsign), remember=False, watch=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.query_one("#scenario-unit", Select).value == leader.unit
