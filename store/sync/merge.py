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
officer deployed on the same activity from two laptops — keeps one row everywhere: none made
before the fact's latest deletion, then the smaller id (``facts``).

``merge`` runs inside the import's transaction (``Store.merging``: its writes pass the R1
triggers, so an activity left below its level is flagged by the derived
``activity_view.replan_reason``, never a reason to abort; they are not captured again as this
laptop's changes) with foreign keys off (a row may refer to one another device deleted;
``foreign_key_check`` reports those as orphans).

Records arrive as runs (``change.Run``), with a mask where only some of a run's records were
accepted. The decisions keep which record won each field, not its value: values are decoded
from their run as the statements run, one row at a time, so a merge of a million records never
holds a million values.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..db import integrity_errors
from . import clashes, conflicts, facts
from .capture import said_gone, set_clocks
from .change import EXISTENCE, Change, Run, key_of, row_id
from .notice import Notice
from .tables import SAME_FACT, TableShape, shapes

Stamp = tuple[int, int, str]  # (cl, hlc, origin)
#: A run and which of its records were accepted (None: all).
Accepted = tuple[Run, tuple[bool, ...] | None]
#: The record that won a field: its run and its place in the run.
Source = tuple[Run, int]


@dataclass
class Outcome:
    """What a merge did, per table, and the records whose row the database refused."""

    applied: Counter[str] = field(default_factory=Counter)
    refused: list[tuple[Change, str]] = field(default_factory=list)
    #: Rows to rebuild from the change log (``rebuild.rows``): the row of a fact the rule
    #: keeps (``facts``) that this laptop does not hold (``_the_same_fact``).
    revive: set[tuple[str, str]] = field(default_factory=set)
    clashes: list[Notice] = field(default_factory=list)  # unique names settled, as facts


def merge(conn: sqlite3.Connection, accepted: Iterable[Accepted]) -> Outcome:
    """Apply accepted records; their rows' critical-field conflicts are rebuilt.

    Args:
        accepted: runs with, per record, whether it was accepted (None: all).

    Returns:
        What the merge did, per table, with the records the database refused.

    Raises:
        clashes.Unsettled: the database refused to settle a clash of names (the caller's
            transaction is rolled back).
    """
    outcome = Outcome()
    table_shapes = shapes(conn)
    rows: dict[tuple[str, str], list[Accepted]] = defaultdict(list)
    malformed: set[tuple[str, str]] = set()  # only a laptop's own forged records get here
    for item in accepted:
        run, mask = item
        table = table_shapes.get(run.tbl)
        unknown = [i for i in _unknown(table, run.cols) if mask is None or mask[i]]
        if unknown:
            records = run.changes()
            for i in unknown:
                outcome.refused.append((records[i], f"unknown field {run.tbl}.{run.cols[i]}"))
            keep = set(range(len(run.cols))) - set(unknown)
            mask = tuple(i in keep and (mask is None or mask[i]) for i in range(len(run.cols)))
            if not any(mask):
                continue
            item = (run, mask)
        assert table is not None
        if run.row not in rows and run.row not in malformed and not table.is_key(run.pk):
            malformed.add(run.row)
        if run.row in malformed:
            records = run.changes()
            outcome.refused += [
                (records[i], "a malformed row key")
                for i in range(len(run.cols))
                if mask is None or mask[i]
            ]
        else:
            rows[run.row].append(item)  # the caller's pair, not a copy of it
    clocks = _local_clocks(conn, list(rows))
    plan = _Plan()
    for key, group in rows.items():
        _decide(table_shapes[key[0]], key, group, clocks.get(key, {}), plan)
    refused = plan.execute(conn, table_shapes)
    if "staff" in table_shapes:
        plan.clashes["staff"] |= clashes.bound_elsewhere(conn)
    claims = [row_id(pk) for tbl, pk in rows if tbl == "name_claim" and (tbl, pk) not in refused]
    for tbl, group in clashes.claimed_groups(conn, claims):  # the admin laptop's witness
        plan.clashes[tbl].add(group)
    for tbl, groups in sorted(plan.clashes.items()):
        outcome.clashes += settle(conn, tbl, groups)
    set_clocks(conn, _stamps(plan, refused))
    gone = plan.gone
    del plan, clocks  # the winners and the stamps held before: let go before the conflicts
    for key, group in rows.items():
        if key in refused:
            for run, mask in group:
                records = run.changes()
                outcome.refused += [
                    (records[i], refused[key])
                    for i in range(len(run.cols))
                    if mask is None or mask[i]
                ]
        else:
            outcome.applied[key[0]] += sum(
                len(run.cols) if mask is None else sum(mask) for run, mask in group
            )
    conflicts.refresh(
        conn, conflicts.fields_of_runs(a for k, g in rows.items() if k not in refused for a in g)
    )
    outcome.revive = _the_same_fact(conn, table_shapes, rows, refused, gone)
    for tbl, pks in sorted(gone.items()):
        said_gone(conn, table_shapes[tbl], pks)
    return outcome


