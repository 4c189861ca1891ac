"""The concepts offered for an activity are judged as assigning one judges it (issue 16,
plan21): after a de-escalation ``activity options`` and the console's concept picker offered
ESCORT ("yes") for a CP-LIGHT night with three officers deployed, and ``activity assign``
refused it (``concept_misfits_deployed``)."""

from __future__ import annotations

import json

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from tests.commands.conftest import Run
from tests.conftest import at

RELEASE = (
    "ESCORT has places for 2 of the 3 officers deployed on it: release one of RT-0002, "
    "RT-0003 first"
)


def _deescalated(store: Store) -> str:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    held = {
        "RT-0001": ["close_protection", "protective_driving"],
        "RT-0002": ["close_protection"],
        "RT-0003": ["close_protection"],
    }
    for callsign, qualifications in held.items():
        staff.add_staff(
            store, callsign, unit="RT", qualifications=[(q, None) for q in qualifications]
        )
        roster.add_shift(
            store, callsign, start=at(store, "2026-11-28 08:00"), end=at(store, "2026-11-28 18:00")
        )
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Bezoek",
        start=at(store, "2026-11-28 12:00"),
        end=at(store, "2026-11-28 16:00"),
        concept="CP-LIGHT",
    )
    staffing.deploy(store, item.id, list(held))
    subjects.assess_threat(store, "BEVER", level=1)
    return item.id


def test_options_judge_the_deployed_group_as_assign_does(store: Store, run: Run) -> None:
    item = _deescalated(store)
    options = {o.code: o for o in agenda.activity_concept_options(store, item)}
    assert not options["ESCORT"].valid and options["ESCORT"].why == "concept_misfits_deployed"
    with pytest.raises(RuleViolation):
        agenda.assign_concept(store, item, "ESCORT")
    for o in options.values():  # every option shown valid is assigned
        if o.valid:
            pytest.fail(f"{o.code} offered: nothing fits BEVER's three officers at W1")
    listed = run("activity", "options", item, "-f", "json")
    assert listed.exit_code == 0, listed.stderr
    escort = next(r for r in json.loads(listed.stdout) if r["concept"] == "ESCORT")
    assert escort == {"concept": "ESCORT", "level": "W2", "valid": False, "reason": RELEASE}
    roster.release(store, item, "RT-0003", "een te veel")
    options = {o.code: o for o in agenda.activity_concept_options(store, item)}
    assert options["ESCORT"].valid
    agenda.assign_concept(store, item, "ESCORT")
