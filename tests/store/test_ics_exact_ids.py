"""A RECURRENCE-ID or EXDATE names exactly the occurrence at its instant (rev16k):
recurring-ical-events keyed every zoned time by its UTC clock time *and* its wall time, so the id
09:00 (+02:00, 07:00Z) of a twice-daily 09:00/11:00 Amsterdam series also named the untouched
11:00 (09:00Z): it was dropped silently, and the next import of the series cancelled it as
removed. Amsterdam is +02:00 in June and on 30 October 2027 until 03:00."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import local_iso
from store.db import Store
from store.ics import import_ics
from words.calendar import worded

JUNE = {"start": date(2027, 6, 1), "end": date(2027, 6, 5)}
SERIES = [
    "BEGIN:VEVENT",
    "UID:bh@x",
    "DTSTART;TZID=Europe/Amsterdam:20270601T090000",
    "DTEND;TZID=Europe/Amsterdam:20270601T100000",
    "RRULE:FREQ=DAILY;BYHOUR=9,11;COUNT=6",
    "DTSTAMP:20261101T000000Z",
    "SUMMARY:Spreekuur",
    "END:VEVENT",
]
MOVED = [
    "BEGIN:VEVENT",
    "UID:bh@x",
    "RECURRENCE-ID;TZID=Europe/Amsterdam:20270602T090000",
    "DTSTART;TZID=Europe/Amsterdam:20270602T140000",
    "DTEND;TZID=Europe/Amsterdam:20270602T150000",
    "DTSTAMP:20261102T000000Z",
    "SUMMARY:Spreekuur-verzet",
    "END:VEVENT",
]
SLOTS = [
    ("Spreekuur", "2027-06-01T09:00:00+02:00"),
    ("Spreekuur", "2027-06-01T11:00:00+02:00"),
    ("Spreekuur", "2027-06-02T09:00:00+02:00"),
    ("Spreekuur", "2027-06-02T11:00:00+02:00"),
    ("Spreekuur", "2027-06-03T09:00:00+02:00"),
    ("Spreekuur", "2027-06-03T11:00:00+02:00"),
]


@pytest.fixture
def merel(store: Store) -> Store:
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    return store


def calendar(tmp_path: Path, *events: list[str], name: str = "c.ics") -> Path:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//EN", "X-WR-CALNAME:Werk"]
    lines += [line for event in events for line in event] + ["END:VCALENDAR"]
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def agenda_of(store: Store) -> list[tuple[str, str, str]]:
    return [
        (a.title, local_iso(a.start_at), a.status)
        for a in agenda.list_activities(store, person="MEREL")
    ]


def test_an_override_replaces_only_its_own_occurrence(merel: Store, tmp_path: Path) -> None:
    """The 09:00 of 2 June moved to 14:00: six activities, the 11:00 of 2 June kept."""
    result = import_ics(merel, calendar(tmp_path, SERIES, MOVED), person="MEREL", **JUNE)  # type: ignore[arg-type]
    assert worded(result.warnings) == []
    assert [(t, s) for t, s, _ in agenda_of(merel)] == [
        *SLOTS[:2],
        SLOTS[3],
        ("Spreekuur-verzet", "2027-06-02T14:00:00+02:00"),
        *SLOTS[4:],
    ]


def test_an_exdate_removes_only_its_own_occurrence(merel: Store, tmp_path: Path) -> None:
    """EXDATE 2 June 09:00: five activities, the 11:00 of 2 June kept."""
    series = [*SERIES[:5], "EXDATE;TZID=Europe/Amsterdam:20270602T090000", *SERIES[5:]]
    result = import_ics(merel, calendar(tmp_path, series), person="MEREL", **JUNE)  # type: ignore[arg-type]
    assert worded(result.warnings) == []
    assert [(t, s) for t, s, _ in agenda_of(merel)] == [*SLOTS[:2], *SLOTS[3:]]


def test_an_override_on_reimport_cancels_no_untouched_occurrence(
    merel: Store, tmp_path: Path
) -> None:
    """The series imported, then again with the 09:00 of 2 June moved: one update, nothing
    cancelled or removed, the 11:00 of 2 June still planned."""
    first = calendar(tmp_path, SERIES, name="v1.ics")
    import_ics(merel, first, person="MEREL", calendar="Werk", **JUNE)  # type: ignore[arg-type]
    second = calendar(tmp_path, SERIES, MOVED, name="v2.ics")
    result = import_ics(merel, second, person="MEREL", calendar="Werk", **JUNE)  # type: ignore[arg-type]
    assert (result.updated, result.cancelled, result.removed, result.unchanged) == (1, 0, 0, 5)
    kept = [row for row in agenda_of(merel) if row[1] == "2027-06-02T11:00:00+02:00"]
    assert [(t, status) for t, _s, status in kept] == [("Spreekuur", "planned")]


def test_an_hourly_override_in_utc_replaces_one_hour(merel: Store, tmp_path: Path) -> None:
    """Hourly from 00:30 Amsterdam, six; the id 23:30Z (01:30 local) is moved to 12:00Z. Its
    wall time 01:30 is the UTC time of the 03:30 hour (gone before), so five plus the moved."""
    series = [
        "BEGIN:VEVENT",
        "UID:ho@x",
        "DTSTART;TZID=Europe/Amsterdam:20271030T003000",
        "DTEND;TZID=Europe/Amsterdam:20271030T010000",
        "RRULE:FREQ=HOURLY;COUNT=6",
        "DTSTAMP:20261101T000000Z",
        "SUMMARY:hourly",
        "END:VEVENT",
    ]
    moved = [
        "BEGIN:VEVENT",
        "UID:ho@x",
        "RECURRENCE-ID:20271029T233000Z",
        "DTSTART:20271030T120000Z",
        "DTEND:20271030T123000Z",
        "DTSTAMP:20261101T000000Z",
        "SUMMARY:moved",
        "END:VEVENT",
    ]
    window = {"start": date(2027, 10, 29), "end": date(2027, 11, 2)}
    import_ics(merel, calendar(tmp_path, series, moved), person="MEREL", **window)  # type: ignore[arg-type]
    assert [(t, s) for t, s, _ in agenda_of(merel)] == [
        ("hourly", "2027-10-30T00:30:00+02:00"),
        ("hourly", "2027-10-30T02:30:00+02:00"),
        ("hourly", "2027-10-30T03:30:00+02:00"),
        ("hourly", "2027-10-30T04:30:00+02:00"),
        ("hourly", "2027-10-30T05:30:00+02:00"),
        ("moved", "2027-10-30T14:00:00+02:00"),
    ]
