"""The agenda and the rules R1, R3, R4, R5: every refusal leaves the database unchanged."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from store import agenda, staff, subjects
from store.clock import to_db
from store.db import Store
from store.errors import BadInput, PermissionDenied, RuleViolation
from tests.conftest import as_user, refused_as, snapshot
from words.errors import concept_why, sentence

START = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
END = START + timedelta(hours=2)


@pytest.fixture
def planned(store: Store) -> Store:
    """BEVER (RT, threat 3 → W3, PKG-W3) and DAS (ZWB, threat 3), each with one activity."""
    for code, unit in (("BEVER", "RT"), ("DAS", "ZWB")):
        subjects.add_subject(store, code, kind="person", domain="local", unit=unit)
        subjects.assess_threat(store, code, level=3)
        agenda.add_activity(
            store,
            person=code,
            title="Zitting",
            start=START,
            end=END,
            location="Rechtbank Havenstad",
        )
    return store


def only(store: Store, person: str) -> agenda.Activity:
    (item,) = agenda.list_activities(store, person=person)
    return item


def test_assign_a_valid_concept(planned: Store) -> None:
    item = agenda.assign_concept(planned, only(planned, "BEVER").id, "cp-light")
    assert (item.concept, item.concept_level, item.required_level) == ("CP-LIGHT", "W3", "W3")
    assert not item.needs_replanning


def test_r1_refusal_names_levels_and_valid_concepts(planned: Store) -> None:
    before = snapshot(planned.path)
    with pytest.raises(RuleViolation) as info:
        agenda.assign_concept(planned, only(planned, "BEVER").id, "STATIC")
    assert (info.value.rule, info.value.code) == ("R1", "concept_below_required")
    assert sentence(info.value) == (
        "Concept STATIC provides W2 but BEVER requires W3 (rule R1); "
        "choose one of: CP-LIGHT, CP-HEAVY."
    )
    assert snapshot(planned.path) == before


def test_r3_a_concept_for_objects_is_refused_on_a_persons_activity(planned: Store) -> None:
    """OBJ-HRB provides W4 and is in PKG-W3, but it guards objects and services: never a
    person (the catalogue's subject_kinds)."""
    before = snapshot(planned.path)
    with pytest.raises(RuleViolation) as info:
        agenda.assign_concept(planned, only(planned, "BEVER").id, "OBJ-HRB")
    assert (info.value.rule, info.value.code) == ("R3", "concept_wrong_kind")
    assert sentence(info.value) == (
        "Concept OBJ-HRB serves objects and services, not BEVER, a protected person (rule R3); "
        "choose one of: CP-LIGHT, CP-HEAVY."
    )
    with refused_as(RuleViolation, r"rule R3"):
        agenda.add_activity(
            planned, person="BEVER", title="x", start=START, end=END, concept="obj-hrb"
        )
    assert snapshot(planned.path) == before


def test_r3_concept_outside_the_package_is_refused(planned: Store) -> None:
    subjects.assess_threat(planned, "BEVER", level=2)
    before = snapshot(planned.path)
    with refused_as(RuleViolation, r"OBJ-HRB not in BEVER's package PKG-W2 \(rule R3\)"):
        agenda.assign_concept(planned, only(planned, "BEVER").id, "OBJ-HRB")
    assert snapshot(planned.path) == before


def test_r4_pilot_concept_only_inside_its_scope(planned: Store) -> None:
    before = snapshot(planned.path)
    with refused_as(
        RuleViolation, r"pilot concept usable only in OB, ZWB; BEVER is in RT \(rule R4\)"
    ):
        agenda.assign_concept(planned, only(planned, "BEVER").id, "REMOTE-CP")
    assert snapshot(planned.path) == before
    inside = agenda.assign_concept(planned, only(planned, "DAS").id, "REMOTE-CP")
    assert inside.concept == "REMOTE-CP"


def test_no_assessment_no_concept(store: Store) -> None:
    subjects.add_subject(store, "EGEL", kind="person", domain="local", unit="RT")
    with refused_as(RuleViolation, "no threat assessment yet"):
        agenda.add_activity(store, person="EGEL", title="x", start=START, end=END, concept="CAM")
    assert agenda.list_activities(store, person="EGEL") == []


def test_rising_threat_flags_at_once_and_never_downgrades(planned: Store) -> None:
    agenda.assign_concept(planned, only(planned, "BEVER").id, "CP-LIGHT")
    subjects.assess_threat(planned, "BEVER", level=4)
    item = only(planned, "BEVER")
    assert item.concept == "CP-LIGHT"  # never silently changed
    assert item.replan_reason == "below_required"
    assert [a.id for a in agenda.list_activities(planned, replan_only=True)] == [item.id]
    assert subjects.explain_threat(planned, "BEVER").activities_to_replan == (item.id,)
    fixed = agenda.assign_concept(planned, item.id, "CP-HEAVY")
    assert not fixed.needs_replanning


def test_raw_sql_from_another_connection_cannot_break_r1(planned: Store) -> None:
    item = only(planned, "BEVER")
    before = snapshot(planned.path)
    conn = sqlite3.connect(planned.path)
    with pytest.raises(sqlite3.IntegrityError, match="R1"):
        conn.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (item.id,))
    with pytest.raises(sqlite3.IntegrityError, match="R1"):
        conn.execute(
            "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, concept,"
            " created_at, created_by, updated_at) SELECT 'x', subject_id, 't', 'work',"
            " start_at, end_at, 'STATIC', created_at, created_by, updated_at FROM activity"
            " WHERE id = ?",
            (item.id,),
        )
    conn.close()
    assert snapshot(planned.path) == before


