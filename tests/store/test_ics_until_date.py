"""An RRULE whose UNTIL is a date on a timed series (issue 16, fresh review F2): RFC 5545 wants
UNTIL of DTSTART's type, but common programs write a date; recurring-ical-events reads it as
00:00 UTC, so the occurrence on that day was dropped with no word. Right: the date includes its
whole local day — the series' own zone, a start in UTC read in Europe/Amsterdam."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import MARCH, agenda_of, bever

__all__ = ["bever"]


def _series(tmp_path: Path, start: str, until: str) -> Path:
    path = tmp_path / "weekly.ics"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN", "BEGIN:VEVENT", "UID:until@x",
        f"DTSTART{start}", "DURATION:PT1H", f"RRULE:FREQ=WEEKLY;UNTIL={until}",
        "DTSTAMP:20270201T000000Z", "SUMMARY:Weekoverleg", "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("start", "last"),
    [
        (";TZID=Europe/Amsterdam:20270301T100000", "2027-03-15T10:00:00+01:00"),
        # 10:00 in New York after its clocks changed on 14 March; 15:00 in Amsterdam
        (";TZID=America/New_York:20270301T100000", "2027-03-15T15:00:00+01:00"),
        # 20:00 in New York is 01:00 the next day in Amsterdam: its own day counts
        (";TZID=America/New_York:20270301T200000", "2027-03-16T01:00:00+01:00"),
        (":20270301T223000Z", "2027-03-15T23:30:00+01:00"),  # UTC: Amsterdam's day
        (":20270301T100000", "2027-03-15T10:00:00+01:00"),  # floating: Amsterdam
    ],
)
def test_a_date_until_includes_its_whole_local_day(
    bever: Store, tmp_path: Path, start: str, last: str
) -> None:
    import_ics(bever, _series(tmp_path, start, "20270315"), person="BEVER", **MARCH)
    starts = [start for _title, start, _end, _kind, _status in agenda_of(bever)]
    assert len(starts) == 3 and starts[-1] == last


def test_a_date_time_until_is_exact(bever: Store, tmp_path: Path) -> None:
    """UNTIL as a UTC time an hour before the third occurrence: two, as before."""
    path = _series(tmp_path, ";TZID=Europe/Amsterdam:20270301T100000", "20270315T080000Z")
    import_ics(bever, path, person="BEVER", **MARCH)
    assert len(agenda_of(bever)) == 2
