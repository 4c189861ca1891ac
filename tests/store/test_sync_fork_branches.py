"""Issue 13 (fresh review): a laptop restored by a plain copy from a backup that writes again
forks its change log — two different change sets under the same numbers. Every honest laptop
ends holding both branches (quarantined, each under its own key, none applied), whatever order
the branches arrived in, and the alarm against the forking laptop still fires."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from store import findings, logbook
from store.clock import FixedClock
from store.db import Store, backup_database
from store.sync import exchange, forks, status
from store.sync import quarantine as kept
from store.sync.bundle import canonical
from tests.conftest import NOW, snapshot
from tests.sync_team import Laptop, make_team, user_tables
from words.findings import said as said_finding
from words.receipts import said_all

Team = tuple[list[Laptop], Path]


def quarantine_rows(store: Store) -> list[tuple[object, ...]]:
    """The quarantine as every laptop must hold it (when it was noticed is local)."""
    return store.tuples(
        "SELECT origin, seq, branch, hlc, tbl, pk, col, actor, rule, reason FROM sync_quarantine"
        " ORDER BY origin, seq, branch"
    )


def branches(store: Store) -> list[tuple[object, ...]]:
    return store.tuples("SELECT origin, hash, header, body, signature FROM sync_fork_segment")


def texts(store: Store) -> set[str]:
    return {str(r[0]) for r in store.tuples("SELECT text FROM log_entry")}


def forked_rows(store: Store, origin: str) -> set[str]:
    """The log entries of ``origin``'s branches that are quarantined here."""
    return {
        str(r[0])
        for r in store.tuples(
            "SELECT DISTINCT pk FROM sync_quarantine WHERE origin = ? AND branch != ''"
            " AND tbl = 'log_entry' AND rule = 'forked'",
            (origin,),
        )
    }


def hear_each_other(laptops: list[Laptop], share: Path) -> None:
    """Every laptop sends to a shared folder, then reads everyone else's."""
    for one in laptops:
        exchange.export(one.store, folder=share)
    for one in laptops:
        exchange.import_path(one.store, share)


def copy_back(laptop: Laptop, backup: Path, clock: FixedClock) -> None:
    """The laptop's database replaced by a plain copy of a backup (no restore procedure)."""
    laptop.store.close()
    shutil.copyfile(backup, laptop.store.path)
    laptop.store = Store(laptop.store.path, clock=clock)


@pytest.fixture
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    """a (admin), b, c, d. c is copied back from a backup after it sent 'Tak een' (c1.swb),
    then writes 'Tak twee' under the same numbers (c2.swb). a receives c1 then c2, b receives
    c2 then c1; d never hears from c."""
    root = tmp_path_factory.mktemp("branches")
    clock = FixedClock(NOW)
    laptops = make_team(root / "team", clock, names=("a", "b", "c", "d"))
    c = laptops[2]
    hear_each_other(laptops, root / "share")  # everyone knows everyone (and c's first changes)
    backup_database(c.store, root / "c-backup.db")
    logbook.add_entry(c.store, "Tak een")
    exchange.export(c.store, out=root / "c1.swb")
    copy_back(c, root / "c-backup.db", clock)
    logbook.add_entry(c.store, "Tak twee")
    exchange.export(c.store, out=root / "c2.swb")
    return laptops, root


def _both_orders_end_with_both_branches_held_and_neither_applied(team: Team) -> None:
    (a, b, c, _d), root = team
    first = exchange.import_file(a.store, root / "c1.swb")
    assert "Tak een" in texts(a.store) and not first.failed
    alarmed = exchange.import_file(a.store, root / "c2.swb")
    assert alarmed.failed and any("forked its change log" in x for x in said_all(alarmed.alarms))
    exchange.import_file(b.store, root / "c2.swb")
    exchange.import_file(b.store, root / "c1.swb")
    exchange.import_file(b.store, exchange.export(a.store, out=root / "a1.swb").path)
    exchange.import_file(a.store, exchange.export(b.store, out=root / "b1.swb").path)
    assert quarantine_rows(a.store) == quarantine_rows(b.store)
    assert branches(a.store) == branches(b.store) and len(branches(a.store)) == 2
    assert user_tables(a.store) == user_tables(b.store)
    assert not {"Tak een", "Tak twee"} & (texts(a.store) | texts(b.store))
    # both branches' work is visible: one quarantined log entry per branch, each its own key
    assert len(forked_rows(a.store, c.id)) == 2
    listed = kept.change_sets(a.store)
    assert len({s.id for s in listed if s.branch}) == 2
    assert forks.held_cuts(a.store.conn) == forks.held_cuts(b.store.conn)
    # sync status names both branches, kept aside, by their laptop, numbers and reason
    refused = [(r.device, r.code) for r in status.refused_segments(a.store)]
    assert refused == [(c.id, "forked")] * 2
    (peer,) = [p for p in status.peers(a.store) if p.device == c.id]
    assert len(peer.refused_segments) == 2
    assert sum("change log forked" in w for w in said_all(peer.warnings)) == 2


def _the_same_bundles_again_change_nothing(team: Team) -> None:
    (a, b, _c, _d), root = team
    before = snapshot(a.store.path)
    for name in ("c1.swb", "c2.swb", "b1.swb"):
        assert exchange.import_file(a.store, root / name).result == "already applied"
    assert snapshot(a.store.path) == before
    held = (user_tables(a.store), quarantine_rows(a.store), branches(a.store))
    # a new bundle carrying both branches again (b relays them): nothing new
    again = exchange.import_file(a.store, exchange.export(b.store, out=root / "b2.swb").path)
    assert not again.quarantined and not again.forked
    assert (user_tables(a.store), quarantine_rows(a.store), branches(a.store)) == held


