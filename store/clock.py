"""Time, in one place.

Times are stored as UTC text (``YYYY-MM-DDTHH:MM:SSZ``, which sorts), typed and shown in
Europe/Amsterdam. A local wall-clock time that does not exist (the spring-forward hour) or that
occurs twice (the fall-back hour) is refused with a message asking for an explicit offset; it is
never silently guessed. Elapsed hours are real hours: a 22:00–07:00 night across the October
change is 10 hours, across the March change 8.

A ``Clock`` is injected into the store so tests run at a fixed moment.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from . import validate
from .errors import BadInput

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Protocol
else:  # a protocol is the type checker's: at run time, a plain base class
    Protocol = object

#: meta key (and field of the first audit event) saying how a database was created: "fixed"
#: (a standing clock: tests, reproducible demos) or "system". Only a "fixed" database honours
#: a fixed clock from the environment (SCHILDWACHT_NOW).
CLOCK_KEY = "clock"
LOCAL_TZ_NAME = "Europe/Amsterdam"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
_DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
#: The exact shape ``_DB_FORMAT`` writes: ``strptime`` alone also reads a space-padded or
#: one-digit field ('2026-12- 2T07:00:00Z', rev14t M3), which sorts as another time in SQL.
_DB_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_HHMM = r"(?P<h>[0-9]{2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?"
#: Local wall-clock forms: ``YYYY-MM-DD HH:MM``, ``YYYY-MM-DDTHH:MM`` and ``today HH:MM``
#: (seconds optional), read in Europe/Amsterdam.
_LOCAL_RE = validate.later(rf"^(?P<date>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})(?:t| +){_HHMM}\Z")
_WORD_RE = validate.later(rf"^(?P<word>today|tomorrow|yesterday) +{_HHMM}\Z")
#: ISO-8601 with an offset: ``YYYY-MM-DDTHH:MM[:SS[.fffffffff]]`` and ``Z`` or ``±HH:MM`` (a
#: fraction to nanoseconds, as other systems write it, is dropped).
_OFFSET_RE = validate.later(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[t ](?P<h>[0-9]{2}):(?P<m>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?)?"
    r"(?:(?P<z>z)|(?P<sign>[+-])(?P<oh>[0-9]{2}):(?P<om>[0-9]{2}))\Z"
)
_DATE_RE = validate.later(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_HHMM_RE = validate.later(r"^[0-9]{2}:[0-9]{2}\Z")
#: A day-first date (``06-10-2025``): refused, pointing at the year-first form.
_DAY_FIRST_RE = validate.later(r"^([0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4})(?:$|[ t])")
#: No time zone on earth is further from UTC than this; ISO-8601 offsets stay within it.
MAX_OFFSET = timedelta(hours=18)
_A_DAY = timedelta(days=1)
_A_WEEK = timedelta(days=7)
TIME_FORMS = (
    "'YYYY-MM-DD HH:MM' or 'YYYY-MM-DDTHH:MM' (Europe/Amsterdam), 'today HH:MM', "
    "'tomorrow HH:MM', or ISO-8601 with an offset such as 2026-11-28T14:00+01:00"
)


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The time now, aware UTC.

        Returns:
            An aware ``datetime`` in UTC.
        """
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The system's time now, aware UTC, to the whole second.

        Returns:
            ``datetime.now(UTC)`` without its microseconds.
        """
        return datetime.now(UTC).replace(microsecond=0)


@dataclass
class FixedClock:
    """A clock that stands still until moved; for tests and reproducible demos."""

    at: datetime = field(default_factory=lambda: datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        """The fixed time (``at``), aware UTC.

        Returns:
            ``at``, the same on every call until it is changed.
        """
        return self.at

    def advance(self, **delta: float) -> None:
        """Move the fixed time on by ``timedelta(**delta)`` (``hours=2``).

        Args:
            **delta: a ``timedelta``'s keywords (``hours=2``, ``minutes=-5``).
        """
        self.at = self.at + timedelta(**delta)


def to_db(moment: datetime) -> str:
    """Format an aware datetime as stored UTC text.

    Args:
        moment: an aware datetime (any zone).

    Returns:
        UTC text ``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds).

    Raises:
        ValueError: a naive datetime (a programming error, not input).
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    # isoformat pads the year to four digits, where strftime would write year 1 as "1".
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def epoch_ms(moment: datetime) -> int:
    """An aware datetime as whole milliseconds since 1970-01-01 UTC: the wall part of the sync
    clock's stamps (a hybrid logical clock), the one edge where a time is a number.

    Args:
        moment: an aware datetime.

    Returns:
        Whole milliseconds since the epoch (UTC).
    """
    return int(moment.timestamp() * 1000)


