"""rev17r: a change of an activity's time AND place at once is no one restriction (R5, the
store refuses it: ``time_and_place_at_once``), so ``agenda.move_ways`` never offers a
restriction for it, and the refusal says the real reason: not the activity's end (the time is
ahead), but two changes at once, made one at a time."""

from __future__ import annotations

import pytest

from commands.refusals import CLI_SENTENCES
from store import agenda
from store.db import Store
from store.errors import StoreError
from tests.conftest import at
from tests.store.test_restriction_after_end import _activity
from words.errors import sentence


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-11-27 09:00", "2026-11-27 10:00"),  # ended, moved ahead with a new place
        ("2026-11-30 09:00", "2026-11-30 10:00"),  # still ahead, moved and a new place
    ],
)
def test_time_and_place_at_once_is_offered_and_refused_as_a_correction_only(
    store: Store, start: str, end: str
) -> None:
    item = _activity(store, start, end)
    new_start, new_end = at(store, "2026-12-01 14:00"), at(store, "2026-12-01 16:00")
    move = agenda.Move(item, new_start, new_end, "Elders", store.clock.now())
    assert move.both() and not move.ended()
    assert agenda.move_ways(store.actor, item.status, move) == ("correction",)
    with pytest.raises(StoreError) as twice:  # the store refuses what is no longer offered
        agenda.restriction_kind(item, new_start, new_end, "Elders")
    assert twice.value.code == "time_and_place_at_once"
    with pytest.raises(StoreError) as refused:
        agenda.edit_activity(store, item.id, start=new_start, end=new_end, location="Elders")
    params = refused.value.params
    assert params.get("both") is True and "ended" not in params
    assert params["may_restrict"] is False
    assert sentence(refused.value) == (
        "'Overleg' gets another time and another place at once, which is no one restriction "
        "(rule R5): change the time and the place one at a time, each its own restriction, "
        "or, when the agenda was simply wrong, say why as a correction."
    )
    assert CLI_SENTENCES["move_needs_restriction"](params) == (
        "'Overleg' gets another time and another place at once, which is no one restriction "
        "(rule R5): record them one at a time with `activity restrict`, or, when the agenda "
        "was simply wrong, say why with --correction REASON."
    )


def test_an_ended_activity_moved_to_the_past_with_a_new_place_is_said_to_have_ended(
    store: Store,
) -> None:
    """Its time alone could be no restriction either: the end is the reason said."""
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    move = agenda.Move(
        over, at(store, "2026-11-27 07:00"), at(store, "2026-11-27 08:00"), "Elders",
        store.clock.now(),
    )  # fmt: skip
    assert move.ended()
    refusal = agenda.move_refusal(store.actor, over.title, over.status, move)
    assert "ended" in refusal.params and "both" not in refusal.params
