"""Importing an iCalendar agenda (exports of Outlook/Exchange, Google, Apple, booking sites) for
one subject.

What is read (icalendar parses, recurring-ical-events expands, x-wr-timezone applies a calendar's
declared zone):

- single events, recurring series (RRULE, RDATE, EXDATE) with overrides, including
  ``RECURRENCE-ID;RANGE=THISANDFUTURE``, and overrides whose series is not in the file (an
  invitation to one occurrence of someone else's series): each is one activity;
- times in UTC, with a ``TZID`` (IANA or Windows names such as ``W. Europe Standard Time``),
  all-day dates (the local days in Europe/Amsterdam), and floating times. **Floating times**
  (no zone) are read in the zone the calendar declares with ``X-WR-TIMEZONE`` (IANA or Windows
  name) and otherwise in Europe/Amsterdam — the same for single and recurring events; one that
  does not exist or occurs twice in that zone (clock changes) refuses the file;
- ``STATUS:CANCELLED`` (on an event or an override, with or without a new SEQUENCE) and EXDATE
  cancel; ``CLASS:PRIVATE`` and ``CLASS:CONFIDENTIAL`` make a private activity, else work;
- a zero-length event becomes 30 minutes (an activity needs a length).

**The window.** Only events and occurrences overlapping the window are added: by default from
the start of today for 90 days (``days``), or between ``start`` and ``end``; the same window for
single and recurring events. An activity imported earlier whose event the file still has is
updated even when the event moved out of the window. An activity imported earlier (from any
file: the person's imported agenda is one calendar) that overlaps the window and whose event is
gone from the file is cancelled as *removed from the calendar*, and the receipt lists it. Past
activities outside the window are never touched.

**Updates.** Idempotent by UID, recurrence id and SEQUENCE: the same file twice changes nothing;
a higher SEQUENCE updates the activity in place (when it moves an activity that already has a
concept, the activity is flagged ``changed_externally`` for review). A cancellation is a
restriction (cancelled, the person's own choice, authority ``calendar``, R5), which every role
that may import calendars may cause.

**What is refused, whole** (nothing imported, the sentence names the file, event and property):
a file that is not iCalendar, is over 10 MB, is neither UTF-8 (with or without BOM, or UTF-16
with BOM) nor plausible Windows-1252/Latin-1 text; an event without UID or DTSTART, a fault in
a property an activity is made from, DTEND before DTSTART or a negative DURATION, a time outside
1970-01-01..2099-12-31; a window yielding more than ``max_occurrences`` occurrences (judged
from the rules before anything is expanded, so a minutely rule is refused at once).

**What is skipped with a warning** naming the component and property: parts the activities do
not need — an alarm, a time-zone rule (e.g. a historical one with an impossible offset), a
to-do, an unreadable property that no activity field comes from, an unknown ``X-WR-TIMEZONE``
when nothing in the file is floating.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from . import access, ics_bounds, validate
from .agenda import CALENDAR_AUTHORITY, insert_correction
from .clock import LOCAL_TZ, day_bounds, from_db, to_db
from .db import Store
from .errors import BadInput
from .ids import uuid7
from .subjects import get_subject

MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_DAYS = ics_bounds.DEFAULT_DAYS
MAX_DAYS = ics_bounds.MAX_DAYS
DEFAULT_MAX_OCCURRENCES = ics_bounds.DEFAULT_MAX_OCCURRENCES
MAX_MAX_OCCURRENCES = ics_bounds.MAX_MAX_OCCURRENCES
#: Properties an activity is made from: a fault in one of them refuses the file.
NEEDED = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "LOCATION",
        "CLASS",
    }
)
_TIME_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_MARGIN = timedelta(days=2)
#: Non-ASCII punctuation that real Western European text in Windows-1252 carries.
_WESTERN_MARKS = frozenset("€‚„…†‡‰‹›‘’“”•–—˜™¡¢£¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷\xa0")


@dataclass(frozen=True)
class ImportItem:
    """One activity the import touched: ``action`` is added, updated, cancelled (in the
    calendar), removed (gone from the calendar) or unchanged."""

    activity_id: str
    uid: str
    recurrence: str
    action: str
    title: str
    start: datetime


@dataclass
class ImportResult:
    window: tuple[datetime, datetime]
    items: list[ImportItem] = field(default_factory=list)
    replan: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def cancelled(self) -> int:
        return self.count("cancelled")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


@dataclass(frozen=True)
class Occurrence:
    """One event or occurrence as the file has it (times aware UTC)."""

    uid: str
    recurrence: str  # the occurrence's own recurrence id as stored UTC text, '' for a single
    title: str
    start: datetime
    end: datetime
    location: str
    sequence: int
    cancelled: bool
    private: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.uid, self.recurrence)


@dataclass
class ParsedCalendar:
    """What a file yields for a window: the occurrences overlapping it, and the events and
    overrides it names explicitly (wherever they now lie)."""

    occurrences: dict[tuple[str, str], Occurrence]
    explicit: dict[tuple[str, str], Occurrence]
    warnings: list[str]
    #: Occurrences a series excludes by EXDATE (cancelled in the calendar).
    excluded: set[tuple[str, str]] = field(default_factory=set)


# Reading the file ----------------------------------------------------------------------------


_describe = ics_bounds.describe


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path.name} is larger than 10 MB; split the calendar export.")
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None


def decode_text(raw: bytes, name: str) -> tuple[str, list[str]]:
    """The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, or else Windows-1252 (which
    reads Latin-1 text the same) when every non-ASCII character is a Western European letter
    or punctuation mark in a plausible place. Anything else is refused naming the encoding."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            raise BadInput(f"{name} starts as UTF-16 but is not valid UTF-16.") from None
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_western(text):
        return text, [f"{name} is not UTF-8; it was read as Windows-1252 (Western European)."]
    raise BadInput(
        f"{name} is not UTF-8 (byte 0x{raw[position]:02X} at position {position}) and does not "
        "read as Windows-1252/Latin-1 text either; export the calendar again as UTF-8."
    )


