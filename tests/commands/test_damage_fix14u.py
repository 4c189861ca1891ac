"""fix14u (issue 14, rev14t): the protection chain read only from undamaged tables (H4)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.commands.test_damage_rev14p import _fingerprint
from tests.commands.test_damage_rev14s import LAST, _version, callsign, older  # noqa: F401


def _planted(path: Path, table: str, column: str, change: str, where: str) -> None:
    """``UPDATE table SET change WHERE where`` with ``column`` declared without a type for
    that one statement (no affinity: the value stays as given, a text '3 ' or a real 3.0), the
    schema text put back after it and the table's triggers kept out of it: a value of a
    storage class the column never holds, as one changed byte of a record's header leaves it."""
    conn = sqlite3.connect(path, isolation_level=None)
    (own,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    loose = re.sub(rf"\b{column} (TEXT|INTEGER)", column, own.rsplit(") STRICT", 1)[0]) + ")"
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (loose, table))
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


def _handovers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM handover").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(("value", "held"), [("'3 '", "text"), ("3.0", "real")])
def test_a_threat_level_of_another_storage_class_is_refused_by_every_chain_reader(
    demo: Run, db_path: Path, value: str, held: str
) -> None:
    """Was (rev14t H4): ``threat_assessment.level`` is INTEGER and ``concept.level`` TEXT, so
    the row factory, which sees only result names, let a text (or real) level pass: threat
    explain, person show, gaps and the handover read it, and ``handover sign`` signed it."""
    conn = sqlite3.connect(db_path)
    (assessment, code) = conn.execute(
        "SELECT a.id, s.code FROM threat_assessment a JOIN subject s ON s.id = a.subject_id"
        " ORDER BY a.assessed_at DESC LIMIT 1"
    ).fetchone()
    conn.close()
    _planted(db_path, "threat_assessment", "level", f"level = {value}", f"id = '{assessment}'")
    conn = sqlite3.connect(db_path)
    assert conn.execute(
        "SELECT typeof(level) FROM threat_assessment WHERE id = ?", (assessment,)
    ).fetchone() == (held,)
    conn.close()
    before, signed = _fingerprint(db_path), _handovers(db_path)
    for command in (
        ("threat", "explain", code),
        ("threat", "explain", code, "-f", "json"),
        ("person", "show", code, "-f", "json"),
        ("person", "list"),
        ("gaps",),
        ("handover", "draft", "-f", "json"),
        ("handover", "sign"),
        ("threat", "assess", code, "--level", "2"),
        ("threat", "assess", code, "--level", "4", "--preview"),
    ):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr, result.stdout[:200])
        assert "threat_assessment.level" in result.stderr, (command, result.stderr)
        assert "is damaged" in result.stderr
    assert _fingerprint(db_path) == before and _handovers(db_path) == signed


def _checkpointed(path: Path) -> bytes:
    """The file's SHA-256 after its write-ahead log is folded in (a commit left there counts)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return _fingerprint(path)


def test_a_repair_refused_in_its_audited_write_changes_nothing(demo: Run, db_path: Path) -> None:
    """Was (rev14t H5, the rest): ``db repair`` dropped a planted index and committed that
    (``_repair_schema``) before its audited write failed to make again a UNIQUE index that its
    table, holding a value twice, no longer takes: exit 2, the planted index gone for good."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP INDEX activity_source")
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM activity WHERE subject_id = (SELECT subject_id FROM activity"
            " GROUP BY subject_id HAVING count(*) > 1 LIMIT 1) LIMIT 2"
        )
    ]
    conn.execute(
        "UPDATE activity SET source_uid = 'dup', source_recurrence = 'r' WHERE id IN (?, ?)", ids
    )
    conn.execute("CREATE INDEX planted_idx ON activity (title)")
    conn.close()
    before = _checkpointed(db_path)
    result = demo("db", "repair")
    assert result.exit_code == 5, result.stderr
    assert "held twice" in result.stderr and ids[0] in result.stderr, result.stderr
    assert _checkpointed(db_path) == before
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'planted_idx'").fetchone()
    conn.close()


