"""Un-applying changes: rebuild rows from the change log, without the records no longer accepted.

When a record that was applied is judged again and refused — a revoked device's changes after
its revocation point, or a person's changes after their role was taken away, learnt late — its
rows are rebuilt: each is removed together with the stamps of its fields, then every record of
it that is still accepted is merged again. The merge is order-independent, so the row ends as
on a laptop that never applied the refused records. Runs inside the import's transaction (capture
and the append-only triggers quiet, foreign keys off).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..validate import json_document
from . import clashes, conflicts, merge
from .change import COLUMNS, Change
from .tables import shapes


def rows(conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> merge.Outcome:
    """Rebuild these (table, key) rows from their accepted records."""
    wanted = sorted(set(keys))
    if not wanted:
        return merge.Outcome()
    table_shapes = shapes(conn)
    named = {  # unique names these rows held: settled again once they are rebuilt
        tbl: clashes.groups_of_rows(conn, tbl, [_row_id(pk) for t, pk in wanted if t == tbl])
        for tbl in clashes.CLASH_KEYS
    }
    for tbl, pk in wanted:
        shape = table_shapes.get(tbl)
        if shape is not None and shape.is_key(pk):  # a malformed key names no row
            conn.execute(f"DELETE FROM {tbl} WHERE {shape.key_match}", [pk] * len(shape.key))
        conn.execute("DELETE FROM sync_clock WHERE tbl = ? AND pk = ?", (tbl, pk))
    every = _records(conn, wanted)
    accepted = [r for r, ok in every if ok]
    outcome = merge.merge(conn, accepted)
    for tbl, groups in named.items():
        outcome.clashes += clashes.settle(conn, tbl, groups)
    conflicts.refresh(conn, conflicts.fields_of(r for r, _ok in every))
    return outcome


def _row_id(pk: str) -> str:
    try:
        key = json_document(pk, "a row key", max_depth=2)
    except ValueError:
        return pk
    return str(key[0]) if isinstance(key, list) and key else pk


def _records(conn: sqlite3.Connection, wanted: list[tuple[str, str]]) -> list[tuple[Change, bool]]:
    """Every held record of these rows, and whether it is accepted (in the order made)."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS rebuild_rows (tbl TEXT, pk TEXT, PRIMARY KEY (tbl, pk))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.rebuild_rows")
    conn.executemany("INSERT INTO temp.rebuild_rows VALUES (?, ?)", wanted)
    columns = ", ".join(f"c.{c}" for c in COLUMNS.split(", "))
    found = [
        (Change(*row[:-1]), not row[-1])
        for row in conn.execute(
            f"SELECT {columns}, EXISTS (SELECT 1 FROM sync_quarantine q WHERE q.origin = c.origin"
            " AND q.seq = c.seq) OR EXISTS (SELECT 1 FROM sync_deferred d WHERE d.origin ="
            " c.origin AND d.seq = c.seq) FROM sync_change c JOIN temp.rebuild_rows r"
            " ON r.tbl = c.tbl AND r.pk = c.pk ORDER BY c.hlc, c.origin, c.seq"
        )
    ]
    conn.execute("DELETE FROM temp.rebuild_rows")
    return found
