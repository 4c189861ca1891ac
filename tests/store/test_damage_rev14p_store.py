"""rev14p F4: a bundle whose export the database refused is not left behind (issue 14): the
file is put in place last, just before the COMMIT that records it, and removed when that fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import logbook, migrations
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure, StoreError
from store.sync import exchange
from tests.sync_team import make_team


def _zero_page_of(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = ?", (table,)).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as file:
        file.seek((page - 1) * size)
        file.write(bytes(size))


@pytest.mark.parametrize("how", ["out", "folder"])
def test_a_refused_export_leaves_no_bundle(tmp_path: Path, clock: FixedClock, how: str) -> None:
    team = make_team(tmp_path / "team", clock)
    b = team[1].store
    logbook.add_entry(b, "Route verkend")
    exchange.export(b, out=tmp_path / "first.swb")  # sync_bundle holds a row
    path = b.path
    b.close()
    _zero_page_of(path, "sync_bundle")
    store = Store(path, clock=clock)
    out, folder = tmp_path / "out.swb", tmp_path / "share"
    with pytest.raises((IntegrityFailure, sqlite3.DatabaseError)) as caught:  # the CLI: exit 5
        if how == "out":
            exchange.export(store, out=out)
        else:
            exchange.export(store, folder=folder)
    assert (
        "malformed" in str(caught.value) or getattr(caught.value, "code", "") == "database_damaged"
    )
    store.close()
    left = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert not out.exists() and not folder.exists()
    assert {p for p in left if p.parts[0] != "team"} == {Path("first.swb")}


def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    """All missing migrations run in one transaction: when 032 fails (a table of that name is
    there, not as 032 makes it), 031 before it is rolled back too (it stayed applied)."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, str(path), upto=30)
    conn.execute("CREATE TABLE experience (x TEXT)")  # in 032's way
    conn.execute("PRAGMA journal_mode = WAL")  # as every database of ours is
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError):
        Store(path)
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 30
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_claim'").fetchone()
    conn.close()


def test_a_refused_export_leaves_the_bundle_already_at_its_name(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev14q F2: the export failed after its file was written (there: the COMMIT on a full
    disk; here: the last step before it) and removed the bundle that was at ``--out`` before.
    Now the file is written beside its name and renamed only after the COMMIT."""
    team = make_team(tmp_path / "team", clock)
    b = team[1].store
    logbook.add_entry(b, "Route verkend")
    out = tmp_path / "usb" / "bundle.swb"
    out.parent.mkdir()
    exchange.export(b, out=out)  # yesterday's bundle
    before = out.read_bytes()
    logbook.add_entry(b, "Tweede ronde")

    def refuse(made: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    b.before_commit = refuse  # called in the export's transaction, after the file is written
    with pytest.raises((StoreError, sqlite3.Error)):
        exchange.export(b, out=out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["bundle.swb"]  # no temporary left
    b.before_commit = None
    exchange.export(b, out=out)
    assert out.read_bytes() != before
    assert sorted(p.name for p in out.parent.iterdir()) == ["bundle.swb"]