def _plausible_western(text: str) -> bool:
    """Every non-ASCII character is a Latin letter inside a word (not an upper-case letter
    after a lower-case one, as mis-decoded Mac Roman gives) or common punctuation; no
    control characters beyond tab and line ends."""
    previous = " "
    for char in text:
        if ord(char) < 32 and char not in "\t\r\n":
            return False
        if ord(char) > 127 and char not in _WESTERN_MARKS:
            if not unicodedata.category(char).startswith("L"):
                return False
            if char.isupper() and previous.islower():
                return False
        previous = char
    return True


@functools.cache
def _calendar_class() -> Any:
    """An icalendar Calendar whose parts the activities do not need (alarms, time-zone rules,
    to-dos …) collect their faults instead of refusing the file; a VTIMEZONE builds its zone
    without its unreadable rules."""
    import icalendar
    from icalendar.cal.component_factory import ComponentFactory

    class Timezone(icalendar.Timezone):
        ignore_exceptions = True

        def to_tz(self, *args: Any, **kwargs: Any) -> Any:
            self.subcomponents = [rule for rule in self.subcomponents if not rule.errors]
            return super().to_tz(*args, **kwargs)

    factory = ComponentFactory()
    factory.add_component_class(Timezone)
    for base in (
        icalendar.Alarm,
        icalendar.TimezoneStandard,
        icalendar.TimezoneDaylight,
        icalendar.Todo,
        icalendar.Journal,
        icalendar.FreeBusy,
    ):
        factory.add_component_class(type(base.__name__, (base,), {"ignore_exceptions": True}))

    class Calendar(icalendar.Calendar):
        ignore_exceptions = True
        _components_factory = factory

    factory.add_component_class(Calendar)
    return Calendar


def _parse(text: str, name: str) -> Any:
    try:
        calendar = _calendar_class().from_ical(text)
    except Exception as exc:
        message = validate.visible(str(exc))[:300]
        raise BadInput(f"{name} is not a valid iCalendar file: {message}.") from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise BadInput(f"{name} does not start with BEGIN:VCALENDAR.")
    return calendar


def _prune(calendar: Any, name: str) -> list[str]:
    """Refuse faults in what activities are made of; skip, with a warning, the parts they do
    not need."""
    warnings: list[str] = []
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            warnings += _prune_event(component, name)
        elif component.name == "VTIMEZONE":
            kept = []
            for rule in component.subcomponents:
                if not rule.errors:
                    kept.append(rule)
                    continue
                prop, message = rule.errors[0]
                start = rule.get("DTSTART")
                since = f" from {start.to_ical().decode()[:8]}" if start is not None else ""
                warnings.append(
                    f"VTIMEZONE {validate.visible(str(component.get('TZID')))}: the {rule.name}"
                    f" rule{since}, property {prop}: {validate.visible(message)}; that rule "
                    "was skipped."
                )
            component.subcomponents = kept
        elif component.errors:
            prop, message = component.errors[0]
            warnings.append(
                f"{_describe(component)}, property {prop}: {validate.visible(message)}; the "
                f"{component.name} was skipped (activities are made from events only)."
            )
    return warnings