@pytest.mark.parametrize("version", [0, 34])
def test_a_refused_rollback_journal_file_keeps_its_header(
    demo: Run, db_path: Path, tmp_path: Path, version: int
) -> None:
    """Was (rev14t M5): a copy made by ``backup`` (a rollback journal) whose schema version
    was lowered was refused ("nothing was written") after the opening had put it in WAL mode:
    header bytes 18, 19, 27 and 95 changed."""
    copy = tmp_path / "copy.db"
    assert demo("backup", str(copy)).exit_code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    copy.rename(db_path)
    before = _fingerprint(db_path)
    for command in (("person", "list"), ("db", "status"), ("db", "repair")):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert _fingerprint(db_path) == before, command
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [
        db_path.name
    ]


def test_an_opened_rollback_journal_file_is_put_in_wal_mode(demo: Run, db_path: Path) -> None:
    """The switch to WAL moved after the opening's checks still happens when it succeeds."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert demo("person", "list").exit_code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_an_older_file_with_a_guard_dropped_is_refused_as_a_current_one(
    older: Run,  # noqa: F811
    db_path: Path,
) -> None:
    """Was (rev14t M6): a guard of an older file dropped by a tool, which the next migration
    drops and makes again, failed that migration: "not a Schildwacht database" (exit 2), and
    ``db repair`` could not repair it either."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER subject_threat_level_insert")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _fingerprint(db_path)
    for command in (("person", "list"), ("db", "status")):
        result = older(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "guards are not the ones" in result.stderr, result.stderr
        assert "subject_threat_level_insert" in result.stderr
        assert _fingerprint(db_path) == before and _version(db_path) == LAST - 1
    repaired = older("db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert _version(db_path) == LAST
    assert older("person", "list").exit_code == 0


def test_a_real_number_under_an_alias_is_damage(demo: Run, db_path: Path) -> None:
    """Was (rev14t LOW): a name no table declares (``subject_code AS person``, a view's
    column) took a real number, so a real subject code was listed (exit 0)."""
    conn = sqlite3.connect(db_path)
    (subject,) = conn.execute("SELECT subject_id FROM activity LIMIT 1").fetchone()
    conn.close()
    _planted(db_path, "subject", "code", "code = 1.5", f"id = '{subject}'")
    before = _fingerprint(db_path)
    result = demo("activity", "list", "--from", "1970-01-02 00:00", "--to", "2099-12-30 00:00")
    assert result.exit_code == 5, (result.stderr, result.stdout[:300])
    assert "is damaged" in result.stderr and "a number with a fraction" in result.stderr
    assert _fingerprint(db_path) == before


def test_a_repair_of_an_older_file_keeps_refusing_a_changed_catalogue(
    older: Run,  # noqa: F811
    db_path: Path,
) -> None:
    """rev14t LOW: ``db repair`` migrates an older file (the migrations record the catalogue's
    fingerprint anew): a catalogue changed outside Schildwacht is still not taken as it is."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE threat_level SET package = 'PKG-W1' WHERE level = 3")
    conn.close()
    repaired = older("db", "repair")
    conn = sqlite3.connect(db_path)
    package = conn.execute("SELECT package FROM threat_level WHERE level = 3").fetchone()[0]
    conn.close()
    assert repaired.exit_code == 0, repaired.stderr  # the shipped catalogue: put back, said
    assert package == "PKG-W3", repaired.stdout
    said = (repaired.stdout + repaired.stderr).lower()
    assert "restored" in said or "put back" in said, said
    assert _version(db_path) == LAST
    assert older("person", "list").exit_code == 0


def test_a_repair_of_an_older_file_refuses_a_changed_own_catalogue(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """The same with a catalogue not shipped (``init --catalogue``): nothing restores it, so
    the repair is refused (exit 5) and the file left as it was, one version behind."""
    from store import catalogue
    from tests.commands.test_damage_rev14s import _one_version_behind

    own = tmp_path / "own.toml"
    shipped = Path(catalogue.__file__).with_name("catalogue.toml").read_text("utf-8")
    own.write_text(shipped.replace('label = "Low"', 'label = "Low (ours)"', 1), "utf-8")
    made = run(
        "init", "--callsign", "OPS-01", "--name", "Demo", "--role", "shift_leader",
        "--unit", "RT", "--catalogue", str(own),
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    _one_version_behind(db_path)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE threat_level SET package = 'PKG-W1' WHERE level = 3")
    conn.close()
    before = _checkpointed(db_path)
    repaired = run("db", "repair")
    assert repaired.exit_code == 5, repaired.stderr
    assert "cannot be restored here" in repaired.stderr
    assert _checkpointed(db_path) == before and _version(db_path) == LAST - 1
