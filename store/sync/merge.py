"""Applying accepted change records to the tables, by kind of record (SYNC.md).

- Existence: the row's causal length (odd alive, even deleted); the larger wins.
- Fields: last writer wins per field, ordered by (causal length, HLC, origin device). Records of
  an older life of the row (a smaller causal length) are history, not applied.
- Events are rows that are only ever inserted, so they merge as a union and never conflict.
- Critical fields additionally have their conflicts rebuilt from the log (``conflicts``).

Only records the importer's judge accepted reach ``merge`` (``judge``: the rule table, the
authors' roles, unknown tables and columns, clocks far ahead). A row the database still refuses
(two laptops creating the same code name offline) is reported back, and its records are
deferred by the caller, never dropped. The one clash that is the same fact twice — the same
officer deployed on the same activity from two laptops — keeps the row with the smaller id
everywhere.

``merge`` runs inside the import's transaction (``Store.merging``: its writes pass the R1
triggers, so an activity left below its level is flagged by the derived
``activity_view.replan_reason``, never a reason to abort; they are not captured again as this
laptop's changes) with foreign keys off (a row may refer to one another device deleted;
``foreign_key_check`` reports those as orphans).
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..db import integrity_errors
from . import clashes, conflicts
from .capture import set_clocks
from .change import EXISTENCE, Change
from .tables import TableShape, shapes

Stamp = tuple[int, int, str]  # (cl, hlc, origin)

#: Tables where another unique key than the id means "the same fact"; see ``_same_fact``.
SAME_FACT = {"deployment": ("activity_id", "staff_id")}


@dataclass
class Outcome:
    """What a merge did, per table, and the records whose row the database refused."""

    applied: Counter[str] = field(default_factory=Counter)
    refused: list[tuple[Change, str]] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)  # unique names settled, in words


def merge(conn: sqlite3.Connection, records: list[Change]) -> Outcome:
    """Apply accepted records; their rows' critical-field conflicts are rebuilt."""
    outcome = Outcome()
    table_shapes = shapes(conn)
    rows: dict[tuple[str, str], list[Change]] = defaultdict(list)
    malformed: set[tuple[str, str]] = set()  # only a laptop's own forged records get here
    for record in records:
        table = table_shapes.get(record.tbl)
        if table is None or (record.col != EXISTENCE and record.col not in table.columns):
            outcome.refused.append((record, f"unknown field {record.tbl}.{record.col}"))
            continue
        if record.row not in rows and not table.is_key(record.pk):
            malformed.add(record.row)
        if record.row in malformed:
            outcome.refused.append((record, "a malformed row key"))
        else:
            rows[record.row].append(record)
    clocks = _local_clocks(conn, list(rows))
    plan = _Plan()
    for (tbl, pk), group in rows.items():
        _decide(table_shapes[tbl], pk, group, clocks.get((tbl, pk), {}), plan)
    refused = plan.execute(conn, table_shapes)
    for tbl, groups in sorted(plan.clashes.items()):
        outcome.clashes += clashes.settle(conn, tbl, groups)
    set_clocks(conn, _stamps(plan, refused))
    for key, group in rows.items():
        if key in refused:
            outcome.refused.extend((record, refused[key]) for record in group)
        else:
            outcome.applied[key[0]] += len(group)
    conflicts.refresh(
        conn, conflicts.fields_of(r for k, g in rows.items() if k not in refused for r in g)
    )
    _bring_back_the_same_fact(conn, plan)
    return outcome


def _bring_back_the_same_fact(conn: sqlite3.Connection, plan: _Plan) -> None:
    """A row deleted here may have stood for a fact another row also recorded (the same
    officer on the same activity, recorded by two laptops: the other row was dropped as the
    same fact). That other row is rebuilt from the change log, so every laptop ends with the
    facts whose rows are alive, whatever the order the deletion and the rows arrived in. One
    pass over the log's records of the table, only when a merge deletes such rows."""
    from . import rebuild  # rebuild merges again

    others: set[tuple[str, str]] = set()
    for tbl, deleted in plan.deletes.items():
        fact = SAME_FACT.get(tbl)
        if fact is None or not deleted:
            continue
        values: dict[str, dict[str, object]] = defaultdict(dict)
        for pk, col, val in conn.execute(
            f"SELECT pk, col, val FROM sync_change WHERE tbl = ? AND col IN"
            f" ({', '.join('?' * len(fact))})",
            (tbl, *fact),
        ):
            values[pk][col] = val
        facts = {pk: tuple(v[c] for c in fact) for pk, v in values.items() if len(v) == len(fact)}
        gone = {facts[pk] for pk in deleted if pk in facts}
        shape = shapes(conn)[tbl]
        for pk, key in facts.items():
            if key in gone and pk not in deleted:
                present = conn.execute(
                    f"SELECT 1 FROM {tbl} WHERE {shape.key_match}", [pk] * len(shape.key)
                ).fetchone()
                if present is None:
                    others.add((tbl, pk))
    if others:
        rebuild.rows(conn, others)


