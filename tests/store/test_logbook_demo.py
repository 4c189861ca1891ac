"""The operational log (append-only, corrections supersede, flags cleared by a shift leader) and
the deterministic demo dataset."""

from __future__ import annotations

import sqlite3

import pytest

from store import logbook, staff, subjects
from store.clock import to_db
from store.db import Store
from store.demo import generate_demo
from store.errors import BadInput, PermissionDenied
from store.setup import init_database
from tests.conftest import as_user, refused_as, snapshot


def test_log_entries_supersede_and_flags_clear(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    first = logbook.add_entry(
        store, "Onbekend voertuig bij vertrek", kind="incident", person="BEVER", flagged=True
    )
    assert (
        first.open_flag and first.author == "OPS-01" and to_db(first.at) == "2026-11-28T09:00:00Z"
    )
    fix = logbook.add_entry(store, "Correctie: voertuig was van de buren", supersedes=first.id)
    assert logbook.get_entry(store, first.id).superseded_by == fix.id
    assert logbook.list_entries(store, open_flags_only=True) == []
    second = logbook.add_entry(store, "Portofoon defect", kind="equipment", flagged=True)
    assert [e.id for e in logbook.list_entries(store, open_flags_only=True)] == [second.id]
    cleared = logbook.clear_entry(store, second.id, reason="Vervangen")
    assert (cleared.cleared_by, cleared.clear_reason) == ("OPS-01", "Vervangen")
    assert logbook.list_entries(store, open_flags_only=True) == []


def test_log_is_append_only_in_the_database(store: Store) -> None:
    entry = logbook.add_entry(store, "Notitie")
    conn = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE log_entry SET text = 'anders' WHERE id = ?", (entry.id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM log_entry")
    conn.close()


def test_log_refusals_change_nothing(store: Store) -> None:
    staff.add_staff(store, "RT-0001", unit="RT", role="operator")
    entry = logbook.add_entry(as_user(store, "RT-0001"), "Gezien", flagged=True)
    before = snapshot(store.path)
    with refused_as(PermissionDenied, "may clear flagged log entries"):
        logbook.clear_entry(as_user(store, "RT-0001"), entry.id, reason="weg")
    with refused_as(BadInput, "needs text"):
        logbook.add_entry(store, "   ")
    with refused_as(BadInput, "Unknown kind"):
        logbook.add_entry(store, "x", kind="gossip")
    with refused_as(BadInput, "Say why"):
        logbook.clear_entry(store, entry.id, reason=" ")
    assert snapshot(store.path) == before


def _content(store: Store) -> list[tuple[object, ...]]:
    """The demo's content without its (random) ids."""
    return store.query(
        "SELECT s.code, a.title, a.start_at, a.end_at, a.location, a.concept, a.status"
        " FROM activity a JOIN subject s ON s.id = a.subject_id ORDER BY 1, 3, 2"
    )


def test_demo_is_deterministic_and_has_what_the_screens_need(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    summary = generate_demo(store, seed=11, scale="small")
    other = init_database(
        tmp_path / "other.db", callsign="OPS-01", role="shift_leader", unit="RT", clock=store.clock
    )
    generate_demo(other, seed=11, scale="small")
    assert [tuple(r) for r in _content(store)] == [tuple(r) for r in _content(other)]
    assert summary.subjects == 12 and summary.activities > 50 and summary.shifts > 200
    assert store.one("SELECT count(*) FROM activity WHERE concept IS NULL")[0] > 0  # type: ignore[index]
    assert (
        store.one("SELECT count(*) FROM activity_view WHERE replan_reason = 'below_required'")[0]
        > 0
    )  # type: ignore[index]
    assert (
        store.one("SELECT count(*) FROM staff_qualification WHERE valid_until <= '2026-12-02'")[0]
        > 0
    )  # type: ignore[index]
    assert store.one("SELECT count(DISTINCT kind) FROM subject")[0] == 2  # type: ignore[index]


def test_demo_refuses_a_database_with_subjects(demo_store: Store) -> None:
    before = snapshot(demo_store.path)
    with refused_as(BadInput, "already has 12 protected subjects"):
        generate_demo(demo_store)
    assert snapshot(demo_store.path) == before
