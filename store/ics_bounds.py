"""The bounds of a calendar import: how much work a file may cause, checked before the work.

A calendar is a file from outside: it may carry any bytes. Nothing here decides
what an event means (that is store/ics.py); this module decides whether a file may be read at
all, and refuses — ``BadInput``, exit 2, naming the file, the event and the part — before the
expensive step it guards:

1. **Before parsing** (``prescan``, on the text): at most ``MAX_EVENTS`` events, ``MAX_LINES``
   content lines and ``MAX_DATE_VALUES`` RDATE/EXDATE values, no UID longer than ``MAX_UID``
   characters, and only the digits 0-9 in dates, times and numbers. Parsing costs time and
   memory per line, so a 6 MB file of 60,000 events is refused in a fraction of a second
   instead of taking half a gigabyte.
2. **Before expanding** (``check_event``): every date and time an activity is made from (DTSTART,
   DTEND, DURATION, RECURRENCE-ID, RDATE, EXDATE and RRULE's UNTIL) lies in 1970–2099, and every
   RRULE part is one RFC 5545 defines, with a value in its range and a list no longer than its
   range (INTERVAL ≥ 1, COUNT ≥ 1, never COUNT with UNTIL, BYHOUR 0–23, …). An INTERVAL of 0
   would make the expansion loop for ever.
3. **Before expanding** (``check_total``): an upper bound on the occurrences of each event in
   the window, computed from its rule alone, summed over the file; above ``--max-occurrences``
   the file is expanded only until its real count passes the limit (``OccurrenceCap``;
   store/ics.py ``_expand``) and refused naming the total and the event that gives the most —
   exact when nothing more lies in the window, else these bounds. The work an expansion takes
   (its steps from DTSTART to the window's end) is bounded for the file too.
4. **While expanding** (``expansion_budget``): a rule that never matches (``BYMONTH=2;
   BYMONTHDAY=30``, ``FREQ=DAILY;INTERVAL=7;BYDAY=TU`` from a Monday) gives nothing, so no
   estimate sees it, yet dateutil would step through every period up to the year 9999 looking
   for one. The periods dateutil steps through are counted (its day-set builders, one call a
   period) and the expansion is stopped at ``MAX_STEPS`` for the whole file.
5. **Before a file's own zone is read** (``check_zone``): dateutil steps through every onset of
   a VTIMEZONE rule from its DTSTART each time it reads the zone, so a rule that repeats every
   second from 1970 never ends. A zone rule repeats yearly at most, has no EXRULE, and a zone's
   rules have at most ``MAX_ZONE_STEPS`` onsets up to 2099. Until then (``_in_range``) a time
   in such a zone is checked by its wall date, never by reading the zone.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from . import validate
from .clock import LOCAL_TZ
from .errors import BadInput

#: The import window in days (``--days``) and the occurrences it may hold
#: (``--max-occurrences``): the defaults and the limits, here so the command line (which does
#: not load store/ics.py until it imports) and the store say the same.
DEFAULT_DAYS, MAX_DAYS = 90, 730
DEFAULT_MAX_OCCURRENCES, MAX_MAX_OCCURRENCES = 2000, 100_000
#: The most events (VEVENT components) one file may hold.
MAX_EVENTS = 5_000
#: The most content lines (after unfolding) one file may hold.
MAX_LINES = 100_000
#: The most RDATE and EXDATE values one file may list, all events together.
MAX_DATE_VALUES = 10_000
#: The longest UID (RFC 5545 sets none; real ones are well under 100 characters).
MAX_UID = 255
#: The most steps the expansion of all of a file's rules may take from their DTSTARTs to the
#: window's end (a daily rule from 1970 takes about 20,000).
MAX_STEPS = 500_000
#: The largest INTERVAL and COUNT a rule may have.
MAX_INTERVAL = 1_000_000
MAX_COUNT = 1_000_000

FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: A period's length in seconds: the shortest a month or a year can be (an upper bound on how
#: many periods fit in a span).
_FREQ_SECONDS = (1, 60, 3600, 86400, 7 * 86400, 28 * 86400, 365 * 86400)
#: RRULE list parts: (lowest, highest, whether a negative value counts from the end).
_RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", *_RANGES})
_WEEKDAY = re.compile(r"^([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)\Z", re.ASCII)
#: RFC 5545 §3.3.10: parts a frequency may not have.
_NOT_WITH = {
    "BYWEEKNO": ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY"),
    "BYYEARDAY": ("DAILY", "WEEKLY", "MONTHLY"),
    "BYMONTHDAY": ("WEEKLY",),
}
#: The most days each month can have.
_LONGEST = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")

#: The import's own values by what they are, as a refusal names them (its ``field`` param): the
#: faces name them their own way (the command line by its options, ``commands/refusals.py``).
FIELDS = {
    "calendar": "calendar_name",
    "from": "import_first_day",
    "to": "import_last_day",
    "days_end": "import_days_end",
    "max_occurrences": "max_occurrences",
}
#: The calendar's own name, per property a file names it by: field codes (words/fields.py).
IDENTITY_FIELDS = {"X-WR-RELCALID": "calendar_relcalid", "X-WR-CALNAME": "calendar_calname"}


def describe(component: Any) -> str:
    """A component as a message names it: its kind, UID and summary, escaped and cut short.

    Args:
        component: an icalendar component (a VEVENT).

    Returns:
        Text such as ``VEVENT abc-123 (Werkbezoek)``, safe to print.
    """
    uid = _one_text(component.get("UID"))
    summary = _one_text(component.get("SUMMARY"))
    text = str(component.name)
    if uid:
        text += f" {_cut(validate.visible(uid), 200)}"
    if summary:
        text += f" ({_cut(validate.visible(summary), 80)})"
    return text


def _one_text(value: Any) -> str:
    """A property's text; one given more than once (a list) as its values joined by `` / ``,
    never the parser's repr."""
    if isinstance(value, list):
        return " / ".join(str(one) for one in value)
    return str(value) if value else ""


