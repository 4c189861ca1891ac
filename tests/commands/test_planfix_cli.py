"""The planning fixes of issue 16's second review, through the command line: one rule for the
kinds of subject a concept serves, scenario checks, travel between deployments, handovers
superseded with a reason, and messages that say what was wrong (exit 2, one sentence)."""

from __future__ import annotations

import json

from tests.commands.conftest import Run


def _person(run: Run, code: str = "BEVER", level: str = "3") -> str:
    assert run("person", "add", code, "--kind", "person", "--domain", "local", "--unit", "RT")
    assert run("threat", "assess", code, "--level", level).exit_code == 0
    added = run(
        "activity", "add", "--person", code, "--title", "Zitting", "--start", "2026-12-01 09:30",
        "--end", "2026-12-01 12:00",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return added.stdout.strip().splitlines()[-1]


def test_a_concept_for_objects_is_invalid_for_a_person_everywhere(initialised: Run) -> None:
    activity = _person(initialised)
    options = json.loads(initialised("activity", "options", activity, "-f", "json").stdout)
    valid = {o["concept"]: (o["valid"], o["reason"]) for o in options}
    assert valid["OBJ-HRB"] == (
        False,
        "serves objects and services, not BEVER, a protected person (rule R3)",
    )
    assert [c for c, (ok, _why) in valid.items() if ok] == ["CP-LIGHT", "CP-HEAVY"]
    refused = initialised("activity", "assign", activity, "OBJ-HRB")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Error: Concept OBJ-HRB serves objects and services, not BEVER, a protected person "
        "(rule R3); choose one of: CP-LIGHT, CP-HEAVY.\n",
    )


def test_scenario_changes_are_refused_naming_the_real_problem(initialised: Run) -> None:
    for change, error in (
        ("lend:2:AM:AM", "'lend:2:AM:AM': lending moves officers from one unit to another, "
         "not from AM to AM itself."),
        ("add-officers:3:RT:bogus", "'add-officers:3:RT:bogus': unknown qualification 'bogus'; "
         "choose one of: camera_operator, close_protection, hrb, object_guard, "
         "protective_driving."),
        ("add-persons:2:9", "'add-persons:2:9': threat level 9 does not exist; choose one of: "
         "1, 2, 3, 4, 5."),
        ("add-persons:2:4", "'add-persons:2:4' names no unit; write add-persons:N:LEVEL:UNIT or "
         "give --unit."),
    ):  # fmt: skip
        result = initialised("capacity", "scenario", "--change", change)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {error}\n")
    ok = initialised("capacity", "scenario", "--change", "add-persons:2:4", "--unit", "RT")
    assert ok.exit_code == 0, ok.stderr
