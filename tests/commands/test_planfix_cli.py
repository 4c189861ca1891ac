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
