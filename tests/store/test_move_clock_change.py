"""A move across a clock change says both shifts (issue 16, plan21): "moved +2:00" for an
activity at 01:00 moved to 04:00 on the spring night, where the clock start moves three hours
and real time two."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.suggest import suggest
from tests.conftest import at
from words.suggestions import cost, describe


@pytest.mark.parametrize(
    ("day", "moved", "span"),
    [
        ("2027-03-28", "moved +2:00 (clock +3:00)", "2027-03-28 04:00–05:30"),
        ("2027-10-31", "moved +4:00 (clock +3:00)", "2027-10-31 04:00–07:30"),
        ("2027-03-21", "moved +3:00", "2027-03-21 04:00–06:30"),
    ],
)
def test_a_move_across_a_clock_change_says_real_and_clock_time(
    store: Store, day: str, moved: str, span: str
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    staff.add_staff(store, "RT-0001", unit="RT", qualifications=[("protective_driving", None)])
    for callsign in ("RT-0002", "RT-0003"):
        staff.add_staff(store, callsign, unit="RT", qualifications=[("close_protection", None)])
    for callsign in ("RT-0001", "RT-0002"):
        roster.add_shift(
            store, callsign, start=at(store, f"{day} 00:00"), end=at(store, f"{day} 08:00")
        )
    roster.add_shift(
        store, "RT-0003", start=at(store, f"{day} 04:00"), end=at(store, f"{day} 12:00")
    )
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Lente",
        start=at(store, f"{day} 01:00"),
        end=at(store, f"{day} 03:30"),
        concept="ESCORT",
    )
    staffing.deploy(store, item.id, ["RT-0001", "RT-0002"])
    subjects.assess_threat(store, "BEVER", level=3)
    moves = [o for o in suggest(store, item.id) if o.action == "move" and o.feasible]
    assert moves, [describe(o.what) for o in suggest(store, item.id)]
    assert cost(moves[0].price) == moved
    assert span in describe(moves[0].what)
