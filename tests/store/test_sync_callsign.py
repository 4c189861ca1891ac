"""Issue 13 (third review), items 2 and 3: a callsign two laptops give to two people. An honest
collision is settled the same way everywhere and nothing waits for ever; a laptop cannot take a
colleague's callsign over by making its ids look older."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import findings, staff
from store.clock import FixedClock, to_db
from store.errors import RuleViolation
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import NOW, refused_as, snapshot
from tests.hostile import Hostile, key
from tests.sync_team import make_team
from words.findings import said as said_finding
from words.receipts import said_all


def joined(root: Path, admin_store, name: str, callsign: str, clock: FixedClock):  # type: ignore[no-untyped-def]
    """A new laptop whose operator has ``callsign``, enrolled by the admin and welcomed."""
    folder = root / f"laptop-{name}"
    folder.mkdir()
    store = init_database(
        folder / "schildwacht.db",
        callsign=callsign,
        role="operator",
        unit="RT",
        clock=clock,
        device_label=f"laptop-{name}",
    )
    rosters.write_request(store, root / f"request-{name}.json")
    request = rosters.read_request(root / f"request-{name}.json")
    rosters.enroll(admin_store, request)
    welcome = exchange.export(admin_store, out=root / f"welcome-{name}.swb", welcome=request.hash)
    return store, exchange.import_file(store, welcome.path)


@pytest.fixture(scope="module")
def collided(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("callsign")
    clock = FixedClock(NOW)
    (root / "laptop-a").mkdir()
    admin = init_database(
        root / "laptop-a" / "schildwacht.db",
        callsign="OPS-A",
        role="admin",
        unit="RT",
        clock=clock,
        device_label="laptop-a",
    )
    for number in range(5):  # the roster, the collision among them
        staff.add_staff(admin, f"RT-060{number}", unit="RT")
    rosters.create_team(admin, "DKDB Rotterdam")
    laptop, receipt = joined(root, admin, "l", "RT-0602", clock)
    return admin, laptop, receipt


def test_an_honest_callsign_collision_applies_everything_and_is_a_listed_finding(
    collided,  # type: ignore[no-untyped-def]
) -> None:
    admin, laptop, receipt = collided
    assert receipt.result == "applied"
    assert sum(receipt.deferred.values()) == 0 and not receipt.quarantined
    assert not laptop.one("SELECT 1 FROM sync_deferred")
    held = {r[0] for r in admin.tuples("SELECT id FROM staff")}
    assert held <= {r[0] for r in laptop.tuples("SELECT id FROM staff")}  # every row arrived
    clash = [f for f in findings.open_findings(laptop) if f.kind == "clash"]
    assert len(clash) == 1 and "RT-0602" in said_finding(clash[0])
    assert laptop.one("SELECT count(*) FROM staff WHERE callsign = 'RT-0602'")[0] == 1


OLD_ID = "00000000-0000-7000-8000-000000000001"  # an id "minted" 50 years ago: the smallest


def test_a_laptop_cannot_enrol_with_a_callsign_another_laptop_is_enrolled_with(
    tmp_path: Path, clock: FixedClock
) -> None:
    (admin,) = make_team(tmp_path / "team", clock, names=("a",))
    folder = tmp_path / "laptop-m"
    folder.mkdir()
    mallory = init_database(
        folder / "schildwacht.db", callsign="OPS-A", role="operator", unit="RT", clock=clock
    )
    rosters.write_request(mallory, tmp_path / "request-m.json")
    request = rosters.read_request(tmp_path / "request-m.json")
    assert (request.data["callsign"], request.data["unit"]) == ("OPS-A", "RT")
    before = snapshot(admin.store.path)
    with refused_as(RuleViolation, "OPS-A, which laptop laptop-a is enrolled with"):
        rosters.enroll(admin.store, request)
    assert snapshot(admin.store.path) == before
    mallory.close()


def test_older_looking_ids_do_not_take_over_an_enrolled_callsign(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The reviewer's oldids.py: a member's laptop writes a person with the admin's callsign
    and an id older than the admin's; the roster's binding decides, not the id."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    admin_row = a.store.one("SELECT id FROM staff WHERE callsign = 'OPS-A'")[0]
    assert admin_row > OLD_ID
    fields = {
        "id": OLD_ID,
        "callsign": "OPS-A",
        "name": "Overnemer",
        "unit": "RT",
        "role": "operator",
        "created_at": to_db(b.store.now()),
    }
    Hostile(b, tmp_path).forge(
        ("staff", key(OLD_ID), "", None), *(("staff", key(OLD_ID), c, v) for c, v in fields.items())
    )
    receipt = exchange.import_file(a.store, Hostile(b, tmp_path).export())
    assert any("OPS-A" in w for w in said_all(receipt.warnings))  # the clash, named
    assert a.store.one("SELECT id FROM staff WHERE callsign = 'OPS-A'")[0] == admin_row
    renamed = a.store.one("SELECT callsign FROM staff WHERE id = ?", (OLD_ID,))[0]
    assert renamed.startswith("OPS-A-")
    assert any(
        f.kind == "clash" and "OPS-A" in said_finding(f) for f in findings.open_findings(a.store)
    )
