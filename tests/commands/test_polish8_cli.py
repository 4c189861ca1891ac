"""Issue 14 leftovers at the command line: ``--add-fte`` read exactly, an activity that ends
at the first instant of 2100, a roster time with a line break in its quoted cell."""

from __future__ import annotations

from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot


def test_add_fte_is_read_exactly(initialised: Run) -> None:
    """Before: a float made 0.49999999999999999999 into 0.5, one officer."""
    for typed, why in (
        ("0.49999999999999999999", "--add-fte must lie between 0.5 and 1000"),
        ("0.55", "--add-fte has at most one decimal; 0.55 has more"),
    ):
        refused = initialised("capacity", "scenario", "--unit", "RT", "--add-fte", typed)
        assert refused.exit_code == 2 and why in refused.stderr, refused.stderr


def test_an_activity_ends_at_midnight_of_new_year_2100(initialised: Run, db_path: Path) -> None:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    initialised("threat", "assess", "BEVER", "--level", "3")
    add = ("activity", "add", "--person", "BEVER", "--title", "Oud en nieuw")
    made = initialised(*add, "--start", "2099-12-31 22:00", "--end", "2100-01-01 00:00")
    assert made.exit_code == 0, made.stderr
    before = snapshot(db_path)
    late = initialised(*add, "--start", "2099-12-31 22:00", "--end", "2100-01-01 00:01")
    assert late.exit_code == 2 and "lies outside the years" in late.stderr
    assert snapshot(db_path) == before


def test_a_roster_time_with_a_quoted_line_break_is_refused(
    initialised: Run, db_path: Path, tmp_path: Path
) -> None:
    initialised("staff", "add", "RT-0001", "--unit", "RT")
    roster = tmp_path / "r.csv"
    roster.write_text('callsign,start,end\nRT-0001,"2027-01-04 08:00\n",2027-01-04 16:00\n')
    before = snapshot(db_path)
    refused = initialised("shift", "import", str(roster), "--max-shifts", "1")
    assert refused.exit_code == 2
    assert "U+000A, which is not a plain space" in refused.stderr
    assert snapshot(db_path) == before
