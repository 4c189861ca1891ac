"""Issue #17 (rev17r): a process that holds SQLite connections (the console) never opens and
closes its database file with Python: POSIX would drop every lock its connections hold, and a
CLI command beside it would then delete the -wal and -shm under it and a later write be lost."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import logbook, machine
from store.db import Store
from store.errors import BadInput
from store.sync import bundle
from tests.conftest import TEST_SECRET, refused_as
from tests.source import parse_file

from .conftest import Run

CLI = [sys.executable, "-c", "from commands.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def _cli(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A CLI command in a process of its own (beside the console), as a person runs one."""
    env = {**os.environ, "SCHILDWACHT_SECRET": TEST_SECRET}
    return subprocess.run(
        [*CLI, "--db", str(database), *args], capture_output=True, text=True, env=env, timeout=60
    )


def _beside(database: Path) -> list[str]:
    return sorted(p.name[len(database.name) :] for p in database.parent.glob(database.name + "-*"))


def test_a_cli_command_beside_the_console_loses_no_write(initialised: Run, db_path: Path) -> None:
    console = Store(db_path)  # the console: connections held open throughout
    try:
        logbook.add_entry(console, "one (console)")  # Store.write: the file's size is checked
        assert _beside(db_path) == ["-shm", "-wal"]
        assert initialised("log", "add", "two (in process)").exit_code == 0  # a new Store
        assert initialised("staff", "list").exit_code == 0
        Store(db_path).close()  # the console's Switch user opens a second Store
        assert _cli(db_path, "staff", "list").returncode == 0  # closes its last connection
        assert _beside(db_path) == ["-shm", "-wal"], "the console's -wal/-shm were deleted"
        logbook.add_entry(console, "three (console)")
        assert _cli(db_path, "log", "add", "four (CLI)").returncode == 0
        listed = _cli(db_path, "log", "list").stdout
        assert all(text in listed for text in ("one", "two", "three", "four (CLI)")), listed
    finally:
        console.close()
    listed = _cli(db_path, "log", "list").stdout
    for text in ("one (console)", "two (in process)", "three (console)", "four (CLI)"):
        assert text in listed, f"{text!r} lost: {listed}"


#: Calls that open a file. Only ``store/dbfile.py`` may open a database file (issue #17); the
#: places listed open files that are never a database (or hand their descriptor to dbfile).
_OPENERS = {"open", "read_bytes", "read_text", "write_bytes", "write_text"}
_ALLOWED = {
    ("store/dbfile.py", "open"),  # the one helper: descriptors kept, never closed
    ("store/machine.py", "open"),  # import lock file; read_file lets go through dbfile
    ("store/sync/bundle.py", "open"),  # a bundle read: its descriptor let go through dbfile
    ("store/db.py", "open"),  # new empty files (no SQLite connection on them yet)
    ("store/migrations.py", "read_text"),  # the shipped SQL
    ("store/catalogue.py", "read_text"),  # the shipped catalogue
    ("commands/cli.py", "open"),  # /dev/null for closed standard streams
    ("console/errorlog.py", "open"),  # the error log
    ("console/state.py", "read_text"),  # the console's state file
}
#: ``commands.output.write_text``: never a file of the database (``write_private`` refuses one).
_OWN = {"write_text"}


def test_no_module_opens_a_file_but_those_known() -> None:
    found = set()
    for folder in ("store", "commands", "console"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = parse_file(path)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if isinstance(func, ast.Name) and name in _OWN:
                    continue
                if name in _OPENERS and not (isinstance(func, ast.Attribute) and _ours(func)):
                    found.add((path.relative_to(ROOT).as_posix(), name))
    assert found <= _ALLOWED, sorted(found - _ALLOWED)


def _ours(func: ast.Attribute) -> bool:
    """``env.open()``, ``drawer.open()``, ``output.write_text``: Schildwacht's own, no file."""
    return isinstance(func.value, ast.Name) and func.value.id in {"env", "drawer", "self"}


def test_the_database_given_as_a_file_to_read_keeps_its_locks(
    initialised: Run, db_path: Path
) -> None:
    """``machine.read_regular`` (a calendar, a roster) handed the database itself lets its
    descriptor go through ``dbfile``: the console's locks stay."""
    console = Store(db_path)
    try:
        logbook.add_entry(console, "one (console)")
        with refused_as(BadInput, "That is the database's own file"):  # rev17s
            machine.read_regular(db_path, 1 << 26, "calendar")
        assert _cli(db_path, "staff", "list").returncode == 0
        assert _beside(db_path) == ["-shm", "-wal"], "the console's -wal/-shm were deleted"
    finally:
        console.close()


def _locks(path: Path) -> int:
    """The POSIX locks this process holds on ``path``'s file (/proc/locks)."""
    inode = f":{path.stat().st_ino}"
    mine = str(os.getpid())
    with open("/proc/locks", encoding="ascii") as listed:
        rows = [line.split() for line in listed]
    return sum(1 for r in rows if r[4] == mine and r[5].endswith(inode))


@pytest.mark.parametrize("end", ["-shm", "-wal"])
def test_the_databases_wal_or_shm_given_as_a_file_to_read_keeps_its_locks(
    initialised: Run, db_path: Path, end: str
) -> None:
    """rev17s: ``dbfile.let_go`` kept the database's descriptor but closed one of its -shm:
    POSIX dropped the -shm's lock SQLite holds (its DMS lock), and a CLI command beside it could
    then delete the -wal and -shm under the console. Now the files beside an open database are
    refused as input and their descriptors kept."""
    console = Store(db_path)
    try:
        logbook.add_entry(console, "one (console)")
        shm = Path(f"{db_path}-shm")
        held = _locks(shm)
        assert held >= 1
        with refused_as(BadInput, f"That is the database's own file: .* the {end} file"):
            machine.read_regular(f"{db_path}{end}", 1 << 26, "roster")
        with pytest.raises(Exception, match="bundle_not_age"):  # a bundle read lets go alike
            bundle.read_file(Path(f"{db_path}{end}"))
        assert _locks(shm) == held, "the -shm's lock was dropped"
        for number in range(3):
            assert _cli(db_path, "log", "add", f"cli {number}").returncode == 0
            logbook.add_entry(console, f"console {number}")
    finally:
        console.close()
    listed = _cli(db_path, "log", "list").stdout
    for text in ("one (console)", "cli 2", "console 2"):
        assert text in listed, f"{text!r} lost: {listed}"


@pytest.mark.parametrize("end", ["", "-shm", "-wal"])
def test_the_cli_refuses_the_databases_own_files_as_a_calendar_or_roster(
    demo: Run, db_path: Path, end: str
) -> None:
    console = Store(db_path)  # holds the -wal and -shm there
    try:
        logbook.add_entry(console, "the console's")
        for args in (("activity", "import-ics", "--person", "BEVER"), ("shift", "import")):
            result = demo(*args, f"{db_path}{end}")
            assert result.exit_code == 2, result.output
            assert "That is the database's own file" in result.output, result.output
    finally:
        console.close()
