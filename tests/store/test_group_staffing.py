"""Deployment judges the group against the concept's staffing (issue 16): an officer who fills
no slot the others leave open is refused (staffing); an officer a qualification of whose that
the concept needs lapses within the activity is refused on their own (R8, naming the
qualification and the hour), and listed as a violation when the lapse is recorded later."""

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


def _lapse(callsign: str, span: str = "2026-12-01 23:00–2026-12-02 01:00") -> str:
    return (
        f"{callsign}: close_protection lapses 2026-12-02 00:00, within the activity {span}"
        " (rule R8)"
    )


def _violations(store: Store) -> list[tuple[str, str]]:
    return [
        (row["callsign"], phrase(row["problem"]))
        for row in staffing.deployment_violations(
            store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
        )
    ]


def test_officers_whose_needed_qualification_lapses_within_are_refused_naming_it_and_the_hour(
    night: tuple[Store, str],
) -> None:
    """Issue 16 (rev16r, the lead's rule): an officer whose qualification the concept needs is
    valid at some moment of the activity and lapses before its end is refused under R8,
    naming the qualification and the hour — whatever else they hold (X1 also drives) and
    whoever else is deployed. Recorded after the deployment, the lapse is listed per officer
    by ``gaps --violations``, and the place it leaves open counts from midnight (R8)."""
    store, activity_id = night
    refusal = _refused(store, activity_id, ["X1", "X2"])
    assert refusal.rule == "R8"
    assert sentence(refusal) == f"Not deployed: {_lapse('X1')}; {_lapse('X2')}."
    assert sentence(_refused(store, activity_id, ["X1"])) == f"Not deployed: {_lapse('X1')}."
    deploy_before_the_lapse(store, activity_id, ["X1", "X2"])
    shown = [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ]
    assert shown == [
        "close_protection: 1 slot open 2026-12-02 00:00–01:00 (X1, X2 lapsed; rule R8)"
    ]
    assert _violations(store) == [("X1", _lapse("X1")), ("X2", _lapse("X2"))]


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
def test_the_verdict_does_not_depend_on_the_order_or_on_the_others(
    night: tuple[Store, str], order: list[str]
) -> None:
    """rev16r: `deploy A W1` (close protection lapsing at midnight) was accepted alone and
    `deploy A W3` (driving only, breaking nothing) then refused naming W1's lapse. Per
    officer, in any order and one at a time: W1 is refused under R8, W3 is deployed."""
    store, activity_id = night
    _w1_w3(store)
    for callsign in order:
        if callsign == "W1":
            assert (
                sentence(_refused(store, activity_id, ["W1"])) == f"Not deployed: {_lapse('W1')}."
            )
        else:
            staffing.deploy(store, activity_id, ["W3"])
    assert sentence(_refused(store, activity_id, order)).startswith("Not deployed: ")
    assert [d.callsign for d in roster.list_deployments(store, activity_id)] == ["W3"]
    assert _violations(store) == []


def test_one_at_a_time_an_innocent_officer_is_never_refused_for_another(
    night: tuple[Store, str],
) -> None:
    """A lapse recorded after W1 and W3 were deployed is listed against W1 alone; W3 (who
    breaks nothing) is never named, and another driver is still judged as staffing."""
    store, activity_id = night
    _w1_w3(store)
    deploy_before_the_lapse(store, activity_id, ["W1", "W3"])
    assert _violations(store) == [("W1", _lapse("W1"))]
    assert "D1 fills no open slot" in sentence(_refused(store, activity_id, ["D1"]))