def _cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, a cut one ending in ``…``."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# 1. Before parsing ---------------------------------------------------------------------------


def prescan(text: str, name: str) -> None:
    """Refuse a file too large to parse: more than ``MAX_EVENTS`` events, ``MAX_LINES`` lines,
    ``MAX_DATE_VALUES`` RDATE/EXDATE values, or a UID over ``MAX_UID`` characters; and a
    recurrence rule that gives a part twice (``FREQ=DAILY;FREQ=MINUTELY``: the parser would
    keep the last without a word).

    Args:
        text: the whole file, decoded.
        name: the file's name, for the refusal.

    Raises:
        BadInput: ``calendar_too_many_lines``, ``calendar_too_many_events``,
            ``calendar_too_many_dates``, ``calendar_uid_too_long``,
            ``calendar_foreign_digit``, ``calendar_rule_part_twice``, or a time whose zone
            would be guessed (``calendar_tzid_twice``, ``calendar_tzid_list``,
            ``calendar_tzid_with_utc``).
    """
    events = values = 0
    open_parts: list[tuple[str, int]] = []
    for lines, logical in enumerate(_unfolded(text), start=1):
        if lines > MAX_LINES:
            raise BadInput(code="calendar_too_many_lines", name=name, most=MAX_LINES)
        head = logical[:16].upper()
        if head.startswith(_NUMERIC) and not logical.isascii():
            _ascii_digits(logical, lines, name)
        if head.startswith(("RRULE", "EXRULE")) and head[5 if head[0] == "R" else 6] in ":;":
            _parts_once(logical, lines, name)
        if head.startswith(_ZONED) and ";" in logical:
            _one_zone(logical, lines, name)
        if head.startswith(("BEGIN:", "END:")):
            _structure(logical, lines, name, open_parts)
        if head.startswith("BEGIN:VEVENT"):
            events += 1
            if events > MAX_EVENTS:
                raise BadInput(code="calendar_too_many_events", name=name, most=MAX_EVENTS)
        elif head.startswith(("RDATE", "EXDATE")) and head[5 if head[0] == "R" else 6] in ":;":
            values += logical.count(",") + 1
            if values > MAX_DATE_VALUES:
                raise BadInput(code="calendar_too_many_dates", name=name, most=MAX_DATE_VALUES)
        elif head.startswith("UID") and head[3:4] in (":", ";"):
            uid = logical.split(":", 1)[1] if ":" in logical else ""
            if len(uid) > MAX_UID:
                raise BadInput(
                    code="calendar_uid_too_long",
                    name=name,
                    length=len(uid),
                    uid=validate.shown(uid, limit=40),
                    most=MAX_UID,
                )


#: Properties whose values are numbers, dates or times: their digits are ASCII 0-9 (Python's
#: ``int`` would read ``١٠`` or ``１０`` as ten).
_NUMERIC = (
    "DTSTART",
    "DTEND",
    "DUE",
    "RECURRENCE-ID",
    "RDATE",
    "EXDATE",
    "RRULE",
    "EXRULE",
    "DURATION",
    "SEQUENCE",
    "PRIORITY",
    "TZOFFSET",
    "DTSTAMP",
    "CREATED",
    "LAST-MODIFIED",
)


def _ascii_digits(logical: str, number: int, name: str) -> None:
    foreign = next((c for c in logical if c.isdigit() and not c.isascii()), None)
    if foreign is not None:
        prop = logical.split(":", 1)[0].split(";", 1)[0]
        raise BadInput(
            code="calendar_foreign_digit",
            name=name,
            line=number,
            property=validate.shown(prop, limit=20),
            digit=validate.shown(foreign),
            codepoint=ord(foreign),
        )


