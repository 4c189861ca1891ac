"""The roster time line: one row per unit, one cell per hour; a red digit where the roster falls
short (the shortfall), green where demand is covered, blank where nothing is needed."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from store.clock import local
from store.gaps import HourProfile
from store.validate import visible

LABEL = 10


def render_timeline(start: datetime, profile: dict[str, list[HourProfile]]) -> Text:
    text = Text()
    hours = len(next(iter(profile.values()))) if profile else 0
    cells = [" "] * (hours + 1)
    marks = [" "] * hours
    for h in range(hours):
        hour = local(start + timedelta(hours=h)).hour
        if hour % 6 == 0:
            cells[h : h + 2] = list(f"{hour:02d}")
        if hour == 0:
            marks[h] = "|"
    axis = "".join(cells[:hours])
    text.append(" " * LABEL + axis + "\n", style="bold")
    text.append(" " * LABEL + "".join(marks) + "\n", style="dim")
    if not profile:
        text.append("0 units with demand in this period.\n", style="italic")
        return text
    for unit, hours_of in profile.items():
        text.append(f"{visible(unit)[: LABEL - 1]:<{LABEL}}", style="bold")
        for hour in hours_of:
            if hour.shortfall:
                text.append(
                    str(min(hour.shortfall, 9)) if hour.shortfall < 10 else "+",
                    style="bold white on red3",
                )
            elif hour.demand:
                text.append("▆", style="green3")
            else:
                text.append("·", style="grey35")
        text.append("\n")
    return text


class Timeline(Static):
    DEFAULT_CSS = "Timeline { height: auto; }"

    def show(self, start: datetime, profile: dict[str, list[HourProfile]]) -> None:
        self.update(render_timeline(start, profile))
