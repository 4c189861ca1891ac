"""A damaged database file (bytes overwritten, as a failing disk or a cut copy leaves it) is
refused in one sentence that names the damage and what to do, exit 5 (integrity), for reading
and writing alike (issue 14, rev14g): it was exit 1 "unexpected failure (DatabaseError:
'database disk image is malformed')", and damage near the start read as "not a Schildwacht
database". ``backup`` of it says it cannot copy a damaged database and how to recover."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import click
import pytest

from commands.cli import cli
from tests.commands.conftest import Run

DAMAGED = "is damaged (SQLite reads it as malformed); nothing was written."


def _overwrite(path: Path, offset: int, length: int | None = None) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.seek(offset)
        file.write(b"\xff" * ((size - offset) if length is None else length))


@pytest.mark.parametrize(
    "command",
    [
        ("db", "status"),
        ("shift", "list"),
        ("gaps",),
        ("capacity",),
        ("handover", "draft"),
        ("log", "add", "na de schade"),
    ],
)
def test_a_damaged_database_is_refused_in_words_exit_5(
    demo: Run, db_path: Path, command: tuple[str, ...]
) -> None:
    _overwrite(db_path, 4096 * 8)  # everything after the first pages
    result = demo(*command)
    assert result.exit_code == 5, result.stderr
    assert result.stderr.startswith("Error: The database ") and DAMAGED in result.stderr
    assert "Restore the latest backup" in result.stderr
    assert "unexpected failure" not in result.stderr


def test_damage_near_the_start_is_damage_not_another_kind_of_file(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _overwrite(db_path, 100, 4000)
    result = demo("activity", "list")
    assert result.exit_code == 5 and DAMAGED in result.stderr, result.stderr
    other = tmp_path / "brief.txt"  # a file of another kind is still named as such
    other.write_text("geen database\n" * 100)
    result = demo("--db", str(other), "log", "list")
    assert "not a Schildwacht database" in result.stderr and DAMAGED not in result.stderr


def test_a_backup_of_a_damaged_database_is_refused_with_the_way_to_recover(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _overwrite(db_path, 200_000, 5000)
    target = tmp_path / "kopie.db"
    result = demo("backup", str(target))
    assert result.exit_code == 5, result.stderr
    assert "Cannot back up the database" in result.stderr
    assert ".recover" in result.stderr and "no backup was written" in result.stderr
    assert not target.exists()
    assert not list(tmp_path.glob(".kopie.db*"))


# rev14h: damage in the file header, in a stored text, and every command on a damaged file ------


def _fingerprint(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


@pytest.mark.parametrize("offset", [44, 60])  # the schema format number; the schema version
def test_a_damaged_header_field_is_damage_not_no_database(
    demo: Run, db_path: Path, tmp_path: Path, offset: int
) -> None:
    with open(db_path, "r+b") as file:
        file.seek(offset)
        file.write(b"\xde\xad\xbe\xef")
    before = _fingerprint(db_path)
    for command in (("activity", "list"), ("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        if command[0] == "backup":  # rev14p F6: the way to recover, when there may be no backup
            assert "Cannot back up" in result.stderr and ".recover" in result.stderr
        else:
            said = DAMAGED if offset != 60 else "schema version was overwritten: it says -"
            assert said in result.stderr and "no Schildwacht database" not in result.stderr
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()
    other = tmp_path / "ander.db"  # another program's SQLite file is still no database of ours
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = demo("--db", str(other), "activity", "list")
    assert result.exit_code == 2 and "There is no Schildwacht database" in result.stderr


def _bad_text(path: Path, text: bytes) -> None:
    """Every copy of ``text`` in the file made invalid UTF-8, its length kept: the pages stay
    whole (SQLite's quick check finds nothing), reading the value fails."""
    data = path.read_bytes()
    assert data.count(text) >= 1
    path.write_bytes(data.replace(text, text[:3] + b"\xff\xfe" + text[5:]))


MARK = "SCHADE-zzqq-1234"
TEXT = "is not valid UTF-8"


def test_a_stored_text_that_is_no_utf8_is_damage_in_words(demo: Run, db_path: Path) -> None:
    """rev14m F2: said as what was found (finding 8), not "SQLite reads it as malformed"
    (SQLite reads such a file well); db repair names the table too (its text check)."""
    assert demo("log", "add", MARK).exit_code == 0
    _bad_text(db_path, MARK.encode())
    before = _fingerprint(db_path)
    for command in (("log", "list"), ("db", "status"), ("audit", "list"), ("db", "repair")):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert result.stderr.startswith("Error: The database ") and TEXT in result.stderr
        assert "malformed" not in result.stderr and "decode" not in result.stderr
        assert MARK[:3] not in result.stderr  # the damaged text itself is not shown
    assert "a stored text in table '" in result.stderr, result.stderr  # and its column
    assert _fingerprint(db_path) == before  # db repair wrote nothing


def test_a_backup_finds_a_stored_text_that_is_no_utf8_and_writes_nothing(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """rev14m F2: SQLite's quick check cannot see a text that is not UTF-8: ``backup`` said
    "quick check found no damage" and wrote a copy carrying it. Every row is read through the
    decoder before anything is written."""
    assert demo("log", "add", MARK).exit_code == 0
    _bad_text(db_path, MARK.encode())
    assert _quick_check(db_path) == "ok"
    target = tmp_path / "kopie.db"
    result = demo("backup", str(target))
    assert result.exit_code == 5, result.stderr
    assert "Cannot back up the database" in result.stderr and TEXT in result.stderr
    assert "a stored text in table '" in result.stderr and "malformed" not in result.stderr
    assert not target.exists() and not list(tmp_path.glob(".kopie.db*"))


def _quick_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    except sqlite3.DatabaseError:
        return "unreadable"
    finally:
        conn.close()


def _page_damage(path: Path, tmp_path: Path) -> None:
    """The cell pointers of a table's leaf page overwritten: SQLite's quick check names the
    problems it finds (the first page, from the end, where it does, not where it fails)."""
    data = path.read_bytes()
    trial = tmp_path / "trial.db"
    for page in range(len(data) // 4096 - 1, 8, -1):
        start = page * 4096 + 8
        damaged = data[:start] + b"\xde\xad\xbe\xef" * 8 + data[start + 32 :]
        trial.write_bytes(damaged)
        if _quick_check(trial) not in ("ok", "unreadable"):
            path.write_bytes(damaged)
            trial.unlink()
            return
    raise AssertionError("no page to damage")


def test_db_repair_and_backup_run_the_quick_check_first_and_say_what_it_found(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    result = demo("backup", str(tmp_path / "goed.db"))
    assert result.exit_code == 0 and "integrity check found no damage" in result.stderr
    result = demo("db", "repair")
    assert result.exit_code == 0 and "integrity check found no damage" in result.stderr
    _page_damage(db_path, tmp_path)
    before = _fingerprint(db_path)
    result = demo("db", "repair")
    assert result.exit_code == 5 and DAMAGED not in result.stderr, result.stderr
    assert "is damaged (SQLite reads it as malformed; its quick check found " in result.stderr
    assert "On tree page" in result.stderr and "nothing was written" in result.stderr
    result = demo("backup", str(tmp_path / "kopie.db"))
    assert result.exit_code == 5, result.stderr
    assert "it is damaged (SQLite reads it as malformed; its quick check found " in result.stderr
    assert ".recover" in result.stderr and not (tmp_path / "kopie.db").exists()
    assert _fingerprint(db_path) == before


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += [path] if command.invoke_without_command else []
            found += _leaves(command, path)
        else:
            found.append(path)
    return found


#: Not run on a damaged file: these open the console or make a database.
NOT_READ = {("console",), ("init",), ("demo",)}


@pytest.mark.parametrize("damage", ["text", "pages"])
def test_no_command_on_a_damaged_database_fails_unexpectedly(
    demo: Run, db_path: Path, damage: str
) -> None:
    assert demo("log", "add", MARK).exit_code == 0
    if damage == "text":
        _bad_text(db_path, MARK.encode())
    else:
        _overwrite(db_path, 4096 * 8)
    for command in _leaves(cli):
        if command in NOT_READ:
            continue
        for args in (command, (*command, "--format", "json")):
            result = demo(*args, input="")
            assert result.exit_code != 1, (args, result.stderr)
            assert "unexpected failure" not in result.stderr, (args, result.stderr)
            assert "decode" not in result.stderr and "Traceback" not in result.stderr


def test_a_quick_check_that_stopped_at_its_cap_says_or_more(demo: Run, db_path: Path) -> None:
    """rev14m F5: the header's "largest root page" field set to 7 makes SQLite's quick check
    report past its cap of 100: the count where it stopped is said as "100 or more"."""
    with open(db_path, "r+b") as file:
        file.seek(52)
        file.write(b"\x00\x00\x00\x07")
    for command in (("db", "repair"), ("backup", str(db_path.with_name("kopie.db")))):
        result = demo(*command)
        assert result.exit_code == 5, result.stderr
        assert "its quick check found 100 or more problems, the first: " in result.stderr


def _root_page_overwritten(path: Path, table: str) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with open(path, "r+b") as file:
        file.seek((root - 1) * 4096)
        file.write(b"\x0d\xff\xff\xff\xff")


@pytest.mark.parametrize("table", ["staff", "sync_log", "sync_quarantine"])
def test_a_refusal_of_damage_comes_alone_not_after_a_part_of_the_output(
    demo: Run, db_path: Path, table: str
) -> None:
    """rev14m F3: `sync status` on a database whose staff table is damaged printed "Last sent:
    never; open conflicts: 0." and then the refusal; every command computes what it says
    before it says any of it, so a refusal comes alone."""
    _root_page_overwritten(db_path, table)
    for command in _leaves(cli):
        if command in NOT_READ:
            continue
        result = demo(*command, input="")
        if result.exit_code == 5 and "is damaged" in result.stderr:
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and not result.stdout.strip(), (command, result.stderr)
