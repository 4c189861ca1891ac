"""Two versions of one series in one file, in different zones (issue 16, rev16m, MED): the zone
a floating RECURRENCE-ID was read in was the last master's in the file, not the kept (newer)
one's, so the result depended on the order of the VEVENTs (an older floating master listed last
turned the override into a fourth activity). Right: deduplicate first, then read the ids in the
kept series' zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import MARCH, agenda_of, bever

__all__ = ["bever"]

NEWER = [
    "BEGIN:VEVENT", "UID:dup@x", "DTSTAMP:20270201T000000Z", "SEQUENCE:1",
    "DTSTART;TZID=America/New_York:20270301T100000", "DTEND;TZID=America/New_York:20270301T110000",
    "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Call", "END:VEVENT",
]  # fmt: skip
CHANGE = [
    "BEGIN:VEVENT", "UID:dup@x", "DTSTAMP:20270101T000000Z", "SEQUENCE:1",
    "RECURRENCE-ID:20270302T100000",  # floating: 10:00 in the series' zone, New York
    "DTSTART;TZID=America/New_York:20270302T120000", "DTEND;TZID=America/New_York:20270302T130000",
    "SUMMARY:Call (later)", "END:VEVENT",
]  # fmt: skip
OLDER = [
    "BEGIN:VEVENT", "UID:dup@x", "DTSTAMP:20270101T000000Z", "SEQUENCE:0",
    "DTSTART:20270301T100000", "DTEND:20270301T110000", "RRULE:FREQ=DAILY;COUNT=3",
    "SUMMARY:Call", "END:VEVENT",
]  # fmt: skip


@pytest.mark.parametrize(
    "order", [(NEWER, CHANGE, OLDER), (OLDER, NEWER, CHANGE), (CHANGE, OLDER, NEWER)]
)
def test_floating_ids_are_read_in_the_kept_series_zone_whatever_the_order(
    bever: Store, tmp_path: Path, order: tuple[list[str], ...]
) -> None:
    path = tmp_path / "dup.ics"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN"]
    lines += [line for part in order for line in part] + ["END:VCALENDAR"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = import_ics(bever, path, person="BEVER", **MARCH)
    assert [(t, s) for t, s, _e, _k, _st in agenda_of(bever)] == [
        ("Call", "2027-03-01T16:00:00+01:00"),
        ("Call (later)", "2027-03-02T18:00:00+01:00"),
        ("Call", "2027-03-03T16:00:00+01:00"),
    ]
    assert [n.code for n in result.warnings] == ["calendar_event_repeated"]
