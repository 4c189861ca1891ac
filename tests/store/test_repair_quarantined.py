"""``db repair`` refuses rows lost locally (rev13s F2) but not a laptop that holds, in its
change log, creations it quarantined and so never applied: those rows were never here, and
the captured state (``sync_clock``) says so. A repair of such a laptop restores its guards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.clock import FixedClock
from store.db import Store
from store.sync import capture
from tests.conftest import NOW
from tests.sync_team import exchange_all, held, make_team, raw_change_sets

HOSTILE_STAFF = (
    "INSERT INTO staff (id, callsign, name, unit, role, created_at) VALUES"
    " ('01a233ff-0000-7000-8000-000000000099', 'EVIL-1', '', 'RT', 'admin',"
    " '2026-11-28T09:00:00Z')"
)


def test_a_quarantined_creation_is_no_lost_row_and_repair_restores_the_guards(
    tmp_path: Path,
) -> None:
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"), role="operator")
    raw_change_sets(b, HOSTILE_STAFF)  # an operator may not add staff: a quarantines it
    exchange_all([a, b], tmp_path / "share", rounds=1)
    assert any(h[2] == "staff" for h in held(a))
    assert not a.store.one("SELECT count(*) FROM staff WHERE callsign = 'EVIL-1'")[0]
    in_log = a.store.one(
        "SELECT count(*) FROM sync_log WHERE tbl = 'staff' AND pk LIKE '%000000000099%'"
    )[0]
    assert in_log  # the log keeps it (sequence numbers, relaying), the table never had it
    assert capture.lost_rows(a.store.conn) == {}
    path, clock = a.store.path, a.store.clock
    a.store.close()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER activity_r1_update")
    raw.commit()
    raw.close()
    repaired = Store(path, clock=clock, repair=True)
    repaired.close()
    Store(path, clock=clock).close()  # opens: the guards are back
