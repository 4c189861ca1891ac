"""Who can act on a laptop (issue 13 item 3, "anyone can act as anyone"). Secrets are local:
acting as anyone but the laptop's own operator needs that person's secret there, and only a
person with staff rights on that laptop can give one. On a laptop where nobody ever had staff
rights (an operator laptop) nobody but its operator can have acted, so a change in anyone
else's name was written outside the store — a raw edit of its own unsent change log — and
every receiver quarantines it: "author cannot act on this laptop". Where someone has staff
rights, another person's change is taken when that person is known with a role then."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import logbook, staff
from store.clock import FixedClock
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import NOW, as_user
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import (
    Laptop,
    copied_laptops,
    exchange_all,
    make_team,
    user_tables,
    without_segments_of,
)


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """Admin laptop a, operator laptop b (OPS-B, operator), shift leader laptop c (OPS-C, shift
    leader), shift leader laptop d whose operator OPS-D is an operator (no staff rights until
    promoted); RT-0001 (an operator) known everywhere."""
    root = Path(tempfile.mkdtemp(prefix="author-template-"))
    clock = FixedClock(NOW)
    laptops = make_team(root / "team", clock, names=("a", "b"), role="operator")
    for name, role in (("c", "shift_leader"), ("d", "operator")):
        store = init_database(
            root / "team" / f"laptop-{name}" / "schildwacht.db",
            callsign=f"OPS-{name.upper()}",
            role=role,
            unit="RT",
            clock=clock,
            device_label=f"laptop-{name}",
        )
        rosters.write_request(store, root / f"request-{name}.json")
        request = rosters.read_request(root / f"request-{name}.json")
        rosters.enroll(laptops[0].store, request, role="shift_leader")
        welcome = exchange.export(
            laptops[0].store, out=root / f"w-{name}.swb", welcome=request.hash
        )
        exchange.import_file(store, welcome.path)
        laptops.append(Laptop(name, store))
    staff.add_staff(laptops[0].store, "RT-0001", unit="RT")
    exchange_all(laptops, root / "share")
    for laptop in laptops:
        laptop.store.close()
    yield root / "team"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def team(template: Path, tmp_path: Path) -> Iterator[list[Laptop]]:
    with copied_laptops(template, tmp_path / "team", "abcd") as laptops:
        yield laptops


def _renamed(laptop: Laptop, work: Path, text: str, actor: str) -> Hostile:
    """The laptop's operator writes a log entry through the store; then its own unsent change
    log is edited with raw SQL to name ``actor`` as the author (the entry's author field is
    the record's actor, so it names them too)."""
    hostile = Hostile(laptop, work)
    logbook.add_entry(laptop.store, text)
    own = "(SELECT id FROM sync_origin WHERE device = ?)"  # its own latest run, no other's
    hostile.sql(
        (
            f"UPDATE sync_log SET actor = ? WHERE origin = {own}"
            f" AND seq = (SELECT max(seq) FROM sync_log WHERE origin = {own})",
            (actor, laptop.id, laptop.id),
        )
    )
    return hostile


def test_a_raw_log_edit_naming_another_author_on_an_operator_laptop_is_quarantined(
    team: list[Laptop], tmp_path: Path
) -> None:
    a, b = team[:2]
    hostile = _renamed(b, tmp_path, "Beveiliging afgeschaald", "RT-0001")
    logbook.add_entry(b.store, "Route verkend")  # b's own operator: taken
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, hostile.export())
    assert code == 5
    texts = [r[0] for r in a.store.tuples("SELECT text FROM log_entry")]
    assert "Route verkend" in texts and "Beveiliging afgeschaald" not in texts
    after = user_tables(a.store)
    assert {t: rows for t, rows in after.items() if t != "log_entry"} == {
        t: rows for t, rows in before.items() if t != "log_entry"
    }
    assert len(after["log_entry"]) == len(before["log_entry"]) + 1
    held = receipt["quarantined"]
    assert held and {q["rule"] for q in held} == {"author"}
    assert all(q["reason"].startswith("author cannot act on this laptop") for q in held)
    assert "laptop-b" in held[0]["reason"] and "OPS-B" in held[0]["reason"]


def test_the_admin_naming_another_author_on_an_operator_laptop_is_quarantined_too(
    team: list[Laptop], tmp_path: Path
) -> None:
    """Whoever is named, the admin too: nobody but OPS-B can act on laptop b."""
    a, b, c = team[:3]
    hostile = _renamed(b, tmp_path, "Nieuwe beheerder", "OPS-A")
    code, receipt = import_with_cli(c, hostile.export())
    assert code == 5
    assert {q["rule"] for q in receipt["quarantined"]} == {"author"}
    assert c.store.one("SELECT count(*) FROM log_entry WHERE text = 'Nieuwe beheerder'")[0] == 0
    del a


def test_another_person_with_their_secret_on_a_staff_rights_laptop_is_taken(
    team: list[Laptop], tmp_path: Path
) -> None:
    """On c (a shift leader's laptop) OPS-C gives RT-0001 a secret; RT-0001's own entry is
    theirs on every laptop. A raw edit there naming a person nobody has heard of waits for
    them (it is never applied in an unknown name)."""
    a, c = team[0], team[2]
    other = as_user(c.store, "RT-0001")
    try:
        logbook.add_entry(other, "Ik ben RT-0001")
    finally:
        other.close()
    hostile = _renamed(c, tmp_path, "Van niemand", "XX-9999")
    code, receipt = import_with_cli(a, hostile.export())
    assert receipt["quarantined"] == [] and receipt["deferred"] >= 1, receipt
    assert code == 0
    assert a.store.tuples("SELECT author FROM log_entry WHERE text = 'Ik ben RT-0001'") == [
        ("RT-0001",)
    ]
    assert a.store.one("SELECT count(*) FROM log_entry WHERE text = 'Van niemand'")[0] == 0


def test_a_promotion_that_arrives_late_judges_the_laptop_again(
    team: list[Laptop], tmp_path: Path
) -> None:
    """Laptop d is enrolled as a shift leader's, but its operator OPS-D has no staff rights
    until the admin promotes them; then OPS-D gives RT-0001 a secret and RT-0001 writes on d.
    Laptop c gets d's bundle before the promotion (a transport that lost a's file): no one but
    OPS-D could act on d as far as c knows, so it quarantines the entry; when the promotion
    arrives, d's later records are judged again, and c ends as a does."""
    a, c, d = team[0], team[2], team[3]
    staff.set_role(a.store, "OPS-D", "shift_leader")
    exchange.import_file(d.store, exchange.export(a.store, out=tmp_path / "a1.swb").path)
    other = as_user(d.store, "RT-0001")
    try:
        logbook.add_entry(other, "Ik ben RT-0001, op laptop d")
    finally:
        other.close()
    with without_segments_of(a.id):
        early = exchange.export(d.store, out=tmp_path / "d1.swb").path
    first = exchange.import_file(c.store, early)
    assert {q.rule for q in first.quarantined} == {"author"}
    exchange.import_file(a.store, early)
    exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    held = "SELECT origin, seq, rule FROM sync_quarantine ORDER BY origin, seq"
    assert c.store.tuples(held) == a.store.tuples(held) == []
    assert user_tables(c.store)["log_entry"] == user_tables(a.store)["log_entry"]
    assert c.store.one("SELECT author FROM log_entry WHERE text LIKE 'Ik ben RT-0001%'")[0] == (
        "RT-0001"
    )
