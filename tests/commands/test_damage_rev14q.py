"""Damaged files, found by rev14q (issue 14): every refusal leaves the file's bytes as they
were, and damage stays visible after a write."""

from __future__ import annotations

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


@pytest.mark.parametrize("version", [migrations.SCHEMA_VERSION - 2, migrations.SCHEMA_VERSION + 64])
def test_a_repair_refused_for_its_schema_version_rebuilds_no_index_first(
    demo: Run, db_path: Path, version: int
) -> None:
    """Was: the REINDEX was committed, then the lowered / newer version refused."""
    _callsign_index_flipped(db_path, _a_callsign(demo))
    _schema_version(db_path, version)
    before = _fingerprint(db_path)
    result = demo("db", "repair")
    assert result.exit_code in (2, 5), result.stderr
    assert _fingerprint(db_path) == before


@pytest.mark.parametrize("who", ["known", "unknown"])
def test_a_repair_by_a_person_not_proved_rebuilds_no_index_first(
    demo: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    """Was: the REINDEX was committed, then the wrong secret / unknown callsign refused."""
    callsign = _a_callsign(demo)
    _callsign_index_flipped(db_path, callsign)
    monkeypatch.setenv("SCHILDWACHT_SECRET", "wrong-secret")
    before = _fingerprint(db_path)
    result = demo("db", "repair", user=callsign if who == "known" else "NOBODY-1")
    assert result.exit_code in (2, 4), result.stderr
    assert _fingerprint(db_path) == before


def test_a_repair_that_rebuilds_indexes_is_audited(demo: Run, db_path: Path) -> None:
    _callsign_index_flipped(db_path, _a_callsign(demo))
    result = demo("db", "repair")
    assert result.exit_code == 0, result.stderr
    assert "every index was rebuilt" in result.stderr
    conn = sqlite3.connect(db_path)
    (detail,) = conn.execute(
        "SELECT detail FROM audit_event WHERE action = 'db.repair' AND target IS NULL"
    ).fetchone()
    conn.close()
    assert '"reindexed": true' in detail
    assert demo("audit", "verify").exit_code == 0


@pytest.mark.parametrize("cut", [1, 4096])
def test_a_write_on_a_file_cut_short_is_refused_as_damage(
    demo: Run, db_path: Path, cut: int
) -> None:
    """Was (F6): `log add` was accepted, the file grew back with the lost bytes zero, and from
    then on `db status` and `backup` said sound while `audit verify` said an event was edited."""
    with open(db_path, "r+b") as file:
        file.truncate(db_path.stat().st_size - cut)
    before = _fingerprint(db_path)
    result = demo("log", "add", "hallo")
    assert result.exit_code == 5, result.stderr
    assert "is damaged" in result.stderr  # (a whole page: malformed, found while opening)
    assert _fingerprint(db_path) == before
    for command in (("db", "status"), ("audit", "verify")):
        result = demo(*command)
        assert result.exit_code == 5 and "is damaged" in result.stderr, command
