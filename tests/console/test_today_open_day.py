"""rev17g: Today ``o`` on a subject with no activity today opened the Agenda with the cursor on
another person's activity (or on the day the Agenda was last on), without a word, so the next
key acted on that one. Now it says so and stays; a subject with activities today opens the
Agenda on today, on its first, whatever day the Agenda was on."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.today import TodayScreen
from console.widgets.table import RecordTable
from store.clock import today
from tests.console.conftest import row_text, settle, toasts


async def _on_subject(app: SchildwachtApp, pilot: object, busy: bool) -> str:
    """Put Today's cursor on the first subject with (``busy``) or without activities today."""
    screen = app.screen
    assert isinstance(screen, TodayScreen) and screen.data is not None
    table = screen.query_one("#subjects", RecordTable)
    for index in range(table.row_count):
        code = row_text(table, index)[0]
        if bool(screen.data.activities.get(code)) == busy:
            table.move_cursor(row=index)
            return code
    raise AssertionError("the demo has no such subject")


async def test_o_on_a_subject_with_nothing_today_says_so_and_stays(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        code = await _on_subject(app, pilot, busy=False)
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert toasts(app) == [f"{code} has no activity today: nothing to open on the Agenda."]


async def test_o_opens_today_on_the_subject_whatever_day_the_agenda_was_on(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("]", "]")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        code = await _on_subject(app, pilot, busy=True)
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert screen.day == today(app.store.clock)
        table = screen.query_one("#day-activities", RecordTable)
        assert row_text(table, table.cursor_row)[1] == code
