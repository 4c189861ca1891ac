"""A restriction that moves an activity to its present time, or relocates it to its present
place, is refused: it would be recorded and counted as a restriction that changed nothing (and
the console's table lost its row over one; issue 17 review)."""

from __future__ import annotations

from datetime import date

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import at, refused_as, snapshot
from tests.store.test_ics_programs import ICS, bever  # noqa: F401 (a fixture)
from words.calendar import worded


@pytest.mark.parametrize("kind", ["moved", "relocated"])
def test_a_restriction_that_changes_nothing_is_refused(
    bever: Store,  # noqa: F811
    kind: str,
) -> None:
    item = agenda.add_activity(
        bever,
        person="BEVER",
        title="Zitting",
        start=at(bever, "2026-12-01 09:30"),
        end=at(bever, "2026-12-01 12:00"),
        location="Rechtbank",
    )
    before = snapshot(bever.path)
    with refused_as(BadInput, "present"):
        agenda.restrict_activity(
            bever,
            item.id,
            kind=kind,
            reason="capacity",
            authority="OvJ X",
            new_start=item.start_at if kind == "moved" else None,
            new_end=item.end_at if kind == "moved" else None,
            new_location="Rechtbank" if kind == "relocated" else None,
        )
    assert snapshot(bever.path) == before


def test_a_calendar_never_moves_a_done_activity_to_a_time_not_yet_over(
    bever: Store,  # noqa: F811
) -> None:
    """Done holds only once an activity has ended: a calendar's newer version that moves a
    done activity ahead is not taken over (a warning says so), so it never hides re-planning
    and the other laptops never quarantine an ordinary import (issue 14, third review)."""
    window = {"start": date(2026, 11, 28), "days": 30}
    import_ics(bever, ICS / "done-event.ics", person="BEVER", **window)
    (item,) = agenda.list_activities(bever, person="BEVER")
    agenda.edit_activity(bever, item.id, status="done")
    result = import_ics(bever, ICS / "done-event-moved-ahead.ics", person="BEVER", **window)
    assert result.updated == 0 and "is done here" in worded(result.warnings)[0]
    after = agenda.get_activity(bever, item.id)
    assert (after.status, after.start_at, after.end_at) == ("done", item.start_at, item.end_at)