def _prune_event(event: Any, name: str) -> list[str]:
    warnings = []
    for prop, message in event.errors:
        if prop is None or str(prop).upper() in NEEDED:
            raise BadInput(
                f"{name}: {_describe(event)}, property {prop or '(a line)'}: "
                f"{validate.visible(message)}."
            )
        warnings.append(
            f"{_describe(event)}, property {prop}: {validate.visible(message)}; ignored."
        )
    kept = []
    for part in event.subcomponents:
        if part.errors:
            prop, message = part.errors[0]
            warnings.append(
                f"{_describe(event)}: {part.name} property {prop}: {validate.visible(message)};"
                f" the {part.name} was skipped."
            )
        else:
            kept.append(part)
    event.subcomponents = kept
    return warnings


# Zones ---------------------------------------------------------------------------------------


def _declared_zone(calendar: Any) -> tuple[tzinfo | None, str]:
    """The zone X-WR-TIMEZONE declares (IANA or Windows name): (zone, '') or (None, name)."""
    declared = calendar.get("X-WR-TIMEZONE")
    if declared is None or not str(declared).strip():
        return LOCAL_TZ, ""
    from icalendar.timezone import tzp

    name = str(declared).strip()
    try:
        zone = tzp.timezone(name)
    except Exception:
        zone = None
    return zone, name


def _attach(naive: datetime, zone: tzinfo, what: str, event: Any, name: str) -> datetime:
    """A floating time in ``zone``; one that does not exist or occurs twice is refused."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        problem = "does not exist" if back != naive else "occurs twice"
        raise BadInput(
            f"{name}: {_describe(event)}: {what} {naive.isoformat(' ')} (floating, read in "
            f"{zone}) {problem} because of a clock change; write it in UTC or with a TZID."
        )
    return first


def _localise(calendar: Any, name: str) -> list[str]:
    """Give every floating time the calendar's zone (see the module's reading)."""
    zone, unknown = _declared_zone(calendar)
    floating = 0
    for event in calendar.walk("VEVENT"):
        for prop in _TIME_PROPS:
            values = event.get(prop)
            for value in values if isinstance(values, list) else [values]:
                if value is None:
                    continue
                for item in getattr(value, "dts", [value]):
                    moment = getattr(item, "dt", None)
                    if isinstance(moment, datetime) and moment.tzinfo is None:
                        floating += 1
                        if zone is None:
                            raise BadInput(
                                f"{name}: {_describe(event)} has a floating {prop} and the "
                                f"calendar's X-WR-TIMEZONE '{validate.visible(unknown)}' is not "
                                "a time zone Schildwacht knows; export with time zones."
                            )
                        item.dt = _attach(moment, zone, prop, event, name)
    if zone is None:
        return [f"X-WR-TIMEZONE '{validate.visible(unknown)}' is not a known time zone; ignored."]
    return []


def _as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return day_bounds(value)[0]


def _span(event: Any, name: str) -> tuple[datetime, datetime]:
    """The event's start and end in UTC; DTEND before DTSTART (or a negative DURATION) and
    times outside 1970–2099 are refused naming the event."""
    if event.get("DTSTART") is None:
        raise BadInput(f"{name}: {_describe(event)} has no DTSTART; it is not a usable agenda.")
    start = event.decoded("DTSTART")
    if event.get("DTEND") is not None:
        end: datetime | date = event.decoded("DTEND")
    elif event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    else:
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    if isinstance(start, datetime):
        start_utc = start.astimezone(UTC)
        end_utc = _as_utc(end)
    else:
        start_utc = day_bounds(start)[0]
        last = end.date() if isinstance(end, datetime) else end
        end_utc = day_bounds(last - timedelta(days=1))[1] if last > start else start_utc
    if end_utc < start_utc:
        raise BadInput(
            f"{name}: {_describe(event)} ends before it starts (DTEND "
            f"{end_utc.isoformat()} < DTSTART {start_utc.isoformat()}); correct the event."
        )
    if end_utc == start_utc:
        end_utc = start_utc + timedelta(minutes=30)
    for moment, what in ((start_utc, "DTSTART"), (end_utc, "DTEND")):
        try:
            validate.moment(moment, f"{name}: {_describe(event)} {what}")
        except BadInput as exc:
            raise BadInput(str(exc)) from None
    return start_utc, end_utc


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# Occurrences ---------------------------------------------------------------------------------


def _occurrence(event: Any, uid: str, recurrence: str, name: str) -> Occurrence:
    start, end = _span(event, name)
    title = str(event.get("SUMMARY") or "").strip() or "(no title)"
    try:
        sequence = int(event.get("SEQUENCE") or 0)
    except (TypeError, ValueError):
        raise BadInput(f"{name}: {_describe(event)} has a SEQUENCE that is not a number.") from None
    return Occurrence(
        uid=uid,
        recurrence=recurrence,
        title=validate.text(title, f"{name}: {_describe(event)} SUMMARY"),
        start=start,
        end=end,
        location=validate.text(
            str(event.get("LOCATION") or "").strip(), f"{name}: {_describe(event)} LOCATION"
        ),
        sequence=sequence,
        cancelled=str(event.get("STATUS") or "").upper() == "CANCELLED",
        private=str(event.get("CLASS") or "").upper() in ("PRIVATE", "CONFIDENTIAL"),
    )


def _recurrence_key(event: Any, overrides: dict[tuple[str, str], Any]) -> str:
    """The occurrence's own recurrence id. recurring-ical-events gives every occurrence after a
    RANGE=THISANDFUTURE override that override's id; undo its shift to find the original."""
    prop = event.get("RECURRENCE-ID")
    if prop is None:
        return to_db(_as_utc(event.decoded("DTSTART")))
    rid = _as_utc(prop.dt)
    if str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
        override = overrides.get((str(event["UID"]), to_db(rid)))
        if override is not None:
            delta = _as_utc(override.decoded("DTSTART")) - rid
            return to_db(_as_utc(event.decoded("DTSTART")) - delta)
    return to_db(rid)


