"""The last fresh review of issue 14 (commands): a standard stream that cannot be written, a
file that is not a Schildwacht database, a created id that cannot be printed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.commands.test_machine_faults import CLI
from tests.conftest import copy_database, snapshot

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")


def run_full(args: list[str], *, out: bool, err: bool) -> subprocess.CompletedProcess[str]:
    """The command line with stdout and/or stderr on /dev/full (the other one captured)."""
    with FULL.open("w") as full:
        return subprocess.run(
            [*CLI, *args],
            stdout=full if out else subprocess.PIPE,
            stderr=full if err else subprocess.PIPE,
            text=True,
            timeout=60,
        )


@needs_full
@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_onto_a_full_device_exit_6(args: list[str]) -> None:
    """Before: exit 1 with a traceback (the help is printed outside any command)."""
    done = run_full(args, out=True, err=False)
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith("Error: Writing to standard output failed (no space left")
    assert "Traceback" not in done.stderr


@needs_full
def test_a_usage_error_with_a_full_stderr_still_exits_2() -> None:
    """Before: exit 1 (the refusal could not be printed, and the traceback neither)."""
    done = run_full(["activity", "list", "--bogus"], out=False, err=True)
    assert (done.returncode, done.stdout) == (2, "")


@needs_full
def test_a_listing_with_both_streams_full_exits_6(demo_template: Path, tmp_path: Path) -> None:
    database = copy_database(demo_template, tmp_path / "d.db")
    before = snapshot(database)
    done = run_full(["--db", str(database), "person", "list"], out=True, err=True)
    assert done.returncode == 6
    assert snapshot(database) == before


@needs_full
def test_a_created_id_that_cannot_be_printed_writes_nothing(
    demo_template: Path, tmp_path: Path
) -> None:
    """Before: ``activity add … >/dev/full`` wrote the activity, then exited 6 ("nothing was
    written, try again"), so a script that retried made two. The id is printed inside the
    transaction now: a retry after exit 6 leaves exactly one activity."""
    database = copy_database(demo_template, tmp_path / "d.db")
    conn = sqlite3.connect(database)
    code = conn.execute("SELECT code FROM subject WHERE kind = 'person' LIMIT 1").fetchone()[0]
    conn.close()
    before = snapshot(database)
    add = ["--db", str(database), "activity", "add", "--person", code, "--title", "retry"]
    add += ["--start", "2027-06-01 10:00", "--end", "2027-06-01 11:00"]
    done = run_full(add, out=True, err=False)
    assert done.returncode == 6, done.stderr
    assert snapshot(database) == before
    again = subprocess.run([*CLI, *add], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(database)
    rows = conn.execute("SELECT id FROM activity WHERE title = 'retry'").fetchall()
    conn.close()
    assert [row[0] for row in rows] == [again.stdout.strip()]


@pytest.mark.parametrize("level", ["+3", " 3", "00003", "3 "])
def test_a_level_is_digits_only(demo: Run, db_path: Path, level: str) -> None:
    """README: a threat level is digits 0-9. Before, ``+3``, `` 3`` and ``00003`` were taken."""
    before = snapshot(db_path)
    result = demo("threat", "assess", "BEVER", "--level", level)
    assert result.exit_code == 2, result.output
    assert "--level must be a whole number written in digits 0-9" in result.stderr
    assert snapshot(db_path) == before


def test_a_passphrase_on_a_plain_database_says_it_is_not_encrypted(
    demo: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "Wrong passphrase" for a database that has none."""
    monkeypatch.setenv("SCHILDWACHT_PASSPHRASE", "anything")
    result = demo("activity", "list")
    assert result.exit_code == 2
    assert "is not encrypted (a plain SQLite file)" in result.stderr


def test_a_roster_over_its_shift_limit_is_refused_whole(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """``shift import`` had no count bound (105,000 shifts from a 4.5 MB file): a file with
    more shifts than ``--max-shifts`` (default 5,000) is refused before any line is checked."""
    callsign = sqlite3.connect(db_path).execute("SELECT callsign FROM staff LIMIT 1").fetchone()[0]
    lines = [f"{callsign},2027-0{m}-01 08:00,2027-0{m}-01 16:00" for m in (1, 2, 3)]
    roster = tmp_path / "roster.csv"
    roster.write_text("callsign,start,end\n" + "\n".join(lines) + "\n", "utf-8")
    before = snapshot(db_path)
    result = demo("shift", "import", str(roster), "--max-shifts", "2")
    assert result.exit_code == 2, result.output
    assert "holds 3 shifts, more than the limit of 2 (--max-shifts)" in result.stderr
    assert snapshot(db_path) == before
    assert demo("shift", "import", str(roster), "--max-shifts", "3").exit_code == 0


def test_default_windows_near_2099_end_with_the_range(
    initialised: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``capacity`` (7 days) and ``import-ics`` (90 days) on 2099-12-31 refused their own
    default end in 2100, naming an option nobody typed; they end with the range now."""
    monkeypatch.setenv("SCHILDWACHT_NOW", "2099-12-31T20:00:00+00:00")
    assert initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT").exit_code == 0
    capacity = initialised("capacity")
    assert capacity.exit_code == 0, capacity.stderr
    ics = tmp_path / "tail.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:tail@x\r\n"
        "DTSTART:20991231T090000Z\r\nDTEND:20991231T100000Z\r\nSUMMARY:tail\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    imported = initialised("activity", "import-ics", str(ics), "--person", "BEVER")
    assert imported.exit_code == 0, imported.stderr
    assert "tail" in imported.stdout


def _closed(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)


def test_a_closed_stdout_does_nothing_and_exits_6(demo_template: Path, tmp_path: Path) -> None:
    """Before: ``>&-`` ended every command with a traceback and exit 1 (``log add`` after its
    check, a listing at the flush). What a command says is its result, so nothing is done."""
    database = copy_database(demo_template, tmp_path / "d.db")
    before = snapshot(database)
    for args in (["activity", "list"], ["log", "add", "closed stdout"]):
        done = subprocess.run(
            [*CLI, "--db", str(database), *args],
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            preexec_fn=_closed(1),
        )
        assert done.returncode == 6, done.stderr
        assert done.stderr.startswith("Error: Standard output is closed") and "Traceback" not in (
            done.stderr
        )
    assert snapshot(database) == before


def test_a_closed_stderr_keeps_the_exit_code(demo_template: Path, tmp_path: Path) -> None:
    """Before: ``2>&-`` made a listing, a refusal and a write that was done all exit 1 (the
    write after committing, so a script retried it)."""
    database = copy_database(demo_template, tmp_path / "d.db")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, "--db", str(database), *args],
            stdout=subprocess.PIPE,
            text=True,
            timeout=60,
            preexec_fn=_closed(2),
        )

    assert run("activity", "list").returncode == 0
    before = snapshot(database)
    assert run("activity", "add", "--person", "NOPE", "--title", "x").returncode == 2
    assert snapshot(database) == before
    written = run("log", "add", "closed stderr")
    assert written.returncode == 0 and written.stdout.strip()
