"""One fact recorded as several rows, and which of them a table holds (``SAME_FACT``).

Two laptops offline may record the same fact — the same officer deployed on the same activity —
under two ids; the table's unique key holds one row of it. Which row, if any, follows from the
change log alone, so every laptop that holds the same records holds the same row:

- a row of a fact is alive only if it was created after the latest deletion of any row of that
  fact: a deletion of the fact wins over every record of it made before, and a deployment made
  after it stands. "After" orders existence records by (clock, device, number), so a deletion
  and a new row written in one transaction keep the order they were written in;
- a row is alive by its own causal length as well (odd: alive; ``merge``);
- among the alive rows the one with the smallest id is kept (``merge._same_fact``).

``settle`` applies the rule to the facts whose rows a merge created or deleted; only the records
the importer accepted count (none quarantined or waiting). A local write cannot break it: the
change set that creates or deletes a row of such a table is stamped after every record of the
table this laptop holds (``capture.seal``), and the table's unique key lets a laptop create a
row of a fact only when it holds none.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from . import held, log
from .change import row_id
from .tables import SAME_FACT, TableShape

#: An existence record's place in time: (clock, device, number).
Moment = tuple[int, str, int]


@dataclass
class _Row:
    """What the log says of one row's existence."""

    fact: tuple[object, ...] | None = None
    life: tuple[int, int, str] = (0, 0, "")  # the winning existence record: (cl, clock, device)
    born: Moment = (0, "", 0)  # when that record was written
    deleted: Moment | None = None  # its latest deletion

    @property
    def alive(self) -> bool:
        return self.life[0] % 2 == 1


#: Above this many rows a merge touches, the log and the table are read whole, once.
BULK = 512


def settle(
    conn: sqlite3.Connection,
    table: TableShape,
    touched: set[str],
    skip: set[str],
    gone: set[str] | None = None,
) -> set[str]:
    """Make ``table`` hold, for the fact of each ``touched`` row, the row the rule keeps; return
    the rows to rebuild from the change log (kept by the rule, not held here). Rows in ``skip``
    (the database refused them in this merge) do not count.

    Args:
        table: the table's shape.
        touched: the row keys this merge touched.
        skip: the row keys the database refused in this merge.
        gone: where to add the keys of the rows removed here (their clocks must then say
            deleted: ``capture.said_gone``).

    Returns:
        The keys of the rows the rule keeps that this table does not hold: the caller rebuilds them
        from the change log. Empty when every fact's kept row is held.
    """
    cols = SAME_FACT[table.name]
    if len(touched) > BULK:  # a first import: one pass over the log
        rows = _rows(conn, log.existences(conn, table.name, cols), skip)
        wanted = _facts_of(rows, touched)
    else:  # the facts of these rows, then every row of those facts
        mine = _rows(conn, log.existences(conn, table.name, cols, rows=touched), skip)
        wanted = _facts_of(mine, touched)
        if not wanted:
            return set()
        rows = _rows(conn, log.existences(conn, table.name, cols, facts=wanted), skip)
    facts: dict[tuple[object, ...], list[str]] = {}
    for pk, row in rows.items():
        if row.fact in wanted:
            facts.setdefault(row.fact, []).append(pk)
    present = _present(conn, table, wanted)
    delete = f"DELETE FROM {table.name} WHERE {table.key_match}"
    revive: set[str] = set()
    for fact in sorted(wanted, key=repr):
        pks = facts.get(fact, [])
        held_here = present.get(fact, [])
        if any(pk not in rows for pk in held_here):
            continue  # a row the log does not know (made before it was kept): left as it is
        keep = _kept([rows[pk] for pk in pks], pks)
        for pk in held_here:
            if pk != keep:
                conn.execute(delete, [pk] * len(table.key))
                if gone is not None:
                    gone.add(pk)
        if keep is not None and keep not in held_here:
            revive.add(keep)
    return revive


def _facts_of(rows: dict[str, _Row], touched: set[str]) -> set[tuple[object, ...]]:
    return {row.fact for pk, row in rows.items() if pk in touched and row.fact is not None}


def _present(
    conn: sqlite3.Connection, table: TableShape, wanted: set[tuple[object, ...]]
) -> dict[tuple[object, ...], list[str]]:
    """The keys of the rows ``table`` holds of these facts."""
    cols = SAME_FACT[table.name]
    select = f"SELECT {', '.join(cols)}, {table.key_json('t')} FROM {table.name} t"
    found: dict[tuple[object, ...], list[str]] = {}
    if len(wanted) > BULK:
        rows = conn.execute(select).fetchall()
    else:
        match = " AND ".join(f"{c} = ?" for c in cols)
        rows = [r for fact in wanted for r in conn.execute(f"{select} WHERE {match}", fact)]
    for row in rows:
        fact = tuple(row[: len(cols)])
        if fact in wanted:
            found.setdefault(fact, []).append(str(row[len(cols)]))
    return found


def _kept(rows: list[_Row], pks: list[str]) -> str | None:
    """The row of one fact the table holds: the alive row with the smallest id created after
    the fact's latest deletion (None: no row)."""
    deletions = [row.deleted for row in rows if row.deleted is not None]
    latest = max(deletions) if deletions else None
    alive = [
        pk
        for pk, row in zip(pks, rows, strict=True)
        if row.alive and (latest is None or row.born > latest)
    ]
    return min(alive, key=row_id) if alive else None


def _rows(conn: sqlite3.Connection, found: list[log.Existence], skip: set[str]) -> dict[str, _Row]:
    """Per row of these existence records (accepted ones only, none of ``skip``): its fact,
    its winning existence record and its latest deletion."""
    records = [r for r in found if r.pk not in skip]
    aside = held.states(conn, [(r.origin, r.seq) for r in records])
    rows: dict[str, _Row] = {}
    for record in records:
        if aside and (record.origin, record.seq) in aside:
            continue
        row = rows.get(record.pk)
        if row is None:
            row = rows[record.pk] = _Row()
        moment = (record.hlc, record.origin, record.seq)
        if record.cl % 2 == 0:
            row.deleted = moment if row.deleted is None else max(row.deleted, moment)
        elif row.fact is None and record.values is not None:
            row.fact = record.values
        life = (record.cl, record.hlc, record.origin)
        if life > row.life:
            row.life, row.born = life, moment
    return rows
