"""Issue 13 (known leftover 1): a change set quarantined because the stamp that would have pushed
it ahead (another device's, ``store/sync/written.py``) had not arrived yet is judged again when
that stamp arrives in a later bundle, applied if it now passes and named in the receipt and the
audit; every laptop ends the same whatever the order its bundles came in."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

from store import agenda, logbook, roster, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    user_tables,
    without_segments_of,
)

START = NOW + timedelta(hours=4)
END = START + timedelta(hours=2)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], str]:
    """a (admin), b, c; an activity from four to six hours from now; RT-0080 and RT-0081
    deployed on it, RT-0082 on duty; every laptop has it all."""
    laptops = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    s = laptops[0].store
    subjects.add_subject(s, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(s, "KIEVIT", level=3)
    act = agenda.add_activity(
        s, person="KIEVIT", title="zitting", start=START, end=END, location="Rechtbank",
        concept="CP-LIGHT",
    ).id  # fmt: skip
    for callsign in ("RT-0080", "RT-0081", "RT-0082"):
        staff.add_staff(s, callsign, unit="RT", qualifications=[("close_protection", None)])
        roster.add_shift(
            s, callsign, start=START - timedelta(hours=1), end=END + timedelta(hours=4)
        )
    roster.deploy(s, act, ["RT-0080", "RT-0081"])
    exchange_all(laptops, tmp_path / "share")
    return laptops, act


def _deployed(laptop: Laptop, act: str) -> list[str]:
    return [
        str(row[0])
        for row in laptop.store.tuples(
            "SELECT s.callsign FROM deployment d JOIN staff s ON s.id = d.staff_id"
            " WHERE d.activity_id = ? ORDER BY s.callsign",
            (act,),
        )
    ]


def _copy(laptop: Laptop, folder: Path, clock: FixedClock) -> Laptop:
    shutil.copytree(laptop.store.path.parent, folder)
    return Laptop(laptop.name, Store(folder / "schildwacht.db", clock=clock))


def test_a_change_set_held_for_a_pushing_stamp_not_yet_arrived_is_judged_again(
    tmp_path: Path, clock: FixedClock
) -> None:
    """c's clock runs 3 h ahead, b's 3 h behind. c writes a log entry ten minutes after the end
    by its clock; b takes it in (c's stamp pushes b's ahead) and, two hours before the end by
    its own clock, releases RT-0081 and deploys RT-0082: honest. b's bundle reaches a without
    c's segments (a transport lost them): judged by b's stamp alone (c's is not held here) the
    release is after the end and quarantined (``activity_over``), and the deployment, dated
    hours before its stamp, names b as dating records back. When c's bundle arrives, both are
    judged again: the release passes and is applied, counted in the receipt and named in the
    audit, and b is no longer named; a laptop that got c's bundle first does the same at once;
    both end equal, and equal to b and c."""
    (a, b, c), act = _team(tmp_path, clock)
    behind = FixedClock(clock.now() - timedelta(hours=3))
    ahead = FixedClock(clock.now() + timedelta(hours=3))
    for laptop, own in ((b, behind), (c, ahead)):
        laptop.store.close()
        laptop.store = Store(laptop.store.path, clock=own)

    def advance(**delta: int) -> None:
        for each in (clock, behind, ahead):
            each.advance(**delta)

    advance(hours=3, minutes=10)  # c's clock: ten minutes after the end
    logbook.add_entry(c.store, "zitting voorbij")
    from_c = exchange.export(c.store, out=tmp_path / "c.swb").path
    advance(hours=3, minutes=50)  # an hour after the end; b's clock: two hours before it
    exchange.import_file(b.store, from_c)
    roster.release(b.store, act, "RT-0081", "afgelost")
    roster.deploy(b.store, act, ["RT-0082"])
    with without_segments_of(c.id):
        from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    a.store.close()
    worlds = []
    for order in ((from_b, from_c), (from_c, from_b)):
        world = _copy(a, tmp_path / f"a-{len(worlds)}", clock)
        receipts = [exchange.import_file(world.store, bundle) for bundle in order]
        worlds.append((world, receipts))
    (late, (first, second)), (early, _receipts) = worlds
    assert first.quarantined and all(  # held at first
        "activity_over" in json.dumps(q.cause.as_dict()) for q in first.quarantined
    ), first.quarantined
    assert second.applied["deployment"] == 1, second.applied  # judged again, applied
    audit = late.store.tuples(
        "SELECT detail FROM audit_event WHERE action = 'sync.import' ORDER BY seq DESC LIMIT 1"
    )
    assert json.loads(audit[0][0])["rejudged_applied_total"] == 1, audit
    exchange.import_file(c.store, from_b)
    for laptop in (late, early, b, c):
        assert _deployed(laptop, act) == ["RT-0080", "RT-0082"], laptop.name
        assert held(laptop) == [], laptop.name
        assert user_tables(laptop.store) == user_tables(b.store), laptop.name
    flags = "SELECT origin, seq, kind FROM sync_flag WHERE kind = 'back_dated'"
    assert late.store.tuples(flags) == early.store.tuples(flags) == []  # b is not named
