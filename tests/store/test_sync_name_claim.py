"""Issue 13: a back-dated name. The team's admin laptop witnesses which row first held a unique
name (``name_claim``, its own signed change); a clash gives the name to that row, so a decoy
that a member laptop back-dates (its clock set back, nothing signed since) loses on every
laptop, in every delivery order, as soon as the admin laptop's bundle arrives."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from itertools import permutations
from pathlib import Path

import pytest

from store import logbook, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW, as_user
from tests.hostile import Hostile
from tests.sync_team import Laptop, exchange_all, make_team, user_tables


def _code_holder(store: Store, code: str) -> str | None:
    row = store.one("SELECT id FROM subject WHERE code = ?", (code,))
    return None if row is None else str(row[0])


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """a (admin), b (hostile), c (honest), d (a receiver that saw none of it). Two hours after
    the team was made, c names a person VALK and RT-0700 (an officer); the admin laptop takes
    both in. Then b, its clock set back to one hour after it joined, makes its own VALK and
    RT-0700: their stamps say they came first. The bundles are kept; d's database is kept
    closed as the template every order starts from."""
    root = tmp_path_factory.mktemp("claim")
    clock = FixedClock(NOW)
    a, b, c, d = make_team(root / "team", clock, names=("a", "b", "c", "d"))
    exchange_all([a, b, c, d], root / "share")  # every laptop holds the whole roster
    clock.advance(hours=2)
    subjects.add_subject(c.store, "VALK", kind="person", domain="local", unit="RT")
    staff.add_staff(c.store, "RT-0700", unit="RT", name="Echt", role="operator")
    from_c = exchange.export(c.store, out=root / "c.swb").path
    exchange.import_file(a.store, from_c)
    from_a = exchange.export(a.store, out=root / "a.swb").path  # c's rows, relayed, and claims
    real = {"VALK": _code_holder(a.store, "VALK")}
    b.store.close()
    back = Store(b.store.path, clock=FixedClock(NOW + timedelta(hours=1)))  # clock set back
    subjects.add_subject(back, "VALK", kind="person", domain="local", unit="RT")
    staff.add_staff(back, "RT-0700", unit="RT", name="Lokaas", role="shift_leader")
    decoy = _code_holder(back, "VALK")
    decoy_stamp = back.one(
        "SELECT min(hlc) FROM sync_change WHERE tbl = 'subject' AND val = ?", ("VALK",)
    )[0]
    real_stamp = a.store.one(
        "SELECT min(hlc) FROM sync_change WHERE tbl = 'subject' AND val = 'VALK'"
    )[0]
    assert decoy_stamp < real_stamp  # the decoy's stamp says it came first
    from_b = exchange.export(back, out=root / "b.swb").path
    back.close()
    for laptop in (a, c, d):
        laptop.store.close()
    yield {
        "root": root,
        "bundles": {"a": from_a, "b": from_b, "c": from_c},
        "real": real["VALK"],
        "decoy": decoy,
        "d": d.store.path,
    }


def _fresh(scene: dict[str, object], name: str) -> Store:
    """A copy of the receiver's database as it was before any of the bundles."""
    source = Path(str(scene["d"]))
    target = Path(str(scene["root"])) / f"d-{name}"
    shutil.copytree(source.parent, target)
    return Store(target / source.name, clock=FixedClock(NOW + timedelta(hours=3)))


def test_a_back_dated_code_name_loses_to_the_row_the_admin_saw_in_every_order(
    scene: dict[str, object],
) -> None:
    """Every order of the three bundles (and one with the decoy twice): once the admin laptop's
    bundle is in, the real VALK holds the name and the decoy a derived one; every order ends
    with the same tables."""
    bundles: dict[str, Path] = scene["bundles"]  # type: ignore[assignment]
    orders = [list(p) for p in permutations("abc")] + [["b", "c", "b", "a", "b"]]
    ends = []
    for number, order in enumerate(orders):
        d = _fresh(scene, str(number))
        try:
            for step, sender in enumerate(order):
                exchange.import_file(d, bundles[sender])
                if "a" in order[: step + 1]:
                    assert _code_holder(d, "VALK") == scene["real"], order
            assert d.one("SELECT code FROM subject WHERE id = ?", (scene["decoy"],))[0] != "VALK"
            assert d.one("SELECT 1 FROM staff WHERE callsign = 'RT-0700' AND name = 'Echt'")
            ends.append(user_tables(d))
        finally:
            d.close()
    assert all(end == ends[0] for end in ends)