def _the_same_fact(
    conn: sqlite3.Connection,
    table_shapes: dict[str, TableShape],
    rows: dict[tuple[str, str], list[Accepted]],
    refused: dict[tuple[str, str], str],
    gone: dict[str, set[str]],
) -> set[tuple[str, str]]:
    """Settle the facts whose rows this merge created or deleted (``facts``): a row of a fact
    created before the fact's latest deletion goes, the row the rule keeps and this laptop
    does not hold is returned, to be rebuilt from the change log. Only when the merge carries
    existence records of a ``SAME_FACT`` table. The rows the rule removed are added to ``gone``."""
    others: set[tuple[str, str]] = set()
    for tbl in SAME_FACT:
        touched = {
            pk
            for (t, pk), group in rows.items()
            if t == tbl and (t, pk) not in refused and any(_exists(a) for a in group)
        }
        if touched and tbl in table_shapes:
            skip = {pk for t, pk in refused if t == tbl}
            kept = facts.settle(conn, table_shapes[tbl], touched, skip, gone[tbl])
            others |= {(tbl, pk) for pk in kept}
    return others


def _exists(accepted: Accepted) -> bool:
    """Whether an accepted run creates or deletes its row."""
    run, mask = accepted
    return any(c == EXISTENCE and (mask is None or mask[i]) for i, c in enumerate(run.cols))


def _unknown(table: TableShape | None, cols: tuple[str, ...]) -> tuple[int, ...]:
    """Where a run holds fields this database's table does not have (a newer version's)."""
    if table is None:
        return tuple(range(len(cols)))
    key = (table.columns, cols)
    found = _UNKNOWN.get(key)
    if found is None:
        known = set(table.columns)
        found = _remember(
            _UNKNOWN, key, tuple(i for i, c in enumerate(cols) if c != EXISTENCE and c not in known)
        )
    return found


def _stamps(
    plan: _Plan, refused: dict[tuple[str, str], str]
) -> Iterator[tuple[str, str, str, int, int, str]]:
    """The stamp each written field now holds; a field written with its row keeps the row's."""
    for (tbl, pk), winners in plan.winners.items():
        if (tbl, pk) not in refused:
            for col, stamp in _stamps_of(winners):
                yield (tbl, pk, col, *stamp)


def _stamp(run: Run) -> Stamp:
    return (run.cl, run.hlc, run.origin)


def _local_clocks(
    conn: sqlite3.Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Stamp]]:
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS merge_keys (tbl TEXT, pk TEXT, PRIMARY KEY (tbl, pk))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.merge_keys")
    conn.executemany("INSERT INTO temp.merge_keys VALUES (?, ?)", keys)
    devices = dict(conn.execute("SELECT id, device FROM sync_origin"))
    found: dict[tuple[str, str], dict[str, Stamp]] = defaultdict(dict)
    for tbl, pk, col, cl, hlc, origin in conn.execute(
        "SELECT c.tbl, c.pk, c.col, c.cl, c.hlc, c.origin FROM temp.merge_keys k"
        " JOIN sync_clock c ON c.tbl = k.tbl AND c.pk = k.pk"
    ):
        found[(tbl, pk)][col] = (cl, hlc, devices[origin])  # devices compare by their id text
    conn.execute("DELETE FROM temp.merge_keys")
    return found


class _Fields:
    """The record that won each field (its run and place), when they come from several runs."""

    __slots__ = ("won",)

    def __init__(self, won: dict[str, Source]) -> None:
        self.won = won

    def values(self, cols: tuple[str, ...]) -> list[Any]:
        decoded: dict[int, list[object]] = {}
        found = []
        for col in cols:
            run, index = self.won[col]
            values = decoded.get(id(run))
            if values is None:
                values = decoded[id(run)] = run.values()
            found.append(values[index])
        return found

    def stamps(self) -> Iterator[tuple[str, Stamp]]:
        born = self.won.get(EXISTENCE)
        born_stamp = None if born is None else _stamp(born[0])
        for col, (run, _index) in self.won.items():
            stamp = _stamp(run)
            if col == EXISTENCE or born_stamp is None or stamp != born_stamp:
                yield col, stamp


