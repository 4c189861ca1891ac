"""A change that points at a row whose creation was quarantined is judged as the store would
judge it: there is no such row, so it is quarantined too, naming the row, identically on every
laptop and whatever arrived first; the database's foreign keys stay whole (issue 13, rev13f
MEDIUM 4)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

from store import handover, roster, staff, staffing, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import import_with_cli
from tests.sync_team import exchange_all, make_team, raw_change_sets, user_tables

RAW_ACTIVITY = "01a2ffff-0000-7000-8000-00000000aa01"


def _held(store: Store) -> list[tuple[object, ...]]:
    return sorted((q.device, q.seq, q.table, q.field, q.cause.code) for q in quarantined(store))


def test_a_deployment_on_a_quarantined_activity_is_quarantined(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    start = NOW + timedelta(days=3)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    staff.add_staff(a.store, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store, "RT-0080", start=start - timedelta(hours=2), end=start + timedelta(hours=6)
    )
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    subject = b.store.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0]
    raw = sqlite3.connect(b.store.path)  # an activity no store writes: an unknown review reason
    raw.executescript(
        "BEGIN; INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
        " concept, review_reason, created_at, created_by, updated_at) VALUES"
        f" ('{RAW_ACTIVITY}', '{subject}', 'raw', 'work', '{to_db(start)}',"
        f" '{to_db(start + timedelta(hours=2))}', 'R', 'CP-LIGHT', 'bogus', '{to_db(NOW)}',"
        f" 'OPS-B', '{to_db(NOW)}'); COMMIT;"
    )
    raw.close()
    with b.store.write("test.seal"):
        pass
    clock.advance(minutes=1)
    staffing.deploy(b.store, RAW_ACTIVITY, ["RT-0080"])  # legal on b, where the activity exists
    bundle = exchange.export(b.store, out=tmp_path / "b.swb").path
    code, receipt = import_with_cli(a, bundle)
    assert code == 5
    refused = [q for q in receipt["quarantined"] if q["table"] == "deployment"]
    assert refused and RAW_ACTIVITY[:8] in refused[0]["reason"], receipt["quarantined"]
    exchange.import_file(c.store, bundle)
    for laptop in (a, c):
        assert laptop.store.tuples("SELECT * FROM deployment") == []
        assert laptop.store.tuples("PRAGMA foreign_key_check") == []
    assert _held(a.store) == _held(c.store)
    assert "refers_quarantined" in {row[4] for row in _held(a.store)}


def test_a_handover_superseding_a_quarantined_one_is_quarantined_in_any_order(
    tmp_path: Path,
) -> None:
    """a withdraws H0 first; b, offline, supersedes H0 with H1 and H1 with H2. H1 is quarantined
    (H0 no longer in force); H2 points at H1: quarantined too, whichever bundle came first."""
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    start, end = NOW - timedelta(hours=8), NOW
    h0 = handover.sign_handover(b.store, start, end, notes="Rustig")
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    handover.withdraw_handover(a.store, h0.id, "fout")
    clock.advance(minutes=1)
    h1 = handover.sign_handover(b.store, start, end, notes="v1", supersedes=h0.id, reason="meer")
    clock.advance(minutes=1)
    handover.sign_handover(b.store, start, end, notes="v2", supersedes=h1.id, reason="nog")
    bundles = {
        n: exchange.export(x.store, out=tmp_path / f"{n}.swb").path for n, x in (("a", a), ("b", b))
    }
    c.store.close()
    stores = []
    for order in (("a", "b"), ("b", "a")):
        folder = tmp_path / ("c-" + "".join(order))
        shutil.copytree(tmp_path / "team" / "laptop-c", folder)
        store = Store(folder / "schildwacht.db", clock=clock)
        for name in order:
            exchange.import_file(store, bundles[name])
        stores.append(store)
    exchange.import_file(a.store, bundles["b"])
    exchange.import_file(b.store, bundles["a"])
    stores += [a.store, b.store]
    for store in stores:
        assert store.tuples("SELECT id FROM handover") == [(h0.id,)]
        assert store.tuples("PRAGMA foreign_key_check") == []
        assert user_tables(store) == user_tables(a.store)
        assert _held(store) == _held(a.store)
    assert "refers_quarantined" in {row[4] for row in _held(a.store)}


def test_a_reference_to_a_waiting_row_later_quarantined_is_quarantined_in_any_order(
    tmp_path: Path,
) -> None:
    """a writes a person no store writes (raw SQL: a malformed code name); b, offline, writes an
    activity of that person and deploys an officer on it. Where b's changes come first, the
    activity waits for its person and the deployment refers to a row still waiting; when a's
    person arrives and is quarantined, the activity is (``refers_quarantined``), and so is the
    deployment that refers to it, whatever came first (rev13f, fix13c item 3)."""
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    start = NOW + timedelta(days=3)
    staff.add_staff(a.store, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    subject = "01a2ffff-0000-7000-8000-00000000ee01"
    raw_change_sets(
        a,
        "INSERT INTO subject (id, code, kind, domain, unit, created_at) VALUES"
        f" ('{subject}', 'not a code name', 'person', 'local', 'RT', '{to_db(NOW)}')",
    )
    raw_change_sets(
        b,
        "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
        " concept, created_at, created_by, updated_at) VALUES"
        f" ('{RAW_ACTIVITY}', '{subject}', 'raw', 'work', '{to_db(start)}',"
        f" '{to_db(start + timedelta(hours=2))}', 'R', 'CP-LIGHT', '{to_db(NOW)}',"
        f" 'OPS-B', '{to_db(NOW)}')",
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by)"
        f" SELECT '01a2ffff-0000-7000-8000-00000000dd02', '{RAW_ACTIVITY}', id,"
        f" '{to_db(NOW)}', 'OPS-B' FROM staff WHERE callsign = 'RT-0080'",
    )
    bundles = {
        n: exchange.export(x.store, out=tmp_path / f"{n}.swb").path for n, x in (("a", a), ("b", b))
    }
    c.store.close()
    stores = []
    for order in (("a", "b"), ("b", "a")):
        folder = tmp_path / ("c-" + "".join(order))
        shutil.copytree(tmp_path / "team" / "laptop-c", folder)
        store = Store(folder / "schildwacht.db", clock=clock)
        for name in order:
            exchange.import_file(store, bundles[name])
            assert store.tuples("SELECT * FROM deployment") == []  # never onto a waiting row
        stores.append(store)
    for store in stores:
        assert store.tuples("SELECT id FROM activity") == []
        assert store.tuples("SELECT count(*) FROM sync_deferred") == [(0,)]
        assert store.tuples("PRAGMA foreign_key_check") == []
        assert _held(store) == _held(stores[0])
    codes = {(row[2], row[4]) for row in _held(stores[0])}
    assert {("activity", "refers_quarantined"), ("deployment", "refers_quarantined")} <= codes