def test_without_the_admin_s_claim_the_stamps_decide(scene: dict[str, object]) -> None:
    """What stays open: a name the admin laptop has not seen yet goes by the stamps (the
    decoy's, set back, come first), until the admin laptop's bundle arrives."""
    bundles: dict[str, Path] = scene["bundles"]  # type: ignore[assignment]
    d = _fresh(scene, "open")
    try:
        exchange.import_file(d, bundles["c"])
        exchange.import_file(d, bundles["b"])
        assert _code_holder(d, "VALK") == scene["decoy"]
        exchange.import_file(d, bundles["a"])
        assert _code_holder(d, "VALK") == scene["real"]
    finally:
        d.close()


def test_three_laptops_converge_and_work_under_the_callsign_is_the_real_officer_s(
    tmp_path: Path, clock: FixedClock
) -> None:
    """a (admin), b (clock set back, decoy RT-0700 made a shift leader), c (the real RT-0700,
    an operator): after a full exchange all three hold the same tables, the real officer keeps
    the callsign everywhere, and what RT-0700 does on c is judged as the operator's work."""
    a, b, c = make_team(tmp_path / "team", clock)
    clock.advance(hours=2)
    staff.add_staff(c.store, "RT-0700", unit="RT", name="Echt", role="operator")
    exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c1.swb").path)
    officer = as_user(c.store, "RT-0700")
    logbook.add_entry(officer, "Route verkend door RT-0700")
    officer.close()
    b.store.close()
    back = Store(b.store.path, clock=FixedClock(NOW + timedelta(hours=1)))
    staff.add_staff(back, "RT-0700", unit="RT", name="Lokaas", role="shift_leader")
    back.close()
    b = Laptop("b", Store(b.store.path, clock=clock))
    exchange_all([b, c, a], tmp_path / "share", rounds=3)
    tables = [user_tables(x.store) for x in (a, b, c)]
    assert tables[0] == tables[1] == tables[2]
    for laptop in (a, b, c):
        assert laptop.store.one("SELECT name FROM staff WHERE callsign = 'RT-0700'")[0] == "Echt"
        assert laptop.store.one("SELECT count(*) FROM log_entry WHERE author = 'RT-0700'")[0] == 1
        assert laptop.store.one("SELECT count(*) FROM sync_quarantine")[0] == 0
        assert laptop.store.one("SELECT count(*) FROM sync_deferred")[0] == 0
    assert a.store.one("SELECT count(*) FROM name_claim WHERE name = 'RT-0700'")[0] == 1


def test_a_name_claim_forged_on_a_member_laptop_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b writes a claim of VALK for its own decoy with raw SQL and sends it with the real
    export: the admin laptop quarantines it (only the admin laptop witnesses names) and its
    tables are unchanged but for b's own decoy row."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "VALK", kind="person", domain="local", unit="RT")
    real = _code_holder(a.store, "VALK")
    exchange_all([a, b], tmp_path / "share")
    hostile = Hostile(b, tmp_path)
    claim_id = "01a23000-0000-7000-8000-00000000c1a1"
    hostile.sql(
        (
            "INSERT INTO name_claim (id, tbl, name, row_id, claimed_at, device)"
            " VALUES (?, 'subject', 'VALK', ?, '2026-11-28T09:00:00Z', ?)",
            (claim_id, "01a23000-0000-7000-8000-00000000dec0", b.id),
        )
    )
    hostile.seal()
    before = user_tables(a.store)
    receipt = exchange.import_file(a.store, hostile.export())
    held = [q for q in receipt.quarantined if q.table == "name_claim"]
    assert held and {q.rule for q in held} == {"role"}
    assert user_tables(a.store) == before
    assert _code_holder(a.store, "VALK") == real
    assert a.store.one("SELECT count(*) FROM name_claim WHERE id = ?", (claim_id,))[0] == 0


def test_a_claim_from_a_laptop_enrolled_as_admin_but_not_the_admin_laptop_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Only the roster's admin laptop witnesses: the judge refuses a claim from any other
    origin even where both roles would allow it (checked on the judge's own rule)."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="admin")
    hostile = Hostile(b, tmp_path)
    hostile.sql(
        (
            "INSERT INTO name_claim (id, tbl, name, row_id, claimed_at, device)"
            " VALUES ('01a23000-0000-7000-8000-00000000c1a2', 'staff', 'OPS-B',"
            " '01a23000-0000-7000-8000-00000000c1a3', '2026-11-28T09:00:00Z', ?)",
            (b.id,),
        )
    )
    hostile.seal()
    receipt = exchange.import_file(a.store, hostile.export())
    held = [q for q in receipt.quarantined if q.table == "name_claim"]
    assert held, receipt.quarantined
    reasons = {q.reason for q in held}
    assert any("name_claim_not_admin" in r for r in reasons), reasons
