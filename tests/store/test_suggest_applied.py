"""Every option `suggest` calls feasible does what it says when applied, on the demo (issue 16,
fresh review): the activity is no longer named by a gap, and no unit is left shorter (officer-
hours over the week, as `gaps` counts them: a lent officer is away for the activity and the
travel both ways)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from store.db import Store
from store.gaps import Gap, find_gaps
from store.suggest import apply_option, suggest
from tests.conftest import NOW, copy_database

WEEK = (NOW, NOW + timedelta(days=7))
LIMIT = 18  # in the order `gaps` lists them; the 17th is the review's case (DH-0131)


def _short(rows: list[Gap]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for row in rows:
        total[row.unit] += row.shortfall_hours
    return total


@pytest.mark.runs_long
def test_a_feasible_option_applied_leaves_no_unit_shorter(
    demo_store: Store, tmp_path: Path
) -> None:
    before = find_gaps(demo_store, *WEEK)
    short = _short(before)
    activities = list(dict.fromkeys(a for row in before for a in row.activities))[:LIMIT]
    assert activities  # the demo has gaps to plan
    tried = 0
    for activity in activities:
        for option in suggest(demo_store, activity):
            # a lend to an activity nobody is deployed on yet is partly (its other places stay
            # open for the unit's own officers); it still must not leave a unit shorter
            usable = option.feasible or (
                option.partial and option.fact is not None and not option.fact["params"]["others"]
            )
            if not usable or option.action not in ("deploy", "combine"):
                continue
            copy = Store(
                copy_database(demo_store.path, tmp_path / f"{tried}.db"), clock=demo_store.clock
            )
            try:
                apply_option(copy, activity, option)
                after = find_gaps(copy, *WEEK)
            finally:
                copy.close()
            tried += 1
            if option.feasible:
                assert not [row for row in after if activity in row.activities], option.what
            worse = {
                unit: (short.get(unit, 0.0), hours)
                for unit, hours in _short(after).items()
                if hours > short.get(unit, 0.0) + 1e-9
            }
            assert worse == {}, (activity, option.what)
    assert tried >= 3
