"""Issue 17, the fresh console review: what the console let an operator do unseen or wrongly.
Each test drives the real console over a real demo database and checks what it shows and
that a refused or unseen action wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import BaseScreen, Confirm
from console.screens.document import DocumentScreen
from console.screens.forms import Form, RestrictForm, SignalForm
from console.times import at as at_text
from console.widgets.dayboard import DayAxis, DayBoard
from console.widgets.drawer import Drawer, DrawerTitle, focus_in
from console.widgets.navbar import NavBar
from console.widgets.table import RecordTable, _needed
from store import handover, logbook, signals
from store.clock import FixedClock
from store.db import Store
from store.staff import add_staff
from tests.conftest import as_user, at, snapshot
from tests.console.conftest import error_of, rows, settle, toasts
from tests.sync_team import exchange_all, make_team


async def test_a_withdrawn_handover_is_marked_and_cannot_be_accepted(demo_store: Store) -> None:
    other = as_user(demo_store, "NN-0000")
    period = (at(other, "2026-11-27 07:00"), at(other, "2026-11-27 15:00"))
    signed = handover.sign_handover(other, *period, "Overdracht")
    handover.withdraw_handover(other, signed.id, "verkeerde dienst")
    later = (at(other, "2026-11-26 07:00"), at(other, "2026-11-26 15:00"))
    replaced = handover.sign_handover(other, *later, "Eerste versie")
    newer = handover.sign_handover(other, *later, "Tweede", supersedes=replaced.id, reason="x")
    other.close()
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        history = rows(app, "#handover-history")
        table = app.screen.query_one("#handover-history", RecordTable)
        keys = table.keys
        index = keys.index(signed.id)
        assert history[index][2] == "withdrawn"  # its own column, never cut off the period
        table.focus()
        table.move_cursor(row=index)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert "withdrawn by NN-0000" in toasts(app)[-1]
        assert history[keys.index(replaced.id)][2] == "superseded"
        table.move_cursor(row=keys.index(replaced.id))  # superseded: refused as withdrawn ones
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert f"superseded by handover {newer.id[:13]}, signed by NN-0000" in toasts(app)[-1]
        await pilot.press("a", "x")  # clearing a flag: its long caption is shown whole
        await settle(pilot)
        assert isinstance(app.screen, Form)
        for caption in app.screen.query(".caption"):
            words = str(caption.render())
            row = caption.parent
            assert isinstance(row, Widget)
            lines = min(caption.content_region.height, row.content_region.height)
            assert lines * caption.content_region.width >= len(words), words
        await pilot.press("escape")
        await settle(pilot)
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


def drawer_open(app: SchildwachtApp, selector: str) -> bool:
    return app.screen.query_one(selector, Drawer).has_class("-open")


async def test_a_key_never_acts_on_a_row_in_a_closed_drawer(demo_store: Store) -> None:
    """80x24: the log, the signal reports and the suggestions are closed drawers; their keys
    open them and ask again, and write nothing until then."""
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(80, 24)) as pilot:
        for screen_key, key, drawer in (
            ("a", "x", "#log-panel"),
            ("s", "r", "#report-panel"),
            ("g", "p", "#suggestion-panel"),
        ):
            await pilot.press(screen_key)
            await settle(pilot)
            assert not drawer_open(app, drawer)
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BaseScreen), key  # no form, no question
            assert drawer_open(app, drawer), key
            assert toasts(app)[-1].endswith("then press the key again."), key
            if drawer == "#report-panel":  # its Issued date whole: columns go first (issue 17)
                reports = app.screen.query_one("#report-list", RecordTable)
                widths = reports._column_widths()
                assert widths[3] >= len("2026-11-28 10:00"), widths
                assert _needed(widths) <= reports.scrollable_content_region.width, widths
        assert snapshot(demo_store.path) == before


async def test_revoke_opens_the_devices_first_and_names_the_device(
    tmp_path: Path, clock: FixedClock
) -> None:
    admin, b = make_team(tmp_path / "team", clock, names=("a", "b"), labels=("vm", "vm"))
    logbook.add_entry(b.store, "Dienst begonnen", kind="note")
    exchange_all([admin, b], tmp_path / "share")
    app = SchildwachtApp(admin.store, remember=False, watch=None, ahead=False)
    before = snapshot(admin.store.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        assert not drawer_open(app, "#peers-panel")
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm) and drawer_open(app, "#peers-panel")
        assert app.screen.check_action("join", ()) is False  # in a team: Join is not offered
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = app.screen.question
        assert "'vm' (" in question and "OPS-B" in question and b.id[-7:] in question
        await pilot.press("escape")
        await settle(pilot)
    assert snapshot(admin.store.path) == before


async def test_tab_reaches_every_drawer_at_80x24(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("a", "g", "s", "h", "y"):
            await pilot.press(key)
            await settle(pilot)
            drawers = {d.id for d in app.screen.query(Drawer)}
            opened: set[str | None] = set()
            for _step in range(6):  # a full round of every screen's Tab stops
                await pilot.press("tab")
                for _wait in range(20):  # the focus goes on in after the drawer's repaint
                    await pilot.pause()
                    if not isinstance(app.screen.focused, DrawerTitle):
                        break
                opened |= {d.id for d in app.screen.query(Drawer) if d.has_class("-open")}
                focused = app.screen.focused
                assert focused is None or not isinstance(focused, DrawerTitle), key
            assert opened == drawers, key


async def test_restrict_has_no_default_kind_and_asks_before_cancelling(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        agenda_screen = app.screen
        assert isinstance(agenda_screen, AgendaScreen) and agenda_screen.data is not None
        table = agenda_screen.query_one("#day-activities", RecordTable)
        now = demo_store.clock.now()
        index = next(  # one still ahead: cancelling one that is over is refused, not asked
            i
            for i, key in enumerate(table.keys)
            if agenda_screen.data.activities[key].end_at > now
            and agenda_screen.data.activities[key].status != "cancelled"
        )
        table.move_cursor(row=index)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RestrictForm)
        await pilot.press("tab", "tab", *"OvJ", "enter")  # typed ahead, no kind chosen
        await settle(pilot)
        assert app.screen is form
        assert error_of(app).startswith("Choose what happens")
        form.query_one("#kind", Select).value = "cancelled"
        form.query_one("#note").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == (
            f"Cancel '{form.item.title}' ({form.item.person}, {at_text(form.item.start_at)})"
            " for good?"
        )
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form
    assert snapshot(demo_store.path) == before


async def test_a_new_team_clears_the_receipt_and_join_says_why_not(demo_store: Store) -> None:
    """The review (F-A, F-B): after n created a team the last receipt still said "not in a
    team yet"; j (and n) on a device in a team did nothing and said nothing."""
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("e")  # fix17: hidden in no team, and said as a toast, not a receipt
        await settle(pilot)
        assert toasts(app)[-1].startswith("No team yet: n creates one"), toasts(app)
        receipt = app.screen.query_one("#sync-receipt", Static)
        await pilot.press("n", *"Team RT", "enter")
        await settle(pilot)
        assert str(receipt.render()).startswith("Team Team RT created; admin key ")
        for key in "jn":
            await pilot.press(key)
            await settle(pilot)
            assert toasts(app)[-1] == "This device is in team Team RT already.", key
            assert isinstance(app.screen, BaseScreen)  # no form opened


