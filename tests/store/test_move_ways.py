"""One rule for how a move is recorded (R5, fix16r item 3): ``agenda.move_ways`` says, by role
and status, whether the acting person may record a change of time or place as a correction,
a restriction, or both; the store refuses by it and the console asks by it. For every role
and status the store does exactly what ``move_ways`` says."""

from __future__ import annotations

import pytest

from store import access, agenda, staff, subjects
from store.db import Store
from store.errors import StoreError
from tests.conftest import as_user, at


@pytest.mark.parametrize("status", ["planned", "cancelled"])
@pytest.mark.parametrize(
    "role", [r for r in access.ROLES if r != "admin"]
)  # only an admin adds one
def test_the_store_allows_a_move_exactly_as_move_ways_says(
    store: Store, role: str, status: str
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    item = agenda.add_activity(
        store, person="BEVER", title="Zitting", start=at(store, "2026-12-01 09:30"),
        end=at(store, "2026-12-01 11:30"), location="Rechtbank",
    )  # fmt: skip
    if status == "cancelled":
        agenda.restrict_activity(
            store, item.id, kind="cancelled", reason="capacity", authority="OvJ"
        )
    staff.add_staff(store, "WHO-1", unit="RT", role=role)
    user = as_user(store, "WHO-1")
    ways = agenda.move_ways(user.actor, status)
    assert ways == tuple(
        w
        for w, may in (
            ("correction", role in access.PERMISSIONS["activity.write"]),
            (
                "restriction",
                role in access.PERMISSIONS["activity.restrict"] and status != "cancelled",
            ),
        )
        if may
    )
    if "correction" in ways:  # asked neither way: refused naming only what this person may do
        with pytest.raises(StoreError) as refused:
            agenda.edit_activity(user, item.id, location="Gerechtshof")
        assert refused.value.code == "move_needs_restriction"
        assert refused.value.params["may_restrict"] == ("restriction" in ways)
    try:
        agenda.edit_activity(user, item.id, location="Paleis", correction="typo")
        corrected = True
    except StoreError:
        corrected = False
    assert corrected == ("correction" in ways)
    try:
        agenda.restrict_activity(
            user, item.id, kind="relocated", reason="capacity", authority="OvJ",
            new_location="Stadhuis",
        )  # fmt: skip
        restricted = True
    except StoreError:
        restricted = False
    assert restricted == ("restriction" in ways)
