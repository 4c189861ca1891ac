"""Issue 13 (fourth review), item 8 (LOW): `db repair` on a fixed-clock database stamps with that
clock, as every other command does (repairclock.sh); a planted first audit event does not make a
real database honour a fixed clock (clockflip.sh)."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from store.clock import FixedClock, SystemClock
from store.db import CLOCK_KEY, Store
from store.setup import init_database
from store.sync.capture import COUNTER_BITS
from tests.conftest import NOW


def test_repair_of_a_fixed_clock_database_stamps_with_its_clock(tmp_path: Path) -> None:
    store = init_database(
        tmp_path / "f.db", callsign="OPS-01", role="shift_leader", unit="RT", clock=FixedClock(NOW)
    )
    path = store.path
    store.close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE staff SET name = 'buiten Schildwacht om' WHERE callsign = 'OPS-01'")
    raw.commit()
    raw.close()
    later = NOW + timedelta(hours=2)
    repaired = Store(path, clock=SystemClock(), repair=True, fixed=FixedClock(later))
    row = repaired.one("SELECT max(hlc) FROM sync_log")
    assert row is not None and (int(row[0]) >> COUNTER_BITS) // 1000 == int(later.timestamp())
    repaired.close()


def test_a_planted_first_audit_event_does_not_fix_a_real_clock(tmp_path: Path) -> None:
    store = init_database(
        tmp_path / "r.db", callsign="OPS-09", role="shift_leader", unit="RT", clock=SystemClock()
    )
    assert not store.clock_fixed
    path = store.path
    store.close()
    raw = sqlite3.connect(path)
    first = raw.execute("SELECT * FROM audit_event ORDER BY seq LIMIT 1").fetchone()
    detail = json.loads(first[6]) | {CLOCK_KEY: "fixed"}
    raw.execute(
        "INSERT INTO audit_event VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*first[1:6], json.dumps(detail), *first[7:]),
    )
    raw.execute("UPDATE meta SET value = 'fixed' WHERE key = ?", (CLOCK_KEY,))
    raw.commit()
    raw.close()
    reopened = Store(path, clock=SystemClock(), fixed=FixedClock(NOW))
    assert not reopened.clock_fixed
    assert isinstance(reopened.clock, SystemClock)
    reopened.close()
