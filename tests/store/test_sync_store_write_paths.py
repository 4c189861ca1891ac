"""A bundle can do only what its author's store could have done: the rule table allows, per
synced table, exactly the operations the store has a write path for (issue 13, rev13f HIGH 2).

A shift leader who deletes or moves a shift with raw SQL (no store function edits or deletes a
shift) sends a signed bundle; every receiver quarantines the change (exit 5), keeps its shift,
and all laptops agree."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, roster, rules, staff, staffing, subjects
from store.clock import FixedClock
from store.sync import exchange
from store.sync.quarantine import quarantined
from store.sync.tables import SYNCED_TABLES
from tests.conftest import NOW
from tests.hostile import import_with_cli
from tests.sync_team import exchange_all, make_team, user_tables

STORE = Path(__file__).resolve().parents[2] / "store"

EDITS = {
    "deleted": "DELETE FROM shift"
    " WHERE staff_id = (SELECT id FROM staff WHERE callsign = 'RT-0080')",
    "moved": "UPDATE shift SET start_at = replace(start_at, 'T07:00', 'T12:00'),"
    " end_at = replace(end_at, 'T15:00', 'T20:00')"
    " WHERE staff_id = (SELECT id FROM staff WHERE callsign = 'RT-0080')",
}


def _held(store: object) -> list[tuple[object, ...]]:
    return sorted((q.device, q.seq, q.table, q.field, q.cause.code) for q in quarantined(store))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_raw_shift_edit_is_quarantined_on_every_laptop(tmp_path: Path, edit: str) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    staff.add_staff(a.store, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    start = NOW + timedelta(days=3)
    act = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="one",
        start=start,
        end=start + timedelta(hours=2),
        location="R",
        concept="CP-LIGHT",
    ).id
    roster.add_shift(
        a.store, "RT-0080", start=start - timedelta(hours=2), end=start + timedelta(hours=6)
    )
    staffing.deploy(a.store, act, ["RT-0080"])
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    before = user_tables(a.store)
    raw = sqlite3.connect(b.store.path)
    raw.create_function("schildwacht_merging", 0, lambda: 1)  # its own guards off, as any tool can
    raw.executescript(f"BEGIN; {EDITS[edit]}; COMMIT;")
    raw.close()
    with b.store.write("test.seal"):
        pass
    assert user_tables(b.store)["shift"] != before["shift"]  # the edit took on b itself
    bundle = exchange.export(b.store, out=tmp_path / "b.swb").path
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert {q["table"] for q in receipt["quarantined"]} == {"shift"}
    exchange.import_file(c.store, bundle)
    assert user_tables(a.store) == user_tables(c.store) == before
    assert _held(a.store) == _held(c.store) != []


# Per synced table, which operations the store writes (grep of store/, outside the sync machinery
# that applies received changes). Every table is created by some store function (its INSERT).
_UPDATE = re.compile(r"UPDATE\s+(\w+)\s+SET\s+(.+?)\s+WHERE", re.S)
_UPSERT = re.compile(r"INSERT INTO (\w+)\b[^;]*?ON CONFLICT[^;]*?DO UPDATE SET\s+([\w ,=.]+)", re.S)
_DELETE = re.compile(r"DELETE FROM (\w+)\b")
_COLUMN = re.compile(r"(\w+)\s*=")

#: Operations the rule table allows that no plain grep finds, each with its reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # ``agenda`` builds its assignments from a dict of changed columns (f"UPDATE activity SET
    # {assignments}"): which columns, ``agenda.edit_activity`` / restrictions / corrections.
    ("activity", "update"): "assignments built from the edited fields (agenda.py, ics.py)",
}


def _store_sources() -> str:
    return "\n".join(
        p.read_text() for p in sorted(STORE.glob("*.py")) if p.name not in ("setup.py", "demo.py")
    )


def _written() -> tuple[dict[str, set[str]], set[str]]:
    text = _store_sources()
    updated: dict[str, set[str]] = {}
    for pattern in (_UPDATE, _UPSERT):
        for table, sets in pattern.findall(text):
            updated.setdefault(table, set()).update(_COLUMN.findall(sets))
    return updated, set(_DELETE.findall(text))


def test_the_rule_table_allows_only_what_the_store_writes() -> None:
    updated, deleted = _written()
    wrong = []
    for name in SYNCED_TABLES:
        rule = rules.TABLES[name]
        if rule.delete is not None and name not in deleted:
            wrong.append(f"{name}: delete allowed, the store never deletes one")
        if (name, "update") in EXCEPTIONS:
            continue
        for col, field_rule in rule.fields.items():
            if field_rule.update is not None and col not in updated.get(name, set()):
                wrong.append(f"{name}.{col}: update allowed, the store never changes it")
    assert not wrong, wrong


def test_the_scan_sees_the_store_writes_it_should() -> None:
    updated, deleted = _written()
    assert "deployment" in deleted
    assert {"role"} <= updated["staff"] and {"domain"} <= updated["subject"]
    assert {"valid_until"} <= updated["staff_qualification"]
    assert {"interpretation"} <= updated["signal_report"]
