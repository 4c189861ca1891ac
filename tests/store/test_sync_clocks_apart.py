"""Issue 13 (rev13p f1, f1b, f4, f4b): the allowance a pushed or continued stamp gets for its
recorded times (``store/sync/written.py``) never passes anything silently. A change set that
passes only because of it (judged by its stamp the store refuses it) is taken in and named
``clocks_apart`` on every laptop, in either order of arrival. There is no floor from the
author's earlier clock readings (rev13q f1): an honest clock put right and a faked correction
look alike, so both are applied on every laptop alike and named (a pushed or continued stamp
is never named as dated back, rev13q f2)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import findings, logbook, roster, staffing
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import exchange
from store.sync.written import PUSHED, clock_source
from tests.conftest import NOW
from tests.store.test_sync_written_at import START, _copy, _deployed, _team
from tests.sync_team import Laptop, held, raw_change_sets, user_tables
from words import receipts


def _errors(laptop: Laptop) -> set[str]:
    return {str(q[5]).split('"error":"')[1].split('"')[0] for q in held(laptop)}


def _apart(laptop: Laptop) -> list[tuple[str, dict]]:
    return [
        (str(f.params["label"]), json.loads(f.params["example"])["params"])
        for f in findings.clocks_apart(laptop.store)
    ]


def _faked_push(
    tmp_path: Path, clock: FixedClock, statement: str
) -> tuple[Laptop, Laptop, Laptop, str]:
    """rev13p f1: b, active five minutes before (a holds that), takes in a's change set and
    sets its clock back two minutes, so its next stamp lands in a's millisecond (``PUSHED``),
    and writes ``statement`` with raw SQL (``{act}``, ``{officer}``: the activity, RT-0082)."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=26)  # the activity ended 20 h ago
    logbook.add_entry(b.store, "ronde gelopen")
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b0.swb").path)
    clock.advance(minutes=5)
    logbook.add_entry(a.store, "overdracht")
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    clock.advance(minutes=1)
    b.store.close()
    b.store = Store(b.store.path, clock=FixedClock(clock.now() - timedelta(minutes=2)))
    officer = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0082'")[0]
    raw_change_sets(b, statement.format(act=act, officer=officer))
    return a, b, c, act


def _both_orders(tmp_path: Path, clock: FixedClock, a: Laptop, b: Laptop, c: Laptop) -> list:
    """c takes in a's and b's bundles in either order (copies of c); a takes in b's. The
    laptops that took them in, and the warnings of each."""
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    c.store.close()
    worlds, warned = [], []
    for order in ((from_a, from_b), (from_b, from_a)):
        world = _copy(c, tmp_path / f"c-{len(worlds)}", clock)
        got = [exchange.import_file(world.store, bundle) for bundle in order]
        warned.append({(w.code, w.params.get("label")) for r in got for w in r.warnings})
        worlds.append(world)
    got = exchange.import_file(a.store, from_b)
    warned.append({(w.code, w.params.get("label")) for w in got.warnings})
    return [*worlds, a], warned