def parse_calendar(
    path: Path, window: tuple[datetime, datetime], max_occurrences: int
) -> ParsedCalendar:
    """Read ``path`` and expand it over ``window``; nothing is written."""
    import recurring_ical_events
    import x_wr_timezone

    name = Path(path).name
    text, warnings = decode_text(_read_bytes(Path(path)), name)
    ics_bounds.prescan(text, name)
    calendar = _parse(text, name)
    warnings += _prune(calendar, name)
    for event in calendar.walk("VEVENT"):
        ics_bounds.check_event(event, name)
    warnings += _localise(calendar, name)
    zone, _unknown = _declared_zone(calendar)
    if zone is not None and calendar.get("X-WR-TIMEZONE") is not None:
        calendar = x_wr_timezone.to_standard(calendar, timezone=zone)
    events = calendar.walk("VEVENT")
    masters: set[str] = set()
    overrides: dict[tuple[str, str], Any] = {}
    explicit: dict[tuple[str, str], Occurrence] = {}
    excluded: set[tuple[str, str]] = set()
    spans: list[tuple[Any, datetime, datetime, bool]] = []
    for event in events:
        if event.get("UID") is None:
            raise BadInput(f"{name}: {_describe(event)} has no UID; cannot import it safely.")
        start, end = _span(event, name)
        recurring = event.get("RECURRENCE-ID") is None and (
            event.get("RRULE") is not None or event.get("RDATE") is not None
        )
        spans.append((event, start, end, recurring))
        uid = str(event["UID"])
        if event.get("RECURRENCE-ID") is not None:
            key = (uid, to_db(_as_utc(event["RECURRENCE-ID"].dt)))
            overrides[key] = event
            explicit[key] = _occurrence(event, *key, name)
        elif event.get("RRULE") is not None or event.get("RDATE") is not None:
            masters.add(uid)
            for value in _as_list(event.get("EXDATE")):
                excluded.update((uid, to_db(_as_utc(item.dt))) for item in value.dts)
        else:
            explicit[(uid, "")] = _occurrence(event, uid, "", name)
    over = ics_bounds.check_total(spans, window, _MARGIN, max_occurrences, name)
    occurrences = {
        key: occ
        for key, occ in explicit.items()
        if key[0] not in masters and occ.start < window[1] and occ.end > window[0]
    }
    if over is not None and len(occurrences) > max_occurrences:  # single events: exact
        raise over
    cap = ics_bounds.OccurrenceCap(window, max_occurrences - len(occurrences))
    try:
        with ics_bounds.expansion_budget():
            query = recurring_ical_events.CalendarQuery(calendar, components=("VEVENT",))
            for series in query.series:  # lazily, so a file over the limit stops early
                for found in series.between(window[0] - _MARGIN, window[1] + _MARGIN):
                    event = found.as_component(query.keep_recurrence_attributes)
                    uid = str(event["UID"])
                    if uid not in masters:
                        continue
                    occ = _occurrence(event, uid, _recurrence_key(event, overrides), name)
                    if cap.passed(occ.start, occ.end):
                        raise over or BadInput(  # the estimate is an upper bound: a safeguard
                            f"{name} gives more than {max_occurrences:,} occurrences "
                            "(--max-occurrences); nothing was imported."
                        )
                    if occ.start < window[1] and occ.end > window[0]:
                        occurrences[occ.key] = occ
    except BadInput:
        raise
    except ics_bounds.ExpansionTooLong as exc:
        raise ics_bounds.stopped(name, exc) from None
    except Exception as exc:
        message = validate.visible(str(exc))[:300]
        raise BadInput(f"{name}: a recurrence rule cannot be expanded ({message}).") from None
    return ParsedCalendar(occurrences, explicit, warnings, excluded)


