"""R1 allows no concession across the team (issue 13, rev13m): while two laptops' threat
assessments of one person conflict, the HIGHER level is in force on every laptop, whatever the
clocks say and whatever order the bundles arrive in; activities below it are flagged
below_required, and `sync conflicts` shows the level in force first. Only a person resolving the
conflict brings the level down, and the audit trail records that it was lowered."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import agenda, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import exchange, status
from tests.conftest import NOW, at
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
)


def _person_at_four(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], str]:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=4)
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-12-03 09:00"),
        end=at(a.store, "2026-12-03 12:00"),
        location="Rechtbank",
        concept="CP-HEAVY",
    )
    exchange_all([a, b, c], tmp_path / "share")
    return [a, b, c], activity.id


def _send(sender: Laptop, receiver: Laptop, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    bundle = exchange.export(sender.store, out=out / f"{sender.name}-{receiver.name}.swb").path
    exchange.import_file(receiver.store, bundle)


def _in_force(laptop: Laptop, activity: str) -> tuple[object, ...]:
    level = laptop.store.one("SELECT threat_level FROM subject WHERE code = 'BEVER'")[0]
    row = laptop.store.one(
        "SELECT concept, required_level, replan_reason FROM activity_view WHERE id = ?",
        (activity,),
    )
    return (level, *tuple(row))


def _cli(laptop: Laptop, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(laptop.store.path), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("first", ["raise", "lowering"])
def test_concurrent_assessments_hold_the_higher_level_on_every_laptop(
    tmp_path: Path, clock: FixedClock, first: str
) -> None:
    """a raises BEVER to 5 while b, not knowing it, lowers it to 2 and gives the activity
    ESCORT (W2, legal at level 2 on b). c receives them in either order; a and b each other's."""
    (a, b, c), activity = _person_at_four(tmp_path, clock)
    clock.advance(minutes=5)
    subjects.assess_threat(a.store, "BEVER", level=5)
    clock.advance(minutes=1)
    subjects.assess_threat(b.store, "BEVER", level=2)  # later by the clock: it was the latest
    agenda.assign_concept(b.store, activity, "ESCORT")
    order = [a, b] if first == "raise" else [b, a]
    for sender in order:
        _send(sender, c, tmp_path / "c")
    _send(a, b, tmp_path / "ab")
    _send(b, a, tmp_path / "ba")
    for laptop in (a, b, c):
        assert _in_force(laptop, activity) == (5, "ESCORT", "W4", "below_required"), laptop.name
        [conflict] = status.list_conflicts(laptop.store)
        assert [h.value for h in conflict.heads] == [5, 2]  # the level in force shown first
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
    shown = _cli(a, "sync", "conflicts", "--format", "json")
    assert [(r["shown"], r["other"]) for r in json.loads(shown)] == [(5, 2)]
    people = json.loads(_cli(a, "person", "list", "--format", "json"))
    assert [p["threat_level"] for p in people if p["code"] == "BEVER"] == [5]


@pytest.mark.parametrize("ahead", [timedelta(minutes=30), timedelta(hours=5)])
def test_an_assessment_dated_ahead_does_not_outrank_a_later_raise(
    tmp_path: Path, clock: FixedClock, ahead: timedelta
) -> None:
    """rev13m clock_ahead_assessment / clock_ahead_30min: b's clock runs fast; it lowers BEVER
    to 2 (stamped ahead) and plans ESCORT; a raises to 5 a little later in real time. Once the
    clocks pass b's stamp and the laptops exchange, 5 holds on both and ESCORT is flagged."""
    (a, b, _c), activity = _person_at_four(tmp_path, clock)
    b.store.close()
    fast = FixedClock(NOW + ahead)
    b = Laptop("b", Store(b.store.path, clock=fast))
    try:
        subjects.assess_threat(b.store, "BEVER", level=2, summary="de-escalatie")
        agenda.assign_concept(b.store, activity, "ESCORT")
        _send(b, a, tmp_path / "1")
        clock.advance(minutes=10)
        fast.advance(minutes=10)
        subjects.assess_threat(a.store, "BEVER", level=5, summary="nieuwe dreiging")
        _send(a, b, tmp_path / "2")
        clock.advance(hours=6)  # past b's stamps
        fast.advance(hours=6)
        for rounds in range(2):
            _send(a, b, tmp_path / f"3-{rounds}")
            _send(b, a, tmp_path / f"4-{rounds}")
        for laptop in (a, b):
            assert _in_force(laptop, activity) == (5, "ESCORT", "W4", "below_required")
            [conflict] = status.list_conflicts(laptop.store)
            assert conflict.heads[0].value == 5
        assert user_tables(a.store) == user_tables(b.store)
    finally:
        b.store.close()