def from_epoch_ms(ms: int) -> datetime:
    """Whole milliseconds since the epoch (the wall part of a sync stamp) as an aware UTC
    datetime: ``epoch_ms``'s inverse.

    Args:
        ms: milliseconds since 1970-01-01 UTC.

    Returns:
        The aware UTC datetime (to the millisecond).
    """
    return datetime.fromtimestamp(ms / 1000, UTC)


def epoch_seconds(moment: datetime) -> int:
    """An aware datetime as whole seconds since 1970-01-01 UTC: the unit of the gap sweep's
    demand and supply (``gaps.Need``, ``gaps.Duty``), the other edge where a time is a number.

    Args:
        moment: an aware datetime.

    Returns:
        Whole seconds since the epoch (UTC), any fraction dropped.
    """
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    """Seconds since the epoch (the gap sweep's unit) as an aware UTC datetime:
    ``epoch_seconds``'s inverse.

    Args:
        seconds: seconds since 1970-01-01 UTC.

    Returns:
        The aware UTC datetime.
    """
    return datetime.fromtimestamp(seconds, UTC)


class StoredTimeDamaged(sqlite3.DatabaseError, ValueError):
    """A stored time in a form the store never writes (raw SQL, or bytes overwritten): read as
    damage (``machine.is_damage``: exit 5, naming the column), and still a ``ValueError`` for
    code that reads a time from a bundle or a fact with ``from_db`` and refuses it itself."""

    held: object = None  # what was stored
    column: str = ""  # ``table.column`` when the reader knew it


#: How ``StoredTimeDamaged`` says what it found; ``machine`` reads the column and the text.
STORED_TIME_WORDS = "database disk image is malformed: stored time in a form never written"


def stored_time_damaged(held: object, column: str = "") -> StoredTimeDamaged:
    """The error for a stored time in a form the store never writes.

    Args:
        held: what was stored (a text, a number, None).
        column: the column (``table.column``) when the reader knows it, else "" (the words
            then look it up: ``machine.machine_fault``).

    Returns:
        The error to raise.
    """
    shown_held = validate.shown(str(held), limit=40) if held is not None else "NULL"
    error = StoredTimeDamaged(f"{STORED_TIME_WORDS}: column '{column}' holds {shown_held}")
    error.held, error.column = held, column
    return error


