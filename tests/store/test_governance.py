"""R6 work-process ledger, R9 audit chain, encryption at rest, and backup."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import agenda, audit, decisions, staff, subjects
from store.clock import to_db
from store.db import Store, backup_database, rekey_database
from store.errors import BadInput, IntegrityFailure, PermissionDenied, RuleViolation
from store.setup import init_database
from tests.conftest import NOW, as_user, refused_as, snapshot


@pytest.fixture
def ledger(store: Store) -> Store:
    staff.add_staff(store, "GZ-01", unit="RT", role="authority")
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.add_subject(store, "OTTER", kind="person", domain="national", unit="DKDB")
    subjects.assess_threat(store, "BEVER", level=3)
    return as_user(store, "GZ-01")


def test_records_carry_rationale_authority_and_document(ledger: Store) -> None:
    first = decisions.add_decision(
        ledger,
        person="BEVER",
        step="decision",
        rationale="Dreiging na uitspraak",
        authority="mayor:Havenstad",
        document="GEM-2026-114",
    )
    assert (first.adopted_by, to_db(first.adopted_at), first.supersedes) == (
        "GZ-01",
        "2026-11-28T09:00:00Z",
        None,
    )
    national = decisions.add_decision(
        ledger,
        person="OTTER",
        step="execution",
        rationale="Rijksdomein",
        authority="NCTV",
        document="NCTV-77",
    )
    assert national.authority == "NCTV"
    fix = decisions.add_decision(
        ledger,
        person="BEVER",
        step="decision",
        rationale="Dreiging na uitspraak, bijgesteld",
        authority="prosecutor:OvJ Havenstad",
        document="OM-2026-9",
        supersedes=first.id,
    )
    assert decisions.get_decision(ledger, first.id).superseded_by == fix.id
    assert [d.id for d in decisions.list_decisions(ledger, person="BEVER")] == [first.id, fix.id]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"rationale": "  "}, "needs its rationale"),
        ({"document": ""}, "document reference"),
        (
            {"authority": "nctv"},
            "local domain, where the competent authority is prosecutor or mayor",
        ),
        ({"step": "planning"}, "Unknown step"),
        ({"tailored": " "}, "states its reason"),
    ],
)
def test_bad_records_change_nothing(ledger: Store, kwargs: dict[str, str], error: str) -> None:
    args = {
        "person": "BEVER",
        "step": "decision",
        "rationale": "r",
        "authority": "mayor",
        "document": "D-1",
    } | kwargs
    before = snapshot(ledger.path)
    with refused_as(BadInput, error):
        decisions.add_decision(ledger, **args)
    assert snapshot(ledger.path) == before


def test_only_authority_adopts_and_records_are_never_edited(ledger: Store, store: Store) -> None:
    before = snapshot(store.path)
    staff.add_staff(store, "RT-0001", unit="RT", role="operator")
    operator = as_user(store, "RT-0001")
    after_staff = snapshot(store.path)
    with refused_as(
        PermissionDenied, "Only admin, authority liaison may adopt work-process decisions"
    ):
        decisions.add_decision(
            operator,
            person="BEVER",
            step="decision",
            rationale="r",
            authority="mayor",
            document="D",
        )
    assert snapshot(store.path) == after_staff != before
    record = decisions.add_decision(
        ledger, person="BEVER", step="monitoring", rationale="r", authority="mayor", document="D"
    )
    conn = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        conn.execute("UPDATE decision SET rationale = 'x' WHERE id = ?", (record.id,))
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM decision")
    conn.close()


def test_a_tailored_exception_never_touches_the_resistance_level(
    ledger: Store, store: Store
) -> None:
    decisions.add_decision(
        ledger,
        person="BEVER",
        step="decision",
        rationale="Maatwerk",
        authority="mayor",
        document="D",
        tailored="Lichtere inzet gewenst",
    )
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="x",
        start=datetime(2026, 12, 1, 9, tzinfo=UTC),
        end=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    with pytest.raises(RuleViolation) as info:
        agenda.assign_concept(store, item.id, "STATIC")
    assert info.value.rule == "R1"
    assert subjects.get_subject(store, "BEVER").required_level == "W3"


def _tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("statements", "error"),
    [
        (("UPDATE audit_event SET actor = 'SOMEONE' WHERE seq = 2",), "at event 2 .* was edited"),
        (("DELETE FROM audit_event WHERE seq = 2",), "event 2 is missing"),
        (
            (
                "UPDATE audit_event SET seq = 100 WHERE seq = 2",
                "UPDATE audit_event SET seq = 2 WHERE seq = 3",
                "UPDATE audit_event SET seq = 3 WHERE seq = 100",
            ),
            "at event 2 .*removed or reordered",
        ),
    ],
)
def test_the_audit_chain_catches_tampering_even_without_its_guards(
    ledger: Store, store: Store, statements: tuple[str, ...], error: str
) -> None:
    assert audit.verify_audit(store) >= 5
    store.close()
    _tamper(store.path, *statements)
    with refused_as(IntegrityFailure, "missing: audit_event_no_delete"):
        Store(store.path, clock=store.clock)  # the dropped guards keep it shut …
    repaired = Store(store.path, clock=store.clock, repair=True)
    with refused_as(IntegrityFailure, error):  # … and the chain shows what they let by
        audit.verify_audit(repaired)


def test_an_encrypted_database_is_useless_without_its_passphrase(tmp_path: Path) -> None:
    from store.clock import FixedClock

    path = tmp_path / "secret.db"
    secret = init_database(
        path, callsign="OPS-01", clock=FixedClock(NOW), passphrase="correct horse"
    )
    subjects.add_subject(secret, "BEVER", kind="person", domain="local", unit="RT")
    secret.close()
    assert b"BEVER" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT * FROM subject").fetchall()
    with refused_as(IntegrityFailure, "Wrong passphrase"):
        Store(path, passphrase="wrong horse")
    with refused_as(IntegrityFailure, "encrypted"):
        Store(path)
    reopened = Store(path, passphrase="correct horse")
    assert subjects.get_subject(reopened, "BEVER").unit == "RT"
    rekey_database(reopened, "battery staple")
    reopened.close()
    with pytest.raises(IntegrityFailure):
        Store(path, passphrase="correct horse")
    assert Store(path, passphrase="battery staple").actor.callsign == "OPS-01"


@pytest.mark.parametrize("passphrase", [None, "correct horse"])
def test_backup_round_trip(tmp_path: Path, passphrase: str | None) -> None:
    from store.clock import FixedClock
    from store.demo import generate_demo

    original = init_database(
        tmp_path / "live.db",
        callsign="OPS-01",
        role="shift_leader",
        unit="RT",
        clock=FixedClock(NOW),
        passphrase=passphrase,
    )
    generate_demo(original)
    copy = backup_database(original, tmp_path / "backup.db")
    assert not (tmp_path / ".backup.db.partial").exists()
    restored = Store(copy, passphrase=passphrase)
    for table in ("subject", "activity", "shift", "audit_event"):
        query = f"SELECT count(*) FROM {table}"
        assert restored.one(query)[0] == original.one(query)[0]  # type: ignore[index]
    assert audit.verify_audit(restored) == audit.verify_audit(original)
    with refused_as(BadInput, "another file"):
        backup_database(original, original.path)


def test_every_change_is_audited_with_before_and_after(ledger: Store, store: Store) -> None:
    import json

    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=datetime(2026, 12, 1, 9, tzinfo=UTC),
        end=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    agenda.edit_activity(store, item.id, title="Zitting (middag)")
    (event,) = audit.list_audit(store, limit=1)
    assert (event.action, event.actor, event.target) == ("activity.edit", "OPS-01", item.id)
    (change,) = json.loads(event.detail)["changes"]
    assert (change["table"], change["op"]) == ("activity", "update")
    assert (change["before"]["title"], change["after"]["title"]) == ("Zitting", "Zitting (middag)")
    # a write from another connection is not attributed to the next store action
    other = sqlite3.connect(store.path)
    other.execute("UPDATE staff SET name = 'X' WHERE callsign = 'GZ-01'")
    other.commit()
    other.close()
    logbook_entry = __import__("store.logbook", fromlist=["add_entry"]).add_entry(store, "Notitie")
    (event,) = audit.list_audit(store, limit=1)
    assert [c["table"] for c in json.loads(event.detail)["changes"]] == ["log_entry"]
    assert json.loads(event.detail)["changes"][0]["after"]["id"] == logbook_entry.id
