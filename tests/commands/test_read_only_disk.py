"""A database whose disk is read-only or full, or whose folder this user may not write
(rev14 full_read.sh, ro.sh): SQLite needs a ``-shm`` file beside a WAL database even to read
it, so reading commands and ``backup`` to another disk failed with exit 6 and nobody could
rescue a copy. Now a command that only reads opens it read-only (``mode=ro``, else
``immutable=1``), says so in one line on stderr, and works; a write is still exit 6 with one
sentence naming the cause plainly. A real read-only or full tmpfs when this runs as root and
may mount; else file modes (a folder this user may not write)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commands.cli import cli
from tests.conftest import snapshot

ROOT = os.geteuid() == 0


def _run(database: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(database), *args], catch_exceptions=False)


@contextlib.contextmanager
def _disk(folder: Path, size: str) -> Iterator[bool]:
    """A real file system of ``size`` at ``folder`` when root may mount one (True), else the
    plain folder (False)."""
    folder.mkdir()
    mounted = (
        ROOT
        and not subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def blocked(
    request: pytest.FixtureRequest, tmp_path: Path, cli_demo_template: Path
) -> Iterator[tuple[Path, str]]:
    """The demo database on a disk made read-only (or full), or in a folder this user may not
    write; yields the database and the words of the cause. Its content is checked unchanged
    once the disk is writable again."""
    how = request.param
    folder = tmp_path / "disk"
    with _disk(folder, "8m") as mounted:
        if not mounted and ROOT:
            pytest.skip("root may write any folder; a read-only or full mount is refused here")
        database = folder / "schildwacht.db"
        shutil.copyfile(cli_demo_template, database)
        before = snapshot(database)
        if not mounted:
            folder.chmod(0o500)
            cause = "read-only for this user"
        elif how == "read-only":
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            cause = "read-only"
        else:
            with open(folder / "filler", "wb") as handle, contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            cause = "is full"
        try:
            yield database, cause
        finally:
            if not mounted:
                folder.chmod(0o700)
            elif how == "read-only":
                subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
            else:
                (folder / "filler").unlink()
        assert snapshot(database) == before


@pytest.mark.parametrize("blocked", ["read-only", "full"], indirect=True)
def test_a_database_that_cannot_be_written_is_still_read_and_copied(
    blocked: tuple[Path, str], tmp_path: Path, cli_demo_template: Path
) -> None:
    database, cause = blocked
    listed = _run(database, "activity", "list", "--date", "2026-11-30", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stderr.strip().splitlines() == [
        f"Note: read as it is on disk, without writing ({_cause_note(cause)})."
    ]
    expected = _run(cli_demo_template, "activity", "list", "--date", "2026-11-30", "-f", "json")
    assert json.loads(listed.stdout) == json.loads(expected.stdout) != []

    rescued = tmp_path / "rescue.db"
    copied = _run(database, "backup", str(rescued))
    assert copied.exit_code == 0, copied.stderr
    again = _run(rescued, "activity", "list", "--date", "2026-11-30", "--format", "json")
    assert json.loads(again.stdout) == json.loads(listed.stdout)
    assert _run(database, "audit", "verify").exit_code == 0

    written = _run(database, "log", "add", "x")
    assert written.exit_code == 6, written.stderr
    (line,) = written.stderr.strip().splitlines()
    assert line.startswith("Error: ") and cause in line and "nothing was written" in line
    assert "permissions, or" not in line  # the cause, not a hedge


def _cause_note(cause: str) -> str:
    return {
        "read-only": "the disk holding it is read-only",
        "is full": "the disk holding it is full",
        "read-only for this user": "its folder is read-only for this user",
    }[cause]


def test_an_encrypted_database_on_a_read_only_disk_is_read_not_called_a_wrong_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The passphrase check read the file and took the missing ``-shm`` for a wrong key
    (exit 5, "Wrong passphrase")."""
    folder = tmp_path / "disk"
    with _disk(folder, "8m") as mounted:
        if not mounted:
            pytest.skip("needs a read-only mount (root and mount)")
        monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "a passphrase long enough")
        database = folder / "schildwacht.db"
        init = ("init", "--encrypt", "--callsign", "OPS-01", "--unit", "RT")
        assert _run(database, *init).exit_code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        try:
            listed = _run(database, "audit", "list", "--format", "json")
            written = _run(database, "log", "add", "x")
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert listed.exit_code == 0, listed.stderr
        assert json.loads(listed.stdout)  # read (init's events), not called a wrong passphrase
        assert written.exit_code == 6 and "is read-only" in written.stderr


def test_a_log_with_changes_on_a_read_only_disk_is_refused_not_read_without_them(
    tmp_path: Path, cli_demo_template: Path
) -> None:
    """``immutable=1`` would read the file without its write-ahead log: a log that holds
    changes (a laptop that crashed or lost power) is refused, never silently left out."""
    import sqlite3

    folder = tmp_path / "disk"
    with _disk(folder, "8m") as mounted:
        if not mounted:
            pytest.skip("needs a read-only mount (root and mount)")
        live, crashed = folder / "live.db", folder / "crashed.db"
        shutil.copyfile(cli_demo_template, live)
        conn = sqlite3.connect(live, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("INSERT INTO meta (key, value) VALUES ('rev14', 'only in the log')")
        shutil.copyfile(live, crashed)  # as a crash leaves it: the file and a log with changes
        shutil.copyfile(f"{live}-wal", f"{crashed}-wal")
        conn.close()
        assert Path(f"{crashed}-wal").stat().st_size > 0
        assert not Path(f"{crashed}-shm").exists()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        try:
            result = _run(crashed, "db", "status")
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert result.exit_code == 6, result.stdout
        (line,) = result.stderr.strip().splitlines()
        assert "in its write-ahead log" in line and "nothing was read" in line
