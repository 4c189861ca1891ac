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


def test_travel_from_the_previous_deployment_refused_and_listed(initialised: Run) -> None:
    run = initialised
    ids = {}
    for code, unit, start, end in (
        ("MEEUW", "AM", "06:00", "06:55"),
        ("BEVER", "RT", "07:00", "08:00"),
    ):
        assert run("person", "add", code, "--kind", "person", "--domain", "local", "--unit", unit)
        assert run("threat", "assess", code, "--level", "3").exit_code == 0
        added = run(
            "activity", "add", "--person", code, "--title", "Afspraak", "--start",
            f"2026-12-01 {start}", "--end", f"2026-12-01 {end}", "--concept", "CP-LIGHT",
        )  # fmt: skip
        ids[unit] = added.stdout.strip().splitlines()[-1]
    assert run(
        "staff", "add", "AM-0001", "--unit", "AM", "--qualification", "close_protection",
        "--qualification", "protective_driving",
    ).exit_code == 0  # fmt: skip
    assert run("shift", "add", "AM-0001", "--start", "2026-12-01 05:00", "--end",
               "2026-12-01 13:00").exit_code == 0  # fmt: skip
    assert run("deploy", ids["AM"], "AM-0001").exit_code == 0
    refused = run("deploy", ids["RT"], "AM-0001")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Error: Not deployed: AM-0001 needs 60 min travel from the previous deployment at AM "
        "ending 06:55 to RT by 07:00 (rule: travel).\n",
    )
    edited = run(
        "activity", "edit", ids["RT"], "--start", "2026-12-01 07:30", "--end",
        "2026-12-01 08:30", "--correction", "Later begonnen",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.stderr
    assert run("deploy", ids["RT"], "AM-0001").exit_code == 2  # 35 minutes: still too close
    run("activity", "edit", ids["RT"], "--start", "2026-12-01 08:00", "--end", "2026-12-01 09:00",
        "--correction", "Nog later")  # fmt: skip
    assert run("deploy", ids["RT"], "AM-0001").exit_code == 0  # 65 minutes
    run("activity", "edit", ids["AM"], "--end", "2026-12-01 07:30", "--correction", "Uitgelopen")
    listed = run(
        "gaps", "--violations", "--from", "2026-12-01 00:00", "--to", "2026-12-02 00:00",
        "-f", "json",
    )  # fmt: skip
    (row,) = json.loads(listed.stdout)
    assert row["problem"] == (
        "AM-0001 needs 60 min travel from the previous deployment at AM ending 07:30 to RT by "
        "08:00 (rule: travel)"
    )


def test_an_accepted_handover_is_superseded_by_its_signer_only(initialised: Run) -> None:
    run = initialised
    assert run("staff", "add", "OPS-02", "--unit", "RT", "--role", "shift_leader").exit_code == 0
    first = run("handover", "sign", "--note", "eerste").stdout.strip().splitlines()[-1]
    assert run("handover", "accept", first, user="OPS-02").exit_code == 0
    mine = run("handover", "sign", "--supersedes", first, "--reason", "mijn versie", user="OPS-02")
    assert mine.exit_code == 2 and mine.stderr.count("\n") == 1
    assert f"Error: only OPS-01, who signed handover {first[:13]}, may supersede it" in mine.stderr
    again = run("handover", "sign")
    assert again.exit_code == 2
    assert again.stderr.endswith(
        f"sign again only to supersede it, with a reason (handover sign --supersedes "
        f"{first[:13]} --reason T).\n"
    )
    bare = run("handover", "sign", "--supersedes", first)
    assert (bare.exit_code, bare.stderr) == (
        2,
        "Error: --supersedes needs --reason T: why the new handover replaces the signed one.\n",
    )
    second = run("handover", "sign", "--supersedes", first, "--reason", "REIGER ontbrak")
    assert second.exit_code == 0, second.stderr
    old = json.loads(run("handover", "show", first, "-f", "json").stdout)["handover"]
    assert (old["accepted_by"], old["superseded_reason"]) == ("OPS-02", "REIGER ontbrak")


def test_messages_say_what_was_wrong(initialised: Run) -> None:
    run = initialised
    backwards = run("capacity", "--from", "2026-12-01 11:30", "--to", "2026-12-01 11:00")
    # the command line's one period check (issue 14) names the option that is wrong; the
    # store's own sentence ("The period ends …, not after its start …") backs it up
    assert (backwards.exit_code, backwards.stderr) == (
        2,
        "Error: --to 2026-12-01 11:00 lies before --from 2026-12-01 11:30: the period would run "
        "backwards; give --to after --from (or swap them).\n",
    )
    missing = run("capacity", "scenario", "--change")
    assert (missing.exit_code, missing.stderr) == (
        2,
        "Error: Option '--change' requires an argument (see the command's --help).\n",
    )
    activity = _person(run)
    moved = run(
        "activity", "edit", activity, "--start", "2026-12-01 10:00", "--end", "2026-12-01 12:30",
        "--location", "Hof", "--correction", "Tikfout in de tijd",
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    (correction,) = json.loads(run("activity", "show", activity, "-f", "json").stdout)[
        "corrections"
    ]
    assert (correction["reason"], correction["old"], correction["new"]) == (
        "Tikfout in de tijd",
        "2026-12-01 09:30–12:00",
        "2026-12-01 10:00–12:30 Hof",
    )
