"""Issue 17, second reviewer's shift (console12): the day board on clock-change days, the
Signals view after a switch, refusals before questions, Enter on a drop-down, human words."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import Confirm, sentence
from console.screens.forms import ActivityForm, MoveForm
from console.screens.roster import RosterScreen
from console.widgets.dayboard import make_board, render_board
from console.widgets.table import RecordTable
from store import access, agenda, intel, signals
from store.db import Store
from store.errors import BadInput, PermissionDenied
from store.setup import init_database
from store.staff import list_staff
from store.sync import roster as rosters
from tests.conftest import as_user, snapshot
from tests.console.conftest import error_of, rows, settle, shown, toasts


def _board_of(store: Store, title: str, start: str, end: str) -> list[str]:
    made = agenda.add_activity(
        store,
        person="OTTER",
        title=title,
        start=datetime.fromisoformat(start),
        end=datetime.fromisoformat(end),
        location="Havenstad",
    )
    day = datetime.fromisoformat(start).date()
    board = make_board(day, [made])
    return render_board(board, 11 + 1 + 25 * 4).plain.splitlines()


def test_the_autumn_board_has_25_hours_and_draws_the_repeated_hour(demo_store: Store) -> None:
    # 02:30 summer time to 02:30 winter time: one real hour, inside the repeated hour
    axis, lane = _board_of(
        demo_store, "Herfstnacht", "2027-10-31T02:30+02:00", "2027-10-31T02:30+01:00"
    )[:2]
    labels = axis.split()
    assert labels[:4] == ["02", "02'", "03", "04"]  # the repeated hour is labelled apart
    cells = lane[11:]
    first = cells.index("?")
    per_hour = axis.index("02'") - axis.index("02")
    # the block starts half-way into the first 02 and lasts one real hour (per_hour cells)
    assert first == per_hour // 2
    assert cells[first : first + per_hour].strip(" ?") == "" and cells[first + per_hour] == "·"


def test_the_spring_board_skips_the_missing_hour(demo_store: Store) -> None:
    axis, lane = _board_of(
        demo_store, "Lentenacht", "2027-03-28T01:30+01:00", "2027-03-28T04:00+02:00"
    )[:2]
    labels = axis.split()
    assert labels[:3] == ["01", "03", "04"] and "02" not in labels
    cells, per_hour = lane[11:], axis.index("03") - axis.index("01")
    # 1.5 real hours: from half-way into 01 to the start of 04
    start, end = per_hour // 2, per_hour * 2
    assert cells.index("?") == start and cells[start:end].strip(" ?") == "" and cells[end] == "·"


async def test_the_signals_view_follows_the_role_after_a_switch_of_user(
    demo_store: Store,
) -> None:
    analyst = list_staff(demo_store, role="info_analyst")[0].callsign
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("m")  # the shift leader narrows the list to their own signals
        await settle(pilot)
        assert shown(app, "#signals-summary").startswith("my signals")
        await pilot.press("u", *analyst, "tab", *"demo-secret", "enter")
        await settle(pilot)
        assert app.store.actor.callsign == analyst, error_of(app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert shown(app, "#signals-summary").startswith("all signals I may see")
        assert rows(app, "#signal-list")  # the inbox, not "0 signals here"


async def test_an_option_not_for_the_role_says_so_and_p_refuses_at_once(
    demo_store: Store,
) -> None:
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    before = snapshot(demo_store.path)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        deploy = next(i for i, o in enumerate(screen.options) if o.action == "deploy")
        assert rows(app, "#suggestions")[deploy][1].startswith("not for your role")
        await pilot.press("tab", "tab", "home", *(["down"] * deploy), "p")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)  # refused at once, never asked
        assert any(t.startswith("Only ") and "operator" in t for t in toasts(app))
    assert snapshot(demo_store.path) == before


async def test_enter_on_a_closed_drop_down_saves_its_form(demo_store: Store) -> None:
    analyst = as_user(demo_store, list_staff(demo_store, role="info_analyst")[0].callsign)
    report = intel.draft_report(analyst, title="Testrapport", interpretation="Duiding")
    intel.add_scenario(analyst, report.id, description="Scenario")
    app = SchildwachtApp(analyst, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        table = app.screen.query_one("#report-list", RecordTable)
        table.focus()
        assert table.move_to(report.id)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.focused, Select)  # the dialog's one field: "To"
        await pilot.press("enter")
        await settle(pilot)
        assert intel.get_report(analyst, report.id).status == "issued", error_of(app)


def test_refusals_name_roles_and_statuses_as_the_console_labels_them(demo_store: Store) -> None:
    analyst = as_user(demo_store, list_staff(demo_store, role="info_analyst")[0].callsign)
    try:
        access.require(analyst.actor, "handover.sign")
    except PermissionDenied as error:
        said = sentence(error)
    assert said.endswith("is information analyst.") and "info analyst" not in said
    signal = next(s for s in signals.list_signals(analyst) if s.status == "submitted")
    signals.receive_signal(analyst, signal.id)
    signals.follow_up_signal(analyst, signal.id)
    try:
        signals.receive_signal(analyst, signal.id)
    except BadInput as error:
        said = sentence(error)
    assert " is in follow-up; " in said and "in follow up" not in said


async def test_an_edit_to_another_day_takes_the_board_there(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen) and screen.data is not None
        table = screen.query_one("#day-activities", RecordTable)
        table.move_to(
            next(k for k in table.keys if screen.data.activities[k].status != "cancelled")
        )
        item = screen.selected()
        assert item is not None
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        form.query_one("#start", Input).value = "2026-11-30 10:00"
        form.query_one("#end", Input).value = "2026-11-30 11:00"
        form.submit()
        await settle(pilot)
        assert isinstance(app.screen, MoveForm), error_of(app)
        await pilot.press(*"tikfout", "enter")  # a correction, with what was wrong
        await settle(pilot)
        assert app.screen is screen, error_of(app)
        assert str(screen.day) == "2026-11-30"  # the board followed it
        moved = screen.selected()
        assert moved is not None and moved.id == item.id


async def test_signed_by_and_the_conflicts_by_fit_at_120x40_and_capacity_at_80x24(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        history = app.screen.query_one("#handover-history", RecordTable)
        assert all(history._kept())  # "Signed by" (who may accept depends on it) and "Accepted by"
        await pilot.press("y")
        await settle(pilot)
        conflicts = app.screen.query_one("#sync-conflicts", RecordTable)
        assert conflicts._kept()[-1] >= len("DKDB-0009 / RT-0733")  # two callsigns whole
        await pilot.resize_terminal(80, 24)
        await pilot.press("k")
        await settle(pilot)
        summary = app.screen.query_one("#capacity-summary", Static)
        assert "short" in str(summary.render()) and summary.region.height == 1


async def test_enrol_says_no_team_first_and_the_receipt_follows_an_enrolment(
    demo_store: Store, tmp_path: Path
) -> None:
    other = init_database(
        tmp_path / "b.db",
        callsign="RT-0733",
        role="operator",
        unit="RT",
        clock=demo_store.clock,
        device_label="lap-b",
    )
    request = tmp_path / "request-b.json"
    rosters.write_request(other, request)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        sync = app.screen
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is sync  # no form about a request that cannot be read
        assert toasts(app)[-1].startswith("No team yet: n creates one")
        receipt = sync.query_one("#sync-receipt", Static)
        await pilot.press("n", *"Team RT", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "nobody will read it" in str(receipt.render())
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#request", Input).value = str(request)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm), error_of(app)
        await pilot.press("y")
        await settle(pilot)
        assert str(receipt.render()).startswith("lap-b enrolled (roster v2)")
    other.close()


async def test_a_bundle_path_too_long_for_the_system_is_refused_in_one_short_sentence(
    demo_store: Store,
) -> None:
    """rev14b: a 6,000-character path in the Sync screen's import dialog showed "Unexpected
    error (OSError): File name too long" and the whole path; now the dialog's own refusal."""
    before = snapshot(demo_store.path)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = "/x/" + "x" * 6_000
        await pilot.press("enter")
        await settle(pilot)
        said = error_of(app)
        assert said.startswith("There is no file") and len(said.split(". ")[0]) < 120, said
    assert snapshot(demo_store.path) == before


async def test_a_sync_folder_name_too_long_for_the_system_is_refused_when_saved(
    demo_store: Store,
) -> None:
    """rev14b: a 6,000-character sync folder was saved and only refused at each export."""
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        before = app.screen.folder
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one(Input).value = "/x/" + "x" * 6_000
        await pilot.press("enter")
        await settle(pilot)
        assert "too long for this system" in error_of(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.folder == before
