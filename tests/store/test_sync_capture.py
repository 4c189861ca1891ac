"""Capturing changes: triggers see every connection's writes; sealing numbers them without
gaps and stamps them with a clock that never goes back; missing triggers keep the database
shut; a database from before sync sends its existing rows; values round-trip exactly."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import logbook, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure
from store.sync import bundle, capture
from store.sync.capture import hlc_wall_ms
from tests.conftest import refused_as


def records(store: Store) -> list[tuple[object, ...]]:
    return store.tuples("SELECT seq, tbl, col, val, cl FROM sync_change ORDER BY seq")


def test_writes_from_any_connection_are_captured_and_sealed_without_gaps(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    raw = sqlite3.connect(store.path)  # a script writing behind the store's back
    raw.execute("UPDATE subject SET unit = 'DKDB' WHERE code = 'BEVER'")
    raw.commit()
    raw.close()
    assert store.one("SELECT count(*) FROM sync_pending")[0] == 1
    logbook.add_entry(store, "Dienst begonnen")  # the next store write seals it
    assert store.one("SELECT count(*) FROM sync_pending")[0] == 0
    seqs = [r[0] for r in records(store)]
    assert seqs == list(range(1, len(seqs) + 1))
    unit = [r for r in records(store) if r[1] == "subject" and r[2] == "unit"]
    assert [r[3] for r in unit] == ["RT", "DKDB"]
    sentinel = [r for r in records(store) if r[1] == "subject" and r[2] == ""]
    assert [r[4] for r in sentinel] == [1]  # alive, first life


def test_delete_and_recreate_advance_the_causal_length(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    key = store.one("SELECT id FROM subject")[0]
    row = store.one("SELECT * FROM subject")
    with store.write("test.delete") as conn:
        conn.execute("DELETE FROM subject WHERE id = ?", (key,))
    with store.write("test.recreate") as conn:
        conn.execute("INSERT INTO subject VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(row))
    lengths = [r[4] for r in records(store) if r[1] == "subject" and r[2] == ""]
    assert lengths == [1, 2, 3]


def test_the_clock_never_goes_back_across_restarts(db_path: Path, store: Store) -> None:
    logbook.add_entry(store, "Eerst")
    first = capture.read_hlc(store.conn)
    store.close()
    behind = FixedClock(store.clock.now())
    behind.advance(hours=-5)  # the laptop's clock was set back
    reopened = Store(db_path, clock=behind)
    logbook.add_entry(reopened, "Daarna")
    stamps = [r[0] for r in reopened.tuples("SELECT hlc FROM sync_change ORDER BY seq")]
    assert stamps == sorted(stamps) and stamps[-1] > first
    assert hlc_wall_ms(stamps[-1]) == hlc_wall_ms(first)  # the counter moved, not the wall
    reopened.close()


def test_a_database_whose_capture_triggers_are_missing_is_not_opened(
    db_path: Path, store: Store
) -> None:
    store.close()
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER sync_capture_update_activity")
    raw.commit()
    raw.close()
    with refused_as(IntegrityFailure, "capture triggers"):
        Store(db_path)


def test_sqlite_utils_transform_drops_triggers_and_the_store_notices(
    db_path: Path, store: Store
) -> None:
    import sqlite_utils

    store.close()
    sqlite_utils.Database(db_path)["log_entry"].transform(rename={"text": "text"})
    with pytest.raises(IntegrityFailure):
        Store(db_path)


def test_a_database_from_before_sync_sends_its_existing_rows(tmp_path: Path) -> None:
    from store.migrations import MIGRATIONS

    path = tmp_path / "version2.db"
    raw = sqlite3.connect(path)  # a database made by the version before sync
    for version, _name, sql in MIGRATIONS:
        if version <= 2:
            raw.executescript(sql)
    raw.execute("PRAGMA user_version = 2")
    raw.execute("INSERT INTO meta VALUES ('device_id', 'old-laptop'), ('operator', 'OPS-01')")
    raw.execute("INSERT INTO unit VALUES ('RT', 'Rotterdam', 'police')")
    raw.execute(
        "INSERT INTO subject VALUES ('s-1', 'BEVER', 'person', 'local', 'RT', NULL,"
        " '2026-11-01T09:00:00Z')"
    )
    raw.commit()
    raw.close()
    migrated = Store(path)
    assert not capture.missing_triggers(migrated.conn)
    with migrated.write("test.first_write"):
        pass
    sealed = migrated.tuples("SELECT tbl, pk, col, val FROM sync_change WHERE col IN ('', 'code')")
    assert sealed == [("subject", '["s-1"]', "", None), ("subject", '["s-1"]', "code", "BEVER")]
    migrated.close()


VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(),
    st.sampled_from([-0.0, 0.0, 2**63 - 1, -(2**63), math.inf, -math.inf, "\U0001f6e1", b""]),
)


@given(st.lists(VALUES, min_size=1, max_size=20))
def test_every_value_type_round_trips_exactly(values: list[object]) -> None:
    """Through SQLite's change log column and the bundle body, bit for bit."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, val ANY) STRICT")
    conn.executemany("INSERT INTO t (val) VALUES (?)", [(v,) for v in values])
    stored = [r[0] for r in conn.execute("SELECT val FROM t ORDER BY n")]
    rows = [(i, 1, "t", "[]", "val", v, 1, None, "X") for i, v in enumerate(stored)]
    back = [r[6] for r in bundle.decode_body(bundle.encode_body(rows), "origin")]
    for original, returned in zip(values, back, strict=True):
        assert type(returned) is type(original)
        if isinstance(original, float):
            assert math.copysign(1, original) == math.copysign(1, returned)  # type: ignore[arg-type]
        assert returned == original or (original != original)
    assert bundle.encode_body(rows) == bundle.encode_body(
        [(i, 1, "t", "[]", "val", v, 1, None, "X") for i, v in enumerate(back)]
    )


