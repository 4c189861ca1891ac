"""Issue 17, the breaker rev17q's findings (fix17s): a blurred table draws its cursor's row once
(no phantom duplicate at 80x24), ``e`` on an ended activity offers only what the store takes, the
words of a refused move of an ended activity, Escape+key with a drop-down open, the help's first
lines and Dutch plurals in the palette."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.widgets.table import RecordTable
from tests.console.conftest import settle


def _lines(table: RecordTable) -> list[str]:
    height = table.scrollable_content_region.height
    return ["".join(s.text for s in table.render_line(y)) for y in range(height)]


async def test_a_wrapped_row_is_drawn_once_after_the_table_loses_the_focus(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        assert app.focused is table and table.cursor_row == 0
        when = str(table.get_row_at(0)[0])
        follows = str(table.get_row_at(1)[0])
        lines = _lines(table)
        assert lines[2].strip() and when not in lines[2], lines  # wrapped: its cut cells whole
        await pilot.press("x")  # opens the log: the focus leaves the table
        await settle(pilot)
        assert app.focused is not table
        lines = _lines(table)
        assert sum(when in line for line in lines) == 1, lines  # once, not on each of its lines
        assert follows in lines[2], lines  # the next record right under it
