"""Keeping the value shown is a decision (issue 14, fourth review): resolving a sync conflict
with the value the row holds already closes the conflict and writes no field change; giving an
activity the concept it already has writes nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock
from store.errors import BadInput
from store.sync import status
from tests.conftest import at, snapshot
from tests.sync_team import Laptop, exchange_all, make_team


@pytest.fixture
def team(tmp_path: Path, clock: FixedClock) -> list[Laptop]:
    laptops = make_team(tmp_path / "team", clock)
    subjects.add_subject(laptops[0].store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(laptops[0].store, "BEVER", level=3)
    return laptops


@pytest.mark.parametrize("how", ["choose", "value", "start"])
def test_a_conflict_resolved_with_the_value_shown_closes(
    team: list[Laptop], tmp_path: Path, clock: FixedClock, how: str
) -> None:
    a, b, c = team
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-11-30 09:00"),
        end=at(a.store, "2026-11-30 12:00"),
        location="Rechtbank",
    ).id
    share = tmp_path / "share"
    exchange_all(team, share)
    column = "start_at" if how == "start" else "location"
    for laptop, value in ((b, "Paleis"), (c, "Hof")):
        if how == "start":
            start = at(laptop.store, "2026-11-30 08:00" if value == "Hof" else "2026-11-30 10:00")
            agenda.edit_activity(laptop.store, activity, start=start, correction="typo")
        else:
            agenda.edit_activity(laptop.store, activity, location=value, correction="typo")
        clock.advance(minutes=1)
    exchange_all(team, share)
    [conflict] = status.list_conflicts(a.store)
    shown = a.store.one(f"SELECT {column} FROM activity WHERE id = ?", (activity,))[0]
    assert conflict.heads[0].value == shown
    if how == "value":
        done = status.resolve(a.store, conflict.id, value="Hof")
    else:
        done = status.resolve(a.store, conflict.id, choose=1)
    assert done.resolved_at is not None
    assert a.store.one(f"SELECT {column} FROM activity WHERE id = ?", (activity,))[0] == shown
    exchange_all(team, share)
    assert [status.count_open(lap.store) for lap in team] == [0, 0, 0]


def test_the_same_concept_again_writes_nothing(team: list[Laptop]) -> None:
    store = team[0].store
    activity = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-11-30 09:00"),
        end=at(store, "2026-11-30 12:00"),
    ).id
    agenda.assign_concept(store, activity, "CP-LIGHT")
    before = snapshot(store.path)
    for again in ("CP-LIGHT", "cp-light"):
        with pytest.raises(BadInput) as caught:
            agenda.assign_concept(store, activity, again)
        assert caught.value.code == "nothing_changed"
        assert snapshot(store.path) == before
