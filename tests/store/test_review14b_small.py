"""The second fresh review's small findings of issue 14, in the store: a range refusal shows
the local time it measured; X-WR-TIMEZONE given twice and a TZID naming a folder of the zone
database are worded (no Python repr, no path of ours); a roster of a header alone writes
nothing; a time with nanoseconds has its fraction dropped as the README says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import clock, fingerprint, roster, subjects, validate
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import refused_as, snapshot
from tests.store.test_ics_zone_bounds import DECEMBER
from words.errors import sentence


def test_a_time_past_2099_is_shown_in_local_time() -> None:
    late = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
    with refused_as(BadInput, r"; 2100-01-01 00:59 does not\.$"):
        validate.moment(late, "The start")
    with refused_as(BadInput, r"9999-12-31T23:59:59.999999\+00:00 does not\.$"):
        validate.moment(datetime.max.replace(tzinfo=UTC), "The start")  # past local time


def _calendar(tmp_path: Path, header: str, tzid: str = "") -> Path:
    param = f";TZID={tzid}" if tzid else ""
    path = tmp_path / "w.ics"
    path.write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{header}BEGIN:VEVENT\r\nUID:a@x\r\n"
        f"DTSTAMP:20261101T000000Z\r\nDTSTART{param}:20261201T100000\r\n"
        f"DTEND{param}:20261201T110000\r\nSUMMARY:S\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return path


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


@pytest.mark.parametrize(
    ("header", "tzid", "message"),
    [
        (
            "X-WR-TIMEZONE:Europe/Amsterdam\r\nX-WR-TIMEZONE:Europe/Berlin\r\n",
            "",
            r"X-WR-TIMEZONE 'Europe/Amsterdam, Europe/Berlin \(different zones, declared 2 "
            r"times\)' is not a time zone",
        ),
        ("", "Europe", r"w\.ics is not a valid iCalendar file: a TZID names 'Europe', which is"),
    ],
)
def test_a_calendars_zone_faults_are_worded(
    bever: Store, tmp_path: Path, header: str, tzid: str, message: str
) -> None:
    before = snapshot(bever.path)
    with refused_as(BadInput, message) as refused:
        import_ics(bever, _calendar(tmp_path, header, tzid), person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert "vUnknown" not in sentence(refused.value) and "/" + "site-packages" not in sentence(
        refused.value
    )
    assert snapshot(bever.path) == before


def test_one_zone_declared_twice_the_same_is_read(bever: Store, tmp_path: Path) -> None:
    twice = "X-WR-TIMEZONE:Europe/Amsterdam\r\nX-WR-TIMEZONE:Europe/Amsterdam\r\n"
    result = import_ics(bever, _calendar(tmp_path, twice), person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert [item.start for item in result.items] == [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]


def test_a_roster_of_a_header_alone_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "shifts.csv"
    path.write_text("callsign,start,end\n\n")
    before, printed = snapshot(store.path), fingerprint.record(store.conn)
    assert roster.import_shifts(store, path).imported == 0
    assert snapshot(store.path) == before and fingerprint.record(store.conn) == printed


def test_nanoseconds_are_dropped_as_the_readme_says() -> None:
    fixed = FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    moment = clock.parse_time("2026-12-01T10:00:00.999999999+01:00", fixed)
    assert moment == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(BadInput):
        clock.parse_time("2026-12-01T10:00:00.9999999999+01:00", fixed)  # ten digits
