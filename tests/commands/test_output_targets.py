"""Files Schildwacht writes by name never destroy what is at that name (issue 14, review).

Every writer — ``-o`` of every listing, ``sync export --out``, ``team enroll --out``, ``device
request --out``, ``backup FILE`` — refuses, exit 2 with one sentence and nothing written, a
target that exists and is not a regular file (a FIFO, a folder, a device), a symbolic link
(dangling or not), an empty name, and the database in use or any file beside it (its WAL,
shared memory, journal, import lock), however it is spelled (another path, a hard link). The
check runs when the command line is read, so a command that also writes the database (an
import, an enrolment) has done nothing either. Real FIFOs, links and databases; never a
system path.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import snapshot

from .conftest import Run


def refused(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def team(initialised: Run) -> Run:
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    return initialised


def _fifo(folder: Path) -> Path:
    path = folder / "pipe"
    os.mkfifo(path)
    return path


def _link(folder: Path) -> Path:
    victim = folder / "victim.txt"
    victim.write_text("keep me")
    (folder / "link").symlink_to(victim)
    return folder / "link"


def _dangling(folder: Path) -> Path:
    (folder / "dangling").symlink_to(folder / "nowhere" / "file")
    return folder / "dangling"


def _folder(folder: Path) -> Path:
    (folder / "sub").mkdir()
    return folder / "sub"


def _device(folder: Path) -> Path:
    """A character device like /dev/null, made in the test's own folder (root only)."""
    path = folder / "null"
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root")
    return path


TARGETS: dict[str, Callable[[Path], Path]] = {
    "a FIFO": _fifo,
    "a symbolic link": _link,
    "a dangling link": _dangling,
    "a folder": _folder,
    "a device": _device,
}

WRITERS: dict[str, tuple[str, ...]] = {
    "-o": ("person", "list", "--format", "csv", "-o"),
    "sync export --out": ("sync", "export", "--out"),
    "device request --out": ("device", "request", "--out"),
    "backup": ("backup",),
}


def _state(path: Path) -> tuple[int, str | None, bytes | None]:
    """What is at ``path``: its file type, where a link points, a regular file's bytes."""
    info = path.lstat()
    target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    return stat.S_IFMT(info.st_mode), target, content


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("kind", TARGETS)
def test_a_target_that_is_not_a_regular_file_is_refused(
    team: Run, db_path: Path, tmp_path: Path, writer: str, kind: str
) -> None:
    target = TARGETS[kind](tmp_path)
    victim = tmp_path / "victim.txt"
    before, there = snapshot(db_path), _state(target)
    sentence = refused(team(*WRITERS[writer], str(target)))
    assert "Nothing was written" in sentence or "nothing was written" in sentence
    assert _state(target) == there
    assert not victim.exists() or victim.read_text() == "keep me"
    assert snapshot(db_path) == before
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", "-import.lock"])
def test_the_database_and_the_files_beside_it_are_never_a_target(
    team: Run, db_path: Path, writer: str, suffix: str
) -> None:
    target = Path(f"{db_path}{suffix}")
    existed = target.exists()
    content = target.read_bytes() if existed else None
    before = snapshot(db_path)
    sentence = refused(team(*WRITERS[writer], str(target)))
    assert "file of the database in use" in sentence
    assert target.exists() == existed and (not existed or target.read_bytes() == content)
    assert snapshot(db_path) == before
    assert team("audit", "verify").exit_code == 0


@pytest.mark.parametrize("spelling", ["another path", "a hard link"])
def test_the_database_under_another_name_is_recognised(
    initialised: Run, db_path: Path, tmp_path: Path, spelling: str
) -> None:
    if spelling == "a hard link":
        target = tmp_path / "same.db"
        os.link(db_path, target)
    else:
        (tmp_path / "d").mkdir()
        target = tmp_path / "d" / ".." / "." / db_path.name
    before = snapshot(db_path)
    for writer in ("-o", "backup"):
        assert "file of the database in use" in refused(initialised(*WRITERS[writer], str(target)))
    assert snapshot(db_path) == before


@pytest.mark.parametrize("writer", WRITERS)
def test_an_empty_name_is_exit_2(team: Run, db_path: Path, writer: str) -> None:
    before = snapshot(db_path)
    assert "empty name" in refused(team(*WRITERS[writer], ""))
    assert snapshot(db_path) == before


def test_an_import_with_a_bad_output_imports_nothing(
    team: Run, db_path: Path, tmp_path: Path
) -> None:
    """The target is checked when the command line is read: the import has not begun."""
    folder = tmp_path / "share"
    folder.mkdir()
    before = snapshot(db_path)
    refused(team("sync", "import", str(folder), "--format", "json", "-o", str(_fifo(tmp_path))))
    refused(team("sync", "import", str(folder), "-o", str(db_path)))
    assert snapshot(db_path) == before


def test_an_enrolment_with_a_bad_welcome_target_enrols_nobody(
    team: Run, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    from click.testing import CliRunner

    from commands.cli import cli

    runner = CliRunner()
    base = ["--db", str(other)]
    assert (
        runner.invoke(
            cli, [*base, "init", "--callsign", "OPS-B", "--role", "operator", "--unit", "RT"]
        ).exit_code
        == 0
    )
    request = tmp_path / "req.json"
    assert runner.invoke(cli, [*base, "device", "request", "--out", str(request)]).exit_code == 0
    before = snapshot(db_path)
    for bad in (str(db_path), str(_link(tmp_path)), ""):
        refused(team("team", "enroll", str(request), "--out", bad, "--yes"))
    assert snapshot(db_path) == before
    welcome = team("team", "enroll", str(request), "--out", str(tmp_path / "w.swb"), "--yes")
    assert welcome.exit_code == 0, welcome.stderr


def test_a_regular_file_is_replaced_whole(initialised: Run, tmp_path: Path) -> None:
    target = tmp_path / "people.csv"
    target.write_text("old content that is longer than the new one " * 100)
    assert initialised("person", "list", "--format", "csv", "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("code,")
    assert "old content" not in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
