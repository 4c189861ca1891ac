"""Calendar import faults rev16u found (issue 16, sixth round), on real files in fixtures/ics.

F1 (HIGH): an event made recurring lost its staffed activity when its start changed too (and a
series made one event again and moved). Right: the activity becomes the series' occurrence at
its (new) start, keeps its concept and deployments, moved with a correction and flagged
``changed_externally``; only the other occurrences are added or removed.
F2 (HIGH): a master with a newer stamp and an EXDATE, the old override still in the file, did
not cancel the occurrence a fresh import does not have. Right: a re-import ends as a fresh
import of the file would.
F3 (MED): an occurrence a planner moved outside the window survived when the file provably no
longer holds it. Right: judged on its original time (its RECURRENCE-ID)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.ics import import_ics

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
WINDOW = {"start": date(2027, 1, 1), "end": date(2027, 3, 31)}


@pytest.fixture
def bever(store: Store) -> Store:
    """BEVER, whose threat level makes ESCORT (W2) a valid concept."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    return store


def _rows(store: Store) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (a.start_at.astimezone(UTC).isoformat()[:16], a.status, a.concept, a.replan_reason)
        for a in agenda.list_activities(store, person="BEVER")
    ]


def _staffed(store: Store) -> str:
    """The single event 'Overleg' of 5 January 09:00Z imported, escorted by two officers."""
    import_ics(store, ICS / "google-overleg-single.ics", person="BEVER", **WINDOW)
    (single,) = agenda.list_activities(store, person="BEVER")
    agenda.assign_concept(store, single.id, "ESCORT")
    both = [("close_protection", None), ("protective_driving", None)]
    for callsign in ("RT-X2", "RT-X5"):
        staff.add_staff(store, callsign, unit="RT", qualifications=both)
        roster.add_shift(
            store,
            callsign,
            start=datetime(2027, 1, 5, 7, tzinfo=UTC),
            end=datetime(2027, 1, 5, 15, tzinfo=UTC),
        )
    staffing.deploy(store, single.id, ["RT-X2", "RT-X5"])
    return single.id


def _kept(store: Store, activity_id: str, start: str) -> None:
    kept = agenda.get_activity(store, activity_id)
    assert (kept.start_at.astimezone(UTC).isoformat()[:16], kept.status) == (start, "planned")
    assert (kept.concept, kept.replan_reason) == ("ESCORT", "changed_externally")
    assert sorted(d.callsign for d in roster.list_deployments(store, activity_id)) == [
        "RT-X2",
        "RT-X5",
    ]
    (correction,) = agenda.list_corrections(store, activity_id)
    assert correction.new_start_at.astimezone(UTC).isoformat()[:16] == start


def test_an_event_made_recurring_later_that_day_keeps_its_staffed_activity(bever: Store) -> None:
    single = _staffed(bever)
    series = ICS / "google-overleg-made-weekly-later.ics"
    result = import_ics(bever, series, person="BEVER", **WINDOW)
    assert (result.added, result.updated, result.removed) == (2, 1, 0)
    assert result.replan == [single]
    _kept(bever, single, "2027-01-05T10:30")
    assert _rows(bever) == [
        ("2027-01-05T10:30", "planned", "ESCORT", "changed_externally"),
        ("2027-01-12T10:30", "planned", None, None),
        ("2027-01-19T10:30", "planned", None, None),
    ]
    again = import_ics(bever, series, person="BEVER", **WINDOW)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)


def test_an_event_made_recurring_on_another_day_keeps_its_staffed_activity(
    bever: Store,
) -> None:
    single = _staffed(bever)
    series = ICS / "google-overleg-made-weekly-other-day.ics"
    result = import_ics(bever, series, person="BEVER", **WINDOW)
    assert (result.added, result.updated, result.removed) == (2, 1, 0)
    _kept(bever, single, "2027-01-07T13:00")
    assert [r[0] for r in _rows(bever)] == [
        "2027-01-07T13:00",
        "2027-01-14T13:00",
        "2027-01-21T13:00",
    ]


