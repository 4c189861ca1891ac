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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from .errors import BadInput

#: meta key (and field of the first audit event) saying how a database was created: "fixed"
#: (a standing clock: tests, reproducible demos) or "system". Only a "fixed" database honours
#: a fixed clock from the environment (SCHILDWACHT_NOW).
CLOCK_KEY = "clock"
LOCAL_TZ_NAME = "Europe/Amsterdam"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
_DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_LOCAL_RE = re.compile(
    r"^(?:(?P<word>today|tomorrow|yesterday)|(?P<date>\d{4}-\d{2}-\d{2}))"
    r"[ T](?P<h>\d{1,2}):(?P<m>\d{2})$"
)


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)


@dataclass
class FixedClock:
    """A clock that stands still until moved; for tests and reproducible demos."""

    at: datetime = field(default_factory=lambda: datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


def to_db(moment: datetime) -> str:
    """Format an aware datetime as stored UTC text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime(_DB_FORMAT)


def from_db(text: str) -> datetime:
    """Parse stored UTC text into an aware UTC datetime."""
    return datetime.strptime(text, _DB_FORMAT).replace(tzinfo=UTC)


def local(moment: datetime | str) -> datetime:
    """The moment in Europe/Amsterdam."""
    if isinstance(moment, str):
        moment = from_db(moment)
    return moment.astimezone(LOCAL_TZ)


def local_iso(moment: datetime | str | None) -> str | None:
    """ISO-8601 with the Amsterdam offset, as scripts receive it: ``2026-11-28T14:00:00+01:00``."""
    if moment is None:
        return None
    return local(moment).isoformat()


def local_text(moment: datetime | str | None, *, with_date: bool = True) -> str:
    """A short human form: ``2026-11-28 14:00`` (or ``14:00``)."""
    if moment is None:
        return ""
    value = local(moment)
    return value.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def today(clock: Clock) -> date:
    """The local date now."""
    return local(clock.now()).date()


def parse_date(text: str, clock: Clock) -> date:
    """Parse ``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``yesterday`` (local)."""
    word = text.strip().lower()
    base = today(clock)
    offsets = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in offsets:
        return base + timedelta(days=offsets[word])
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise BadInput(f"'{text}' is not a date; use YYYY-MM-DD, 'today' or 'tomorrow'.") from None


def local_to_utc(day: date, hour: int, minute: int, *, original: str | None = None) -> datetime:
    """Turn a local wall-clock time into UTC, refusing nonexistent and ambiguous times."""
    shown = original or f"{day.isoformat()} {hour:02d}:{minute:02d}"
    try:
        naive = datetime(day.year, day.month, day.day, hour, minute)
    except ValueError:
        raise BadInput(f"'{shown}' is not a valid time of day.") from None
    first = naive.replace(tzinfo=LOCAL_TZ, fold=0)
    second = naive.replace(tzinfo=LOCAL_TZ, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)
        if round_trip != naive:
            raise BadInput(
                f"'{shown}' does not exist in Europe/Amsterdam (the clocks skip that hour for "
                "summer time); give an explicit offset, e.g. "
                f"{day.isoformat()}T{hour:02d}:{minute:02d}+01:00."
            )
        raise BadInput(
            f"'{shown}' occurs twice in Europe/Amsterdam (the clocks go back that night); "
            f"give an explicit offset: {day.isoformat()}T{hour:02d}:{minute:02d}+02:00 for the "
            f"first, {day.isoformat()}T{hour:02d}:{minute:02d}+01:00 for the second."
        )
    return first.astimezone(UTC)


def parse_time(text: str, clock: Clock) -> datetime:
    """Parse a time typed by a person or a script into an aware UTC datetime.

    Accepts ``YYYY-MM-DD HH:MM`` (Europe/Amsterdam), ``today HH:MM`` / ``tomorrow HH:MM``, or
    ISO-8601 with an explicit offset (``2026-10-25T02:30+01:00``, ``...Z``).
    """
    raw = text.strip()
    match = _LOCAL_RE.match(raw.lower())
    if match:
        day = parse_date(match["word"] or match["date"], clock)
        return local_to_utc(day, int(match["h"]), int(match["m"]), original=raw)
    if re.search(r"(Z|[+-]\d{2}:?\d{2})$", raw):
        import pendulum  # here, not at the top: scripted commands start without it

        try:
            parsed = pendulum.parse(raw, strict=False)
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            parsed = None
        if isinstance(parsed, datetime) and parsed.tzinfo is not None:
            return datetime.fromtimestamp(parsed.timestamp(), UTC)
    raise BadInput(
        f"'{text}' is not a time; use 'YYYY-MM-DD HH:MM' (Europe/Amsterdam), 'today HH:MM', "
        "or ISO-8601 with an offset such as 2026-11-28T14:00+01:00."
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day (23 or 25 hours on change days)."""
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end


def iso_week(day: date) -> str:
    """The ISO-8601 week of a local date, ``YYYY-Www``: weeks start on Monday and belong to the
    year of their Thursday, so 2026-12-31 is ``2026-W53`` and 2029-12-31 is ``2030-W01``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def hours_between(start: datetime | str, end: datetime | str) -> float:
    """Real elapsed hours between two moments."""
    a = from_db(start) if isinstance(start, str) else start
    b = from_db(end) if isinstance(end, str) else end
    return (b - a).total_seconds() / 3600


def parse_time_on(text: str, day: date, clock: Clock) -> datetime:
    """Like ``parse_time``, but a bare ``HH:MM`` means that time on ``day``."""
    raw = text.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", raw):
        raw = f"{day.isoformat()} {raw}"
    return parse_time(raw, clock)
