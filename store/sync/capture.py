"""Capturing changes: triggers → pending rows → sealed, per-field change records.

Triggers on every synced table note each insert, update and delete in ``sync_pending``, so a
write from any connection (console, CLI, a script) is captured. They have no switch: a sync
import's own writes are captured too and discarded at the end of its transaction
(``Store.merging``), so nothing outside the import can turn capture off.

``seal`` turns pending rows into change records inside the caller's write transaction: one
record per changed field with the field's current value, a hybrid logical clock (``hlc``:
milliseconds << 16 plus a counter, persisted in ``meta``, never going backwards) and this
device's next sequence numbers (1, 2, 3, … no gaps). Existence is the field ``''`` carrying the
row's causal length (odd alive, even deleted). Critical fields also record ``prev``: the
records of that field the writer had seen, so later devices can tell concurrent writes apart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from ..clock import epoch_ms, from_epoch_ms
from ..errors import IntegrityFailure
from ..validate import visible
from . import change, clashes, conflicts, log, restored
from .change import COUNTER_BITS as COUNTER_BITS
from .change import Change, Run, encode_values, normal_prevs, readable_changes
from .change import hlc_wall_ms as hlc_wall_ms
from .tables import EXISTENCE, SAME_FACT, TableShape, shapes

TRIGGER_PREFIX = "sync_capture_"
HLC_KEY = "sync_hlc"
DAY_MS = 86_400_000
#: The schema version that brought sync; older databases get a baseline capture.
SYNC_SCHEMA = 3

# Triggers ------------------------------------------------------------------------------------


def trigger_statements(table: TableShape) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER …) for the table's insert, update and delete capture.

    Args:
        table: the table's shape as this database has it.

    Returns:
        (name, SQL) per trigger.
    """
    changed = (
        "json_array("
        + ", ".join(f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c}' END" for c in table.synced)
        + ")"
    )
    statements = []
    for op, row, cols in (
        ("insert", "NEW", "NULL"),
        ("update", "NEW", changed),
        ("delete", "OLD", "NULL"),
    ):
        name = f"{TRIGGER_PREFIX}{op}_{table.name}"
        statements.append(
            (
                name,
                f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table.name} BEGIN"
                f" INSERT INTO sync_pending (tbl, pk, op, cols) VALUES ('{table.name}',"
                f" {table.key_json(row)}, '{op}', {cols}); END",
            )
        )
    return statements


def expected_triggers(conn: sqlite3.Connection) -> set[str]:
    """The names of the change-capture triggers this version makes for the synced tables present.

    Returns:
        Trigger names, each beginning with ``TRIGGER_PREFIX``.
    """
    return {name for t in shapes(conn).values() for name, _ in trigger_statements(t)}


def missing_triggers(conn: sqlite3.Connection) -> set[str]:
    """The change-capture triggers this version makes that the database lacks (a gap in what
    is captured, and so in what is sent).

    Returns:
        The names missing; empty when capture is whole.
    """
    present = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (TRIGGER_PREFIX + "%",),
        )
    }
    return expected_triggers(conn) - present


def install_triggers(conn: sqlite3.Connection, *, baseline: bool) -> None:
    """(Re-)create every capture trigger; inside the caller's transaction.

    ``baseline`` queues every existing row as inserted: for a database that existed before
    sync, so its rows reach the other laptops too.

    Args:
        baseline: queue every existing row as inserted.
    """
    for row in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",),
    ).fetchall():
        conn.execute(f"DROP TRIGGER {row[0]}")
    for table in shapes(conn).values():
        for _name, sql in trigger_statements(table):
            conn.execute(sql)
        if baseline:
            conn.execute(
                f"INSERT INTO sync_pending (tbl, pk, op) SELECT '{table.name}',"
                f" {table.key_json(table.name)}, 'insert' FROM {table.name}"
            )
    if baseline:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING",
            (BASELINE_KEY,),
        )


