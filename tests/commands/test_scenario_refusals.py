"""Scenario refusals name what is wrong (issue 16, fresh review, LOW): a number out of range in
a --change names the change as every other fault of one does, and an option that only
describes a change (--to-unit, --level, --qualification) without that change is refused, not
ignored. Exit 2, nothing computed."""

from __future__ import annotations

import json
import re

import pytest

from tests.commands.conftest import Run


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("add-fte:0.4:RT", "'add-fte:0.4:RT' gives '0.4' where the number should lie between 0.5 "
         "and 1000 (write add-fte:F:UNIT)."),
        ("add-fte:1.25:RT", "'add-fte:1.25:RT' gives '1.25' where the number should have at "
         "most one decimal (write add-fte:F:UNIT)."),
        ("lend:0:AM:OB", "'lend:0:AM:OB' gives '0' where the number should lie between 1 and "
         "1000 (write lend:N:FROM:TO)."),
        ("add-officers:1001:RT", "'add-officers:1001:RT' gives '1001' where the number should "
         "lie between 1 and 1000 (write add-officers:N:UNIT[:QUAL+QUAL])."),
        ("add-persons:2:1001:RT", "'add-persons:2:1001:RT' gives '1001' where the threat level "
         "should lie between 0 and 1000 (write add-persons:N:LEVEL[:UNIT])."),
    ],
)  # fmt: skip
def test_a_number_out_of_range_names_the_change(initialised: Run, change: str, said: str) -> None:
    result = initialised("capacity", "scenario", "--change", change)
    assert (result.exit_code, result.stderr) == (2, f"Error: {said}\n")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--add-officers", "2", "--unit", "AM", "--to-unit", "OB"],
         "--to-unit goes with --lend; give --lend too, or leave --to-unit out."),
        (["--change", "add-officers:2:AM", "--level", "3"],
         "--level goes with --add-persons; give --add-persons too, or leave --level out."),
        (["--remove-officers", "1", "--unit", "AM", "--qualification", "hrb"],
         "--qualification goes with --add-officers or --add-fte; give --add-officers or "
         "--add-fte too, or leave --qualification out."),
    ],
)  # fmt: skip
def test_an_option_without_its_change_is_refused(
    initialised: Run, args: list[str], said: str
) -> None:
    result = initialised("capacity", "scenario", *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {said}\n")


def test_the_options_with_their_change_still_work(initialised: Run) -> None:
    for args in (
        ["--lend", "1", "--unit", "AM", "--to-unit", "OB"],
        ["--add-persons", "1", "--level", "3", "--unit", "AM"],
        ["--add-fte", "1", "--unit", "AM", "--qualification", "hrb"],
    ):
        result = initialised("capacity", "scenario", *args, "--format", "json")
        assert "goes with" not in result.stderr, args
        if "--lend" in args:  # nobody on duty in this empty roster: the lend's own refusal
            assert "AM has no officers on duty in the period." in result.stderr
        else:
            assert result.exit_code == 0, (args, result.stderr)


def test_one_standing_post_below_the_required_level_is_said_in_the_singular(demo: Run) -> None:
    """DAS's threat raised to 4: one OB post below its level, "1 standing post … (re-plan it)"."""
    assert demo("threat", "assess", "DAS", "--level", "4", "--summary", "x").exit_code == 0
    result = demo("gaps", "--unit", "OB", "--from", "2026-12-03 00:00", "--to", "2026-12-04 00:00")
    assert (
        "; 1 standing post below the required level (re-plan it: post list --below, post assign)."
        in (result.stderr)
    )


def test_lending_fewer_than_asked_says_how_many_are_on_duty_and_why(demo: Run) -> None:
    """rev16n: "Only 4 of 1000 officers of AM" read as if AM had 1000 officers; the sentence
    says how many were asked, how many AM has on duty (the demo's roster: a dozen), and why
    only some of them go."""
    result = demo("capacity", "scenario", "--change", "lend:1000:AM:OB", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (lent,) = [r["lent_out"] for r in json.loads(result.stdout) if r["unit"] == "AM"]
    (said,) = [line for line in result.stderr.splitlines() if "were asked for" in line]
    found = re.fullmatch(
        r"1000 officers of AM were asked for; AM has (\d+) on duty in the period, and only "
        r"(\d+) of them would reduce OB's shortfall more than AM's would grow without them "
        r"\(the others hold no qualification OB is short of then, or AM needs them more\); "
        r"only they are lent\.",
        said,
    )
    assert found is not None, said
    assert 0 < int(found[2]) == len(lent) < int(found[1]) < 1000
