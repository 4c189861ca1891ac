"""fork3.sh: a laptop restored from an old copy of its database signs a second version of its
changes; the team proves the fork and sets aside what it wrote after the cut, but the forked
laptop itself was never told. Now its import says so (an alarm: exit 5), and so do
``sync status`` (a finding) and ``db status`` (``forked_at``)."""

from __future__ import annotations

from pathlib import Path

from store import findings, logbook
from store.clock import FixedClock
from store.status import database_status
from store.sync import exchange
from tests.sync_team import copy_database, exchange_all, make_team
from words.findings import said as said_finding
from words.receipts import said_all


def test_a_forked_laptop_is_told_where_it_forked(tmp_path: Path, clock: FixedClock) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    exchange_all([a, b], tmp_path / "share", rounds=1)
    kept = b.store.one("SELECT max(seq) FROM sync_change WHERE origin = ?", (b.id,))[0]
    copy_database(b, b.store.path, tmp_path / "copy.db")
    logbook.add_entry(b.store, "Tak een")
    one = exchange.export(b.store, out=tmp_path / "one.swb").path
    copy_database(b, tmp_path / "copy.db", b.store.path)
    logbook.add_entry(b.store, "Tak twee")
    two = exchange.export(b.store, out=tmp_path / "two.swb").path
    exchange.import_file(a.store, one)
    exchange.import_file(a.store, two)
    assert database_status(b.store).forked_at is None
    receipt = exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    told = [alarm for alarm in said_all(receipt.alarms) if alarm.startswith("this laptop forked")]
    assert receipt.failed and len(told) == 1 and f"at number {kept}" in told[0]
    status = database_status(b.store)
    assert status.forked_at == kept
    # its own work after the cut is still shown here, and marked so (rev13c item 4)
    texts = {r[0] for r in b.store.query("SELECT text FROM log_entry")}
    assert "Tak twee" in texts and status.set_aside.get("log_entry") == 1
    assert any(
        f.params.get("set_aside", {}).get("log_entry") == 1
        and "held by no other laptop" in said_finding(f)
        for f in findings.open_findings(b.store)
    )
    assert any(
        f.params.get("forked_at") == kept and "revokes it" in said_finding(f)
        for f in findings.open_findings(b.store)
    )
    again = exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert not any(alarm.startswith("this laptop forked") for alarm in said_all(again.alarms))