def missing_refusal(missing: set[str], path: str) -> IntegrityFailure:
    """The refusal to open a database whose capture triggers are missing.

    Args:
        missing: the names of the triggers missing.
        path: the database file, for the message.

    Returns:
        The ``IntegrityFailure`` to raise.
    """
    return IntegrityFailure(
        code="capture_missing", path=path, count=len(missing), first=sorted(missing)[0]
    )


def _logged(conn: sqlite3.Connection, table: str) -> dict[tuple[str, str], tuple[Any, object]]:
    """(row key, field) → (stamp, value) of the newest record the change log holds of each
    field of ``table`` (existence is the field ``''``)."""
    logged: dict[tuple[str, str], tuple[Any, object]] = {}
    for record in readable_changes(log.of_table(conn, table)):
        stamp = record.stamp
        key = (record.pk, record.col)
        if key not in logged or stamp > logged[key][0]:
            logged[key] = (stamp, record.val)
    return logged


def lost_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows this laptop's captured state (``sync_clock``: the existence of every row it holds,
    as sealed or merged here) says a synced table holds that it does not hold: lost locally (a
    table dropped and made again, rows deleted by a raw tool while capture was missing), never
    deleted by an action of the store (it does not open without its capture triggers, so each
    deletion it makes is sealed, and its clock says deleted). Records the change log keeps but
    this laptop never applied (quarantined, deferred, taken back) have no live clock here.
    ``db repair`` refuses such a database: it must never send rows lost here to the team as
    deleted (issue 13, rev13s F2). Reads only.

    Returns:
        Table name → how many of its rows are lost; empty when every table holds what its
        captured state says.
    """
    lost: dict[str, int] = {}
    valid = "CASE WHEN json_valid(c.pk) THEN c.pk END"  # a key no Schildwacht wrote: no row
    for table in shapes(conn).values():
        if not table.key:
            continue  # a table made again without our key: ``integrity.rebuild_tables`` refuses
        held = " AND ".join(
            f"t.{c} = json_extract({valid}, '$[{i}]')" for i, c in enumerate(table.key)
        )
        (missing,) = conn.execute(
            "SELECT count(*) FROM main.sync_clock c WHERE c.tbl = ? AND c.col = ''"
            f" AND c.cl % 2 = 1 AND json_type({valid}) = 'array'"
            f" AND json_array_length({valid}) = ?"
            f" AND NOT EXISTS (SELECT 1 FROM main.{table.name} t WHERE {held})",
            (table.name, len(table.key)),
        ).fetchone()
        if missing:
            lost[table.name] = int(missing)
    return lost


def said_gone(conn: sqlite3.Connection, table: TableShape, pks: Iterable[str]) -> None:
    """Make the clocks of these rows say deleted where the table does not hold them: a row a
    merge removed, or never inserted, by the same-fact rule (``facts``), as an audited deletion's
    clock does, so ``lost_rows`` does not take it for a row lost here (issue 13, rev13t). The
    causal length goes one up (even: deleted); a later record of the row with that length or
    less cannot bring it back, and a rebuild of the row (``rebuild``) starts without its clocks.

    Args:
        table: the row's table.
        pks: the row keys (JSON text); a row the table holds is left as it is.
    """
    conn.executemany(
        "UPDATE sync_clock SET cl = cl + 1 WHERE tbl = ? AND pk = ? AND col = '' AND cl % 2 = 1"
        f" AND NOT EXISTS (SELECT 1 FROM main.{table.name} WHERE {table.key_match})",
        [(table.name, pk, *[pk] * len(table.key)) for pk in sorted(pks) if table.is_key(pk)],
    )


def queue_drift(conn: sqlite3.Connection) -> int:
    """Queue every row and field written while the triggers were missing (rows the table holds
    that the change log does not, fields whose value differs from the log's); return how many
    were queued. Used by ``db repair`` after re-installing the triggers, inside its
    transaction. Rows the log holds that the table lacks are never queued as deleted: they were
    lost here, and ``db repair`` refuses before this (``lost_rows``).

    Returns:
        How many rows (inserts, updates of fields) were queued in ``sync_pending``; 0 when the
        tables match the log.
    """
    queued = 0
    for table in shapes(conn).values():
        logged = _logged(conn, table.name)
        cursor = conn.execute(f"SELECT {table.key_json(table.name)}, * FROM {table.name}")
        names = [d[0] for d in cursor.description][1:]
        for row in cursor.fetchall():
            pk, values = row[0], dict(zip(names, row[1:], strict=True))
            existence = logged.get((pk, EXISTENCE))
            if existence is None or existence[0][0] % 2 == 0:
                _queue(conn, table.name, pk, "insert", None)
                queued += 1
                continue
            drifted = [
                c
                for c in table.synced
                if ((pk, c) not in logged or logged[(pk, c)][1] != values[c])
                and not _clash_name(table.name, c, logged.get((pk, c)), values)
            ]
            if drifted:
                _queue(conn, table.name, pk, "touch", json.dumps(drifted))
                queued += 1
    return queued


def _clash_name(
    table: str, col: str, logged: tuple[object, object] | None, values: dict[str, object]
) -> bool:
    """Whether a field differs from its log only because a clash gave the row a derived name
    (``clashes``): that is how every laptop holds it, not a change made here."""
    renamed = clashes.CLASH_KEYS.get(table, ((), ""))[1]
    return (
        col == renamed
        and logged is not None
        and clashes.is_derived(col, logged[1], str(values.get("id")), values[col])
    )


def _queue(conn: sqlite3.Connection, table: str, pk: str, op: str, cols: str | None) -> None:
    conn.execute(
        "INSERT INTO sync_pending (tbl, pk, op, cols) VALUES (?, ?, ?, ?)", (table, pk, op, cols)
    )


# The hybrid logical clock ----------------------------------------------------------------------


def read_hlc(conn: sqlite3.Connection) -> int:
    """The last stamp this device issued or trusted (0 before the first).

    Returns:
        The hybrid logical clock stamp kept in ``meta`` (an integer), or 0.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HLC_KEY,)).fetchone()
    return int(row[0]) if row else 0