def test_sync_import_is_let_through_and_flagged(planned: Store) -> None:
    """The one writer the trigger lets through: an import's own connection (``merging``)."""
    item = only(planned, "BEVER")
    with planned.merging() as conn:
        conn.execute("UPDATE activity SET concept = 'ESCORT' WHERE id = ?", (item.id,))
    assert only(planned, "BEVER").replan_reason == "below_required"
    with refused_as(RuleViolation, "R1"), planned.write("test.raw") as conn:
        conn.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (item.id,))


def test_operator_may_add_but_not_restrict(planned: Store) -> None:
    staff.add_staff(planned, "RT-0001", unit="RT", role="operator")
    operator = as_user(planned, "RT-0001")
    agenda.assign_concept(operator, only(planned, "BEVER").id, "CP-LIGHT")
    before = snapshot(planned.path)
    with refused_as(PermissionDenied, r"may restrict an activity; RT-0001 is operator"):
        agenda.restrict_activity(
            operator,
            only(planned, "BEVER").id,
            kind="cancelled",
            reason="capacity",
            authority="OvJ",
        )
    assert snapshot(planned.path) == before


def test_restrictions_are_recorded_with_reason_and_authority(planned: Store) -> None:
    item = agenda.assign_concept(planned, only(planned, "BEVER").id, "CP-LIGHT")
    moved = agenda.restrict_activity(
        planned,
        item.id,
        kind="moved",
        reason="capacity",
        authority="OvJ Havenstad",
        new_start=START + timedelta(hours=3),
    )
    after = only(planned, "BEVER")
    assert (after.status, to_db(after.start_at), to_db(after.end_at)) == (
        "moved",
        "2026-12-01T11:30:00Z",
        "2026-12-01T13:30:00Z",
    )
    assert after.concept == "CP-LIGHT"  # protection untouched
    assert (moved.reason, moved.authority, to_db(moved.old_start_at)) == (
        "capacity",
        "OvJ Havenstad",
        "2026-12-01T08:30:00Z",
    )
    agenda.restrict_activity(
        planned,
        item.id,
        kind="shortened",
        reason="tbp_choice",
        authority="TBP",
        new_end=START + timedelta(hours=4),
    )
    agenda.restrict_activity(planned, item.id, kind="cancelled", reason="threat", authority="NCTV")
    assert only(planned, "BEVER").status == "cancelled"
    assert agenda.restriction_counts(planned) == [
        {"person": "BEVER", "capacity": 1, "threat": 1, "tbp_choice": 1, "total": 3}
    ]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"kind": "cancelled", "reason": "budget", "authority": "OvJ"}, "Unknown reason"),
        ({"kind": "cancelled", "reason": "capacity", "authority": "  "}, "deciding authority"),
        ({"kind": "vanished", "reason": "capacity", "authority": "OvJ"}, "Unknown restriction"),
        ({"kind": "moved", "reason": "capacity", "authority": "OvJ"}, "needs the new start"),
        (
            {
                "kind": "shortened",
                "reason": "capacity",
                "authority": "OvJ",
                "new_end": END + timedelta(hours=1),
            },
            "inside its old time",
        ),
        ({"kind": "relocated", "reason": "threat", "authority": "OvJ"}, "needs the new place"),
    ],
)
def test_bad_restrictions_change_nothing(
    planned: Store, kwargs: dict[str, object], error: str
) -> None:
    before = snapshot(planned.path)
    with refused_as(BadInput, error):
        agenda.restrict_activity(planned, only(planned, "BEVER").id, **kwargs)  # type: ignore[arg-type]
    assert snapshot(planned.path) == before


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"title": "  "}, "title may not be empty"),
        ({"end": START - timedelta(hours=1)}, "not after its start"),
        ({"end": START + timedelta(days=4)}, "at most 72 hours"),
        ({"status": "cancelled"}, "set by a restriction"),
        ({}, "Nothing to change"),
    ],
)
def test_bad_edits_change_nothing(planned: Store, kwargs: dict[str, object], error: str) -> None:
    before = snapshot(planned.path)
    with refused_as(BadInput, error):
        agenda.edit_activity(planned, only(planned, "BEVER").id, **kwargs)  # type: ignore[arg-type]
    assert snapshot(planned.path) == before


def test_edit_and_list_by_window(planned: Store) -> None:
    item = only(planned, "BEVER")
    edited = agenda.edit_activity(
        planned,
        item.id[:13],
        title="Zitting (middag)",
        start=START + timedelta(hours=5),
        end=END + timedelta(hours=5),
        correction="De zitting stond verkeerd in de agenda",
    )
    assert edited.title == "Zitting (middag)"
    assert (
        agenda.list_activities(planned, start=START, end=START + timedelta(hours=4), person="BEVER")
        == []
    )
    assert len(agenda.list_activities(planned, start=START, end=END + timedelta(hours=6))) == 2


def test_concept_options_explain_every_refusal(planned: Store) -> None:
    options = {
        o.code: o for o in agenda.concept_options(planned, subjects.get_subject(planned, "BEVER"))
    }
    assert {c for c, o in options.items() if o.valid} == {"CP-LIGHT", "CP-HEAVY"}
    assert (options["CAM"].rule, options["CAM"].why) == ("R1", "concept_below_required")
    hrb = options["OBJ-HRB"]
    assert (hrb.rule, hrb.why) == ("R3", "concept_wrong_kind")
    assert concept_why(hrb.why, hrb.params) == (
        "serves objects and services, not BEVER, a protected person (rule R3)"
    )
    assert (options["REMOTE-CP"].rule, options["REMOTE-CP"].why) == ("R4", "concept_outside_pilot")
