"""Sync throughput: export and import of 100,000 changes between two enrolled laptops, a second
import of the same bundle, and as the floor the same rows inserted with plain ``executemany``
into an empty table of the same shape, in the same run.

Targets (issue 18, a later phase): at least 100,000 changes per second on import; a re-import
at most 5% of the import.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from .common import Result

CHANGES = 100_000
IMPORT_TARGET = 100_000  # changes per second
REIMPORT_TARGET = 0.05  # × the import


def run() -> list[Result]:
    root = Path(tempfile.mkdtemp(prefix="schildwacht-sync-bench-"))
    try:
        return _measure(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _measure(root: Path) -> list[Result]:
    from store.clock import FixedClock
    from store.ids import uuid7
    from store.sync import exchange
    from tests.sync_team import make_team

    clock = FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    a, b = make_team(root, clock, names=("a", "b"))
    columns = [r[1] for r in b.store.query("PRAGMA table_info(log_entry)")]
    per_row = len(columns) + 1  # every field and the row's existence
    rows = [
        (uuid7(), b.store.now(), "OPS-B", b.id, None, None, "note", f"Waarneming {n}", 0, None)
        for n in range(CHANGES // per_row + 1)
    ]
    with b.store.write("bench.rows") as conn:
        conn.executemany(f"INSERT INTO log_entry VALUES ({', '.join('?' * len(columns))})", rows)
    changes = b.store.one("SELECT count(*) FROM sync_change WHERE tbl = 'log_entry'")[0]

    started = time.perf_counter()
    sent = exchange.export(b.store, out=root / "bench.swb")
    export_s = time.perf_counter() - started
    size_mb = sent.path.stat().st_size / 1e6

    started = time.perf_counter()
    receipt = exchange.import_file(a.store, sent.path)
    import_s = time.perf_counter() - started
    applied = sum(receipt.applied.values())

    started = time.perf_counter()
    again = exchange.import_file(a.store, sent.path)
    reimport_s = time.perf_counter() - started
    assert again.status == "already applied"

    floor_db = sqlite3.connect(root / "floor.db", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode = WAL")
    floor_db.execute("PRAGMA synchronous = NORMAL")
    schema = b.store.one("SELECT sql FROM sqlite_master WHERE name = 'log_entry'")[0]
    floor_db.execute(
        schema.replace("REFERENCES subject(id)", "")
        .replace("REFERENCES activity(id)", "")
        .replace("REFERENCES log_entry(id)", "")
    )
    started = time.perf_counter()
    floor_db.execute("BEGIN")
    floor_db.executemany(f"INSERT INTO log_entry VALUES ({', '.join('?' * len(columns))})", rows)
    floor_db.execute("COMMIT")
    floor_s = time.perf_counter() - started
    floor_db.close()

    rate = applied / import_s
    floor_rate = changes / floor_s
    print(
        f"sync export: {changes} changes ({len(rows)} rows) signed and encrypted in "
        f"{export_s:.2f} s ({changes / export_s:,.0f} changes/s, {size_mb:.1f} MB)"
    )
    print(
        f"sync import: {applied} changes verified and merged in {import_s:.2f} s "
        f"({rate:,.0f} changes/s)"
    )
    print(f"sync re-import of the same bundle: {reimport_s * 1000:.0f} ms (already applied)")
    print(
        f"floor: the same {len(rows)} rows with plain executemany: {floor_s * 1000:.0f} ms "
        f"({floor_rate:,.0f} field values/s); import costs ×{import_s / floor_s:.1f} the floor"
    )
    a.store.close()
    b.store.close()
    return [
        Result(
            "sync import of 100,000 changes",
            f"{rate:,.0f} changes/s",
            f"floor: executemany of the same rows: {floor_rate:,.0f} field values/s",
            import_s / floor_s,
            f"≥ {IMPORT_TARGET:,} changes/s (later phase)",
            rate >= IMPORT_TARGET,
        ),
        Result(
            "sync re-import of the same bundle",
            f"{reimport_s * 1000:.0f} ms",
            f"the import: {import_s * 1000:.0f} ms",
            reimport_s / import_s,
            f"≤ {REIMPORT_TARGET:.0%} of the import (later phase)",
            reimport_s <= REIMPORT_TARGET * import_s,
        ),
    ]
