"""The large set itself (issue 18): how long ``demo --scale large`` takes against the same rows
written without triggers, and how much of the database the change log takes against the data.

- **demo**: CPU of ``generate_demo`` (14 days) against the floor: the same generator writing the
  same rows through a connection of a database without any trigger (no capture, no audit, no
  rule guards) and no seal, in one transaction. Medians of three runs each. Target: ≤ 3×.
- **database size**: the pages of the change log (``sync_log``, its indexes, the field stamps
  ``sync_clock``, the interned devices and field lists, pending rows) against all other pages
  (the data, its indexes, the catalogue, the audit trail), in the set the bench built. Target:
  the log at most as large as the data.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

from .common import DataSet, Result

DEMO_TARGET = 3.0  # × the same rows without triggers
SIZE_TARGET = 1.0  # × the data
RUNS = 3
LOG_TABLES = ("sync_log", "sync_clock", "sync_origin", "sync_shape", "sync_pending")


def _ours(folder: Path, days: int, run: int) -> float:
    from store.demo import generate_demo
    from store.setup import init_database

    store = init_database(folder / f"demo-{run}.db", callsign="BENCH-01", role="admin")
    used = time.process_time()
    generate_demo(store, scale="large", days=days)
    cpu = time.process_time() - used
    store.close()
    return cpu


def _floor(folder: Path, days: int, run: int) -> float:
    """The same generator and rows, through a connection of a database without triggers."""
    from store.demo import fill
    from store.setup import init_database

    path = folder / f"floor-{run}.db"
    store = init_database(path, callsign="BENCH-01", role="admin")
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    used = time.process_time()
    conn.execute("BEGIN")
    fill(store, conn, seed=7, scale="large", start=None, days=days)
    conn.execute("COMMIT")
    cpu = time.process_time() - used
    conn.close()
    store.close()
    return cpu


def demo(large: DataSet, workspace: Path) -> list[Result]:
    folder = workspace / "demo"
    folder.mkdir(exist_ok=True)
    ours, floor = [], []
    for run in range(RUNS):  # alternating, so a busy moment weighs on both
        ours.append(_ours(folder, large.days, run))
        floor.append(_floor(folder, large.days, run))
    mine, bare = statistics.median(ours), statistics.median(floor)
    print(
        f"demo --scale large ({large.days} days): {mine:.2f} s CPU; without triggers {bare:.2f} s"
    )
    return [
        Result(
            f"demo --scale large ({large.days} days of agenda and shifts)",
            f"{mine:.2f} s CPU",
            f"the same rows without triggers: {bare:.2f} s",
            mine / bare,
            f"≤ {DEMO_TARGET}× the rows without triggers",
            mine <= DEMO_TARGET * bare,
            ["runs: " + ", ".join(f"{a:.2f}/{b:.2f} s" for a, b in zip(ours, floor, strict=True))],
        )
    ]


def database_size(large: DataSet) -> list[Result]:
    conn = sqlite3.connect(large.path)
    try:
        pages = conn.execute(
            "SELECT s.name, coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s"
            " LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY s.name"
        ).fetchall()
    finally:
        conn.close()
    log = sum(size for _name, table, size in pages if table in LOG_TABLES)
    data = sum(size for _name, table, size in pages if table not in LOG_TABLES)
    print(f"database of the large set: change log {log / 1e6:.1f} MB, data {data / 1e6:.1f} MB")
    return [
        Result(
            "database size: the change log (large set)",
            f"{log / 1e6:.1f} MB",
            f"the data (every other page): {data / 1e6:.1f} MB",
            log / data,
            f"≤ {SIZE_TARGET:g}× the data",
            log <= SIZE_TARGET * data,
            [f"file {large.path.stat().st_size / 1e6:.1f} MB"],
        )
    ]
