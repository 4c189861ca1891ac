"""Issue 13 (rev13g f2): when a received change was written. A change set's stamp is its
author's own clock unless a stamp of another device in that millisecond, held by every laptop
that holds the change, pushed it ahead (``store/sync/written.py``). A row dated back further
than that clock allows, or a release, written after its activity ended is refused on every
laptop; an honest laptop hours behind (pushed ahead by a peer or not) or hours ahead keeps its
releases and deployments, and is not named as dating records back."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, logbook, roster, staff, staffing, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import Laptop, exchange_all, held, make_team, raw_change_sets, user_tables

START = NOW + timedelta(hours=4)
END = START + timedelta(hours=2)
OFFICERS = ("RT-0080", "RT-0081", "RT-0082")


def _team(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], str]:
    """a (admin), b, c (shift leaders); an activity from four to six hours from now; RT-0080
    and RT-0081 deployed on it, RT-0082 on duty; every laptop has it all."""
    laptops = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    s = laptops[0].store
    subjects.add_subject(s, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(s, "KIEVIT", level=3)
    act = agenda.add_activity(
        s, person="KIEVIT", title="zitting", start=START, end=END, location="Rechtbank",
        concept="CP-LIGHT",
    ).id  # fmt: skip
    for callsign in OFFICERS:
        staff.add_staff(s, callsign, unit="RT", qualifications=[("close_protection", None)])
        roster.add_shift(
            s, callsign, start=START - timedelta(hours=1), end=END + timedelta(hours=4)
        )
    staffing.deploy(s, act, ["RT-0080", "RT-0081"])
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
    """A copy of a closed laptop's database: the same laptop in another world."""
    shutil.copytree(laptop.store.path.parent, folder)
    return Laptop(laptop.name, Store(folder / "schildwacht.db", clock=clock))


def test_a_release_and_a_back_dated_deployment_after_the_end_are_refused_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev13g f2: b, its clock right, 20 h after the activity ended, deletes RT-0080's
    deployment with raw SQL (its store refuses the release) and inserts one of RT-0082 dated
    back to while the activity ran. b's stamps are its own clock (no peer's pushed them, none
    continues an earlier one of b's: no clock put back is shown): both are refused
    (``activity_over``) on a and on c, whichever of b's and a's bundles c reads first; every
    laptop holds the same."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=26)  # the activity ended 20 h ago, by every clock
    officer = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0082'")[0]
    raw_change_sets(
        b,
        f"DELETE FROM deployment WHERE activity_id = '{act}'"
        " AND staff_id = (SELECT id FROM staff WHERE callsign = 'RT-0080')",
    )
    clock.advance(seconds=1)  # b's clock moves on: no stamp of b's continues another
    raw_change_sets(
        b,
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d302', '{act}', '{officer}',"
        f" '{to_db(START + timedelta(minutes=30))}', 'OPS-B')",
    )
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    clock.advance(minutes=1)
    agenda.add_activity(
        a.store, person="KIEVIT", title="later", start=NOW + timedelta(days=2),
        end=NOW + timedelta(days=2, hours=1), location="R", concept="CP-LIGHT",
    )  # fmt: skip
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    receipt = exchange.import_file(a.store, from_b)
    assert receipt.status != "applied" or held(a)
    assert _deployed(a, act) == ["RT-0080", "RT-0081"]
    refused = {(q[2], q[3]): q[5] for q in held(a)}
    assert all("activity_over" in reason for reason in refused.values()), refused
    assert ("deployment", "") in refused and ("deployment", "created_at") in refused
    c.store.close()
    worlds = []
    for order in ((from_a, from_b), (from_b, from_a)):
        world = _copy(c, tmp_path / f"c-{len(worlds)}", clock)
        for bundle in order:
            exchange.import_file(world.store, bundle)
        worlds.append(world)
    for world in worlds:
        assert _deployed(world, act) == ["RT-0080", "RT-0081"]
        assert held(world) == held(a)
        assert user_tables(world.store) == user_tables(a.store)


def test_honest_laptops_hours_behind_and_ahead_keep_their_releases_and_deployments(
    tmp_path: Path, clock: FixedClock
) -> None:
    """c's clock runs 3 h ahead, b's 3 h behind. c releases RT-0080 ten minutes before the
    end by its clock. An hour after the real end, b (its clock two hours before the end) first
    takes in c's bundle (c's stamps push b's ahead: b's own clock never read them), then
    releases RT-0081 and deploys RT-0082: all legal where they were made, all kept on every
    laptop in either order of arrival; and b, whose recorded times are right, is not named
    as dating records back (the fast c is named for its clock)."""
    (a, b, c), act = _team(tmp_path, clock)
    behind = FixedClock(clock.now() - timedelta(hours=3))
    ahead = FixedClock(clock.now() + timedelta(hours=3))
    for laptop, own in ((b, behind), (c, ahead)):
        laptop.store.close()
        laptop.store = Store(laptop.store.path, clock=own)

    def advance(**delta: int) -> None:
        for each in (clock, behind, ahead):
            each.advance(**delta)

    advance(hours=2, minutes=50)  # c's clock: ten minutes before the end
    roster.release(c.store, act, "RT-0080", "nodig elders")
    advance(minutes=20)  # c's clock: ten minutes after the end
    logbook.add_entry(c.store, "zitting voorbij")
    from_c = exchange.export(c.store, out=tmp_path / "c.swb").path
    advance(hours=3, minutes=50)  # an hour after the end; b's clock: two hours before it
    exchange.import_file(b.store, from_c)
    roster.release(b.store, act, "RT-0081", "afgelost")
    staffing.deploy(b.store, act, ["RT-0082"])
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    a.store.close()
    worlds, warned = [], []
    for order in ((from_b, from_c), (from_c, from_b)):
        world = _copy(a, tmp_path / f"a-{len(worlds)}", clock)
        receipts = [exchange.import_file(world.store, bundle) for bundle in order]
        warned += [(w.code, w.params.get("label")) for r in receipts for w in r.warnings]
        worlds.append(world)
    exchange.import_file(c.store, from_b)
    for laptop in [*worlds, b, c]:
        assert _deployed(laptop, act) == ["RT-0082"], laptop.name
        assert held(laptop) == [], laptop.name
        assert user_tables(laptop.store) == user_tables(b.store)
    assert ("back_dated", "laptop-b") not in warned, warned


