"""A threat raise previewed before it is recorded (issue 20): the preview says exactly what the
real assessment then does (the same rules judge it: it is the real action, rolled back), and
it writes nothing — no row, no audit event, no change-log row, nothing another connection sees.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from store import capacity, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied
from store.preview import preview_assessment
from store.validate import latest_moment
from tests.conftest import as_user, snapshot


def _replan(store: Store, code: str) -> set[str]:
    """The subject's activities not yet ended that need re-planning, read from the view."""
    return {
        r["id"]
        for r in store.query(
            "SELECT v.id FROM activity_view v JOIN subject s ON s.id = v.subject_id"
            " WHERE s.code = ? AND v.replan_reason IS NOT NULL AND v.end_at > ?",
            (code, to_db(store.now())),
        )
    }


def _demand(store: Store, start: object, end: object) -> dict[str, capacity.CapacityRow]:
    return {r.key: r for r in capacity.capacity_report(store, start, end)}  # type: ignore[arg-type]


def test_the_preview_says_what_the_assessment_then_does(demo_store: Store) -> None:
    before = _replan(demo_store, "MEREL")
    seen = preview_assessment(demo_store, "MEREL", level=3)
    assert (seen.before.threat_level, seen.after.threat_level) == (1, 3)
    assert seen.after.required_level == "W3" and seen.after.package == "PKG-W3"
    assert seen.falling, "a raise from 1 to 3 puts MEREL's escorted activities below"
    assert seen.end - seen.start == timedelta(days=7)
    subjects.assess_threat(demo_store, "MEREL", level=3)  # now for real, at the same moment
    flagged = _replan(demo_store, "MEREL") - before
    assert {f.id for f in seen.falling if f.kind == "activity"} == flagged
    after = _demand(demo_store, seen.start, seen.end)
    for unit in seen.units:
        assert (unit.demand_after, unit.shortfall_after) == (
            after[unit.unit].demand_hours,
            after[unit.unit].shortfall_hours,
        )
    assert seen.hours_needed > 0 and "RT" in seen.units_short


def test_a_preview_writes_nothing_that_anyone_sees(demo_store: Store) -> None:
    rows = snapshot(demo_store.path)
    other = sqlite3.connect(demo_store.path)
    version = other.execute("PRAGMA data_version").fetchone()
    preview_assessment(demo_store, "MEREL", level=3)
    preview_assessment(demo_store, "KIEVIT", level=1, domain="national")
    assert other.execute("PRAGMA data_version").fetchone() == version  # nothing committed
    other.close()
    assert snapshot(demo_store.path) == rows
    assert subjects.get_subject(demo_store, "MEREL").threat_level == 1


def test_a_refused_preview_writes_nothing_and_the_store_writes_on(demo_store: Store) -> None:
    rows = snapshot(demo_store.path)
    with pytest.raises(BadInput):
        preview_assessment(demo_store, "MEREL", level=9)
    with pytest.raises(BadInput):
        preview_assessment(demo_store, "MEREL", level=3, domain="elsewhere")
    with pytest.raises(BadInput):
        preview_assessment(demo_store, "MEREL", level=3, days=93)
    with pytest.raises(NotFound):
        preview_assessment(demo_store, "NOBODY", level=3)
    assert snapshot(demo_store.path) == rows
    subjects.assess_threat(demo_store, "MEREL", level=2)  # the store is not left in a trial
    assert subjects.get_subject(demo_store, "MEREL").threat_level == 2


def test_only_who_may_assess_may_preview(demo_store: Store) -> None:
    operator = as_user(demo_store, "AM-0002")
    rows = snapshot(demo_store.path)
    with pytest.raises(PermissionDenied):
        preview_assessment(operator, "MEREL", level=3)
    operator.close()
    assert snapshot(demo_store.path) == rows


def test_a_preview_inside_a_store_action_is_a_programming_fault(demo_store: Store) -> None:
    with pytest.raises(RuntimeError), demo_store.write("test.nested"):
        preview_assessment(demo_store, "MEREL", level=3)


def test_only_what_newly_falls_below_is_listed(demo_store: Store) -> None:
    already = _replan(demo_store, "KIEVIT")
    assert already, "the demo's KIEVIT has activities in need of re-planning at its level 3"
    same = preview_assessment(demo_store, "KIEVIT", level=3)
    assert same.falling == () and same.hours_needed == 0.0 and same.units_short == ()
    assert isinstance(same.hours_needed, float)  # one JSON type, 0.0 too
    raised = preview_assessment(demo_store, "KIEVIT", level=4)
    subjects.assess_threat(demo_store, "KIEVIT", level=4)
    newly = _replan(demo_store, "KIEVIT") - already
    assert {f.id for f in raised.falling if f.kind == "activity"} == newly
    assert not {f.id for f in raised.falling} & already


def test_the_summary_is_checked_as_the_real_assessment_checks_it(demo_store: Store) -> None:
    rows = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        preview_assessment(demo_store, "MEREL", level=3, summary="x" * 4001)
    with pytest.raises(BadInput) as real:
        subjects.assess_threat(demo_store, "MEREL", level=3, summary="x" * 4001)
    assert refused.value.code == real.value.code
    assert snapshot(demo_store.path) == rows


def test_the_window_ends_with_the_time_range(demo_store: Store) -> None:
    late = Store(demo_store.path, clock=FixedClock(datetime(2099, 12, 31, 12, tzinfo=UTC)))
    try:
        seen = preview_assessment(late, "MEREL", level=3)
        assert seen.end == latest_moment() and seen.start < seen.end
    finally:
        late.close()
