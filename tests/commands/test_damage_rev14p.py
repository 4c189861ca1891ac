"""rev14p: damage a quick check or a header test does not see, said as damage (exit 5) with
nothing written anywhere (issue 14): a lowered schema version in the header, one changed byte in
an index, a stored value of the wrong type, a bundle left behind by a refused export, a cut file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from tests.commands.conftest import Run


def _fingerprint(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _schema_version(path: Path, version: int) -> None:
    with open(path, "r+b") as file:
        file.seek(60)
        file.write(struct.pack(">I", version))


@pytest.mark.parametrize("version", [4, 30, 34])
def test_a_lowered_schema_version_is_damage_and_nothing_is_migrated(
    demo: Run, db_path: Path, tmp_path: Path, version: int
) -> None:
    """Was: exit 2 "not a Schildwacht database (table … already exists)" after migration 031
    had been applied again (30), or exit 0 with migrations 032–035 applied twice (34)."""
    _schema_version(db_path, version)
    before = _fingerprint(db_path)
    for command in (("activity", "list"), ("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "schema version was overwritten" in result.stderr, result.stderr
        assert f"it says {version}" in result.stderr
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()


def _varint(data: bytes | bytearray, at: int) -> tuple[int, int]:
    value = 0
    for k in range(9):
        byte = data[at + k]
        if k == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + k + 1
    raise AssertionError("unreachable")


def flip_type(path: Path, table: str, column: str, mark: bytes, serial: int | None) -> None:
    """One byte of a row's record header changed, as a flipped bit leaves it: ``column`` of the
    first row of ``table`` holding ``mark`` read as a blob (``serial`` None: the text's own
    length) or as the serial type given (7: a real number), its bytes untouched."""
    conn = sqlite3.connect(path)
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    pages = [
        r[0]
        for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
        )
    ]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        base = (page - 1) * size
        head = base + (100 if page == 1 else 0)
        for k in range(int.from_bytes(data[head + 3 : head + 5], "big")):
            cell = base + int.from_bytes(data[head + 8 + 2 * k : head + 10 + 2 * k], "big")
            at = _varint(data, _varint(data, cell)[1])[1]  # past the payload size and rowid
            header_size, place = _varint(data, at)
            types = []
            while place < at + header_size:
                kind, after = _varint(data, place)
                types.append((kind, place))
                place = after
            body = at + header_size
            sizes = [
                (t - 12) // 2 if t >= 12 else [0, 1, 2, 3, 4, 6, 8, 8, 0, 0][t] for t, _ in types
            ]
            if mark not in bytes(data[body : body + sum(sizes)]):
                continue
            kind, where = types[columns.index(column)]
            assert kind >= 13 and kind % 2 == 1 and kind < 128, kind  # a one-byte text type
            data[where] = kind - 1 if serial is None else serial
            path.write_bytes(data)
            return
    raise AssertionError(f"{mark!r} not found in {table}")


@pytest.mark.parametrize(
    ("column", "serial"), [("title", None), ("start_at", None), ("start_at", 7)]
)
def test_a_stored_value_of_the_wrong_type_is_damage_not_an_unexpected_failure(
    demo: Run, db_path: Path, column: str, serial: int | None
) -> None:
    """Was: exit 1 "unexpected failure" (json's and strptime's TypeError), or b'…' in a table."""
    listed = json.loads(demo("activity", "list", "-f", "json").stdout)
    chosen = listed[0]
    flip_type(db_path, "activity", column, chosen["id"].encode(), serial)
    before = _fingerprint(db_path)
    for command in (
        ("activity", "show", chosen["id"]),
        ("activity", "list"),
        ("activity", "list", "-f", "json"),
    ):
        result = demo(*command)
        if command[1] == "list" and column == "start_at":  # a blob sorts after every time
            assert result.exit_code in (0, 5), result.stderr
            continue
        assert result.exit_code == 5, (command, result.stderr, result.stdout[:300])
        assert f"a stored value in column '{column}' is a" in result.stderr
        assert "b'" not in result.stdout
    assert _fingerprint(db_path) == before


def _callsign_index_flipped(path: Path, callsign: str) -> None:
    """One byte of ``callsign`` changed in the UNIQUE callsign index only (its table intact):
    SQLite's quick check sees nothing, its integrity check a row missing from the index."""
    conn = sqlite3.connect(path)
    index = next(
        name
        for (name,) in conn.execute("SELECT name FROM pragma_index_list('staff') WHERE \"unique\"")
        if [r[2] for r in conn.execute("SELECT * FROM pragma_index_info(?)", (name,))]
        == ["callsign"]
    )
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (index,))]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        at = data.find(callsign.encode(), (page - 1) * size, page * size)
        if at >= 0:
            data[at + len(callsign) - 1] ^= 0x01  # e.g. RT-0140 → RT-0141 in the index
            path.write_bytes(data)
            break
    else:
        raise AssertionError("callsign not in the index")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()