def test_a_series_made_one_event_again_and_moved_keeps_its_first_occurrence(
    bever: Store,
) -> None:
    import_ics(bever, ICS / "google-overleg-weekly.ics", person="BEVER", **WINDOW)
    first = agenda.list_activities(bever, person="BEVER")[0]
    agenda.assign_concept(bever, first.id, "ESCORT")
    single = ICS / "google-overleg-single-again-later.ics"
    result = import_ics(bever, single, person="BEVER", **WINDOW)
    assert (result.added, result.updated, result.removed) == (0, 1, 2)
    assert _rows(bever) == [
        ("2027-01-05T10:30", "planned", "ESCORT", "changed_externally"),
        ("2027-01-12T09:00", "cancelled", None, None),
        ("2027-01-19T09:00", "cancelled", None, None),
    ]
    again = import_ics(bever, single, person="BEVER", **WINDOW)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 1)


def test_an_exdate_of_a_newer_master_cancels_the_override_still_in_the_file(
    bever: Store,
) -> None:
    import_ics(bever, ICS / "outlook-series-override.ics", person="BEVER", **WINDOW)
    later = ICS / "outlook-series-exdate-override-kept.ics"
    result = import_ics(bever, later, person="BEVER", **WINDOW)
    assert (result.cancelled, result.unchanged) == (1, 4)
    assert ("2027-01-19T14:00", "cancelled", None, None) in _rows(bever)
    planned = [r[0] for r in _rows(bever) if r[1] == "planned"]
    again = import_ics(bever, later, person="BEVER", **WINDOW)
    assert (again.cancelled, again.reinstated, again.unchanged) == (0, 0, 4)
    # as a fresh import of the same file has it
    subjects.add_subject(bever, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(bever, "DAS", level=2)
    fresh = import_ics(bever, later, person="DAS", **WINDOW)
    assert fresh.added == 4
    assert [
        a.start_at.astimezone(UTC).isoformat()[:16]
        for a in agenda.list_activities(bever, person="DAS")
    ] == planned


def _moved_to_june(store: Store) -> str:
    """The weekly 'Weekoverleg' imported, its 12 January occurrence moved by a planner to
    1 June, outside the import window."""
    import_ics(store, ICS / "weekly-overleg.ics", person="BEVER", **WINDOW)
    second = agenda.list_activities(store, person="BEVER")[1]
    agenda.restrict_activity(
        store,
        second.id,
        kind="moved",
        reason="tbp_choice",
        authority="OvJ",
        new_start=datetime(2027, 6, 1, 8, tzinfo=UTC),
        new_end=datetime(2027, 6, 1, 9, tzinfo=UTC),
    )
    return second.id


def test_a_series_gone_from_its_calendar_removes_an_occurrence_moved_out_of_the_window(
    bever: Store,
) -> None:
    moved = _moved_to_june(bever)
    result = import_ics(bever, ICS / "weekly-overleg-gone.ics", person="BEVER", **WINDOW)
    assert (result.added, result.removed) == (1, 6)
    assert agenda.get_activity(bever, moved).status == "cancelled"


def test_a_count_cut_removes_an_occurrence_moved_out_of_the_window(bever: Store) -> None:
    moved = _moved_to_june(bever)
    result = import_ics(bever, ICS / "weekly-overleg-count-1.ics", person="BEVER", **WINDOW)
    assert (result.removed, result.unchanged) == (5, 1)
    assert agenda.get_activity(bever, moved).status == "cancelled"


def test_the_unchanged_file_keeps_an_occurrence_moved_out_of_the_window(bever: Store) -> None:
    moved = _moved_to_june(bever)
    for window in (WINDOW, {"start": date(2027, 1, 12), "end": date(2027, 1, 12)}):
        result = import_ics(bever, ICS / "weekly-overleg.ics", person="BEVER", **window)
        assert (result.added, result.removed, result.cancelled, result.updated) == (0, 0, 0, 0)
    kept = agenda.get_activity(bever, moved)
    assert (kept.status, kept.start_at) == ("moved", datetime(2027, 6, 1, 8, tzinfo=UTC))
