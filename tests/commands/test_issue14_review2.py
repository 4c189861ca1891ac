"""What a second hostile review of issue 14 broke, reproduced on the command line (the console's
forms: tests/console/test_hostile_text.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import snapshot

from .conftest import Run


def test_a_done_activity_is_not_moved_to_a_time_not_yet_ended(demo: Run, db_path: Path) -> None:
    times = ("--start", "2026-11-20 10:00", "--end", "2026-11-20 11:00")
    added = demo("activity", "add", "--person", "BEVER", "--title", "Zitting", *times)
    assert added.exit_code == 0, added.stderr
    activity = added.stdout.strip()
    assert demo("activity", "edit", activity, "--status", "done").exit_code == 0
    before = snapshot(db_path)
    future = ("--start", "2026-12-02 10:00", "--end", "2026-12-02 11:00")
    moved = demo("activity", "edit", activity, *future, "--correction", "Verkeerd genoteerd")
    assert moved.exit_code == 2
    assert len(moved.stderr.splitlines()) == 1 and "is done" in moved.stderr
    assert snapshot(db_path) == before
    # Within the past it may still be corrected.
    past = ("--start", "2026-11-21 10:00", "--end", "2026-11-21 11:00")
    corrected = demo("activity", "edit", activity, *past, "--correction", "Verkeerd genoteerd")
    assert corrected.exit_code == 0, corrected.stderr


CLI = [sys.executable, "-c", "from commands.cli import main; main()"]
VENDOR_ZONES = ("/mozilla.org/20050126_1/Europe/Amsterdam", "/etc/localtime")


@pytest.mark.parametrize("zone", VENDOR_ZONES)
def test_a_vendor_time_zone_is_one_sentence_without_a_python_warning(
    demo: Run, db_path: Path, tmp_path: Path, zone: str
) -> None:
    calendar = tmp_path / "agenda.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        f"DTSTART;TZID={zone}:20261201T100000\r\nDTEND;TZID={zone}:20261201T110000\r\n"
        "SUMMARY:moz\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = snapshot(db_path)
    args = ("--db", str(db_path), "activity", "import-ics", str(calendar), "--person", "BEVER")
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "never guessed" in done.stderr, done.stderr
    assert snapshot(db_path) == before


def test_encrypt_without_a_terminal_or_the_variable_is_refused(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_PASSPHRASE", raising=False)
    done = subprocess.run(
        [*CLI, "--db", str(db_path), "init", "--callsign", "OPS-01", "--unit", "RT", "--encrypt"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: init --encrypt needs the passphrase"), done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not db_path.exists()


@pytest.mark.parametrize(
    "args",
    [("--unit", "RT", "--add-fte", "0.5"), ("--change", "add-fte:0.5:RT")],
    ids=["--add-fte", "--change"],
)
def test_half_an_fte_is_one_officer_as_the_readme_says(demo: Run, args: tuple[str, ...]) -> None:
    half = demo("capacity", "scenario", *args, "--format", "json")
    assert half.exit_code == 0, half.stderr
    one = demo("capacity", "scenario", "--unit", "RT", "--add-officers", "1", "--format", "json")
    assert half.stdout == one.stdout


def test_an_fte_below_a_half_is_refused(demo: Run, db_path: Path) -> None:
    before = snapshot(db_path)
    refused = demo("capacity", "scenario", "--unit", "RT", "--add-fte", "0.4")
    assert refused.exit_code == 2 and "0.5" in refused.stderr, refused.stderr
    assert snapshot(db_path) == before


@pytest.mark.parametrize("cols", ["title", '{"a": 1}', "[1, 2]"])
def test_a_hand_edited_field_list_of_the_change_log_is_exit_5(
    demo: Run, db_path: Path, tmp_path: Path, cols: str
) -> None:
    assert demo("team", "create", "--name", "Havenstad").exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE sync_shape SET cols = ? WHERE id = (SELECT min(id) FROM sync_shape)", (cols,)
        )
    conn.close()
    before = snapshot(db_path)
    refused = demo("sync", "export", "--to", str(tmp_path / "share"))
    assert refused.exit_code == 5, refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and "outside Schildwacht" in refused.stderr
    assert snapshot(db_path) == before


def test_the_day_first_hint_writes_the_typed_date_the_accepted_way(demo: Run) -> None:
    refused = demo("activity", "list", "--from", "31-12-2026 10:00", "--to", "2027-01-02 10:00")
    assert refused.exit_code == 2
    assert "31-12-2026 is written 2026-12-31" in refused.stderr, refused.stderr


def test_a_too_long_text_is_worded_for_any_field(demo: Run, db_path: Path) -> None:
    before = snapshot(db_path)
    refused = demo("handover", "sign", "--note", "x" * 4001)
    assert refused.exit_code == 2
    assert "The notes may hold at most 4000 characters; 4001 were given." in refused.stderr
    assert snapshot(db_path) == before