async def test_the_signal_form_keeps_person_and_activity_together(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        item = agenda.selected()
        assert item is not None
        other = next(
            a.person for a in (agenda.data.activities.values() if agenda.data else ())
            if a.person != item.person
        )  # fmt: skip
        await pilot.press("exclamation_mark")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SignalForm)
        assert form.query_one("#person", Input).value == item.person
        form.query_one("#text", Input).value = "Drone boven de locatie"
        form.query_one("#person", Input).value = other
        await settle(pilot)
        note = str(form.query_one(".note", Static).render())
        assert note.startswith("Not about") and f"{item.person}'s" in note
        form.submit()
        await settle(pilot)
        # the toast says it too: the link was dropped, not lost without a word (f6)
        assert any(t.startswith("Signal raised without the activity ") for t in toasts(app))
        # o on an activity that has ended: refused at once in the deploy form's words (rev17g:
        # the form opened, said "there is nothing to apply to it" and offered Deploy), not
        # "no officer is free"
        ended = next(
            a for a in agenda.data.activities.values() if a.end_at <= demo_store.clock.now()
        )
        agenda.query_one("#day-activities", RecordTable).move_to(ended.id)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is agenda  # no form
        said = toasts(app)[-1]
        assert said == (
            f"Not deployed: '{ended.title}' ended at {at_text(ended.end_at)}; its deployments no "
            "longer change."
        ), said
    (made,) = [s for s in signals.list_signals(demo_store) if s.text == "Drone boven de locatie"]
    assert (made.person, made.activity_id) == (other, None)