def _but_claims(laptop: Laptop) -> dict[str, list[tuple[object, ...]]]:
    tables = user_tables(laptop.store)
    del tables["name_claim"]
    return tables


@pytest.mark.parametrize("fast", [2, 30])
def test_a_fast_clock_put_right_keeps_its_work_within_the_day_and_is_named(
    tmp_path: Path, clock: FixedClock, fast: int
) -> None:
    """rev13n f1: b's clock runs ``fast`` hours fast for a moment (it adds a subject then) and
    is put right; its stamps continue its own from then. Twenty minutes before the end b
    releases RT-0080 and deploys RT-0082. Two hours fast, they are kept on every laptop, in
    either order of arrival, and b is named as clocks apart (rev13q f2: a continued stamp is
    a fast clock put right or a faked correction, no record tells which); thirty hours fast,
    the day's allowance is all it gets: judged a day before its stamps, both are refused
    (``activity_over``) on every laptop alike."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=5, minutes=30)  # half an hour before the end
    b.store.close()
    wrong = Store(b.store.path, clock=FixedClock(clock.now() + timedelta(hours=fast)))
    subjects.add_subject(wrong, "ZWAAN", kind="person", domain="local", unit="RT")
    wrong.close()
    clock.advance(minutes=10)  # b's clock put right
    b.store = Store(b.store.path, clock=clock)
    roster.release(b.store, act, "RT-0080", "afgelost")
    staffing.deploy(b.store, act, ["RT-0082"])
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    clock.advance(hours=12)  # past a day before b's stamps: nothing of b's waits any more
    logbook.add_entry(a.store, "later")
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    c.store.close()
    worlds, warned = [], []
    for order in ((from_a, from_b), (from_b, from_a)):
        world = _copy(c, tmp_path / f"c-{len(worlds)}", clock)
        receipts = [exchange.import_file(world.store, bundle) for bundle in order]
        warned.append({(w.code, w.params.get("label")) for r in receipts for w in r.warnings})
        worlds.append(world)
    exchange.import_file(a.store, from_b)
    kept = ["RT-0081", "RT-0082"] if fast < 24 else ["RT-0080", "RT-0081"]
    for laptop in [*worlds, a]:
        assert _deployed(laptop, act) == kept, laptop.name
        assert held(laptop) == held(a), laptop.name
        assert _but_claims(laptop) == _but_claims(worlds[0])  # a's claim of ZWAAN: not out yet
    assert user_tables(worlds[1].store) == user_tables(worlds[0].store)
    if fast < 24:
        assert held(a) == []
        assert all(("clocks_apart", "laptop-b") in each for each in warned), warned
    else:  # refused and held: named as such
        assert {q[5].split('"error":"')[1].split('"')[0] for q in held(a)} == {"activity_over"}


@pytest.mark.parametrize("later", [26, 31])
def test_a_faked_correction_gains_at_most_the_day_and_is_named(
    tmp_path: Path, clock: FixedClock, later: int
) -> None:
    """rev13n f1's trade-off: b, ``later`` hours from now, seals a change set and then, in the
    same millisecond (its stamp continues its own: a clock correction, as far as the log
    shows), inserts a deployment dated back to while the activity ran (five hours from now).
    Within the day's allowance (26 h) it is taken in, on every laptop alike, and b is named
    as clocks apart (rev13q f2: never passed silently, but no accusation); beyond it (31 h:
    judged a day before the stamp, after the end) it is refused (``activity_over``)
    everywhere."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=later)
    officer = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0082'")[0]
    logbook.add_entry(b.store, "dienst")  # b's clock read this millisecond
    raw_change_sets(
        b,
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d303', '{act}', '{officer}',"
        f" '{to_db(NOW + timedelta(hours=5))}', 'OPS-B')",
    )
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    clock.advance(minutes=1)
    logbook.add_entry(a.store, "later")
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    c.store.close()
    worlds, warned = [], []
    for order in ((from_a, from_b), (from_b, from_a)):
        world = _copy(c, tmp_path / f"c-{len(worlds)}", clock)
        receipts = [exchange.import_file(world.store, bundle) for bundle in order]
        warned.append({(w.code, w.params.get("label")) for r in receipts for w in r.warnings})
        worlds.append(world)
    assert user_tables(worlds[1].store) == user_tables(worlds[0].store)
    assert held(worlds[1]) == held(worlds[0])
    if later == 26:
        assert _deployed(worlds[0], act) == ["RT-0080", "RT-0081", "RT-0082"]
        assert all(("clocks_apart", "laptop-b") in each for each in warned), warned
    else:
        assert _deployed(worlds[0], act) == ["RT-0080", "RT-0081"]
        assert {q[5].split('"error":"')[1].split('"')[0] for q in held(worlds[0])} == {
            "activity_over"
        }