def _parts_once(logical: str, number: int, name: str) -> None:
    """Each part of a recurrence rule given once: icalendar and dateutil both keep the last of
    ``FREQ=DAILY;FREQ=MINUTELY`` without a word, so the rule run is not the one a reader sees."""
    prop, _, value = logical.partition(":")
    seen: set[str] = set()
    for piece in value.split(";"):
        part = piece.split("=", 1)[0].strip().upper()
        if part in seen:
            shown_prop = prop.split(";", 1)[0].upper()  # RRULE or EXRULE (prescan's test)
            raise BadInput(
                code="calendar_rule_part_twice",
                name=name,
                line=number,
                property=shown_prop,
                part=validate.shown(part, limit=20),
            )
        seen.add(part)


#: Components that stand directly in the VCALENDAR, never inside another (RFC 5545 3.6).
_TOP_LEVEL = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"})


def _structure(logical: str, number: int, name: str, open_parts: list[tuple[str, int]]) -> None:
    """The nesting of components as written: an END closes the component its BEGIN opened
    (``END:VTODO`` after ``BEGIN:VEVENT`` does not), and an event, a to-do, a zone … stands
    directly in the VCALENDAR (a VEVENT inside a VTODO or a VALARM would be imported, or lost,
    without a word). ``open_parts``: the components open so far, with their BEGIN's line.
    An END with nothing open is left to the parser (``end_without_begin``)."""
    word, _, rest = logical.partition(":")
    part = validate.visible(rest.strip().upper())[:40]
    if word.strip().upper() == "BEGIN":
        outer = open_parts[-1][0] if open_parts else None
        if part in _TOP_LEVEL and outer not in (None, "VCALENDAR"):
            raise _structure_fault(name, "nested", number, part, outer or "", open_parts[-1][1])
        open_parts.append((part, number))
        return
    if not open_parts:
        return
    if open_parts[-1][0] == part:
        open_parts.pop()
        return
    if any(opened == part for opened, _line in open_parts):  # the one inside it has no END
        opened, since = open_parts[-1]
        raise _structure_fault(name, "unclosed", number, part, opened, since)
    raise _structure_fault(name, "end_without_begin", number, part, open_parts[-1][0], 0)


def _structure_fault(
    name: str, reason: str, number: int, part: str, outer: str, since: int
) -> BadInput:
    """``calendar_invalid`` for a component standing inside another (``nested``), an END
    whose component is not open (``end_without_begin``: ``END:VTODO`` closing a VEVENT) and
    an END that leaves the component inside it unclosed (``unclosed``); ``what``: where."""
    if reason == "nested":
        what = f"line {number:,}: BEGIN:{part} inside the {outer} of line {since:,}"
    elif reason == "unclosed":
        what = f"line {number:,}: END:{part} while the {outer} of line {since:,} is open"
    else:
        what = f"line {number:,}: END:{part} inside a {outer}"
    return BadInput(
        code="calendar_invalid",
        file=name,
        reason=reason,
        what=what,
        line=number,
        part=part,
        outer=outer,
        since=since,
    )


#: Properties whose times may carry a TZID.
_ZONED = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "RDATE", "EXDATE")


