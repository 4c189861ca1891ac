"""Opening, migrating and refusing databases; ids; the audit chain written by every action."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from store import migrations
from store.db import Store
from store.errors import BadInput, IntegrityFailure
from store.ids import uuid7
from store.setup import init_database
from tests.conftest import refused_as, snapshot


def test_uuid7_is_version_7_and_time_ordered() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert all(i[14] == "7" for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_init_creates_wal_database_with_schema(store: Store) -> None:
    assert migrations.schema_version(store.conn) == migrations.SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.actor.callsign == "OPS-01"
    assert store.actor.role == "shift_leader"


def test_only_creating_migrates_an_empty_database_from_version_zero(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    opened = Store(path, create=True)
    assert migrations.schema_version(opened.conn) == migrations.SCHEMA_VERSION
    assert opened.one("SELECT count(*) FROM sqlite_master WHERE name = 'activity'")[0] == 1  # type: ignore[index]


@pytest.mark.parametrize("content", ["empty", "foreign", "foreign_versioned"])
def test_a_file_that_is_no_schildwacht_database_is_refused_unchanged(
    tmp_path: Path, content: str
) -> None:
    """Issue 14, last fresh review: a listing on a 0-byte file or another program's SQLite
    file wrote the whole schema into it and switched it to WAL. Only ``init`` creates."""
    path = tmp_path / "other.db"
    path.touch()
    if content != "empty":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE foo (x)")
        conn.execute("INSERT INTO foo VALUES (1)")
        if content == "foreign_versioned":
            conn.execute("PRAGMA user_version = 3")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    with refused_as(BadInput, "There is no Schildwacht database at") as refused:
        Store(path)
    assert refused.value.code == "no_database"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_every_older_version_migrates_up(tmp_path: Path) -> None:
    """A database of each older version (its migrations and no later one) opens migrated up.
    The old databases are copies of one built a migration at a time (not each rebuilt from
    the first migration: that ran the first ones once per version)."""
    building = sqlite3.connect(":memory:")
    for version, _name, sql in migrations.MIGRATIONS[:-1]:
        building.executescript(sql)
        building.execute(f"PRAGMA user_version = {version}")
        path = tmp_path / f"v{version}.db"
        copy = sqlite3.connect(path)
        building.backup(copy)
        assert migrations.schema_version(copy) == version
        copy.close()
        assert migrations.schema_version(Store(path).conn) == migrations.SCHEMA_VERSION
    building.close()


def test_newer_schema_is_refused_and_left_untouched(store: Store) -> None:
    store.conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    store.close()
    before = snapshot(store.path)
    with refused_as(BadInput, "newer than this Schildwacht understands"):
        Store(store.path)
    assert snapshot(store.path) == before


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with refused_as(BadInput, "is a directory"):
        Store(tmp_path)


def test_a_missing_database_says_how_to_create_one(tmp_path: Path) -> None:
    """The store gives the fact; the command line says `schildwacht init` (golden refusals)."""
    with refused_as(BadInput, "no Schildwacht database") as refused:
        Store(tmp_path / "absent.db")
    assert refused.value.code == "no_database"
    assert not (tmp_path / "absent.db").exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all, just some text to be sure" * 20)
    with refused_as(IntegrityFailure, "not a plain SQLite file"):
        Store(path)


def test_init_refuses_an_existing_database(store: Store) -> None:
    before = snapshot(store.path)
    with refused_as(BadInput, "already exists"):
        init_database(store.path, callsign="OPS-02")
    assert snapshot(store.path) == before


def test_failed_init_leaves_no_file(tmp_path: Path) -> None:
    with refused_as(BadInput, "Unknown unit"):
        init_database(tmp_path / "new.db", callsign="OPS-01", unit="ATLANTIS")
    assert not (tmp_path / "new.db").exists()


def test_every_action_appends_to_a_hash_chain(demo_store: Store) -> None:
    rows = demo_store.query("SELECT prev_hash, hash FROM audit_event ORDER BY seq")
    assert len(rows) >= 3
    for before, after in itertools.pairwise(rows):
        assert after["prev_hash"] == before["hash"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        demo_store.conn.execute("UPDATE audit_event SET actor = 'X'")


def test_a_script_and_the_console_can_write_at_once(store: Store) -> None:
    """A second connection in another thread waits for the first's write (busy timeout) and
    then succeeds: no 'database is locked', no lost write."""
    import threading
    import time

    other = Store(store.path, clock=store.clock)
    finished: list[float] = []

    def script() -> None:
        with other.write("test.script"):
            pass
        finished.append(time.monotonic())

    with store.write("test.console"):
        worker = threading.Thread(target=script)
        worker.start()
        time.sleep(0.3)
        assert not finished, "the second writer did not wait for the first"
        released = time.monotonic()
    worker.join(timeout=10)
    assert finished and finished[0] >= released
    actions = [
        r[0]
        for r in store.query(
            "SELECT action FROM audit_event WHERE action LIKE 'test.%' ORDER BY seq"
        )
    ]
    assert actions == ["test.console", "test.script"]