def test_lowering_an_open_conflict_is_a_persons_recorded_decision(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Resolving to the lower level is allowed, explicit and audited: the resolve's audit
    event says the level in force was 5, is now 2, and was lowered; every laptop follows."""
    (a, b, c), activity = _person_at_four(tmp_path, clock)
    clock.advance(minutes=5)
    subjects.assess_threat(a.store, "BEVER", level=5)
    subjects.assess_threat(b.store, "BEVER", level=2)
    exchange_all([a, b, c], tmp_path / "share2")
    [conflict] = status.list_conflicts(c.store)
    status.resolve(c.store, conflict.id, value="2")
    detail = json.loads(
        c.store.one(
            "SELECT detail FROM audit_event WHERE action = 'sync.resolve' ORDER BY seq DESC"
        )[0]
    )
    assert (detail["in_force"], detail["now"], detail["lowered"]) == (5, 2, True)
    exchange_all([a, b, c], tmp_path / "share3")
    for laptop in (a, b, c):
        assert status.count_open(laptop.store) == 0
        assert _in_force(laptop, activity)[:3] == (2, "CP-HEAVY", "W2")


def test_a_planted_conflict_row_can_raise_a_level_but_never_lower_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The derivation is the higher of the latest assessment and an open conflict's levels: a
    raw tool writing a conflict row of level 1 changes nothing."""
    (a, _b, _c), _activity = _person_at_four(tmp_path, clock)
    subject = a.store.one("SELECT id FROM subject")[0]
    a.store.close()
    import sqlite3

    raw = sqlite3.connect(a.store.path)
    heads = json.dumps([{"value": 1}, {"value": 2}])
    raw.execute(
        "INSERT INTO sync_conflict (id, table_name, row_id, column_name, value_a, value_b,"
        " device_a, device_b, detected_at, heads) VALUES"
        " ('x', 'subject', ?, 'threat_level', '1', '2', 'd', 'e', '2026-11-28T09:00:00Z', ?)",
        (subject, heads),
    )
    raw.commit()
    assert raw.execute("SELECT threat_level FROM subject").fetchone()[0] == 4
    raw.close()


def test_an_assessment_made_after_one_dated_a_little_ahead_follows_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Within the allowed skew (5 minutes) a peer's assessment is taken in at once; one made
    after it, having seen it, is dated after it (not at this laptop's earlier clock), so it is
    R2's latest on every laptop: the raise holds, and there is no conflict to resolve."""
    (a, b, _c), activity = _person_at_four(tmp_path, clock)
    b.store.close()
    fast = FixedClock(NOW + timedelta(minutes=4))
    b = Laptop("b", Store(b.store.path, clock=fast))
    try:
        subjects.assess_threat(b.store, "BEVER", level=2)
        _send(b, a, tmp_path / "1")
        assert a.store.one("SELECT threat_level FROM subject")[0] == 2  # taken in at once
        raised = subjects.assess_threat(a.store, "BEVER", level=5)
        assert raised.assessed_at == NOW + timedelta(minutes=4, seconds=1)
        _send(a, b, tmp_path / "2")
        for laptop in (a, b):
            assert _in_force(laptop, activity)[:3] == (5, "CP-HEAVY", "W4")
            assert status.list_conflicts(laptop.store) == []
    finally:
        b.store.close()


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_change_judged_while_a_conflict_was_open_is_judged_at_the_higher_level(
    tmp_path: Path, clock: FixedClock, first: str
) -> None:
    """Known leftover 2 of issue 13: ``level_as_of`` (the level in force when a received change
    was made) follows migration 035. a raises BEVER to 5 while b lowers it to 2; b takes in a's
    raise (the conflict is open: 5 in force on b) and then, past its own triggers, writes a
    standing post with ESCORT (W2: enough at 2, below the W4 of 5). Judged at the latest
    assessment alone (b's 2) it would pass; judged at the level in force then (5) it is
    quarantined (concept_below_required) on a and on c, whichever bundle c reads first, and
    every laptop ends with the same rows."""
    (a, b, c), _activity = _person_at_four(tmp_path, clock)
    clock.advance(minutes=5)
    subjects.assess_threat(a.store, "BEVER", level=5)
    clock.advance(minutes=1)
    subjects.assess_threat(b.store, "BEVER", level=2)
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    exchange.import_file(b.store, from_a)
    assert b.store.one("SELECT threat_level FROM subject WHERE code = 'BEVER'")[0] == 5
    clock.advance(minutes=1)
    subject = b.store.one("SELECT id FROM subject WHERE code = 'BEVER'")[0]
    raw_change_sets(
        b,
        "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
        f" VALUES ('01a2ffff-0000-7000-8000-0000000050a1', '{subject}', 'ESCORT',"
        f" '{to_db(NOW + timedelta(days=1))}', '{to_db(NOW + timedelta(days=2))}',"
        f" '{to_db(clock.now())}')",
        past_triggers=True,
    )
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    for bundle in (from_a, from_b) if first == "a" else (from_b, from_a):
        exchange.import_file(c.store, bundle)
    exchange.import_file(a.store, from_b)
    for laptop in (a, c):
        assert laptop.store.tuples("SELECT concept FROM standing_post") == [], laptop.name
        assert {(q[2], q[5].split('"error":"')[1].split('"')[0]) for q in held(laptop)} == {
            ("standing_post", "concept_below_required")
        }, held(laptop)
        assert laptop.store.one("SELECT threat_level FROM subject WHERE code = 'BEVER'")[0] == 5
    assert user_tables(a.store) == user_tables(c.store)
    assert held(a) == held(c)
