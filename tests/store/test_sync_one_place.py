"""One place at a time across laptops (issue 13, fix13d): a received deployment that breaks it
against any deployment the receiver holds as it stood, its own laptop's or another's, is
quarantined (``one_place``), alike on every laptop. A laptop cannot tell two honest laptops
deploying one officer at once offline from a laptop that wrote the second deployment having
seen the first (no record says what an author had seen), so it never lets a bundle keep a
double booking: of two, the later by the judge's order (clock, then device) is quarantined."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.errors import RuleViolation
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.sync_team import Laptop, exchange_all, held, make_team, raw_change_sets, user_tables

START = NOW + timedelta(days=3)


def _team(root: Path, clock: FixedClock, titles: tuple[str, ...]) -> tuple[list[Laptop], list[str]]:
    """Three shift leaders' laptops holding activities at the same time and RT-0080 on duty."""
    team = make_team(root / "team", clock, names=("a", "b", "c"))
    a = team[0].store
    subjects.add_subject(a, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a, "KIEVIT", level=3)
    acts = [
        agenda.add_activity(
            a,
            person="KIEVIT",
            title=title,
            start=START,
            end=START + timedelta(hours=2),
            location="Rechtbank",
            concept="CP-LIGHT",
        ).id
        for title in titles
    ]
    staff.add_staff(a, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(a, "RT-0080", start=START - timedelta(hours=2), end=START + timedelta(hours=6))
    exchange_all(team, root / "share")
    return team, acts


def _placed(laptop: Laptop) -> list[str]:
    """The titles of the activities RT-0080 is deployed on."""
    return sorted(
        str(t)
        for (t,) in laptop.store.tuples(
            "SELECT a.title FROM deployment d JOIN activity a ON a.id = d.activity_id"
        )
    )


def _one_place_held(laptop: Laptop) -> bool:
    return any(
        q.table == "deployment" and "one_place" in q.reason for q in quarantined(laptop.store)
    )


def test_a_deployment_written_having_seen_the_other_is_quarantined(tmp_path: Path) -> None:
    """rev13g f1: b holds c's deployment of RT-0080 on 'twee' (its store refuses another at
    that time), then inserts one on 'een' by raw SQL: a keeps only c's, holds b's as one_place."""
    clock = FixedClock(NOW)
    (a, b, c), (een, twee) = _team(tmp_path, clock, ("een", "twee"))
    clock.advance(minutes=1)
    staffing.deploy(c.store, twee, ["RT-0080"])
    exchange_all([a, b, c], tmp_path / "share")
    with pytest.raises(RuleViolation):
        staffing.deploy(b.store, een, ["RT-0080"])
    clock.advance(minutes=1)
    officer = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0080'")[0]
    raw_change_sets(
        b,
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d301', '{een}', '{officer}',"
        " '2026-11-28T09:02:00Z', 'OPS-B')",
    )
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert _placed(a) == ["twee"]
    assert _one_place_held(a)
    exchange_all([a, c], tmp_path / "share-ac")
    assert _placed(c) == _placed(a) == ["twee"]
    assert user_tables(a.store) == user_tables(c.store)
    assert sorted(held(a)) == sorted(held(c))


def test_a_row_recreated_after_a_concurrent_deployment_ends_alike_in_any_order(
    tmp_path: Path,
) -> None:
    """rev13g f3: a deploys RT-0080 on Q, b (not having seen it) on P; b, having seen Q, then
    deletes and re-creates a's row (same key) by raw SQL. a takes b's two bundles one after the
    other, c only the second: both end alike."""
    clock = FixedClock(NOW)
    (a, b, c), (p, q) = _team(tmp_path, clock, ("P", "Q"))
    clock.advance(minutes=1)
    staffing.deploy(a.store, q, ["RT-0080"])
    clock.advance(minutes=1)
    staffing.deploy(b.store, p, ["RT-0080"])
    first = exchange.export(b.store, out=tmp_path / "b1.swb").path
    from_a = exchange.export(a.store, out=tmp_path / "a1.swb").path
    exchange.import_file(b.store, from_a)  # b sees Q
    exchange.import_file(c.store, from_a)
    row = b.store.one(
        "SELECT id, staff_id FROM deployment WHERE activity_id = ?",
        (q,),
    )
    clock.advance(minutes=1)
    raw_change_sets(
        b,
        f"DELETE FROM deployment WHERE id = '{row[0]}'",
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('{row[0]}', '{q}', '{row[1]}', '2026-11-28T09:03:00Z', 'OPS-B')",
    )
    exchange.import_file(a.store, first)
    second = exchange.export(b.store, out=tmp_path / "b2.swb").path
    exchange.import_file(a.store, second)
    exchange.import_file(c.store, second)
    assert user_tables(a.store) == user_tables(c.store)
    assert sorted(held(a)) == sorted(held(c))
    assert len(_placed(a)) == 1
    exchange_all([a, c], tmp_path / "share-ac")
    assert user_tables(a.store) == user_tables(c.store)
    assert len(_placed(a)) == 1


@pytest.mark.parametrize("first", ["a", "b"])
def test_two_laptops_deploying_one_officer_at_once_keep_the_earlier_everywhere(
    tmp_path: Path, first: str
) -> None:
    """Two honest shift leaders offline deploy RT-0080 at the same time, a on 'een', then b on
    'twee': whichever bundle c takes first, every laptop keeps 'een' and holds b's deployment
    in quarantine (one_place), b too."""
    clock = FixedClock(NOW)
    (a, b, c), (een, twee) = _team(tmp_path, clock, ("een", "twee"))
    clock.advance(minutes=1)
    staffing.deploy(a.store, een, ["RT-0080"])
    clock.advance(minutes=1)
    staffing.deploy(b.store, twee, ["RT-0080"])
    bundles = {
        n.name: exchange.export(n.store, out=tmp_path / f"{n.name}.swb").path for n in (a, b)
    }
    for name in (first, "b" if first == "a" else "a"):
        exchange.import_file(c.store, bundles[name])
    assert _placed(c) == ["een"]
    assert _one_place_held(c)
    exchange_all([a, b, c], tmp_path / "final", rounds=3)
    for laptop in (a, b, c):
        assert _placed(laptop) == ["een"], laptop.name
        assert _one_place_held(laptop), laptop.name
        assert user_tables(laptop.store) == user_tables(a.store)
        assert sorted(held(laptop)) == sorted(held(a))
    assert {q.device for q in quarantined(b.store) if q.table == "deployment"} == {b.id}
