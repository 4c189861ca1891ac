"""rev16v c4/c6 (issue 16): an event made recurring whose series starts before the import
window, or in the past. Right: the staffed activity is kept — moved only to an occurrence
inside the window and not in the past (a correction, flagged ``changed_externally``), or, with
none, left where it is flagged for re-planning; never lost, never moved into the past."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store
from store.ics import import_ics
from tests.conftest import copy_database

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-CALNAME:Werk\r\n"
EVENT = "BEGIN:VEVENT\r\nUID:u4@example\r\nDTSTAMP:20261230T000000Z\r\nSUMMARY:Overleg\r\n"
SINGLE = "SEQUENCE:0\r\nDTSTART:20270112T100000Z\r\nDTEND:20270112T110000Z\r\n"
WEEKLY = (
    "SEQUENCE:1\r\nLAST-MODIFIED:20270101T000000Z\r\nDTSTART:20261222T130000Z\r\n"
    "DTEND:20261222T140000Z\r\nRRULE:FREQ=WEEKLY;COUNT={count}\r\n"
)


def _file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEAD + EVENT + body + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return path


@pytest.fixture
def later(store_template: Path, tmp_path: Path) -> Store:
    """A store whose clock reads 2027-01-01 08:00Z, BEVER (W2) and two escorts on duty."""
    opened = Store(
        copy_database(store_template, tmp_path / "later.db"),
        clock=FixedClock(datetime(2027, 1, 1, 8, tzinfo=UTC)),
    )
    subjects.add_subject(opened, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(opened, "BEVER", level=2)
    both = [("close_protection", None), ("protective_driving", None)]
    for callsign in ("RT-X1", "RT-X2"):
        staff.add_staff(opened, callsign, unit="RT", qualifications=both)
        for day in range(2, 31):
            roster.add_shift(
                opened,
                callsign,
                start=datetime(2027, 1, day, 7, tzinfo=UTC),
                end=datetime(2027, 1, day, 17, tzinfo=UTC),
            )
    return opened


def _staffed(store: Store, tmp_path: Path) -> str:
    window = {"start": date(2027, 1, 2), "end": date(2027, 2, 28)}
    import_ics(store, _file(tmp_path, "a.ics", SINGLE), person="BEVER", **window)
    (single,) = agenda.list_activities(store, person="BEVER")
    agenda.assign_concept(store, single.id, "ESCORT")
    staffing.deploy(store, single.id, ["RT-X1", "RT-X2"])
    return single.id


def _starts(store: Store) -> list[str]:
    return [
        a.start_at.astimezone(UTC).isoformat()[:16]
        for a in agenda.list_activities(store, person="BEVER")
        if a.status != "cancelled"
    ]


@pytest.mark.parametrize("first", [date(2027, 1, 2), date(2026, 12, 20)])
def test_moved_to_an_occurrence_in_the_window_and_not_in_the_past(
    later: Store, tmp_path: Path, first: date
) -> None:
    """c4 (the series starts before the window) and c6 (the window reaches back to the
    series' start, in the past): the staffed activity becomes the occurrence of 12 January,
    keeps its concept and officers, with a correction and the flag; one activity per
    occurrence."""
    single = _staffed(later, tmp_path)
    weekly = _file(tmp_path, "b.ics", WEEKLY.format(count=6))
    result = import_ics(later, weekly, person="BEVER", start=first, end=date(2027, 2, 28))
    assert result.replan == [single]
    kept = agenda.get_activity(later, single)
    assert kept.status == "planned"
    assert kept.start_at == datetime(2027, 1, 12, 13, tzinfo=UTC)
    assert (kept.concept, kept.replan_reason) == ("ESCORT", "changed_externally")
    assert sorted(d.callsign for d in roster.list_deployments(later, single)) == ["RT-X1", "RT-X2"]
    assert len(agenda.list_corrections(later, single)) == 1
    expected = ["2027-01-05T13:00", "2027-01-12T13:00", "2027-01-19T13:00", "2027-01-26T13:00"]
    if first < date(2027, 1, 1):
        expected = ["2026-12-22T13:00", "2026-12-29T13:00", *expected]
    assert _starts(later) == expected


def test_with_no_occurrence_to_move_to_it_stays_flagged(later: Store, tmp_path: Path) -> None:
    """The series (three weeks from 22 December) ends before the window: nothing to move the
    staffed activity to — it stays where it is, planned and staffed, flagged for re-planning."""
    single = _staffed(later, tmp_path)
    weekly = _file(tmp_path, "b.ics", WEEKLY.format(count=2))
    result = import_ics(
        later, weekly, person="BEVER", start=date(2027, 1, 2), end=date(2027, 2, 28)
    )
    assert result.replan == [single]
    kept = agenda.get_activity(later, single)
    assert (kept.status, kept.start_at) == ("planned", datetime(2027, 1, 12, 10, tzinfo=UTC))
    assert (kept.concept, kept.replan_reason) == ("ESCORT", "changed_externally")
    assert len(roster.list_deployments(later, single)) == 2
