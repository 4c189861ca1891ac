"""The day board: protected subjects down the side, the day's time line across (06:00–24:00).

Each activity is a block coloured by its state: green when its concept meets the required level,
red when it needs re-planning, yellow when it has no concept yet, dim when cancelled.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.widgets import Static

from store.agenda import Activity
from store.clock import local, local_text
from store.validate import visible

from ..i18n import _
from ..literal import literal

FIRST_HOUR = 6
LAST_HOUR = 24
SLOTS_PER_HOUR = 4
LABEL_WIDTH = 14


def activity_style(activity: Activity) -> str:
    if activity.status == "cancelled":
        return "grey50"
    if activity.needs_replanning:
        return "bold white on red3"
    if activity.concept is None:
        return "black on yellow3"
    return "black on green3"


def activity_cells(activity: Activity, *, person: bool = False) -> list[object]:
    """An activity as table cells, every text literal: time, (person,) title, location,
    status, concept (coloured by its state), levels, why it needs re-planning."""
    cells: list[object] = [
        f"{local_text(activity.start_at, with_date=False)}–"
        f"{local_text(activity.end_at, with_date=False)}",
        literal(activity.title),
        literal(activity.location),
        literal(activity.status),
        literal(activity.concept or _("none"), activity_style(activity)),
        literal(f"{activity.concept_level or '—'} / {activity.required_level or '—'}"),
        literal(activity.replan_reason or "", "b red"),
    ]
    if person:
        cells.insert(1, literal(activity.person))
    return cells


class DayBoard(Static):
    """A read-only time line of one day's activities per subject."""

    DEFAULT_CSS = "DayBoard { height: auto; }"

    def show(self, day: date, activities: list[Activity]) -> None:
        self.update(render_board(day, activities))


def _slot(moment: datetime, day: date) -> int:
    value = local(moment)
    if value.date() < day:
        return 0
    if value.date() > day:
        return (LAST_HOUR - FIRST_HOUR) * SLOTS_PER_HOUR
    slot = (value.hour - FIRST_HOUR) * SLOTS_PER_HOUR + value.minute // (60 // SLOTS_PER_HOUR)
    return max(0, min(slot, (LAST_HOUR - FIRST_HOUR) * SLOTS_PER_HOUR))


def render_board(day: date, activities: list[Activity], max_rows: int = 60) -> Text:
    """The board as text: equal-style runs are one span each, and at most ``max_rows``
    subjects are drawn (those needing re-planning first); the table below lists them all."""
    width = (LAST_HOUR - FIRST_HOUR) * SLOTS_PER_HOUR
    text = Text()
    axis = "".join(f"{h:02d}  " for h in range(FIRST_HOUR, LAST_HOUR))
    text.append(" " * LABEL_WIDTH + axis[:width] + "\n", style="bold")
    by_subject: dict[str, list[Activity]] = {}
    for activity in activities:
        by_subject.setdefault(activity.person, []).append(activity)
    if not by_subject:
        text.append("0 activities on this day.\n", style="italic")
        return text
    people = sorted(
        by_subject, key=lambda p: (not any(a.needs_replanning for a in by_subject[p]), p)
    )
    for person in people[:max_rows]:
        cells: list[tuple[str, str]] = [("·", "grey35")] * width
        for activity in by_subject[person]:
            start = _slot(activity.start_at, day)
            end = max(start + 1, _slot(activity.end_at, day))
            style = activity_style(activity)
            label = visible(activity.concept or "?")[: max(0, end - start)]
            for index in range(start, min(end, width)):
                offset = index - start
                cells[index] = (label[offset] if offset < len(label) else " ", style)
        text.append(f"{visible(person)[: LABEL_WIDTH - 1]:<{LABEL_WIDTH}}", style="bold")
        run, run_style = "", cells[0][1]
        for char, style in cells:
            if style != run_style:
                text.append(run, style=run_style)
                run, run_style = "", style
            run += char
        text.append(run + "\n", style=run_style)
    if len(people) > max_rows:
        text.append(
            f"… {len(people) - max_rows} more subjects on this day: see the list below "
            "(those needing re-planning are drawn first).\n",
            style="italic",
        )
    return text
