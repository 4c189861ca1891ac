"""What the command line says stays one line of text (issue 14, fourth review): a title's line
break in a success message is written as ``\\u000a`` (no fake ``Error:`` line), and what a
calendar parser says about a 120 KB line is cut to a short excerpt."""

from __future__ import annotations

from pathlib import Path

from tests.commands.conftest import Run


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