def _parameters(logical: str) -> tuple[list[str], str]:
    """A content line's name and parameters (``NAME``, ``PARAM=value`` …) and its value, split
    at the ``;`` and the ``:`` that stand outside double quotes (RFC 5545 §3.1)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for index, char in enumerate(logical):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in ";:":
            parts.append("".join(current))
            current = []
            if char == ":":
                return parts, logical[index + 1 :]
            continue
        current.append(char)
    parts.append("".join(current))
    return parts, ""


def _one_zone(logical: str, number: int, name: str) -> None:
    """A time is in one zone, never guessed: a TZID given twice (the parser keeps the last
    without a word), a TZID that lists zones, and a TZID on a UTC time (``…T090000Z``: RFC
    5545 forbids the two together, and the parser reads the time in the zone) are refused."""
    params, value = _parameters(logical)
    prop = validate.visible(params[0].strip().upper())[:20]
    if prop not in _ZONED:
        return
    zones = [v for k, _, v in (p.partition("=") for p in params[1:]) if k.strip().upper() == "TZID"]
    if not zones:
        return
    shown = [validate.shown(zone, limit=40) for zone in zones]
    facts = {"name": name, "line": number, "property": prop, "zones": ", ".join(shown)}
    if len(zones) > 1:
        raise BadInput(code="calendar_tzid_twice", count=len(zones), **facts)
    if "," in zones[0] and not zones[0].startswith('"'):
        raise BadInput(code="calendar_tzid_list", **facts)
    utc = [one for one in value.split(",") if one.strip().upper().endswith("Z")]
    if utc:
        time = validate.shown(utc[0].strip(), limit=40)
        raise BadInput(code="calendar_tzid_with_utc", time=time, **facts)


def _unfolded(text: str) -> Iterable[str]:
    """The content lines of ``text`` with folded continuations joined (RFC 5545 §3.1)."""
    current: list[str] = []
    for physical in text.splitlines():
        if physical[:1] in (" ", "\t") and current:
            current.append(physical[1:])
            continue
        if current:
            yield "".join(current)
        current = [physical]
    if current:
        yield "".join(current)


# 2. Before expanding: each event's times and rule ---------------------------------------------


def check_event(event: Any, name: str) -> None:
    """Refuse an event whose UID, times or rule the import cannot safely use.

    Args:
        event: the parsed VEVENT.
        name: the file's name, for the refusal.

    Raises:
        BadInput: a UID that is not one line (``validate.line``), ``calendar_out_of_years``,
            ``calendar_duration_too_long``, or a rule ``check_rule`` refuses.
    """
    uid = event.get("UID")
    if uid is not None:
        validate.line(str(uid), f"{name}: {describe(event)} UID", max_len=MAX_UID)
    for prop in _TIMES:
        for value in _values(event.get(prop)):
            _in_range(value, prop, event, name, end=prop == "DTEND")
    duration = event.get("DURATION")
    if duration is not None:
        length = getattr(duration, "dt", None)
        if isinstance(length, timedelta) and abs(length) > timedelta(days=366 * 130):
            raise BadInput(
                code="calendar_duration_too_long",
                name=name,
                event=describe(event),
                days=length.days,
            )
    if event.get("EXRULE") is not None:
        raise BadInput(code="calendar_exrule", name=name, event=describe(event))
    rule = event.get("RRULE")
    for each in rule if isinstance(rule, list) else [rule] if rule is not None else []:
        check_rule(each, event, name)


def _values(prop: Any) -> Iterable[Any]:
    """Every date, time or period start and end a time property holds."""
    for value in prop if isinstance(prop, list) else [prop] if prop is not None else []:
        for item in getattr(value, "dts", None) or [value]:
            moment = getattr(item, "dt", item)
            yield from moment if isinstance(moment, tuple) else (moment,)


def _in_range(value: Any, what: str, event: Any, name: str, *, end: bool = False) -> None:
    """A date or time in 1970–2099 (local days; a floating time, and one in a zone a file
    defines, by its own date: that zone is not read before ``check_zone`` has bounded it, and
    the parser may have attached one of that name from another file). An ``end`` may be the
    instant that closes the range, as any end the store takes (``validate.within_years``):
    midnight of New Year 2100, or the date 2100-01-01 (an end date is exclusive)."""
    closing = validate.LATEST_DAY + timedelta(days=1)
    if isinstance(value, datetime):
        if value.tzinfo is None or not isinstance(value.tzinfo, _READ_ZONES):
            day = value.date()
            ok = validate.EARLIEST_DAY <= day <= validate.LATEST_DAY or (
                end and day == closing and value.time() == time(0)
            )
        elif end:
            ok = validate.within_years(value)
        else:
            try:
                ok = (
                    validate.EARLIEST_DAY
                    <= value.astimezone(UTC).astimezone(LOCAL_TZ).date()
                    <= validate.LATEST_DAY
                )
            except (OverflowError, ValueError):
                ok = False
    elif isinstance(value, date):
        last = closing if end else validate.LATEST_DAY
        ok = validate.EARLIEST_DAY <= value <= last
    else:
        return  # a period's duration: checked with the start it belongs to
    if not ok:
        shown = _as_written(value)
        raise BadInput(
            code="calendar_out_of_years",
            name=name,
            event=describe(event),
            what=what,
            earliest=validate.EARLIEST_DAY.isoformat(),
            latest=validate.LATEST_DAY.isoformat(),
            value=shown,
        )


def _as_written(value: date) -> str:
    """A date or time as the file writes it (``00010101T000000Z``, ``21500101``): quoted
    back as given, never converted to a zone (Amsterdam in year 1 ran on local mean time,
    +00:19:32, which no one wrote)."""
    from icalendar.prop import vDDDTypes  # the library that read it writes it back

    try:
        return str(vDDDTypes(value).to_ical().decode())
    except (ValueError, TypeError, OverflowError):
        return value.isoformat()


#: Zones whose code is Python's own (IANA by name, UTC, a fixed offset): safe to read at any
#: time. A zone a file defines (dateutil's ``tzical``) is read only once ``check_zone`` passed.
_READ_ZONES = (ZoneInfo, timezone)
#: The most steps the rules of one zone a file defines may take from their DTSTART to the end
#: of 2099 (each onset is a step; a standard and a daylight rule, yearly from 1601 as Outlook
#: writes them, take about 2,000), and of all the zones of one file together.
MAX_ZONE_STEPS = 5_000
MAX_FILE_ZONE_STEPS = 20_000
_ZONE_END = datetime(2100, 1, 1, tzinfo=UTC)


def check_zone(component: Any, shown: str, name: str) -> int:
    """Before a zone the file defines (its VTIMEZONE ``component``; ``shown``: its TZID as a
    message shows it) is built and read: every STANDARD and DAYLIGHT rule repeats yearly at
    most, has one RRULE within RFC 5545 and no EXRULE, and all of them together take at most
    ``MAX_ZONE_STEPS`` steps to 2099 (dateutil steps through every onset from the rule's
    DTSTART on each time it reads the zone).

    Args:
        component: the VTIMEZONE component.
        shown: its TZID as a message shows it.
        name: the file as a message names it.

    Returns:
        The steps, for the file's total.

    Raises:
        BadInput: a rule with an EXRULE, more than one RRULE, repeating more often than yearly
            or outside RFC 5545, or rules that together take more than ``MAX_ZONE_STEPS`` steps.
    """
    steps = 0
    for observance in component.subcomponents:
        where = f"{name}: VTIMEZONE {shown}: the {observance.name} rule"
        if observance.get("EXRULE") is not None:
            raise BadInput(code="calendar_zone_exrule", where=where)
        rules = observance.get("RRULE")
        rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
        if len(rules) > 1:
            raise BadInput(code="calendar_zone_rrules", where=where, count=len(rules))
        for rule in rules:
            check_rule(rule, observance, f"{name}: VTIMEZONE {shown}", until=False)
            freq = str(rule["FREQ"][0]).upper()
            if freq != "YEARLY":
                raise BadInput(code="calendar_zone_frequency", where=where, freq=freq)
        steps += estimate(observance, _onset(observance), _ZONE_END, _ZONE_END)[1]
    if steps > MAX_ZONE_STEPS:
        raise BadInput(
            code="calendar_zone_steps", name=name, zone=shown, steps=steps, most=MAX_ZONE_STEPS
        )
    return steps


def _onset(observance: Any) -> datetime:
    """A zone rule's DTSTART (a local wall time) read as UTC: for counting its steps."""
    value = getattr(observance.get("DTSTART"), "dt", None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)  # its wall time: a day off is no matter for counting
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return _ZONE_END


