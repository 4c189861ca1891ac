"""Issue 13 (rev13f HIGH 1): a laptop whose clock runs a few hours fast (accepted, named in the
receipt) moves the stamps (HLC) of every laptop that takes in its changes ahead. A change is
judged against its author's own wall clock at writing (the time it recorded, bounded by the day
a stamp may run ahead of a clock), never against a stamp a third laptop pushed ahead: an honest
deployment or release on an activity that has not ended by its author's clock is kept on every
laptop, whatever the order of arrival."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from store import agenda, logbook, roster, staff, staffing, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], str]:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    s = a.store
    subjects.add_subject(s, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(s, "KIEVIT", level=3)
    act = agenda.add_activity(
        s,
        person="KIEVIT",
        title="soon",
        start=NOW + timedelta(minutes=30),
        end=NOW + timedelta(hours=1, minutes=30),
        location="R",
        concept="CP-LIGHT",
    ).id
    for callsign in ("RT-0080", "RT-0081"):
        staff.add_staff(s, callsign, unit="RT", qualifications=[("close_protection", None)])
        roster.add_shift(s, callsign, start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=7))
    staffing.deploy(s, act, ["RT-0081"])
    exchange_all([a, b, c], tmp_path / "share")
    return [a, b, c], act


def test_a_deployment_is_judged_by_its_authors_clock_not_a_pushed_stamp(
    tmp_path: Path, clock: FixedClock
) -> None:
    (a, b, c), act = _team(tmp_path, clock)
    c.store.close()
    c.store = Store(c.store.path, clock=FixedClock(NOW + timedelta(hours=3)))  # 3 h fast
    logbook.add_entry(c.store, "ronde gelopen")
    exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c.swb").path)
    # a's stamps now run 3 h ahead; by a's own clock the activity starts in half an hour
    staffing.deploy(a.store, act, ["RT-0080"])
    roster.release(a.store, act, "RT-0081", "nodig elders")
    bundle = exchange.export(a.store, out=tmp_path / "a.swb").path
    b.store.close()
    laptops = [a]
    for order in (("a", "c"), ("c", "a")):  # b takes in a's and c's bundles in both orders
        folder = tmp_path / ("b-" + "".join(order))
        shutil.copytree(b.store.path.parent, folder)
        laptop = Laptop("b", Store(folder / "schildwacht.db", clock=clock))
        for name in order:
            exchange.import_file(
                laptop.store,
                bundle if name == "a" else exchange.export(c.store, out=folder / "c.swb").path,
            )
        laptops.append(laptop)
    exchange.import_file(c.store, bundle)
    laptops.append(c)
    for laptop in laptops:
        assert laptop.store.tuples(
            "SELECT s.callsign FROM deployment d JOIN staff s ON s.id = d.staff_id"
        ) == [("RT-0080",)], laptop.name
        assert held(laptop) == [], laptop.name
        assert user_tables(laptop.store) == user_tables(a.store)


def test_a_change_dated_back_more_than_a_day_is_judged_by_its_stamp(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The author's recorded time is trusted only within the day a stamp may run ahead of a
    clock: a deployment written two days after the activity ended, dated back to before it
    ended (raw SQL), is refused (``activity_over``)."""
    (a, b, _c), act = _team(tmp_path, clock)
    clock.advance(hours=48)
    raw_change_sets(
        a,
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by)"
        f" SELECT '01a2ffff-0000-7000-8000-00000000dd01', '{act}', id, '{to_db(NOW)}', 'OPS-A'"
        " FROM staff WHERE callsign = 'RT-0080'",
    )
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    assert any("activity_over" in row[5] for row in held(b)), held(b)
    assert b.store.tuples("SELECT count(*) FROM deployment") == [(1,)]
