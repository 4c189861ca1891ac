"""The console refuses a restriction of a done activity as the store does (R5): the form
stays open with the store's sentence, and nothing is written."""

from __future__ import annotations

from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.forms import RestrictForm
from console.widgets.table import RecordTable
from store.db import Store
from tests.conftest import snapshot
from tests.console.conftest import error_of, rows, settle, toasts


async def test_a_restriction_of_a_done_activity_is_refused_in_the_form(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        item = app.screen.selected()
        assert item is not None
        with demo_store.write("test.setup"):  # it took place (set as a script would)
            demo_store.conn.execute("UPDATE activity SET status = 'done' WHERE id = ?", (item.id,))
        before = snapshot(demo_store.path)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RestrictForm)
        app.screen.query_one("#kind", Select).value = "moved"
        assert app.focused is app.screen.query_one("#authority")  # its one kind chosen already
        app.screen.query_one("#reason", Select).value = "threat"  # chosen, no default (rev17r)
        app.screen.query_one("#start", Input).value = "2026-11-30 10:00"  # none proposed
        app.screen.query_one("#end", Input).value = "2026-11-30 11:00"
        await pilot.press(*"OvJ", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RestrictForm)  # stays open
        assert error_of(app) == (
            f"'{item.title}' is done: it has taken place, and a restriction decides what "
            "happens next (rule R5)."
        )
    assert snapshot(demo_store.path) == before


async def test_cancelling_an_ended_activity_is_refused_without_asking_first(
    app: SchildwachtApp, demo_store: Store
) -> None:
    """rev17b: cancelling an activity that is over asked "… for good? (y)" and only then said
    the store's refusal; since rev17p the form does not offer it (a move only, which the store
    takes: test_restrict_ended), so nothing is asked, nothing written."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen) and screen.data is not None
        now = demo_store.clock.now()
        table = screen.query_one("#day-activities", RecordTable)
        index = next(
            i
            for i, key in enumerate(table.keys)
            if screen.data.activities[key].end_at <= now
            and screen.data.activities[key].status != "cancelled"
        )
        table.move_cursor(row=index)
        before = snapshot(demo_store.path)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RestrictForm)
        kind = app.screen.query_one("#kind", Select)
        assert "cancelled" not in [value for _label, value in kind._options]
        await pilot.press("escape")
        await settle(pilot)
    assert snapshot(demo_store.path) == before


async def test_r_and_c_on_a_cancelled_activity_are_refused_at_once_by_its_title(
    demo_store: Store,
) -> None:
    """rev17m f6: ``r`` on a cancelled activity opened the whole Restrict form and refused only
    on saving, naming a raw id; ``c`` put a concept on it without a word. Both are refused at
    once now, by the activity's title (as ``o`` is); ``e`` says in its heading that only a
    correction is left."""
    from console.screens.base import FormScreen
    from store import agenda

    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen) and screen.data is not None
        now = demo_store.clock.now()
        item = next(a for a in screen.data.activities.values() if a.start_at > now)
        agenda.restrict_activity(
            demo_store, item.id, kind="cancelled", reason="capacity", authority="OvJ"
        )
        screen.reload()
        await settle(pilot)
        assert screen.select_record("activity", None, item.id)
        # at 80 columns the table has no Status column: the title says it, and so does the board
        assert any(f"✗ {item.title}" in cells for cells in rows(app, "#day-activities"))
        board = screen.query_one("#board-lanes").render()
        assert f"✗{item.concept or '?'}"[:3] in str(board)
        before = snapshot(demo_store.path)
        for key in ("r", "c"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, (key, app.screen)
            said = toasts(app)[-1]
            assert f"'{item.title}'" in said and item.id[:8] not in said, said
        assert "is already cancelled" in toasts(app)[-2]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "cancelled: a correction only" in app.screen.heading  # type: ignore[attr-defined]
    assert snapshot(demo_store.path) == before
