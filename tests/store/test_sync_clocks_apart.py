"""Issue 13 (rev13p f1, f1b, f4, f4b): the allowance a pushed or continued stamp gets for its
recorded times (``store/sync/written.py``) never passes anything silently. A change set that
passes only because of it (judged by its stamp the store refuses it) is taken in and named
``clocks_apart`` on every laptop, in either order of arrival; and the allowance never reaches
before the latest time its author's clock read before (less ``rules.SEAL_LAG``)."""

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


def _faked_push(tmp_path: Path, clock: FixedClock, statement: str) -> tuple[Laptop, Laptop, str]:
    """rev13p f1: b, active five minutes before (a holds that), takes in a's change set and
    sets its clock back two minutes, so its next stamp lands in a's millisecond (``PUSHED``),
    and writes ``statement`` with raw SQL (``{act}``, ``{officer}``: the activity, RT-0082)."""
    (a, b, _c), act = _team(tmp_path, clock)
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
    return a, b, act


@pytest.mark.parametrize("release", [False, True])
def test_a_faked_push_gains_nothing_before_the_authors_last_clock_reading(
    tmp_path: Path, clock: FixedClock, release: bool
) -> None:
    """rev13p f1: a deployment dated back to while the activity ran (20 h ago), or a raw
    release, in a stamp faked as pushed: b's clock read a time 6 minutes before, a holds it,
    so the allowance reaches no further: refused (``activity_over``)."""
    statement = (
        "DELETE FROM deployment WHERE activity_id = '{act}' AND staff_id ="
        " (SELECT id FROM staff WHERE callsign = 'RT-0080')"
        if release
        else "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        " ('01a2ffff-0000-7000-8000-00000000d302', '{act}', '{officer}',"
        f" '{to_db(START + timedelta(minutes=30))}', 'OPS-B')"
    )
    a, b, act = _faked_push(tmp_path, clock, statement)
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    stamp = a.store.one(
        "SELECT max(l.hlc) FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ?",
        (b.id,),
    )[0]
    assert clock_source(a.store.conn, (stamp, b.id)) == PUSHED
    assert _deployed(a, act) == ["RT-0080", "RT-0081"]
    assert _errors(a) == {"activity_over"}
    assert receipt.status != "applied" or held(a)


def test_a_faked_push_of_a_log_entry_dated_back_is_named_as_dated_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev13p f1b: a log entry dated 20 h back in a stamp faked as pushed: before the latest
    time b's clock read, so no allowance: taken in and named as dated back."""
    a, b, _act = _faked_push(
        tmp_path,
        clock,
        "INSERT INTO log_entry (id, at, author, device, kind, text) VALUES"
        " ('01a2ffff-0000-7000-8000-0000000f1b01',"
        f" '{to_db(NOW + timedelta(hours=6, minutes=6))}', 'OPS-B',"
        " (SELECT value FROM meta WHERE key = 'device_id'), 'note', 'alles rustig')",
    )
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert [w.code for w in receipt.warnings] == ["back_dated"]
    assert [f.params["label"] for f in findings.back_dated(a.store)] == ["laptop-b"]


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
