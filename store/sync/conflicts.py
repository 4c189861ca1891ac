"""Conflicts on critical fields, derived from the change log so every device lists the same.

Each record of a critical field carries ``prev``: the field's records its writer had seen. The
field's *heads* are its records that no other record lists as seen. More than one head means
concurrent writes: an open conflict when their values differ (the same value written twice is
agreement), identified by the hash of its heads. A later record that saw two or more heads
resolved the conflict with exactly those heads. Because all of this is a function of the set of
records, devices that hold the same records list the same conflicts, whatever order the records
came in. ``sync_conflict`` is rebuilt from the log for every field
a seal or an import touches. Quarantined and deferred records take no part.

A subject's threat level is derived from its threat assessments on every laptop and never
synced (R2), so its conflicts are conflicts between concurrent *assessments*: each assessment's
``subject_id`` record carries, as ``prev``, the assessments of that subject its writer had
seen. The field ``(subject, threat_level)`` is *virtual*: its records are those assessments.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from ..validate import json_document
from . import held, log
from .change import Change, Run, clock_text, row_id
from .tables import CRITICAL_FIELDS

#: The virtual critical field whose records are the subject's threat assessments.
THREAT_LEVEL = ("subject", "threat_level")
#: The record that carries an assessment's place in that field's history.
ASSESSED = ("threat_assessment", "subject_id")


class Record(NamedTuple):
    """One accepted record of a critical field, as conflicts weigh it."""

    origin: str
    seq: int
    hlc: int
    value: object
    prev: str  # the heads its writer saw (JSON)
    actor: str


class Field(NamedTuple):
    """A critical field: its table, its row's key (``change.key_of``) and its column."""

    table: str
    key: str
    column: str


def ref(origin: str, seq: int) -> str:
    """A change's reference, ``origin/seq``, as conflicts name their heads.

    Args:
        origin: the device id.
        seq: the change's sequence number.

    Returns:
        ``"origin/seq"`` text.
    """
    return f"{origin}/{seq}"


def _records(
    conn: sqlite3.Connection,
    fields: Iterable[Field],
    wanted: Callable[[Field, int], bool] | None = None,
) -> dict[Field, list[Record]]:
    """Per field, (origin, seq, hlc, value, prev, actor) of its accepted records; with
    ``wanted``, only for the fields it accepts (given the field and how many records of it the
    log holds): the values of the others are not decoded."""
    asked = set(fields)
    found: dict[Field, list[Record]] = defaultdict(list)
    rows: dict[tuple[str, str], list[tuple[Field, str]]] = {}  # log row → (field, its column)
    for tbl, pk, col in asked:
        if (tbl, col) != THREAT_LEVEL:
            rows.setdefault((tbl, pk), []).append((Field(tbl, pk, col), col))
    levels: dict[str, object] = {}  # assessment key → its level
    for subject_field in (f for f in asked if (f.table, f.column) == THREAT_LEVEL):
        for assessment, level in conn.execute(
            "SELECT id, level FROM threat_assessment WHERE subject_id = ?",
            (row_id(subject_field.key),),
        ):
            key = json.dumps([assessment], ensure_ascii=False)
            levels[key] = level
            rows.setdefault((ASSESSED[0], key), []).append((subject_field, ASSESSED[1]))
    candidates: dict[Field, list[tuple[Run, int, object]]] = {}
    for run in log.of_rows(conn, rows, critical=True):
        assert run.prevs is not None
        carried: dict[str, list[int]] = {}  # field → where the run holds a record of it
        for index, prev in enumerate(run.prevs):
            if prev is not None:
                carried.setdefault(run.cols[index], []).append(index)
        for target, col in rows[(run.tbl, run.pk)]:
            for index in carried.get(col, ()):
                value: object = _UNREAD
                if target.column == THREAT_LEVEL[1]:  # an assessment: of this subject, its level
                    if run.values()[index] != row_id(target.key):
                        continue
                    value = levels[run.pk]
                candidates.setdefault(target, []).append((run, index, value))
    if wanted is not None:
        candidates = {t: c for t, c in candidates.items() if wanted(t, len(c))}
    aside = _aside(conn, [(r.origin, r.seq + i) for c in candidates.values() for r, i, _v in c])
    decoded: dict[int, list[object]] = {}
    for target, kept in candidates.items():
        for run, index, value in kept:
            if (run.origin, run.seq + index) in aside:
                continue
            if value is _UNREAD:
                values = decoded.get(id(run))
                if values is None:
                    values = decoded[id(run)] = run.values()
                if index >= len(values):  # a record changed by hand (``log.malformed_records``)
                    continue
                value = values[index]
            prev = run.prev(index)
            assert prev is not None
            found[target].append(
                Record(run.origin, run.seq + index, run.hlc, value, prev, run.actor)
            )
    return found


_UNREAD = object()