@pytest.mark.parametrize("release", [False, True])
def test_a_faked_push_within_the_day_is_applied_and_named_on_every_laptop(
    tmp_path: Path, clock: FixedClock, release: bool
) -> None:
    """rev13q f1 (the floor removed): a deployment dated back to while the activity ran (20 h
    ago), or a raw release, in a stamp faked as pushed. b's clock read a later time six
    minutes before (a holds it), exactly as an honest clock put right; no record tells them
    apart, so within the day it is applied on every laptop alike, in either order of arrival,
    and b is named as clocks apart on every laptop, never passed silently."""
    statement = (
        "DELETE FROM deployment WHERE activity_id = '{act}' AND staff_id ="
        " (SELECT id FROM staff WHERE callsign = 'RT-0080')"
        if release
        else "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        " ('01a2ffff-0000-7000-8000-00000000d302', '{act}', '{officer}',"
        f" '{to_db(START + timedelta(minutes=30))}', 'OPS-B')"
    )
    a, b, c, act = _faked_push(tmp_path, clock, statement)
    stamp = b.store.one(
        "SELECT max(l.hlc) FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ?",
        (b.id,),
    )[0]
    laptops, warned = _both_orders(tmp_path, clock, a, b, c)
    assert clock_source(a.store.conn, (stamp, b.id)) == PUSHED
    kept = ["RT-0081"] if release else ["RT-0080", "RT-0081", "RT-0082"]
    for laptop in laptops:
        assert _deployed(laptop, act) == kept, laptop.name
        assert held(laptop) == [], laptop.name
        assert [label for label, _p in _apart(laptop)] == ["laptop-b"], laptop.name
        assert findings.back_dated(laptop.store) == [], laptop.name
    assert user_tables(laptops[1].store) == user_tables(laptops[0].store)
    assert user_tables(laptops[2].store) == user_tables(laptops[0].store)
    assert all(("clocks_apart", "laptop-b") in each for each in warned), warned


def test_a_faked_push_of_a_log_entry_dated_back_is_named_as_clocks_apart(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev13q f2: a log entry dated 20 h back in a stamp faked as pushed: no record tells it
    from an honest laptop pushed ahead, so it is taken in and named as clocks apart on every
    laptop, never as dated back."""
    a, b, c, _act = _faked_push(
        tmp_path,
        clock,
        "INSERT INTO log_entry (id, at, author, device, kind, text) VALUES"
        " ('01a2ffff-0000-7000-8000-0000000f1b01',"
        f" '{to_db(NOW + timedelta(hours=6, minutes=6))}', 'OPS-B',"
        " (SELECT value FROM meta WHERE key = 'device_id'), 'note', 'alles rustig')",
    )
    laptops, warned = _both_orders(tmp_path, clock, a, b, c)
    for laptop in laptops:
        assert [label for label, _p in _apart(laptop)] == ["laptop-b"], laptop.name
        assert findings.back_dated(laptop.store) == [], laptop.name
    assert user_tables(laptops[1].store) == user_tables(laptops[0].store)
    assert all(("back_dated", "laptop-b") not in each for each in warned), warned
    assert all(("clocks_apart", "laptop-b") in each for each in warned), warned


@pytest.mark.parametrize("entries", [1, 2])
def test_an_honest_fast_clock_put_right_is_applied_and_named_on_every_laptop(
    tmp_path: Path, clock: FixedClock, entries: int
) -> None:
    """rev13q f1 (HIGH): b's clock runs an hour fast while it writes ``entries`` log entries
    (by its clock after the activity's end), is put right, and 48 minutes before the end b
    releases RT-0081 and deploys RT-0082 through the store. Its stamps continue its fast one:
    applied on every laptop as on b (no floor from its fast reading), in either order, and
    named as clocks apart everywhere; a log entry written through the store is not accused."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=5, minutes=10)
    fast = FixedClock(clock.now() + timedelta(hours=1))
    b.store.close()
    b.store = Store(b.store.path, clock=fast)
    for k in range(entries):
        logbook.add_entry(b.store, f"ronde {k}")
        fast.advance(minutes=1)
        clock.advance(minutes=1)
    b.store.close()
    b.store = Store(b.store.path, clock=clock)  # put right
    roster.release(b.store, act, "RT-0081", "afgelost")
    staffing.deploy(b.store, act, ["RT-0082"])
    logbook.add_entry(b.store, "na de correctie")
    assert _deployed(b, act) == ["RT-0080", "RT-0082"]
    laptops, warned = _both_orders(tmp_path, clock, a, b, c)
    for laptop in laptops:
        assert _deployed(laptop, act) == ["RT-0080", "RT-0082"], laptop.name
        assert held(laptop) == [], laptop.name
        assert [label for label, _p in _apart(laptop)] == ["laptop-b"], laptop.name
        assert findings.back_dated(laptop.store) == [], laptop.name
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert user_tables(laptops[1].store) == user_tables(laptops[0].store)
    assert user_tables(b.store) == user_tables(laptops[2].store)
    assert all(("clocks_apart", "laptop-b") in each for each in warned), warned


@pytest.mark.parametrize("release", [False, True])
def test_a_continued_stamp_passing_only_by_the_allowance_is_taken_in_and_named(
    tmp_path: Path, clock: FixedClock, release: bool
) -> None:
    """rev13p f4, f4b: b seals a change set and, in the same millisecond (its stamp
    continues its own: a clock put right, as far as the log shows), releases RT-0080 with raw
    SQL 20 h after the activity ended, or deploys RT-0082 30 minutes after the end dated 20
    minutes before it. Judged by its stamp the store refuses either; with the allowance it
    passes: taken in, and b is named (``clocks_apart``) on every laptop, in either order of
    arrival, with the time it counts as written and its stamp."""
    (a, b, c), act = _team(tmp_path, clock)
    clock.advance(hours=26 if release else 6, minutes=0 if release else 30)
    officer = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0082'")[0]
    logbook.add_entry(b.store, "dienst")  # b's clock read this millisecond
    raw_change_sets(
        b,
        f"DELETE FROM deployment WHERE activity_id = '{act}' AND staff_id ="
        " (SELECT id FROM staff WHERE callsign = 'RT-0080')"
        if release
        else "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d304', '{act}', '{officer}',"
        f" '{to_db(START + timedelta(hours=2) - timedelta(minutes=20))}', 'OPS-B')",
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
    exchange.import_file(a.store, from_b)
    kept = ["RT-0081"] if release else ["RT-0080", "RT-0081", "RT-0082"]
    for laptop in [*worlds, a]:
        assert _deployed(laptop, act) == kept, laptop.name
        assert held(laptop) == [], laptop.name
        named = _apart(laptop)
        assert [label for label, _p in named] == ["laptop-b"], laptop.name
        assert named[0][1]["table"] == "deployment"
        assert named[0][1]["error"] == "activity_over"
        assert named[0][1]["minutes"] == (24 * 60 if release else 50)
    assert user_tables(worlds[1].store) == user_tables(worlds[0].store)
    assert all(("clocks_apart", "laptop-b") in each for each in warned), warned
    a.store.close()
    out = CliRunner().invoke(cli, ["--db", str(a.store.path), "sync", "status"]).output
    assert "laptop-b's clock and its stamps were apart" in out
    assert "changes passed only as clocks apart" in out


def test_an_honest_laptop_pushed_ahead_is_named_plainly_not_accused(
    tmp_path: Path, clock: FixedClock
) -> None:
    """An honest b, its clock 3 h behind, takes in the stamps of c (3 h ahead) and deploys
    RT-0082 for RT-0081 an hour after the real end (two hours before it by its clock): its
    stamp (c's time) is after the end, so it passes only by the allowance: taken in and named
    as clocks apart (how many minutes before its stamp), never as dating records back."""
    (a, b, c), act = _team(tmp_path, clock)
    behind = FixedClock(clock.now() - timedelta(hours=3))
    ahead = FixedClock(clock.now() + timedelta(hours=3))
    for laptop, own in ((b, behind), (c, ahead)):
        laptop.store.close()
        laptop.store = Store(laptop.store.path, clock=own)
    for each in (clock, behind, ahead):
        each.advance(hours=3, minutes=10)  # c's clock: after the end
    logbook.add_entry(c.store, "zitting voorbij")
    exchange.import_file(b.store, exchange.export(c.store, out=tmp_path / "c.swb").path)
    for each in (clock, behind, ahead):
        each.advance(hours=3, minutes=50)
    roster.release(b.store, act, "RT-0081", "afgelost")
    staffing.deploy(b.store, act, ["RT-0082"])
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert _deployed(a, act) == ["RT-0080", "RT-0082"]
    assert "back_dated" not in {w.code for w in receipt.warnings}
    assert [label for label, _p in _apart(a)] == ["laptop-b"]
    assert _apart(a)[0][1]["minutes"] > 60
    said = [receipts.said(w) for w in receipt.warnings if w.code == "clocks_apart"]
    assert said and "pushed ahead by a faster laptop" in said[0] and "dated" not in said[0]


def test_the_author_learns_at_export_what_the_others_will_name_as_clocks_apart(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev13q f3: b, its fast clock put right, releases and deploys 48 minutes before the end;
    its own export runs the others' judgement on what it sends and says that 2 of its changes
    will be named as clocks apart, and how far its stamps run ahead; ``sync status`` (the
    finding of its stamps ahead, in the handover too) keeps saying how many."""
    (a, b, _c), act = _team(tmp_path, clock)
    clock.advance(hours=5, minutes=10)
    fast = FixedClock(clock.now() + timedelta(hours=1))
    b.store.close()
    b.store = Store(b.store.path, clock=fast)
    for k in range(2):
        logbook.add_entry(b.store, f"ronde {k}")
        fast.advance(minutes=1)
        clock.advance(minutes=1)
    b.store.close()
    b.store = Store(b.store.path, clock=clock)
    roster.release(b.store, act, "RT-0081", "afgelost")
    staffing.deploy(b.store, act, ["RT-0082"])
    done = exchange.export(b.store, out=tmp_path / "b.swb")
    told = [w.params for w in done.warnings if w.code == "will_be_apart"]
    assert told == [{"count": 2, "minutes": 59}]
    said = [receipts.said(w) for w in done.warnings if w.code == "will_be_apart"]
    assert said[0].startswith("2 of your changes will be named as clocks apart")
    got = exchange.import_file(a.store, done.path)
    assert [label for label, _p in _apart(a)] == ["laptop-b"]
    assert any(w.code == "clocks_apart" for w in got.warnings)
    ahead = findings.own_stamps_ahead(b.store)
    assert [f.params.get("apart") for f in ahead] == [2]
    b.store.close()
    out = CliRunner().invoke(cli, ["--db", str(b.store.path), "sync", "status"]).output
    assert "2 of its changes sent so far are named as clocks apart" in " ".join(out.split())