# Importing -----------------------------------------------------------------------------------


def import_window(
    store: Store,
    start: date | None = None,
    end: date | None = None,
    days: int | None = None,
) -> tuple[datetime, datetime]:
    """The import window in UTC: from the start of local day ``start`` (default today) to the
    end of local day ``end``, or for ``days`` days (default 90, at most 730)."""
    first = start or store.clock.now().astimezone(LOCAL_TZ).date()
    validate.day(first, "--from")
    if end is not None and days is not None:
        raise BadInput("Give --to or --days, not both.")
    if end is not None:
        validate.day(end, "--to")
        if end < first:
            raise BadInput("--to must not lie before --from.")
        last = end + timedelta(days=1)
    else:
        count = DEFAULT_DAYS if days is None else days
        if not 1 <= count <= MAX_DAYS:
            raise BadInput(f"--days must be between 1 and {MAX_DAYS}.")
        last = first + timedelta(days=count)
    if (last - first).days > MAX_DAYS:
        raise BadInput(f"An import window covers at most {MAX_DAYS} days.")
    validate.day(last - timedelta(days=1), "--to")
    return day_bounds(first)[0], day_bounds(last)[0]


def import_ics(
    store: Store,
    path: Path,
    *,
    person: str,
    start: date | None = None,
    end: date | None = None,
    days: int | None = None,
    max_occurrences: int = DEFAULT_MAX_OCCURRENCES,
) -> ImportResult:
    """Import ``path`` into ``person``'s agenda over the window, all or nothing (see the module
    docstring for what is read, the window and removals). Raises ``BadInput`` naming the
    file, event and property for anything refused; ``PermissionDenied`` unless the actor may
    write activities."""
    access.require(store.actor, "activity.write")
    subject = get_subject(store, person)
    validate.integer(max_occurrences, "--max-occurrences", low=1, high=MAX_MAX_OCCURRENCES)
    window = import_window(store, start, end, days)
    parsed = parse_calendar(Path(path), window, max_occurrences)
    result = ImportResult(window=window, warnings=parsed.warnings)
    name = Path(path).name
    with store.write("activity.import_ics", subject.id, {"file": name}) as conn:
        existing = {
            (r["source_uid"], r["source_recurrence"] or ""): r
            for r in conn.execute(
                "SELECT id, source_uid, source_recurrence, source_sequence, title, start_at,"
                " end_at, location, status, concept, kind FROM activity"
                " WHERE subject_id = ? AND source_uid IS NOT NULL",
                (subject.id,),
            )
        }
        for occ in sorted(parsed.occurrences.values(), key=lambda o: (o.start, o.key)):
            row = existing.get(occ.key)
            if row is None:
                if not occ.cancelled:
                    _add(conn, store, subject.id, occ, result)
            else:
                result.items.append(_apply(conn, store, row, occ, result, name))
        for key, row in existing.items():
            if key in parsed.occurrences or row["status"] == "cancelled":
                continue
            if key in parsed.explicit:  # still in the file, outside the window: changes only
                item = _apply(conn, store, row, parsed.explicit[key], result, name)
                if item.action != "unchanged":
                    result.items.append(item)
            elif key in parsed.excluded:
                _cancel(conn, store, row, f"Cancelled in the calendar ({name}).", None)
                result.items.append(
                    ImportItem(row["id"], *key, "cancelled", row["title"], from_db(row["start_at"]))
                )
            elif row["start_at"] < to_db(window[1]) and row["end_at"] > to_db(window[0]):
                _cancel(conn, store, row, f"Removed from the calendar ({name}).", None)
                result.items.append(
                    ImportItem(
                        row["id"], key[0], key[1], "removed", row["title"], from_db(row["start_at"])
                    )
                )
    return result


