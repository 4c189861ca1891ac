"""A laptop with staff rights appends the creation of a row with a chosen id and the name of a
row the team already holds (decoy.sh, decoy_existing.sh, decoy_subject.sh). The name's clash
was settled by the smallest id: the decoy took the callsign or code name, and the real row
was renamed on every laptop (``--user``, activity add and R1 then reached the decoy). Now the
row created first keeps its name, and an id no store writes is refused."""

from __future__ import annotations

from pathlib import Path

from store import staff, subjects
from store.clock import FixedClock, to_db
from store.sync import exchange
from store.sync.clashes import derived
from tests.conftest import as_user, snapshot
from tests.hostile import Hostile, key
from tests.sync_team import Laptop, exchange_all, make_team
from words.quarantine import said as said_reason
from words.receipts import said_all

#: Uuid-shaped, and smaller than every id a store mints (a UUIDv7 starts with its time).
SMALL = "00000000-0000-7000-8000-000000000000"


def _team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Hostile]:
    """The admin's laptop holding RT-0700 and KIEVIT, and a shift leader's, synced."""
    a, c = make_team(tmp_path / "team", clock, names=("a", "c"))
    staff.add_staff(a.store, "RT-0700", unit="RT", role="shift_leader", name="Echte planner")
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    exchange_all([a, c], tmp_path / "share", rounds=1)
    return a, Hostile(c, tmp_path)


def _decoys(row_id: str, at: str) -> list[tuple[str, str, str, object]]:
    staff_row = {"id": row_id, "callsign": "RT-0700", "name": "Decoy", "unit": "RT"}
    subject_row = {"id": row_id, "code": "KIEVIT", "kind": "person", "domain": "local"}
    return [
        *[("staff", key(row_id), col, val) for col, val in {"": None, **staff_row}.items()],
        ("staff", key(row_id), "role", "operator"),
        ("staff", key(row_id), "created_at", at),
        *[("subject", key(row_id), col, val) for col, val in {"": None, **subject_row}.items()],
        ("subject", key(row_id), "unit", "RT"),
        ("subject", key(row_id), "created_at", at),
    ]


def test_a_later_creation_never_takes_a_held_name_whatever_its_id(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, c = _team(tmp_path, clock)
    real_staff = a.store.one("SELECT id FROM staff WHERE callsign = 'RT-0700'")[0]
    real_subject = a.store.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0]
    assert min(real_staff, real_subject) > SMALL  # the old rule gave the name to the decoy
    c.forge(*_decoys(SMALL, to_db(a.store.now())), actor="OPS-C")
    planner = as_user(c.store, "RT-0700")  # the real shift leader's work after the decoy
    subjects.add_subject(planner, "REIGER", kind="person", domain="local", unit="RT")
    planner.close()
    receipt = exchange.import_file(a.store, c.export())
    assert not receipt.failed, [q.reason for q in receipt.quarantined]
    assert subjects.get_subject(a.store, "REIGER")  # judged as RT-0700's, not the decoy's
    assert sum("Clash" in w for w in said_all(receipt.warnings)) == 2
    assert a.store.one("SELECT id FROM staff WHERE callsign = 'RT-0700'")[0] == real_staff
    assert a.store.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0] == real_subject
    decoy = a.store.one(
        "SELECT s.callsign, j.code FROM staff s, subject j WHERE s.id = ? AND j.id = s.id", (SMALL,)
    )
    assert tuple(decoy) == (derived("callsign", "RT-0700", SMALL), derived("code", "KIEVIT", SMALL))
    assert staff.get_staff(a.store, "RT-0700").id == real_staff  # who --user RT-0700 is
    assert subjects.get_subject(a.store, "KIEVIT").id == real_subject


def test_a_created_id_no_store_writes_is_quarantined(tmp_path: Path, clock: FixedClock) -> None:
    a, c = _team(tmp_path, clock)
    before = snapshot(a.store.path)
    c.forge(*_decoys("0", to_db(a.store.now())), actor="OPS-C")
    receipt = exchange.import_file(a.store, c.export())
    assert receipt.failed and {q.table for q in receipt.quarantined} == {"staff", "subject"}
    assert any("not a record id" in said_reason(q.reason) for q in receipt.quarantined)
    assert _user_rows_unchanged(a, before)


def _user_rows_unchanged(a: Laptop, before: list[tuple[str, list[tuple[object, ...]]]]) -> bool:
    """The staff and subject tables are as they were (the sync bookkeeping grew)."""
    now = dict(snapshot(a.store.path))
    return all(now[t] == dict(before)[t] for t in ("staff", "subject", "threat_assessment"))


def test_the_export_warning_accounts_for_every_refused_change(
    tmp_path: Path, clock: FixedClock
) -> None:
    """raw1.sh: the warning named 13 changes and broke down 12 (the three commonest reasons
    only); the rest are now counted too, so the breakdown adds up to the total."""
    import re

    a, c = _team(tmp_path, clock)
    c.forge(*_decoys("0", to_db(a.store.now())), actor="OPS-C")  # four different reasons
    sent = exchange.export(c.store, out=tmp_path / "c.swb")
    text = next(w for w in said_all(sent.warnings) if "will be quarantined" in w)
    total = int(text.split(" ", 1)[0])
    breakdown = re.sub(r"\([^()]*\)", "", text.split("(", 1)[1])
    assert total == len(_decoys("0", to_db(a.store.now())))
    assert sum(int(n) for n in re.findall(r"(\d+) ×", breakdown)) == total
    assert "for other reasons" in text


def test_a_creation_counts_from_its_laptops_enrolment() -> None:
    """A laptop whose clock was set back cannot date a name before it joined the team."""
    from store.sync import capture, clashes

    assert clashes.COUNTER_BITS == capture.COUNTER_BITS
    enrolled = clashes.enrolled_clocks(
        [{"id": "late", "enrolled_at": "2026-11-28T09:00:00Z"}, {"id": "old"}]
    )
    early = 1 << clashes.COUNTER_BITS  # dated 1970
    assert clashes.first_order(early, "late", enrolled) > clashes.first_order(early, "old", {})
    assert clashes.first_order(early, "old", enrolled) == (early, "old")