def next_hlc(conn: sqlite3.Connection, now: datetime) -> int:
    """A stamp later than every stamp this device issued or trusted, and not behind the wall.

    Args:
        now: the wall clock, aware UTC.

    Returns:
        The stamp (a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by
            ``COUNTER_BITS``, plus a counter.), also stored as the last one issued.
    """
    stamp = max(read_hlc(conn) + 1, epoch_ms(now) << COUNTER_BITS)
    write_hlc(conn, stamp)
    return stamp


def observe_hlc(conn: sqlite3.Connection, seen: int, now: datetime) -> None:
    """Move the clock past a received stamp, unless that stamp is more than a day ahead.

    Args:
        seen: the received stamp.
        now: the wall clock, aware UTC.
    """
    if hlc_wall_ms(seen) <= epoch_ms(now) + DAY_MS and seen > read_hlc(conn):
        write_hlc(conn, seen)


def write_hlc(conn: sqlite3.Connection, stamp: int) -> None:
    """Store ``stamp`` as the last stamp issued or trusted (callers only move it forward).

    Args:
        stamp: the stamp (a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by
            ``COUNTER_BITS``, plus a counter.).
    """
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HLC_KEY, str(stamp)),
    )


def last_seq(conn: sqlite3.Connection, origin: str) -> int:
    """The highest sequence number of ``origin``'s changes held here (0 for none).

    Args:
        origin: a device id.

    Returns:
        The highest sequence number held, or 0.
    """
    return log.last_seq(conn, origin)


# Sealing ---------------------------------------------------------------------------------------


@dataclass
class _Touched:
    """What happened to one row in this write: the operations and the fields updated."""

    ops: set[str] = field(default_factory=set)
    cols: set[str] = field(default_factory=set)


#: A change record as stored and carried (the older name of ``Change``).
Record = Change


