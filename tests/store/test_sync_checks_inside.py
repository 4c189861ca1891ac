"""Sync's rules are checked again inside the transaction (issue 15): a state committed by
another connection between the first check and ``store.write`` is seen, and refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.clock import FixedClock
from store.errors import BadInput
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import snapshot
from tests.store.test_transactions import RacingStore
from tests.sync_team import make_team


def test_a_team_created_meanwhile_refuses_a_second_team_and_a_request(
    tmp_path: Path, clock: FixedClock
) -> None:
    first = init_database(tmp_path / "a.db", callsign="OPS-A", role="admin", unit="RT", clock=clock)
    racing = RacingStore(first.path, clock=clock)
    racing.race = lambda: rosters.create_team(first, "Rotterdam")  # another window, first
    with pytest.raises(BadInput) as refused:
        rosters.create_team(racing, "Den Haag")
    assert refused.value.code == "already_in_team"
    assert rosters.require_team(first).data["name"] == "Rotterdam"  # one team, the first

    other = init_database(tmp_path / "b.db", callsign="OPS-B", role="admin", unit="RT", clock=clock)
    racing_b = RacingStore(other.path, clock=clock)
    racing_b.race = lambda: rosters.create_team(other, "Utrecht")  # joined meanwhile
    with pytest.raises(BadInput) as no_request:
        rosters.write_request(racing_b, tmp_path / "request.json")
    assert no_request.value.code == "request_in_team"
    assert not (tmp_path / "request.json").exists()
    for store in (racing, first, racing_b, other):
        store.close()


def test_a_laptop_revoked_meanwhile_sends_nothing(tmp_path: Path, clock: FixedClock) -> None:
    """B's export checks its membership, then the roster that revokes it is taken in (as an
    import in another window does), then the export's transaction opens: it refuses there."""
    a, b = make_team(tmp_path, clock, names=("a", "b"))
    revoking = rosters.revoke(a.store, "laptop-b")
    racing = RacingStore(b.store.path, clock=clock)
    before: list[object] = []

    def take_in_the_revocation() -> None:
        with b.store.write("test.roster") as conn:
            assert rosters.accept(conn, revoking, b.store.now())
        before.append(snapshot(b.store.path))

    racing.race = take_in_the_revocation
    with pytest.raises(BadInput) as refused:
        exchange.export(racing, out=tmp_path / "from-b.swb")
    assert refused.value.code == "not_an_active_member"
    assert snapshot(b.store.path) == before[0]  # nothing sealed, logged or audited
    assert not (tmp_path / "from-b.swb").exists()
    racing.close()