def _add(conn: Any, store: Store, subject_id: str, occ: Occurrence, result: ImportResult) -> None:
    activity_id = uuid7()
    stamp = store.now()
    conn.execute(
        "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
        " status, source_uid, source_recurrence, source_sequence, created_at, created_by,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?)",
        (
            activity_id,
            subject_id,
            occ.title,
            "private" if occ.private else "work",
            to_db(occ.start),
            to_db(occ.end),
            occ.location,
            occ.uid,
            occ.recurrence,
            occ.sequence,
            stamp,
            store.actor.callsign,
            stamp,
        ),
    )
    result.items.append(
        ImportItem(activity_id, occ.uid, occ.recurrence, "added", occ.title, occ.start)
    )


def _apply(
    conn: Any, store: Store, row: Any, occ: Occurrence, result: ImportResult, name: str
) -> ImportItem:
    """Bring an imported activity up to date with its event: cancelled when the event is
    (whatever its SEQUENCE, unless older), updated in place on a higher SEQUENCE."""
    stored = row["source_sequence"] or 0
    action = "unchanged"
    if row["status"] == "cancelled" or occ.sequence < stored:
        pass
    elif occ.cancelled:
        _cancel(conn, store, row, f"Cancelled in the calendar ({name}).", occ.sequence)
        action = "cancelled"
    elif occ.sequence > stored:
        moved = (to_db(occ.start), to_db(occ.end), occ.location) != (
            row["start_at"],
            row["end_at"],
            row["location"],
        )
        review = "changed_externally" if moved and row["concept"] else None
        if moved:  # the person's calendar moved it: recorded as a correction (R5)
            insert_correction(
                conn,
                store,
                row["id"],
                (row["start_at"], row["end_at"], row["location"]),
                (to_db(occ.start), to_db(occ.end), occ.location),
                f"Changed in the calendar ({name}, sequence {occ.sequence}).",
            )
        conn.execute(
            "UPDATE activity SET title = ?, kind = ?, start_at = ?, end_at = ?, location = ?,"
            " source_sequence = ?, updated_at = ?, review_reason = COALESCE(?, review_reason)"
            " WHERE id = ?",
            (
                occ.title,
                "private" if occ.private else "work",
                to_db(occ.start),
                to_db(occ.end),
                occ.location,
                occ.sequence,
                store.now(),
                review,
                row["id"],
            ),
        )
        if review:
            result.replan.append(row["id"])
        action = "updated"
    return ImportItem(row["id"], occ.uid, occ.recurrence, action, occ.title, occ.start)


def _cancel(conn: Any, store: Store, row: Any, note: str, sequence: int | None) -> None:
    """Cancel an imported activity: a restriction (cancelled, the person's own choice, by the
    calendar, R5) and the status."""
    conn.execute(
        "INSERT INTO restriction (id, activity_id, kind, reason, authority, note, old_start_at,"
        " old_end_at, recorded_at, recorded_by, device)"
        " VALUES (?, ?, 'cancelled', 'tbp_choice', ?, ?, ?, ?, ?, ?, ?)",
        (
            uuid7(),
            row["id"],
            CALENDAR_AUTHORITY,
            note,
            row["start_at"],
            row["end_at"],
            store.now(),
            store.actor.callsign,
            store.device_id,
        ),
    )
    conn.execute(
        "UPDATE activity SET status = 'cancelled', source_sequence = COALESCE(?, source_sequence),"
        " updated_at = ? WHERE id = ?",
        (sequence, store.now(), row["id"]),
    )