def seal(conn: sqlite3.Connection, origin: str, actor: str, now: datetime) -> int:
    """Seal pending rows into change records; return how many records were written. Raise
    ``IntegrityFailure`` (nothing written) when a queued row is not one Schildwacht wrote.

    Args:
        origin: this device's id.
        actor: who made the changes (a callsign, or ``system``).
        now: the wall clock, aware UTC.

    Returns:
        How many change records were written.

    Raises:
        IntegrityFailure: a queued row no trigger wrote; nothing written.
    """
    malformed = malformed_pending(conn)
    if malformed:
        raise malformed_refusal(malformed)
    touched = _pending(conn)
    if not touched:
        return 0
    if _witnessed(conn, origin, epoch_ms(now), touched):  # the admin laptop's name claims join in
        touched = _pending(conn)
    table_shapes = shapes(conn)
    _after_the_facts(conn, touched)
    number = restored.next_after(conn, last_seq(conn, origin))  # after the team's copy
    writer = _Writer(origin, next_hlc(conn, now), actor, number)
    for tbl in sorted(touched):
        _seal_table(conn, table_shapes[tbl], touched[tbl], writer)
    conn.execute("DELETE FROM sync_pending")
    log.store(conn, writer.runs)
    set_clocks(conn, writer.stamps())
    conflicts.refresh(conn, writer.revisited)
    return writer.seq - writer.first


def _witnessed(
    conn: sqlite3.Connection, origin: str, now_ms: int, touched: dict[str, dict[str, _Touched]]
) -> int:
    """On the team's admin laptop, claim the unique names of the rows this write creates
    (``clashes.witness``): the claims are sealed with them. How many were written."""
    created = {
        tbl: {change.row_id(pk) for pk, row in rows.items() if "insert" in row.ops}
        for tbl, rows in touched.items()
        if tbl in clashes.CLASH_KEYS
    }
    if not any(created.values()):
        return 0
    now = from_epoch_ms(now_ms)
    return clashes.witness(conn, origin, now, created)


def _after_the_facts(conn: sqlite3.Connection, touched: dict[str, dict[str, _Touched]]) -> None:
    """A write that creates or deletes a row of a ``SAME_FACT`` table is stamped after every
    record of that table this laptop holds (its clock moves past them), so the rule of
    ``facts`` keeps here what this laptop now holds: a deletion wins over every row of the fact
    it knows, a new row stands. A record applied late (it waited for its author, or was dated
    ahead) may be later than the clock otherwise."""
    for tbl in SAME_FACT:
        if any(t.ops & {"insert", "delete"} for t in touched.get(tbl, {}).values()):
            (latest,) = conn.execute(
                "SELECT max(hlc) FROM sync_clock WHERE tbl = ?", (tbl,)
            ).fetchone()
            if latest is not None and int(latest) > read_hlc(conn):
                write_hlc(conn, int(latest))


@dataclass
class _Writer:
    """The runs one seal writes, numbered on from ``seq``."""

    origin: str
    hlc: int
    actor: str
    seq: int
    runs: list[Run] = field(default_factory=list)
    revisited: set[conflicts.Field] = field(default_factory=set)  # critical: may conflict
    latest: dict[tuple[str, str, str], str] = field(default_factory=dict)  # field → its record
    first: int = 0

    def __post_init__(self) -> None:
        self.first = self.seq

    def add(
        self,
        conn: sqlite3.Connection,
        tbl: str,
        pk: str,
        cols: tuple[str, ...],
        vals: Callable[[], list[object]],
        cl: int,
        known: bool,
    ) -> None:
        """One row's records: its existence and fields, in this order (``vals`` gives their
        values: only assessments need them before they are written)."""
        prevs: list[str | None] | None = None
        prev: str | None
        tracked = conflicts.TRACKED.get(tbl)
        if tracked:
            for index, col in enumerate(cols):
                if col not in tracked:
                    continue
                if (tbl, col) == conflicts.ASSESSED:  # a place in its subject's history
                    value = vals()[index]
                    critical = conflicts.field_of(tbl, pk, col, value)
                    if critical is None:
                        continue
                    if critical in self.latest:  # two assessments of a subject in one write:
                        prev = json.dumps([self.latest[critical]])  # the second saw the first
                    else:
                        prev = conflicts.prev_for(conn, tbl, pk, col, value, known)
                    self.latest[critical] = f"{self.origin}/{self.seq + index + 1}"
                    self.revisited.add(critical)
                elif known:  # a critical field of a row with history: what it saw
                    prev = conflicts.prev_for(conn, tbl, pk, col, None, known)
                    self.revisited.add(conflicts.Field(tbl, pk, col))
                else:
                    prev = "[]"  # a row new to the log: nothing seen before
                prevs = prevs or [None] * len(cols)
                prevs[index] = prev
        self.runs.append(
            Run(
                self.origin,
                self.seq + 1,
                self.hlc,
                tbl,
                pk,
                cl,
                self.actor,
                cols,
                encode_values(vals(), pk, self.actor, self.hlc),
                None if prevs is None else tuple(prevs),
            )
        )
        self.seq += len(cols)

    def stamps(self) -> list[tuple[str, str, str, int, int, str]]:
        """The stamp each written field now holds: a row's existence, and the fields written
        after their row (a field written with its row shares the row's stamp)."""
        found = []
        for run in self.runs:
            if run.cols[0] == EXISTENCE:
                found.append((run.tbl, run.pk, EXISTENCE, run.cl, run.hlc, run.origin))
            else:
                found += [(run.tbl, run.pk, col, run.cl, run.hlc, run.origin) for col in run.cols]
        return found


