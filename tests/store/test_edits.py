"""Edits that move an activity need a restriction or a recorded correction (R5); a status
change never cancels, revives or hides a re-planning flag (issue 16, issue 14)."""

from __future__ import annotations

import pytest

from store import agenda, subjects
from store.clock import local_iso, to_db
from store.db import Store
from store.errors import BadInput, RuleViolation
from tests.conftest import at, refused_as, snapshot


@pytest.fixture
def zitting(store: Store) -> agenda.Activity:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    return agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:30"),
        end=at(store, "2026-12-01 11:30"),
        location="Rechtbank Havenstad",
        concept="CP-LIGHT",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"start": "2026-12-01 10:30", "end": "2026-12-01 12:30"},  # moved
        {"end": "2026-12-01 12:30"},  # longer
        {"start": "2026-12-01 10:00"},  # shorter
        {"location": "Gerechtshof"},  # elsewhere
    ],
)
def test_moving_without_restriction_or_correction_is_refused(
    store: Store, zitting: agenda.Activity, change: dict[str, str]
) -> None:
    values = {k: (v if k == "location" else at(store, v)) for k, v in change.items()}
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"is a restriction \(rule R5\).*correction") as exc:
        agenda.edit_activity(store, zitting.id, **values)  # type: ignore[arg-type]
    assert (exc.value.rule, exc.value.code) == ("R5", "move_needs_restriction")
    assert snapshot(store.path) == before


def test_a_blank_correction_says_its_reason_is_missing(
    store: Store, zitting: agenda.Activity
) -> None:
    """A correction given blank is a correction without its reason, not a move without one
    (a fresh review got the general R5 sentence, as if no correction had been given)."""
    before = snapshot(store.path)
    with refused_as(BadInput, "The reason of the correction may not be empty"):
        agenda.edit_activity(store, zitting.id, location="Gerechtshof", correction="  \t")
    assert snapshot(store.path) == before


def test_a_correction_is_recorded_with_its_reason(store: Store, zitting: agenda.Activity) -> None:
    edited = agenda.edit_activity(
        store,
        zitting.id,
        start=at(store, "2026-12-01 13:30"),
        end=at(store, "2026-12-01 15:30"),
        correction="Typfout: de zitting is 's middags",
    )
    assert (local_iso(edited.start_at), local_iso(edited.end_at)) == (
        "2026-12-01T13:30:00+01:00",
        "2026-12-01T15:30:00+01:00",
    )
    (fix,) = agenda.list_corrections(store, zitting.id)
    assert (fix.reason, fix.recorded_by) == ("Typfout: de zitting is 's middags", "OPS-01")
    assert (to_db(fix.old_start_at), to_db(fix.new_start_at)) == (
        "2026-12-01T08:30:00Z",
        "2026-12-01T12:30:00Z",
    )
    assert agenda.list_restrictions(store, zitting.id) == []


def test_unchanged_times_and_a_new_title_need_nothing(
    store: Store, zitting: agenda.Activity
) -> None:
    edited = agenda.edit_activity(
        store,
        zitting.id,
        title="Zitting (besloten)",
        start=at(store, "2026-12-01 09:30"),
        location="Rechtbank Havenstad",
    )
    assert edited.title == "Zitting (besloten)"
    assert agenda.list_corrections(store, zitting.id) == []


def test_done_only_once_ended(store: Store, zitting: agenda.Activity) -> None:
    before = snapshot(store.path)
    with refused_as(RuleViolation, "can be marked done only once it has ended"):
        agenda.edit_activity(store, zitting.id, status="done")
    with refused_as(RuleViolation, "only once it has ended"):
        agenda.add_activity(
            store,
            person="BEVER",
            title="Later",
            start=at(store, "2026-12-02 09:00"),
            end=at(store, "2026-12-02 10:00"),
            status="done",
        )
    assert snapshot(store.path) == before
    store.clock.advance(days=4)  # type: ignore[attr-defined]
    assert agenda.edit_activity(store, zitting.id, status="done").status == "done"


def test_no_status_change_hides_a_re_planning_flag(store: Store, zitting: agenda.Activity) -> None:
    subjects.assess_threat(store, "BEVER", level=4)  # CP-LIGHT (W3) is now below W4
    store.clock.advance(days=4)  # type: ignore[attr-defined]
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"needs re-planning \(below_required\)") as exc:
        agenda.edit_activity(store, zitting.id, status="done")
    assert exc.value.rule == "R1"
    assert snapshot(store.path) == before
    assert [a.id for a in agenda.list_activities(store, replan_only=True)] == [zitting.id]


def test_a_cancelled_activity_stays_cancelled(store: Store, zitting: agenda.Activity) -> None:
    agenda.restrict_activity(
        store, zitting.id, kind="cancelled", reason="capacity", authority="OvJ Havenstad"
    )
    before = snapshot(store.path)
    for status in ("planned", "confirmed"):
        with refused_as(RuleViolation, "stays cancelled"):
            agenda.edit_activity(store, zitting.id, status=status)
    with refused_as(BadInput, "set by a restriction"):
        agenda.edit_activity(store, zitting.id, status="cancelled")
    assert snapshot(store.path) == before
