"""A revoked laptop is told that it was most likely revoked, not that the bundle was damaged."""

from __future__ import annotations

from pathlib import Path

from store import logbook
from store.clock import FixedClock
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import snapshot
from tests.sync_team import make_team
from words.receipts import said_all


def test_a_revoked_laptop_reads_that_it_was_revoked(tmp_path: Path, clock: FixedClock) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    share = tmp_path / "share"
    exchange.export(a.store, folder=share)  # a bundle b can read: r-version b holds
    assert [r.result for r in exchange.import_path(b.store, share)] == ["applied"]
    rosters.revoke(a.store, "laptop-b")
    logbook.add_entry(a.store, "Na intrekking")
    exchange.export(a.store, folder=share)
    before = snapshot(b.store.path)
    receipts = exchange.import_path(b.store, share)
    late = [r for r in receipts if r.result != "already applied"]
    assert [(r.result, r.check) for r in late] == [("refused", "revoked")]
    assert "most likely this laptop was revoked from the team" in said_all(late[0].warnings)[0]
    assert "altered" not in said_all(late[0].warnings)[0]
    assert snapshot(b.store.path) == before
