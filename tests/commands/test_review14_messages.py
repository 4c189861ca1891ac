"""What the command line says stays one line of text (issue 14, fourth review): a title's line
break in a success message is written as ``\\u000a`` (no fake ``Error:`` line), and what a
calendar parser says about a 120 KB line is cut to a short excerpt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import snapshot


def test_a_success_message_escapes_a_line_break_in_a_title(initialised: Run) -> None:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    added = initialised(
        "activity", "add", "--person", "BEVER", "--title", "Zitting\nError: fake",
        "--start", "2026-12-01 09:00", "--end", "2026-12-01 10:00",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    assert "Zitting\\u000aError: fake" in added.stderr


def test_a_calendar_error_quotes_a_short_excerpt(initialised: Run, tmp_path: Path) -> None:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    calendar = tmp_path / "big.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        f"DTSTART:{'A' * 120_000}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = initialised("activity", "import-ics", str(calendar), "--person", "BEVER")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: big.ics") and len(result.stderr) < 400


def test_an_empty_db_is_refused_not_the_default(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from commands.cli import cli

    result = CliRunner().invoke(cli, ["--db", "", "person", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --db names no file")


def test_a_number_too_small_to_hold_is_not_zero(initialised: Run) -> None:
    result = initialised("capacity", "--fail-above", "1e-400")
    assert result.exit_code == 2
    assert "too small to tell from 0" in result.stderr
    assert initialised("capacity", "--fail-above", "0e5").exit_code == 0


def test_a_number_too_small_where_0_is_refused_names_the_range(initialised: Run) -> None:
    """rev14g: "write 0 or a larger number" pointed at a value refused in its turn."""
    result = initialised("capacity", "--hours-per-fte", "1e-400")
    assert result.exit_code == 2
    assert result.stderr == "Error: --hours-per-fte must lie between 1 and 168; 1e-400 does not.\n"


@pytest.mark.parametrize(
    "text",
    [
        "callsign,start,end,note\nOPS-01,2026-12-01 07:00,2026-12-01 15:00,=cmd\n",
        "callsign,start,end,end\nOPS-01,2026-12-01 07:00,2026-12-01 15:00,x\n",
        "callsign,start,end\nOPS-01,2026-12-01 07:00,2026-12-01 15:00,extra\n",
    ],
    ids=["unknown-column", "twice", "extra-field"],
)
def test_a_roster_with_more_than_its_columns_imports_nothing(
    initialised: Run, db_path: Path, tmp_path: Path, text: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    before = snapshot(db_path)
    result = initialised("shift", "import", str(roster))
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db_path) == before


def test_a_backup_onto_a_read_only_file_system_names_the_target(
    initialised: Run, tmp_path: Path
) -> None:
    import os
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mount)], capture_output=True
        ).returncode
    ):
        pytest.skip("needs root to mount a read-only file system")
    try:
        result = initialised("backup", str(mount / "copy.db"))
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    assert result.exit_code == 6, result.stderr
    assert "Cannot write the backup" in result.stderr and "database" not in result.stderr


def test_spaces_around_and_inside_a_time_are_as_the_readme_says() -> None:
    from datetime import UTC, datetime

    from store.clock import FixedClock, parse_time
    from store.errors import BadInput

    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=UTC))
    moment = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for text in ("2026-12-01 10:00", " 2026-12-01 10:00 ", "2026-12-01  10:00"):
        assert parse_time(text, clock) == moment
    for text in ("2026-12-01\t10:00", "2026-12-01 10:00 +01:00"):
        with pytest.raises((BadInput, ValueError)):
            parse_time(text, clock)
