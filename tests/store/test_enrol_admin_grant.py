"""A laptop enrolled as `admin` carries an admin's changes to the whole team, so only an admin
may enrol one — as only an admin may make someone an admin through the store. A fresh review
made a second database with an admin operator, had the shift leader on the admin laptop enrol it
with the role it asked for, and so made anyone admin team-wide (issue 13)."""

from __future__ import annotations

from pathlib import Path

from store.clock import FixedClock
from store.errors import PermissionDenied
from store.setup import init_database
from store.sync import roster as rosters
from tests.conftest import refused_as, snapshot


def test_only_an_admin_enrols_a_laptop_as_admin(tmp_path: Path, clock: FixedClock) -> None:
    admin_laptop = init_database(
        tmp_path / "a.db", callsign="OPS-01", role="shift_leader", unit="RT", clock=clock
    )
    rosters.create_team(admin_laptop, "Team RT")
    newcomer = init_database(
        tmp_path / "n.db", callsign="RT-0951", role="admin", unit="RT", clock=clock
    )
    rosters.write_request(newcomer, tmp_path / "request.json")
    request = rosters.read_request(tmp_path / "request.json")
    assert request.data["role"] == "admin"
    before = snapshot(admin_laptop.path)
    for role in (None, "admin"):  # the role it asked for, or named
        with refused_as(PermissionDenied, "Only an admin"):
            rosters.check_enrol(admin_laptop, request, role)
        with refused_as(PermissionDenied, "Only an admin"):
            rosters.enroll(admin_laptop, request, role)
    assert snapshot(admin_laptop.path) == before
    enrolled = rosters.enroll(admin_laptop, request, "operator")  # a lower role is the admin's call
    assert enrolled.device(request.data["device"])["role"] == "operator"  # type: ignore[index]
