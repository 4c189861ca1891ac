"""Who acts is proven (issue 13, item 3): secrets as memory-hard hashes that never leave the
laptop, the proof at open and at a switch, and both roles bounding every action."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from store import access, proof, staff, subjects
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied
from store.setup import init_database
from store.staff import add_staff
from store.sync import bundle, exchange
from store.sync import roster as rosters
from tests.conftest import TEST_SECRET, as_user, refused_as, snapshot
from tests.sync_team import make_team


@pytest.fixture
def people(store: Store) -> Store:
    """OPS-01 (shift leader, the operator), IO-01 (analyst, secret), RT-0009 (no secret yet)."""
    add_staff(store, "IO-01", unit="DKDB", role="info_analyst", secret=TEST_SECRET)
    add_staff(store, "RT-0009", unit="RT", role="operator")
    return store


def test_the_real_hasher_is_argon2id_with_rfc_9106_low_memory_parameters() -> None:
    real = PasswordHasher()  # what store.proof uses outside the tests
    assert (real.type, real.memory_cost, real.time_cost) == (Type.ID, 65536, 3)
    hashed = real.hash("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert real.verify(hashed, "correct horse")


def test_the_store_hashes_with_the_real_parameters_outside_the_tests() -> None:
    """The tests hash with argon2-cffi's cheapest profile (``isolate`` in tests/conftest.py,
    also for the session's template databases); a process without the tests' fixtures, as the
    installed program, hashes a new secret with the real parameters."""
    assert proof.HASHER.memory_cost < 65536  # here, the tests' hasher
    code = "from store import proof; print(proof.hash_secret('correct horse battery'))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), done.stdout


@pytest.fixture(scope="module", params=["store_template", "demo_template"])
def template_hashes(request: pytest.FixtureRequest) -> list[str]:
    """The hashes in a session template, asked for first by a module's fixture (as
    test_fast_listing's ``database`` does): before any function's ``_isolated``."""
    conn = sqlite3.connect(request.getfixturevalue(request.param))
    try:
        return [r[0] for r in conn.execute("SELECT hash FROM staff_secret")]
    finally:
        conn.close()


def test_the_templates_are_hashed_with_the_tests_hasher(template_hashes: list[str]) -> None:
    """The copied template databases carry cheap hashes, whichever fixture made them first (a
    hash keeps its parameters: a template made with the real hasher made every proof of its
    people cost ~0.17 s of CPU)."""
    assert template_hashes
    assert all(h.startswith("$argon2id$v=19$m=8,t=1,p=1$") for h in template_hashes)


def test_a_secret_is_kept_only_as_a_hash_and_not_in_the_audit(people: Store) -> None:
    stored = people.one("SELECT hash FROM staff_secret JOIN staff ON staff.id = staff_id")
    assert stored is not None and stored[0].startswith("$argon2id$")
    people.close()
    files = (Path(people.path), Path(f"{people.path}-wal"))
    data = b"".join(f.read_bytes() for f in files if f.exists())
    assert TEST_SECRET.encode() not in data
    details = Store(people.path).query("SELECT detail FROM audit_event")
    assert not any("argon2" in r[0] or TEST_SECRET in r[0] for r in details)


def test_the_operator_acts_without_more_ado_and_is_never_asked(people: Store) -> None:
    def never(_callsign: str) -> str:
        raise AssertionError("the operator was asked for a secret")

    assert Store(people.path, user="ops-01", secret=never).actor.callsign == "OPS-01"


@pytest.mark.parametrize(
    ("user", "secret", "error", "message"),
    [
        ("IO-01", "wrong-secret", PermissionDenied, "Wrong secret for IO-01"),
        ("IO-01", None, PermissionDenied, "needs IO-01's secret"),
        ("IO-01", "", PermissionDenied, "needs IO-01's secret"),
        ("RT-0009", TEST_SECRET, PermissionDenied, "RT-0009 has no secret on this laptop"),
        ("NOBODY-1", TEST_SECRET, NotFound, "No person with callsign 'NOBODY-1'"),
    ],
)
def test_acting_as_anyone_else_needs_their_secret_and_writes_nothing(
    people: Store, user: str, secret: str | None, error: type[Exception], message: str
) -> None:
    before = snapshot(people.path)
    with refused_as(error, message):
        Store(people.path, clock=people.clock, user=user, secret=secret)
    assert snapshot(people.path) == before


def test_the_secret_is_asked_only_for_a_person_who_has_one(people: Store) -> None:
    asked: list[str] = []

    def ask(callsign: str) -> str:
        asked.append(callsign)
        return TEST_SECRET

    assert Store(people.path, user="IO-01", secret=ask).actor.role == "info_analyst"
    with pytest.raises(PermissionDenied):
        Store(people.path, user="RT-0009", secret=ask)
    assert asked == ["IO-01"]


def test_switch_user_proves_and_the_audit_names_the_proven_actor(people: Store) -> None:
    with pytest.raises(PermissionDenied):
        people.switch_user("IO-01", "not-the-secret")
    assert people.actor.callsign == "OPS-01"  # unchanged
    assert people.switch_user("IO-01", TEST_SECRET).callsign == "IO-01"
    subjects.add_subject(people, "BEVER", kind="person", domain="local", unit="RT")
    row = people.one("SELECT actor, device FROM audit_event WHERE action = 'subject.add'")
    assert tuple(row) == ("IO-01", people.device_id)  # type: ignore[arg-type]
    assert people.switch_user("OPS-01", None).callsign == "OPS-01"  # back, without more ado


def test_a_first_secret_needs_staff_rights_and_then_the_person_can_act(people: Store) -> None:
    analyst = as_user(people, "IO-01")
    before = snapshot(people.path)
    with refused_as(PermissionDenied, "may manage staff, shifts and deployments"):
        staff.set_secret(analyst, "RT-0009", "first-secret")
    with refused_as(BadInput, "at least 8"):
        staff.set_secret(people, "RT-0009", "short")
    assert snapshot(people.path) == before
    assert staff.set_secret(people, "RT-0009", "first-secret") == "staff.secret_first"
    assert Store(people.path, user="RT-0009", secret="first-secret").actor.role == "operator"


def test_changing_needs_the_old_secret_and_a_reset_needs_staff_rights(people: Store) -> None:
    analyst = as_user(people, "IO-01")
    before = snapshot(people.path)
    for old in (None, "wrong-secret"):
        with pytest.raises(PermissionDenied):
            staff.set_secret(people, "IO-01", "new-secret", old=old)
    with refused_as(PermissionDenied, "may manage staff, shifts and deployments"):
        staff.set_secret(analyst, "OPS-01", "new-secret", reset=True)
    assert snapshot(people.path) == before
    assert staff.set_secret(analyst, "IO-01", "new-secret", old=TEST_SECRET) == "staff.secret"
    with pytest.raises(PermissionDenied):
        Store(people.path, user="IO-01", secret=TEST_SECRET)
    assert staff.set_secret(people, "IO-01", "reset-secret", reset=True) == "staff.secret_reset"
    assert Store(people.path, user="IO-01", secret="reset-secret").actor.callsign == "IO-01"
    (actor, target) = people.one(  # type: ignore[misc]
        "SELECT actor, target FROM audit_event WHERE action = 'staff.secret_reset'"
    )
    assert (actor, target) == ("OPS-01", "IO-01")


def test_secrets_never_leave_the_laptop(tmp_path: Path, clock: object) -> None:
    a, b = make_team(tmp_path, clock, ("a", "b"))  # type: ignore[arg-type]
    add_staff(a.store, "IO-01", unit="DKDB", role="info_analyst", secret="only-on-a-1")
    sent = exchange.export(a.store, out=tmp_path / "a.swb")
    plain = bundle.decrypt(sent.path.read_bytes(), rosters.identity(b.store).age_identity)
    assert b"argon2" not in plain and b"only-on-a-1" not in plain
    exchange.import_file(b.store, sent.path)
    assert b.store.one("SELECT 1 FROM staff WHERE callsign = 'IO-01'")
    with refused_as(PermissionDenied, "no secret on this laptop"):
        Store(b.store.path, user="IO-01", secret="only-on-a-1")


def _laptop_enrolled_as(tmp_path: Path, clock: object, person_role: str, laptop_role: str) -> Store:
    admin = init_database(
        tmp_path / "admin.db",
        callsign="ADM-01",
        role="admin",
        unit="RT",
        clock=clock,  # type: ignore[arg-type]
    )
    rosters.create_team(admin, "Team")
    laptop = init_database(
        tmp_path / "laptop.db",
        callsign="OPS-02",
        role=person_role,
        unit="RT",
        clock=clock,  # type: ignore[arg-type]
    )
    request = tmp_path / "request.json"
    rosters.write_request(laptop, request)
    parsed = rosters.read_request(request)
    rosters.enroll(admin, parsed, role=laptop_role)
    welcome = exchange.export(admin, out=tmp_path / "welcome.swb", welcome=parsed.hash)
    exchange.import_file(laptop, welcome.path)
    return laptop


def test_the_laptops_enrolled_role_bounds_the_persons(tmp_path: Path, clock: object) -> None:
    laptop = _laptop_enrolled_as(tmp_path, clock, person_role="admin", laptop_role="operator")
    assert laptop.actor.laptop_role == "operator"
    before = snapshot(laptop.path)
    with refused_as(PermissionDenied, "enrolled in the team as operator") as refused:
        subjects.add_subject(laptop, "BEVER", kind="person", domain="local", unit="RT")
    assert refused.value.bound == "laptop"  # type: ignore[attr-defined]
    assert snapshot(laptop.path) == before


def test_the_persons_role_bounds_on_any_laptop(people: Store) -> None:
    analyst = as_user(people, "IO-01")
    with refused_as(PermissionDenied, "IO-01 is information analyst") as refused:
        access.require(analyst.actor, "staff.write")
    assert refused.value.bound == "person"  # type: ignore[attr-defined]