def utc_text(text: str) -> datetime:
    """UTC text in the stored form, of any year Python reads: a bundle's value that a refusal
    names (outside the range: said in Amsterdam time). Stored times read with ``from_db``.

    Args:
        text: ``YYYY-MM-DDTHH:MM:SSZ``.

    Returns:
        The aware UTC datetime.

    Raises:
        ValueError: text in another form.
    """
    return datetime.strptime(text, _DB_FORMAT).replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def from_db(text: str) -> datetime:
    """Parse stored UTC text into an aware UTC datetime: the one reading of a stored time (the
    same few thousand times recur: remembered, as ``strptime`` is slow and a datetime never
    changes). Only the form the store writes is read: ``YYYY-MM-DDTHH:MM:SSZ`` from 1969 to 2100
    (``to_db`` of a time within the range, ``validate``); anything else is damage (rev14s M3:
    '2026-12-02 10:00', an offset, year 1 were exit 1).

    Args:
        text: stored UTC text ``YYYY-MM-DDTHH:MM:SSZ``.

    Returns:
        The aware UTC datetime.

    Raises:
        sqlite3.DatabaseError: anything else (``StoredTimeDamaged``, a ``ValueError`` too): the
            database is damaged, as a driver error says it (rows are checked when written).
    """
    if type(text) is not str or not _DB_SHAPE.fullmatch(text) or not "1969" <= text[:4] <= "2100":
        raise stored_time_damaged(text)
    try:
        return datetime.strptime(text, _DB_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise stored_time_damaged(text) from None


def epochs_read(rows: list[Any], column: str, *at: int) -> list[Any]:
    """Rows whose values at the positions ``at`` are SQLite's ``unixepoch`` of stored times
    (the gap sweep reads times as numbers): a NULL there is a stored time SQLite cannot read,
    refused as damage naming ``column`` (rev14s M3: exit 1, a TypeError in the sweep).

    Args:
        rows: the rows, as ``Store.tuples`` returns them.
        column: what the times are, for the words (``activity.start_at/end_at``).
        at: the positions of the epochs in each row.

    Returns:
        ``rows``, unchanged.

    Raises:
        sqlite3.DatabaseError: a NULL among them (``StoredTimeDamaged``): the database is
            damaged, as a driver error says it.
    """
    from operator import itemgetter

    for index in at:
        if None in map(itemgetter(index), rows):
            raise stored_time_damaged(None, column)
    return rows


def json_times(value: Any, as_text: Callable[[datetime], str | None] = to_db) -> Any:
    """A record's facts as JSON carries them: aware datetimes as stored UTC text (``to_db``),
    inside lists, tuples and dicts too; any other value as it is. For facts that are
    hashed or written for scripts (a deployment problem in a suggestion's token or JSON).

    Args:
        value: a datetime, a list, tuple or dict of values, or any JSON value.
        as_text: how a time is written (``local_iso`` where a document has always carried
            the Amsterdam offset, as a signed handover's own times do).

    Returns:
        The same structure with its times as text (tuples as lists, keys as text).
    """
    if isinstance(value, datetime):
        return as_text(value)
    if isinstance(value, dict):
        return {str(k): json_times(v, as_text) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_times(v, as_text) for v in value]
    return value


def with_times(row: Any, *columns: str) -> dict[str, Any]:
    """A database row as a dict whose named columns (stored UTC text, or NULL) are aware UTC
    datetimes (or None): how a record is made from its row.

    Args:
        row: a ``sqlite3.Row`` (or any mapping).
        *columns: the names of its time columns.

    Returns:
        The row as a new dict, those columns as aware UTC datetimes or None.
    """
    values = dict(row)
    for column in columns:
        if values[column] is not None:
            values[column] = from_db(values[column])
    return values


def local(moment: datetime) -> datetime:
    """The moment in Europe/Amsterdam.

    Args:
        moment: an aware datetime (stored text is converted once, by ``from_db``).

    Returns:
        The same moment as an aware Europe/Amsterdam datetime.
    """
    return moment.astimezone(LOCAL_TZ)


def local_iso(moment: datetime | None) -> str | None:
    """ISO-8601 with the Amsterdam offset, as scripts receive it: ``2026-11-28T14:00:00+01:00``.

    Args:
        moment: an aware datetime, or None.

    Returns:
        The text, or None for None.
    """
    if moment is None:
        return None
    return validate.local_iso(moment)


def local_text(moment: datetime | None, *, with_date: bool = True) -> str:
    """A short human form: ``2026-11-28 14:00`` (or ``14:00``).

    Args:
        moment: an aware datetime, or None.
        with_date: include the local date.

    Returns:
        The Europe/Amsterdam wall-clock text, or "" for None.
    """
    if moment is None:
        return ""
    value = local(moment)
    if not with_date:
        return f"{value:%H:%M}"
    return f"{value.year:04d}-{value:%m-%d %H:%M}"  # a year before 1000 with its four digits


def local_span(start: datetime, end: datetime) -> str:
    """A span as people read it, in Europe/Amsterdam: ``2026-12-01 22:00–23:00``.

    Args:
        start: an aware datetime.
        end: the same, after ``start``.

    Returns:
        The start's date and minute, and the end's minute; an end after the next midnight
        gives its date too (``2026-12-01 23:00–2026-12-02 01:00``), one at midnight does not
        (``2026-12-01 23:00–00:00``). A time in the hour the autumn change repeats shows its
        offset, as ``gaps`` does (``2027-10-31 02:00+02:00–02:00+01:00``). A time with seconds
        shows them (``12:30:30``), so a correction of seconds reads as one (rev16o).
    """
    first, last = local(start), local(end)
    clock = "%H:%M:%S" if first.second or last.second else "%H:%M"
    day, at = f"%Y-%m-%d {clock}", clock
    if (last - timedelta(minutes=1)).date() != first.date():
        return f"{first.strftime(day)}{_fold(first)}–{last.strftime(day)}{_fold(last)}"
    return f"{first.strftime(day)}{_fold(first)}–{last.strftime(at)}{_fold(last)}"


def _fold(moment: datetime) -> str:
    """The local moment's offset (``+02:00``) when its wall time is read twice (the autumn
    change repeats an hour); else nothing."""
    if moment.replace(fold=1 - moment.fold).utcoffset() == moment.utcoffset():
        return ""
    return moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]


