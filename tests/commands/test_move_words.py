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