def _stamps_of(winners: Winners) -> Iterator[tuple[str, Stamp]]:
    if isinstance(winners, Run):  # every record of one run won: the fields share its stamp
        return iter([(EXISTENCE, _stamp(winners))])
    return winners.stamps()


def _values_of(winners: Winners, cols: tuple[str, ...]) -> list[Any]:
    if isinstance(winners, Run):
        values = winners.values()
        return [values[i] for i in _places(winners.cols, cols)]
    return winners.values(cols)


def _places(have: tuple[str, ...], cols: tuple[str, ...]) -> tuple[int, ...]:
    """Where each of ``cols`` sits in ``have``."""
    found = _PLACES.get((have, cols))
    if found is None:
        found = _remember(_PLACES, (have, cols), tuple(have.index(c) for c in cols))
    return found


#: The records that won a row's fields: a run (a new row made whole by one change set, nearly
#: every row of a first import), or each field's own.
Winners = _Fields | Run


@dataclass
class _Plan:
    """The row writes a merge decided on, grouped so they run as few statements as possible."""

    inserts: dict[tuple[str, tuple[str, ...]], list[tuple[str, Winners]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[str, Winners]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    deletes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    winners: dict[tuple[str, str], Winners] = field(default_factory=dict)
    #: per table, the unique names two rows were given offline (``clashes``), to settle
    clashes: dict[str, set[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(set))
    #: per table, the keys of the rows the same-fact rule removed or did not insert (``facts``):
    #: their clocks must say deleted, or ``capture.lost_rows`` takes them for rows lost here
    gone: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

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
            width = len(table.key)
            self._run(
                conn,
                tbl,
                sql,
                [(pk, None) for pk in keys],
                lambda pk, _w, width=width: [pk] * width,
                refused,
                None,
                (),
            )
        for (tbl, cols), items in self.inserts.items():
            if not cols:  # an existence record without a single known field: nothing to insert
                refused.update(((tbl, pk), "a row without any of its fields") for pk, _v in items)
                continue
            sql = f"INSERT INTO {tbl} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            self._run(
                conn,
                tbl,
                sql,
                items,
                lambda _pk, w, cols=cols: _values_of(w, cols),
                refused,
                table_shapes[tbl],
                cols,
            )
        for (tbl, cols), items in self.updates.items():
            table = table_shapes[tbl]
            sql = f"UPDATE {tbl} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {table.key_match}"
            width = len(table.key)
            self._run(
                conn,
                tbl,
                sql,
                items,
                lambda pk, w, cols=cols, width=width: [*_values_of(w, cols), *[pk] * width],
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
        items: list[tuple[str, Any]],
        params: Any,
        refused: dict[tuple[str, str], str],
        insert_into: TableShape | None,
        cols: tuple[str, ...],
    ) -> None:
        # A failing executemany keeps the rows before the one refused: undo the batch whole,
        # then find the rows the database refuses one by one (a row left from the batch would
        # be refused for its own name and taken for a clash).
        conn.execute("SAVEPOINT merge_batch")
        try:
            conn.executemany(sql, (params(pk, v) for pk, v in items))
            conn.execute("RELEASE merge_batch")
            return
        except integrity_errors():
            conn.execute("ROLLBACK TO merge_batch")
            conn.execute("RELEASE merge_batch")
        for pk, item in items:
            values = params(pk, item)
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
                elif insert_into is not None and _same_fact(
                    conn, tbl, cols, values, sql, self.gone[tbl]
                ):
                    continue
                elif insert_into is not None and clashes.clash_of(tbl, str(exc)):
                    try:  # under a name of its own for now; ``settle`` decides who keeps it
                        self.clashes[tbl].add(_clash_insert(conn, tbl, cols, values, sql))
                        continue
                    except integrity_errors() as again:
                        exc = again
                refused[(tbl, pk)] = str(exc)


def settle(conn: sqlite3.Connection, table: str, groups: Iterable[tuple[Any, ...]]) -> list[Notice]:
    """``clashes.settle`` inside the import's transaction; a renaming the database refuses
    (no derived name may be: a fault) is raised as ``clashes.Unsettled``, so the bundle is
    refused by name and nothing of it is applied.

    Args:
        table: the table.
        groups: the clash keys to settle.

    Returns:
        What was settled (``clashes.settle``).

    Raises:
        clashes.Unsettled: the database refused to settle a clash.
    """
    try:
        return clashes.settle(conn, table, groups)
    except integrity_errors() as exc:
        raise clashes.Unsettled(table, type(exc).__name__) from exc


def _clash_insert(
    conn: sqlite3.Connection, tbl: str, cols: tuple[str, ...], values: list[Any], insert: str
) -> tuple[Any, ...]:
    """Insert a row whose unique name another row holds, under a placeholder name; return the
    clash group it belongs to (settled once the merge's rows are in)."""
    row = dict(zip(cols, values, strict=True))
    _columns, renamed = clashes.CLASH_KEYS[tbl]
    group = clashes.group_of(tbl, row)
    row[renamed] = clashes.free_name(conn, tbl, str(row[renamed]), str(row["id"]), row)
    conn.execute(insert, [row[c] for c in cols])
    return group


def _same_fact(
    conn: sqlite3.Connection,
    tbl: str,
    cols: tuple[str, ...],
    values: list[Any],
    insert: str,
    gone: set[str],
) -> bool:
    """Two laptops recorded the same fact offline (the same officer deployed on the same
    activity) under different ids: on every device the row with the smaller id stays. The key
    of the row the table does not hold afterwards is added to ``gone``."""
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
        gone.add(key_of(str(existing[0])))
    else:
        gone.add(key_of(str(row["id"])))
    return True


def _newer(a: Stamp, b: Stamp | None) -> bool:
    return b is None or a > b


def _decide(
    table: TableShape,
    key: tuple[str, str],
    group: list[Accepted],
    local: dict[str, Stamp],
    plan: _Plan,
) -> None:
    """Choose each field's winner and the row write that follows from them (``key``: the row,
    (table, primary key), the very tuple the merge groups by: a first import plans a write for
    each of tens of thousands of rows)."""
    pk = key[1]
    if len(group) == 1 and not local:
        run, mask = group[0]
        if (
            mask is None
            and run.cols[0] == EXISTENCE
            and run.cl % 2 == 1
            and len(set(run.cols)) == len(run.cols)
        ):  # a new row, whole: every field wins
            plan.winners[key] = run
            cols = _insert_cols(table, run.cols)
            plan.inserts[(table.name, cols)].append((pk, run))
            return
    local_cl = local[EXISTENCE][0] if EXISTENCE in local else 0
    winners: dict[str, Source] = {}
    best: dict[str, Stamp] = dict(local)
    row_stamp = local.get(EXISTENCE)
    for run, mask in group:
        stamp = _stamp(run)
        for index, col in enumerate(run.cols):
            if (
                col == EXISTENCE
                and (mask is None or mask[index])
                and _newer(stamp, best.get(EXISTENCE))
            ):
                best[EXISTENCE] = stamp
                winners[EXISTENCE] = (run, index)
    new_cl = max(local_cl, best[EXISTENCE][0]) if EXISTENCE in best else local_cl
    for run, mask in group:
        if run.cl < new_cl:
            continue
        stamp = _stamp(run)
        for index, col in enumerate(run.cols):
            if col == EXISTENCE or (mask is not None and not mask[index]):
                continue
            held = best.get(col)
            if row_stamp is not None and (held is None or row_stamp > held):
                held = row_stamp  # a field without its own stamp holds the row's insert stamp
            if _newer(stamp, held):
                best[col] = stamp
                winners[col] = (run, index)
    plan.winners[key] = fields = _Fields(winners)
    alive_before, alive_after = local_cl % 2 == 1, new_cl % 2 == 1
    written = [col for col in winners if col != EXISTENCE]
    if alive_after and not alive_before:
        cols = tuple(c for c in table.columns if c in winners and c != EXISTENCE)
        plan.inserts[(table.name, cols)].append((pk, fields))
    elif alive_after and written:
        cols = tuple(sorted(written))
        plan.updates[(table.name, cols)].append((pk, fields))
    elif alive_before and not alive_after:
        plan.deletes[table.name].append(pk)


def _insert_cols(table: TableShape, have: tuple[str, ...]) -> tuple[str, ...]:
    """The table's columns a run writes, in the table's order."""
    key = (table.columns, have)
    found = _COLUMNS.get(key)
    if found is None:
        found = _remember(_COLUMNS, key, tuple(c for c in table.columns if c in have))
    return found


#: Column orders worked out once: few distinct ones (the shapes of the tables' rows).
_COLUMNS: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}
_PLACES: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, ...]] = {}
_UNKNOWN: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, ...]] = {}


def _remember(cache: dict[Any, Any], key: Any, found: Any) -> Any:
    if len(cache) > 10_000:  # many shapes: only hostile records make them
        cache.clear()
    cache[key] = found
    return found
