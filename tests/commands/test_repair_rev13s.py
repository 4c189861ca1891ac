"""`db repair` of a synced table a tool changed (issue 13, rev13s F1, F2, F5), through the CLI
on real files.

F1: a tool's rewrite of a table (new table, copy, drop, rename) stores ``CREATE TABLE
"log_entry"``; a table made again as ``LOG_ENTRY`` keeps its rows under another name. `db repair`
said "Guards … in place", exit 0, and every later command refused ("altered: log_entry …
run db repair"): a loop. Now repair rebuilds such a table with our exact definition and its rows,
and `db status` passes after it; a table with other or looser columns, or rows ours does not
take, is refused (exit 5, restore a backup) and nothing is written.
F2: a table dropped and made again empty (any definition) let repair record every row as
deleted and send that to the team; now any synced table holding fewer rows than its change log
says is ``table_lost`` (exit 5, nothing written).
F5: an emptied audit trail was reported as a changed catalogue."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from store import integrity
from store.sync.tables import SYNCED_TABLES
from tests.commands.conftest import Run
from tests.conftest import copy_database

LOOSE_LOG_ENTRY = (
    "CREATE TABLE {name} (id TEXT PRIMARY KEY, at TEXT, author TEXT, device TEXT,"
    " subject_id TEXT, activity_id TEXT, kind TEXT, text TEXT, flagged INTEGER, supersedes TEXT)"
)


def _definition(path: Path, table: str) -> tuple[str, str]:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
            (table,),
        ).fetchone()
    finally:
        conn.close()
    return str(row[0]), str(row[1])


def _raw(path: Path, *statements: str) -> None:
    """What any sqlite tool does (foreign keys off, as a table rewrite needs them)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        for statement in statements:
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _contents(path: Path) -> str:
    """Every row of every table (the WAL read too): what a refusal must leave as it was."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for (sql,) in conn.execute("SELECT sql FROM sqlite_master ORDER BY name"):
            digest.update(str(sql).encode())
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall():
            for row in sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{name}"')):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "how",
    ["quoted", "capitals"],
)
@pytest.mark.parametrize("table", ["log_entry", "shift", "activity"])
def test_a_table_a_tool_rewrote_is_rebuilt_with_ours_and_the_database_opens(
    demo: Run, db_path: Path, table: str, how: str
) -> None:
    ours = integrity.reference()[table][1]
    rows = _count(db_path, table)
    new = ours.replace(f"CREATE TABLE {table}", f"CREATE TABLE {table}_new", 1)
    _raw(
        db_path,
        "PRAGMA legacy_alter_table = ON",
        new,
        f"INSERT INTO {table}_new SELECT * FROM {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE {table}_new RENAME TO {table.upper() if how == 'capitals' else table}",
    )
    stored = _definition(db_path, table)
    assert stored[1] != ours and stored[1].startswith('CREATE TABLE "')
    assert demo("db", "status").exit_code == 5  # altered: the database stays shut
    repaired = demo("db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert f"Rebuilt table {table} with this version's definition" in repaired.stderr
    assert demo("db", "status").exit_code == 0  # never "in place" when the next open refuses
    assert _definition(db_path, table) == (table, ours)
    assert _count(db_path, table) == rows
    listed = demo("log", "list")
    assert listed.exit_code == 0, listed.stderr
    again = demo("db", "repair")  # nothing left to do: no loop
    assert again.exit_code == 0, again.stderr


def _changes_of(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(
            conn.execute("SELECT count(*) FROM sync_change WHERE tbl = ?", (table,)).fetchone()[0]
        )
    finally:
        conn.close()


def test_a_rebuilt_table_keeps_its_guards_and_sends_nothing(demo: Run, db_path: Path) -> None:
    """The rebuilt table's triggers (append-only, capture) are back, and its unchanged rows
    are not queued as changes for the team."""
    ours = integrity.reference()["log_entry"][1]
    sent = _changes_of(db_path, "log_entry")
    _raw(
        db_path,
        "PRAGMA legacy_alter_table = ON",
        ours.replace("CREATE TABLE log_entry", "CREATE TABLE log_entry_new", 1),
        "INSERT INTO log_entry_new SELECT * FROM log_entry",
        "DROP TABLE log_entry",
        "ALTER TABLE log_entry_new RENAME TO log_entry",
    )
    assert demo("db", "repair").exit_code == 0
    assert _changes_of(db_path, "log_entry") == sent
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM log_entry")
        assert conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0] == 0
    finally:
        conn.close()
    added = demo("log", "add", "na de reparatie")
    assert added.exit_code == 0, added.stderr
    assert _changes_of(db_path, "log_entry") > sent  # captured again


@pytest.mark.parametrize(
    ("make", "code_words"),
    [
        # looser columns, every row kept: not ours, refused
        (
            [
                LOOSE_LOG_ENTRY.format(name="log_entry_new"),
                "INSERT INTO log_entry_new SELECT * FROM log_entry",
                "DROP TABLE log_entry",
                "ALTER TABLE log_entry_new RENAME TO log_entry",
            ],
            "was made again with another definition",
        ),
        # our definition (name quoted), but a row that refers to no subject: does not fit
        (
            [
                integrity.reference()["log_entry"][1].replace(
                    "CREATE TABLE log_entry", 'CREATE TABLE "log_entry_new"', 1
                ),
                "INSERT INTO log_entry_new SELECT * FROM log_entry",
                "UPDATE log_entry_new SET subject_id = 'nobody' WHERE rowid = "
                "(SELECT min(rowid) FROM log_entry_new)",
                "DROP TABLE log_entry",
                "ALTER TABLE log_entry_new RENAME TO log_entry",
            ],
            "holds rows that this version's does not take",
        ),
    ],
    ids=["looser-columns", "row-does-not-fit"],
)
def test_a_table_repair_cannot_make_ours_is_refused_and_nothing_written(
    demo: Run, db_path: Path, make: list[str], code_words: str
) -> None:
    _raw(db_path, "PRAGMA legacy_alter_table = ON", *make)
    before = _contents(db_path)
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "its table log_entry" in refused.stderr and code_words in refused.stderr
    assert "Restore the latest backup" in refused.stderr
    assert _contents(db_path) == before
    assert demo("db", "status").exit_code == 5


@pytest.mark.parametrize(
    "make",
    [
        "{sql}",  # its exact definition, empty
        "{upper}",  # its name in capitals, empty
        LOOSE_LOG_ENTRY.format(name="log_entry"),  # looser columns, empty
    ],
    ids=["exact", "capitals", "loose"],
)
def test_a_table_made_again_empty_is_lost_whatever_its_definition(
    demo: Run, db_path: Path, make: str
) -> None:
    sql = _definition(db_path, "log_entry")[1]
    upper = sql.replace("CREATE TABLE log_entry", "CREATE TABLE LOG_ENTRY", 1)
    _raw(db_path, "DROP TABLE log_entry", make.format(sql=sql, upper=upper))
    before = _contents(db_path)
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "its table log_entry is gone, or lacks rows" in refused.stderr
    assert _contents(db_path) == before  # no deletion recorded, nothing queued


def test_every_synced_table_made_again_empty_is_lost(
    cli_demo_template: Path, db_path: Path, run: Run
) -> None:
    """Each synced table the demo fills, dropped and made again empty with its exact
    definition: `db repair` refuses (``table_lost``) and queues no deletion for the team."""
    checked = []
    for table in SYNCED_TABLES:
        copy_database(cli_demo_template, db_path)
        if not _count(db_path, table):
            continue
        _raw(db_path, f"DROP TABLE {table}", _definition(db_path, table)[1])
        before = _contents(db_path)
        refused = run("db", "repair")
        assert refused.exit_code == 5, (table, refused.stderr)
        assert f"its table {table} is gone, or lacks rows" in refused.stderr, table
        assert _contents(db_path) == before, table
        checked.append(table)
    assert len(checked) >= 8, checked


def test_rows_deleted_while_capture_was_missing_are_lost_not_deletions(
    demo: Run, db_path: Path
) -> None:
    """A raw tool drops the capture trigger and deletes a shift: no action of the store
    deleted it, so repair does not send it to the team as deleted."""
    _raw(
        db_path,
        "DROP TRIGGER sync_capture_delete_shift",
        "DELETE FROM shift WHERE rowid = (SELECT min(rowid) FROM shift)",
    )
    before = _contents(db_path)
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "its table shift is gone, or lacks rows" in refused.stderr
    assert _contents(db_path) == before


def test_an_emptied_audit_trail_is_named_by_repair(demo: Run, db_path: Path) -> None:
    """rev13s F5: the audit trail dropped and made again empty: repair names the audit trail
    (it said the reference catalogue was changed) and writes nothing."""
    sql = _definition(db_path, "audit_event")[1]
    _raw(db_path, "DROP TABLE audit_event", sql)
    before = _contents(db_path)
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "its audit trail was emptied or cut" in refused.stderr
    assert "catalogue" not in refused.stderr
    assert _contents(db_path) == before


def test_an_audit_trail_cut_at_its_start_is_named_by_repair(demo: Run, db_path: Path) -> None:
    _raw(
        db_path,
        "DROP TRIGGER audit_event_no_delete",
        "DELETE FROM audit_event WHERE seq <= 3",
    )
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "its audit trail was emptied or cut" in refused.stderr


@pytest.mark.parametrize("cut", ["seq = 1", "seq <= 2"])
def test_a_trail_cut_with_its_trigger_put_back_is_named_on_every_open(
    demo: Run, db_path: Path, cut: str
) -> None:
    """rev13t: with the guard put back exactly, `db status` and `audit verify` named the
    catalogue as changed ("run db repair") while repair refused the cut trail: all three name
    it the same way (restore a backup)."""
    conn = sqlite3.connect(db_path)
    try:
        (trigger,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'audit_event_no_delete'"
        ).fetchone()
    finally:
        conn.close()
    _raw(
        db_path,
        "DROP TRIGGER audit_event_no_delete",
        f"DELETE FROM audit_event WHERE {cut}",
        trigger,
    )
    before = _contents(db_path)
    for command in (("db", "status"), ("audit", "verify"), ("db", "repair")):
        refused = demo(*command)
        assert refused.exit_code == 5, (command, refused.stderr)
        assert "its audit trail was emptied or cut" in refused.stderr, command
        assert "Restore the latest backup" in refused.stderr, command
        assert "catalogue" not in refused.stderr, command
    assert _contents(db_path) == before


def test_a_reference_sqlite_rewrote_on_a_rename_is_named(demo: Run, db_path: Path) -> None:
    """rev13t: a tool renames the table first, makes ours again and drops the old one; SQLite
    rewrote the references of the tables that refer to it. Repair's refusal says so, instead of
    "made again with another definition" of a table nobody touched."""
    ours = integrity.reference()["activity"][1]
    _raw(
        db_path,
        "ALTER TABLE activity RENAME TO activity_old",
        ours,
        "INSERT INTO activity SELECT * FROM activity_old",
        "DROP TABLE activity_old",
    )
    before = _contents(db_path)
    refused = demo("db", "repair")
    assert refused.exit_code == 5, refused.stderr
    assert "refers to activity_old instead of activity" in refused.stderr
    assert "Restore the latest backup" in refused.stderr
    assert _contents(db_path) == before
