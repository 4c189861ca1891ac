"""Issue 16 (rev16e): a move of an activity staffed by officers lent from another unit is
judged with those officers at the new time (on duty, qualified, travel), not only the
receiving unit's pool; and an officer lent out leaves in time to be home by his shift's end,
the same rule at both ends of his duty."""

from __future__ import annotations

from store.db import Store
from store.suggest import suggest
from tests.conftest import at
from tests.store.test_travel_arrival import _two_places


def test_move_out_of_the_travel_is_offered_with_the_lent_officers(store: Store) -> None:
    """rev16e f1/s2: The Hague's escort, staffed by R1 and R2 of Rotterdam, moved to
    11:00–13:00 right after their 09:00–11:00 escort at Rotterdam: they arrive 11:30. Moving it
    to 11:30–13:30 covers it with them; the option deploys nobody else."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "11:00", "13:00"))
    (move,) = [o for o in suggest(store, moved) if o.action == "move"]
    assert move.feasible
    assert (move.start, move.end) == (
        at(store, "2026-12-01 11:30"),
        at(store, "2026-12-01 13:30"),
    )
    assert move.team == ()
