"""The day board: protected subjects down the side, the day's time line across.

The time line spans the hours that hold activities (an 04:30 departure shows; an empty evening
does not take room) and fits the width: eight, four, three, two or one cells per hour. Its hours
are the real hours of that local day: 25 on the autumn clock change (the repeated hour is
labelled ``02'``), 23 in spring (no ``02``), so an activity in the repeated hour is drawn where
it happens and a night across the change is as long as it truly is.
Activities of one subject that overlap are drawn in lanes, one line each, so none overwrites
another. Each block is coloured by its state: green when its concept meets the required level,
red when it needs re-planning, yellow when it has no concept yet, grey when cancelled (and
marked ``✗``; a done one ``✓``, in the table's title too); the activity under the table's cursor
is drawn reversed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget

from store.agenda import Activity
from store.clock import day_bounds, day_span, local
from store.validate import visible

from .. import labels
from ..i18n import _, ngettext
from ..literal import literal
from .table import Column, Row

LABEL_WIDTH = 11
#: The fewest hours the board shows, so a single short activity still has a scale.
MIN_HOURS = 6


def activity_style(activity: Activity) -> str:
    if activity.status == "cancelled":
        return "grey50"
    if activity.needs_replanning:
        return "bold white on red3"
    if activity.concept is None:
        return "black on yellow3"
    return "black on green3"


#: A status said in text where colour alone would say it (issue 17, rev17m): at 80 columns
#: the table has no Status column and a grey block reads as a live one on a monochrome screen.
STATUS_MARKS = {"cancelled": "✗", "done": "✓"}


def marked_title(activity: Activity) -> str:
    """The title, after ``✗`` when the activity is cancelled and ``✓`` when done."""
    mark = STATUS_MARKS.get(activity.status)
    return f"{mark} {activity.title}" if mark else activity.title


def span_text(activity: Activity, day: date | None = None) -> str:
    """``06:00–07:00`` on ``day`` (default: the start's); a start or end on another day shows
    its date (``11-28–12-01 05:30`` on a day wholly inside a three-day activity)."""
    return day_span(activity.start_at, activity.end_at, day, short=True)


def activity_columns(*, person: bool) -> list[Column]:
    columns = [
        # Narrow (80x24) the table drops whole columns, never scrolls Re-plan away (issue 17)
        Column(_("Time"), 11, fit=17),  # 17 on a day a start or end is on another day
        Column(_("Title"), 16, grow=True),
        Column(_("Concept"), 8),
        Column(_("Lvl/req"), 7, drop=3),
        Column(_("Status"), 9, drop=2),
        Column(_("Re-plan"), 23),
        Column(_("Location"), 16, grow=True, drop=1),
    ]
    if person:
        columns.insert(1, Column(_("Person"), 9))
    return columns


def activity_row(activity: Activity, *, person: bool = False, day: date | None = None) -> Row:
    """An activity as a table row shown for ``day``, every text literal (built in a worker)."""
    cells: list[Text] = [
        Text(span_text(activity, day), end=""),
        literal(marked_title(activity)),
        _shared(activity.concept or _("none"), activity_style(activity)),
        _shared(f"{activity.concept_level or '—'}/{activity.required_level or '—'}"),
        _shared(labels.label("activity_status", activity.status)),
        _shared(labels.label("replan", activity.replan_reason), "b red"),
        literal(activity.location),
    ]
    if person:
        cells.insert(1, _shared(activity.person))
    return Row(activity.id, tuple(cells))


@lru_cache(maxsize=4096)
def _shared(value: str, style: str = "") -> Text:
    """A cell whose text recurs from row to row (a concept, a status, a person's code name),
    made once and shared by the rows showing it: tables copy a cell before drawing it and
    nothing changes a cell in place (issue 18: a day of 2,400 activities)."""
    return literal(value, style)


@dataclass(frozen=True)
class Board:
    """A day's activities grouped per subject (those needing re-planning first), and the
    hours they span; made in the worker, drawn by ``DayBoard`` at the width it has."""

    day: date
    subjects: tuple[tuple[str, tuple[Activity, ...]], ...]
    first_hour: int  # real hours after local midnight (23, 24 or 25 in the day)
    last_hour: int
    more: int  # subjects on this day not drawn

    def label(self, hour: int) -> str:
        """The clock label of the ``hour``-th real hour of the day: ``02'`` for the repeated
        autumn hour; the missing spring hour never has an index."""
        return hour_labels(self.day)[hour]


@lru_cache(maxsize=64)
def hour_labels(day: date) -> tuple[str, ...]:
    """The local clock labels of every real hour of ``day`` (plus its closing midnight)."""
    start, end = day_bounds(day)
    hours = round((end - start).total_seconds() / 3600)
    seen: set[int] = set()
    found: list[str] = []
    for index in range(hours + 1):
        hour = local(start + timedelta(hours=index)).hour
        found.append(f"{hour:02d}'" if hour in seen and index < hours else f"{hour:02d}")
        seen.add(hour)
    return tuple(found)


def day_hours(day: date) -> int:
    """How many real hours the local ``day`` has: 23, 24 or 25."""
    return len(hour_labels(day)) - 1


def _minutes(moment: datetime, day: date) -> int:
    """Real minutes after local midnight of ``day`` (clamped to the day): elapsed time, so
    the repeated autumn hour and the missing spring hour take the room they truly take."""
    start, end = day_bounds(day)
    value = local(moment).astimezone(UTC)
    if value <= start:
        return 0
    if value >= end:
        return int((end - start).total_seconds()) // 60
    return int((value - start).total_seconds()) // 60


def make_board(day: date, activities: Iterable[Activity], max_subjects: int = 60) -> Board:
    by_subject: dict[str, list[Activity]] = {}
    for activity in activities:
        by_subject.setdefault(activity.person, []).append(activity)
    people = sorted(
        by_subject, key=lambda p: (not any(a.needs_replanning for a in by_subject[p]), p)
    )
    shown = people[:max_subjects]
    hours = day_hours(day)
    first, last = hours * 60, -1
    for person in shown:
        for activity in by_subject[person]:
            first = min(first, _minutes(activity.start_at, day))
            last = max(last, _minutes(activity.end_at, day))
    if last < 0:
        first_hour, last_hour = 6, hours
    else:  # an activity of no length still has its hour
        first_hour = min(first // 60, hours - 1)
        last_hour = min(hours, max(first_hour + 1, math.ceil(last / 60)))
    while last_hour - first_hour < MIN_HOURS:
        if last_hour < hours:
            last_hour += 1
        else:
            first_hour -= 1
    return Board(
        day,
        tuple((p, tuple(by_subject[p])) for p in shown),
        first_hour,
        last_hour,
        len(people) - len(shown),
    )


def _per_hour(board: Board, width: int) -> int:
    """Cells per hour at this width: eight (a wide terminal: a block shows its whole concept
    name; a quarter hour is still two whole cells), else four, three, two or one."""
    room = (width - LABEL_WIDTH - 1) // (board.last_hour - board.first_hour)
    return 8 if room >= 8 else max(1, min(4, room))


def render_board(board: Board, width: int, selected: str | None = None) -> Text:
    """The board as text for ``width`` cells, the hour axis on its first line."""
    text = render_axis(board, width)
    text.append("\n")
    return text + render_lanes(board, width, selected)


def render_axis(board: Board, width: int) -> Text:
    """The hour axis for lanes of ``width`` cells (one line, no newline)."""
    per_hour = _per_hour(board, width)
    slots = (board.last_hour - board.first_hour) * per_hour
    step = max(1, math.ceil(3 / per_hour))  # a label needs three cells
    axis = [" "] * (slots + 3)
    for hour in range(board.first_hour, board.last_hour, step):
        at = (hour - board.first_hour) * per_hour
        label = board.label(hour)
        axis[at : at + len(label)] = list(label)
    text = Text(no_wrap=True, overflow="crop")
    return text.append(" " * LABEL_WIDTH + "".join(axis[:slots]), style="bold")


def render_lanes(board: Board, width: int, selected: str | None = None) -> Text:
    """The subjects' lanes for ``width`` cells: equal-style runs are one span each."""
    per_hour = _per_hour(board, width)
    slots = (board.last_hour - board.first_hour) * per_hour
    text = Text(no_wrap=True, overflow="crop")
    if not board.subjects:
        text.append(_("0 activities on this day.") + "\n", style="italic")
        return text

    def slot(minutes: int) -> int:
        return max(0, min(slots, round((minutes - board.first_hour * 60) * per_hour / 60)))

    for person, activities in board.subjects:
        lanes: list[list[tuple[str, str]]] = []
        ends: list[int] = []
        for activity in sorted(activities, key=lambda a: (a.start_at, a.end_at)):
            start = slot(_minutes(activity.start_at, board.day))
            end = max(start + 1, slot(_minutes(activity.end_at, board.day)))
            lane = next((i for i, last in enumerate(ends) if last <= start), None)
            if lane is None:
                lanes.append([("·", "grey35")] * slots)
                ends.append(0)
                lane = len(lanes) - 1
            ends[lane] = end
            style = activity_style(activity)
            if activity.id == selected:
                style += " reverse"
            label = STATUS_MARKS.get(activity.status, "") + visible(activity.concept or "?")
            for index in range(start, min(end, slots)):
                offset = index - start
                lanes[lane][index] = (label[offset] if offset < len(label) else " ", style)
        for number, cells in enumerate(lanes):
            name = visible(person)[: LABEL_WIDTH - 1] if number == 0 else ""
            text.append(f"{name:<{LABEL_WIDTH}}", style="bold")
            run, run_style = "", cells[0][1] if cells else ""
            for char, style in cells:
                if style != run_style:
                    text.append(run, style=run_style)
                    run, run_style = "", style
                run += char
            text.append(run + "\n", style=run_style)
    if board.more:
        text.append(
            ngettext(
                "… {n} more subject on this day: see the list below.",
                "… {n} more subjects on this day: see the list below.",
                board.more,
            ).format(n=board.more)
            + "\n",
            style="italic",
        )
    return text


class DayAxis(Widget):
    """The board's hour axis, one line outside the lanes' scrolling container, so it stays in
    view while the lanes scroll; drawn for the lanes' width (``DayBoard`` tells it), so the
    hours line up with the lanes whatever the scroll bar takes."""

    DEFAULT_CSS = "DayAxis { height: 1; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.board: Board | None = None
        self.lanes_width = 0

    def show(self, board: Board | None, width: int) -> None:
        if (board, width) != (self.board, self.lanes_width):
            self.board, self.lanes_width = board, width
            self.refresh()

    def render(self) -> Text:
        if self.board is None or not self.lanes_width:
            return Text("")
        return render_axis(self.board, self.lanes_width)


class DayBoard(Widget):
    """A read-only time line of one day's activities per subject, at the width it has, under
    its hour axis (``axis``). In a scrolling container (the Agenda's ``#board``, which takes
    the focus and scrolls by arrows and page keys) it scrolls that container to the selected
    activity's lane; the axis stays put."""

    DEFAULT_CSS = "DayBoard { height: auto; }"

    def __init__(self, id: str | None = None, axis: DayAxis | None = None) -> None:
        super().__init__(id=id)
        self.board: Board | None = None
        self.selected: str | None = None
        self.axis = axis
        self._drawn: dict[tuple[int, str | None], Text] = {}

    def show(self, board: Board) -> None:
        self.board = board
        self._drawn = {}
        self.refresh(layout=True)
        self.call_after_refresh(self._show_axis)

    def on_resize(self) -> None:
        self._show_axis()

    def _show_axis(self) -> None:
        if self.axis is not None:
            self.axis.show(self.board, self.content_region.width)

    def select(self, activity_id: str | None) -> None:
        if activity_id != self.selected:
            self.selected = activity_id
            self.refresh()
            self.call_after_refresh(self.reveal)

    def reveal(self) -> None:
        """Scroll so the selected activity's lane is in view."""
        box = self.parent
        if self.board is None or self.selected is None or not isinstance(box, Widget):
            return
        if not (self.content_region.width and box.scrollable_content_region.height):
            return  # not laid out yet: the box's resize reveals it again once it has a size
        text = self._lanes(self.board, self.content_region.width, self.selected)
        start = next((span.start for span in text.spans if "reverse" in str(span.style)), None)
        if start is None:
            return
        line = text.plain[:start].count("\n")
        height = box.scrollable_content_region.height
        if not box.scroll_y <= line < box.scroll_y + height:
            box.scroll_to(y=max(0, line - height // 2), animate=False)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        if self.board is None:
            return 1
        return self._lanes(self.board, width, self.selected).plain.count("\n")

    def render(self) -> Text:
        if self.board is None:
            return Text(_("Loading…"))
        text = self._lanes(self.board, self.content_region.width or 80, self.selected).copy()
        text.rstrip()
        return text

    def _lanes(self, board: Board, width: int, selected: str | None) -> Text:
        """The lanes at this width and selection, drawn once per board shown: the layout asks
        for their height, the render for their text and the reveal for the selection, and each
        drew them anew on the UI thread (10-40 ms each on the large set, issue 18). Never
        changed in place (``render`` copies)."""
        key = (width, selected)
        found = self._drawn.get(key)
        if found is None:
            if len(self._drawn) >= 8:  # widths and selections seen since the board came
                self._drawn.clear()
            found = self._drawn[key] = render_lanes(board, width, selected)
        return found


class BoardScroll(VerticalScroll):
    """The lanes' scroll box. When it shrinks (the log opened on a short screen) or grows, the
    selected activity's lane is scrolled back into view."""

    def on_resize(self) -> None:
        for board in self.query(DayBoard):
            board.call_after_refresh(board.reveal)