def check_rule(rule: Any, event: Any, name: str, *, until: bool = True) -> None:
    """Every part of an RRULE within RFC 5545, before anything is expanded.

    Args:
        rule: the parsed RRULE.
        event: its VEVENT (or a zone's STANDARD/DAYLIGHT rule), for the refusal.
        name: the file's name, for the refusal.
        until: also check its UNTIL lies in 1970–2099 (a zone's rule may end long before).

    Raises:
        BadInput: ``calendar_rrule_part``, naming the part and what is wrong with it.
    """

    def refuse(part: str, problem: str) -> BadInput:
        return BadInput(
            code="calendar_rrule_part", name=name, event=describe(event), part=part, problem=problem
        )

    unknown = sorted(str(part) for part in rule if str(part).upper() not in _PARTS)
    if unknown:
        raise refuse(unknown[0], "is not a part of RFC 5545 that Schildwacht can expand")
    freqs = [str(f).upper() for f in rule.get("FREQ") or []]
    if len(freqs) != 1 or freqs[0] not in FREQS:
        raise refuse("FREQ", f"must be one of {', '.join(FREQS)}")
    freq = freqs[0]
    for part, low, high in (("INTERVAL", 1, MAX_INTERVAL), ("COUNT", 1, MAX_COUNT)):
        values = rule.get(part)
        if values is None:
            continue
        if len(values) != 1 or not _whole(values[0]) or not low <= values[0] <= high:
            shown = ",".join(str(v) for v in values)
            raise refuse(part, f"is {shown}; it must be a whole number from {low} to {high:,}")
    if rule.get("COUNT") is not None and rule.get("UNTIL") is not None:
        raise refuse("COUNT", "and UNTIL may not both be given (RFC 5545)")
    for end in rule.get("UNTIL") or [] if until else []:
        _in_range(end, "RRULE UNTIL", event, name)
    for part, (low, high, signed) in _RANGES.items():
        values = rule.get(part)
        if values is None:
            continue
        size = (high - low + 1) * (2 if signed else 1)
        if len(values) > size:
            raise refuse(part, f"lists {len(values):,} values; at most {size} are possible")
        for value in values:
            if not _whole(value) or not (
                low <= value <= high or (signed and -high <= value <= -low)
            ):
                span = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
                raise refuse(part, f"has {value}; its values lie from {span}")
        if freq in _NOT_WITH.get(part, ()):
            raise refuse(part, f"is not allowed with FREQ={freq} (RFC 5545)")
    months, monthdays = rule.get("BYMONTH"), rule.get("BYMONTHDAY")
    if months and monthdays and not any(abs(d) <= _LONGEST[m] for m in months for d in monthdays):
        raise refuse("BYMONTHDAY", "names no day that BYMONTH has (such as 30 February)")
    days = [str(d).upper() for d in rule.get("BYDAY") or []]
    if len(days) > 7 * 107:
        raise refuse("BYDAY", f"lists {len(days):,} values; at most {7 * 107} are possible")
    for day in days:
        match = _WEEKDAY.match(day)
        if match is None:
            raise refuse("BYDAY", f"has {validate.shown(day)}, not a weekday such as MO or -1FR")
        if match[2] is not None:
            limit = 5 if freq == "MONTHLY" else 53
            if freq not in ("MONTHLY", "YEARLY") or rule.get("BYWEEKNO"):
                raise refuse("BYDAY", f"has {day}: a numbered weekday needs FREQ=MONTHLY or YEARLY")
            if not 1 <= int(match[2]) <= limit:
                raise refuse("BYDAY", f"has {day}: its number must lie from 1 to {limit}")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# 3. Before expanding: the file's total --------------------------------------------------------


