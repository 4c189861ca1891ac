"""Done on one laptop, moved ahead on another, at the same time (issue 14): one rule in the
judge decides, whatever order the bundles arrive in. An activity's status and end are judged
together — a 'done' against the end as of its own time, an end against the status as of its
own time, and each arriving one judges again the other made after it — so the later of the
two loses: a done after a move (the activity had not ended) or a correction of a done
activity. The loser is quarantined on every laptop, its author's too, and no laptop holds a
done activity that ends after now."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW, at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.quarantine import worded


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> None:
    bundle = exchange.export(sender.store, out=folder / f"{sender.name}-{receiver.name}.swb")
    exchange.import_file(receiver.store, bundle.path)


def _state(laptop: Laptop, activity: str) -> tuple[str, str]:
    row = laptop.store.one("SELECT status, end_at FROM activity WHERE id = ?", (activity,))
    assert row is not None
    return str(row["status"]), str(row["end_at"])


def _team_with_an_ended_visit(
    tmp_path: Path,
) -> tuple[FixedClock, list[Laptop], agenda.Activity]:
    """Three shift leaders' laptops, in sync, sharing DAS's visit that ended an hour ago."""
    clock = FixedClock(NOW)
    team = make_team(tmp_path / "team", clock)
    subjects.add_subject(team[0].store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(team[0].store, "DAS", level=3)
    visit = agenda.add_activity(
        team[0].store,
        person="DAS",
        title="Werkbezoek",
        start=at(team[0].store, "2026-11-28 07:00"),
        end=at(team[0].store, "2026-11-28 09:00"),
    )
    exchange_all(team, tmp_path / "share", rounds=2)
    return clock, team, visit


@pytest.mark.parametrize("first", ["done", "move"])
@pytest.mark.parametrize("c_hears", ["a-then-b", "b-then-a"])
def test_done_and_moved_at_once_converge_on_three_laptops(
    tmp_path: Path, first: str, c_hears: str
) -> None:
    clock, (a, b, c), visit = _team_with_an_ended_visit(tmp_path)

    def done() -> None:
        agenda.edit_activity(a.store, visit.id, status="done")

    def move() -> None:
        agenda.restrict_activity(
            b.store,
            visit.id,
            kind="moved",
            reason="capacity",
            authority="OvJ",
            new_start=at(b.store, "2026-11-29 07:00"),
        )

    for step in (done, move) if first == "done" else (move, done):
        step()
        clock.advance(seconds=5)
    post = tmp_path / "post"
    post.mkdir()
    _send(a, b, post)
    _send(b, a, post)
    for sender in (a, b) if c_hears == "a-then-b" else (b, a):
        _send(sender, c, post)
    exchange_all([a, b, c], tmp_path / "share", rounds=2)

    states = {laptop.name: _state(laptop, visit.id) for laptop in (a, b, c)}
    now = "2026-11-28T09:00:05Z"
    for status, end in states.values():
        assert not (status == "done" and end > now), states
    assert len(set(states.values())) == 1, states
    tables = [user_tables(laptop.store) for laptop in (a, b, c)]
    assert tables[0] == tables[1] == tables[2]
    held = [{(q.table, q.field) for q in quarantined(laptop.store)} for laptop in (a, b, c)]
    assert held[0] == held[1] == held[2]
    if first == "move":  # the done came after the move, of an activity that had not ended
        assert states["a"][0] == "moved"
        assert ("activity", "status") in held[0]
    else:  # the move of an activity already done came after it: a done activity has taken
        assert states["a"][0] == "done"  # place, and a restriction of it is refused (R5)
        assert ("restriction", "") in held[0]


def test_a_correction_made_after_a_concurrent_done_loses_on_every_laptop(tmp_path: Path) -> None:
    """B corrects the times of an activity that A marked done a moment before (B had not heard
    of it): the correction would make a done activity end in the future, so it is quarantined
    on every laptop — on B too, where it is un-applied — and the activity stays done, ended."""
    clock, (a, b, c), visit = _team_with_an_ended_visit(tmp_path)
    agenda.edit_activity(a.store, visit.id, status="done")
    clock.advance(seconds=5)
    agenda.edit_activity(
        b.store,
        visit.id,
        start=at(b.store, "2026-11-28 17:00"),
        end=at(b.store, "2026-11-28 19:00"),
        correction="verkeerde tijd overgenomen",
    )
    post = tmp_path / "post"
    post.mkdir()
    _send(b, c, post)
    _send(a, c, post)
    exchange_all([a, b, c], tmp_path / "share", rounds=2)
    states = {laptop.name: _state(laptop, visit.id) for laptop in (a, b, c)}
    assert set(states.values()) == {("done", "2026-11-28T08:00:00Z")}, states
    for laptop in (a, b, c):
        assert ("activity", "end_at") in {(q.table, q.field) for q in quarantined(laptop.store)}
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
    # the correction record is held back with the change it describes (issue 14, rev14g): no
    # laptop lists a correction that never happened, and the reason says why in Amsterdam time
    for laptop in (a, b, c):
        corrections = laptop.store.one(
            "SELECT count(*) FROM activity_correction WHERE activity_id = ?", (visit.id,)
        )
        assert corrections is not None and corrections[0] == 0, laptop.name
        held = quarantined(laptop.store)
        assert "activity_correction" in {q.table for q in held}, laptop.name
        end = next(q for q in held if (q.table, q.field) == ("activity", "end_at"))
        assert worded(end.cause) == (
            "a done activity is not moved to an end that has not passed (2026-11-28 19:00)"
        )
        # its start, read with the end as it stood, in words and Amsterdam time (rev14h: raw
        # UTC and field names, and no word of the new end held back with it)
        start = next(q for q in held if (q.table, q.field) == ("activity", "start_at"))
        assert worded(start.cause) == (
            "activity: the new start 2026-11-28 17:00 with the end 2026-11-28 09:00 as it stood "
            "when this change was made (the new end written with it was held back itself): the "
            "end must be after the start"
        ), laptop.name
