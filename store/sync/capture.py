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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import IntegrityFailure
from . import conflicts, log
from .change import Change, Run, changes_of, encode_values
from .tables import EXISTENCE, TableShape, shapes

TRIGGER_PREFIX = "sync_capture_"
HLC_KEY = "sync_hlc"
COUNTER_BITS = 16
DAY_MS = 86_400_000
#: The schema version that brought sync; older databases get a baseline capture.
SYNC_SCHEMA = 3

# Triggers ------------------------------------------------------------------------------------


def trigger_statements(table: TableShape) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER …) for the table's insert, update and delete capture."""
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
    return {name for t in shapes(conn).values() for name, _ in trigger_statements(t)}


def missing_triggers(conn: sqlite3.Connection) -> set[str]:
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


def missing_refusal(missing: set[str], path: str) -> IntegrityFailure:
    """The refusal to open a database whose capture triggers are missing."""
    return IntegrityFailure(
        f"{path} lacks {len(missing)} sync capture triggers (e.g. {sorted(missing)[0]}): "
        "something rewrote its tables outside Schildwacht, and changes made now would never "
        "reach the other laptops. Nothing was opened. Run `schildwacht db repair` to "
        "re-install them and capture what changed meanwhile, or restore the latest backup."
    )


def queue_drift(conn: sqlite3.Connection) -> int:
    """Queue every difference between the tables and what the change log says they hold (rows
    and fields written while the triggers were missing); return how many were queued. Used by
    ``db repair`` after re-installing the triggers, inside its transaction."""
    queued = 0
    for table in shapes(conn).values():
        logged: dict[tuple[str, str], tuple[tuple[int, int, str], object]] = {}
        for record in changes_of(log.of_table(conn, table.name)):
            stamp = record.stamp
            key = (record.pk, record.col)
            if key not in logged or stamp > logged[key][0]:
                logged[key] = (stamp, record.val)
        cursor = conn.execute(f"SELECT {table.key_json(table.name)}, * FROM {table.name}")
        names = [d[0] for d in cursor.description][1:]
        present = set()
        for row in cursor.fetchall():
            pk, values = row[0], dict(zip(names, row[1:], strict=True))
            present.add(pk)
            existence = logged.get((pk, EXISTENCE))
            if existence is None or existence[0][0] % 2 == 0:
                _queue(conn, table.name, pk, "insert", None)
                queued += 1
                continue
            drifted = [
                c for c in table.synced if (pk, c) not in logged or logged[(pk, c)][1] != values[c]
            ]
            if drifted:
                _queue(conn, table.name, pk, "touch", json.dumps(drifted))
                queued += 1
        for (pk, col), (stamp, _val) in logged.items():
            if col == EXISTENCE and stamp[0] % 2 == 1 and pk not in present:
                _queue(conn, table.name, pk, "delete", None)
                queued += 1
    return queued


def _queue(conn: sqlite3.Connection, table: str, pk: str, op: str, cols: str | None) -> None:
    conn.execute(
        "INSERT INTO sync_pending (tbl, pk, op, cols) VALUES (?, ?, ?, ?)", (table, pk, op, cols)
    )


# The hybrid logical clock ----------------------------------------------------------------------


def hlc_wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def read_hlc(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HLC_KEY,)).fetchone()
    return int(row[0]) if row else 0


def next_hlc(conn: sqlite3.Connection, now_ms: int) -> int:
    """A stamp later than every stamp this device issued or trusted, and not behind the wall."""
    stamp = max(read_hlc(conn) + 1, now_ms << COUNTER_BITS)
    write_hlc(conn, stamp)
    return stamp


def observe_hlc(conn: sqlite3.Connection, seen: int, now_ms: int) -> None:
    """Move the clock past a received stamp, unless that stamp is more than a day ahead."""
    if hlc_wall_ms(seen) <= now_ms + DAY_MS and seen > read_hlc(conn):
        write_hlc(conn, seen)


def write_hlc(conn: sqlite3.Connection, stamp: int) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HLC_KEY, str(stamp)),
    )


def last_seq(conn: sqlite3.Connection, origin: str) -> int:
    return log.last_seq(conn, origin)


# Sealing ---------------------------------------------------------------------------------------


@dataclass
class _Touched:
    ops: set[str] = field(default_factory=set)
    cols: set[str] = field(default_factory=set)


#: A change record as stored and carried (the older name of ``Change``).
Record = Change


def seal(conn: sqlite3.Connection, origin: str, actor: str, now_ms: int) -> int:
    """Seal pending rows into change records; return how many records were written."""
    touched = _pending(conn)
    if not touched:
        return 0
    table_shapes = shapes(conn)
    writer = _Writer(origin, next_hlc(conn, now_ms), actor, last_seq(conn, origin))
    for tbl in sorted(touched):
        _seal_table(conn, table_shapes[tbl], touched[tbl], writer)
    conn.execute("DELETE FROM sync_pending")
    log.store(conn, writer.runs)
    set_clocks(conn, writer.stamps())
    conflicts.refresh(conn, writer.revisited)
    return writer.seq - writer.first


