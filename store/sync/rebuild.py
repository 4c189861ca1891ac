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

from . import clashes, conflicts, log, merge
from . import quarantine as kept
from .change import row_id
from .tables import shapes


def rows(conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> merge.Outcome:
    """Rebuild these (table, key) rows from their accepted records.

    Args:
        keys: (table, row key) of each row.

    Returns:
        What the rebuild did (``merge.Outcome``).

    Raises:
        clashes.Unsettled: the database refused to settle a clash of names (the caller's
            transaction is rolled back).
    """
    wanted = sorted(set(keys))
    if not wanted:
        return merge.Outcome()
    table_shapes = shapes(conn)
    named = {  # unique names these rows held: settled again once they are rebuilt
        tbl: clashes.groups_of_rows(conn, tbl, [row_id(pk) for t, pk in wanted if t == tbl])
        for tbl in clashes.CLASH_KEYS
    }
    for tbl, pk in wanted:
        shape = table_shapes.get(tbl)
        if shape is not None and shape.is_key(pk):  # a malformed key names no row
            conn.execute(f"DELETE FROM {tbl} WHERE {shape.key_match}", [pk] * len(shape.key))
        conn.execute("DELETE FROM sync_clock WHERE tbl = ? AND pk = ?", (tbl, pk))
    runs = sorted(log.of_rows(conn, wanted), key=lambda r: (r.hlc, r.origin, r.seq))
    aside = kept.states(conn, [(r.origin, r.seq + i) for r in runs for i in range(len(r.cols))])
    accepted: list[merge.Accepted] = []
    for run in runs:
        mask = tuple((run.origin, run.seq + i) not in aside for i in range(len(run.cols)))
        if all(mask):
            accepted.append((run, None))
        elif any(mask):
            accepted.append((run, mask))
    outcome = merge.merge(conn, accepted)
    for tbl, groups in named.items():
        outcome.clashes += merge.settle(conn, tbl, groups)
    conflicts.refresh(conn, conflicts.fields_of_runs((run, None) for run in runs))
    return _revived(conn, outcome, set(wanted))


def merged(conn: sqlite3.Connection, accepted: Iterable[merge.Accepted]) -> merge.Outcome:
    """Merge accepted runs (``merge.merge``) and rebuild the rows that merge asks for.

    Args:
        accepted: runs with, per record, whether it was accepted (None: all).

    Returns:
        What merge and rebuild did together.

    Raises:
        clashes.Unsettled: the database refused to settle a clash of names (the caller's
            transaction is rolled back).
    """
    return _revived(conn, merge.merge(conn, accepted), set())


def _revived(
    conn: sqlite3.Connection, outcome: merge.Outcome, done: set[tuple[str, str]]
) -> merge.Outcome:
    """Rebuild the rows ``outcome`` asks for (each row once), adding what the database refused."""
    wanted = outcome.revive - done
    outcome.revive = set()
    if wanted:
        again = rows(conn, wanted)
        outcome.refused.extend(again.refused)
        outcome.clashes.extend(again.clashes)
    return outcome