def day_moment(moment: datetime, day: date, *, end: bool = False) -> str:
    """A moment as read on the local ``day``: ``14:00`` on that day, ``12-01 05:30`` on another
    day of the week around it, ``2027-02-01 01:00`` further away; in the autumn night's repeated
    hour with its offset.

    Args:
        moment: an aware datetime.
        day: the Europe/Amsterdam date the moment is shown for.
        end: the moment ends a span: the next midnight reads ``00:00`` (the day's end).

    Returns:
        The Europe/Amsterdam text; a time in the hour the autumn change repeats carries its
        offset in hours (``02:30+02``, then ``02:30+01``: ISO 8601's short form, so a span of
        that hour, ``02:30+02–02:30+01``, fits a table's time column of 17 cells).
    """
    value = local(moment)
    on = (value - timedelta(minutes=1)).date() if end else value.date()
    if on == day or (end and value.date() == day):
        return f"{value:%H:%M}{_fold(value)[:3]}"
    if abs(value.date() - day) <= _A_WEEK:  # across New Year too: 12-31 next to 01-01
        return f"{value:%m-%d %H:%M}{_fold(value)[:3]}"
    return f"{value:%Y-%m-%d %H:%M}{_fold(value)[:3]}"


def day_span(
    start: datetime, end: datetime, day: date | None = None, *, short: bool = False
) -> str:
    """A span as read on one local day: ``06:00–07:00``; a start or an end on another day
    carries its date (``22:00–12-02 01:00``, ``11-30 22:00–01:00``), so an activity over
    several days never reads as a span of that day alone.

    Args:
        start: an aware datetime.
        end: an aware datetime, after ``start``.
        day: the Europe/Amsterdam date shown (default: the start's).
        short: for a narrow cell: on a day wholly inside the span, the start's date without
            its hour (``11-28–12-01 05:30``); the start's own day shows its hour.

    Returns:
        The text.
    """
    first = local(start)
    shown = first.date() if day is None else day
    head, tail = day_moment(first, shown), day_moment(end, shown, end=True)
    if short and first.date() != shown and "-" in tail:
        head = head.partition(" ")[0]  # the day lies wholly inside: the start's date will do
    return f"{head}–{tail}"


def require_order(start: datetime, end: datetime, what: str, **facts: object) -> None:
    """Refuse an end that is not after the start, saying which and how to fix it:
    ``period ends 2026-12-01 11:00, not after its start 2026-12-01 11:30; …``.

    Args:
        start: aware datetime.
        end: aware datetime.
        what: what the two bound, a code a face names (``"period"``, ``"shift"``).
        facts: more params for the refusal (a shift's ``callsign``).

    Raises:
        BadInput: ``end_not_after_start_period`` when ``end <= start``; its ``start`` and
            ``end`` are the two datetimes.
    """
    if end <= start:
        raise BadInput(code="end_not_after_start_period", what=what, end=end, start=start, **facts)


def told_apart(moment: datetime) -> str:
    """``local_text``, with the offset when the wall-clock time occurs twice (the night the
    clocks go back): ``2027-10-31 02:50+01:00`` is not ``2027-10-31 02:50+02:00``.

    Args:
        moment: an aware datetime.

    Returns:
        The Europe/Amsterdam text.
    """
    value = local(moment)
    if value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset():
        return local_text(value)
    offset = value.strftime("%z")
    return f"{local_text(value)}{offset[:3]}:{offset[3:]}"


def today(clock: Clock) -> date:
    """The local date now.

    Args:
        clock: the store's clock.

    Returns:
        Today's date in Europe/Amsterdam.
    """
    return local(clock.now()).date()


def parse_date(text: str, clock: Clock) -> date:
    """Parse ``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``yesterday`` (local); the day must
    lie between 1970-01-01 and 2099-12-31.

    Args:
        text: the date as typed.
        clock: the store's clock (for the words).

    Returns:
        The local calendar date.

    Raises:
        BadInput: ``not_a_date``, ``not_a_real_date`` or ``date_outside_years``.
    """
    word = validate.trimmed(text).lower()
    if word in _WORDS:
        day = today(clock) + timedelta(days=_WORDS[word])
    elif _DATE_RE.match(word):
        day = _real_date(word, text)
    else:
        raise BadInput(code="not_a_date", given=validate.shown(text), hint=_hint(word))
    try:
        return validate.day(day, "date")
    except BadInput:
        raise _out_of_range(text, "date") from None


def _real_date(digits: str, original: str) -> date:
    try:
        return date.fromisoformat(digits)
    except ValueError:
        raise BadInput(code="not_a_real_date", given=validate.shown(original)) from None


def _hint(text: str) -> str:
    """What to change in a refused time or date: a blank that is not a plain space (a no-break
    space looks like one), else a day-first date."""
    blank = next((c for c in text if c.isspace() and c != " "), None)
    if blank is not None:
        return f" (it holds U+{ord(blank):04X}, which is not a plain space)"
    return _day_first_hint(text)


