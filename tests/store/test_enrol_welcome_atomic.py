"""An enrolment whose welcome bundle cannot be written enrols nobody (issue 14, fourth review):
the roster and the welcome are one transaction, so 'nothing was written' is true and a retry
with another role gets that role."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.clock import FixedClock
from store.errors import StoreError
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import snapshot


def test_a_welcome_that_cannot_be_written_leaves_the_roster_as_it_was(
    tmp_path: Path, clock: FixedClock
) -> None:
    admin = init_database(tmp_path / "a.db", callsign="OPS-A", role="admin", unit="RT", clock=clock)
    rosters.create_team(admin, "DKDB Rotterdam")
    newcomer = init_database(
        tmp_path / "b.db", callsign="OPS-B", role="shift_leader", unit="RT", clock=clock
    )
    rosters.write_request(newcomer, tmp_path / "req.json")
    request = rosters.read_request(tmp_path / "req.json")
    before = snapshot(admin.path)
    with pytest.raises(StoreError):  # a folder that is not there: the welcome is not written
        exchange.enroll(admin, request, None, tmp_path / "gone" / "w.swb")
    assert snapshot(admin.path) == before
    assert rosters.require_team(admin).device(request.data["device"]) is None
    roster, done = exchange.enroll(admin, request, "operator", tmp_path / "w.swb")
    assert (roster.device(request.data["device"]) or {})["role"] == "operator"
    assert done.path.exists()
