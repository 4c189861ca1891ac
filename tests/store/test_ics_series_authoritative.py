"""A series in the file is authoritative for its own UID, whether or not the file names a
calendar (issue 16, fresh review F3): a series shortened (COUNT 4 → 2) or moved to another
weekday without a SEQUENCE bump, re-imported from a file that names no calendar, kept its
dropped occurrences planned and the receipt said "unchanged". Right: they are cancelled as
removed from the series, as with a SEQUENCE bump; an older copy of the series changes nothing."""

from __future__ import annotations

from pathlib import Path

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import MARCH, agenda_of, bever

__all__ = ["bever"]


def _file(tmp_path: Path, name: str, start: str, count: int, stamp: str) -> Path:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0//EN",
        "BEGIN:VEVENT", "UID:series@x", f"DTSTART;TZID=Europe/Amsterdam:{start}",
        "DURATION:PT1H", f"RRULE:FREQ=WEEKLY;COUNT={count}", f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}", "SEQUENCE:0", "SUMMARY:Overleg", "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _days(store: Store) -> list[tuple[str, str]]:
    return [(start[:10], status) for _t, start, _e, _k, status in agenda_of(store)]


def test_a_shortened_series_without_a_sequence_bump_removes_its_dropped_occurrences(
    bever: Store, tmp_path: Path
) -> None:
    stamp = "20270201T000000Z"  # Outlook's "Save as iCalendar": the same stamp, no bump
    import_ics(
        bever, _file(tmp_path, "a.ics", "20270301T100000", 4, stamp), person="BEVER", **MARCH
    )
    result = import_ics(
        bever, _file(tmp_path, "b.ics", "20270301T100000", 2, stamp), person="BEVER", **MARCH
    )
    assert result.calendar is None and result.removed == 2 and result.unchanged == 2
    assert _days(bever) == [
        ("2027-03-01", "planned"),
        ("2027-03-08", "planned"),
        ("2027-03-15", "cancelled"),
        ("2027-03-22", "cancelled"),
    ]


def test_a_series_moved_to_another_weekday_replaces_the_old_days(
    bever: Store, tmp_path: Path
) -> None:
    tuesday = _file(tmp_path, "tue.ics", "20270302T100000", 3, "20270201T000000Z")
    wednesday = _file(tmp_path, "wed.ics", "20270303T100000", 3, "20270202T000000Z")
    import_ics(bever, tuesday, person="BEVER", **MARCH)
    result = import_ics(bever, wednesday, person="BEVER", **MARCH)
    assert (result.added, result.removed) == (3, 3)
    planned = [day for day, status in _days(bever) if status == "planned"]
    assert planned == ["2027-03-03", "2027-03-10", "2027-03-17"]
    # the older copy (Tuesdays) imported again changes nothing
    again = import_ics(bever, tuesday, person="BEVER", **MARCH)
    assert (again.added, again.removed, again.reinstated) == (0, 0, 0)
    assert [day for day, status in _days(bever) if status == "planned"] == planned