def _day_first_hint(text: str) -> str:
    """The typed day-first date, written the way it is accepted (31-12-2026 → 2026-12-31)."""
    found = _DAY_FIRST_RE.match(text)
    if not found:
        return ""
    typed = found.group(1)
    day, month, year = re.split(r"[-/.]", typed)
    if len(year) == 4:
        return f" (the year comes first: {typed} is written {year}-{month:0>2}-{day:0>2})"
    return " (the year comes first, in four digits: 06-10-2025 is written 2025-10-06)"


def _out_of_range(text: str, what: str = "time") -> BadInput:
    earliest, latest = validate.EARLIEST_DAY.isoformat(), validate.LATEST_DAY.isoformat()
    return BadInput(
        code="date_outside_years" if what == "date" else "time_outside_years",
        given=validate.shown(text),
        earliest=earliest,
        latest=latest,
    )


def local_to_utc(day: date, hour: int, minute: int, *, original: str | None = None) -> datetime:
    """Turn a local wall-clock time into UTC, refusing nonexistent and ambiguous times.

    Args:
        day: the Europe/Amsterdam date.
        hour: 0-23.
        minute: 0-59.
        original: the text as typed, for the refusal.

    Returns:
        The aware UTC datetime.

    Raises:
        BadInput: ``not_a_time_of_day``; ``skipped_local_time`` (the spring clock change) or
            ``repeated_local_time`` (the autumn one: give an offset).
    """
    return _local_to_utc(day, hour, minute, 0, original)


def _local_to_utc(day: date, hour: int, minute: int, second: int, original: str | None) -> datetime:
    shown = validate.shown(original or f"{day.isoformat()} {hour:02d}:{minute:02d}")
    try:
        naive = datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        raise BadInput(code="not_a_time_of_day", shown=shown) from None
    first = naive.replace(tzinfo=LOCAL_TZ, fold=0)
    second_reading = naive.replace(tzinfo=LOCAL_TZ, fold=1)
    if first.utcoffset() != second_reading.utcoffset():
        stamp = f"{day.isoformat()}T{hour:02d}:{minute:02d}"
        round_trip = first.astimezone(UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)
        if round_trip != naive:
            raise BadInput(code="skipped_local_time", shown=shown, stamp=stamp, offset="+01:00")
        raise BadInput(code="repeated_local_time", shown=shown, stamp=stamp)
    return first.astimezone(UTC)


def days_later(start: datetime, end: datetime, days: int) -> tuple[datetime, datetime]:
    """The span ``start`` … ``end`` ``days`` days later at the same Europe/Amsterdam wall-clock
    times, across a clock change (10:00–12:00 stays 10:00–12:00). A wall-clock time the clocks
    skip that day reads as the time after the skip (02:30 is 03:30 summer time), one they
    repeat as its first reading; a span that would then be empty keeps its length.

    Args:
        start: an aware time.
        end: an aware time after it.
        days: how many days later.

    Returns:
        ``(start, end)`` as aware UTC datetimes.
    """
    first, last = local(start), local(end)
    moved = (first.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=LOCAL_TZ)
    until = (last.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=LOCAL_TZ)
    a, b = moved.astimezone(UTC), until.astimezone(UTC)
    if b <= a:
        b = a + (end - start)
    return a, b


