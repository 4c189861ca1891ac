"""A scenario lends an officer on a night shift for his whole duty, travel once at each end
(issue 16, fresh review F5): the lend counted each piece of his duty — cut at local midnight
for R8 — as arriving and leaving again, so an officer on duty 21:00–08:00 counted at the
receiving unit only from 01:00 after midnight. Lending must reduce the shortfall exactly as
deploying him on the activities does."""

from __future__ import annotations

import pytest

from store import agenda, capacity, roster, staff, staffing, subjects
from store.catalogue import travel_minutes
from store.db import Store
from tests.conftest import at

PERIOD = ("2027-11-06 12:00", "2027-11-07 12:00")


def _night(store: Store, start: str, end: str) -> str:
    """MEREL (RT, W2) has an ESCORT (1 × close protection, 1 × driver) at [start, end); RT has
    nobody; AM's XD (both) and XE (driver) are on duty 21:00–08:00."""
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=2)
    for callsign, held in (("XD", ["close_protection", "protective_driving"]),
                           ("XE", ["protective_driving"])):  # fmt: skip
        staff.add_staff(store, callsign, unit="AM", qualifications=[(q, None) for q in held])
        roster.add_shift(
            store, callsign, start=at(store, "2027-11-06 21:00"), end=at(store, "2027-11-07 08:00")
        )
    return agenda.add_activity(
        store, person="MEREL", title="Nacht", start=at(store, start), end=at(store, end),
        concept="ESCORT",
    ).id  # fmt: skip


def _rt(store: Store) -> float:
    (row,) = [
        r for r in capacity.capacity_report(store, at(store, PERIOD[0]), at(store, PERIOD[1]))
        if r.key == "RT"
    ]  # fmt: skip
    return row.shortfall_hours


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2027-11-07 00:00", "2027-11-07 06:00"),  # after midnight
        ("2027-11-06 23:00", "2027-11-07 06:00"),  # across midnight
        ("2027-11-06 22:30", "2027-11-06 23:30"),  # before midnight, within the first piece
    ],
)
def test_lending_a_night_shift_counts_as_deploying_him(store: Store, start: str, end: str) -> None:
    assert travel_minutes(store, "AM", "RT") <= 90  # the shift leaves room for the trips
    activity = _night(store, start, end)
    rows = {
        r.unit: r
        for r in capacity.run_scenario(
            store,
            [capacity.Change.parse("lend:2:AM:RT")],
            at(store, PERIOD[0]),
            at(store, PERIOD[1]),
        )
    }
    assert rows["RT"].baseline_shortfall_hours == _rt(store) > 0
    staffing.deploy(store, activity, ["XD", "XE"])  # deploy accepts both, travel included
    assert _rt(store) == 0.0
    assert rows["RT"].scenario_shortfall_hours == 0.0
    assert set(rows["RT"].lent_in) == {"XD", "XE"}
