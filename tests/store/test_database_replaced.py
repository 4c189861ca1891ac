"""Issue #17 (rev17s): a backup restored over a database a Store holds open (the console), by
the README's steps (the -wal and -shm removed, the copy put in place with ``cp``) or by ``mv``.
The open Store's next write was accepted and then lost: SQLite wrote it into the old file, or
into a -wal no one reads. Now the Store refuses it (exit 5, one sentence) and the restored file
is left as restored."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commands.exits import ExitCode
from commands.output import exit_code
from store import logbook
from store.db import Store, backup_database
from store.errors import IntegrityFailure
from tests.conftest import TEST_SECRET, refused_as

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from commands.cli import main; main()"]


def _cli(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A CLI command in a process of its own."""
    env = {**os.environ, "SCHILDWACHT_SECRET": TEST_SECRET}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from commands.cli import main; main()",
            "--db",
            str(database),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _texts(path: Path) -> list[str]:
    fresh = Store(path)
    try:
        return [str(r[0]) for r in fresh.query("SELECT text FROM log_entry ORDER BY text")]
    finally:
        fresh.close()


def _restore(how: str, backup: Path, database: Path) -> None:
    """README: Backup and restore (the -wal and -shm removed, the copy put in place)."""
    for end in ("-wal", "-shm"):
        Path(f"{database}{end}").unlink(missing_ok=True)
    if how == "readme":
        shutil.copyfile(backup, database)  # cp: the same inode, written over
    else:
        os.replace(backup, database)  # mv: another inode under the name


@pytest.mark.parametrize("how", ["readme", "mv"])
def test_a_write_after_a_restore_under_an_open_store_is_refused(
    store: Store, db_path: Path, tmp_path: Path, how: str
) -> None:
    logbook.add_entry(store, "before the backup")
    backup = backup_database(store, tmp_path / "backup.db")
    logbook.add_entry(store, "after the backup")
    kept = tmp_path / "kept.db"
    shutil.copyfile(backup, kept)
    _restore(how, backup, db_path)
    restored = _digest(db_path)
    with refused_as(IntegrityFailure, r"was replaced while open.*close and open again") as caught:
        logbook.add_entry(store, "lost without a word")
    assert caught.value.code == "database_replaced"  # type: ignore[attr-defined]
    assert exit_code(caught.value) == ExitCode.INTEGRITY == 5  # type: ignore[arg-type]
    assert _digest(db_path) == restored == _digest(kept)  # the restored file as restored
    store.close()  # its -wal is not checkpointed into the restored file (it was: damaged)
    assert _digest(db_path) == restored
    if how == "readme":  # the same file: this process maps the old -shm until it ends
        with refused_as(IntegrityFailure, "was replaced while open"):
            Store(db_path)
    else:
        logbook.add_entry(store, "opened again")
        store.close()
    # another process (open again): the restored database, whole, takes writes
    assert _cli(db_path, "log", "add", "after opening again").returncode == 0
    listed = _cli(db_path, "log", "list", "--format", "csv").stdout
    assert "before the backup" in listed and "after opening again" in listed
    assert "after the backup" not in listed and "lost without a word" not in listed
    assert _cli(db_path, "audit", "verify").returncode == 0


@pytest.mark.parametrize("how", ["readme", "mv"])
def test_a_console_that_quits_after_a_restore_leaves_the_restored_file_whole(
    store: Store, db_path: Path, tmp_path: Path, how: str
) -> None:
    """The console never closes its store: at the process's end SQLite closed its connections,
    checkpointing the old -wal into the restored file (``database disk image is malformed``)."""
    logbook.add_entry(store, "before the backup")
    backup = backup_database(store, tmp_path / "backup.db")
    store.close()
    script = (
        "import sys; from store.db import Store; from store import logbook\n"
        "s = Store(sys.argv[1]); logbook.add_entry(s, 'held')\n"
        "print('ready', flush=True); sys.stdin.readline()\n"
        "try: logbook.add_entry(s, 'after')\n"
        "except Exception as e: print(e.code, flush=True)\n"
    )
    held = subprocess.Popen(
        [sys.executable, "-c", script, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert held.stdout is not None and held.stdin is not None
    assert held.stdout.readline() == "ready\n"
    _restore(how, backup, db_path)
    restored = _digest(db_path)
    out, _err = held.communicate("go\n", timeout=60)
    assert out.strip() == "database_replaced"
    assert _digest(db_path) == restored
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    assert _cli(db_path, "audit", "verify").returncode == 0


def test_a_wal_removed_under_an_open_store_refuses_its_write(store: Store, db_path: Path) -> None:
    """A -wal deleted under the open Store (another process that lost its locks, rev17r): the
    write would land in a file no one reads."""
    logbook.add_entry(store, "kept")
    Path(f"{db_path}-wal").unlink()
    with refused_as(IntegrityFailure, "was replaced while open"):
        logbook.add_entry(store, "lost")


def test_an_unchanged_file_takes_writes_from_several_stores_and_threads(
    store: Store, db_path: Path
) -> None:
    """No false alarm: another Store opened and closed beside it, a second thread's connection,
    writes through both."""
    import threading

    other = Store(db_path)
    logbook.add_entry(other, "other")
    other.close()
    logbook.add_entry(store, "first")
    worker = threading.Thread(target=logbook.add_entry, args=(store, "thread"))
    worker.start()
    worker.join()
    logbook.add_entry(store, "second")
    assert _texts(db_path) == ["first", "other", "second", "thread"]


def test_the_check_costs_two_stats_per_write(store: Store) -> None:
    """Measured, not asserted (shared machines): printed with ``-s``."""
    logbook.add_entry(store, "warm")
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        store._same_files()
    each = (time.perf_counter() - start) / rounds
    start = time.perf_counter()
    for i in range(100):
        logbook.add_entry(store, f"entry {i}")
    write = (time.perf_counter() - start) / 100
    print(f"\nidentity check: {each * 1e6:.1f} us per write; a log entry: {write * 1e3:.2f} ms")