async def test_80x24_sync_with_devices_open_keeps_the_conflicts_and_quarantine(
    tmp_path: Path, clock: FixedClock
) -> None:
    from tests.console.test_sync_screen import conflicted_team

    (a, _b), _activity = conflicted_team(tmp_path, clock)
    for number in range(3):  # secrets set by the admin: the summary's long warning
        as_user(a.store, add_staff(a.store, f"RT-01{number}", unit="RT").callsign).close()
    app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
    app.state["sync_folder"] = str(tmp_path / "share")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y", "i")  # imported here: the last receipt takes its lines
        await settle(pilot)
        await settle(pilot)
        receipt = str(app.screen.query_one("#sync-receipt", Static).render())
        assert receipt.startswith("1 file read; 1 new conflict.\n"), receipt  # the toast's line
        assert toasts(app)[-1] == "1 file read; 1 new conflict."
        box = app.screen.query_one("#receipt-box")
        assert box.focusable and box.max_scroll_y > 0  # cut at 80x24, it scrolls when focused
        await pilot.press("r")  # ...and r shows it whole
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert str(app.screen.query_one("#document-body", Static).render()) == receipt
        await pilot.press("escape")
        await settle(pilot)
        conflicts = app.screen.query_one("#sync-conflicts").region
        whole = app.screen.region
        assert conflicts.height >= 6 and whole.contains_region(conflicts)  # drawers closed
        focus_in(app.screen.query_one("#sync-peers"))
        await settle(pilot)
        assert drawer_open(app, "#peers-panel")
        conflicts = app.screen.query_one("#sync-conflicts").region
        assert conflicts.height >= 6 and whole.contains_region(conflicts)  # header + 5 rows
        title = app.screen.query_one("#quarantine-panel DrawerTitle")
        footer_y = app.screen.region.bottom - 1
        assert title.region.height == 1 and conflicts.bottom <= title.region.y < footer_y
        # the receipt stays on screen with a drawer open: its first line, what was exchanged
        # (before, it stepped aside until the drawer closed; r still opens it whole)
        box = app.screen.query_one("#receipt-box")
        assert box.display and box.region.height == 1
        assert app.screen.region.contains_region(box.region)
        first_line = app.screen.query_one("#sync-receipt", Static).render_line(0).text.strip()
        assert first_line == "1 file read; 1 new conflict."


