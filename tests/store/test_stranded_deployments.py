"""Deployed officers who come to fill nothing never block the activity's staffing (issue 16,
fresh review): a lapse recorded after the deployment, or a restriction that moves the activity
past their shifts, strands them; a valid officer can still be deployed for the places they
leave open, and `suggest` offers that officer instead of "covered; nothing to do"."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from store import agenda, audit, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput, PermissionDenied, RuleViolation
from store.suggest import apply_option, suggest
from tests.conftest import as_user, at, refused_as, snapshot
from tests.sync_team import exchange_all, make_team


@pytest.fixture
def night(store: Store) -> str:
    """MEREL (W2) has an ESCORT 23:00–01:00; ZC (close protection) and ZB (driver) are
    deployed; ZD (both) and ZF (a second driver) are on duty 22:00–06:00 as well."""
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=2)
    held = {
        "ZB": ["protective_driving"],
        "ZC": ["close_protection"],
        "ZD": ["close_protection", "protective_driving"],
        "ZF": ["protective_driving"],
    }
    for callsign, quals in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in quals])
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 22:00"), end=at(store, "2026-12-02 06:00")
        )
    item = agenda.add_activity(
        store,
        person="MEREL",
        title="Nacht",
        start=at(store, "2026-12-01 23:00"),
        end=at(store, "2026-12-02 01:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, item.id, ["ZC", "ZB"])
    return item.id


def test_a_lapse_after_deployment_does_not_block_a_valid_replacement(
    store: Store, night: str
) -> None:
    staff.set_qualification(store, "ZC", "close_protection", date(2026, 12, 1))  # lapses 00:00
    (open_slot,) = staffing.staffing_shortfalls(store, night)
    assert (open_slot.qualification, open_slot.lapsed) == ("close_protection", ("ZC",))
    # suggest: not "covered", and ZD (on duty, valid) is offered for the open place
    options = suggest(store, night)
    assert options[0].what["code"] == "fill_open" and options[0].callsign == "ZD"
    assert options[0].feasible
    assert not any(o.what["code"] == "nothing_covered" for o in options)
    # a driver would fill nothing (ZB drives): refused naming him alone, not stranded ZC
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"^Not deployed: ZF ") as _:
        staffing.deploy(store, night, ["ZF"])
    assert snapshot(store.path) == before
    apply_option(store, night, options[0])
    assert staffing.staffing_shortfalls(store, night) == []
    assert [o.what["code"] for o in suggest(store, night)] == ["nothing_covered"]


def test_officers_off_duty_after_a_move_do_not_block_those_on_duty(
    store: Store, night: str
) -> None:
    for callsign in ("RT-0008", "RT-0068"):
        staff.add_staff(
            store,
            callsign,
            unit="RT",
            qualifications=[("close_protection", None), ("protective_driving", None)],
        )
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-02 07:00"), end=at(store, "2026-12-02 16:00")
        )
    agenda.restrict_activity(
        store,
        night,
        kind="moved",
        reason="capacity",
        authority="OvJ",
        new_start=at(store, "2026-12-02 07:00"),
        new_end=at(store, "2026-12-02 08:00"),
    )
    assert {(s.qualification, s.off_duty) for s in staffing.staffing_shortfalls(store, night)} == {
        ("close_protection", ("ZC",)),
        ("protective_driving", ("ZB",)),
    }  # each his own place
    assert {o.callsign for o in suggest(store, night) if o.what["code"] == "fill_open"} == {
        "RT-0008",
        "RT-0068",
    }
    staffing.deploy(store, night, ["RT-0008", "RT-0068"])
    assert staffing.staffing_shortfalls(store, night) == []


def test_deploy_accepts_a_replacement_beside_a_stranded_officer(store: Store, night: str) -> None:
    """The review's `deploy A ZD` after `staff qualify ZC close_protection:2026-12-01`."""
    staff.set_qualification(store, "ZC", "close_protection", date(2026, 12, 1))
    staffing.deploy(store, night, ["ZD"])
    assert [d.callsign for d in roster.list_deployments(store, night)] == ["ZB", "ZC", "ZD"]
    assert staffing.staffing_shortfalls(store, night) == []


def test_a_deployment_is_released_with_its_reason(store: Store, night: str) -> None:
    staff.set_qualification(store, "ZC", "close_protection", date(2026, 12, 1))
    staff.add_staff(store, "OP-0001", unit="RT", role="operator")
    operator = as_user(store, "OP-0001")
    before = snapshot(store.path)
    with refused_as(BadInput, r"^The reason may not be empty\.$"):
        roster.release(store, night, "ZC", " ")
    with refused_as(BadInput, r"^ZD is not deployed on this activity\.$"):
        roster.release(store, night, "ZD", "not needed")
    with refused_as(BadInput, r"^Name at least one officer to release\.$"):
        roster.release_group(store, night, [], "not needed")
    with pytest.raises(PermissionDenied):
        roster.release(operator, night, "ZC", "lapsed")
    assert snapshot(store.path) == before
    gone = roster.release(store, night, "ZC", "close protection lapses at midnight")
    assert gone.callsign == "ZC"
    assert [d.callsign for d in roster.list_deployments(store, night)] == ["ZB"]
    (event,) = audit.list_audit(store, action="deploy.release")
    detail = json.loads(event.detail)
    assert (event.target, detail["officer"], detail["reason"]) == (
        night,
        "ZC",
        "close protection lapses at midnight",
    )


def test_a_release_travels_to_the_other_laptops(tmp_path: Path, clock: FixedClock) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "MEREL", level=2)
    staff.add_staff(a.store, "ZD", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store, "ZD", start=at(a.store, "2026-12-01 22:00"), end=at(a.store, "2026-12-02 06:00")
    )
    item = agenda.add_activity(
        a.store,
        person="MEREL",
        title="Nacht",
        start=at(a.store, "2026-12-01 23:00"),
        end=at(a.store, "2026-12-02 01:00"),
        concept="ESCORT",
    )
    staffing.deploy(a.store, item.id, ["ZD"])
    exchange_all([a, b], tmp_path / "x1")
    roster.release(b.store, item.id, "ZD", "needed elsewhere")
    exchange_all([a, b], tmp_path / "x2")
    assert roster.list_deployments(a.store, item.id) == []
    assert a.store.one("SELECT count(*) AS n FROM sync_quarantine")["n"] == 0  # type: ignore[index]


def test_a_replacement_makes_the_lapsing_officer_redundant_and_says_so(
    store: Store, night: str
) -> None:
    """ZD fills the close protection ZC's lapse leaves open after midnight: accepted; ZC is
    then redundant (ZD covers close protection all night, ZB drives), and the group check
    over the deployed officers names him alone: the officer to release."""
    staff.set_qualification(store, "ZC", "close_protection", date(2026, 12, 1))
    staffing.deploy(store, night, ["ZD"])
    deployed = roster.deployed_officers(store, night)
    redundant = roster.group_problems(store, night, "ESCORT", deployed)
    assert sorted(p.params["callsign"] for p in redundant) == ["ZC"]