def _a_third_laptop_that_never_saw_the_forking_laptop_ends_the_same(team: Team) -> None:
    (a, b, _c, d), root = team
    receipt = exchange.import_file(d.store, exchange.export(a.store, out=root / "a2.swb").path)
    assert any(
        "forked its change log" in x for x in said_all(receipt.alarms)
    )  # the alarm fires on d
    exchange.import_file(d.store, root / "b2.swb")
    assert quarantine_rows(d.store) == quarantine_rows(a.store) == quarantine_rows(b.store)
    assert branches(d.store) == branches(a.store)
    assert user_tables(d.store) == user_tables(a.store)
    alarms = [f for f in findings.open_findings(d.store) if f.kind == "witness"]
    assert any("forked its change log" in said_finding(f) for f in alarms)
    assert all(f.at is not None and f.at.utcoffset() == timedelta(0) for f in alarms)  # data


def _the_forking_laptop_still_reads_the_team_bundles(team: Team) -> None:
    """Its own branches come back to it in every bundle: it skips them (it holds its own
    history) instead of refusing the bundle."""
    (a, _b, c, _d), root = team
    receipt = exchange.import_file(c.store, exchange.export(a.store, out=root / "a3.swb").path)
    assert receipt.result in ("applied", "partly applied"), receipt.warnings
    assert "Tak twee" in texts(c.store)


def test_a_fork_seen_by_four_laptops_step_by_step(team: Team) -> None:
    """The steps share the laptops and build on each other (bundles made in one are read in the
    next), so they run in one test: spread over test workers, a later step once ran on a worker
    where the earlier ones had not, and found no fork."""
    _both_orders_end_with_both_branches_held_and_neither_applied(team)
    _the_same_bundles_again_change_nothing(team)
    _a_third_laptop_that_never_saw_the_forking_laptop_ends_the_same(team)
    _the_forking_laptop_still_reads_the_team_bundles(team)


def test_more_proofs_than_are_kept_give_the_same_cut_in_any_order(store: Store) -> None:
    """A laptop that forked again and again: each laptop keeps the lowest-cut proofs, so two
    laptops that received them in opposite orders hold the same ones and cut at the same
    number (the first ones to arrive used to be kept, the lowest cut then lost)."""
    proofs = []
    for first in range(40, 40 - 2 * (forks.MAX_PROOFS + 4), -2):  # highest cut first
        heads = [
            canonical(
                {
                    "origin": "dev-x",
                    "number": first,
                    "first_seq": first,
                    "last_seq": first,
                    "variant": v,
                }
            )
            for v in (1, 2)
        ]
        proofs.append(forks.Proof("dev-x", heads[0], b"s1", heads[1], b"s2"))
    held = []
    for order in (proofs, proofs[::-1]):
        store.conn.execute("DELETE FROM meta WHERE key = ?", (forks.FORKS_KEY,))
        for one in order:
            forks.keep(store.conn, [one])
        held.append(sorted(p.key() for p in forks.held(store.conn)))
        assert forks.held_cuts(store.conn) == {"dev-x": min(p.cut for p in proofs)}
    assert held[0] == held[1] and len(held[0]) == forks.MAX_PROOFS


def test_a_change_to_a_row_of_one_branch_is_judged_alike_at_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    """a cleared c's flagged entry of the first branch before it learnt of the fork; b only
    ever saw the second branch. The bundle that brings b the first branch brings a's clearance
    too: b takes the branch in before it judges the clearance, so it refers to a known row (as
    on a) instead of waiting for one — both hold the same rows after that one import."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    hear_each_other([a, b, c], tmp_path / "share")
    backup_database(c.store, tmp_path / "c-backup.db")
    entry = logbook.add_entry(c.store, "Tak een", flagged=True)
    exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c1.swb").path)
    copy_back(c, tmp_path / "c-backup.db", clock)
    logbook.add_entry(c.store, "Tak twee", flagged=True)
    c2 = exchange.export(c.store, out=tmp_path / "c2.swb").path
    logbook.clear_entry(a.store, entry.id, reason="Afgehandeld")
    exchange.import_file(a.store, c2)
    exchange.import_file(b.store, c2)
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a1.swb").path)
    assert not b.store.tuples("SELECT origin, seq, waits FROM sync_deferred")
    assert user_tables(b.store) == user_tables(a.store)
    assert quarantine_rows(b.store) == quarantine_rows(a.store)


def test_a_branch_too_large_to_relay_is_kept_by_no_laptop(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every bundle relays the branches: one larger than ``MAX_BRANCH_BYTES`` (here made tiny)
    is dropped on every laptop alike — the one that applied it first too — so a forking laptop
    cannot make the team's bundles too large to read, and the laptops still end the same."""
    monkeypatch.setattr(forks, "MAX_BRANCH_BYTES", 10)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    hear_each_other([a, b, c], tmp_path / "share")
    backup_database(c.store, tmp_path / "c-backup.db")
    logbook.add_entry(c.store, "Tak een")
    c1 = exchange.export(c.store, out=tmp_path / "c1.swb").path
    copy_back(c, tmp_path / "c-backup.db", clock)
    logbook.add_entry(c.store, "Tak twee")
    c2 = exchange.export(c.store, out=tmp_path / "c2.swb").path
    for laptop, files in ((a, (c1, c2)), (b, (c2, c1))):
        for path in files:
            exchange.import_file(laptop.store, path)
    relayed = exchange.export(a.store, out=tmp_path / "a1.swb")
    exchange.import_file(b.store, relayed.path)
    assert not branches(a.store) and not branches(b.store)
    assert quarantine_rows(a.store) == quarantine_rows(b.store)
    assert user_tables(a.store) == user_tables(b.store)
    assert not {"Tak een", "Tak twee"} & (texts(a.store) | texts(b.store))
