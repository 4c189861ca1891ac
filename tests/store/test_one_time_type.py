"""One time type (issue 15 point 1): records and facts carry aware UTC datetimes, text only at
the edges. The clock's display helpers take datetimes (stored text is converted once, with
``from_db``); a deployment problem's times are datetimes that its JSON writes as the stored UTC
text scripts always received; the handover's overlap periods are ISO with the offset."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from store import agenda, clock, roster, staff, subjects
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import at, snapshot
from words.deployments import phrase

HELPERS = (clock.local, clock.local_iso, clock.local_text, clock.local_span, clock.hours_between)


@pytest.mark.parametrize("helper", HELPERS, ids=lambda f: f.__name__)
def test_the_clock_helpers_take_datetimes_not_stored_text(helper: Callable[..., object]) -> None:
    for name, parameter in inspect.signature(helper).parameters.items():
        if name != "with_date":
            assert "str" not in str(parameter.annotation), (helper, name)


def test_json_times_writes_datetimes_as_stored_utc_text_at_any_depth() -> None:
    moment = datetime(2026, 12, 1, 6, 55, tzinfo=UTC)
    local = moment.astimezone(clock.LOCAL_TZ)  # the same instant in Amsterdam: the same text
    facts = {"at": local, "list": [moment, ("x", moment)], "n": 3, "none": None}
    assert clock.json_times(facts) == {
        "at": "2026-12-01T06:55:00Z",
        "list": ["2026-12-01T06:55:00Z", ["x", "2026-12-01T06:55:00Z"]],
        "n": 3,
        "none": None,
    }


def test_a_deployment_problem_carries_datetimes_and_its_json_the_stored_text(
    store: Store,
) -> None:
    for code, unit in (("MEEUW", "AM"), ("BEVER", "RT")):
        subjects.add_subject(store, code, kind="person", domain="local", unit=unit)
        subjects.assess_threat(store, code, level=3)
    ids = [
        agenda.add_activity(
            store,
            person=code,
            title=f"Afspraak {code}",
            start=at(store, f"2026-12-01 {start}"),
            end=at(store, f"2026-12-01 {end}"),
            concept="CP-LIGHT",
        ).id
        for code, start, end in (("MEEUW", "06:00", "06:55"), ("BEVER", "07:00", "08:00"))
    ]
    cp = [("close_protection", None), ("protective_driving", None)]
    staff.add_staff(store, "AM-0001", unit="AM", qualifications=cp)
    roster.add_shift(
        store, "AM-0001", start=at(store, "2026-12-01 05:00"), end=at(store, "2026-12-01 13:00")
    )
    roster.deploy(store, ids[0], ["AM-0001"])
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        roster.deploy(store, ids[1], ["AM-0001"])
    assert snapshot(store.path) == before
    (problem,) = refused.value.params["problems"]
    params = problem["params"]
    assert problem["code"] == "travel_from_previous"
    assert (params["ends"], params["by"]) == (
        at(store, "2026-12-01 06:55"),
        at(store, "2026-12-01 07:00"),
    )
    assert all(params[k].tzinfo is UTC for k in ("ends", "by"))
    # scripts and suggestion tokens read the text they always did
    assert json.dumps(clock.json_times(problem), sort_keys=True) == (
        '{"code": "travel_from_previous", "params": {"by": "2026-12-01T06:00:00Z", '
        '"callsign": "AM-0001", "ends": "2026-12-01T05:55:00Z", "from": "AM", "minutes": 60, '
        '"to": "RT"}, "rule": "travel"}'
    )
    assert phrase(problem) == (
        "AM-0001 needs 60 min travel from the previous deployment at AM ending 06:55 to RT "
        "by 07:00 (rule: travel)"
    )
