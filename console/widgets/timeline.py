"""The roster time line: one row per unit, one cell per hour; a red digit where the roster falls
short (the shortfall), green where demand is covered, blank where nothing is needed. Units that
fall short come first, so a short screen still shows them. The hour axis is a line of its own
(``render_timeline`` gives it apart), so it stays in view while the units' rows scroll."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from store.clock import local
from store.gaps import HourProfile
from store.validate import visible

from ..i18n import _

LABEL = 10


def render_timeline(start: datetime, profile: dict[str, list[HourProfile]]) -> tuple[Text, Text]:
    """The hour axis, and the units' rows under it."""
    axis = Text(no_wrap=True, overflow="crop")
    hours = len(next(iter(profile.values()))) if profile else 0
    cells = [" "] * (hours + 1)
    for h in range(hours):
        moment = local(start + timedelta(hours=h))
        if moment.hour == 0:
            cells[h : h + 3] = list(moment.strftime("%a")[:2] + " ")
        elif moment.hour % 6 == 0:
            cells[h : h + 2] = list(f"{moment.hour:02d}")
    axis.append(" " * LABEL + "".join(cells[:hours]), style="bold")
    text = Text(no_wrap=True, overflow="crop")
    if not profile:
        text.append(_("0 units with demand in this period."), style="italic")
        return axis, text
    short_first = sorted(profile, key=lambda u: (not any(h.shortfall for h in profile[u]), u))
    for number, unit in enumerate(short_first):
        if number:
            text.append("\n")
        text.append(f"{visible(unit)[: LABEL - 1]:<{LABEL}}", style="bold")
        for hour in profile[unit]:
            if hour.shortfall:
                text.append(
                    str(hour.shortfall) if hour.shortfall < 10 else "+",
                    style="bold white on red3",
                )
            elif hour.demand:
                text.append("▆", style="green3")
            else:
                text.append("·", style="grey35")
    return axis, text


class Timeline(Static):
    DEFAULT_CSS = "Timeline { height: auto; }"
