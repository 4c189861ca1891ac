"""The console, driven as an operator would: keys in, screen and database checked."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Select, Static

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.forms import ActivityForm, ConceptPicker, RestrictForm
from console.screens.help import HelpScreen
from console.screens.today import TodayScreen
from store import agenda
from store.clock import local_iso
from store.db import Store
from store.subjects import list_subjects
from tests.conftest import as_user, snapshot
from tests.console.conftest import row_text, settle


async def test_today_shows_subjects_levels_and_todays_activities(app: SchildwachtApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        subjects = app.screen.query_one("#subjects", DataTable)
        assert subjects.row_count == 12
        first = list_subjects(app.store)[0]
        assert row_text(subjects, 0)[:6] == [
            first.code,
            first.kind,
            first.unit,
            str(first.threat_level),
            first.required_level,
            first.package,
        ]
        summary = str(app.screen.query_one("#today-summary", Static).render())
        assert "12 protected subjects" in summary and "need re-planning" in summary
        first = app.screen.query_one("#today-activities", DataTable).row_count
        await pilot.press("down")
        await settle(pilot)
        title = str(app.screen.query_one("#activities-title", Static).render())
        assert list_subjects(app.store)[1].code in title
        assert first > 0


async def test_help_and_palette_keys(app: SchildwachtApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)


async def test_add_an_activity_in_the_agenda(app: SchildwachtApp, demo_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm)
        form.query_one("#person", Select).value = "OTTER"
        form.query_one("#title", Input).value = "Persconferentie"
        form.query_one("#start", Input).value = "16:00"
        form.query_one("#end", Input).value = "17:00"
        form.query_one("#location", Input).value = "Perscentrum Havenstad"
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    (added,) = [
        a
        for a in agenda.list_activities(demo_store, person="OTTER")
        if a.title == "Persconferentie"
    ]
    assert (local_iso(added.start_at), local_iso(added.end_at)) == (
        "2026-11-28T16:00:00+01:00",
        "2026-11-28T17:00:00+01:00",
    )


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
        form.query_one("#person", Select).value = "OTTER"
        form.query_one("#title", Input).value = "Te laat"
        form.query_one("#start", Input).value = "16:00"
        form.query_one("#end", Input).value = "15:00"
        await pilot.click("#save")
        await pilot.pause()
        assert app.screen is form  # stays open
        assert str(form.query_one(".error", Static).render()) == (
            "The activity ends 2026-11-28 15:00, not after its start 2026-11-28 16:00; give an "
            "end after the start."
        )
    assert snapshot(demo_store.path) == before


async def test_concept_picker_offers_only_valid_concepts(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", DataTable)
        rows = [row_text(table, i) for i in range(table.row_count)]
        index = next(i for i, row in enumerate(rows) if "below" in row[7])
        table.move_cursor(row=index)
        activity_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        await pilot.press("c")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ConceptPicker)
        options = picker.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        current = agenda.get_activity(demo_store, activity_id)
        assert any(f"{current.concept} " in t and "(rule R1)" in t for t in texts)
        assert options.get_option(current.concept).disabled
        assert not options.get_option("CP-HEAVY").disabled
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    fixed = agenda.get_activity(demo_store, activity_id)
    assert fixed.concept != current.concept and not fixed.needs_replanning


async def test_restrict_and_log_from_the_agenda(app: SchildwachtApp, demo_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", DataTable)
        activity_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RestrictForm)
        form.query_one("#authority", Input).focus()
        await pilot.press("enter")  # no authority given yet
        await pilot.pause()
        assert "deciding authority" in str(form.query_one(".error", Static).render())
        await pilot.press(*"OvJ Havenstad")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await pilot.press(*"Vertrek uitgesteld")
        await pilot.press("enter")
        await settle(pilot)
    assert agenda.get_activity(demo_store, activity_id).status == "cancelled"
    (restriction,) = agenda.list_restrictions(demo_store, activity_id)
    assert (restriction.reason, restriction.authority) == ("capacity", "OvJ Havenstad")
    from store.logbook import list_entries

    newest = list_entries(demo_store, limit=1)[0]
    assert (newest.text, newest.activity_id) == ("Vertrek uitgesteld", activity_id)


async def test_days_move_and_are_remembered(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "2026-11-29" in str(app.screen.query_one("#agenda-summary", Static).render())
    again = SchildwachtApp(demo_store, remember=True)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, AgendaScreen)
        assert again.screen.day is not None and again.screen.day.isoformat() == "2026-11-29"


async def test_console_notices_a_change_made_by_a_script(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = Store(demo_store.path, clock=demo_store.clock)
        from store.subjects import add_subject

        add_subject(other, "NIEUW", kind="person", domain="local", unit="RT")
        app._watch_database()
        await settle(pilot)
        assert app.screen.query_one("#subjects", DataTable).row_count == 13


def test_today_snapshot(app: SchildwachtApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_agenda_snapshot(app: SchildwachtApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_agenda(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_agenda)


async def test_raise_a_signal_from_the_agenda(app: SchildwachtApp, demo_store: Store) -> None:
    from console.screens.forms import SignalForm
    from store.signals import list_signals

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", DataTable)
        activity_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        person = row_text(table, table.cursor_row)[1]
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, SignalForm)
        assert app.screen.query_one("#person", Select).value == person  # pre-filled
        await pilot.press(*"Drone boven de tuin")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    (raised,) = [s for s in list_signals(demo_store, mine=True)]
    assert (raised.text, raised.person, raised.activity_id, raised.status) == (
        "Drone boven de tuin",
        person,
        activity_id,
        "submitted",
    )


def analyst_callsign(store: Store) -> str:
    from store.staff import list_staff

    return list_staff(store, role="info_analyst")[0].callsign


async def test_analyst_inbox_receives_and_interprets(demo_store: Store) -> None:
    from console.screens.signals import SignalsScreen
    from store.signals import get_signal

    analyst = as_user(demo_store, analyst_callsign(demo_store))
    app = SchildwachtApp(analyst, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "● " in app.sub_title  # unread badge: signals not yet received
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignalsScreen)
        table = screen.query_one("#signal-list", DataTable)
        urgencies = [row_text(table, i)[0] for i in range(table.row_count)]
        order = {"immediate": 0, "priority": 1, "routine": 2}
        ranks = [min(v for k, v in order.items() if k in u) for u in urgencies]
        assert ranks == sorted(ranks)  # most urgent first
        rows = [row_text(table, i) for i in range(table.row_count)]
        index = next(i for i, row in enumerate(rows) if row[2] == "submitted")
        table.move_cursor(row=index)
        signal_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        await pilot.press("v")
        await settle(pilot)
        assert get_signal(analyst, signal_id).status == "received"
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"Verkenning waarschijnlijk")
        await pilot.press("enter")
        await settle(pilot)
    done = get_signal(analyst, signal_id)
    assert (done.status, done.interpretation) == ("interpreted", "Verkenning waarschijnlijk")


async def test_operators_are_not_offered_the_analysts_steps(app: SchildwachtApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        keys = {k for k, b in app.screen.active_bindings.items() if b.enabled}
        assert "v" not in keys and "w" in keys


def test_signals_snapshot(demo_store: Store, snap_compare) -> None:  # type: ignore[no-untyped-def]
    analyst = as_user(demo_store, analyst_callsign(demo_store))

    async def open_signals(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("s")
        await settle(pilot)

    app = SchildwachtApp(analyst, remember=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_signals)


async def test_roster_gaps_apply_a_suggestion(app: SchildwachtApp, demo_store: Store) -> None:
    from console.screens.roster import RosterScreen
    from store.roster import list_deployments

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen) and screen.data is not None
        gaps_before = len(screen.data.gaps)
        assert gaps_before > 0
        gap_list = screen.query_one("#gap-list", DataTable)
        row = next(i for i, g in enumerate(screen.data.gaps) if g.activities)
        gap_list.move_cursor(row=row)
        await settle(pilot)
        activity_id = screen.selected_activity()
        assert activity_id is not None
        suggestions = screen.query_one("#suggestions", DataTable)
        index = next(
            i
            for i, o in enumerate(screen.options)
            if o.callsign and (o.feasible or o.partial) and "lent from" in o.description
        )
        callsign = screen.options[index].callsign
        before = sum(g.shortfall_hours for g in screen.data.gaps if activity_id in g.activities)
        suggestions.move_cursor(row=index)
        await pilot.press("p")
        await settle(pilot)
        assert [d.callsign for d in list_deployments(demo_store, activity_id)] == [callsign]
        after = sum(g.shortfall_hours for g in screen.data.gaps if activity_id in g.activities)
        assert after < before  # the lent officer's capacity now counts for this unit


def test_roster_snapshot(app: SchildwachtApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_roster(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_roster)


async def test_sign_a_handover_in_the_console(app: SchildwachtApp, demo_store: Store) -> None:
    from textual.widgets import TextArea

    from console.screens.handover import HandoverScreen
    from store.handover import list_handovers

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        assert (
            screen.query_one("#open-items", DataTable).row_count == 8
        )  # the demo gave everyone a secret: an open item
        screen.query_one("#handover-notes", TextArea).text = "Let op REIGER bij vertrek"
        screen.query_one("#open-items", DataTable).focus()
        await pilot.press("x")
        await settle(pilot)
        assert screen.query_one("#handover-history", DataTable).row_count == 1
        await pilot.press("j")
        await settle(pilot)
        assert not isinstance(app.screen, HandoverScreen)  # jumped to the item's screen
    (record,) = list_handovers(demo_store)
    assert record.notes == "Let op REIGER bij vertrek" and record.signed_by == "OPS-01"


async def test_capacity_scenario_beside_the_baseline(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.screens.capacity import CapacityScreen

    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CapacityScreen) and screen.data is not None
        assert screen.query_one("#reinforcements", DataTable).row_count == 8 + 3
        assert screen.query_one("#restrictions", DataTable).row_count >= 1
        short_unit = max(
            screen.data.daily, key=lambda u: sum(r.shortfall_hours for r in screen.data.daily[u])
        )  # type: ignore[union-attr]
        screen.query_one("#scenario-unit", Select).value = short_unit
        screen.query_one("#scenario-count", Input).value = "6"
        screen.query_one("#scenario-kind", Select).value = "add_officers"
        await pilot.click("#scenario-run")
        await settle(pilot)
        result = screen.query_one("#scenario-result", DataTable)
        error = str(screen.query_one("#scenario-error", Static).render())
        assert result.row_count, error
        rows = {str(row_text(result, i)[0]): row_text(result, i) for i in range(result.row_count)}
        baseline, scenario = float(rows[short_unit][1]), float(rows[short_unit][2])
        assert scenario < baseline
    assert snapshot(demo_store.path) == before  # a scenario writes nothing


def test_capacity_snapshot(app: SchildwachtApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_capacity(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("k")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_capacity)


async def test_a_signal_without_a_person_from_the_capacity_screen(
    app: SchildwachtApp, demo_store: Store
) -> None:
    """No context to pre-fill: the person stays blank and is not invented."""
    from store.signals import list_signals

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press(*"Verdachte auto bij kazerne")
        await pilot.press("enter")
        await settle(pilot)
    (raised,) = list_signals(demo_store, mine=True)
    assert raised.person is None and raised.text == "Verdachte auto bij kazerne"


async def test_the_console_hides_what_the_role_may_not_do(demo_store: Store) -> None:
    from textual.widgets import Button

    from store.staff import add_staff

    add_staff(demo_store, "IO-77", unit="DKDB", role="info_analyst")
    analyst = as_user(demo_store, "IO-77")
    app = SchildwachtApp(analyst, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        enabled = {k for k, b in app.screen.active_bindings.items() if b.enabled}
        assert not {"n", "e", "c", "r"} & enabled and "l" in enabled
        await pilot.press("r")  # hidden: nothing opens, nothing is written
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("k")
        await settle(pilot)
        assert app.screen.query_one("#scenario-run", Button).disabled


async def test_the_handover_goes_to_the_activity_to_re_plan_on_its_day(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.widgets.reveal import move_to
    from store.clock import local
    from store.handover import draft_handover

    replan = next(i for i in draft_handover(demo_store).assessment if i.kind == "replan")
    assert replan.ids, "the demo has an activity to re-plan"
    wanted = agenda.get_activity(demo_store, replan.ids[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        move_to(app.screen.query_one("#open-items", DataTable), "replan")
        await pilot.press("j")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert screen.day == local(wanted.start_at).date()
        assert screen.selected_id() == wanted.id


async def test_the_handover_goes_to_the_first_open_signal(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.screens.signals import SignalsScreen
    from console.widgets.reveal import move_to
    from store.handover import draft_handover

    items = draft_handover(demo_store).assessment
    first = next(i for i in items if i.kind == "open_signals").ids[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        move_to(app.screen.query_one("#open-items", DataTable), "open_signals")
        await pilot.press("j")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignalsScreen)
        selected = app.screen.selected()
        assert selected is not None and selected.id == first


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
        secret = form.query_one("#secret", Input)
        assert secret.password  # masked
        form.query_one("#callsign", Input).value = analyst
        secret.value = "not-the-secret"
        await pilot.click("#save")
        await settle(pilot)
        assert app.screen is form and "Wrong secret" in str(
            form.query_one(".error", Static).render()
        )
        assert app.store.actor.callsign == "OPS-01"  # nothing changed
        secret.value = "demo-secret"
        secret.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SwitchUserForm), form.query_one(".error", Static).render()
        assert app.store.actor.callsign == analyst
        assert app.sub_title.startswith(f"{analyst} · info analyst")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch user" in commands
