"""What depends only on the schema is made once per schema per process (issues 15 and 18): a
new database is a copy of the migrated schema, and the synced tables' shapes and the audit
capture's triggers are read once per set of table definitions. A cache must hide nothing: a
table changed by hand (a planted column) is another schema, read afresh.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store import db, integrity, migrations, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure
from store.setup import init_database
from store.sync import capture, tables
from tests.conftest import NOW, TEST_SECRET


def _traced(conn: sqlite3.Connection) -> list[str]:
    """Every statement ``conn`` runs from now on."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    return statements


def _migrated_one_by_one(path: Path) -> sqlite3.Connection:
    """A new file brought up to date by running every migration (no copy)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations._apply(conn, 0, db._finish_migrations)
    return conn


def test_a_new_database_is_a_copy_of_the_migrated_schema_not_the_migrations_run_again(
    tmp_path: Path,
) -> None:
    conn = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    ran = _traced(conn)
    assert migrations.migrate(conn, "new.db", after=db._finish_migrations) == 0
    assert not [s for s in ran if s.lstrip().upper().startswith("CREATE")]  # copied, not run
    one_by_one = _migrated_one_by_one(tmp_path / "one_by_one.db")
    assert list(conn.iterdump()) == list(one_by_one.iterdump())
    for pragma in ("user_version", "journal_mode", "page_size", "foreign_key_check"):
        assert (
            conn.execute(f"PRAGMA {pragma}").fetchall()
            == one_by_one.execute(f"PRAGMA {pragma}").fetchall()
        )
    assert migrations.schema_version(conn) == migrations.SCHEMA_VERSION
    assert not integrity.check(conn)
    conn.close()
    one_by_one.close()


def test_only_an_empty_plain_database_is_copied_into(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "other.db", isolation_level=None)
    conn.execute("CREATE TABLE someone_elses (x)")
    ran = _traced(conn)
    migrations.migrate(conn, "other.db", after=db._finish_migrations)
    assert any(s.lstrip().upper().startswith("CREATE") for s in ran)  # the migrations ran
    assert conn.execute("SELECT count(*) FROM someone_elses").fetchone()[0] == 0
    conn.close()


def test_a_database_made_from_the_copy_opens_and_is_checked_as_any_other(tmp_path: Path) -> None:
    made = init_database(
        tmp_path / "made.db",
        callsign="OPS-01",
        unit="RT",
        clock=FixedClock(NOW),
        secret=TEST_SECRET,
    )
    made.close()
    raw = sqlite3.connect(tmp_path / "made.db")
    raw.execute("DROP TRIGGER " + sorted(capture.expected_triggers(raw))[0])
    raw.commit()
    raw.close()
    with pytest.raises(IntegrityFailure) as refused:  # checked against the reference
        Store(tmp_path / "made.db")
    assert refused.value.code == "capture_missing"


def test_the_shapes_are_read_once_per_schema(store: Store) -> None:
    tables.shapes(store.conn)
    ran = _traced(store.conn)
    again = tables.shapes(store.conn)
    store.conn.set_trace_callback(None)
    assert not [s for s in ran if "table_info" in s]
    assert again["activity"].columns[0] == "id"


def test_a_column_planted_after_the_shapes_were_read_is_seen(store: Store) -> None:
    before = tables.shapes(store.conn)
    assert "planted" not in before["subject"].columns
    raw = sqlite3.connect(store.path)
    raw.execute("ALTER TABLE subject ADD COLUMN planted TEXT DEFAULT 'from a sqlite tool'")
    raw.commit()
    raw.close()
    after = tables.shapes(store.conn)
    assert after["subject"].columns == (*before["subject"].columns, "planted")
    assert "planted" not in before["subject"].columns  # what was handed out is not changed
    assert integrity.check(store.conn)  # and the guards name the table changed


def test_the_audit_capture_of_a_connection_opened_after_a_planted_column_records_it(
    store: Store,
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    raw = sqlite3.connect(store.path)
    raw.execute("ALTER TABLE subject ADD COLUMN planted TEXT DEFAULT 'from a sqlite tool'")
    raw.commit()
    raw.close()
    store.close()  # the next action opens a connection, with its own audit triggers
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    detail = json.loads(store.one("SELECT detail FROM audit_event ORDER BY seq DESC")[0])
    written = [c["after"] for c in detail["changes"] if c["table"] == "subject"]
    assert written and written[0]["planted"] == "from a sqlite tool"


def test_a_failed_audit_capture_leaves_none_half_installed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = store.conn
    real = db._audit_triggers
    monkeypatch.setattr(db, "_audit_triggers", lambda c: (*real(c)[:3], "CREATE TEMP TRIGGER x"))
    with pytest.raises(sqlite3.Error):
        store._install_capture(conn)
    assert not conn.execute("SELECT name FROM temp.sqlite_master").fetchall()
    monkeypatch.undo()
    store._install_capture(conn)  # the next action installs them whole
    triggers = "SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger'"
    assert conn.execute(triggers).fetchone()[0] == len(real(conn))


def test_the_audit_triggers_are_written_once_per_schema(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    store.close()  # a new connection installs its own TEMP triggers
    ran = _traced(store.conn)
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    store.conn.set_trace_callback(None)
    assert not [s for s in ran if "table_info" in s]
    assert [s for s in ran if s.startswith("CREATE TEMP TRIGGER audit_insert_subject")]


def test_the_queue_is_checked_for_planted_rows_in_the_tables_it_holds_only(store: Store) -> None:
    ran = _traced(store.conn)
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    store.conn.set_trace_callback(None)
    checked = [s for s in ran if "FROM sync_pending WHERE tbl = " in s]
    assert checked and len(checked) < len(tables.SYNCED_TABLES) // 2


def _typed(schema: str) -> sqlite3.Connection:
    """A connection with the store's row factory over one table ``t`` made by ``schema``,
    holding a blob in its column ``a``."""
    from store import machine

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(schema)
    conn.execute("INSERT INTO t (a) VALUES (x'00ff')")
    conn.row_factory = machine.typed_rows(sqlite3.Row, sqlite3.DatabaseError)
    return conn


def test_the_declared_column_types_are_read_per_set_of_table_definitions() -> None:
    # The row factory's "blob where TEXT is declared" check reads the tables' columns once per
    # set of CREATE TABLE texts in the process: another text (the column declared BLOB) is read
    # afresh, not answered from the first one, and the first text refuses again.
    text, blob = "CREATE TABLE t (a TEXT)", "CREATE TABLE t (a BLOB)"
    for schema, refused in ((text, True), (blob, False), (text, True), (blob, False)):
        conn = _typed(schema)
        if refused:
            with pytest.raises(sqlite3.DatabaseError, match="column 'a' holds blob"):
                conn.execute("SELECT a FROM t").fetchall()
        else:
            assert bytes(conn.execute("SELECT a FROM t").fetchone()[0]) == b"\x00\xff"
        conn.close()


def test_the_guards_digest_kept_per_process_still_sees_a_planted_trigger(tmp_path: Path) -> None:
    # ``integrity.check`` keeps the digest of guard texts it has hashed: a clean database
    # checked first does not make a later one with a planted trigger pass.
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    migrations.migrate(conn, "a.db", after=db._finish_migrations)
    assert not integrity.check(conn)
    conn.execute("CREATE TRIGGER planted AFTER INSERT ON meta BEGIN SELECT 1; END")
    assert integrity.check(conn).unexpected == ["planted"]
    conn.execute("DROP TRIGGER planted")
    assert not integrity.check(conn)
    conn.close()
