"""A virtual table of records: fixed column widths, rows built in a worker, only the visible lines
drawn, and a refresh that repaints only the rows whose cells changed.

Textual's ``DataTable`` measures every cell of every new row on the UI thread (2,400 rows of eight
cells took half a second there), so a screen over a large database froze at each refresh. Here a
screen hands over a finished list of ``Row`` objects (their cells ``rich.text.Text`` made in the
worker, so nothing is parsed as markup); ``set_rows`` compares them with the rows shown by their
stable key and signature and refreshes just the lines that changed; ``render_line`` draws one
visible line at a time, cached per row. The cursor stays on the same record across refreshes.

A cell too long for its column ends in "…", and so does a line cut at the right edge; on the
cursor's row of the focused table the cut cells are shown whole, wrapped within their columns
over up to ``CURSOR_LINES`` lines, so the record one acts on is read in full at any terminal
size (issue 17).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .focus import KeepsFocus

#: Spaces between two columns.
GAP = 2
#: The most lines the cursor's row takes to show its cut cells whole.
CURSOR_LINES = 4


@dataclass(frozen=True)
class Column:
    """A column: its label, its width in cells, and whether it takes a share of the width left
    over (the growing columns share it equally; none is ever narrower than ``width``)."""

    label: str
    width: int
    align: Literal["left", "right"] = "left"
    grow: bool = False
    #: When the table is narrower than its columns: 0 never goes; the others are dropped,
    #: highest number first, until the rest fit (nothing is cut off at the right edge).
    drop: int = 0
    #: Above ``width``: the column widens to its widest cell, up to this many cells, while
    #: rows need it (a time with another day's date), and is ``width`` again when none does.
    fit: int = 0


def _signature(cell: Text) -> tuple[object, ...]:
    return (cell.plain, str(cell.style), tuple(cell.spans))


@dataclass(frozen=True)
class Row:
    """One record: a stable key and its cells, in column order."""

    key: str
    cells: tuple[Text, ...]
    style: str = ""

    def __post_init__(self) -> None:
        # where the row is built (the worker): the UI thread only compares (issue 18)
        _ = self.signature

    @cached_property
    def signature(self) -> tuple[object, ...]:
        """What the row shows; two rows with the same signature look the same."""
        return (self.style, *(_signature(cell) for cell in self.cells))


def row(key: str, *cells: Text | str, style: str = "") -> Row:
    """A row from cells; a plain ``str`` cell is taken literally (never as markup)."""
    return Row(
        key, tuple(c if isinstance(c, Text) else Text(c, end="") for c in cells), style=style
    )


class RecordTable(KeepsFocus, ScrollView, can_focus=True):
    """Rows of records under a fixed header, with a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
        Binding("enter", "select", "Select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--cursor",
        "record-table--even",
        "record-table--empty",
    }
    DEFAULT_CSS = """
    RecordTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        min-height: 3;
        & > .record-table--header { text-style: bold; background: $panel; }
        & > .record-table--even { background: $surface-lighten-1 50%; }
        & > .record-table--empty { color: $text-muted; text-style: italic; }
        & > .record-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .record-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, repaint=False, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another record (or the records under it changed)."""

        def __init__(self, table: RecordTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    class Selected(Message):
        """Enter (or a click) on a record."""

        def __init__(self, table: RecordTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty: str = "",
        zebra: bool = True,
        show_cursor: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self._empty = empty
        self.zebra = zebra
        self.show_cursor = show_cursor
        self._rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._announced: str | None = None
        self._scroll_later = False
        self._widths = tuple(c.width for c in self.columns)
        #: Lines the cursor's row takes beyond its own (its cut cells shown whole).
        self._extra = 0
        self.virtual_size = Size(self._total_width(), 1)

    @property
    def empty(self) -> str:
        """What the table says when it holds no records."""
        return self._empty

    @empty.setter
    def empty(self, words: str) -> None:
        if words != self._empty:
            self._empty = words
            if not self._rows:
                self.refresh()

    # The records ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self._rows]

    @property
    def cursor_key(self) -> str | None:
        if not self._rows:
            return None
        return self._rows[min(self.cursor_row, len(self._rows) - 1)].key

    def get_row_at(self, index: int) -> tuple[Text, ...]:
        return self._rows[index].cells

    def get_row(self, key: str) -> Row | None:
        index = self._index.get(key)
        return None if index is None else self._rows[index]

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show these records. Rows are matched by key: when the same keys come in the same
        order only the rows whose cells changed are repainted; the cursor stays on its record
        (or at its place, when that record is gone)."""
        old = self._rows
        kept = self.cursor_key
        self._rows = list(rows)
        self._index = {r.key: i for i, r in enumerate(self._rows)}
        widths = self._fitted()
        same_keys = (
            widths == self._widths
            and len(old) == len(self._rows)
            and all(a.key == b.key for a, b in zip(old, self._rows, strict=True))
        )
        self._widths = widths
        if same_keys and not self._extra:
            for index, (before, after) in enumerate(zip(old, self._rows, strict=True)):
                if before.signature != after.signature:
                    self.refresh_lines(index + 1)
        else:
            self._size_rows()
            self.refresh()
        target = self._index.get(kept, self.cursor_row) if kept is not None else 0
        self.move_cursor(row=target, announce=True)

    def _size_rows(self) -> None:
        """The scroll size for the rows held, the cursor's row with its extra lines."""
        self._extra = self._cursor_extra()
        self.virtual_size = Size(self._total_width(), len(self._rows) + 1 + self._extra)

    def _fitted(self) -> tuple[int, ...]:
        """Each column's width for the rows held: ``width``, or for a ``fit`` column its widest
        cell up to ``fit``."""
        return tuple(
            max(c.width, min(c.fit, max((r.cells[i].cell_len for r in self._rows), default=0)))
            if c.fit > c.width
            else c.width
            for i, c in enumerate(self.columns)
        )

    def move_to(self, key: str | None) -> bool:
        """Put the cursor on the record with this key; whether it is here."""
        if key is None or key not in self._index:
            return False
        self.move_cursor(row=self._index[key])
        return True

    def move_cursor(self, *, row: int, announce: bool = True) -> None:
        last = max(0, len(self._rows) - 1)
        self.cursor_row = max(0, min(row, last))
        self._resize_cursor()
        self._scroll_to_cursor()
        if announce:
            self._announce()

    def watch_cursor_row(self, old: int, new: int) -> None:
        if old != new:
            if self._extra:  # the rows under the old cursor's row move up
                self.refresh()
            else:
                self.refresh_lines(old + 1)
                self.refresh_lines(new + 1)

    def _resize_cursor(self) -> None:
        """Give the cursor's row the lines its cut cells take whole (none when none is cut)."""
        extra = self._cursor_extra()
        if extra != self._extra:
            self._size_rows()
            self.refresh()

    def _cursor_extra(self) -> int:
        parts = self._cursor_parts(self._column_widths())
        return max(len(p) for p in parts) - 1 if parts else 0

    def _cursor_parts(self, widths: Sequence[int]) -> list[list[Text]] | None:
        """The cursor's row's cells as the lines each takes within its column, when the table
        has the focus and a cell is cut; else None (the row takes one line)."""
        if not (self.show_cursor and self._rows and self.has_focus and self.is_mounted):
            return None
        record = self._rows[min(self.cursor_row, len(self._rows) - 1)]
        cells = list(zip(record.cells, widths, strict=False))
        if not any(width and cell.cell_len > width for cell, width in cells):
            return None
        console = self.app.console
        parts: list[list[Text]] = []
        for cell, width in cells:
            if not width or cell.cell_len <= width:
                parts.append([cell])
                continue
            text = cell.copy()
            text.no_wrap = False
            lines = list(text.wrap(console, width, overflow="fold"))
            if len(lines) > CURSOR_LINES:  # what is left past the last line: "…"
                lines = [*lines[: CURSOR_LINES - 1], Text(" ").join(lines[CURSOR_LINES - 1 :])]
            for part in lines:
                part.rstrip()
            parts.append(lines or [cell])
        return parts

    def row_at_line(self, index: int) -> tuple[int, int]:
        """The row shown on line ``index`` of the rows (0: the first row), and which of its
        lines (0 unless it is the cursor's row shown over more lines)."""
        cursor, extra = self.cursor_row, self._extra
        if not extra or index <= cursor:
            return index, 0
        if index <= cursor + extra:
            return cursor, index - cursor
        return index - extra, 0

    def _announce(self) -> None:
        key = self.cursor_key
        if key != self._announced:
            self._announced = key
            self.post_message(self.Highlighted(self, key))

    def _scroll_to_cursor(self, *, again: bool = True) -> None:
        """Scroll so the cursor's row is in sight. A table not laid out now (under a dialog that
        is closing, a screen being switched to: no size) scrolls once it has its size again:
        measured with no size it scrolled as if one row were in sight, and the lines drawn
        before stayed on the screen under the new offset (issue 17: another record's row shown
        at the cursor, so a key acted on a record the operator did not see)."""
        body = self.scrollable_content_region.height - 1
        if body < 1:
            self._scroll_later = True
            self.call_after_refresh(self._scroll_when_laid_out)
            return
        self._scroll_later = False
        top = round(self.scroll_y)
        wanted = top
        last = self.cursor_row + min(self._extra, body - 1)  # its lines, as many as fit
        if self.cursor_row < top:
            wanted = self.cursor_row
        elif last >= top + body:
            wanted = last - body + 1
        if wanted != top:
            self.scroll_to(y=wanted, animate=False, immediate=True)
            if again and round(self.scroll_y) != wanted:
                # rows set just now: the scroll range grows at the next layout (a scenario's
                # unit below the fold stayed out of sight, issue 17); scroll once it has
                self._scroll_later = True
                self.call_after_refresh(self._scroll_when_laid_out)

    def _scroll_when_laid_out(self) -> None:
        if self._scroll_later and self.scrollable_content_region.height > 1:
            self._scroll_to_cursor(again=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self.refresh()  # every cached line: they were drawn for the old offset

    def watch_scroll_x(self, old: float, new: float) -> None:
        super().watch_scroll_x(old, new)
        if round(old) != round(new):
            self.refresh()

    # Keys and mouse ---------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, step: int) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(row=self.cursor_row + step * body)

    def action_edge(self, step: int) -> None:
        self.move_cursor(row=0 if step < 0 else len(self._rows) - 1)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index, _line = self.row_at_line(round(self.scroll_y) + offset.y - 1)
        if 0 <= index < len(self._rows):
            if index == self.cursor_row and event.chain > 1:
                self.action_select()
            self.move_cursor(row=index)

    def on_resize(self) -> None:
        self._lines.clear()
        self._size_rows()
        # made shorter (a drawer opened below it, a form's question at 80x24), the table keeps
        # its cursor's row in sight: Gaps' o opened the activities below the gap list and the
        # selected gap was left below its new foot (fix17m)
        self._scroll_to_cursor()

    def on_show(self) -> None:
        self._scroll_when_laid_out()

    def watch_has_focus(self, focused: bool) -> None:
        """The cursor's row shows its cut cells whole while the table has the focus: its lines
        are counted again as ``has_focus`` changes. Not in ``on_focus``/``on_blur``: those run
        before Textual's own handlers set ``has_focus``, so a blurred table still counted the
        wrapped row's lines and drew the row once on each of them (rev17q: the same activity
        twice at 80x24 after ``x``)."""
        super().watch_has_focus(focused)
        self._lines.clear()
        self._size_rows()
        self.refresh()
        if focused:
            self._scroll_to_cursor()

    # Drawing ----------------------------------------------------------------------------------

    def _total_width(self) -> int:
        return max(_needed(self._kept()), self.size.width if self.is_mounted else 0)

    def _kept(self) -> tuple[int, ...]:
        """The columns' widths, 0 for those dropped because the table is too narrow."""
        widths = list(self._widths)
        room = self.scrollable_content_region.width if self.is_mounted else 0
        order = sorted((c.drop, i) for i, c in enumerate(self.columns) if c.drop)
        while room and _needed(widths) > room and order:
            widths[order.pop()[1]] = 0
        return tuple(widths)

    def _column_widths(self) -> tuple[int, ...]:
        """Fixed widths (those dropped 0); the growing columns take what is left."""
        kept = self._kept()
        spare = self.scrollable_content_region.width - _needed(kept)
        growing = sum(1 for c, w in zip(self.columns, kept, strict=True) if c.grow and w)
        if spare <= 0 or not growing:
            return kept
        share, extra = divmod(spare, growing)
        widths, given = [], 0
        for column, width in zip(self.columns, kept, strict=True):
            if column.grow and width:
                widths.append(width + share + (1 if given < extra else 0))
                given += 1
            else:
                widths.append(width)
        return tuple(widths)

    def _cells_line(self, cells: Sequence[Text], widths: Sequence[int], base: Style) -> Strip:
        segments: list[Segment] = [Segment(" ", base)]
        console = self.app.console
        first = True
        for cell, width, column in zip(cells, widths, self.columns, strict=False):
            if not width:  # dropped: the table is too narrow for it
                continue
            if not first:
                segments.append(Segment(" " * GAP, base))
            first = False
            text = cell.copy()
            text.no_wrap = True
            text.overflow = "ellipsis"
            text.truncate(width, overflow="ellipsis")
            text.align(column.align, width)
            # Text.render drops a text's own style when it has no spans: apply it here
            style = base + console.get_style(text.style, default=Style.null())
            segments.extend(Segment.apply_style(text.render(console), style))
        segments.append(Segment(" ", base))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        widths = self._column_widths()
        base = self.rich_style
        if y == 0:
            key: tuple[object, ...] = ("header", widths)
            strip = self._lines.get(key)
            if strip is None:
                style = base + self.get_component_rich_style("record-table--header")
                labels = [Text(c.label, end="") for c in self.columns]
                strip = self._cells_line(labels, widths, style)
                self._lines[key] = strip
            return in_view(strip, scroll_x, width, strip_style(strip, base))
        index, line = self.row_at_line(scroll_y + y - 1)
        if index >= len(self._rows):
            if index == 0 and self.empty:
                style = base + self.get_component_rich_style("record-table--empty")
                return Strip([Segment(" " + self.empty, style)]).crop_extend(
                    scroll_x, scroll_x + width, base
                )
            return Strip.blank(width, base)
        record = self._rows[index]
        cursor = self.show_cursor and index == self.cursor_row
        whole = self._extra if cursor else 0
        key = (record.key, record.signature, widths, cursor, self.has_focus, index % 2, whole, line)
        strip = self._lines.get(key)
        if strip is None:
            style = base
            if self.zebra and index % 2:
                style += self.get_component_rich_style("record-table--even")
            if record.style:
                style += Style.parse(record.style)
            if cursor:
                style += self.get_component_rich_style("record-table--cursor")
            parts = self._cursor_parts(widths) if whole else None
            cells: Sequence[Text] = record.cells
            if parts is not None:
                cells = [p[line] if line < len(p) else Text("", end="") for p in parts]
            strip = self._cells_line(cells, widths, style)
            self._lines[key] = strip
        return in_view(strip, scroll_x, width, base)


def in_view(strip: Strip, start: int, width: int, base: Style) -> Strip:
    """The part of a line in view, from ``start``, ``width`` cells. A line whose text goes on
    past the right edge (a table wider than its terminal) ends in "…" there, never cut without
    a sign (issue 17: the log at 80 columns)."""
    end = start + width
    shown = strip.crop_extend(start, end, base)
    if width < 2 or strip.cell_length <= end or not strip.crop(end, strip.cell_length).text.strip():
        return shown
    kept = shown.crop(0, width - 1)
    last = list(shown.crop(width - 1, width))
    style = last[0].style if last else base
    return Strip.join([kept, Strip([Segment("…", style)])])


def _needed(widths: Sequence[int]) -> int:
    """The cells a row of these column widths takes (dropped columns, 0, take none)."""
    shown = [w for w in widths if w]
    return sum(shown) + GAP * max(0, len(shown) - 1) + 2


def strip_style(strip: Strip, base: Style) -> Style:
    """The style to extend a line with (the header keeps its background to the edge)."""
    segments = list(strip)
    return segments[0].style or base if segments else base