def check_total(
    items: Iterable[tuple[Any, datetime, datetime, bool]],
    window: tuple[datetime, datetime],
    margin: timedelta,
    limit: int,
    name: str,
) -> BadInput | None:
    """Before anything is expanded: refuse a file whose rules would take more than
    ``MAX_STEPS`` steps to expand; return the refusal of a file whose events may give more
    than ``limit`` occurrences in the window (an upper bound from each rule, summed over the
    file), else None. The caller then expands such a file only until its count passes the
    limit (``OccurrenceCap``), so an estimate above a file's real count never refuses it.
    ``items``: each event with its start and end (UTC) and whether it recurs.

    Args:
        items: ``(event, start, end, recurs)`` per event, times aware UTC.
        window: the import window ``(start, end)``, aware UTC.
        margin: how far before the window an occurrence may start and still reach into it.
        limit: the most occurrences the import takes.
        name: the file's name, for the refusal.

    Returns:
        The ``too_many_occurrences`` refusal to raise once the real count passes ``limit``, or
        None.

    Raises:
        BadInput: ``calendar_recurrence_too_far``.
    """
    lo, hi = window[0] - margin, window[1] + margin
    total = steps = events = 0
    largest, slowest = ("", -1), ("", -1)
    for event, start, end, recurring in items:
        if recurring:
            count, cost = estimate(event, start, lo, hi)
        else:
            count, cost = int(start < window[1] and end > window[0]), 0
        events += 1 if count else 0
        total += count
        steps += cost
        if count > largest[1]:
            largest = (describe(event), count)
        if cost > slowest[1]:
            slowest = (describe(event), cost)
    over = too_many(name, total, largest, limit, window, events=events) if total > limit else None
    if steps > MAX_STEPS:  # too slow to find out whether the file really passes the limit
        raise over or too_long(name, steps, slowest[0])
    return over


class OccurrenceCap:
    """Counts the occurrences an expansion yields and says when to stop: more than ``limit``
    in the window, or more than ``limit`` plus a margin allowance in all (a rule can only
    give so many in the two margins around the window that the estimate did not refuse)."""

    def __init__(self, window: tuple[datetime, datetime], limit: int) -> None:
        self.window, self.limit = window, limit
        self.inside = self.produced = 0

    def passed(self, start: datetime, end: datetime) -> bool:
        """Count one occurrence; True once the file has passed its limit.

        Args:
            start: the occurrence's start (aware).
            end: its end (aware).

        Returns:
            True once more than ``limit`` occurrences fall in the window, or the expansion produced
            over ``3 * limit + 10,000`` in all; False while it may go on.
        """
        self.produced += 1
        self.inside += start < self.window[1] and end > self.window[0]
        return self.inside > self.limit or self.produced > 3 * self.limit + 10_000

    def more(self, start: datetime, end: datetime) -> bool:
        """Past the limit, count one more occurrence: True when it lies in the window (the
        count so far is not the file's total) or the expansion has gone on too long.

        Args:
            start: the occurrence's start (aware).
            end: its end (aware).

        Returns:
            True when this occurrence lies in the window or the expansion has produced over ``3 *
            limit + 10,000``; False otherwise.
        """
        self.produced += 1
        return (start < self.window[1] and end > self.window[0]) or (
            self.produced > 3 * self.limit + 10_000
        )


