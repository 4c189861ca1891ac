"""``activity edit --correction REASON`` that changes no time or place records no correction, and
says so on stderr instead of dropping the reason silently (rev16j); a real move still records it
and says nothing more."""

from __future__ import annotations

import json

from tests.commands.conftest import Run

NOTE = "Note: no time or place changed; the correction reason was not needed.\n"


def _activity(run: Run) -> str:
    assert run("person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    added = run(
        "activity", "add", "--person", "BEVER", "--title", "Zitting", "--start",
        "2026-12-01 09:30", "--end", "2026-12-01 12:00", "--location", "Rechtbank",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return added.stdout.strip().splitlines()[-1]


def _corrections(run: Run, activity: str) -> list[object]:
    shown = json.loads(run("activity", "show", activity, "-f", "json").stdout)
    return list(shown["corrections"])


def test_a_correction_with_no_move_is_not_recorded_and_said(initialised: Run) -> None:
    activity = _activity(initialised)
    edited = initialised(
        "activity", "edit", activity, "--title", "Zitting Hof", "--correction", "titel was fout"
    )
    assert edited.exit_code == 0, edited.stderr
    assert edited.stderr == "Updated 'Zitting Hof' for BEVER.\n" + NOTE
    assert _corrections(initialised, activity) == []
    same = initialised(  # the times it already has: no move either
        "activity", "edit", activity, "--title", "Zitting", "--start", "2026-12-01 09:30",
        "--location", "Rechtbank", "--correction", "nogmaals",
    )  # fmt: skip
    assert (same.exit_code, same.stderr.endswith(NOTE)) == (0, True)
    assert _corrections(initialised, activity) == []


def test_a_correction_that_moves_says_no_note(initialised: Run) -> None:
    activity = _activity(initialised)
    moved = initialised(
        "activity", "edit", activity, "--location", "Hof", "--correction", "adres fout"
    )
    assert moved.exit_code == 0, moved.stderr
    assert moved.stderr == "Corrected 'Zitting' for BEVER.\n"  # the console's word (rev16o)
    assert len(_corrections(initialised, activity)) == 1


def test_a_correction_of_seconds_shows_the_seconds(initialised: Run) -> None:
    """rev16o: a correction of 30 seconds was recorded as "12:30–13:00" twice (no change)."""
    activity = _activity(initialised)
    moved = initialised(
        "activity", "edit", activity, "--start", "2026-12-01T09:30:30+01:00", "--correction", "s"
    )
    assert moved.exit_code == 0, moved.stderr
    (correction,) = _corrections(initialised, activity)
    assert isinstance(correction, dict)
    assert (correction["old"], correction["new"]) == (
        "2026-12-01 09:30–12:00 Rechtbank",
        "2026-12-01 09:30:30–12:00:00 Rechtbank",
    )


def test_an_operator_is_not_told_to_run_restrict(initialised: Run) -> None:
    """rev16o: an operator moving an activity was told to use `activity restrict`, which his
    role may not run; he is told to ask a planner or shift leader instead."""
    activity = _activity(initialised)
    assert initialised("staff", "add", "OPR-1", "--unit", "RT", "--role", "operator")
    refused = initialised("activity", "edit", activity, "--start", "2026-12-01 10:00", user="OPR-1")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: Changing the time or place of 'Zitting' is a restriction (rule R5), which your "
        "role may not record: ask a planner or shift leader to record it with `activity "
        "restrict`, or, when the agenda was simply wrong, say why with --correction REASON.\n"
    )
