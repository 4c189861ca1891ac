"""A move refused names only what this person may do (R5, fix16r item 3): the store's one rule
(``agenda.move_ways``) decides, the command line and the console say it alike."""

from __future__ import annotations

from tests.commands.conftest import Run
from tests.commands.test_correction_not_needed import _activity


def test_a_move_of_a_cancelled_activity_is_not_sent_to_restrict(initialised: Run) -> None:
    """A shift leader moving a cancelled activity without --correction was told to record it
    with `activity restrict`, which refuses a cancelled activity: he is told it takes no
    restriction and a move of it is a correction."""
    activity = _activity(initialised)
    cancelled = initialised(
        "activity", "restrict", activity, "--kind", "cancelled", "--reason", "capacity",
        "--authority", "OvJ",
    )  # fmt: skip
    assert cancelled.exit_code == 0, cancelled.stderr
    refused = initialised("activity", "edit", activity, "--start", "2026-12-01 10:00")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: 'Zitting' is cancelled: it takes no restriction (rule R5); a change of its time "
        "or place is a correction: say why with --correction REASON.\n"
    )
    moved = initialised(
        "activity", "edit", activity, "--start", "2026-12-01 10:00", "--correction", "typo"
    )
    assert moved.exit_code == 0, moved.stderr


def test_an_ended_activity_is_said_what_it_may_still_take(initialised: Run) -> None:
    """rev17q: of an activity that has ended, a restriction only moves it to a time still
    ahead; the command line says so, and what to do instead, by its options (a move to another
    past time read "an activity that is over has no next"; ``activity edit`` without
    --correction sent a shift leader to ask a planner or shift leader)."""
    assert initialised(
        "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT"
    )
    added = initialised(
        "activity", "add", "--person", "BEVER", "--title", "Overleg", "--start",
        "2026-11-27 09:00", "--end", "2026-11-27 10:00", "--location", "Stadhuis",
    )  # fmt: skip
    over = added.stdout.strip().splitlines()[-1]
    edited = initialised("activity", "edit", over, "--location", "Raadhuis")
    assert edited.exit_code == 2
    assert edited.stderr == (
        "Error: 'Overleg' ended at 2026-11-27 10:00: a restriction only moves it to a time "
        "still ahead (rule R5), so this change is a correction: say what was wrong with "
        "--correction REASON.\n"
    )
    moved = initialised(
        "activity", "restrict", over, "--kind", "moved", "--reason", "capacity",
        "--authority", "OvJ", "--start", "2026-11-28 07:00", "--end", "2026-11-28 08:00",
    )  # fmt: skip
    assert moved.exit_code == 2
    assert moved.stderr == (
        "Error: 'Overleg' ended at 2026-11-27 10:00: a restriction may move it only to a time "
        "still ahead, and 2026-11-28 07:00 has already passed (rule R5); give a later --start. "
        "When the agenda was simply wrong, correct it instead: `activity edit` with "
        "--correction REASON.\n"
    )
    ahead = initialised(
        "activity", "restrict", over, "--kind", "moved", "--reason", "capacity",
        "--authority", "OvJ", "--start", "2026-11-30 09:00", "--end", "2026-11-30 10:00",
    )  # fmt: skip
    assert ahead.exit_code == 0, ahead.stderr
