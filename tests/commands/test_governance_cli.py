"""Decisions, audit, backup and encryption from the command line: exit codes 0, 2, 4, 5."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from tests.commands.conftest import Run


def test_decision_ledger(initialised: Run) -> None:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    initialised("staff", "add", "GZ-01", "--unit", "RT", "--role", "authority")
    args = (
        "decision",
        "add",
        "--person",
        "BEVER",
        "--step",
        "decision",
        "--rationale",
        "Dreiging",
        "--document",
        "GEM-1",
    )
    assert initialised(*args, "--authority", "mayor:Havenstad").exit_code == 4  # shift leader
    wrong = initialised(*args, "--authority", "nctv", user="GZ-01")
    assert wrong.exit_code == 2 and "local domain" in wrong.stderr
    made = initialised(*args, "--authority", "mayor:Havenstad", user="GZ-01")
    assert made.exit_code == 0
    (row,) = json.loads(initialised("decision", "list", "-f", "json").stdout)
    assert list(row)[:10] == [
        "id",
        "person",
        "step",
        "rationale",
        "authority",
        "document",
        "adopted_at",
        "adopted_by",
        "tailored",
        "supersedes",
    ]
    assert (row["id"], row["adopted_by"]) == (made.stdout.strip(), "GZ-01")


def test_audit_verify_exits_5_on_tampering(initialised: Run, db_path: Path) -> None:
    ok = initialised("audit", "verify")
    assert ok.exit_code == 0 and "chain intact" in ok.stderr
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("UPDATE audit_event SET actor = 'X' WHERE seq = 1")
    conn.commit()
    conn.close()
    shut = initialised("audit", "verify")  # the dropped trigger keeps the database shut
    assert shut.exit_code == 5 and "missing: audit_event_no_update (audit trail)" in shut.stderr
    assert initialised("db", "repair").exit_code == 0
    broken = initialised("audit", "verify")  # and the edit it let through is found
    assert broken.exit_code == 5 and "broken at event 1" in broken.stderr


def test_encrypted_init_wrong_passphrase_and_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "secret.db")
    runner = CliRunner()
    monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "correct horse")
    made = runner.invoke(cli, ["--db", db, "init", "--callsign", "OPS-01", "--encrypt"])
    assert made.exit_code == 0
    saved = runner.invoke(cli, ["--db", db, "backup", str(tmp_path / "copy.db")])
    assert saved.exit_code == 0 and Path(saved.stdout.strip()).exists()
    monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "wrong horse")
    refused = runner.invoke(cli, ["--db", db, "person", "list"])
    assert refused.exit_code == 5 and refused.stderr.startswith("Error: Wrong passphrase")
    monkeypatch.delenv("SCHILDWACHT_PASSPHRASE")
    missing = runner.invoke(cli, ["--db", db, "person", "list"])
    assert missing.exit_code == 5 and "encrypted" in missing.stderr


@pytest.mark.parametrize("planted", ["view_for_table", "table_for_view"])
def test_db_repair_of_a_table_and_a_view_swapped(
    initialised: Run, db_path: Path, planted: str
) -> None:
    """rev13p f2, f2b: a table planted for one of our views: repair drops it and makes the
    view again (exit 0, the database opens after); a view planted for one of our tables: repair
    says in one sentence that only a backup restores it (exit 5), no SQL error."""
    conn = sqlite3.connect(db_path)
    if planted == "table_for_view":
        columns = [r[1] for r in conn.execute("PRAGMA table_info(activity_view)")]
        conn.execute("DROP VIEW activity_view")
        conn.execute(f"CREATE TABLE activity_view ({', '.join(columns)})")
    else:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("ALTER TABLE log_entry RENAME TO log_entry_old")
        conn.execute("CREATE VIEW log_entry AS SELECT * FROM log_entry_old")
    conn.commit()
    conn.close()
    repaired = initialised("db", "repair")
    if planted == "table_for_view":
        assert repaired.exit_code == 0, repaired.stderr
        assert initialised("db", "status").exit_code == 0
    else:
        assert repaired.exit_code == 5
        assert "table log_entry was replaced" in repaired.stderr
        assert "Restore the latest backup" in repaired.stderr
        assert "syntax" not in repaired.stderr and len(repaired.stderr.strip().splitlines()) == 1
