"""Deployment judges the group against the concept's staffing (issue 16): an officer who fills
no slot the others leave open is refused, a lapse at midnight counts from midnight (R8), and a
group left short by a lapse recorded later is listed as a violation."""

from __future__ import annotations

from datetime import date

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import BadInput, RuleViolation
from tests.conftest import at, snapshot
from tests.lapses import deploy_before_the_lapse
from words.deployments import phrase
from words.errors import sentence

LAPSES = date(2026, 12, 1)  # valid through 1 December: lapses at midnight into the 2nd


@pytest.fixture
def night(store: Store) -> tuple[Store, str]:
    """BEVER (W2) with an ESCORT (1 close protection + 1 driver) 23:00–01:00 across midnight;
    X1 and X2 hold both qualifications, their close protection lapsing at midnight; D1 and D2
    only drive; C1 only protects. All on duty 20:00–04:00."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    held: dict[str, list[tuple[str, date | None]]] = {
        "X1": [("close_protection", LAPSES), ("protective_driving", None)],
        "X2": [("close_protection", LAPSES), ("protective_driving", None)],
        "D1": [("protective_driving", None)],
        "D2": [("protective_driving", None)],
        "C1": [("close_protection", None)],
    }
    for callsign, qualifications in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=qualifications)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 04:00")
        )
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Nachtrit",
        start=at(store, "2026-12-01 23:00"),
        end=at(store, "2026-12-02 01:00"),
        concept="ESCORT",
    )
    return store, item.id


def _refused(store: Store, activity_id: str, callsigns: list[str]) -> RuleViolation:
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        staffing.deploy(store, activity_id, callsigns)
    assert snapshot(store.path) == before
    return caught.value


R8_REFUSAL = (
    "Not deployed: close_protection: 1 slot open 2026-12-02 00:00–01:00 ({} lapsed; rule R8)."
)


def test_two_officers_lapsing_at_midnight_are_refused_naming_the_rule_and_the_hour(
    night: tuple[Store, str],
) -> None:
    """X1 and X2 both fill a slot until midnight (one protects, one drives); from midnight their
    close protection no longer counts and that slot is open under R8 — what ``gaps
    --violations`` would list the moment the group is made, so deploying it is refused, naming
    the rule and the hour (rev16o; fix16r: every path that deploys). Recorded after the
    deployment, the lapse shows the slot open under R8 (activity show, gaps --violations)
    instead of open for the whole night."""
    store, activity_id = night
    assert sentence(_refused(store, activity_id, ["X1", "X2"])) == R8_REFUSAL.format("X1, X2")
    deploy_before_the_lapse(store, activity_id, ["X1", "X2"])
    shown = [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ]
    assert shown == [
        "close_protection: 1 slot open 2026-12-02 00:00–01:00 (X1, X2 lapsed; rule R8)"
    ]
    (row,) = staffing.deployment_violations(
        store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
    )
    assert (row["problem"].rule, row["callsign"]) == ("R8", "X1, X2")


def _w1_w3(store: Store) -> None:
    staff.add_staff(
        store,
        "W1",
        unit="RT",
        qualifications=[("close_protection", LAPSES), ("protective_driving", None)],
    )
    staff.add_staff(store, "W3", unit="RT", qualifications=[("protective_driving", None)])
    for callsign in ("W1", "W3"):
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 04:00")
        )


@pytest.mark.parametrize("order", [["W1", "W3"], ["W3", "W1"]])
def test_the_verdict_does_not_depend_on_the_order_named(
    night: tuple[Store, str], order: list[str]
) -> None:
    """Issue 16 (plan8): W1 (close protection lapsing at midnight, driving) and W3 (driving)
    on the ESCORT: `deploy A W1 W3` was accepted and `deploy A W3 W1` refused. Judged whole,
    both orders are refused alike (rev16o: the group leaves close protection open from 00:00
    for W1's lapse, R8); recorded after the deployment, the lapse leaves that place open."""
    store, activity_id = night
    _w1_w3(store)
    assert sentence(_refused(store, activity_id, order)) == R8_REFUSAL.format("W1")
    deploy_before_the_lapse(store, activity_id, order)
    assert [d.callsign for d in roster.list_deployments(store, activity_id)] == ["W1", "W3"]
    (short,) = staffing.staffing_shortfalls(store, activity_id)
    assert (short.qualification, short.start, short.lapsed) == (
        "close_protection",
        at(store, "2026-12-02 00:00"),
        ("W1",),
    )


def test_one_at_a_time_is_judged_as_the_group_it_makes(night: tuple[Store, str]) -> None:
    """Deployed one by one in the other order, the group is the same and so is the verdict:
    the first alone is deployed (a place open for all of it: staffing), the second refused."""
    store, activity_id = night
    staffing.deploy(store, activity_id, ["D1"])
    assert sentence(_refused(store, activity_id, ["X1"])) == R8_REFUSAL.format("X1")
    assert [d.callsign for d in roster.list_deployments(store, activity_id)] == ["D1"]


def test_a_second_driver_fills_no_slot(night: tuple[Store, str]) -> None:
    """Two drivers for one driving slot: neither is needed while the other is there, so both
    are named (the verdict names no favourite by order)."""
    store, activity_id = night
    refusal = _refused(store, activity_id, ["D2", "D1"])
    assert refusal.rule == "deployment"
    assert "D1 fills no open slot of the concept from 2026-12-01 23:00" in sentence(refusal)
    assert "D2 fills no open slot of the concept from 2026-12-01 23:00" in sentence(refusal)
    # the qualification named as the catalogue names it, never its code (issue 17)
    assert "already filled: Protective driving (1 of 1)" in sentence(refusal)
    staffing.deploy(store, activity_id, ["D1"])
    assert "D2 fills no open slot" in sentence(_refused(store, activity_id, ["D2"]))


def test_a_group_that_fills_every_slot_all_night_is_deployed(night: tuple[Store, str]) -> None:
    store, activity_id = night
    staffing.deploy(store, activity_id, ["X1", "C1"])  # X1 drives after midnight, C1 protects
    assert staffing.staffing_shortfalls(store, activity_id) == []
    assert "D1 fills no open slot" in sentence(_refused(store, activity_id, ["D1"]))


def test_a_lapse_recorded_after_the_deployment_is_a_group_violation(
    night: tuple[Store, str],
) -> None:
    store, activity_id = night
    staff.set_qualification(store, "X2", "close_protection", None)
    staffing.deploy(store, activity_id, ["X1", "X2"])
    assert (
        staffing.deployment_violations(
            store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
        )
        == []
    )
    staff.set_qualification(store, "X2", "close_protection", LAPSES)
    (short,) = staffing.staffing_shortfalls(store, activity_id)
    assert (short.qualification, short.missing, short.start, short.end, short.lapsed) == (
        "close_protection",
        1,
        at(store, "2026-12-02 00:00"),
        at(store, "2026-12-02 01:00"),
        ("X1", "X2"),
    )
    (row,) = staffing.deployment_violations(
        store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
    )
    assert (row["problem"].code, row["problem"].rule) == ("open_slots", "R8")
    assert {**row, "problem": phrase(row["problem"])} == {
        "activity": activity_id,
        "callsign": "X1, X2",
        "problem": "close_protection: 1 slot open 2026-12-02 00:00–01:00 (X1, X2 lapsed; rule R8)",
    }


def test_a_driver_for_the_slot_shown_open_before_midnight_is_not_refused_as_filled(
    store: Store,
) -> None:
    """Issue 16, fourth review: CP-LIGHT (2 close protection + 1 driver) 23:00–01:00 with P1
    (close protection) and P2 (close protection lapsing at midnight, driving) deployed:
    P3, who only drives, was refused as "already filled" (after midnight P2 drives). One
    matching for both: P3 fills the driving place; the group then leaves close protection
    open from midnight for P2's lapse, so P3 is refused under R8 (rev16o; fix16r: the store's
    tests deploy through the same check), and with the lapse recorded after the deployment
    what stays open is the close protection P2's lapse leaves."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=3)
    held: dict[str, list[tuple[str, date | None]]] = {
        "P1": [("close_protection", None)],
        "P2": [("close_protection", LAPSES), ("protective_driving", None)],
        "P3": [("protective_driving", None)],
    }
    for callsign, qualifications in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=qualifications)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 18:00"), end=at(store, "2026-12-02 04:00")
        )
    item = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Nacht",
        start=at(store, "2026-12-01 23:00"),
        end=at(store, "2026-12-02 01:00"),
        concept="CP-LIGHT",
    )
    staffing.deploy(store, item.id, ["P1", "P2"])
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, item.id)
    ]
    # as ``gaps.bind``: P2 protects until midnight so that P3 (on duty, undeployed) can drive
    # then — P2 driving all night would leave close protection open 23:00–01:00, two hours
    # nobody on duty can fill. No R8: with P2's close protection valid, P1 and P2 would still
    # fill two of the three places (plan13)
    assert shown == [
        "protective_driving: 1 slot open 2026-12-01 23:00–00:00",
        "close_protection: 1 slot open 2026-12-02 00:00–01:00",
    ]
    # P3 fills the driving place, and the group then leaves close protection open from
    # midnight for P2's lapse: refused under R8 (rev16o), never as "already filled"
    refused = _refused(store, item.id, ["P3"])
    assert sentence(refused) == R8_REFUSAL.format("P2")
    deploy_before_the_lapse(store, item.id, ["P3"])  # the lapse recorded after: listed
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, item.id)
    ]
    assert shown == ["close_protection: 1 slot open 2026-12-02 00:00–01:00 (P2 lapsed; rule R8)"]


def test_a_lighter_concept_is_judged_against_the_deployed_group(store: Store) -> None:
    """Issue 16, fourth review: three officers deployed on CP-LIGHT (2 close protection + 1
    driver) stayed when ESCORT (1 + 1) was assigned, with no refusal or violation. Assigning
    judges the deployed group against the new concept: refused, nothing written; a concept
    the group fits is assigned."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=2)
    for callsign, qualification in (("C1", "close_protection"), ("C2", "close_protection")):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(qualification, None)])
    staff.add_staff(store, "D1", unit="RT", qualifications=[("protective_driving", None)])
    for callsign in ("C1", "C2", "D1"):
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 08:00"), end=at(store, "2026-12-01 18:00")
        )
    item = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Bezoek",
        start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"),
        concept="CP-LIGHT",
    )
    staffing.deploy(store, item.id, ["C1", "C2", "D1"])
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        agenda.assign_concept(store, item.id, "ESCORT")
    assert sentence(refused.value) == (
        "ESCORT has places for 2 of the 3 officers deployed on it: release one of C1, C2 "
        "first, or choose a concept they fit."
    )
    assert snapshot(store.path) == before
    assert agenda.get_activity(store, item.id).concept == "CP-LIGHT"


