"""Issue 13 (review of phase 5), item 3: a demoted shift leader cannot keep the old role by
keeping the laptop's clock back. A change set that needs a role its author has lost since,
stamped before the loss, that reaches a laptop more than a day after the loss (held there
already) is held for an admin: quarantined, said in its hold in every manifest, and so held on
every laptop — also one that took it in on time. An admin releases it; then it applies again
everywhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import PermissionDenied
from store.sync import exchange, status
from tests.conftest import NOW, as_user
from tests.sync_team import Laptop, make_team, user_tables


def _level(laptop: Laptop) -> object:
    row = laptop.store.one("SELECT threat_level FROM subject WHERE code = 'KIEVIT'")
    assert row is not None
    return row[0]


def _late(laptop: Laptop) -> list[tuple[object, ...]]:
    return laptop.store.tuples("SELECT tbl, reason FROM sync_quarantine WHERE rule = 'late'")


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> exchange.Receipt:
    name = f"{sender.name}-{sender.store.now_ms()}-{receiver.name}.swb"
    return exchange.import_file(
        receiver.store, exchange.export(sender.store, out=folder / name).path
    )


@pytest.fixture
def demoted(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, Path]:
    """Admin A demotes shift leader OPS-B at 10:00 (C hears of it); B, its clock kept at 09:30
    and never importing, assesses KIEVIT as all clear and sends that."""
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=4, summary="credible")
    for other in (b, c):
        _send(a, other, tmp_path)
    _send(b, a, tmp_path)
    clock.advance(hours=1)  # 10:00
    staff.set_role(a.store, "OPS-B", "operator")
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
    assert all("held for an admin" in str(reason) for _table, reason in _late(a))
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
    receipt = _send(a, c, folder)
    assert _late(c) == [] and _level(c) == 1


def test_a_change_on_time_for_the_role_it_had_is_not_held(
    demoted: tuple[Laptop, Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, _c, folder = demoted
    clock.advance(hours=2)  # within the allowance: an honest laptop offline for a while
    _send(b, a, folder)
    assert _late(a) == [] and _level(a) == 1
