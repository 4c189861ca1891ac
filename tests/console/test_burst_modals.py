"""Issue 17 (rev17m, fix17o): keys typed in one burst after the key that opens a question (or
help, or another screen) go to it, in order; those typed after a key that is refused, or for a
form that is refused, are dropped, never taken as the screen's keys."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import Confirm, FormScreen
from console.screens.document import DocumentScreen
from console.screens.handover import HandoverScreen
from console.screens.help import HelpScreen
from console.widgets.table import RecordTable
from store.db import Store
from store.staff import list_staff
from tests.conftest import as_user
from tests.console.conftest import settle, toasts, type_text


def _burst(app: SchildwachtApp, *keys: str) -> None:
    """Keys as a terminal delivers them in one read: no pause between them."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def _operator(demo_store: Store) -> SchildwachtApp:
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    return SchildwachtApp(operator, remember=False, watch=None, ahead=False)


async def test_no_after_sign_answers_the_question(app: SchildwachtApp) -> None:
    """Item 1 (f2 "xn"): the n answers the Sign question (no), it does not focus the notes
    beneath it."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await type_text(pilot, "xn")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)  # the question was answered
        assert not [s for s in app.screen_stack if isinstance(s, Confirm)]
        assert not isinstance(app.screen.focused, TextArea)
        assert not [t for t in toasts(app) if "signed by" in t]


async def test_yes_after_sign_signs_on_the_handover(app: SchildwachtApp) -> None:
    """Item 1 (f2 "xy", f2b): the y answers the Sign question (yes): the handover is signed
    and the Sync screen does not open beneath the question."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await type_text(pilot, "xy")
        await settle(pilot)
        assert app.current_mode == "handover"
        assert isinstance(app.screen, HandoverScreen)
        assert not [s for s in app.screen_stack if isinstance(s, Confirm)]
        assert [t for t in toasts(app) if "signed by" in t]


async def test_keys_after_help_go_to_help(app: SchildwachtApp) -> None:
    """Item 1, every modal: Down after ? scrolls the help, Escape closes it; none moves the
    screen's cursor beneath."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        _burst(app, "question_mark", "down", "down")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert table.cursor_row == 0


async def test_keys_for_a_refused_deploy_form_are_dropped(app: SchildwachtApp) -> None:
    """Item 2 (f1): o on an activity that has ended is refused; "rt-0012" typed for its
    form does not open the Restrict form (or anything), and the refusal is said once."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)  # the cursor is on 07:00-09:00, over at the clock's 09:00
        await type_text(pilot, "ort-0012")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert len([t for t in toasts(app) if t.startswith("Not deployed")]) == 1
        assert len(toasts(app)) == 1


async def test_keys_after_a_refused_key_are_dropped(demo_store: Store) -> None:
    """Item 2 (f1b): r (restrict) as an operator is refused; "nieuwe tijd" after it in one
    burst does not open the New activity form (n) or any other."""
    app = _operator(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "rnieuwe tijd")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert not isinstance(app.screen, FormScreen)
        assert len(toasts(app)) == 1
        assert "may not do this" in toasts(app)[0]


async def test_keys_after_a_screen_key_go_to_the_new_screen(app: SchildwachtApp) -> None:
    """Item 3: Down typed right after a (Agenda) moves the Agenda's cursor, never the one
    of the screen left."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        today = app.screen.query_one("#subjects", RecordTable)
        _burst(app, "a", "down", "down")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert today.cursor_row == 0
        assert app.screen.query_one("#day-activities", RecordTable).cursor_row == 2


async def test_keys_after_a_screen_key_to_a_screen_seen_before(app: SchildwachtApp) -> None:
    """Item 3, a screen shown before (mounted, its cursor kept): the same."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        today = app.screen.query_one("#subjects", RecordTable)
        _burst(app, "a", "down", "down", "t", "down")
        await settle(pilot)
        assert app.current_mode == "today"
        assert today.cursor_row == 1
        agenda = app.get_screen_stack("agenda")[0]  # type: ignore[attr-defined]
        assert agenda.query_one("#day-activities", RecordTable).cursor_row == 2


async def test_escape_and_a_key_in_one_read_close_a_form(app: SchildwachtApp) -> None:
    """Escape and a key in one terminal read (Textual reads alt+key) in a form: the Escape
    cancels the form, the key is the screen's. The form stayed open with the key typed over
    its first field ("Escape t" made the title "t"), as fix17m had it on main screens."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app._driver.send_message(events.Key("alt+t", "t"))  # type: ignore[union-attr]
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert app.current_mode == "today"


async def test_escape_and_a_key_in_one_read_answer_a_question(app: SchildwachtApp) -> None:
    """The same in a question: the Escape answers no, the key is the screen's."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        app._driver.send_message(events.Key("alt+t", "t"))  # type: ignore[union-attr]
        await settle(pilot)
        assert app.current_mode == "today"
        assert not [t for t in toasts(app) if "signed by" in t]


async def test_q_after_a_document_key_closes_the_document(app: SchildwachtApp) -> None:
    """Every modal, also one that opens after a store read: Today's e (the subject's file)
    then q in one burst closes the document, it does not quit the console."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _burst(app, "e", "q")
        await settle(pilot)
        assert app.is_running
        assert app.current_mode == "today"
        assert not isinstance(app.screen, DocumentScreen)


async def test_keys_after_a_key_refused_at_once_are_dropped(store: Store) -> None:
    """rev17n HIGH 2: a screen key refused at once by the screen itself ("Select an activity
    first.", r or c on a cancelled activity) let the keys typed after it run as screen keys:
    "e" then "t" on a day with no activity went to Today, "r" then "q" quit the console."""
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "etq")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert app.is_running
        assert toasts(app) == ["Select an activity first."]
