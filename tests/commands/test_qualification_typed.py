"""A qualification typed in upper case is read in the catalogue's lower case, and its last
valid day takes the date words every date option takes (issue 14, rev14g: 'HRB' was refused as
unknown, 'hrb:tomorrow' as not a date, though the README says otherwise)."""

from __future__ import annotations

from tests.commands.conftest import Run


def test_an_upper_case_qualification_and_a_date_word(demo: Run) -> None:
    given = demo("staff", "qualify", "OPS-01", "HRB")
    assert given.exit_code == 0, given.stderr
    assert given.stderr == "OPS-01: hrb valid without an end date.\n"
    dated = demo("staff", "qualify", "OPS-01", "hrb:Tomorrow")
    assert dated.exit_code == 0, dated.stderr
    assert dated.stderr == "OPS-01: hrb valid through 2026-11-29.\n"  # the fixed clock's day
    refused = demo("staff", "qualify", "OPS-01", "hrb:overmorgen")
    assert refused.exit_code == 2 and "last valid day must be a date" in refused.stderr


def test_a_scenarios_qualification_is_read_in_lower_case_too(demo: Run) -> None:
    """rev14h: ``capacity scenario --qualification HRB`` was refused as unknown."""
    add = ("capacity", "scenario", "--add-officers", "2", "--unit", "RT", "--format", "json")
    lower = demo(*add, "--qualification", "hrb")
    assert lower.exit_code == 0, lower.stderr
    upper = demo(*add, "--qualification", "HRB")
    assert upper.exit_code == 0 and upper.stdout == lower.stdout, upper.stderr
    change = ("capacity", "scenario", "--change", "add-officers:2:RT:HRB+Close_Protection")
    mixed = demo(*change, "--format", "json")
    assert mixed.exit_code == 0, mixed.stderr
