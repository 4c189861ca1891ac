"""Files Schildwacht writes are this user's alone (issue 14): the database and its WAL and
shared-memory files, backups, bundles, requests and -o outputs 0600; a data folder it creates
0700; a folder the person named (a shared folder) keeps the mode it had."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from store.db import Store

from .conftest import Run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> object:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_default_database_and_its_folder_are_private(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from commands.cli import cli

    result = CliRunner().invoke(cli, ["init", "--callsign", "OPS-01", "--unit", "RT"])
    assert result.exit_code == 0, result.stderr
    database = tmp_path / "data" / "schildwacht" / "schildwacht.db"
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700
    assert mode(tmp_path / "data") == 0o700  # created by Schildwacht as well
    store = Store(database)
    try:
        store.conn.execute("SELECT count(*) FROM subject").fetchone()
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{database}{suffix}")) == 0o600
    finally:
        store.close()


def test_a_folder_the_person_named_keeps_its_mode(run: Run, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o775)
    shared.chmod(0o775)
    database = shared / "schildwacht.db"
    result = run("--db", str(database), "init", "--callsign", "OPS-01", "--unit", "RT")
    assert result.exit_code == 0, result.stderr
    assert mode(shared) == 0o775
    assert mode(database) == 0o600


def test_backups_outputs_requests_and_bundles_are_private(initialised: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o755)
    assert initialised("backup", str(out / "copy.db")).exit_code == 0
    assert initialised("person", "list", "--format", "csv", "-o", str(out / "p.csv")).exit_code == 0
    assert initialised("device", "request", "--out", str(out / "request.json")).exit_code == 0
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    assert initialised("sync", "export", "--out", str(out / "b.swb")).exit_code == 0
    folder = tmp_path / "stick"
    folder.mkdir()
    folder.chmod(0o777)
    assert initialised("sync", "export", "--to", str(folder)).exit_code == 0
    written = [*out.iterdir(), *folder.rglob("*.swb")]
    assert {p.name for p in out.iterdir()} == {"copy.db", "p.csv", "request.json", "b.swb"}
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert mode(out) == 0o755 and mode(folder) == 0o777


def _device_folders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir()]


def test_sync_folders_schildwacht_creates_are_private(initialised: Run, tmp_path: Path) -> None:
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    new = tmp_path / "stick" / "sync"  # neither exists yet
    assert initialised("sync", "export", "--to", str(new)).exit_code == 0
    [mine] = _device_folders(new)
    assert mode(tmp_path / "stick") == mode(new) == mode(mine) == 0o700
    assert [mode(p) for p in mine.iterdir()] == [0o600]


@pytest.mark.parametrize("shared_mode", [0o755, 0o2770])
def test_the_device_folder_takes_the_mode_of_the_folder_the_person_named(
    initialised: Run, tmp_path: Path, shared_mode: int
) -> None:
    """A shared folder's transport (a network share, Syncthing under another account) must
    still read this device's folder; a shared group's setgid passes on too."""
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(shared_mode)
    assert initialised("sync", "export", "--to", str(shared)).exit_code == 0
    [mine] = _device_folders(shared)
    assert mode(shared) == shared_mode and mode(mine) == shared_mode


def test_a_device_folder_planted_as_a_link_is_refused(
    initialised: Run, db_path: Path, tmp_path: Path
) -> None:
    from tests.conftest import snapshot

    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    shared, elsewhere = tmp_path / "shared", tmp_path / "elsewhere"
    shared.mkdir()
    elsewhere.mkdir()
    store = Store(db_path)
    device_id = store.device_id
    store.close()
    (shared / device_id).symlink_to(elsewhere)
    before = snapshot(db_path)
    result = initialised("sync", "export", "--to", str(shared))
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    assert list(elsewhere.iterdir()) == [] and snapshot(db_path) == before


def test_the_console_state_is_private(tmp_path: Path) -> None:
    from console.state import load_state, save_state

    save_state(tmp_path / "a.db", {"screen": "agenda"})
    state = tmp_path / "state" / "console.json"
    assert load_state(tmp_path / "a.db") == {"screen": "agenda"}
    assert mode(state) == 0o600 and mode(state.parent) == 0o700
    assert [p.name for p in state.parent.iterdir()] == ["console.json"]


def test_init_over_a_given_empty_0644_file_makes_it_private(run: Run, db_path: Path) -> None:
    given = db_path
    given.touch(mode=0o644)
    os.chmod(given, 0o644)
    with open(given, "rb") as opened_before:  # someone who opened it while it was readable
        result = run("init", "--callsign", "OPS-01", "--unit", "RT")
        assert result.exit_code == 0, result.stderr
        assert mode(given) == 0o600
        assert opened_before.read() == b""  # the keys went into a new file, not into this one
    assert [p.name for p in given.parent.iterdir() if p.name.endswith(".new")] == []