#: What a capture trigger (or ``db repair``, or a conflict's resolution) queues.
PENDING_OPS = frozenset({"insert", "update", "delete", "touch"})
#: meta key set when a migration queued every existing row (a database from before sync): the
#: first write seals them as this laptop's own, not as changes made outside Schildwacht.
BASELINE_KEY = "sync_baseline_pending"


def malformed_pending(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Queued rows no trigger of Schildwacht writes (a table that does not sync, a key of the
    wrong shape, a list of fields that is not one): (id, what is wrong), planted with a sqlite
    tool. Sealing them would fail or send nonsense. Checked in SQL, so a large write's queue
    costs next to nothing.

    Returns:
        ``(sync_pending id, what is wrong)`` per planted row; ``what`` is English for the repair log
        (``table 'x' does not sync``…). Empty when every queued row is one a trigger wrote.
    """
    table_shapes = shapes(conn)
    ops = ", ".join(f"'{op}'" for op in sorted(PENDING_OPS))
    names = ", ".join(f"'{t}'" for t in table_shapes)
    found = [
        (int(i), f"table {visible(str(t))[:40]!r} does not sync")
        for i, t in conn.execute(f"SELECT id, tbl FROM sync_pending WHERE tbl NOT IN ({names})")
    ]
    queued = {str(r[0]) for r in conn.execute("SELECT DISTINCT tbl FROM sync_pending")}
    for table in (t for t in table_shapes.values() if t.name in queued):  # one query each
        columns = ", ".join(f"'{c}'" for c in table.columns)
        key_parts = " OR ".join(
            f"json_type(pk, '$[{n}]') NOT IN ('text', 'integer')" for n in range(len(table.key))
        )
        for row_id, pk, cols in conn.execute(  # CASE: JSON functions only on valid JSON
            f"SELECT id, pk, cols FROM sync_pending WHERE tbl = ? AND (op NOT IN ({ops})"
            " OR CASE WHEN typeof(pk) = 'text' AND json_valid(pk) THEN json_type(pk) != 'array'"
            f" OR json_array_length(pk) != {len(table.key)} OR {key_parts} ELSE 1 END"
            " OR CASE WHEN cols IS NULL THEN 0 WHEN typeof(cols) = 'text' AND json_valid(cols)"
            " THEN json_type(cols) != 'array' OR EXISTS (SELECT 1 FROM json_each(cols)"
            f" WHERE type != 'null' AND value NOT IN ({columns})) ELSE 1 END)",
            (table.name,),
        ):
            what = visible(str(pk if cols is None else cols))[:40]
            found.append((int(row_id), f"a queued change of {table.name} is malformed ({what!r})"))
    return sorted(found)


def pending_tables(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows of each table are queued and not sealed yet.

    Returns:
        Table name → count of queued rows; tables with none are absent.
    """
    return {
        str(tbl): int(n)
        for tbl, n in conn.execute("SELECT tbl, count(*) FROM sync_pending GROUP BY tbl")
    }


def clear_malformed_pending(conn: sqlite3.Connection) -> int:
    """Remove the queued rows no trigger wrote (``db repair``); return how many.

    Returns:
        How many queued rows were deleted (0: none was malformed).
    """
    malformed = malformed_pending(conn)
    conn.executemany("DELETE FROM sync_pending WHERE id = ?", [(i,) for i, _why in malformed])
    return len(malformed)


def set_aside_malformed(conn: sqlite3.Connection, me: str) -> dict[str, object]:
    """``db repair``: records whose count alone was changed get it back from their field list
    (``log.restore_counts``); this laptop's own change log rows no Schildwacht wrote, set aside
    (``log.set_aside_malformed``); what neither could mend is named (``log.unrepaired``).

    Args:
        me: this device's id.

    Returns:
        What was set aside, as the repair's audit event keeps it (``log.set_aside_detail``),
        with ``counts_restored`` and ``unrepaired``.
    """
    restored = log.restore_counts(conn)
    detail = log.set_aside_detail(log.set_aside_malformed(conn, me))
    return {**detail, "counts_restored": restored, "unrepaired": log.unrepaired(conn)}


def malformed_refusal(found: list[tuple[int, str]]) -> IntegrityFailure:
    """The refusal (exit 5) to seal a queue holding rows no trigger wrote: ``found`` is what
    ``malformed_pending`` returned; it names the first and ``db repair``.

    Args:
        found: (id, what is wrong) of each queued row no trigger wrote, as ``malformed_pending``
            returns them.

    Returns:
        The ``IntegrityFailure`` to raise.
    """
    return IntegrityFailure(code="queue_malformed", count=len(found), first=found[0][1])


def _pending(conn: sqlite3.Connection) -> dict[str, dict[str, _Touched]]:
    touched: dict[str, dict[str, _Touched]] = {}
    cursor = conn.cursor()
    cursor.row_factory = None
    for tbl, pk, op, cols in cursor.execute(
        "SELECT tbl, pk, op, cols FROM sync_pending ORDER BY id"
    ):
        rows = touched.get(tbl)
        if rows is None:
            rows = touched[tbl] = {}
        entry = rows.get(pk)
        if entry is None and op == "insert" and not cols:
            rows[pk] = _INSERTED  # nearly every pending row: shared, never changed
            continue
        if entry is None or entry is _INSERTED:
            entry = rows[pk] = _Touched({"insert"} if entry is _INSERTED else set())
        entry.ops.add(op)
        if cols:
            entry.cols.update(c for c in json.loads(cols) if c)
    return touched


_INSERTED = _Touched({"insert"})


def _seal_table(
    conn: sqlite3.Connection, table: TableShape, rows: dict[str, _Touched], writer: _Writer
) -> None:
    names, current = _current_rows(conn, table)
    lengths = _causal_lengths(conn, table.name)
    synced = table.synced
    everything = (EXISTENCE, *synced)
    where = [names[c] for c in synced]
    # A row new to the log, written whole, saw nothing: its critical fields carry [] (written
    # once for the table); an assessment's place in its subject's history needs the writer.
    tracked = conflicts.TRACKED.get(table.name, frozenset())
    fresh = None
    if conflicts.ASSESSED[0] != table.name:
        fresh = normal_prevs(["[]" if c in tracked else None for c in everything])
    for pk in sorted(rows):
        entry = rows[pk]
        values = current.get(pk)
        length = lengths.get(pk, 0)
        known = length > 0  # a row new to the log has no earlier writes to have seen
        alive = length % 2 == 1
        if values is not None and not known and conflicts.ASSESSED[0] != table.name:
            writer.runs.append(
                Run(
                    writer.origin,
                    writer.seq + 1,
                    writer.hlc,
                    table.name,
                    pk,
                    1,
                    writer.actor,
                    everything,
                    encode_values(
                        [None, *[values[i] for i in where]], pk, writer.actor, writer.hlc
                    ),
                    fresh,
                )
            )
            writer.seq += len(everything)
            continue
        if values is not None and not alive:
            length += 1
            cols, vals = everything, _values(values, (None,), where)
        elif values is None and alive:
            length += 1
            cols, vals = (EXISTENCE,), _values((None,), (None,), [])
        elif values is not None:
            if "insert" in entry.ops:
                cols, vals = synced, _values(values, (), where)
            else:
                cols = tuple(sorted(entry.cols & set(synced)))
                vals = _values(values, (), [names[c] for c in cols])
        else:
            continue  # born and gone inside one transaction
        if cols:
            writer.add(conn, table.name, pk, cols, vals, length, known)


def _values(
    row: Sequence[object], first: tuple[object, ...], where: list[int]
) -> Callable[[], list[object]]:
    """The values of a row's fields at these places, when asked for."""
    return lambda: [*first, *(row[i] for i in where)]


def touch(conn: sqlite3.Connection, table: str, pk: str, col: str) -> None:
    """Queue a field to be sealed even if its value did not change (a conflict resolution).

    Args:
        table: the table.
        pk: the row key (JSON text).
        col: the column.
    """
    conn.execute(
        "INSERT INTO sync_pending (tbl, pk, op, cols) VALUES (?, ?, 'touch', json_array(?))",
        (table, pk, col),
    )


def _current_rows(
    conn: sqlite3.Connection, table: TableShape
) -> tuple[dict[str, int], dict[str, tuple[object, ...]]]:
    """The pending rows of a table as they are now: (each column's place, key → row)."""
    join = " AND ".join(f"t.{c} = json_extract(p.pk, '$[{i}]')" for i, c in enumerate(table.key))
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(  # a row touched twice comes twice: the dict keeps one
        f"SELECT p.pk, t.* FROM sync_pending p JOIN {table.name} t ON {join} WHERE p.tbl = ?",
        (table.name,),
    )
    names = {d[0]: i for i, d in enumerate(cursor.description) if i > 0}
    return names, {row[0]: row for row in cursor}


def _causal_lengths(conn: sqlite3.Connection, table: str) -> dict[str, int]:
    return dict(
        conn.execute(
            "SELECT c.pk, c.cl FROM sync_clock c WHERE c.tbl = ? AND c.col = '' AND c.pk IN"
            " (SELECT pk FROM sync_pending WHERE tbl = ?)",
            (table, table),
        ).fetchall()
    )


def set_clocks(
    conn: sqlite3.Connection, stamps: Iterable[tuple[str, str, str, int, int, str]]
) -> None:
    """Record (tbl, pk, col, cl, hlc, origin) as the stamp each field now holds, in batches of
    ``CLOCK_BATCH`` (in their order: a field stamped twice keeps the later).

    Args:
        stamps: (tbl, pk, col, cl, hlc, origin) per field: cl the causal length (odd: the row
            exists), hlc its stamp.
    """
    given = iter(stamps)
    while batch := list(islice(given, CLOCK_BATCH)):
        _set_clocks(conn, batch)


#: Field stamps written at a time (a first import stamps a field or a row per record).
CLOCK_BATCH = 50_000


def _set_clocks(conn: sqlite3.Connection, rows: list[tuple[str, str, str, int, int, str]]) -> None:
    ids = log.intern_origins(conn, {r[5] for r in rows})
    if len(ids) == 1:  # one device's stamps (a seal): its id once
        (only,) = ids.values()
        held: Iterable[tuple[object, ...]] = [(t, p, c, cl, h, only) for t, p, c, cl, h, _o in rows]
    else:
        held = [(*r[:5], ids[r[5]]) for r in rows]
    conn.executemany(
        "INSERT INTO sync_clock (tbl, pk, col, cl, hlc, origin) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (tbl, pk, col) DO UPDATE SET cl = excluded.cl, hlc = excluded.hlc,"
        " origin = excluded.origin",
        held,
    )
