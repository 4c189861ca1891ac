"""Deployment judges the group against the concept's staffing (issue 16): an officer who fills
no slot the others leave open is refused (staffing). ONE rule for R8 (rev16u F4): an officer
fits a place when a qualification that place needs is valid throughout the activity; one who
fits none is refused naming the lapsing qualification and the hour when that is why, and a
deployed officer is listed as a violation only when the binding leaves a place he held by a
lapsing qualification (not merely because one of his qualifications lapses)."""

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


def _full_and_lapsed(callsign: str) -> str:
    return (
        f"{callsign} fills no open slot of the concept from 2026-12-01 23:00 (already filled:"
        " Protective driving (1 of 1); Close protection lapsed 2026-12-02 00:00) (rule R8)"
    )


def test_an_officer_fits_the_place_his_qualification_valid_throughout_needs(
    night: tuple[Store, str],
) -> None:
    """rev16u F4 (one rule): X1's close protection lapses at midnight, his driving is valid
    throughout: he fits the driving place for all of the activity and is deployed, breaking
    nothing (close protection stays open for all of it, no violation). Named together, X1
    and X2 (alike) each fit only the driving place: neither is needed while the other is
    there: the command is refused, naming only X2, the one left without a place when they
    take places in the order named (rev17r: the deploy form named both). With C1 protecting,
    X2 fits no open place."""
    store, activity_id = night
    refusal = _refused(store, activity_id, ["X1", "X2"])
    assert refusal.rule == "R8"
    assert sentence(refusal) == f"Not deployed: {_full_and_lapsed('X2')}."
    staffing.deploy(store, activity_id, ["X1"])
    shown = [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ]
    assert shown == ["close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00"]
    assert _violations(store) == []
    staffing.deploy(store, activity_id, ["C1"])
    assert staffing.staffing_shortfalls(store, activity_id) == []
    assert sentence(_refused(store, activity_id, ["X2"])) == (
        f"Not deployed: {_full_and_lapsed('X2')}."
    )
    assert _violations(store) == []


def test_a_place_held_by_a_lapsing_qualification_is_listed_for_one_officer(
    night: tuple[Store, str],
) -> None:
    """X1 and X2 deployed before their lapse was recorded: from midnight neither can protect,
    so neither holds close protection throughout and the place is open for all of the
    activity (one binding, valid throughout: fix16w) — listed once, for the first by callsign
    (one officer per place a lapse opened), naming the qualification and the hour."""
    store, activity_id = night
    deploy_before_the_lapse(store, activity_id, ["X1", "X2"])
    shown = [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ]
    assert shown == [
        "close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00 (X1, X2 lapsed; rule R8)"
    ]
    assert _violations(store) == [("X1", _lapse("X1"))]


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


def test_an_officer_whose_only_open_place_lapses_is_refused_naming_it(
    night: tuple[Store, str],
) -> None:
    """W3 drives: W1 (close protection lapsing at midnight, driving valid) fits no open place
    — driving is taken, close protection he cannot hold all of the activity — and is refused
    under R8 naming the qualification and the hour; nobody is listed as a violation."""
    store, activity_id = night
    _w1_w3(store)
    staffing.deploy(store, activity_id, ["W3"])
    refusal = _refused(store, activity_id, ["W1"])
    assert refusal.rule == "R8"
    assert sentence(refusal) == f"Not deployed: {_full_and_lapsed('W1')}."
    assert _violations(store) == []


def test_two_who_fit_only_the_driving_place_take_it_first_come(
    night: tuple[Store, str],
) -> None:
    """W1 deployed fits the driving place (his driving valid throughout): W3, who only
    drives, then fits no open place (staffing) — W1 never holds close protection he cannot
    hold all of the activity, so nothing is listed."""
    store, activity_id = night
    _w1_w3(store)
    staffing.deploy(store, activity_id, ["W1"])
    refusal = _refused(store, activity_id, ["W3"])
    assert refusal.rule == "deployment"
    assert "W3 fills no open slot" in sentence(refusal)
    assert _violations(store) == []


