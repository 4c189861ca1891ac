"""Issue 13 (review of phase 5), item 1: a callsign the signed roster binds to a laptop's
enrolled operator stands for that staff row from the start, on every laptop and in every
arrival order. A row planted under it by another laptop decides nothing: it is kept under a
derived callsign at once (so nobody can act as the bound person through it), and changes
authored under the bound callsign wait until the bound row itself is held."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import db as store_db
from store import subjects
from store.clock import FixedClock, to_db
from store.errors import NotFound
from store.sync import exchange
from tests.conftest import as_user
from tests.hostile import Hostile
from tests.store.test_sync_callsign import joined
from tests.sync_team import Laptop, make_team, user_tables

OLD_ID = "00000000-0000-7000-8000-000000000001"  # smaller than any id a laptop mints


def _level(laptop: Laptop) -> object:
    row = laptop.store.one("SELECT threat_level FROM subject WHERE code = 'KIEVIT'")
    assert row is not None
    return row[0]


def _planted(b: Laptop, tmp_path: Path) -> Path:
    """B (a shift leader) plants a shift leader "RT-0413" — C's bound callsign — with the
    smallest id, then writes a threat assessment as that person."""
    hostile = Hostile(b, tmp_path)
    hostile.sql(
        (
            "INSERT INTO staff (id, callsign, name, unit, role, created_at)"
            " VALUES (?, 'RT-0413', 'x', 'RT', 'shift_leader', ?)",
            (OLD_ID, to_db(b.store.now())),
        )
    )
    hostile.seal()
    # a hostile laptop runs whatever software it likes: its own store's refusal to act as a
    # callsign the roster binds to another laptop (``db.bound_elsewhere``) is switched off
    checks = store_db.bound_elsewhere
    store_db.bound_elsewhere = lambda *_args: None
    try:
        planter = as_user(b.store, "RT-0413")
    finally:
        store_db.bound_elsewhere = checks
    subjects.assess_threat(planter, "KIEVIT", level=1, summary="planted")
    return hostile.export()


@pytest.mark.parametrize("order", ["planted-first", "bound-first"])
def test_a_planted_row_with_a_bound_callsign_decides_nothing(
    tmp_path: Path, clock: FixedClock, order: str
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    c_store, _welcome = joined(tmp_path / "team", a.store, "c", "RT-0413", clock)
    c = Laptop("c", c_store)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=4, summary="real")
    first = exchange.export(a.store, out=tmp_path / "a1.swb").path
    for laptop in (b, c):
        exchange.import_file(laptop.store, first)
    clock.advance(minutes=10)
    planted = _planted(b, tmp_path)
    clock.advance(minutes=10)
    from_c = exchange.export(c.store, out=tmp_path / "c1.swb").path
    bundles = [planted, from_c] if order == "planted-first" else [from_c, planted]

    exchange.import_file(a.store, bundles[0])
    if order == "planted-first":
        # the planted row is kept under a derived callsign from the start; nobody acts as the
        # bound person through it, and what was written under the callsign waits
        names = a.store.tuples("SELECT callsign FROM staff WHERE id = ?", (OLD_ID,))
        assert names and names[0][0] != "RT-0413"
        with pytest.raises(NotFound):
            as_user(a.store, "RT-0413")
        assert _level(a) == 4
        assert a.store.tuples("SELECT 1 FROM sync_deferred")
    exchange.import_file(a.store, bundles[1])
    exchange.import_file(c.store, planted)
    for laptop in (a, c):
        assert _level(laptop) == 4
        row = laptop.store.one("SELECT role FROM staff WHERE callsign = 'RT-0413'")
        assert row is not None and row[0] == "operator"
        reasons = [r[0] for r in laptop.store.tuples("SELECT reason FROM sync_quarantine")]
        assert any("RT-0413" in reason for reason in reasons), reasons
    exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert user_tables(a.store) == user_tables(c.store)  # the admin's name claims too