def _stamps(
    plan: _Plan, refused: dict[tuple[str, str], str]
) -> list[tuple[str, str, str, int, int, str]]:
    """The stamp each written field now holds; a field written with its row keeps the row's."""
    stamps = []
    for (tbl, pk), winners in plan.winners.items():
        if (tbl, pk) in refused:
            continue
        born = winners.get(EXISTENCE)
        for col, record in winners.items():
            if col != EXISTENCE and born is not None and record.stamp == born.stamp:
                continue
            stamps.append((tbl, pk, col, record.cl, record.hlc, record.origin))
    return stamps


def _local_clocks(
    conn: sqlite3.Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Stamp]]:
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS merge_keys (tbl TEXT, pk TEXT, PRIMARY KEY (tbl, pk))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.merge_keys")
    conn.executemany("INSERT INTO temp.merge_keys VALUES (?, ?)", keys)
    found: dict[tuple[str, str], dict[str, Stamp]] = defaultdict(dict)
    for tbl, pk, col, cl, hlc, origin in conn.execute(
        "SELECT c.tbl, c.pk, c.col, c.cl, c.hlc, c.origin FROM temp.merge_keys k"
        " JOIN sync_clock c ON c.tbl = k.tbl AND c.pk = k.pk"
    ):
        found[(tbl, pk)][col] = (cl, hlc, origin)
    conn.execute("DELETE FROM temp.merge_keys")
    return found