def test_a_second_driver_fills_no_slot(night: tuple[Store, str]) -> None:
    """Two drivers for one driving slot: neither is needed while the other is there, so the
    group is refused (in any order); the refusal binds them in the order named, as
    ``gaps.bind`` does, and names only the one left over (rev17r: both were named, the slot
    said "already filled" by the two refused)."""
    store, activity_id = night
    refusal = _refused(store, activity_id, ["D2", "D1"])
    assert refusal.rule == "deployment"
    assert "D1 fills no open slot of the concept from 2026-12-01 23:00" in sentence(refusal)
    assert "D2 fills" not in sentence(refusal)
    # the qualification named as the catalogue names it, never its code (issue 17)
    assert "(1 Protective driving slot open, filled by D2)" in sentence(refusal)
    assert "D2 fills no open slot" in sentence(_refused(store, activity_id, ["D1", "D2"]))
    staffing.deploy(store, activity_id, ["D1"])
    assert "D2 fills no open slot" in sentence(_refused(store, activity_id, ["D2"]))


def test_a_group_that_fills_every_slot_all_night_is_deployed(night: tuple[Store, str]) -> None:
    store, activity_id = night
    staffing.deploy(store, activity_id, ["D1", "C1"])
    assert staffing.staffing_shortfalls(store, activity_id) == []
    assert "D2 fills no open slot" in sentence(_refused(store, activity_id, ["D2"]))


def test_a_lapse_recorded_after_the_deployment_is_listed_for_that_officer(
    night: tuple[Store, str],
) -> None:
    """X2 lapses after X1, X2 were deployed: listed (R8, the qualification and the hour) for
    X2 alone, although X2 could still drive; X1, whose lapse was known, stays listed too."""
    store, activity_id = night
    staff.set_qualification(store, "X1", "close_protection", None)
    staff.set_qualification(store, "X2", "close_protection", None)
    staffing.deploy(store, activity_id, ["X1", "X2"])
    assert _violations(store) == []
    staff.set_qualification(store, "X2", "close_protection", LAPSES)
    (row,) = staffing.deployment_violations(
        store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
    )
    assert (row["activity"], row["callsign"]) == (activity_id, "X2")
    assert (row["problem"].code, row["problem"].rule) == ("lapses", "R8")
    assert phrase(row["problem"]) == _lapse("X2")


def test_a_lapse_at_the_end_or_before_the_start_is_no_lapse_within(store: Store) -> None:
    """A qualification that lapses exactly when the activity ends was valid for all of it;
    one lapsed before it starts is not held then (judged as holding none, or as staffing)."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    staff.add_staff(
        store,
        "X1",
        unit="RT",
        qualifications=[("close_protection", LAPSES), ("protective_driving", None)],
    )
    roster.add_shift(
        store, "X1", start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 04:00")
    )
    before, after = (
        agenda.add_activity(
            store, person="BEVER", title=t, start=at(store, a), end=at(store, b), concept="ESCORT"
        ).id
        for t, a, b in (
            ("Voor", "2026-12-01 23:00", "2026-12-02 00:00"),
            ("Na", "2026-12-02 00:00", "2026-12-02 01:00"),
        )
    )
    staffing.deploy(store, before, ["X1"])
    staffing.deploy(store, after, ["X1"])  # drives: close protection lapsed before it began
    assert [d.callsign for d in roster.list_deployments(store, after)] == ["X1"]
    assert _violations(store) == []


def test_a_driver_next_to_an_officer_whose_lapse_was_recorded_later_is_deployed(
    store: Store,
) -> None:
    """Issue 16 reviews: CP-LIGHT (2 close protection + 1 driver) 23:00–01:00. P2's close
    protection lapses at midnight: P2 is refused under R8 for themself; P1 (close
    protection) and P3 (driving) are deployed whoever else is there — also next to P2 when
    P2's lapse was recorded after P2's deployment (then listed for P2 alone)."""
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
    assert sentence(_refused(store, item.id, ["P1", "P2"])) == f"Not deployed: {_lapse('P2')}."
    deploy_before_the_lapse(store, item.id, ["P1", "P2"])
    staffing.deploy(store, item.id, ["P3"])
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, item.id)
    ]
    assert shown == ["close_protection: 1 slot open 2026-12-02 00:00–01:00 (P2 lapsed; rule R8)"]
    assert _violations(store) == [("P2", _lapse("P2"))]


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
