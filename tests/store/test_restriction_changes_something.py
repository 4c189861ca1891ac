"""A restriction that moves an activity to its present time, or relocates it to its present
place, is refused: it would be recorded and counted as a restriction that changed nothing (and
the console's table lost its row over one; issue 17 review)."""

from __future__ import annotations

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from tests.conftest import at, snapshot
from tests.store.test_ics_programs import bever  # noqa: F401 (a fixture)


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
    with pytest.raises(BadInput, match="present"):
        agenda.restrict_activity(
            bever,
            item.id,
            kind=kind,
            reason="capacity",
            authority="OvJ X",
            new_start=item.start_at,
            new_end=item.end_at,
            new_location="Rechtbank",
        )
    assert snapshot(bever.path) == before
