"""A concept change and deployments crossing offline (rev13g f5, f5b; fix13d): b deploys two
close-protection officers on an activity (CP-LIGHT), c, not having seen that, gives it ESCORT
(one close-protection slot), each honest where it was written. In either order of writing every
laptop keeps both: the concept, and the officers on the activity (taking protection away is
worse than a misfit); the misfit is there for re-planning (``roster.concept_misfit``), and
nothing is quarantined, alike on every laptop."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import FixedClock
from tests.conftest import NOW
from tests.sync_team import exchange_all, held, make_team, user_tables

START = NOW + timedelta(days=3)


@pytest.mark.parametrize("concept_first", [False, True])
def test_a_concept_and_deployments_crossing_offline_are_both_kept(
    tmp_path: Path, concept_first: bool
) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=2)
    act = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="zitting",
        start=START,
        end=START + timedelta(hours=2),
        location="R",
        concept="CP-LIGHT",
    ).id
    for callsign in ("RT-0080", "RT-0081"):
        staff.add_staff(a.store, callsign, unit="RT", qualifications=[("close_protection", None)])
        roster.add_shift(
            a.store, callsign, start=START - timedelta(hours=1), end=START + timedelta(hours=7)
        )
    exchange_all([a, b, c], tmp_path / "share")
    writes = [
        lambda: staffing.deploy(b.store, act, ["RT-0080", "RT-0081"]),
        lambda: agenda.assign_concept(c.store, act, "ESCORT"),
    ]
    for write in reversed(writes) if concept_first else writes:
        clock.advance(minutes=1)
        write()
    exchange_all([a, b, c], tmp_path / "share2", rounds=3)
    for laptop in (a, b, c):
        assert laptop.store.tuples("SELECT concept FROM activity WHERE id = ?", (act,)) == [
            ("ESCORT",)
        ], laptop.name
        assert laptop.store.tuples(
            "SELECT count(*) FROM deployment WHERE activity_id = ?", (act,)
        ) == [(2,)], laptop.name
        assert held(laptop) == [], laptop.name
        assert user_tables(laptop.store) == user_tables(a.store)
    assert roster.concept_misfit(a.store, act, "ESCORT") is not None  # for re-planning