async def test_80x24_the_day_board_and_the_gaps_scroll_under_a_fixed_axis(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        board = app.screen.query_one("#board")
        assert board.max_scroll_y > 0  # more lanes than room
        await pilot.press("shift+tab")  # the board takes the focus
        assert app.screen.focused is board
        await pilot.press("end")
        await settle(pilot)
        assert board.scroll_y == board.max_scroll_y
        # the hour axis stays in view above the scrolled lanes, drawn for the lanes' width
        axis, _where = app.screen.get_widget_at(board.region.x + 1, board.region.y - 1)
        assert isinstance(axis, DayAxis)
        assert str(axis.render()).split()[:2] == ["07", "08"]
        lanes = app.screen.query_one(DayBoard)
        assert axis.lanes_width == lanes.content_region.width
        assert axis.content_region.x == lanes.content_region.x
        await pilot.press("home")
        await settle(pilot)
        assert board.scroll_y == 0
        table = app.screen.query_one("#day-activities", RecordTable)
        table.focus()
        table.move_cursor(row=table.row_count - 1)  # its lane is below the board's room
        await settle(pilot)
        assert board.scroll_y > 0
        await pilot.press("g")  # the Gaps time line: every unit reachable, its axis kept
        await settle(pilot)
        units = app.screen.query_one("#timeline")
        assert units.max_scroll_y > 0
        await pilot.press("shift+tab")
        assert app.screen.focused is units
        await pilot.press("end")
        await settle(pilot)
        assert units.scroll_y == units.max_scroll_y > 0
        axis, _where = app.screen.get_widget_at(units.region.x + 1, units.region.y - 1)
        assert axis.id == "timeline-axis" and str(axis.render()).split()[:2] == ["Sa", "06"]


async def test_80x24_the_unread_badge_is_never_cut(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(NavBar)
        for _ in range(200):  # laid out at the terminal's width (under load it can lag a paint)
            if bar.size.width == 80:
                break
            await pilot.pause(0.01)
        assert bar.size.width == 80
        app.badge = 12
        line = bar.render().plain
        assert "12" in line and "●" in line and len(line) <= 80
        assert " t Today " in line  # this screen still named


async def test_a_move_to_another_day_takes_the_board_there(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        agenda_screen = app.screen
        assert isinstance(agenda_screen, AgendaScreen)
        table = agenda_screen.query_one("#day-activities", RecordTable)
        index = next(
            i for i, key in enumerate(table.keys)
            if agenda_screen.data and agenda_screen.data.activities[key].status != "cancelled"
        )  # fmt: skip
        table.move_cursor(row=index)
        item = agenda_screen.selected()
        assert item is not None
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RestrictForm)
        form.query_one("#kind", Select).value = "moved"
        form.query_one("#start", Input).value = "2026-11-30 10:00"
        form.query_one("#end", Input).value = "2026-11-30 11:00"
        form.query_one("#authority", Input).value = "OvJ"
        form.query_one("#reason", Select).value = "capacity"  # chosen (rev17r)
        form.submit()
        await settle(pilot)
        assert app.screen is agenda_screen, error_of(app)
        assert str(agenda_screen.day) == "2026-11-30"  # the board followed it
        moved = agenda_screen.selected()
        assert moved is not None and moved.id == item.id
        assert toasts(app)[-1].endswith("Now 2026-11-30 10:00–11:00.")  # the span (rev17d)


async def test_a_what_if_says_when_the_data_changed_under_it(demo_store: Store) -> None:
    from textual.widgets import Button

    from store import roster
    from store.errors import RuleViolation
    from store.staff import list_staff

    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        app.screen.query_one("#scenario-count", Input).value = "2"
        app.screen.query_one("#scenario-run", Button).press()
        await settle(pilot)
        said = app.screen.query_one("#scenario-error", Static)
        assert str(said.render()) == "Scenario worked out; nothing was written."
        for person in list_staff(demo_store, role="operator"):  # one free that night
            try:
                roster.add_shift(
                    demo_store, person.callsign, start=at(demo_store, "2026-11-29 01:00"),
                    end=at(demo_store, "2026-11-29 05:00"),
                )  # fmt: skip
                break
            except RuleViolation:
                continue
        app.changed()
        await settle(pilot)
        assert "out of date" in str(said.render())


def test_the_signal_forms_observed_at_takes_now_and_names_hh_mm(demo_store: Store) -> None:
    """The review (F-D): the placeholder offers "now", which was refused, and the refusal did
    not list HH:MM (which the field takes). Empty and "now" are now; a wrong time lists both."""
    import pytest

    from console.screens.base import sentence
    from console.screens.forms import observed_at
    from store.errors import BadInput

    assert observed_at(demo_store, "") is None and observed_at(demo_store, " Now ") is None
    assert observed_at(demo_store, "09:40") == at(demo_store, "2026-11-28 09:40")
    with pytest.raises(BadInput) as refused:
        observed_at(demo_store, "straks")
    said = sentence(refused.value)
    assert said.startswith(
        "'straks' is not a time; use 'now', 'HH:MM' (today, or yesterday when later than now), "
    ), said


def test_a_signals_duiding_is_labelled_once_and_the_advice_names_real_keys(
    demo_store: Store,
) -> None:
    """The review: "Duiding: Duiding: …" in a signal's detail (a duiding typed with its own
    label); the Handover's advice for open signals said "j, then s" (s is where j goes)."""
    from console.screens.handover import ADVICE
    from console.screens.signals import SignalsScreen, signal_detail
    from store.staff import list_staff

    analyst = as_user(demo_store, list_staff(demo_store, role="info_analyst")[0].callsign)
    item = next(s for s in signals.list_signals(analyst) if s.status == "received")
    signals.interpret_signal(analyst, item.id, "Duiding: verkenning waarschijnlijk")
    shown = signal_detail(analyst, item.id).plain
    assert "Duiding: verkenning waarschijnlijk" in shown and "Duiding: Duiding" not in shown
    advice = ADVICE["open_signals"]
    assert "then s" not in advice
    keys = {a.key: a.action for a in SignalsScreen.ACTIONS}
    assert "receives with v" in advice and keys["v"] == "step('received')"
    assert "interprets with i" in advice and keys["i"] == "step('interpreted')"