def test_repair_reinstalls_the_triggers_and_captures_what_changed_meanwhile(
    db_path: Path, store: Store
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.add_subject(store, "DAS", kind="object", domain="local", unit="RT")
    store.close()
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER sync_capture_update_subject")
    raw.execute("DROP TRIGGER sync_capture_insert_subject")
    raw.execute("UPDATE subject SET unit = 'DKDB' WHERE code = 'BEVER'")  # not captured
    raw.execute(
        "INSERT INTO subject (id, code, kind, domain, unit, created_at)"
        " VALUES ('s-new', 'EGEL', 'person', 'local', 'RT', '2026-11-28T09:00:00Z')"
    )
    raw.commit()
    raw.close()
    with refused_as(IntegrityFailure, "Repair the database") as refused:
        Store(db_path)
    assert refused.value.code == "capture_missing"  # the command line names `db repair`
    repaired = Store(db_path, clock=store.clock, repair=True)
    assert not capture.missing_triggers(repaired.conn)
    fields = repaired.tuples(
        "SELECT pk, col, val FROM sync_change WHERE tbl = 'subject' AND seq > 0 ORDER BY seq"
    )
    assert ('["s-new"]', "code", "EGEL") in fields and ('["s-new"]', "", None) in fields
    bever = repaired.one("SELECT id FROM subject WHERE code = 'BEVER'")[0]
    units = [v for pk, col, v in fields if pk == f'["{bever}"]' and col == "unit"]
    assert units == ["RT", "DKDB"]
    das = repaired.one("SELECT id FROM subject WHERE code = 'DAS'")[0]
    # unchanged, nothing new: its existence and every field but the derived threat level
    assert len([f for f in fields if f[0] == f'["{das}"]']) == 7
    assert repaired.one("SELECT 1 FROM audit_event WHERE action = 'db.repair'")
    repaired.close()
    Store(db_path).close()  # opens normally again
