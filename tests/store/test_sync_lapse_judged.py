"""Issue 16 (fix16r, rev16r): a received deployment is judged by the store's own deploy rules
(``staffing.judge_deployments``), R8 per officer too: a hostile or stale laptop's raw
deployment of an officer whose needed qualification lapses inside the activity is quarantined
with the reason in words, alike on every laptop whatever the order the bundles arrive in; an
innocent officer deployed next to them (W3, driving) never is."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import LOCAL_TZ, FixedClock, to_db
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
    without_segments_of,
)

LAPSE = date(2026, 12, 1)  # W1's close protection is valid up to this day


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], dict[str, str]]:
    """Admin a, shift leaders b (hostile), c, d; BEVER (level 2) with an ESCORT 23:00–01:00
    across W1's lapse; W1 (close protection to LAPSE, driving) and W3 (driving) on duty; all
    exchanged."""
    team = make_team(tmp_path / "team", clock, names=("a", "b", "c", "d"), role="shift_leader")
    admin = team[0].store
    subjects.add_subject(admin, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(admin, "BEVER", level=2)
    item = agenda.add_activity(
        admin, person="BEVER", title="Nachtrit", start=_local("2026-12-01 23:00"),
        end=_local("2026-12-02 01:00"), location="Rotterdam", concept="ESCORT",
    )  # fmt: skip
    made = {"activity": item.id}
    held_by = {
        "W1": [("close_protection", LAPSE), ("protective_driving", None)],
        "W3": [("protective_driving", None)],
    }
    for callsign, qualifications in held_by.items():
        made[callsign] = staff.add_staff(
            admin, callsign, unit="RT", qualifications=qualifications
        ).id
        roster.add_shift(
            admin, callsign, start=_local("2026-12-01 20:00"), end=_local("2026-12-02 04:00")
        )
    exchange_all(team, tmp_path / "share")
    return team, made


def _raw_deployment(n: int, activity: str, staff_id: str) -> str:
    return (
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000e1{n:02d}', '{activity}', '{staff_id}',"
        f" '{to_db(NOW)}', 'OPS-B')"
    )


REFUSAL = (
    "deployment: not deployed: W1 fills no open slot of the concept from 2026-12-01 23:00"
    " (already filled: Protective driving (1 of 1); Close protection lapsed 2026-12-02 00:00)"
    " (rule R8)"
)


def test_a_raw_deployment_of_an_officer_lapsing_within_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b deploys W3 through its store, then W1 past it with raw SQL (its store refuses W1:
    the driving place is taken and W1's close protection lapses at midnight, within the
    activity, so he fits no open place). a imports
    with the real command: exit 5, W1's deployment quarantined (rule R8, the reason in words),
    W3's applied; c with the store: the same held, the same tables."""
    (a, b, c, _d), made = _team(tmp_path, clock)
    staffing.deploy(b.store, made["activity"], ["W3"])
    clock.advance(minutes=1)
    raw_change_sets(b, _raw_deployment(1, made["activity"], made["W1"]))
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert {(q["table"], q["rule"], q["row"][-4:]) for q in receipt["quarantined"]} == {
        ("deployment", "R8", "e101")
    }
    first = next(q for q in receipt["quarantined"] if q["field"] == "(exists)")
    assert first["reason"] == REFUSAL
    deployed = [r[2] for r in user_tables(a.store)["deployment"]]
    assert deployed == [made["W3"]]
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a) != []
    assert user_tables(c.store)["deployment"] == user_tables(a.store)["deployment"]


@pytest.mark.parametrize("heard", [True, False])
def test_the_same_whatever_order_the_bundles_arrive_in(
    tmp_path: Path, clock: FixedClock, heard: bool
) -> None:
    """c deploys W3 through its store; b deploys W1 with raw SQL, having heard of c's W3 or
    not (concurrently: rev16r quarantined the innocent W3 then). a hears of c's bundle first,
    d of b's first: both end with W1's deployment quarantined for R8, W3's applied, and the
    same tables."""
    (a, b, c, d), made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    staffing.deploy(c.store, made["activity"], ["W3"])
    from_c = exchange.export(c.store, out=tmp_path / "from-c.swb").path
    if heard:
        exchange.import_file(b.store, from_c)
    clock.advance(minutes=1)
    raw_change_sets(b, _raw_deployment(2, made["activity"], made["W1"]))
    Hostile(b, tmp_path).seal()
    with without_segments_of(c.id):
        from_b = Hostile(b, tmp_path).export()
    exchange.import_file(a.store, from_c)
    exchange.import_file(a.store, from_b)
    exchange.import_file(d.store, from_b)
    exchange.import_file(d.store, from_c)
    for laptop in (a, d):
        assert {(q.table, q.rule, q.row_id[-4:]) for q in quarantined(laptop.store)} == {
            ("deployment", "R8", "e102")
        }, laptop.name
    assert held(a) == held(d)
    assert user_tables(a.store) == user_tables(d.store)
    assert [r[2] for r in user_tables(d.store)["deployment"]] == [made["W3"]]


def test_concurrent_deployments_quarantine_the_lapsing_officer_not_the_innocent_one(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev16r (test_sync_concurrent): b deploys W1 first, c deploys W3 a minute later without
    having heard of it. The group rule judged W3 with W1 there and quarantined W3, the
    innocent driver, everywhere. rev16u F4 (one rule): W1, his driving valid throughout, fits
    the driving place on b's laptop as b's store would have deployed him, and W3 fits it on
    c's: each judged as the rows stood where it was made, both are applied on every laptop
    whatever the order (the place W1 then holds by close protection until midnight is a
    violation, ``gaps --violations``), never one quarantined."""
    (a, b, c, d), made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    raw_change_sets(b, _raw_deployment(3, made["activity"], made["W1"]))
    Hostile(b, tmp_path).seal()
    from_b = Hostile(b, tmp_path).export()
    clock.advance(minutes=1)
    staffing.deploy(c.store, made["activity"], ["W3"])
    from_c = exchange.export(c.store, out=tmp_path / "from-c.swb").path
    exchange.import_file(a.store, from_b)
    exchange.import_file(a.store, from_c)
    exchange.import_file(d.store, from_c)
    exchange.import_file(d.store, from_b)
    for laptop in (a, d):
        assert quarantined(laptop.store) == [], laptop.name
        deployed = {r[2] for r in user_tables(laptop.store)["deployment"]}
        assert deployed == {made["W1"], made["W3"]}, laptop.name
    assert user_tables(a.store) == user_tables(d.store)