def parse_time(text: str, clock: Clock) -> datetime:
    """Parse a time typed by a person or a script into an aware UTC datetime.

    Accepts exactly: ``YYYY-MM-DD HH:MM`` and ``YYYY-MM-DDTHH:MM`` (Europe/Amsterdam; seconds
    optional), ``today HH:MM`` / ``tomorrow HH:MM`` / ``yesterday HH:MM``, and ISO-8601 with
    an explicit offset (``2026-10-25T02:30+01:00``, ``…Z``; at most ±18:00; one space may
    stand for the ``T``, as RFC 3339 allows and as ``local_span`` writes a repeated hour).
    Letters in either case. The time must fall between 1970-01-01 and 2099-12-31. Anything
    else is refused, never guessed (README, *Accepted input*).

    Args:
        text: the time as typed.
        clock: the store's clock (for ``today`` and its kin).

    Returns:
        The aware UTC datetime.

    Raises:
        BadInput: ``not_a_time``, ``date_without_hour``, ``not_a_time_of_day``,
            ``skipped_local_time``, ``repeated_local_time``, ``offset_out_of_range`` or
            ``time_outside_years``.
    """
    raw = validate.trimmed(text)
    lowered = raw.lower()
    offset = _OFFSET_RE.match(lowered)
    local_match = _LOCAL_RE.match(lowered) or _WORD_RE.match(lowered)
    if offset:
        moment = _with_offset(offset, text)
    elif local_match:
        groups = local_match.groupdict()
        if groups.get("word"):  # 'tomorrow 00:00' on 2099-12-31 is 2100-01-01 00:00
            day = today(clock) + timedelta(days=_WORDS[groups["word"]])
        else:
            day = _real_date(groups["date"], text)
        if not validate.EARLIEST_DAY <= day <= validate.LATEST_DAY + _A_DAY:
            raise _out_of_range(text)  # the day after: its first instant closes the range
        moment = _local_to_utc(day, int(groups["h"]), int(groups["m"]), int(groups["s"] or 0), raw)
    elif _DATE_RE.match(lowered) or lowered in _WORDS:
        raise BadInput(code="date_without_hour", given=validate.shown(text), raw=raw)
    else:
        raise BadInput(
            code="not_a_time", given=validate.shown(text), hint=_hint(lowered), forms=TIME_FORMS
        )
    try:
        return validate.moment(moment, "time")
    except BadInput:
        raise _out_of_range(text) from None