def estimate(event: Any, start: datetime, lo: datetime, hi: datetime) -> tuple[int, int]:
    """An upper bound on the occurrences of a recurring event in [lo, hi), and on the steps
    its expansion takes from ``start`` (its DTSTART, UTC) to ``hi`` — from the rule alone.

    Args:
        event: the recurring VEVENT.
        start: its DTSTART, aware UTC.
        lo: the window's start, aware UTC.
        hi: the window's end, aware UTC.

    Returns:
        ``(occurrences, steps)``, both upper bounds.
    """
    rdates = [v for v in _values(event.get("RDATE")) if isinstance(v, date)]
    rule = event.get("RRULE")
    if isinstance(rule, list):
        rule = rule[0] if rule else None
    if rule is None:
        return len(rdates) + 1, len(rdates) + 1
    rank = FREQS.index(str(rule["FREQ"][0]).upper())
    interval = int((rule.get("INTERVAL") or [1])[0])
    last = hi
    for until in rule.get("UNTIL") or []:
        last = min(hi, _day_after(until, hi))
    period = _FREQ_SECONDS[rank] * interval
    span = max((last - max(lo, start)).total_seconds(), 0.0)
    periods = span / period + 2  # the periods that reach into the window
    if rank < 3:  # more often than daily: only so many periods a day pass the time filters
        periods = min(periods, (span / 86400 + 2) * _kept_per_day(rule, rank))
    each = _per_period(rule, rank)
    count = periods * each
    walked = max((last - start).total_seconds(), 0.0) / period + 1  # from DTSTART on
    produced = walked * each
    count += 1  # DTSTART is an occurrence, even when the rule does not give it
    limit = rule.get("COUNT")
    if limit:  # COUNT includes DTSTART when the rule gives it, else DTSTART is one more
        count = min(count, limit[0] + 1)
        produced = min(produced, limit[0])
        if not _filters(rule, rank):  # every period gives one at least: COUNT ends it
            walked = min(walked, limit[0])
    return math.ceil(count) + len(rdates), math.ceil(walked + produced) + len(rdates)


def _day_after(until: date, hi: datetime) -> datetime:
    """A rule's UNTIL plus a day, aware UTC, or ``hi`` when that lies past it: a zone's UNTIL
    is not held to 1970–2099, and one in year 9999 (or 1) must not overflow the arithmetic."""
    moment = until if isinstance(until, datetime) else datetime.combine(until, time())
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC) + timedelta(days=1)
    except OverflowError:  # within a day of datetime's own range: far past or far future
        return hi if moment.year > 1 else datetime.min.replace(tzinfo=UTC)


#: The parts that expand a period (never leave it empty) at each frequency rank.
_EXPANDING: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"BYSECOND"}),
    frozenset({"BYMINUTE", "BYSECOND"}),
    frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"}),
    frozenset({"BYHOUR", "BYMINUTE", "BYSECOND", "BYDAY"}),
    frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"}),
    frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"}),
)


def _filters(rule: Any, rank: int) -> bool:
    """Whether a part of the rule can leave a period without an occurrence."""
    plain = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    return any(
        str(part).upper() not in plain and str(part).upper() not in _EXPANDING[rank]
        for part in rule
    )


def _size(rule: Any, part: str) -> int:
    """How many distinct values a list part names (0 when absent)."""
    return len({str(v).upper() for v in rule.get(part) or []})


def _kept_per_day(rule: Any, rank: int) -> int:
    """How many of a day's periods the coarser time parts (which filter) let through."""
    hours = _size(rule, "BYHOUR") or 24
    if rank == 2:
        return hours
    minutes = _size(rule, "BYMINUTE") or 60
    if rank == 1:
        return hours * minutes
    return hours * minutes * (_size(rule, "BYSECOND") or 60)


def _per_period(rule: Any, rank: int) -> int:
    """How many occurrences one period can expand into (the finer parts expand)."""
    if rank == 0:
        each = 1
    elif rank == 1:
        each = _size(rule, "BYSECOND") or 1
    elif rank == 2:
        each = (_size(rule, "BYMINUTE") or 1) * (_size(rule, "BYSECOND") or 1)
    else:
        each = (
            (_size(rule, "BYHOUR") or 1)
            * (_size(rule, "BYMINUTE") or 1)
            * (_size(rule, "BYSECOND") or 1)
            * _days_per_period(rule, rank)
        )
    positions = _size(rule, "BYSETPOS")
    return min(each, positions) if positions else each


