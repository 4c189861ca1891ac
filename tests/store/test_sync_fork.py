"""Issue 13 (third review), item 1: a laptop restored from an old copy of its database forks
its chain. The others detect it, set its forked changes aside with an alarm against it, apply
everything else, converge whatever the order, and its revocation gets through."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import findings, logbook
from store.clock import FixedClock
from store.db import Store, backup_database
from store.sync import exchange, forks
from store.sync import roster as rosters
from tests.conftest import NOW
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.findings import said as said_finding
from words.quarantine import said as said_reason
from words.receipts import said_all


def texts(store: Store) -> set[str]:
    return {str(r[0]) for r in store.tuples("SELECT text FROM log_entry")}


@pytest.fixture(scope="module")
def forked(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Laptop], Path]:
    """a (admin), b, c, d; b is restored from a backup after c got its change 'Origineel', then
    writes 'Vork' under the same numbers and sends it to a. d has heard from no one since."""
    root = tmp_path_factory.mktemp("fork")
    clock = FixedClock(NOW)
    team = make_team(root / "team", clock, names=("a", "b", "c", "d"))
    a, b, c, _d = team
    share = root / "share"
    exchange_all(team, share)
    backup_database(b.store, root / "b-backup.db")
    logbook.add_entry(b.store, "Origineel")
    exchange.import_file(c.store, exchange.export(b.store, out=root / "b1.swb").path)
    b.store.close()
    (root / "b-backup.db").replace(b.store.path)
    b.store = Store(b.store.path, clock=clock)
    logbook.add_entry(b.store, "Vork")
    exchange.import_file(a.store, exchange.export(b.store, out=root / "b2.swb").path)
    logbook.add_entry(a.store, "Van a")
    logbook.add_entry(c.store, "Van c")
    return team, root


def test_a_forked_chain_is_set_aside_and_the_rest_of_the_bundle_applies(
    forked: tuple[list[Laptop], Path],
) -> None:
    (a, b, c, _d), root = forked
    assert "Vork" in texts(a.store) and "Origineel" in texts(c.store)
    receipt = exchange.import_file(c.store, exchange.export(a.store, out=root / "a1.swb").path)
    assert receipt.result == "applied"
    assert receipt.failed  # an alarm: exit 5
    assert any("forked its change log" in alarm for alarm in said_all(receipt.alarms))
    assert "Van a" in texts(c.store)  # a's own changes applied
    assert "Origineel" not in texts(c.store)  # b's changes from the fork on: set aside
    assert forks.held_cuts(c.store.conn) == {b.id: forks.held(c.store.conn)[0].cut}
    # c's proof reaches a: a takes b's forked change back out too
    receipt = exchange.import_file(a.store, exchange.export(c.store, out=root / "c1.swb").path)
    assert "Van c" in texts(a.store) and "Vork" not in texts(a.store)
    assert any(
        said_reason(q.reason).startswith("after its laptop forked") for q in receipt.quarantined
    )
    # the alarm is a trust finding against b, on both
    for laptop in (a, c):
        alarms = [f for f in findings.open_findings(laptop.store) if f.kind == "witness"]
        assert {f.device for f in alarms} == {b.id}, [said_finding(f) for f in alarms]
        assert any("forked its change log" in said_finding(f) for f in alarms)


def test_every_laptop_converges_and_the_revocation_gets_through(
    forked: tuple[list[Laptop], Path],
) -> None:
    (a, b, c, d), root = forked
    share = root / "share2"
    exchange_all([a, c, d], share, rounds=3)
    assert user_tables(a.store) == user_tables(c.store) == user_tables(d.store)
    assert not {"Vork", "Origineel"} & (texts(a.store) | texts(c.store) | texts(d.store))
    assert forks.held_cuts(a.store.conn) == forks.held_cuts(d.store.conn)
    alarms_before = len(findings.witness_alarms(a.store))
    rosters.revoke(a.store, b.id)
    logbook.add_entry(b.store, "Na de intrekking")  # b keeps working on its fork
    exchange.export(b.store, folder=share)
    for _round in range(2):
        for laptop in (a, c, d):
            exchange.export(laptop.store, folder=share)
        for laptop in (a, c, d):
            for receipt in exchange.import_path(laptop.store, share):
                refused = receipt.result in ("refused", "damaged")
                assert refused == (receipt.origin == b.id or b.id in receipt.file)
    for laptop in (c, d):
        assert rosters.current(laptop.store).device(b.id)["status"] == "revoked"
    assert user_tables(a.store) == user_tables(c.store) == user_tables(d.store)
    assert len(findings.witness_alarms(a.store)) == alarms_before
