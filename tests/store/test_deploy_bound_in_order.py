"""rev17r: two officers named for one open close-protection place were both refused with
"fills no open slot (already filled: Close protection (1 of 1))". The refusal now binds the
named officers in order, as ``gaps.bind`` binds a deployed group: only the officer left
without a place is named, with how many places of his qualifications are open and who fills
them; two officers who fill the two different places are deployed both."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import at, snapshot
from words.errors import sentence


@pytest.fixture
def escort(store: Store) -> tuple[Store, str]:
    """An ESCORT (1 close protection + 1 driver) 13:00–14:00; P1, P2 only protect; B1 does
    both. All on duty 08:00–18:00."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    held = {
        "P1": [("close_protection", None)],
        "P2": [("close_protection", None)],
        "B1": [("close_protection", None), ("protective_driving", None)],
    }
    for callsign, qualifications in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=qualifications)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 08:00"), end=at(store, "2026-12-01 18:00")
        )
    item = agenda.add_activity(
        store, person="BEVER", title="Zitting", start=at(store, "2026-12-01 13:00"),
        end=at(store, "2026-12-01 14:00"), concept="ESCORT",
    )  # fmt: skip
    return store, item.id


def test_two_officers_for_one_place_name_only_the_one_left_over(
    escort: tuple[Store, str],
) -> None:
    store, activity = escort
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, activity, ["P1", "P2"])
    assert snapshot(store.path) == before
    said = sentence(refused.value)
    assert "P1 fills" not in said, said
    assert said == (
        "Not deployed: P2 fills no open slot of the concept from 2026-12-01 13:00 "
        "(1 Close protection slot open, filled by P1) (rule: staffing)."
    ), said


def test_an_officer_beside_one_deployed_is_told_the_place_is_taken(
    escort: tuple[Store, str],
) -> None:
    store, activity = escort
    staffing.deploy(store, activity, ["P1"])
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, activity, ["P2"])
    assert "P2 fills no open slot of the concept from 2026-12-01 13:00 (0 Close protection " \
        "slots open) (rule: staffing)" in sentence(refused.value)  # fmt: skip


def test_two_officers_for_the_two_different_places_are_deployed_both(
    escort: tuple[Store, str],
) -> None:
    store, activity = escort
    staffing.deploy(store, activity, ["P1", "B1"])
    assert [o.callsign for o in roster.deployed_officers(store, activity)] == ["B1", "P1"]
