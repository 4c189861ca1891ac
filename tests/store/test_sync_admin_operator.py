"""Issue 13 (review 13c ``demoteadmin.sh``): the role of the operator bound to the team's admin
laptop changes only on that laptop. A peer shift leader who could demote them elsewhere would
leave the admin laptop unable to revoke that peer or undo the demotion. The rule is the rule
table's (``rules.admin_operator_elsewhere``): the store refuses it, the judge quarantines it."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import staff
from store.clock import FixedClock
from store.errors import PermissionDenied
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import snapshot
from tests.hostile import Hostile
from tests.sync_team import Laptop


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Laptop, Laptop, Path]:
    """Admin laptop A operated by shift leader OPS-A (no admin person); C's shift leader."""
    root = tmp_path_factory.mktemp("admin-operator")
    clock = FixedClock()
    laptops = []
    for name in ("a", "c"):
        (root / name).mkdir()
        store = init_database(
            root / name / "schildwacht.db",
            callsign=f"OPS-{name.upper()}",
            role="shift_leader",
            unit="RT",
            clock=clock,
            device_label=f"laptop-{name}",
        )
        laptops.append(Laptop(name, store))
    a, c = laptops
    rosters.create_team(a.store, "T")
    rosters.write_request(c.store, root / "request.json")
    request = rosters.read_request(root / "request.json")
    rosters.enroll(a.store, request)
    welcome = exchange.export(a.store, out=root / "welcome.swb", welcome=request.hash)
    exchange.import_file(c.store, welcome.path)
    return a, c, root


def _role(laptop: Laptop, callsign: str) -> object:
    row = laptop.store.one("SELECT role FROM staff WHERE callsign = ?", (callsign,))
    return None if row is None else row[0]


def test_a_peer_cannot_change_the_admin_laptops_operators_role(
    team: tuple[Laptop, Laptop, Path],
) -> None:
    a, c, root = team
    exchange.import_file(c.store, exchange.export(a.store, out=root / "a1.swb").path)
    assert _role(c, "OPS-A") == "shift_leader"
    before = snapshot(c.store.path)
    with pytest.raises(PermissionDenied) as refused:
        staff.set_role(c.store, "OPS-A", "operator")
    assert refused.value.code == "admin_operator_role_elsewhere"
    assert snapshot(c.store.path) == before
    staff.set_role(c.store, "OPS-C", "planner")  # anyone else's role: as before
    staff.set_role(c.store, "OPS-C", "shift_leader")

    # written outside the store and sent: A quarantines it and keeps its rights
    Hostile(c, root).sql("UPDATE staff SET role = 'operator' WHERE callsign = 'OPS-A'")
    Hostile(c, root).seal()
    receipt = exchange.import_file(a.store, exchange.export(c.store, out=root / "c1.swb").path)
    rules = a.store.tuples("SELECT tbl, col, rule FROM sync_quarantine")
    assert ("staff", "role", "admin_operator") in rules and receipt.quarantined
    assert _role(a, "OPS-A") == "shift_leader"
    staff.set_role(a.store, "OPS-C", "operator")  # the admin laptop still manages the team
    assert _role(a, "OPS-C") == "operator"