def _with_offset(match: re.Match[str], original: str) -> datetime:
    day = _real_date(match["date"], original)
    # only a bound on the written day (an offset moves it by at most a day); whether the
    # moment lies in range is validate.moment's one check for every spelling (local day)
    if not validate.EARLIEST_DAY - _A_DAY <= day <= validate.LATEST_DAY + _A_DAY:
        raise _out_of_range(original)
    if match["z"]:
        offset = timedelta(0)
    else:
        hours, minutes = int(match["oh"]), int(match["om"])
        offset = timedelta(hours=hours, minutes=minutes)
        if minutes >= 60 or offset > MAX_OFFSET:
            raise BadInput(
                code="offset_out_of_range",
                given=validate.shown(original),
                sign=match["sign"],
                hours=match["oh"],
                minutes=match["om"],
            )
        if match["sign"] == "-":
            offset = -offset
    try:
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(match["h"]),
            int(match["m"]),
            int(match["s"] or 0),  # a fraction of a second is dropped, as in storage
            tzinfo=timezone(offset),
        )
    except ValueError:
        raise BadInput(code="not_a_time_of_day", shown=validate.shown(original)) from None
    return moment.astimezone(UTC)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day (23 or 25 hours on change days).

    Args:
        day: the Europe/Amsterdam date.

    Returns:
        ``(start, end)``: aware UTC datetimes, end exclusive (the next local midnight).
    """
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end


def iso_week(day: date) -> str:
    """The ISO-8601 week of a local date, ``YYYY-Www``: weeks start on Monday and belong to the
    year of their Thursday, so 2026-12-31 is ``2026-W53`` and 2029-12-31 is ``2030-W01``.

    Args:
        day: the local date.

    Returns:
        The week as text.
    """
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def hours_between(start: datetime, end: datetime) -> float:
    """Real elapsed hours between two moments (a clock change counts as it happened).

    Args:
        start: an aware datetime.
        end: the same.

    Returns:
        Hours, as a float (negative when ``end`` is before ``start``).
    """
    return (end - start).total_seconds() / 3600


def parse_time_on(text: str, day: date, clock: Clock, *, bare: str = "") -> datetime:
    """Like ``parse_time``, but a bare ``HH:MM`` means that time on ``day``.

    Args:
        text: the time as typed.
        day: the local date a bare ``HH:MM`` falls on.
        clock: the store's clock.
        bare: how a form says where a bare ``HH:MM`` falls (``on the board's day``); the
            ``not_a_time`` refusal lists it first among the forms it takes.

    Returns:
        The aware UTC datetime.

    Raises:
        BadInput: as ``parse_time``.
    """
    raw = validate.trimmed(text)
    if _HHMM_RE.match(raw):
        raw = f"{day.isoformat()} {raw}"
    try:
        return parse_time(raw, clock)
    except BadInput as refused:
        if refused.code != "not_a_time":
            raise
        forms = f"'HH:MM' ({bare or f'on {day.isoformat()}'}), {TIME_FORMS}"
        hint = refused.params.get("hint", "")
        raise BadInput(
            code="not_a_time", given=validate.shown(text), hint=hint, forms=forms
        ) from None


def parse_past_time(text: str, clock: Clock) -> datetime:
    """Like ``parse_time``, for a moment that has passed (when something was seen): a bare
    ``HH:MM`` is the last such time, today, or yesterday when today's is later than now
    (23:50 typed at 00:10 is yesterday's 23:50, not a moment 23 hours and 40 minutes ahead).
    On a clock-change night a time read twice is the reading already past when only one is;
    a time the clocks skip, or read twice, with no reading past yet is yesterday's.

    Args:
        text: the time as typed.
        clock: the store's clock.

    Returns:
        The aware UTC datetime (a time with its date as it is typed, even one ahead: the
        caller refuses what may not lie ahead).

    Raises:
        BadInput: as ``parse_time``; ``not_a_time`` lists a bare ``HH:MM`` first;
            ``repeated_local_time`` when both readings are past, ``skipped_local_time`` (its
            ``offset`` one that is past) when one is.
    """
    day = today(clock)
    bare = "today, or yesterday when later than now"
    if not _HHMM_RE.match(validate.trimmed(text)):
        return parse_time_on(text, day, clock, bare=bare)
    try:
        moment = parse_time_on(text, day, clock, bare=bare)
    except BadInput as refused:
        if refused.code not in {"skipped_local_time", "repeated_local_time"}:
            raise
        moment = _past_reading(refused, validate.trimmed(text), day, clock.now())
    if moment > clock.now():
        moment = parse_time_on(text, day - _A_DAY, clock, bare=bare)
    return moment


def _past_reading(refused: BadInput, typed: str, day: date, now: datetime) -> datetime:
    """A bare ``HH:MM`` on a clock-change night (rev17n f6): the autumn night's time read twice
    is the one reading already past when only one is; none past (or the spring night's skipped
    time before the clocks jump past it, though its summer-time reading is a moment past:
    rev17p) gives a moment ahead, so the caller takes yesterday's. Otherwise ``refused``
    stands, its hint never a moment ahead: the spring night's skipped time suggests the offset
    that is past."""
    naive = datetime.combine(day, datetime.strptime(typed, "%H:%M").time())
    readings = [naive.replace(tzinfo=LOCAL_TZ, fold=fold) for fold in (0, 1)]
    past = [reading for reading in readings if reading.astimezone(UTC) <= now]
    if (
        refused.code == "skipped_local_time"
        and now.astimezone(LOCAL_TZ).replace(tzinfo=None) < naive
    ):
        past = []  # the clocks have not jumped past it yet (rev17p: 02:10 at 01:20 CET)
    if not past:
        return max(reading.astimezone(UTC) for reading in readings)  # ahead: yesterday's
    if refused.code == "repeated_local_time":
        if len(past) == 1:
            return past[0].astimezone(UTC)
        raise refused
    summer = past[0].utcoffset() == timedelta(hours=2)  # Amsterdam: +01:00 or +02:00 only
    raise BadInput(
        code="skipped_local_time",
        shown=refused.params["shown"],
        stamp=refused.params["stamp"],
        offset="+02:00" if summer else "+01:00",
    ) from None


#: The longest span, in real time, that a bare end (a time without a date) not after its start
#: may make by falling on the next day: 23:00–01:30 is an overnight activity, 16:00–15:00 is a
#: typo, not a 23-hour activity. A longer span needs the end typed with its date.
OVERNIGHT_BARE_END = timedelta(hours=12)
_BARE_END = "on the start's day, or the next day within 12 hours"


def _clock_change(start: datetime, end: datetime) -> str:
    """How the clocks change between two moments: ``back`` (the night is an hour longer in
    real time than on the clock), ``forward`` (shorter), or ``''`` (no change between them)."""
    wall = local(end).replace(tzinfo=None) - local(start).replace(tzinfo=None)
    real = end - start
    if real > wall:
        return "back"
    if real < wall:
        return "forward"
    return ""


def _hours(span: timedelta) -> str:
    """A span in hours as a refusal says it (``13``, ``12.5``)."""
    return f"{round(span.total_seconds() / 3600, 2):g}"


def parse_end_after(text: str, start: datetime, clock: Clock, *, bare: str = "") -> datetime:
    """An end typed in a form beside ``start``: a bare ``HH:MM`` is that time on the start's
    local day; when that is not after the start it falls on the next day, but only when the
    span is then at most ``OVERNIGHT_BARE_END`` of real time (22:30 to ``01:30`` ends the next
    morning; 16:00 to ``15:00`` is refused). Any other form as ``parse_time``.

    Args:
        text: the end as typed.
        start: the span's start (aware).
        clock: the store's clock.
        bare: where a bare ``HH:MM`` falls, for the ``not_a_time`` refusal.

    Returns:
        The aware UTC datetime.

    Raises:
        BadInput: as ``parse_time``; ``bare_end_too_far`` when a bare end not after the start
            would make a span longer than ``OVERNIGHT_BARE_END`` on the next day (its
            ``given``, ``start`` and ``dated``: the end with the next day's date, to type;
            ``later``: the real hours it would be, and ``clock_change``: ``back`` or
            ``forward`` when the clocks change that night, so the clock's span and the real
            one differ, else ``''``).
    """
    day = local(start).date()
    end = parse_time_on(text, day, clock, bare=bare or _BARE_END)
    bare_text = validate.trimmed(text)
    if end > start or not _HHMM_RE.match(bare_text):
        return end
    nxt = day + timedelta(days=1)
    later = parse_time_on(text, nxt, clock)
    if later - start <= OVERNIGHT_BARE_END:
        return later
    hours = int(OVERNIGHT_BARE_END.total_seconds() // 3600)
    start_text = local(start).strftime("%H:%M")
    dated = f"{nxt.isoformat()} {bare_text}"
    change = _clock_change(start, later)
    real = _hours(later - start)
    raise BadInput(
        code="bare_end_too_far",
        given=bare_text,
        start=start_text,
        hours=hours,
        dated=dated,
        later=real,
        clock_change=change,
    )


def parse_start_before(
    text: str, day: date, end: datetime, clock: Clock, *, bare: str = ""
) -> datetime:
    """A start typed in a form whose end is already known (kept, or typed with its date): a
    bare ``HH:MM`` is that time on ``day`` (the board's day), but when the end is on a later
    day the span is then at most ``OVERNIGHT_BARE_END`` of real time, the bare end's bound
    read backwards: changing 23:00–01:30's start to ``00:30`` does not silently make a
    25-hour activity. Any other form as ``parse_time``.

    Args:
        text: the start as typed.
        day: the local date a bare ``HH:MM`` falls on.
        end: the span's end (aware).
        clock: the store's clock.
        bare: where a bare ``HH:MM`` falls, for the ``not_a_time`` refusal.

    Returns:
        The aware UTC datetime.

    Raises:
        BadInput: as ``parse_time``; ``bare_start_too_far`` when a bare start on ``day``
            would end on a later day more than ``OVERNIGHT_BARE_END`` later (its ``given``,
            ``day``, ``end`` (the end as the form shows it), ``later`` (real hours),
            ``hours`` (the bound), ``clock_change`` and ``dated``: the start with the end's
            date when that comes before the end, else with ``day``'s, to type).
    """
    start = parse_time_on(text, day, clock, bare=bare or f"on {day.isoformat()}")
    bare_text = validate.trimmed(text)
    if not _HHMM_RE.match(bare_text) or local(end).date() <= day:
        return start
    if end - start <= OVERNIGHT_BARE_END:
        return start
    end_day = local(end).date()
    on_end_day = parse_time_on(text, end_day, clock)
    dated = f"{(end_day if on_end_day < end else day).isoformat()} {bare_text}"
    hours = int(OVERNIGHT_BARE_END.total_seconds() // 3600)
    change = _clock_change(start, end)
    real = _hours(end - start)
    end_text = local(end).strftime("%Y-%m-%d %H:%M")
    raise BadInput(
        code="bare_start_too_far",
        given=bare_text,
        day=day.isoformat(),
        end=end_text,
        later=real,
        hours=hours,
        clock_change=change,
        dated=dated,
    )


def parse_span_on(
    start_text: str, end_text: str, day: date, clock: Clock
) -> tuple[datetime, datetime]:
    """A span typed in a form on ``day`` (the board's day), by the one bounded rule: a bare
    start is on ``day``; a bare end after the start, on its day or, within
    ``OVERNIGHT_BARE_END``, the next (``parse_end_after``); an end typed with its date is read
    first, and a bare start then within the bound of it (``parse_start_before``).

    Args:
        start_text: the start as typed.
        end_text: the end as typed.
        day: the local date a bare start falls on.
        clock: the store's clock.

    Returns:
        The start and the end, aware UTC.

    Raises:
        BadInput: as ``parse_end_after`` and ``parse_start_before``.
    """
    if _HHMM_RE.match(validate.trimmed(end_text)):
        start = parse_time_on(start_text, day, clock, bare=f"on {day.isoformat()}")
        return start, parse_end_after(end_text, start, clock)
    end = parse_time_on(end_text, day, clock, bare=_BARE_END)
    return parse_start_before(start_text, day, end, clock), end
