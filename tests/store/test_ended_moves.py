"""An activity that has ended takes a restriction only as a move to a time still ahead (R5);
``agenda.move_ways`` says so of the change asked (rev17q: ``e`` offered a restriction the store
refused once saved), and the refusals say what is wrong and what may be done instead (rev17q: a
move to another past time read as if no restriction were possible at all)."""

from __future__ import annotations

import pytest

from store import agenda, staff
from store.db import Store
from store.errors import StoreError
from tests.conftest import as_user, at
from tests.store.test_restriction_after_end import _activity
from words.errors import sentence


@pytest.mark.parametrize(
    ("start", "end", "location", "restricts"),
    [
        (None, None, "Stadhuis", False),  # a relocation of what took place
        ("2026-11-27 09:15", "2026-11-27 09:45", None, False),  # shortened, in the past
        ("2026-11-27 07:00", "2026-11-27 08:00", None, False),  # moved to another past time
        ("2026-11-30 09:00", "2026-11-30 10:00", None, True),  # moved ahead: what did not happen
    ],
)
def test_move_ways_of_an_ended_activity_is_what_the_store_records(
    store: Store, start: str | None, end: str | None, location: str | None, restricts: bool
) -> None:
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    new_start = at(store, start) if start else over.start_at
    new_end = at(store, end) if end else over.end_at
    move = agenda.Move(over, new_start, new_end, location, store.clock.now())
    ways = agenda.move_ways(store.actor, over.status, move)
    assert ways == (("correction", "restriction") if restricts else ("correction",))
    assert agenda.move_ways(store.actor, over.status) == ("correction", "restriction")
    kind = agenda.restriction_kind(over, new_start, new_end, location)
    try:
        agenda.restrict_activity(
            store, over.id, kind=kind, reason="capacity", authority="OvJ",
            new_start=new_start if start else None, new_end=new_end if end else None,
            new_location=location,
        )  # fmt: skip
        recorded = True
    except StoreError:
        recorded = False
    assert recorded == restricts


def test_an_edit_of_an_ended_activity_without_a_reason_is_said_to_be_a_correction(
    store: Store,
) -> None:
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    with pytest.raises(StoreError) as refused:
        agenda.edit_activity(store, over.id, location="Stadhuis")
    assert refused.value.code == "move_needs_restriction"
    assert refused.value.params["may_restrict"] is False
    assert sentence(refused.value) == (
        "'Overleg' ended at 2026-11-27 10:00: a restriction only moves it to a time still "
        "ahead (rule R5), so this change is a correction: say what was wrong in the agenda."
    )
    ahead = _activity(store, "2026-11-30 09:00", "2026-11-30 10:00")
    with pytest.raises(StoreError) as asked:  # not ended: either way, as before
        agenda.edit_activity(store, ahead.id, location="Stadhuis")
    assert "ended" not in asked.value.params and asked.value.params["may_restrict"] is True


def test_a_move_of_an_ended_activity_to_the_past_says_what_may_be_done(store: Store) -> None:
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    with pytest.raises(StoreError) as refused:
        agenda.restrict_activity(
            store, over.id, kind="moved", reason="capacity", authority="OvJ",
            new_start=at(store, "2026-11-28 07:00"),
        )  # fmt: skip
    assert refused.value.code == "restriction_after_end"
    assert sentence(refused.value) == (
        "'Overleg' ended at 2026-11-27 10:00: a restriction may move it only to a time still "
        "ahead, and 2026-11-28 07:00 has already passed (rule R5); give a later start. When "
        "the agenda was simply wrong, say why as a correction instead (e: Edit)."
    )
    staff.add_staff(store, "OVJ-1", unit="RT", role="authority")  # restricts, never corrects
    with pytest.raises(StoreError) as by_authority:
        agenda.restrict_activity(
            as_user(store, "OVJ-1"), over.id, kind="relocated", reason="capacity",
            authority="OvJ", new_location="Stadhuis",
        )  # fmt: skip
    assert sentence(by_authority.value) == (
        "'Overleg' ended at 2026-11-27 10:00: what has taken place is not restricted any more "
        "(rule R5); a restriction may only move it to a time still ahead."
    )
