"""Damaged files, found by rev14q (issue 14): every refusal leaves the file's bytes as they
were, and damage stays visible after a write."""

from __future__ import annotations

import json
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
    flip_type,
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


def test_a_blob_read_under_a_column_alias_is_damage(demo: Run, db_path: Path) -> None:
    """Was (F1): subject.code read as `person` was not checked: `activity list -f json` exit 1,
    the table and CSV printed b'…'."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    code = next(row["person"] for row in listed if row.get("person"))
    flip_type(db_path, "subject", "code", code.encode(), None)
    before = _fingerprint(db_path)
    for fmt in ("json", "csv", "table"):
        result = demo("activity", "list", "-f", fmt)
        assert result.exit_code == 5, (fmt, result.stderr, result.stdout[:300])
        assert "is a blob, of a type the column never holds" in result.stderr
        assert "b'" not in result.stdout
    assert _fingerprint(db_path) == before


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "md"])
def test_no_writer_prints_a_blob_as_python_shows_it(fmt: str) -> None:
    """A blob that reached a writer anyway is damage (exit 5), never b'…' nor exit 1."""
    from commands.output import render
    from store.errors import IntegrityFailure

    for data in ([{"title": "Route", "person": b"BEVER"}], {"id": "x", "who": [b"BEVER"]}):
        with pytest.raises(IntegrityFailure) as caught:
            render(data, fmt)
        assert caught.value.code == "database_damaged"
        assert caught.value.params["held"] == "blob"


def test_the_row_factory_sees_a_blob_under_any_name(demo: Run, db_path: Path) -> None:
    """Where rows become records (the console reads them too, without a writer): a blob in a
    column declared TEXT is damage whatever the query calls it."""
    from store import machine
    from store.db import Store

    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    code = next(row["person"] for row in listed if row.get("person"))
    flip_type(db_path, "subject", "code", code.encode(), None)
    store = Store(db_path)
    try:
        for sql in (
            "SELECT code AS person FROM subject NOT INDEXED",
            "SELECT s.id, s.code AS c FROM subject s",
        ):
            with pytest.raises(sqlite3.DatabaseError) as caught:
                store.conn.execute(sql).fetchall()
            assert machine.is_damage(caught.value, db_path), sql
    finally:
        store.close()


def _ics(path: Path, summary: str) -> str:
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:werk\r\nBEGIN:VEVENT\r\n"
        "UID:zzqqUIDMARK-1@x\r\nDTSTAMP:20261201T100000Z\r\nSEQUENCE:0\r\n"
        "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return str(path)


def test_repair_names_the_import_held_twice_not_the_rows_without_a_source(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was (F3): the NULL group (every activity made by hand) was named as the duplicate."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    code = next(row["person"] for row in listed if row.get("person"))
    first = demo("activity", "import-ics", "--person", code, "--from", "2026-12-01",
                 _ics(tmp_path / "u.ics", "Eerste"))  # fmt: skip
    assert first.exit_code == 0, first.stderr
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'activity_source'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    at = next(
        found
        for page in pages
        if (found := data.find(b"zzqqUIDMARK-1", (page - 1) * size, page * size)) >= 0
    )
    data[at] ^= 0x01  # the index no longer finds the import: the same one goes in twice
    db_path.write_bytes(data)
    second = demo("activity", "import-ics", "--person", code, "--from", "2026-12-01",
                  _ics(tmp_path / "u.ics", "Tweede"))  # fmt: skip
    assert second.exit_code == 0, second.stderr
    conn = sqlite3.connect(db_path)
    ids = [r[0] for r in conn.execute("SELECT id FROM activity NOT INDEXED WHERE source_uid "
                                      "LIKE 'zzqq%' ORDER BY id")]  # fmt: skip
    conn.close()
    assert len(ids) == 2
    result = demo("db", "repair")
    assert result.exit_code == 5, result.stderr
    assert "zzqqUIDMARK-1" in result.stderr, result.stderr
    assert all(i in result.stderr for i in ids), result.stderr


def test_the_repair_advice_only_when_an_index_is_named(demo: Run, db_path: Path) -> None:
    """Was: `db status` on a blob in subject.code ('non-TEXT value in subject.code') advised
    `db repair` to rebuild an index, which it cannot."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    code = next(row["person"] for row in listed if row.get("person"))
    flip_type(db_path, "subject", "code", code.encode(), None)
    result = demo("db", "status")
    assert result.exit_code == 5, result.stderr
    assert "non-TEXT value" in result.stderr
    assert "db repair" not in result.stderr


def test_a_header_format_byte_overwritten_is_damage_to_status_and_backup_too(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was (F7): bytes 18/19 = 3/2: writes refused as damage, `db status` and `backup` sound."""
    with open(db_path, "r+b") as file:
        file.seek(18)
        file.write(bytes([3]))
    before = _fingerprint(db_path)
    for command in (("log", "add", "x"), ("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "bytes 18 and 19, were overwritten" in result.stderr, command
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()


def test_a_damaged_encrypted_database_is_not_sent_to_sqlite3_recover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was (F5): the backup's refusal advised `sqlite3 … .recover`, which cannot read a
    SQLCipher file."""
    from click.testing import CliRunner

    from commands.cli import cli

    db = tmp_path / "secret.db"
    runner = CliRunner()
    monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "correct horse")
    made = runner.invoke(cli, ["--db", str(db), "init", "--callsign", "OPS-01", "--encrypt"])
    assert made.exit_code == 0, made.stderr
    size = db.stat().st_size
    with open(db, "r+b") as file:  # one flipped bit in the last page
        file.seek(size - 3000)
        byte = file.read(1)[0]
        file.seek(size - 3000)
        file.write(bytes([byte ^ 1]))
    result = runner.invoke(cli, ["--db", str(db), "backup", str(tmp_path / "k.db")])
    assert result.exit_code == 5, result.stderr
    assert ".recover |" not in result.stderr
    assert "Restore the latest backup" in result.stderr
    assert not (tmp_path / "k.db").exists()


def test_the_consoles_roster_and_gaps_refuses_a_damaged_gap_index(demo: Run, db_path: Path) -> None:
    """Was (F4): `gaps` refused, the console's Roster & gaps answered from the damaged index."""
    from console.screens.roster import fetch_roster
    from store.db import Store
    from store.errors import IntegrityFailure

    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ident, start = conn.execute("SELECT id, start_at FROM activity LIMIT 1").fetchone()
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'activity_time'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    for page in pages:
        at = data.find(ident.encode(), (page - 1) * size, page * size)
        if at >= 0 and (when := data.rfind(start.encode(), at - 300, at)) >= 0:
            data[when + 2] ^= 0x01  # the activity moved ten years in the index only
            break
    else:
        raise AssertionError("activity not in the index")
    db_path.write_bytes(data)
    store = Store(db_path)
    try:
        with pytest.raises(IntegrityFailure) as caught:
            fetch_roster(store, store.clock.now().date())
        assert caught.value.code == "database_damaged"
    finally:
        store.close()