@dataclass
class _Writer:
    """The runs one seal writes, numbered on from ``seq``."""

    origin: str
    hlc: int
    actor: str
    seq: int
    runs: list[Run] = field(default_factory=list)
    revisited: set[tuple[str, str, str]] = field(default_factory=set)  # critical: may conflict
    latest: dict[tuple[str, str, str], str] = field(default_factory=dict)  # field → its record
    first: int = 0

    def __post_init__(self) -> None:
        self.first = self.seq

    def add(
        self,
        conn: sqlite3.Connection,
        tbl: str,
        pk: str,
        fields: Iterable[str],
        values: Mapping[str, object] | None,
        cl: int,
        known: bool,
    ) -> None:
        """One row's records: its existence and fields, in this order."""
        cols = tuple(fields)
        vals = [None if col == EXISTENCE or values is None else values[col] for col in cols]
        prevs: list[str | None] | None = None
        tracked = conflicts.TRACKED.get(tbl, frozenset())
        for index, col in enumerate(cols):
            if col not in tracked:
                continue
            critical = conflicts.field_of(tbl, pk, col, vals[index])
            if critical is None:
                continue
            if critical in self.latest:  # written twice in one write (two assessments of a
                prev: str | None = json.dumps([self.latest[critical]])  # subject): saw the first
            else:
                prev = conflicts.prev_for(conn, tbl, pk, col, vals[index], known)
            prevs = prevs or [None] * len(cols)
            prevs[index] = prev
            self.latest[critical] = f"{self.origin}/{self.seq + index + 1}"
            if known or critical[0] != tbl:
                self.revisited.add(critical)
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
                encode_values(vals, pk, self.actor, self.hlc),
                None if prevs is None else tuple(prevs),
            )
        )
        self.seq += len(cols)

    def stamps(self) -> Iterator[tuple[str, str, str, int, int, str]]:
        """The stamp each written field now holds: a row's existence, and the fields written
        after their row (a field written with its row shares the row's stamp)."""
        for run in self.runs:
            if run.cols and run.cols[0] == EXISTENCE:
                yield (run.tbl, run.pk, EXISTENCE, run.cl, run.hlc, run.origin)
            else:
                for col in run.cols:
                    yield (run.tbl, run.pk, col, run.cl, run.hlc, run.origin)


def _pending(conn: sqlite3.Connection) -> dict[str, dict[str, _Touched]]:
    touched: dict[str, dict[str, _Touched]] = {}
    for tbl, pk, op, cols in conn.execute(
        "SELECT tbl, pk, op, cols FROM sync_pending ORDER BY id"
    ).fetchall():
        entry = touched.setdefault(tbl, {}).setdefault(pk, _Touched())
        entry.ops.add(op)
        if cols:
            entry.cols.update(c for c in json.loads(cols) if c)
    return touched


def _seal_table(
    conn: sqlite3.Connection, table: TableShape, rows: dict[str, _Touched], writer: _Writer
) -> None:
    current = _current_rows(conn, table)
    lengths = _causal_lengths(conn, table.name)
    synced = table.synced
    everything = (EXISTENCE, *synced)
    for pk in sorted(rows):
        entry = rows[pk]
        values = current.get(pk)
        length = lengths.get(pk, 0)
        known = length > 0  # a row new to the log has no earlier writes to have seen
        alive = length % 2 == 1
        if values is not None and not alive:
            length += 1
            fields: Iterable[str] = everything
        elif values is None and alive:
            length += 1
            fields = (EXISTENCE,)
        elif values is not None:
            fields = synced if "insert" in entry.ops else sorted(entry.cols & set(synced))
        else:
            continue  # born and gone inside one transaction
        if fields:
            writer.add(conn, table.name, pk, fields, values, length, known)


def touch(conn: sqlite3.Connection, table: str, pk: str, col: str) -> None:
    """Queue a field to be sealed even if its value did not change (a conflict resolution)."""
    conn.execute(
        "INSERT INTO sync_pending (tbl, pk, op, cols) VALUES (?, ?, 'touch', json_array(?))",
        (table, pk, col),
    )


def _current_rows(conn: sqlite3.Connection, table: TableShape) -> dict[str, dict[str, object]]:
    join = " AND ".join(f"t.{c} = json_extract(p.pk, '$[{i}]')" for i, c in enumerate(table.key))
    cursor = conn.execute(
        f"SELECT p.pk, t.* FROM (SELECT DISTINCT pk FROM sync_pending WHERE tbl = ?) p"
        f" JOIN {table.name} t ON {join}",
        (table.name,),
    )
    names = [d[0] for d in cursor.description][1:]
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor}


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
    """Record (tbl, pk, col, cl, hlc, origin) as the stamp each field now holds."""
    rows = list(stamps)
    if not rows:
        return
    ids = log.intern_origins(conn, {r[5] for r in rows})
    conn.executemany(
        "INSERT INTO sync_clock (tbl, pk, col, cl, hlc, origin) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (tbl, pk, col) DO UPDATE SET cl = excluded.cl, hlc = excluded.hlc,"
        " origin = excluded.origin",
        [(*r[:5], ids[r[5]]) for r in rows],
    )
