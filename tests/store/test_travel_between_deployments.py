"""Travel between deployments (issue 16, second review): an officer deployed on an Amsterdam
activity until 06:55 cannot be at a Rotterdam one at 07:00 — the catalogue gives 60 minutes
between AM and RT. Refused at deploy, in either order, and listed by the violations when an
edit makes a pair too tight afterwards (named once, on the later deployment)."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from store import agenda, clock, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import at, snapshot
from words.deployments import phrase
from words.errors import sentence

CP = [("close_protection", None), ("protective_driving", None)]


@pytest.fixture
def two_cities(store: Store) -> dict[str, str]:
    """MEEUW (AM) 06:00–06:55 and BEVER (RT) 07:00–08:00 and 09:00–10:00 on 1 December, each
    with CP-LIGHT; AM-0001 on duty 05:00–13:00 (early enough for the 60 minutes from AM)."""
    ids = {}
    for code, unit in (("MEEUW", "AM"), ("BEVER", "RT")):
        subjects.add_subject(store, code, kind="person", domain="local", unit=unit)
        subjects.assess_threat(store, code, level=3)
    for name, code, start, end in (
        ("am", "MEEUW", "06:00", "06:55"),
        ("rt", "BEVER", "07:00", "08:00"),
        ("rt_late", "BEVER", "09:00", "10:00"),
    ):
        ids[name] = agenda.add_activity(
            store,
            person=code,
            title=f"Afspraak {name}",
            start=at(store, f"2026-12-01 {start}"),
            end=at(store, f"2026-12-01 {end}"),
            concept="CP-LIGHT",
        ).id
    staff.add_staff(store, "AM-0001", unit="AM", qualifications=CP)
    roster.add_shift(
        store, "AM-0001", start=at(store, "2026-12-01 05:00"), end=at(store, "2026-12-01 13:00")
    )
    return ids


def test_the_problem_carries_datetimes_and_its_json_the_stored_text(
    store: Store, two_cities: dict[str, str]
) -> None:
    """One time type (issue 15): the problem's times are aware UTC datetimes, worded by the
    face; as JSON (scripts, a suggestion's token) they are the stored UTC text as before."""
    staffing.deploy(store, two_cities["am"], ["AM-0001"])
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, two_cities["rt"], ["AM-0001"])
    (problem,) = refused.value.params["problems"]
    ends, by = problem["params"]["ends"], problem["params"]["by"]
    assert (ends, by) == (at(store, "2026-12-01 06:55"), at(store, "2026-12-01 07:00"))
    assert ends.tzinfo is UTC and by.tzinfo is UTC
    assert json.dumps(clock.json_times(problem), sort_keys=True) == (
        '{"code": "travel_from_previous", "params": {"by": "2026-12-01T06:00:00Z", '
        '"callsign": "AM-0001", "ends": "2026-12-01T05:55:00Z", "from": "AM", "minutes": 60, '
        '"to": "RT"}, "rule": "travel"}'
    )
    assert phrase(problem) == (
        "AM-0001 needs 60 min travel from the previous deployment at AM ending 06:55 to RT "
        "by 07:00 (rule: travel)"
    )


def test_refused_after_a_deployment_elsewhere_too_close(
    store: Store, two_cities: dict[str, str]
) -> None:
    staffing.deploy(store, two_cities["am"], ["AM-0001"])
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, two_cities["rt"], ["AM-0001"])
    assert sentence(refused.value) == (
        "Not deployed: AM-0001 needs 60 min travel from the previous deployment at AM ending "
        "06:55 to RT by 07:00 (rule: travel)."
    )
    assert snapshot(store.path) == before
    staffing.deploy(store, two_cities["rt_late"], ["AM-0001"])  # 06:55 → 09:00: time enough


def test_refused_before_a_deployment_elsewhere_too_close(
    store: Store, two_cities: dict[str, str]
) -> None:
    staffing.deploy(store, two_cities["rt"], ["AM-0001"])
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, two_cities["am"], ["AM-0001"])
    assert sentence(refused.value) == (
        "Not deployed: AM-0001 needs 60 min travel from AM ending 06:55 to the next deployment "
        "at RT starting 07:00 (rule: travel)."
    )


def test_a_pair_made_too_tight_later_is_listed_once(
    store: Store, two_cities: dict[str, str]
) -> None:
    staffing.deploy(store, two_cities["am"], ["AM-0001"])
    staffing.deploy(store, two_cities["rt_late"], ["AM-0001"])
    window = (at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00"))
    assert staffing.deployment_violations(store, *window) == []
    agenda.edit_activity(
        store,
        two_cities["am"],
        end=at(store, "2026-12-01 08:30"),
        correction="Het overleg duurt langer",
    )
    found = staffing.deployment_violations(store, *window)
    assert [(f["problem"].code, f["problem"].rule) for f in found] == [
        ("travel_from_previous", "travel")
    ]
    assert [{**f, "problem": phrase(f["problem"])} for f in found] == [
        {
            "activity": two_cities["rt_late"],
            "callsign": "AM-0001",
            "problem": "AM-0001 needs 60 min travel from the previous deployment at AM ending "
            "08:30 to RT by 09:00 (rule: travel)",
        }
    ]
