"""A peer's times are aware UTC datetimes in the record; text only at the edges (issue 15)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from store.clock import FixedClock, local_iso
from store.sync import roster as rosters
from store.sync import status
from tests.sync_team import make_team


def test_a_peer_enrolled_at_is_an_aware_time_from_the_roster(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path, clock, names=("a", "b"))
    (peer,) = [p for p in status.peers(a.store) if p.device == b.id]
    entry = rosters.require_team(a.store).device(b.id) or {}
    assert peer.enrolled_at is not None and peer.enrolled_at.tzinfo == UTC
    assert local_iso(peer.enrolled_at) == local_iso(str(entry["enrolled_at"]))