def _aside(conn: sqlite3.Connection, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of these records are quarantined or waiting."""
    if not keys:
        return set()
    if not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM sync_quarantine) OR EXISTS (SELECT 1 FROM sync_deferred)"
    ).fetchone()[0]:
        return set()
    return set(held.states(conn, keys))


def field_of(tbl: str, pk: str, col: str, val: object) -> Field | None:
    """The critical field a record of (tbl, pk, col) belongs to, or None.

    Args:
        tbl: the table.
        pk: the row key (JSON text).
        col: the column.
        val: the value the record carries.

    Returns:
        The ``Field`` (table, row key, column): the record's own for a critical field; for a threat
        assessment naming its subject, that subject's threat level; else None.
    """
    if (tbl, col) in CRITICAL_FIELDS:
        return Field(tbl, pk, col)
    if (tbl, col) == ASSESSED and isinstance(val, str):
        return Field(THREAT_LEVEL[0], json.dumps([val]), THREAT_LEVEL[1])
    return None


#: Per table, the fields whose records may carry ``prev`` (critical ones, and an assessment's
#: place in its subject's history).
TRACKED: dict[str, frozenset[str]] = {}
for _tbl, _col in (*CRITICAL_FIELDS, ASSESSED):
    TRACKED[_tbl] = TRACKED.get(_tbl, frozenset()) | {_col}


def fields_of_runs(
    accepted: Iterable[tuple[Run, tuple[bool, ...] | None]],
) -> Iterator[Field]:
    """The critical fields the (accepted records of these) runs belong to, one at a time (a
    field written by several runs comes once per run: ``refresh`` takes each once).

    Args:
        accepted: runs with, per record, whether it was accepted (None: all).

    Yields:
        A ``Field`` per accepted record of a critical field (repeats included).

    Raises:
        ValueError: a threat assessment's values cannot be read (``Run.values``).
    """
    for run, mask in accepted:
        tracked = TRACKED.get(run.tbl)
        if not tracked:
            continue
        values: list[object] | None = None
        for index, col in enumerate(run.cols):
            if col not in tracked or (mask is not None and not mask[index]):
                continue
            if (run.tbl, col) != ASSESSED:
                yield Field(run.tbl, run.pk, col)
                continue
            values = values if values is not None else run.values()
            if isinstance(values[index], str):
                yield Field(THREAT_LEVEL[0], json.dumps([values[index]]), THREAT_LEVEL[1])


def fields_of(records: Iterable[Change]) -> set[Field]:
    """The critical fields these records belong to (to refresh their conflicts).

    Args:
        records: change records.

    Returns:
        The distinct critical ``Field`` values (empty when none is critical).
    """
    found: set[Field] = set()
    for r in records:
        critical = field_of(r.tbl, r.pk, r.col, r.val)
        if critical is not None:
            found.add(critical)
    return found


def prev_for(
    conn: sqlite3.Connection, tbl: str, pk: str, col: str, val: object, known: bool
) -> str | None:
    """What a new record of this field saw: the heads (JSON), ``[]`` for a field new to the log,
    None for a field that is not critical.

    Args:
        tbl: the table.
        pk: the row key (JSON text).
        col: the column.
        val: the value the new record carries.
        known: whether the log holds records of this field already.

    Returns:
        A JSON list of ``origin/seq`` heads as text (``"[]"`` for a field new to the log), or None.
    """
    critical = field_of(tbl, pk, col, val)
    if critical is None:
        return None
    if known or (tbl, col) == ASSESSED:  # an assessment saw the subject's assessments so far
        return json.dumps(heads(conn, *critical))
    return "[]"


def heads(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> list[str]:
    """The field's current heads, as ``origin/seq`` references, sorted.

    Args:
        tbl: the table.
        pk: the row key (JSON text).
        col: the column.

    Returns:
        The ``origin/seq`` references of the records no other record of the field follows; empty
        when the log holds none.
    """
    field = Field(tbl, pk, col)
    records = _records(conn, [field])[field]
    return sorted(_heads(records))


def _heads(records: list[Record]) -> set[str]:
    seen: set[str] = set()
    for record in records:
        seen.update(_seen(record.prev))
    return {ref(r.origin, r.seq) for r in records} - seen


def seen(prev: str) -> list[str]:
    """The records of its field a record's writer had seen (``_seen``).

    Args:
        prev: the record's history (JSON list of ``origin/seq`` text).

    Returns:
        The ``origin/seq`` references; empty for a history that cannot be read.
    """
    return _seen(prev)


def _seen(prev: str) -> list[str]:
    """The references a record saw. An imported record's history was checked by the judge;
    malformed history (a quarantined record's, or one written into this laptop's own log
    outside Schildwacht) saw nothing: it never crashes a seal or an import."""
    if prev == "[]":
        return []
    try:
        seen = json_document(prev, "a history", max_depth=2)
    except (ValueError, TypeError):
        return []
    return [s for s in seen if isinstance(s, str)] if isinstance(seen, list) else []


def conflict_id(tbl: str, pk: str, col: str, refs: Iterable[str]) -> str:
    """A conflict's id: the same on every laptop that finds the same heads of the same field.

    Args:
        tbl: the table.
        pk: the row's key (JSON array text).
        col: the field.
        refs: the heads' references (``ref``), in any order.

    Returns:
        32 hex digits (a prefix of SHA-256).
    """
    material = "\x1f".join([tbl, pk, col, *sorted(refs)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _at(hlc: int) -> str:
    """A record's clock in stored form ("9999": a clock no stored time can name)."""
    return clock_text(hlc) or "9999"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


#: Fields refreshed at a time: a first import names a critical field of nearly every row it
#: brings (a hundred thousand for a large set), and each batch is read and let go in turn.
REFRESH_BATCH = 20_000


def refresh(conn: sqlite3.Connection, fields: Iterable[Field]) -> None:
    """Rebuild the conflict rows of these (table, key, column) fields from the log, in batches
    of ``REFRESH_BATCH`` (a field's conflicts depend on its own records only, so a field named
    again in a later batch is rebuilt to the same rows).

    Args:
        fields: (table, key, column) of each critical field.
    """
    batch: set[Field] = set()
    for one in fields:
        batch.add(one)
        if len(batch) >= REFRESH_BATCH:
            _refresh(conn, batch)
            batch = set()
    if batch:
        _refresh(conn, batch)


def _refresh(conn: sqlite3.Connection, wanted: set[Field]) -> None:
    held = {
        (t, r, c)
        for t, r, c in conn.execute("SELECT table_name, row_id, column_name FROM sync_conflict")
    }
    # A field whose row has one run with history in the log holds one record of it at most:
    # no conflict (a first import's rows, every one), unless one is held to be removed.
    plain = {(t, p) for t, p, c in wanted if (t, c) != THREAT_LEVEL}
    several = log.revisited(conn, plain)
    wanted = {
        f
        for f in wanted
        if (f.table, f.column) == THREAT_LEVEL
        or (f.table, f.key) in several
        or (held and (f.table, row_id(f.key), f.column) in held)
    }

    def needed(target: Field, count: int) -> bool:
        """One record, or none: no conflict, and none held to remove."""
        return count > 1 or (
            bool(held) and (target.table, row_id(target.key), target.column) in held
        )

    found = _records(conn, wanted, needed)
    if held:
        found.update(
            {f: [] for f in wanted if f not in found and (f.table, row_id(f.key), f.column) in held}
        )
    for (tbl, pk, col), records in found.items():
        the_row = row_id(pk)
        by_ref = {ref(r.origin, r.seq): r for r in records}
        conn.execute(
            "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? AND column_name = ?",
            (tbl, the_row, col),
        )
        open_heads = [by_ref[h] for h in _heads(records)]
        if _disagree(open_heads):
            _insert(conn, tbl, pk, the_row, col, open_heads, None)
        # Two records may each resolve the same concurrent set (two laptops chose at once):
        # the later by stamp is written last and kept, so every laptop records the same one.
        for record in sorted(records, key=lambda r: (r.hlc, r.origin)):
            seen = _seen(record.prev)
            if len(seen) > 1 and all(s in by_ref for s in seen):
                concurrent = [by_ref[s] for s in seen]
                if _disagree(concurrent):
                    _insert(conn, tbl, pk, the_row, col, concurrent, record)


def _disagree(concurrent: list[Record]) -> bool:
    """Concurrent records conflict only when their values differ: two laptops that set the
    same value offline (the same level, the same time) agree, and nobody has to choose."""
    return len({(type(r.value).__name__, r.value) for r in concurrent}) > 1


def _shown_first(tbl: str, col: str) -> Callable[[Record], tuple[int, int, str]]:
    """The order of a conflict's heads, the one in force first: the latest by stamp for a field
    the last writer decides; for a threat level the highest (R1: while assessments conflict, the
    higher level holds on every laptop, ``sql/035_threat_conflict_higher.sql``)."""
    if (tbl, col) != THREAT_LEVEL:
        return lambda r: (0, r.hlc, r.origin)
    return lambda r: (r.value if isinstance(r.value, int) else -1, r.hlc, r.origin)


def _insert(
    conn: sqlite3.Connection,
    tbl: str,
    pk: str,
    row_id: str,
    col: str,
    concurrent: list[Record],
    resolution: Record | None,
) -> None:
    ordered = sorted(concurrent, key=_shown_first(tbl, col), reverse=True)  # shown first
    heads = [
        {
            "ref": ref(r.origin, r.seq),
            "value": r.value,
            "device": r.origin,
            "actor": r.actor,
            "at": _at(r.hlc),
        }
        for r in ordered
    ]
    first, second = ordered[0], ordered[1]
    conn.execute(
        "INSERT OR REPLACE INTO sync_conflict (id, table_name, row_id, column_name, value_a,"
        " value_b, device_a, device_b, detected_at, resolved_at, resolved_by, resolution, heads)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conflict_id(tbl, pk, col, (ref(r.origin, r.seq) for r in ordered)),
            tbl,
            row_id,
            col,
            _text(first.value),
            _text(second.value),
            first.origin,
            second.origin,
            _at(first.hlc),
            None if resolution is None else _at(resolution.hlc),
            None if resolution is None else f"{resolution.actor}@{resolution.origin}",
            None if resolution is None else _text(resolution.value),
            json.dumps(heads, ensure_ascii=False, default=str),
        ),
    )
