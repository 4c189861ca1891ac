"""Issue 13 (fourth review), items 1–3: who the author of a received change is, and so what
they may do, is one lookup that every laptop computes alike: the staff row the signed roster
binds a callsign to; else the row that keeps the callsign after a clash; else the row kept
under a derived callsign (``RT-0600-2A19``). A laptop's first change set may create only the
operator its enrolment binds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import agenda, logbook, staff, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import NOW, as_user, at
from tests.hostile import Hostile, key
from tests.store.test_sync_callsign import joined
from tests.sync_team import Laptop, make_team, user_tables
from words.quarantine import said as said_reason

OLD_ID = "00000000-0000-7000-8000-000000000001"  # smaller than any id a laptop mints


def _one(store: Store, sql: str, *params: object) -> tuple[object, ...]:
    row = store.one(sql, params)
    assert row is not None
    return tuple(row)


def _quarantined(store) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return store.tuples("SELECT origin, seq, tbl, col, reason FROM sync_quarantine ORDER BY 1, 2")


def test_a_planted_row_with_the_admins_callsign_does_not_change_the_admins_role(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rolebook-admin.sh: shift leader B plants a staff row with the admin's bound callsign,
    the smallest id and the role operator; the admin's later threat assessment is still the
    admin's on honest C, as on A."""
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    first = exchange.export(a.store, out=tmp_path / "a1.swb").path
    for laptop in (b, c):
        exchange.import_file(laptop.store, first)
    fields = {
        "id": OLD_ID,
        "callsign": "OPS-A",
        "name": "x",
        "unit": "RT",
        "role": "operator",
        "created_at": to_db(b.store.now()),
    }
    hostile = Hostile(b, tmp_path)
    hostile.forge(
        ("staff", key(OLD_ID), "", None),
        *(("staff", key(OLD_ID), c, v) for c, v in fields.items()),
        actor="OPS-B",
    )
    planted = hostile.export()
    for laptop in (c, a):
        exchange.import_file(laptop.store, planted)
    clock.advance(minutes=30)
    subjects.assess_threat(a.store, "KIEVIT", level=5, summary="credible threat")
    receipt = exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert not receipt.quarantined and sum(receipt.deferred.values()) == 0
    assert _quarantined(c.store) == []
    for table in ("threat_assessment", "subject"):
        assert user_tables(c.store)[table] == user_tables(a.store)[table]
    assert _one(c.store, "SELECT threat_level FROM subject WHERE code = 'KIEVIT'")[0] == 5
    planted_row = "SELECT callsign, role FROM staff WHERE id = ?"
    assert _one(c.store, planted_row, OLD_ID) == _one(a.store, planted_row, OLD_ID)
    assert _one(c.store, planted_row, OLD_ID)[0] != "OPS-A"


@pytest.fixture
def analyst_team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Path]:
    """Admin A with an information analyst AM-0122 on its roster, and operator laptop B just
    enrolled and welcomed, its first change set (its operator, made at init) never sent."""
    (a,) = make_team(tmp_path / "team", clock, names=("a",))
    staff.add_staff(a.store, "AM-0122", unit="RT", role="info_analyst")
    b, _receipt = joined(tmp_path, a.store, "b", "RT-0412", clock)
    return a, Laptop("b", b), tmp_path


@pytest.mark.parametrize(
    ("rewrite", "reason"),
    [
        (  # bootstrap.sh: another id and the analyst's callsign as author and row
            "UPDATE sync_log SET pk = '[\"00000000-0000-7000-8000-000000000003\"]',"
            " actor = 'AM-0122' WHERE origin = 1 AND seq = 1",
            "AM-0122",
        ),
        (  # its own bound row, but with a role its enrolment did not bind
            "UPDATE sync_log SET vals = replace(vals, '\"operator\"', '\"shift_leader\"')"
            " WHERE origin = 1 AND seq = 1",
            "enrolment binds",
        ),
        (  # its own bound row, in another unit
            "UPDATE sync_log SET vals = replace(vals, '\"RT\"', '\"AM\"')"
            " WHERE origin = 1 AND seq = 1",
            "enrolment binds",
        ),
    ],
    ids=["other-person", "other-role", "other-unit"],
)
def test_a_laptops_first_change_set_creates_only_the_operator_its_enrolment_binds(
    analyst_team: tuple[Laptop, Laptop, Path], rewrite: str, reason: str
) -> None:
    a, b, root = analyst_team
    raw = sqlite3.connect(b.store.path)
    assert raw.execute("SELECT tbl FROM sync_log WHERE origin = 1 AND seq = 1").fetchone() == (
        "staff",
    )
    raw.execute(rewrite)
    raw.commit()
    raw.close()
    before = user_tables(a.store)
    receipt = exchange.import_file(a.store, Hostile(b, root).export())
    assert len(receipt.quarantined) == 7  # the whole row, none of it applied
    assert user_tables(a.store) == before
    reasons = {said_reason(r[4]) for r in _quarantined(a.store)}
    assert any(reason in text for text in reasons), reasons
    assert _one(a.store, "SELECT role FROM staff WHERE callsign = 'AM-0122'")[0] == "info_analyst"