def _days_per_period(rule: Any, rank: int) -> int:
    days = [str(d).upper() for d in rule.get("BYDAY") or []]
    numbered = sum(1 for d in set(days) if d[:1] in "+-0123456789")
    plain = len({d[-2:] for d in days if d[:1] not in "+-0123456789"})
    monthdays = _size(rule, "BYMONTHDAY")
    if rank == 3:
        return 1
    if rank == 4:
        return min(7, plain or 1)
    if rank == 5:
        return min(31, (monthdays + numbered + 5 * plain) or 1)
    if rule.get("BYYEARDAY"):
        return min(366, _size(rule, "BYYEARDAY"))
    if rule.get("BYWEEKNO"):
        return min(366, 7 * _size(rule, "BYWEEKNO"))
    months = _size(rule, "BYMONTH")
    if months:
        return min(366, months * ((monthdays + numbered + 5 * plain) or 1))
    return min(366, (12 * monthdays + numbered + 53 * plain) or 1)


def too_many(
    name: str,
    total: int,
    largest: tuple[str, int],
    limit: int,
    window: tuple[datetime, datetime],
    *,
    events: int,
) -> BadInput:
    """The refusal of a file whose occurrences in the window pass ``limit``: the file's total
    and the event that gives the most.

    Args:
        name: the file's name.
        total: the occurrences counted or bounded.
        largest: ``(the event's description, its occurrences)``.
        limit: the most occurrences the import takes.
        window: the import window, aware UTC.
        events: how many events recur.

    Returns:
        The ``too_many_occurrences`` refusal, to raise.
    """
    first = window[0].astimezone(LOCAL_TZ).date()
    last = (window[1] - timedelta(seconds=1)).astimezone(LOCAL_TZ).date()
    amount, (what, most) = f"up to {total:,}", largest
    most_text = f"up to {most:,}"
    if events == 1:
        head = f"{name}: {what} gives {amount} occurrences from {first} to {last}"
    else:
        head = (
            f"{name} gives {amount} occurrences from {first} to {last} in {events:,} events "
            f"(the most, {most_text}, in {what})"
        )
    return BadInput(code="too_many_occurrences", head=head, limit=limit)


def too_long(name: str, steps: int, largest: str) -> BadInput:
    """The refusal of a file whose rules would take more than ``MAX_STEPS`` steps to expand
    (``steps``: about how many; ``largest``: the event that takes the most).

    Args:
        name: the file's name.
        steps: about how many steps.
        largest: the description of the event that takes the most.

    Returns:
        The ``calendar_recurrence_too_far`` refusal, to raise.
    """
    return BadInput(
        code="calendar_recurrence_too_far", name=name, steps=steps, largest=largest, most=MAX_STEPS
    )


# 4. While expanding: a budget of periods ----------------------------------------------------

_BUDGET = threading.local()
_DAYSETS = ("ydayset", "mdayset", "wdayset", "ddayset")


class ExpansionTooLong(Exception):
    """dateutil stepped through more periods than the file's budget; ``rule`` is its rrule."""

    def __init__(self, rule: Any) -> None:
        super().__init__("expansion budget spent")
        self.rule = rule


@contextmanager
def expansion_budget(steps: int | None = None) -> Iterator[None]:
    """Within this block (on this thread), dateutil may step through ``steps`` (default
    ``MAX_STEPS``) periods of all the rules it expands together, a zone's rules too; one more
    raises ``ExpansionTooLong``. A block within another shares the outer one's budget.

    Args:
        steps: the budget, in periods stepped through.

    Yields:
        Nothing; the budget holds until the block ends.
    """
    steps = MAX_STEPS if steps is None else steps
    _count_periods()
    previous = getattr(_BUDGET, "left", None)
    if previous is not None:  # within a budget already: share it (one bound per import)
        yield
        return
    _BUDGET.left = steps
    try:
        yield
    finally:
        _BUDGET.left = previous


def _count_periods() -> None:
    """Make dateutil's day-set builders (``_iterinfo.*dayset``: one call for each period a rule
    steps through) count against the budget of the calling thread, when it has one."""
    from dateutil import rrule  # type: ignore[import-untyped]

    info: Any = rrule._iterinfo
    if getattr(info, "_schildwacht_counted", False):
        return
    for method in _DAYSETS:
        original = getattr(info, method)

        def counted(self: Any, *args: Any, _original: Any = original) -> Any:
            left = getattr(_BUDGET, "left", None)
            if left is not None:
                if left <= 0:
                    raise ExpansionTooLong(self.rrule)
                _BUDGET.left = left - 1
            return _original(self, *args)

        setattr(info, method, counted)
    info._schildwacht_counted = True


def stopped(name: str, exc: ExpansionTooLong) -> BadInput:
    """The refusal of a file whose rules took longer to expand than the budget.

    Args:
        name: the file's name.
        exc: the ``ExpansionTooLong`` raised inside ``expansion_budget``.

    Returns:
        The ``calendar_recurrence_never_ends`` refusal, to raise.
    """
    rule = str(exc.rule).replace("\n", " ")
    return BadInput(
        code="calendar_recurrence_never_ends",
        name=name,
        rrule=validate.shown(rule, limit=120),
        most=MAX_STEPS,
    )
