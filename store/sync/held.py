"""Which change records the importer holds aside: quarantined or deferred (``quarantine``
keeps them; this is the one read of that state the lower layers need, on the caller's
connection)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

Key = tuple[str, int]  # (origin, seq)

APPLIED, QUARANTINED, DEFERRED = "applied", "quarantined", "deferred"

__all__ = ["APPLIED", "DEFERRED", "QUARANTINED", "Key", "states"]


def states(conn: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, str]:
    """Which of these held records are quarantined or deferred (the rest: applied or new).

    Args:
        keys: (origin, seq) of each record.

    Returns:
        (origin, seq) → ``quarantined`` or ``deferred``, for those held so.
    """
    wanted = list(keys)
    if (
        not wanted
        or not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sync_quarantine) OR EXISTS (SELECT 1 FROM sync_deferred)"
        ).fetchone()[0]
    ):
        return {}
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS judged_keys (origin TEXT, seq INTEGER,"
        " PRIMARY KEY (origin, seq)) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.judged_keys")
    conn.executemany("INSERT OR IGNORE INTO temp.judged_keys VALUES (?, ?)", wanted)
    found: dict[Key, str] = {}
    for table, state in (("sync_quarantine", QUARANTINED), ("sync_deferred", DEFERRED)):
        for origin, seq in conn.execute(
            f"SELECT k.origin, k.seq FROM temp.judged_keys k JOIN {table} t"
            " ON t.origin = k.origin AND t.seq = k.seq"
            + (" AND t.branch = ''" if table == "sync_quarantine" else "")
        ):
            found[(origin, int(seq))] = state
    conn.execute("DELETE FROM temp.judged_keys")
    return found
