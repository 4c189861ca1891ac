"""A RANGE=THISANDFUTURE change whose shift spans a clock change (issue 16, rev16m, HIGH): the
shift was undone in UTC while recurring-ical-events shifts by wall time in the series' zone, so
every later occurrence got a recurrence id an hour off. A later change of such an occurrence
then cancelled the planned activity ("removed from the calendar") and added a new one, and a
change whose RECURRENCE-ID is the moved time became an extra activity. Right: one shift
arithmetic, the library's, for Schildwacht's keys too — both clock changes, any zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.clock import to_db
from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import bever

__all__ = ["bever"]

# (zone, a Tuesday): the series' second occurrence is moved to the Monday after it (+6 days,
# across the clock change), and so every later one
CASES = [
    ("Europe/Amsterdam", date(2027, 3, 16)),  # spring: 28 March
    ("Europe/Amsterdam", date(2027, 10, 19)),  # autumn: 31 October
    ("America/New_York", date(2027, 3, 2)),  # spring: 14 March
    ("America/New_York", date(2027, 10, 26)),  # autumn: 7 November
]


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _file(tmp_path: Path, zone: str, tuesday: date, extra: list[str]) -> Path:
    moved, into = tuesday + timedelta(days=7), tuesday + timedelta(days=13)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN", "X-WR-CALNAME:Werk",
        "BEGIN:VEVENT", "UID:dst@x", "DTSTAMP:20270101T000000Z", "SUMMARY:Overleg",
        f"DTSTART;TZID={zone}:{_day(tuesday)}T100000", f"DTEND;TZID={zone}:{_day(tuesday)}T110000",
        "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT",
        "BEGIN:VEVENT", "UID:dst@x", "DTSTAMP:20270101T000000Z", "SUMMARY:Maandag",
        f"RECURRENCE-ID;RANGE=THISANDFUTURE;TZID={zone}:{_day(moved)}T100000",
        f"DTSTART;TZID={zone}:{_day(into)}T100000", f"DTEND;TZID={zone}:{_day(into)}T110000",
        "END:VEVENT", *extra, "END:VCALENDAR",
    ]  # fmt: skip
    path = tmp_path / "dst.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _change(zone: str, rid: date, to: date, hour: int) -> list[str]:
    """An override of the occurrence ``rid`` (10:00) moving it to ``to`` at ``hour``."""
    return [
        "BEGIN:VEVENT", "UID:dst@x", "DTSTAMP:20270201T000000Z", "SUMMARY:Middag",
        f"RECURRENCE-ID;TZID={zone}:{_day(rid)}T100000",
        f"DTSTART;TZID={zone}:{_day(to)}T{hour}0000",
        f"DTEND;TZID={zone}:{_day(to)}T{hour + 1}0000",
        "END:VEVENT",
    ]  # fmt: skip


def _window(tuesday: date) -> dict[str, date]:
    return {"start": tuesday - timedelta(days=3), "end": tuesday + timedelta(days=40)}


def _at(zone: str, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(("zone", "tuesday"), CASES)
def test_a_later_occurrence_keeps_its_own_recurrence_id(
    bever: Store, tmp_path: Path, zone: str, tuesday: date
) -> None:
    """The third occurrence (Tuesday two weeks on, 10:00 there) is moved to the Monday after:
    its key is its own original instant, and a later change of it by that id updates it."""
    third, monday = tuesday + timedelta(days=14), tuesday + timedelta(days=20)
    first = import_ics(
        bever, _file(tmp_path, zone, tuesday, []), person="BEVER", **_window(tuesday)
    )
    keys = {item.start: item.recurrence for item in first.items}
    assert keys[_at(zone, monday, 10)] == to_db(_at(zone, third, 10))
    changed = _file(tmp_path, zone, tuesday, _change(zone, third, monday, 14))
    second = import_ics(bever, changed, person="BEVER", **_window(tuesday))
    counts = {action: second.count(action) for action in ("added", "updated", "removed")}
    assert counts == {"added": 0, "updated": 1, "removed": 0}
    assert second.count("cancelled") == 0


@pytest.mark.parametrize(("zone", "tuesday"), CASES)
def test_a_change_naming_the_moved_time_is_that_occurrence(
    bever: Store, tmp_path: Path, zone: str, tuesday: date
) -> None:
    """A change whose RECURRENCE-ID is the moved time (some programs write that) is read as the
    change of that occurrence: four activities, never an extra one."""
    monday = tuesday + timedelta(days=20)
    path = _file(tmp_path, zone, tuesday, _change(zone, monday, monday, 15))
    result = import_ics(bever, path, person="BEVER", **_window(tuesday))
    starts = sorted((item.start, item.title) for item in result.items)
    assert len(starts) == 4
    assert (_at(zone, monday, 15), "Middag") in starts
    assert all(start != _at(zone, monday, 10) for start, _title in starts)
