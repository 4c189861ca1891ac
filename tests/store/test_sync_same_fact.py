"""One fact recorded as two rows (the same officer deployed on the same activity by two laptops
offline) and deleted: a deletion of the fact wins over every row of it made before, a
deployment made after it stands, and every laptop ends with the same row or none
(store/sync/facts.py), whatever the order the records arrive in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, logbook, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables


def _team(root: Path, clock: FixedClock, names: tuple[str, ...]) -> tuple[list[Laptop], str]:
    """Laptops that all know BEVER, RT-0001 on shift and one activity; its id."""
    team = make_team(root / "team", clock, names=names)
    a = team[0].store
    subjects.add_subject(a, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a, "BEVER", level=3)
    staff.add_staff(a, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(a, "RT-0001", start=at(a, "2026-12-01 06:00"), end=at(a, "2026-12-01 18:00"))
    item = agenda.add_activity(
        a, person="BEVER", title="Zitting", start=at(a, "2026-12-01 09:00"),
        end=at(a, "2026-12-01 12:00"), concept="CP-LIGHT",
    )  # fmt: skip
    exchange_all(team, root / "setup")
    return team, item.id


def _send(sender: Laptop, receiver: Laptop, path: Path) -> None:
    exchange.import_file(receiver.store, exchange.export(sender.store, out=path).path)


def _delete_deployment(laptop: Laptop) -> None:
    (row,) = laptop.store.tuples("SELECT id FROM deployment")
    with laptop.store.write("test.delete") as conn:
        conn.execute("DELETE FROM deployment WHERE id = ?", (row[0],))


def _deployments(team: list[Laptop]) -> list[list[tuple[object, ...]]]:
    return [lap.store.tuples("SELECT id FROM deployment") for lap in team]


def test_a_fact_kept_as_one_row_and_deleted_is_gone_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The property test's counterexample: a and b deploy RT-0001 on the same activity
    offline; b receives a's row and keeps one row of the fact, then deletes it. The deletion
    was made after both rows: after a full exchange neither laptop holds a deployment (before
    the rule, a kept the row b had dropped as the same fact)."""
    (a, b), activity = _team(tmp_path, clock, ("a", "b"))
    clock.advance(seconds=1)
    staffing.deploy(a.store, activity, ["RT-0001"])
    staffing.deploy(b.store, activity, ["RT-0001"])
    _send(a, b, tmp_path / "a.swb")
    assert len(b.store.tuples("SELECT id FROM deployment")) == 1  # the same fact, one row
    clock.advance(seconds=1)
    _delete_deployment(b)
    exchange_all([a, b], tmp_path / "final", rounds=3)
    assert _deployments([a, b]) == [[], []]
    assert user_tables(a.store) == user_tables(b.store)


@pytest.mark.parametrize("where", ["a", "b"])
def test_a_deployment_made_after_the_deletion_stands(
    tmp_path: Path, clock: FixedClock, where: str
) -> None:
    """b deletes the fact's row; then the officer is deployed again — by b itself, or by a,
    which never heard of the deletion. The new row stands on every laptop; the rows made
    before the deletion do not come back."""
    (a, b), activity = _team(tmp_path, clock, ("a", "b"))
    clock.advance(seconds=1)
    staffing.deploy(a.store, activity, ["RT-0001"])
    staffing.deploy(b.store, activity, ["RT-0001"])
    _send(a, b, tmp_path / "a.swb")
    clock.advance(seconds=1)
    _delete_deployment(b)
    clock.advance(seconds=1)
    if where == "a":  # a still holds its own first row: it goes first, then comes the new one
        _delete_deployment(a)
        clock.advance(seconds=1)
    (again,) = staffing.deploy((a if where == "a" else b).store, activity, ["RT-0001"])
    exchange_all([a, b], tmp_path / "final", rounds=3)
    assert _deployments([a, b]) == [[(again.id,)], [(again.id,)]]
    assert user_tables(a.store) == user_tables(b.store)


@pytest.mark.parametrize("made", ["before", "after"])
def test_a_creation_arriving_after_the_deletion_of_its_fact(
    tmp_path: Path, clock: FixedClock, made: str
) -> None:
    """b deploys RT-0001 and deletes the deployment; a, not having heard of either, deploys
    RT-0001 too — before b's deletion or after it. c hears b first (the row and its
    deletion), a's row second. Made before the deletion, a's row is not inserted on c and
    leaves a when the deletion reaches it; made after, it stands everywhere."""
    (a, b, c), activity = _team(tmp_path, clock, ("a", "b", "c"))
    clock.advance(seconds=1)
    staffing.deploy(b.store, activity, ["RT-0001"])
    if made == "before":
        clock.advance(seconds=1)
        (mine,) = staffing.deploy(a.store, activity, ["RT-0001"])
    clock.advance(seconds=1)
    _delete_deployment(b)
    if made == "after":
        clock.advance(seconds=1)
        (mine,) = staffing.deploy(a.store, activity, ["RT-0001"])
    _send(b, c, tmp_path / "b.swb")
    assert c.store.tuples("SELECT id FROM deployment") == []
    _send(a, c, tmp_path / "a.swb")
    expected = [] if made == "before" else [(mine.id,)]
    assert c.store.tuples("SELECT id FROM deployment") == expected
    exchange_all([a, b, c], tmp_path / "final", rounds=3)
    assert _deployments([a, b, c]) == [expected] * 3
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)


def test_a_local_deletion_is_later_than_every_row_of_its_table_held_here(
    tmp_path: Path, clock: FixedClock
) -> None:
    """a's clock runs two hours ahead, and its bundle also carries a log entry dated more than
    a day ahead, so b's clock does not move past a's records on import. b and a deploy RT-0001
    offline; b keeps its own row (the smaller id) and deletes it, a's row being the same fact
    in b's eyes. b's deletion wins over a's row too, on every laptop, as b sees it."""
    (a, b), activity = _team(tmp_path, clock, ("a", "b"))
    path = a.store.path
    a.store.close()
    ahead = FixedClock(clock.now() + timedelta(hours=2))
    a = Laptop("a", Store(path, clock=ahead))
    try:
        (mine,) = staffing.deploy(b.store, activity, ["RT-0001"])
        staffing.deploy(a.store, activity, ["RT-0001"])
        ahead.advance(hours=24)
        logbook.add_entry(a.store, "Waarneming vooruit")
        _send(a, b, tmp_path / "a.swb")
        assert b.store.tuples("SELECT id FROM deployment") == [(mine.id,)]
        clock.advance(seconds=1)
        _delete_deployment(b)
        _send(b, a, tmp_path / "b.swb")
        assert _deployments([a, b]) == [[], []]
    finally:
        a.store.close()