def test_one_at_a_time_an_innocent_officer_is_never_refused_for_another(
    night: tuple[Store, str],
) -> None:
    """A lapse recorded after W1 and W3 were deployed (W1 protecting, W3 driving) opens the
    place W1 held by close protection: listed against W1 alone; W3 (who breaks nothing) is
    never named, and another driver is still judged as staffing."""
    store, activity_id = night
    _w1_w3(store)
    deploy_before_the_lapse(store, activity_id, ["W1", "W3"])
    assert _violations(store) == [("W1", _lapse("W1"))]
    assert "D1 fills no open slot" in sentence(_refused(store, activity_id, ["D1"]))


def test_a_second_driver_fills_no_slot(night: tuple[Store, str]) -> None:
    """Two drivers for one driving slot: neither is needed while the other is there, so the
    group is refused (in any order); the refusal binds them in callsign order, as
    ``gaps.bind`` does, and names only the one left over, the same whichever order they are
    named in (rev17r: both were named, the slot said "already filled" by the two refused)."""
    store, activity_id = night
    for named in (["D2", "D1"], ["D1", "D2"]):
        refusal = _refused(store, activity_id, named)
        assert refusal.rule == "deployment"
        assert "D2 fills no open slot of the concept from 2026-12-01 23:00" in sentence(refusal)
        assert "D1 fills" not in sentence(refusal)
        # the qualification named as the catalogue names it, never its code (issue 17)
        assert "(1 Protective driving slot open, filled by D1)" in sentence(refusal)
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
    """rev16u F4 (r8_after): X2's lapse recorded after X1, X2 were deployed: X1 protects and
    X2 drives throughout, so no place is held by a lapsing qualification — nothing listed,
    nothing open. When X1's lapses too, the place one of them held by close protection opens:
    listed for X1 (R8, the qualification and the hour)."""
    store, activity_id = night
    staff.set_qualification(store, "X1", "close_protection", None)
    staff.set_qualification(store, "X2", "close_protection", None)
    staffing.deploy(store, activity_id, ["X1", "X2"])
    assert _violations(store) == []
    staff.set_qualification(store, "X2", "close_protection", LAPSES)
    assert _violations(store) == []
    assert staffing.staffing_shortfalls(store, activity_id) == []
    staff.set_qualification(store, "X1", "close_protection", LAPSES)
    (row,) = staffing.deployment_violations(
        store, at(store, "2026-12-01 12:00"), at(store, "2026-12-02 12:00")
    )
    assert (row["activity"], row["callsign"]) == (activity_id, "X1")
    assert (row["problem"].code, row["problem"].rule) == ("lapses", "R8")
    assert phrase(row["problem"]) == _lapse("X1")


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


def test_a_driver_next_to_an_officer_who_drives_throughout_is_refused(
    store: Store,
) -> None:
    """Issue 16 reviews: CP-LIGHT (2 close protection + 1 driver) 23:00–01:00. P2's close
    protection lapses at midnight, his driving is valid throughout (rev16u F4): with P1
    (close protection) he is deployed, fitting the driving place. The one binding
    (``matching.bind_places``, valid throughout; fix16w, rev16v t6/t7) has P2 drive for all of
    it — never protect until midnight because P3 is on duty — so P3, a driver only, fits no
    open place and is refused; one close protection place stays open for all of the
    activity; nobody is listed as a violation."""
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
    assert _violations(store) == []
    refused = _refused(store, item.id, ["P3"])
    assert [p["params"]["callsign"] for p in refused.params["problems"]] == ["P3"]
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, item.id)
    ]
    assert shown == ["close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00"]
    assert _violations(store) == []


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
    assert [(p.start, p.end) for p in judged.parts] == [(p.start, p.end) for p in parts]
    # the judgement binds by what is valid throughout (fix16w)
    assert "close_protection" not in judged.parts[0].officers["X1"]
    assert judged.verdict.idle == ("X1",)  # D1 and X1 both fit the one driving place only
