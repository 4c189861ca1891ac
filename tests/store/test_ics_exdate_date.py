"""An all-day EXDATE (``EXDATE;VALUE=DATE``) on a timed series (issue 16, rev16m, MED): some
programs write one. recurring-ical-events compared the occurrence's UTC date, so a series at
00:30 Amsterdam lost the occurrence of the day after; and the occurrence was reported "removed
from the calendar" instead of cancelled. Right: the date excludes the occurrences that start on
that local day in the series' own zone (as a date UNTIL includes one), reported as cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import MARCH, agenda_of, bever

__all__ = ["bever"]


def _series(tmp_path: Path, start: str, extra: list[str], name: str = "s.ics") -> Path:
    path = tmp_path / name
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN", *extra[:-1], "BEGIN:VEVENT",
        "UID:exdate@x", "DTSTAMP:20270101T000000Z", f"DTSTART{start}", "DURATION:PT1H",
        "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Dagstart", extra[-1], "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path.write_text("\r\n".join(line for line in lines if line) + "\r\n", encoding="utf-8")
    return path


# (DTSTART, the starts in Amsterdam that remain after EXDATE;VALUE=DATE:20270311)
CASES = [
    (";TZID=Europe/Amsterdam:20270310T100000", ["2027-03-10T10:00", "2027-03-12T10:00"]),
    # 23:30 UTC is 00:30 the next day in Amsterdam: a series in UTC takes Amsterdam's days
    (":20270309T233000Z", ["2027-03-10T00:30", "2027-03-12T00:30"]),
    # 20:00 in New York is 02:00 the next day in Amsterdam: the series' own zone's day
    (";TZID=America/New_York:20270310T200000", ["2027-03-11T02:00", "2027-03-13T02:00"]),
]


@pytest.mark.parametrize("header", [[], ["X-WR-CALNAME:Werk"], ["X-WR-TIMEZONE:Europe/Amsterdam"]])
@pytest.mark.parametrize(("start", "remain"), CASES)
def test_a_date_exdate_cancels_the_occurrence_of_that_local_day(
    bever: Store, tmp_path: Path, start: str, remain: list[str], header: list[str]
) -> None:
    first = import_ics(bever, _series(tmp_path, start, [*header, ""]), person="BEVER", **MARCH)
    assert first.count("added") == 3
    later = _series(tmp_path, start, [*header, "EXDATE;VALUE=DATE:20270311"], "later.ics")
    second = import_ics(bever, later, person="BEVER", **MARCH)
    counts = {a: second.count(a) for a in ("cancelled", "removed", "unchanged", "added")}
    assert counts == {"cancelled": 1, "removed": 0, "unchanged": 2, "added": 0}
    planned = [s[:16] for _t, s, _e, _k, status in agenda_of(bever) if status == "planned"]
    assert planned == remain


@pytest.mark.parametrize(("start", "remain"), CASES)
def test_a_date_exdate_in_a_first_import_leaves_that_day_out(
    bever: Store, tmp_path: Path, start: str, remain: list[str]
) -> None:
    path = _series(tmp_path, start, ["EXDATE;VALUE=DATE:20270311"])
    assert import_ics(bever, path, person="BEVER", **MARCH).count("added") == 2
    assert [s[:16] for _t, s, _e, _k, _st in agenda_of(bever)] == remain
