"""Issue 13 (fourth review), item 4: a laptop restored from a backup that follows the README
(imports the team's newer bundle first, then works) never forks. Two laptops, so no third one
relays the restored laptop's own later changes back to it: it numbers its new changes after
the team's copy, says on export that it waits for its own changes (never a silent "0
changes"), tells the team how far it holds them, takes them back in, and then sends its new
work as the segment that follows the team's copy."""

from __future__ import annotations

from pathlib import Path

from store import logbook
from store.clock import FixedClock
from store.db import Store, backup_database
from store.sync import exchange, forks, log, restored
from tests.sync_team import make_team, user_tables
from words.receipts import said_all


def test_a_restored_laptop_that_imports_first_continues_after_the_teams_copy(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    backup_database(b.store, tmp_path / "b-backup.db")
    logbook.add_entry(b.store, "first after backup")
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b1.swb").path)
    team_copy = log.last_seq(a.store.conn, b.id)
    b.store.close()
    (tmp_path / "b-backup.db").replace(b.store.path)
    back = Store(b.store.path, clock=clock)
    held = log.last_seq(back.conn, b.id)
    assert held < team_copy

    exchange.import_file(back, exchange.export(a.store, out=tmp_path / "a1.swb").path)
    assert restored.gap(back.conn) == (held, team_copy)
    logbook.add_entry(back, "second, after restore and import")
    assert log.last_seq(back.conn, b.id) > team_copy  # never a number the team holds
    waiting = exchange.export(back, out=tmp_path / "b2.swb")
    assert waiting.changes == 0
    assert any("restored from a backup" in w for w in said_all(waiting.warnings))  # never silent
    assert [n.code for n in waiting.warnings] == ["restored_gap"]
    exchange.import_file(a.store, waiting.path)
    assert not forks.held_cuts(a.store.conn)

    exchange.import_file(back, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert restored.gap(back.conn) is None  # its own changes came back
    logbook.add_entry(back, "third")
    sent = exchange.export(back, out=tmp_path / "b3.swb")
    receipt = exchange.import_file(a.store, sent.path)
    assert not receipt.quarantined and not receipt.forked and sent.changes > 0
    assert not forks.held_cuts(a.store.conn)
    assert not a.store.one("SELECT 1 FROM sync_quarantine")
    texts = "SELECT text FROM log_entry ORDER BY text"
    assert [r[0] for r in a.store.tuples(texts)] == [
        "first after backup",
        "second, after restore and import",
        "third",
    ]
    assert user_tables(a.store)["log_entry"] == user_tables(back)["log_entry"]
    assert user_tables(a.store)["staff"] == user_tables(back)["staff"]
    back.close()


def test_a_backup_notes_how_far_its_own_changes_went(tmp_path: Path, clock: FixedClock) -> None:
    (a,) = make_team(tmp_path / "team", clock, names=("a",))
    backup_database(a.store, tmp_path / "copy.db")
    copy = Store(tmp_path / "copy.db", clock=clock)
    own = copy.one("SELECT value FROM meta WHERE key = ?", (restored.BACKUP_SEQ,))
    assert own is not None and int(own[0]) == log.last_seq(a.store.conn, a.id)
    assert a.store.one("SELECT 1 FROM meta WHERE key = ?", (restored.BACKUP_SEQ,)) is None
    copy.close()
