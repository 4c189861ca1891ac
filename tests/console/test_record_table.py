"""The console's table over many rows (issue 18): only the visible lines are drawn, a refresh
that changes one record repaints that record's line alone, and the cursor stays on its record
across a refresh. A bare app holds the table: these are the widget's rules, not a screen's."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.widgets.table import Column, RecordTable, Row, row

COLUMNS = (Column("Name", 12), Column("Post", 10), Column("Hours", 6, align="right"))


class Drawn(RecordTable):
    """The table, noting every line it draws (``render_line`` is what Textual asks per line)."""

    def __init__(self) -> None:
        super().__init__(COLUMNS, id="table")
        self.drawn: list[int] = []

    def render_line(self, y: int):  # type: ignore[no-untyped-def]
        self.drawn.append(y)
        return super().render_line(y)


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Drawn()


def records(count: int, *, changed: int | None = None, first: str = "") -> list[Row]:
    rows = [row(f"r{i}", f"Officer {i}", f"post {i % 7}", f"{i % 24}.0") for i in range(count)]
    if changed is not None:
        rows[changed] = row(f"r{changed}", f"Officer {changed}", "post moved", "9.5")
    if first:
        rows.insert(0, row(first, "New officer", "post 0", "1.0"))
    return rows


def shown(app: Bare) -> list[str]:
    """The screen's lines as text."""
    return [
        "".join(segment.text for segment in line)
        for line in app.screen._compositor.render_update(full=True).strips  # type: ignore[union-attr]
    ]


async def test_a_2000_row_table_draws_its_first_page_only() -> None:
    app = Bare()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Drawn)
        table.set_rows(records(2000))
        table.drawn.clear()
        await pilot.pause()
        lines = "\n".join(shown(app))
        assert "Officer 0 " in lines and "Officer 17 " in lines
        assert "Officer 18 " not in lines  # 20 lines: the header, rows 0–17, a scrollbar
        assert table.row_count == 2000 and table.virtual_size.height == 2001
        assert table.drawn and max(table.drawn) < 20  # never a line out of sight


async def test_a_refresh_that_changes_one_row_repaints_that_row_alone() -> None:
    app = Bare()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Drawn)
        table.set_rows(records(2000))
        await pilot.pause()
        table.drawn.clear()
        table.set_rows(records(2000))  # the same records again: nothing to draw
        await pilot.pause()
        assert table.drawn == []
        table.set_rows(records(2000, changed=5))
        await pilot.pause()
        assert set(table.drawn) == {6}  # row 5 is the sixth line, under the header
        assert "post moved" in shown(app)[6]


async def test_the_cursor_stays_on_its_record_across_a_refresh() -> None:
    app = Bare()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Drawn)
        table.set_rows(records(2000))
        table.focus()
        await pilot.pause()
        for _ in range(3):
            await pilot.press("down")
        await pilot.press("pagedown")
        kept = table.cursor_key
        assert kept not in (None, "r0")
        table.set_rows(records(2000, first="r-new"))  # a record comes in above it
        await pilot.pause()
        assert table.cursor_key == kept
        assert table.cursor_row == int(kept.removeprefix("r")) + 1
        gone = [r for r in records(2000, first="r-new") if r.key != kept]
        table.set_rows(gone)  # and then it is gone
        await pilot.pause()
        assert table.cursor_key == f"r{int(kept.removeprefix('r')) + 1}"  # the one at its place
