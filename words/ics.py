"""A calendar import's warnings in words (``store.ics.ImportResult.warnings``: ``Notice`` facts).

The import names what it skipped or doubted as a code and its params (the event as
``ics_bounds.describe`` names it, the property, the parser's excerpt, times as aware UTC
``datetime``s); this module holds their sentences. Text the file carried is shown with control
and bidi characters made visible; times in Europe/Amsterdam.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from store.clock import LOCAL_TZ, local_text
from store.sync.notice import Notice
from store.validate import visible

from . import _, ngettext
from .deployments import phrase


def _what(p: Mapping[str, Any]) -> str:
    """The activity a warning names: ``'Zitting' (2026-11-30 09:00)``."""
    return f"'{visible(str(p['title']))[:80]}' ({local_text(p['start'])})"


def _stamped(stamp: object) -> str:
    return _(", stamped {stamp}").format(stamp=stamp) if stamp else ""


def how_long(start: datetime, end: datetime) -> str:
    """``14 days`` (local midnight to midnight, whatever clock change lies between),
    ``10 days 2 hours`` or ``80 hours``: a long length as a person says it."""
    first, last = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    if first.time() == last.time() == datetime.min.time():
        days = (last.date() - first.date()).days
        return ngettext("{n} day", "{n} days", days).format(n=days)
    hours = (end - start).total_seconds() / 3600
    whole, rest = divmod(hours, 24)
    if hours < 96:
        return _("{hours:g} hours").format(hours=hours)
    text = _("{days:g} days").format(days=whole)
    return text + (_(" {hours:g} hours").format(hours=rest) if rest else "")


def _zone_rule(p: Mapping[str, Any]) -> str:
    since = _(" from {start}").format(start=p["since"]) if p["since"] else ""
    read_as = (
        _(" (times in this zone are read by its name, as {zone}).").format(zone=p["read_as"])
        if p["read_as"]
        else "."
    )
    return (
        _("VTIMEZONE {zone}: the {rule} rule{since}, property {prop}: {message}; that rule was "
          "skipped").format(
            zone=visible(str(p["zone"])), rule=p["rule"], since=since, prop=p["prop"],
            message=p["message"],
        )
        + read_as
    )  # fmt: skip


def _too_long(p: Mapping[str, Any]) -> str:
    count = int(p["occurrences"])
    times = _(" ({n} occurrences)").format(n=count) if count > 1 else ""
    return _(
        "{event} lasts {length}{times}, longer than the {limit} hours an activity may last; it "
        "was not imported (nor changed, if imported before) — add the days that need protection "
        "as activities."
    ).format(event=p["event"], length=how_long(p["start"], p["end"]), times=times, limit=p["limit"])


#: Warning code → its sentence.
WARNINGS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "ics_read_as_western": lambda p: _(
        "{file} is not UTF-8; it was read as Windows-1252 (Western European)."
    ).format(file=visible(str(p["file"]))),
    "ics_zone_rule_skipped": _zone_rule,
    "ics_component_skipped": lambda p: _(
        "{component}, property {prop}: {message}; the {kind} was skipped (activities are made "
        "from events only)."
    ).format(**p),
    "ics_property_ignored": lambda p: _("{event}, property {prop}: {message}; ignored.").format(
        **p
    ),
    "ics_part_skipped": lambda p: _(
        "{event}: {part} property {prop}: {message}; the {part} was skipped."
    ).format(**p),
    "ics_zone_unknown": lambda p: _(
        "X-WR-TIMEZONE '{zone}' is not a known time zone; ignored."
    ).format(zone=visible(str(p["zone"]))),
    "ics_newest_taken": lambda p: _(
        "{event} appears {count} times in {file}; the newest version (SEQUENCE {sequence}"
        "{stamped}) was taken."
    ).format(
        event=p["event"],
        count=p["count"],
        file=visible(str(p["file"])),
        sequence=p["sequence"],
        stamped=_stamped(p["stamped"]),
    ),
    "ics_too_long": _too_long,
    "ics_no_length": lambda p: _(
        "{event} has no length (no DTEND or DURATION, or one equal to its start); imported as "
        "{minutes} minutes from its start (a date: the whole day) — correct its end in the "
        "agenda if it lasts longer."
    ).format(event=p["event"], minutes=p["minutes"]),
    "ics_older_version": lambda p: _(
        "{what}: {file} has an older version of the event (SEQUENCE {sequence}{stamped}) than "
        "the one imported before (SEQUENCE {before}{before_stamped}); it was left as it is."
    ).format(
        what=_what(p),
        file=visible(str(p["file"])),
        sequence=p["sequence"],
        stamped=_stamped(p["stamped"]),
        before=p["before"],
        before_stamped=_stamped(p["before_stamped"]),
    ),
    "ics_stays_cancelled": lambda p: _(
        "{what} is in {file} but stays cancelled: it was cancelled by a restriction ({by}), "
        "which a calendar does not undo."
    ).format(what=_what(p), file=visible(str(p["file"])), by=visible(str(p["by"]))),
    "ics_done_not_moved": lambda p: _(
        "{what} is done here; {file} moves it to {to}, which has not yet ended, so the "
        "calendar's new time was not taken over (add it as a new activity if it happens again)."
    ).format(what=_what(p), file=visible(str(p["file"])), to=local_text(p["to"])),
    "ics_double_booked": lambda p: phrase({"code": "double_booked", "params": p}) + ".",
    "ics_done_stays_done": lambda p: _(
        "{what} is done here; {file} cancels it, but it has taken place, so it stays done."
    ).format(what=_what(p), file=visible(str(p["file"]))),
}


def said(warning: Notice) -> str:
    """A calendar import's warning in words, control and bidi characters made visible."""
    return visible(WARNINGS[warning.code](warning.params))


def said_all(warnings: list[Notice]) -> list[str]:
    """Every warning of an import in words, in order."""
    return [said(w) for w in warnings]
