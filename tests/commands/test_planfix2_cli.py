"""The planning fixes of issue 16's third review, through the command line: a filter naming an
unknown unit (or callsign) is refused instead of giving an empty all-clear, and a missing
argument is one readable sentence."""

from __future__ import annotations

import pytest

from tests.commands.conftest import Run

UNITS = "NN, ON, MN, NH, AM, DH, RT, ZWB, OB, LB, DKDB, KMAR-HRB"


@pytest.mark.parametrize(
    "args",
    [
        ("activity", "list", "--unit", "XX", "--replan"),
        ("activity", "list", "--unit", "XX"),
        ("shift", "list", "--unit", "XX"),
        ("staff", "list", "--unit", "XX"),
        ("person", "list", "--unit", "XX"),
        ("gaps", "--unit", "XX"),
    ],
)
def test_every_unit_filter_refuses_an_unknown_unit(initialised: Run, args: tuple[str]) -> None:
    result = initialised(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: Unknown unit 'XX'; choose one of: {UNITS}.\n",
    )


def test_a_known_unit_in_any_case_and_an_unknown_callsign(initialised: Run) -> None:
    assert initialised("shift", "list", "--unit", "rt").exit_code == 0
    assert initialised("activity", "list", "--unit", "rt", "--replan").exit_code == 0
    result = initialised("shift", "list", "--callsign", "NOBODY")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: No person with callsign 'NOBODY'; see `schildwacht staff list`.\n",
    )


def test_a_missing_choice_argument_is_one_readable_line(initialised: Run) -> None:
    result = initialised("catalogue")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: Missing argument '{units|levels|packages|concepts|qualifications|threat-levels}'."
        " Choose from: units, levels, packages, concepts, qualifications, threat-levels"
        " (see `cli catalogue --help`).\n",
    )
