"""Enrolling is written before the welcome bundle; when writing the bundle fails (a full disk,
a damaged change log), the same request enrolled again writes it again instead of leaving the
device in the roster without a way in (issue 14, third review)."""

from __future__ import annotations

from pathlib import Path

from store.clock import FixedClock
from store.errors import BadInput
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import refused_as, snapshot
from tests.sync_team import make_team


def test_the_last_request_enrolled_again_gives_its_welcome_again(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, _b = make_team(tmp_path / "team", clock, names=("a", "b"))
    request = rosters.read_request(tmp_path / "team" / "request-b.json")
    version = rosters.current(a.store).version  # type: ignore[union-attr]
    before = snapshot(a.store.path)
    again = rosters.enroll(a.store, request)
    assert again.version == version and snapshot(a.store.path) == before
    welcome = exchange.export(a.store, out=tmp_path / "again.swb", welcome=request.hash)
    assert welcome.path.exists()
    # once another device was enrolled after it, the old request is refused
    c = init_database(
        tmp_path / "c.db", callsign="OPS-C", role="shift_leader", unit="RT", clock=clock
    )
    rosters.write_request(c, tmp_path / "request-c.json")
    rosters.enroll(a.store, rosters.read_request(tmp_path / "request-c.json"))
    with refused_as(BadInput, "already in the roster"):
        rosters.enroll(a.store, request)
