"""Issue 13 (review of phase 5), item 3: a demoted shift leader cannot keep the old role by
keeping the laptop's clock back. A change set that needs a role its author has lost since,
stamped before the loss, that reaches a laptop more than a day after the loss (held there
already) is held for an admin: quarantined, said in its hold in every manifest, and so held on
every laptop — also one that took it in on time. An admin releases it; then it applies again
everywhere."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from store import staff, subjects
from store.clock import FixedClock, epoch_ms
from store.db import Store
from store.errors import BadInput, PermissionDenied
from store.sync import exchange, late, status
from tests.conftest import NOW, as_user
from tests.hostile import Hostile
from tests.sync_team import Laptop, make_team, user_tables
from words.quarantine import said as said_reason


def _level(laptop: Laptop) -> object:
    row = laptop.store.one("SELECT threat_level FROM subject WHERE code = 'KIEVIT'")
    assert row is not None
    return row[0]


def _late(laptop: Laptop) -> list[tuple[object, ...]]:
    return laptop.store.tuples("SELECT tbl, reason FROM sync_quarantine WHERE rule = 'late'")


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> exchange.Receipt:
    name = f"{sender.name}-{epoch_ms(sender.store.now())}-{receiver.name}.swb"
    return exchange.import_file(
        receiver.store, exchange.export(sender.store, out=folder / name).path
    )


@pytest.fixture
def demoted(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, Path]:
    """Admin A demotes shift leader OPS-B at 10:00 (C hears of it); B, its clock kept at 09:30
    and never importing, assesses KIEVIT as all clear and sends that."""
    return _demoted(tmp_path, clock, tell_c=True)


def _demoted(
    tmp_path: Path, clock: FixedClock, *, tell_c: bool
) -> tuple[Laptop, Laptop, Laptop, Path]:
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=4, summary="credible")
    for other in (b, c):
        _send(a, other, tmp_path)
    _send(b, a, tmp_path)
    clock.advance(hours=1)  # 10:00
    staff.set_role(a.store, "OPS-B", "operator")
    if tell_c:
        _send(a, c, tmp_path)
    back = FixedClock(NOW + timedelta(minutes=30))  # B keeps its clock at 09:30
    b.store.close()
    b.store = Store(b.store.path, clock=back)
    subjects.assess_threat(b.store, "KIEVIT", level=1, summary="all clear")
    return a, b, c, tmp_path


def test_a_change_late_for_a_lost_role_is_held_on_every_laptop(
    demoted: tuple[Laptop, Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, c, folder = demoted
    clock.advance(minutes=30)
    _send(b, c, folder)  # C takes it in on time: within a day of the demotion
    assert _late(c) == [] and _level(c) == 1
    clock.advance(days=7)
    receipt = _send(b, a, folder)  # a week later on A: held for an admin
    assert receipt.quarantined and _level(a) == 4
    print(_late(a))
    assert {table for table, _reason in _late(a)} == {"threat_assessment"}
    assert all("held for an admin" in said_reason(reason) for _table, reason in _late(a))
    _send(a, c, folder)  # A's hold reaches C: the same change set held there too
    assert _level(c) == 4 and set(_late(c)) == set(_late(a))
    for laptop in (a, c):
        assert (
            user_tables(laptop.store)["threat_assessment"]
            == user_tables(a.store)["threat_assessment"]
        )

    with pytest.raises(PermissionDenied):
        status.release_late(as_user(c.store, "OPS-C"), b.id, 1_000_000)
    seq = a.store.one("SELECT seq FROM sync_quarantine WHERE rule = 'late'")
    assert seq is not None
    status.release_late(a.store, b.id, int(seq[0]))  # the admin decides: it stands
    assert _late(a) == [] and _level(a) == 1  # judged again here at once
    audit = a.store.one("SELECT count(*) FROM audit_event")
    with pytest.raises(BadInput) as again:  # released twice: said, nothing written
        status.release_late(a.store, b.id, int(seq[0]))
    assert again.value.code == "late_released_already"
    assert a.store.one("SELECT count(*) FROM audit_event") == audit
    receipt = _send(a, c, folder)
    assert _late(c) == [] and _level(c) == 1


def test_a_change_on_time_for_the_role_it_had_is_not_held(
    demoted: tuple[Laptop, Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, _c, folder = demoted
    clock.advance(hours=2)  # within the allowance: an honest laptop offline for a while
    _send(b, a, folder)
    assert _late(a) == [] and _level(a) == 1


def _alike(*laptops: Laptop) -> None:
    """The laptops hold the same assessments, levels and quarantine (C never sent A its own
    operator's row: the staff tables differ by that alone)."""
    first = laptops[0].store
    for other in laptops[1:]:
        for table in ("threat_assessment", "subject"):
            assert user_tables(other.store)[table] == user_tables(first)[table]
        keys = "SELECT origin, seq, tbl, pk, col, rule FROM sync_quarantine ORDER BY 1, 2"
        assert other.store.tuples(keys) == first.tuples(keys)


def test_a_hold_and_the_demotion_in_one_bundle_take_out_what_was_taken_in_on_time(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Review 13c ``holdsame.sh``: C took B's change set on time, before it heard of the
    demotion; the admin's hold and the demotion then reach C in one bundle: C holds it too."""
    a, b, c, folder = _demoted(tmp_path, clock, tell_c=False)
    clock.advance(minutes=30)
    _send(b, c, folder)
    assert _level(c) == 1 and _late(c) == []
    clock.advance(days=2)
    _send(b, a, folder)  # held on the admin laptop
    assert _level(a) == 4
    _send(a, c, folder)  # the demotion and the hold together
    assert _level(c) == 4 and {t for t, _r in _late(c)} == {"threat_assessment"}
    _alike(a, c)


def test_a_change_set_relayed_with_its_hold_and_the_demotion_is_held_on_arrival(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The other order: B's change set reaches C first from the admin laptop, in one bundle
    with the demotion and the hold (the admin laptop relays what it holds: a hold never
    reaches a laptop before the change set can); B's own bundle after changes nothing."""
    a, b, c, folder = _demoted(tmp_path, clock, tell_c=False)
    clock.advance(days=2)
    _send(b, a, folder)
    _send(a, c, folder)
    _send(b, c, folder)
    assert _level(c) == 4 and {t for t, _r in _late(c)} == {"threat_assessment"}
    _alike(a, c)


def test_only_the_admin_laptop_holds_a_late_change_set(tmp_path: Path, clock: FixedClock) -> None:
    """C is no admin laptop: a change set late there is taken in until the admin decides."""
    _a, b, c, folder = _demoted(tmp_path, clock, tell_c=True)
    clock.advance(days=2)
    _send(b, c, folder)
    assert _level(c) == 1 and _late(c) == []


def _forged_holds(laptop: Laptop, holds: list[dict[str, object]]) -> None:
    """A member's raw edit of its own database: holds it never decided, in its manifests."""
    Hostile(laptop, laptop.store.path.parent).sql(
        (
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_late_holds', ?)",
            (json.dumps(holds),),
        )
    )


def test_no_member_but_the_admin_laptop_can_hold_or_flood_holds(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Review 13c ``forgehold.sh`` and ``holdflood2.sh``: B's on-time assessment stands on
    A though C (no admin laptop) names it held and floods 300 made-up holds besides; nothing
    of C's holds is kept or relayed, and A's own holds are not pushed out."""
    a, b, c, folder = _demoted(tmp_path, clock, tell_c=True)
    clock.advance(minutes=30)
    for other in (a, c):
        _send(b, other, folder)  # on time: stands
    assert _level(a) == _level(c) == 1
    row = c.store.one(
        "SELECT o.device, l.hlc, l.seq FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ? ORDER BY l.seq DESC LIMIT 1",
        (b.id,),
    )
    assert row is not None
    real = {"origin": row[0], "hlc": row[1], "seq": row[2]}
    bogus = [{"origin": f"~~bogus{n:03d}", "hlc": 1, "seq": 1} for n in range(300)]
    _forged_holds(c, [real, *bogus])
    receipt = _send(c, a, folder)
    assert not receipt.quarantined and _level(a) == 1 and _late(a) == []
    assert a.store.meta("sync_late_holds") is None
    assert late.manifest_field(a.store.conn) == {}


def test_holds_are_kept_per_origin_and_an_overflow_is_refused(
    demoted: tuple[Laptop, Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, c, folder = demoted
    clock.advance(days=2)
    _send(b, a, folder)  # A holds B's change set
    (held,) = late.held(a.store.conn)
    many = [late.Hold(c.id, n, n) for n in range(1, late.MAX_HOLDS_PER_ORIGIN + 50)]
    with a.store.write("test.holds") as conn:
        kept = late.keep(conn, many)
    assert len(kept) == late.MAX_HOLDS_PER_ORIGIN
    assert held in late.held(a.store.conn)  # B's hold is not pushed out
    with a.store.write("test.holds") as conn:
        assert late.keep(conn, [late.Hold(c.id, 10**6, 10**6)]) == []  # refused, not rotated
    _send(a, c, folder)
    assert _level(c) == 4 and held in late.held(c.store.conn)


def test_not_even_the_admin_laptop_holds_the_work_of_someone_never_demoted(
    demoted: tuple[Laptop, Laptop, Laptop, Path], clock: FixedClock
) -> None:
    """A hold counts only where the data shows the author lost a role the change set needed:
    the admin laptop's own raw hold of shift leader OPS-C's assessment changes nothing."""
    a, _b, c, folder = demoted
    subjects.assess_threat(c.store, "KIEVIT", level=3, summary="raised")
    _send(c, a, folder)
    row = a.store.one(
        "SELECT l.hlc, l.seq FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ? ORDER BY l.seq DESC LIMIT 1",
        (c.id,),
    )
    assert row is not None
    _forged_holds(a, [{"origin": c.id, "hlc": row[0], "seq": row[1]}])
    clock.advance(days=2)
    _send(c, a, folder)
    _send(a, c, folder)
    assert _level(a) == _level(c) == 3 and _late(a) == _late(c) == []
