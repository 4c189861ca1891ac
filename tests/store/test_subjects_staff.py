"""Protected subjects, threat assessments, staff; bad input and wrong roles change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from store import staff, subjects
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied
from tests.conftest import as_user, refused_as, snapshot


def test_add_and_assess_a_subject(store: Store) -> None:
    subject = subjects.add_subject(store, "bever", kind="person", domain="local", unit="rt")
    assert (subject.code, subject.unit, subject.required_level) == ("BEVER", "RT", None)
    assessment = subjects.assess_threat(store, "BEVER", level=4, summary="Dreiging na uitspraak")
    assert (assessment.required_level, assessment.package) == ("W4", "PKG-W4")
    shown = subjects.get_subject(store, "BEVER")
    assert (shown.threat_level, shown.required_level, shown.package) == (4, "W4", "PKG-W4")
    explanation = subjects.explain_threat(store, "BEVER")
    assert explanation.rule is not None and explanation.rule.package == "PKG-W4"
    assert explanation.package is not None and "CP-HEAVY" in explanation.package.concepts


@pytest.mark.parametrize(
    ("code", "kwargs", "error"),
    [
        ("b", {"kind": "person", "domain": "local", "unit": "RT"}, "not a code name"),
        ("BEVER", {"kind": "animal", "domain": "local", "unit": "RT"}, "Unknown kind"),
        ("BEVER", {"kind": "person", "domain": "global", "unit": "RT"}, "Unknown domain"),
        ("BEVER", {"kind": "person", "domain": "local", "unit": "XX"}, "Unknown unit"),
        ("REIGER", {"kind": "person", "domain": "local", "unit": "RT"}, "already in use"),
    ],
)
def test_bad_subject_input_changes_nothing(
    store: Store, code: str, kwargs: dict[str, str], error: str
) -> None:
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    before = snapshot(store.path)
    with refused_as(BadInput, error):
        subjects.add_subject(store, code, **kwargs)
    assert snapshot(store.path) == before


def test_unknown_threat_level_changes_nothing(store: Store) -> None:
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    before = snapshot(store.path)
    with refused_as(BadInput, "does not exist"):
        subjects.assess_threat(store, "REIGER", level=7)
    with pytest.raises(NotFound):
        subjects.assess_threat(store, "ONBEKEND", level=2)
    assert snapshot(store.path) == before


def test_operator_may_not_assess_threat(store: Store) -> None:
    staff.add_staff(store, "RT-0001", unit="RT", role="operator")
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    operator = as_user(store, "RT-0001")
    before = snapshot(store.path)
    with refused_as(PermissionDenied, r"Only .*planner.*; RT-0001 is operator"):
        subjects.assess_threat(operator, "REIGER", level=3)
    assert snapshot(store.path) == before


def test_staff_with_qualifications_and_last_valid_day(store: Store) -> None:
    added = staff.add_staff(
        store,
        "rt-0412",
        unit="RT",
        name="A. de Vries",
        qualifications=[
            staff.parse_qualification("close_protection:2026-12-31"),
            staff.parse_qualification("protective_driving"),
        ],
    )
    assert added.callsign == "RT-0412"
    held = {q.code: q for q in added.qualifications}
    assert held["close_protection"].valid_on(date(2026, 12, 31))
    assert not held["close_protection"].valid_on(date(2027, 1, 1))
    assert held["protective_driving"].valid_on(date(2030, 1, 1))


def test_bad_staff_input_changes_nothing(store: Store) -> None:
    before = snapshot(store.path)
    with refused_as(BadInput, "Unknown qualification"):
        staff.add_staff(store, "RT-0001", unit="RT", qualifications=[("juggling", None)])
    with refused_as(BadInput, "YYYY-MM-DD"):
        staff.parse_qualification("close_protection:31-12-2026")
    with refused_as(BadInput, "already taken"):
        staff.add_staff(store, "OPS-01", unit="RT")
    with refused_as(BadInput, "Unknown role"):
        staff.add_staff(store, "RT-0002", unit="RT", role="general")
    assert snapshot(store.path) == before


def test_unknown_user_gets_a_plain_sentence(store: Store) -> None:
    with refused_as(NotFound, "No person with callsign 'NOBODY'"):
        Store(store.path, clock=store.clock, user="NOBODY").actor  # noqa: B018


def test_the_latest_assessment_decides_the_protection(store: Store) -> None:
    """R2: level, required level and package follow from the latest assessment, down as well
    as up; the explanation names it."""
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "REIGER", level=3)
    store.clock.advance(minutes=5)  # type: ignore[attr-defined]
    subjects.assess_threat(store, "REIGER", level=1)
    current = subjects.get_subject(store, "REIGER")
    assert (current.threat_level, current.required_level, current.package) == (1, "W1", "PKG-W1")
    explained = subjects.explain_threat(store, "REIGER")
    assert explained.assessment is not None and explained.assessment.level == 1
    assert [a.level for a in explained.history] == [1, 3]
