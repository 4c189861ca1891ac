"""rev14s (issue 14): a database one schema version behind, damaged or opened by a person who
cannot prove who they are: every refusal comes before any migration writes (the file byte for
byte as it was), and a repair that rebuilds the indexes while migrating records that it did."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from store import migrations
from tests.commands.conftest import Run
from tests.commands.test_damage_rev14p import (
    _a_callsign,
    _callsign_index_flipped,
    _fingerprint,
    _schema_version,
)

#: The migration whose effects ``_one_version_behind`` takes back.
LAST = migrations.SCHEMA_VERSION


def _one_version_behind(path: Path) -> None:
    """The database as the migration before the last left it (a genuine older file, as a
    laptop not yet updated holds it): the tables and indexes the last one made dropped, the
    triggers it replaced or made put back as they were, the header's version one lower."""
    reference = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(reference, ":memory:", upto=LAST - 1)
    older = dict(reference.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    reference.close()
    name = next(n for v, n in migrations._NAMES if v == LAST)
    made = set(re.findall(r"CREATE TRIGGER (\w+)", migrations._read(name)))
    assert made and made <= set(older) | made
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    # the tables the last migration made go (their indexes and triggers with them), the last
    # made first (036: care_record refers to household_member)
    for table in reversed(re.findall(r"CREATE TABLE (\w+)", migrations._read(name))):
        conn.execute(f'DROP TABLE "{table}"')
    for index in re.findall(r"CREATE (?:UNIQUE )?INDEX (\w+)", migrations._read(name)):
        conn.execute(f'DROP INDEX IF EXISTS "{index}"')  # 037 makes one on an older table
    for trigger in made:
        conn.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
        if trigger in older:
            conn.execute(older[trigger])
    conn.execute(f"PRAGMA user_version = {LAST - 1}")
    conn.execute("COMMIT")
    conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def callsign(demo: Run) -> str:
    """A person of the demo (read before the file is made older: reading migrates it)."""
    return _a_callsign(demo)


@pytest.fixture
def older(demo: Run, db_path: Path, callsign: str) -> Run:
    """The demo, one schema version behind (it opens and migrates as such: checked once)."""
    _one_version_behind(db_path)
    return demo


def test_an_older_file_opens_and_migrates(older: Run, db_path: Path) -> None:
    assert _version(db_path) == LAST - 1
    assert older("db", "status").exit_code == 0
    assert _version(db_path) == LAST


@pytest.mark.parametrize("who", ["known", "unknown"])
def test_a_refused_repair_of_an_older_damaged_file_writes_nothing(
    older: Run, db_path: Path, callsign: str, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    """Was (H2): exit 4 "nothing was done", with the indexes rebuilt, committed, and the file
    migrated to the last version."""
    _callsign_index_flipped(db_path, callsign)
    monkeypatch.setenv("SCHILDWACHT_SECRET", "wrong-secret")
    before = _fingerprint(db_path)
    result = older("db", "repair", user=callsign if who == "known" else "NOBODY-1")
    assert result.exit_code in (2, 4), result.stderr
    assert _fingerprint(db_path) == before


def test_a_repair_of_an_older_damaged_file_records_the_rebuild(
    older: Run, db_path: Path, callsign: str
) -> None:
    """Was (H2): "no damage", and ``"reindexed": false`` audited, though it had rebuilt them."""
    _callsign_index_flipped(db_path, callsign)
    result = older("db", "repair", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "every index was rebuilt" in result.stderr
    assert json.loads(result.stdout)["reindexed"] is True
    conn = sqlite3.connect(db_path)
    (detail,) = conn.execute(
        "SELECT detail FROM audit_event WHERE action = 'db.repair' AND target IS NULL"
    ).fetchone()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert json.loads(detail)["reindexed"] is True
    assert _version(db_path) == LAST
    assert older("audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [
        ("db", "status"),
        ("backup", "{tmp}/copy.db"),
        ("gaps",),
        ("person", "list"),
        ("log", "add", "x"),
    ],
)
def test_a_command_on_an_older_damaged_file_is_refused_before_it_migrates(
    older: Run, db_path: Path, callsign: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Was (M2): migrated to the last version first, then refused "nothing was written"."""
    _callsign_index_flipped(db_path, callsign)
    before = _fingerprint(db_path)
    result = older(*(c.format(tmp=tmp_path) for c in command))
    assert result.exit_code == 5, result.stderr
    assert "is damaged" in result.stderr
    assert _fingerprint(db_path) == before and _version(db_path) == LAST - 1
    assert not (tmp_path / "copy.db").exists()


def test_a_person_refused_on_an_older_file_leaves_it_unmigrated(
    older: Run, db_path: Path, callsign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proof runs inside the migrations' transaction: a wrong secret rolls them back."""
    monkeypatch.setenv("SCHILDWACHT_SECRET", "wrong-secret")
    before = _fingerprint(db_path)
    result = older("person", "list", user=callsign)
    assert result.exit_code == 4, result.stderr
    assert _fingerprint(db_path) == before and _version(db_path) == LAST - 1


@pytest.mark.parametrize(
    "values",
    [
        ("2026-12-02 10:00", "2026-12-02 11:00"),
        ("2026-12-02T09:00:00+01:00", "2026-12-02T10:00:00+01:00"),
        ("0001-01-01T09:00:00Z", "0001-01-01T10:00:00Z"),
        (None, "not a time"),
    ],
)
def test_a_stored_time_in_a_form_never_written_is_damage_naming_its_column(
    demo: Run, db_path: Path, values: tuple[str | None, str]
) -> None:
    """Was (M3): raw SQL on one's own laptop; activity list/show, gaps, capacity exit 1
    (strptime's ValueError, a TypeError in the sweep, an OverflowError)."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    chosen = next(row["id"] for row in listed if row.get("concept"))  # the first, planned
    conn = sqlite3.connect(db_path, isolation_level=None)
    start, end = values
    conn.execute(
        "UPDATE activity SET start_at = coalesce(?, start_at), end_at = ? WHERE id = ?",
        (start, end, chosen),
    )
    conn.close()
    before = _fingerprint(db_path)
    for command in (
        ("activity", "show", chosen),
        ("activity", "list"),
        ("activity", "list", "--replan"),
        ("gaps",),
        ("capacity",),
    ):
        result = demo(*command)
        assert result.exit_code in (0, 5), (command, result.stderr)
        if command[1:2] == ("show",) or result.exit_code == 5:
            assert result.exit_code == 5, (command, result.stderr)
            assert "a stored time in column " in result.stderr, result.stderr
            assert "activity.start_at" in result.stderr or "activity.end_at" in result.stderr
    assert _fingerprint(db_path) == before
    if start is None:  # SQLite reads no time there either: the sweep refuses it too
        for command in (("gaps",), ("capacity",)):
            assert demo(*command).exit_code == 5, command


def _stored_as_damage_leaves_it(path: Path, table: str, change: str, where: str) -> None:
    """``UPDATE table SET change WHERE where`` with the table's STRICT typing off for that one
    statement (the schema text put back after it, its triggers kept out of it): a value of a
    type the column never holds, as one changed byte of a record's header leaves it."""
    conn = sqlite3.connect(path, isolation_level=None)
    (own,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    column = change.split("=")[0].strip()
    loose = re.sub(rf"\b{column} (TEXT|INTEGER)", f"{column} ANY", own.rsplit(") STRICT", 1)[0])
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (loose + ")", table))
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall()
    conn.execute("BEGIN")
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    assert conn.execute(f"UPDATE {table} SET {change} WHERE {where}").rowcount == 1
    for _name, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (own, table))
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0].startswith("non-")
    conn.close()


@pytest.mark.parametrize(
    ("table", "change", "commands", "held"),
    [
        (
            "subject",
            "threat_level = 'high'",
            [("person", "list", "-f", "json"), ("gaps",), ("activity", "list", "--replan")],
            "is a text",
        ),
        ("subject", "code = 1.5", [("person", "list", "-f", "json")], "a number with a fraction"),
        ("activity", "id = 1.5", [("activity", "list", "-f", "json")], "a number with a fraction"),
    ],
)
def test_a_stored_value_of_a_type_its_column_never_holds_is_damage_wherever_it_is_read(
    demo: Run,
    db_path: Path,
    table: str,
    change: str,
    commands: list[tuple[str, ...]],
    held: str,
) -> None:
    """Was (M1): a text threat level listed, and 25 activities flagged for re-planning where 9
    were; a real code read through ``Store.tuples``; a real activity id (``id`` is TEXT in one
    table and INTEGER in another) listed, all with exit 0."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    chosen = next(row for row in listed if row.get("concept"))
    where = {
        "subject": f"code = '{chosen['person']}'",
        "activity": f"id = '{chosen['id']}'",
    }[table]
    _stored_as_damage_leaves_it(db_path, table, change, where)
    before = _fingerprint(db_path)
    for command in commands:
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr, result.stdout[:200])
        assert "is damaged" in result.stderr
        assert held in result.stderr or "non-" in result.stderr, result.stderr
    assert _fingerprint(db_path) == before


def test_schema_version_zero_on_a_full_database_is_said_as_an_overwritten_version(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was: the generic "SQLite reads it as malformed" (a lower version names what is there)."""
    _schema_version(db_path, 0)
    before = _fingerprint(db_path)
    for command in (("activity", "list"), ("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "schema version was overwritten: it says 0" in result.stderr, result.stderr
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()