def test_the_honest_first_change_set_still_applies(
    analyst_team: tuple[Laptop, Laptop, Path],
) -> None:
    a, b, root = analyst_team
    receipt = exchange.import_file(a.store, Hostile(b, root).export())
    assert not receipt.quarantined and sum(receipt.deferred.values()) == 0
    assert _one(a.store, "SELECT role, unit FROM staff WHERE callsign = 'RT-0412'") == (
        "operator",
        "RT",
    )
    roster = rosters.current(a.store)
    assert roster is not None
    (entry,) = [d for d in roster.devices if d["id"] == b.id]
    assert (entry["callsign"], entry["unit"], entry["operator_role"]) == (
        "RT-0412",
        "RT",
        "operator",
    )


def test_work_under_a_derived_callsign_after_an_honest_clash_applies_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    """clash.sh: A and B both add RT-0600 offline; the person kept under the derived callsign
    works on A; honest C takes that work in (it waited for ever on ``author:RT-0600-…``)."""
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    first = exchange.export(a.store, out=tmp_path / "a1.swb").path
    for laptop in (b, c):
        exchange.import_file(laptop.store, first)
    staff.add_staff(a.store, "RT-0600", unit="RT", name="Anna", role="shift_leader")
    staff.add_staff(b.store, "RT-0600", unit="RT", name="Bert", role="shift_leader")
    from_b = exchange.export(b.store, out=tmp_path / "b1.swb").path
    exchange.import_file(a.store, from_b)
    derived = str(_one(a.store, "SELECT callsign FROM staff WHERE callsign LIKE 'RT-0600-%'")[0])
    clock.advance(minutes=10)
    person = as_user(a.store, derived)
    logbook.add_entry(person, f"work by {derived}")
    subjects.assess_threat(person, "KIEVIT", level=5)
    person.close()
    exchange.import_file(c.store, from_b)
    receipt = exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert sum(receipt.deferred.values()) == 0 and not receipt.quarantined
    assert c.store.tuples("SELECT waits FROM sync_deferred") == []
    for table in ("log_entry", "threat_assessment", "subject"):
        assert user_tables(c.store)[table] == user_tables(a.store)[table]
    clashed = "SELECT id, callsign, role FROM staff WHERE callsign LIKE 'RT-0600%' ORDER BY id"
    assert c.store.tuples(clashed) == a.store.tuples(clashed)
    assert _one(c.store, "SELECT threat_level FROM subject WHERE code = 'KIEVIT'")[0] == 5


def test_the_request_names_the_operators_unit_and_role(tmp_path: Path) -> None:
    """The operator's role and unit travel in the signed enrolment request, for the roster to
    bind."""
    store = init_database(
        tmp_path / "x.db", callsign="RT-0001", role="planner", unit="RT", clock=FixedClock(NOW)
    )
    rosters.write_request(store, tmp_path / "r.json")
    data = rosters.read_request(tmp_path / "r.json").data
    assert (data["callsign"], data["unit"], data["operator_role"]) == ("RT-0001", "RT", "planner")
    store.close()


def test_a_concept_lowered_on_a_done_activity_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """donehide.sh (item 5): operator B marks an ended activity done, then lowers its concept
    below the required level with raw SQL (the R1 trigger dropped and put back); no re-planning
    flag shows on a done activity, so A refuses the change as the store would (R1)."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    school = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="Kinderen naar school",
        start=at(a.store, "2026-11-28 08:15"),
        end=at(a.store, "2026-11-28 09:15"),
        location="Basisschool",
        concept="CP-LIGHT",
    )
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a0.swb").path)
    clock.advance(minutes=30)
    agenda.edit_activity(b.store, school.id, status="done")
    hostile = Hostile(b, tmp_path)
    trigger = str(
        _one(b.store, "SELECT sql FROM sqlite_master WHERE name = 'activity_r1_update'")[0]
    )
    hostile.sql(
        "DROP TRIGGER activity_r1_update",
        ("UPDATE activity SET concept = 'CAM' WHERE id = ?", (school.id,)),
        trigger,
    )
    hostile.seal()
    receipt = exchange.import_file(a.store, hostile.export())
    assert [(q.table, q.field) for q in receipt.quarantined] == [("activity", "concept")]
    assert receipt.quarantined[0].rule == "R1"
    row = "SELECT status, concept FROM activity WHERE id = ?"
    assert _one(a.store, row, school.id) == ("done", "CP-LIGHT")
    assert [r[2:4] for r in _quarantined(a.store)] == [("activity", "concept")]


def test_the_roster_binds_the_operator_as_created_though_the_row_changed_since(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A shift leader's laptop makes its own operator a planner before it asks to join: the
    roster binds the role its first change set created them with, so that change set (and the
    later change) still applies on the team's laptops."""
    (a,) = make_team(tmp_path / "team", clock, names=("a",))
    folder = tmp_path / "laptop-s"
    folder.mkdir()
    leader = init_database(
        folder / "s.db", callsign="RT-0700", role="shift_leader", unit="RT", clock=clock
    )
    staff.set_role(leader, "RT-0700", "planner")
    rosters.write_request(leader, tmp_path / "req-s.json")
    request = rosters.read_request(tmp_path / "req-s.json")
    assert (request.data["unit"], request.data["operator_role"]) == ("RT", "shift_leader")
    rosters.enroll(a.store, request)
    welcome = exchange.export(a.store, out=tmp_path / "w.swb", welcome=request.hash)
    exchange.import_file(leader, welcome.path)
    receipt = exchange.import_file(a.store, exchange.export(leader, out=tmp_path / "s.swb").path)
    assert not receipt.quarantined and sum(receipt.deferred.values()) == 0
    assert _one(a.store, "SELECT role FROM staff WHERE callsign = 'RT-0700'") == ("planner",)
    leader.close()
