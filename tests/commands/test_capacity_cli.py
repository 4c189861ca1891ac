"""Capacity reports from the command line: golden output per format, gating exit code."""

from __future__ import annotations

import json

import pytest

from tests.commands.conftest import Run, golden

FORMATS = ("table", "csv", "json", "md")


@pytest.fixture
def night(initialised: Run) -> Run:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    initialised("threat", "assess", "BEVER", "--level", "3")
    initialised(
        "staff",
        "add",
        "RT-0001",
        "--unit",
        "RT",
        "--qualification",
        "close_protection",
        "--qualification",
        "protective_driving",
    )
    initialised(
        "shift", "add", "RT-0001", "--start", "2026-10-24 22:00", "--end", "2026-10-25 07:00"
    )
    initialised(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Nacht",
        "--concept",
        "CP-LIGHT",
        "--start",
        "2026-10-24 22:00",
        "--end",
        "2026-10-25 07:00",
    )
    return initialised


@pytest.mark.parametrize("fmt", FORMATS)
def test_capacity_report_golden(night: Run, fmt: str) -> None:
    result = night(
        "capacity",
        "--from",
        "2026-10-24 12:00",
        "--to",
        "2026-10-25 12:00",
        "--by",
        "day",
        "--format",
        fmt,
    )
    assert result.exit_code == 0
    golden(f"capacity-by-day.{fmt}", result.stdout)


def test_fail_above_gates_scripts(night: Run) -> None:
    window = ("--from", "2026-10-24 12:00", "--to", "2026-10-25 12:00")
    assert night("capacity", *window, "--fail-above", "2.5").exit_code == 3
    assert night("capacity", *window, "--fail-above", "3.5").exit_code == 0


def test_demand_without_supply_exceeds_every_limit(night: Run) -> None:
    """No officer on duty before the night shift: the evening's demand has no supply, its
    occupancy is empty in the report (infinite) and above any --fail-above (issue 14)."""
    night(
        "activity", "add", "--person", "BEVER", "--title", "Avond", "--concept", "CP-LIGHT",
        "--start", "2026-10-24 18:00", "--end", "2026-10-24 20:00",
    )  # fmt: skip
    window = ("--from", "2026-10-24 17:00", "--to", "2026-10-24 21:00", "--format", "json")
    result = night("capacity", *window, "--fail-above", "1000000")
    assert result.exit_code == 3, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["occupancy"], row["supply_hours"], row["demand_without_supply"]) == (
        None,
        0.0,
        True,
    )
    assert "RT (demand without supply)" in result.stderr
    assert night("capacity", *window).exit_code == 0


def test_scenario_from_the_command_line(night: Run) -> None:
    result = night(
        "capacity",
        "scenario",
        "--from",
        "2026-10-24 12:00",
        "--to",
        "2026-10-25 12:00",
        "--add-officers",
        "2",
        "--unit",
        "RT",
        "-f",
        "json",
    )
    assert json.loads(result.stdout) == [
        {
            "unit": "RT",
            "baseline_shortfall_hours": 20.0,
            "scenario_shortfall_hours": 18.0,
            "change_hours": -2.0,
            "lent_in": [],
            "lent_out": [],
        }
    ]
    assert night("capacity", "scenario", "--unit", "RT").exit_code == 2
    combined = night(
        "capacity",
        "scenario",
        "--from",
        "2026-10-24 12:00",
        "--to",
        "2026-10-25 12:00",
        "--change",
        "add-officers:2:RT",
        "--change",
        "lend:1:RT:AM",
        "-f",
        "json",
    )
    assert combined.exit_code == 0, combined.stderr
    (row,) = json.loads(combined.stdout)
    assert (row["scenario_shortfall_hours"], row["lent_out"]) == (18.0, [])
    assert "No officer of RT would reduce AM's shortfall" in combined.stderr
    assert "nobody is lent." in combined.stderr
    twice = night(
        "capacity",
        "scenario",
        "--from",
        "2026-10-24 12:00",
        "--to",
        "2026-10-25 12:00",
        "--change",
        "lend:1:RT:AM",
        "--change",
        "lend:1:RT:AM",
    )
    assert twice.stderr.count("nobody is lent.") == 1, twice.stderr  # said once, for RT
    bad = night("capacity", "scenario", "--change", "lend:2:AM")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "Error: 'lend:2:AM' names no unit that receives (write lend:N:FROM:TO).\n",
    )


def test_scenario_codes_with_spaces_around_them_are_taken(night: Run) -> None:
    """rev14m F6: `--unit " rt "` and `--qualification " hrb"` were refused as unknown, where
    every other command (and `--change add-officers:1:RT: hrb`) drops spaces around a code."""
    window = ("--from", "2026-10-24 12:00", "--to", "2026-10-25 12:00", "-f", "json")
    plain = night("capacity", "scenario", *window, "--add-officers", "1", "--unit", "RT")
    spaced = night("capacity", "scenario", *window, "--add-officers", "1", "--unit", " rt ")
    assert spaced.exit_code == 0, spaced.stderr
    assert json.loads(spaced.stdout) == json.loads(plain.stdout)
    qualified = ("--add-officers", "1", "--unit", "RT", "--qualification", " hrb")
    result = night("capacity", "scenario", *window, *qualified)
    assert result.exit_code == 0, result.stderr
    lend = ("--lend", "1", "--unit", " RT", "--to-unit", "am ")
    result = night("capacity", "scenario", *window, *lend)
    assert result.exit_code == 0, result.stderr
