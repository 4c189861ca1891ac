"""A second RANGE=THISANDFUTURE change whose RECURRENCE-ID is the time the first one moved the
occurrence to, not its original time (issue 16, fresh review, LOW): the import gave 11
activities of a COUNT=10 series, two on 13 September, with no warning. Right: the id is read
as the occurrence it moved (with a warning saying so): ten activities."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import agenda_of, bever
from words.calendar import warning

__all__ = ["bever"]

SEPTEMBER = {"start": date(2027, 9, 1), "end": date(2027, 9, 30)}


def _file(tmp_path: Path, second_id: str) -> Path:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN",
        "BEGIN:VEVENT", "UID:t@x", "DTSTAMP:20270801T000000Z", "SUMMARY:Rev",
        "DTSTART:20270901T120000Z", "DTEND:20270901T130000Z",
        "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=10", "END:VEVENT",
        "BEGIN:VEVENT", "UID:t@x", "DTSTAMP:20270802T000000Z", "SEQUENCE:1", "SUMMARY:Rfirst",
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20270907T120000Z",
        "DTSTART:20270907T090000Z", "DTEND:20270907T160000Z", "END:VEVENT",
        "BEGIN:VEVENT", "UID:t@x", "DTSTAMP:20270803T000000Z", "SEQUENCE:2", "SUMMARY:Rsecond",
        f"RECURRENCE-ID;RANGE=THISANDFUTURE:{second_id}",
        "DTSTART:20270913T140000Z", "DTEND:20270913T150000Z", "END:VEVENT",
        "END:VCALENDAR",
    ]  # fmt: skip
    path = tmp_path / "taf.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


EXPECTED = [
    *(("Rev", f"2027-09-0{d}T14:00:00+02:00") for d in (1, 3, 5)),
    *(("Rfirst", f"2027-09-{d:02}T11:00:00+02:00") for d in (7, 9, 11)),
    *(("Rsecond", f"2027-09-{d}T16:00:00+02:00") for d in (13, 15, 17, 19)),
]


def test_a_second_change_naming_the_moved_time_is_read_as_that_occurrence(
    bever: Store, tmp_path: Path
) -> None:
    result = import_ics(bever, _file(tmp_path, "20270913T090000Z"), person="BEVER", **SEPTEMBER)
    assert [(t, s) for t, s, _e, _k, _st in agenda_of(bever)] == EXPECTED
    (said,) = [warning(n) for n in result.warnings]
    assert "RECURRENCE-ID 2027-09-13 11:00 is the time an earlier THISANDFUTURE change" in said
    assert said.endswith("read as the change of the occurrence of 2027-09-13 14:00.")


def test_the_original_time_gives_the_same_without_a_warning(bever: Store, tmp_path: Path) -> None:
    result = import_ics(bever, _file(tmp_path, "20270913T120000Z"), person="BEVER", **SEPTEMBER)
    assert [(t, s) for t, s, _e, _k, _st in agenda_of(bever)] == EXPECTED
    assert result.warnings == []


def test_an_id_naming_no_occurrence_is_warned_of(bever: Store, tmp_path: Path) -> None:
    result = import_ics(bever, _file(tmp_path, "20270913T100000Z"), person="BEVER", **SEPTEMBER)
    said = [warning(n) for n in result.warnings]
    assert said == [
        "VEVENT t@x (Rsecond): its RECURRENCE-ID 2027-09-13 12:00 names no occurrence of its "
        "series; check the imported occurrences around it."
    ]