def _a_callsign(demo: Run) -> str:
    rows = json.loads(demo("staff", "list", "-f", "json").stdout)
    return str(sorted(r["callsign"] for r in rows)[len(rows) // 2])


def test_an_index_that_does_not_match_its_table_is_seen_and_repaired(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was: backup and db repair said "no damage" (quick check); the person could not be
    found by callsign, and a second one with it was let in."""
    callsign = _a_callsign(demo)
    _callsign_index_flipped(db_path, callsign)
    before = _fingerprint(db_path)
    for command in (("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "integrity check found 1 problem" in result.stderr, result.stderr
        assert "`schildwacht db repair` rebuilds it from its table" in result.stderr
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()
    result = demo("db", "repair")
    assert result.exit_code == 0, result.stderr
    assert "every index was rebuilt" in result.stderr
    assert demo("db", "status").exit_code == 0
    added = demo("staff", "add", callsign, "--name", "Tweede", "--unit", callsign.split("-")[0])
    assert added.exit_code == 2 and "already taken" in added.stderr


def test_a_unique_value_let_in_twice_through_a_damaged_index_is_named_by_repair(
    demo: Run, db_path: Path
) -> None:
    callsign = _a_callsign(demo)
    _callsign_index_flipped(db_path, callsign)
    added = demo("staff", "add", callsign, "--name", "Tweede", "--unit", callsign.split("-")[0])
    assert added.exit_code == 0, added.stderr  # the damaged index let it in
    before = _fingerprint(db_path)
    result = demo("db", "repair")
    assert result.exit_code == 5, result.stderr
    assert f"callsign '{callsign}' is now held twice, by rows" in result.stderr
    assert "nothing was written" in result.stderr
    assert _fingerprint(db_path) == before


def test_a_file_cut_short_is_damage(demo: Run, db_path: Path, tmp_path: Path) -> None:
    """Was: copied as sound by backup, and `audit verify` called it an edited event."""
    with open(db_path, "r+b") as file:
        file.truncate(db_path.stat().st_size - 1)
    for command in (("backup", str(tmp_path / "k.db")), ("audit", "verify"), ("db", "status")):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "the file is cut short" in result.stderr
    assert not (tmp_path / "k.db").exists()


def test_an_encrypted_database_whose_first_page_is_damaged_is_not_only_a_wrong_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "secret.db"
    runner = CliRunner()
    monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "correct horse")
    made = runner.invoke(cli, ["--db", str(db), "init", "--callsign", "OPS-01", "--encrypt"])
    assert made.exit_code == 0
    with open(db, "r+b") as file:  # one flipped bit in page 1, after its salt
        file.seek(2000)
        byte = file.read(1)[0]
        file.seek(2000)
        file.write(bytes([byte ^ 1]))
    result = runner.invoke(cli, ["--db", str(db), "person", "list"])
    assert result.exit_code == 5
    assert "or the file's first page is damaged" in result.stderr, result.stderr


def test_overwritten_file_format_versions_are_damage_not_permissions(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Header bytes 18–19 (3, 1): SQLite opens the file read-only; it was exit 6 "This user may
    not write the database … (file permissions…)" for a file this user owns and may write."""
    with open(db_path, "r+b") as file:
        file.seek(18)
        file.write(bytes([3, 1]))
    for command in (("activity", "list"), ("log", "add", "x"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "file format versions, bytes 18 and 19, were overwritten" in result.stderr


def test_a_backup_of_a_file_that_does_not_open_names_the_way_to_recover(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was: only "Restore the latest backup" for damage met while opening (a cut file)."""
    with open(db_path, "r+b") as file:
        file.truncate(800_000)
    result = demo("backup", str(tmp_path / "k.db"))
    assert result.exit_code == 5, result.stderr
    assert "Cannot back up the database" in result.stderr and ".recover" in result.stderr
    assert not (tmp_path / "k.db").exists()


def test_gaps_do_not_answer_from_an_index_that_hides_an_activity(demo: Run, db_path: Path) -> None:
    """Was: one changed byte in the activity_time index (a start 2026-12-02 read as 12-12)
    dropped an unplanned activity from `gaps --unplanned` and the day's list, silently."""
    conn = sqlite3.connect(db_path)
    ident, start = conn.execute("SELECT id, start_at FROM activity ORDER BY start_at").fetchone()
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'activity_time'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    for page in pages:
        at = data.find(ident.encode(), (page - 1) * size, page * size)
        if at >= 0:
            when = data.rfind(start.encode(), at - 300, at)
            data[when + 3] ^= 0x01  # the year's last digit, in the index only
            db_path.write_bytes(data)
            break
    else:
        raise AssertionError("activity not in its index")
    result = demo("gaps", "--unplanned")
    assert result.exit_code == 5, result.stderr
    assert "missing from index activity_time" in result.stderr
