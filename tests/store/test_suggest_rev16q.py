"""Suggest and deploy judge alike; a concept that puts R1 right may be applied (issue 16).

fix16r follow-up: ``suggest`` offered "Deploy W1" (partly) where deploying W1 is refused for an
R8 lapse the group leaves open (``roster.deployable`` judges each officer alone); options now
pass the one rule every deployment passes (``staffing.judge_deployments``).
Newcomer walk: "Use CP-LIGHT (W3) instead of ESCORT — no — still short of …" was refused by
``--apply`` while README applies that same kind of option: a valid concept in place of one
below the required level is progress even when the unit is short (R1 first), so it is
*partial* ("partly covers (still short: …)") and may be applied."""

from __future__ import annotations

from datetime import date

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from store.suggest import apply_option, suggest
from tests.conftest import at

CP, PD = "close_protection", "protective_driving"
LAPSES = date(2027, 2, 12)  # valid through 12 February: lapses at midnight


def _night(store: Store) -> str:
    """MEREL's ESCORT 23:00–01:00 with RT-0068 (driving only) deployed; W1 holds close
    protection until midnight and driving: with RT-0068 the close-protection place is open
    after midnight for W1's lapse (R8)."""
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=1)
    held = {"RT-0068": [(PD, None)], "W1": [(CP, LAPSES), (PD, None)]}
    for callsign, quals in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=quals)
        roster.add_shift(
            store, callsign, start=at(store, "2027-02-12 22:00"), end=at(store, "2027-02-13 02:00")
        )
    item = agenda.add_activity(
        store,
        person="MEREL",
        title="n",
        start=at(store, "2027-02-12 23:00"),
        end=at(store, "2027-02-13 01:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, item.id, ["RT-0068"])
    return item.id


def test_suggest_never_offers_a_deployment_deploy_refuses_for_a_lapse(store: Store) -> None:
    activity_id = _night(store)
    offered = [o for o in suggest(store, activity_id) if o.callsign == "W1"]
    assert offered == []
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, activity_id, ["W1"])
    assert refused.value.rule == "R8"


def test_a_valid_concept_for_a_below_required_one_is_partly_and_applies_though_short(
    store: Store,
) -> None:
    """KIEVIT had threat 2 and an ESCORT; threat 4 now, and nobody of RT is on duty: the unit
    cannot staff CP-HEAVY, yet putting R1 right comes first — partly, and applied."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=2)
    item = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Raadsvergadering",
        start=at(store, "2026-12-01 19:00"),
        end=at(store, "2026-12-01 21:00"),
        concept="ESCORT",
    )
    subjects.assess_threat(store, "KIEVIT", level=4)
    heavy = next(
        o for o in suggest(store, item.id) if o.action == "assign" and o.concept == "CP-HEAVY"
    )
    assert (heavy.feasible, heavy.partial) == (False, True)
    assert heavy.fact is not None and heavy.fact["code"] == "partly_covers"
    assert heavy.verdict == "partly"
    applied = apply_option(store, item.id, heavy)
    assert applied.concept == "CP-HEAVY"
    assert agenda.get_activity(store, item.id).replan_reason != "below_required"