def test_an_activity_without_a_concept_is_refused_once_for_all_officers(store: Store) -> None:
    """Issue 16, fourth review: four officers on an activity without a concept gave the same
    refusal four times."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=2)
    for n in range(1, 5):
        staff.add_staff(store, f"O{n}", unit="RT", qualifications=[("close_protection", None)])
    item = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Bezoek",
        start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"),
    )
    refusal = _refused(store, item.id, ["O1", "O2", "O3", "O4"])
    assert sentence(refusal) == "Not deployed: the activity has no concept yet; assign one first."


def test_an_officer_named_twice_is_refused_as_such(night: tuple[Store, str]) -> None:
    """Issue 16, last review: `deploy A W2 W2` was refused as "fills no open slot"; it is the
    same officer twice, and the refusal says so, nothing written."""
    store, activity = night
    before = snapshot(store.path)
    with pytest.raises(BadInput) as refused:
        staffing.deploy(store, activity, ["C1", "D1", "C1"])
    assert refused.value.code == "officer_named_twice"
    assert sentence(refused.value) == "C1 named more than once; name each officer once."
    assert snapshot(store.path) == before


def test_group_parts_and_judgement_are_named_records(night: tuple[Store, str]) -> None:
    """``group_parts`` cuts at the lapse (local midnight) and names each part's fields;
    ``judge_group`` names its parts and verdict (issue 15: no records read by index)."""
    store, activity_id = night
    officers = [staff.get_staff(store, c) for c in ("X1", "D1")]
    parts = roster.group_parts(store, activity_id, officers)
    assert [(p.day, p.start, p.end) for p in parts] == [
        (date(2026, 12, 1), at(store, "2026-12-01 23:00"), at(store, "2026-12-02 00:00")),
        (date(2026, 12, 2), at(store, "2026-12-02 00:00"), at(store, "2026-12-02 01:00")),
    ]
    assert "close_protection" in parts[0].officers["X1"]
    assert "close_protection" not in parts[1].officers["X1"]
    judged = roster.judge_group(store, activity_id, "ESCORT", officers)
    assert isinstance(judged, roster.GroupJudgement)
    assert judged.parts == parts
    assert judged.verdict.idle == ()