@dataclass
class _Plan:
    """The row writes a merge decided on, grouped so they run as few statements as possible."""

    inserts: dict[tuple[str, tuple[str, ...]], list[tuple[str, list[Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[str, list[Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    deletes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    winners: dict[tuple[str, str], dict[str, Change]] = field(default_factory=dict)
    clashes: dict[str, set[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(set))

    def execute(
        self, conn: sqlite3.Connection, table_shapes: dict[str, TableShape]
    ) -> dict[tuple[str, str], str]:
        """Run the writes; return the rows the database refused, with its reason. Deletions
        first: a row deleted in this merge must not block a new row with the same unique key
        (an officer taken off an activity and deployed on it again: ``_same_fact`` would
        otherwise keep the deleted row's id and drop the new one)."""
        refused: dict[tuple[str, str], str] = {}
        for tbl, keys in self.deletes.items():
            table = table_shapes[tbl]
            sql = f"DELETE FROM {tbl} WHERE {table.key_match}"
            self._run(
                conn, tbl, sql, [(pk, [pk] * len(table.key)) for pk in keys], refused, None, ()
            )
        for (tbl, cols), items in self.inserts.items():
            if not cols:  # an existence record without a single known field: nothing to insert
                refused.update(((tbl, pk), "a row without any of its fields") for pk, _v in items)
                continue
            sql = f"INSERT INTO {tbl} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            self._run(conn, tbl, sql, items, refused, table_shapes[tbl], cols)
        for (tbl, cols), items in self.updates.items():
            table = table_shapes[tbl]
            sql = f"UPDATE {tbl} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {table.key_match}"
            self._run(
                conn,
                tbl,
                sql,
                [(pk, [*v, *[pk] * len(table.key)]) for pk, v in items],
                refused,
                None,
                cols,
            )
        return refused

    def _run(
        self,
        conn: sqlite3.Connection,
        tbl: str,
        sql: str,
        items: list[tuple[str, list[Any]]],
        refused: dict[tuple[str, str], str],
        insert_into: TableShape | None,
        cols: tuple[str, ...],
    ) -> None:
        try:
            conn.executemany(sql, [values for _pk, values in items])
            return
        except integrity_errors():
            pass  # the statement undid itself; find the rows the database refuses, one by one
        for pk, values in items:
            try:
                conn.execute(sql, values)
            except integrity_errors() as exc:
                if (
                    insert_into is not None
                    and "UNIQUE constraint failed" in str(exc)
                    and all(f"{tbl}.{k}" in str(exc) for k in insert_into.key)
                ):
                    # The row is there already (made before its existence was logged): update.
                    update = (
                        f"UPDATE {tbl} SET {', '.join(f'{c} = ?' for c in cols)}"
                        f" WHERE {insert_into.key_match}"
                    )
                    try:
                        conn.execute(update, [*values, *[pk] * len(insert_into.key)])
                        continue
                    except integrity_errors() as again:
                        exc = again
                elif insert_into is not None and _same_fact(conn, tbl, cols, values, sql):
                    continue
                elif insert_into is not None and clashes.clash_of(tbl, str(exc)):
                    try:  # under a name of its own for now; ``settle`` decides who keeps it
                        self.clashes[tbl].add(_clash_insert(conn, tbl, cols, values, sql))
                        continue
                    except integrity_errors() as again:
                        exc = again
                refused[(tbl, pk)] = str(exc)


def _clash_insert(
    conn: sqlite3.Connection, tbl: str, cols: tuple[str, ...], values: list[Any], insert: str
) -> tuple[Any, ...]:
    """Insert a row whose unique name another row holds, under a placeholder name; return the
    clash group it belongs to (settled once the merge's rows are in)."""
    row = dict(zip(cols, values, strict=True))
    _columns, renamed = clashes.CLASH_KEYS[tbl]
    group = clashes.group_of(tbl, row)
    row[renamed] = clashes.derived(renamed, str(row[renamed]), str(row["id"]), 12)
    conn.execute(insert, [row[c] for c in cols])
    return group


def _same_fact(
    conn: sqlite3.Connection, tbl: str, cols: tuple[str, ...], values: list[Any], insert: str
) -> bool:
    """Two laptops recorded the same fact offline (the same officer deployed on the same
    activity) under different ids: on every device the row with the smaller id stays."""
    fact = SAME_FACT.get(tbl)
    if fact is None or not set(fact) <= set(cols):
        return False
    row = dict(zip(cols, values, strict=True))
    match = " AND ".join(f"{c} = ?" for c in fact)
    existing = conn.execute(
        f"SELECT id FROM {tbl} WHERE {match}", [row[c] for c in fact]
    ).fetchone()
    if existing is None:
        return False
    if row["id"] < existing[0]:
        conn.execute(f"DELETE FROM {tbl} WHERE id = ?", (existing[0],))
        conn.execute(insert, values)
    return True


def _newer(a: Stamp, b: Stamp | None) -> bool:
    return b is None or a > b


def _decide(
    table: TableShape, pk: str, group: list[Change], local: dict[str, Stamp], plan: _Plan
) -> None:
    """Choose each field's winner and the row write that follows from them."""
    local_cl = local[EXISTENCE][0] if EXISTENCE in local else 0
    winners: dict[str, Change] = {}
    best: dict[str, Stamp] = dict(local)
    row_stamp = local.get(EXISTENCE)
    for record in group:
        if record.col == EXISTENCE and _newer(record.stamp, best.get(EXISTENCE)):
            best[EXISTENCE] = record.stamp
            winners[EXISTENCE] = record
    new_cl = max(local_cl, best[EXISTENCE][0]) if EXISTENCE in best else local_cl
    for record in group:
        if record.col == EXISTENCE or record.cl < new_cl:
            continue
        held = best.get(record.col)
        if row_stamp is not None and (held is None or row_stamp > held):
            held = row_stamp  # a field without its own stamp holds the row's insert stamp
        if _newer(record.stamp, held):
            best[record.col] = record.stamp
            winners[record.col] = record
    plan.winners[(table.name, pk)] = winners
    alive_before, alive_after = local_cl % 2 == 1, new_cl % 2 == 1
    values = {col: r.val for col, r in winners.items() if col != EXISTENCE}
    if alive_after and not alive_before:
        cols = tuple(c for c in table.columns if c in values)
        plan.inserts[(table.name, cols)].append((pk, [values[c] for c in cols]))
    elif alive_after and values:
        cols = tuple(sorted(values))
        plan.updates[(table.name, cols)].append((pk, [values[c] for c in cols]))
    elif alive_before and not alive_after:
        plan.deletes[table.name].append(pk)
