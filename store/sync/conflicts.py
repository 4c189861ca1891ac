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
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..clock import to_db
from ..validate import json_document
from .change import Change
from .tables import CRITICAL_FIELDS

#: The virtual critical field whose records are the subject's threat assessments.
THREAT_LEVEL = ("subject", "threat_level")
#: The record that carries an assessment's place in that field's history.
ASSESSED = ("threat_assessment", "subject_id")

_ACCEPTED = (
    " AND NOT EXISTS (SELECT 1 FROM sync_quarantine q WHERE q.origin = c.origin"
    " AND q.seq = c.seq) AND NOT EXISTS (SELECT 1 FROM sync_deferred d"
    " WHERE d.origin = c.origin AND d.seq = c.seq)"
)


def ref(origin: str, seq: int) -> str:
    return f"{origin}/{seq}"


def _records(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> list[sqlite3.Row | Any]:
    """(origin, seq, hlc, value, prev, actor) of the field's accepted records."""
    if (tbl, col) == THREAT_LEVEL:
        return conn.execute(
            "SELECT c.origin, c.seq, c.hlc, t.level, c.prev, c.actor FROM sync_change c"
            " JOIN threat_assessment t ON t.id = json_extract(c.pk, '$[0]')"
            " WHERE c.tbl = 'threat_assessment' AND c.col = 'subject_id' AND c.val = ?"
            " AND c.prev IS NOT NULL",
            (_row_id(pk),),
        ).fetchall()
    return conn.execute(
        "SELECT c.origin, c.seq, c.hlc, c.val, c.prev, c.actor FROM sync_change c"
        " WHERE c.tbl = ? AND c.pk = ? AND c.col = ? AND c.prev IS NOT NULL" + _ACCEPTED,
        (tbl, pk, col),
    ).fetchall()


def field_of(tbl: str, pk: str, col: str, val: object) -> tuple[str, str, str] | None:
    """The critical field a record of (tbl, pk, col) belongs to, or None."""
    if (tbl, col) in CRITICAL_FIELDS:
        return (tbl, pk, col)
    if (tbl, col) == ASSESSED and isinstance(val, str):
        return (THREAT_LEVEL[0], json.dumps([val]), THREAT_LEVEL[1])
    return None


def fields_of(records: Iterable[Change]) -> set[tuple[str, str, str]]:
    """The critical fields these records belong to (to refresh their conflicts)."""
    found = set()
    for r in records:
        critical = field_of(r.tbl, r.pk, r.col, r.val)
        if critical is not None:
            found.add(critical)
    return found


def prev_for(
    conn: sqlite3.Connection, tbl: str, pk: str, col: str, val: object, known: bool
) -> str | None:
    """What a new record of this field saw: the heads (JSON), ``[]`` for a field new to the log,
    None for a field that is not critical."""
    critical = field_of(tbl, pk, col, val)
    if critical is None:
        return None
    if known or (tbl, col) == ASSESSED:  # an assessment saw the subject's assessments so far
        return json.dumps(heads(conn, *critical))
    return "[]"


def heads(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> list[str]:
    """The field's current heads, as ``origin/seq`` references, sorted."""
    records = _records(conn, tbl, pk, col)
    return sorted(_heads(records))


def _seen(prev: str) -> list[str]:
    """The references a record's history lists. An imported record's history was checked by
    the judge; one written into this laptop's own log outside Schildwacht may be anything, and
    then counts as having seen nothing (it never crashes a seal or an import)."""
    try:
        seen = json_document(prev, "a history", max_depth=2)
    except (ValueError, TypeError):
        return []
    return [s for s in seen if isinstance(s, str)] if isinstance(seen, list) else []


def _heads(records: list[Any]) -> set[str]:
    seen: set[str] = set()
    for record in records:
        seen.update(_seen(record[4]))
    return {ref(r[0], r[1]) for r in records} - seen


def conflict_id(tbl: str, pk: str, col: str, refs: Iterable[str]) -> str:
    material = "\x1f".join([tbl, pk, col, *sorted(refs)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _at(hlc: int) -> str:
    return to_db(datetime.fromtimestamp((hlc >> 16) / 1000, UTC))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _row_id(pk: str) -> str:
    try:
        key = json_document(pk, "a row key", max_depth=2)
    except ValueError:  # a quarantined record's malformed key: it names no row
        return pk
    return str(key[0]) if isinstance(key, list) and len(key) == 1 else pk


def refresh(conn: sqlite3.Connection, fields: Iterable[tuple[str, str, str]]) -> None:
    """Rebuild the conflict rows of these (table, key, column) fields from the log."""
    for tbl, pk, col in fields:
        records = _records(conn, tbl, pk, col)
        by_ref = {ref(r[0], r[1]): r for r in records}
        row_id = _row_id(pk)
        conn.execute(
            "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? AND column_name = ?",
            (tbl, row_id, col),
        )
        open_heads = [by_ref[h] for h in _heads(records)]
        if _disagree(open_heads):
            _insert(conn, tbl, pk, row_id, col, open_heads, None)
        for record in records:
            seen = _seen(record[4])
            if len(seen) > 1 and all(s in by_ref for s in seen):
                concurrent = [by_ref[s] for s in seen]
                if _disagree(concurrent):
                    _insert(conn, tbl, pk, row_id, col, concurrent, record)


def _disagree(concurrent: list[Any]) -> bool:
    """Concurrent records conflict only when their values differ: two laptops that set the
    same value offline (the same level, the same time) agree, and nobody has to choose."""
    return len({(type(r[3]).__name__, r[3]) for r in concurrent}) > 1


def _insert(
    conn: sqlite3.Connection,
    tbl: str,
    pk: str,
    row_id: str,
    col: str,
    concurrent: list[Any],
    resolution: Any | None,
) -> None:
    ordered = sorted(concurrent, key=lambda r: (r[2], r[0]), reverse=True)  # the shown one first
    heads = [
        {"ref": ref(r[0], r[1]), "value": r[3], "device": r[0], "actor": r[5], "at": _at(r[2])}
        for r in ordered
    ]
    first, second = ordered[0], ordered[1]
    conn.execute(
        "INSERT OR REPLACE INTO sync_conflict (id, table_name, row_id, column_name, value_a,"
        " value_b, device_a, device_b, detected_at, resolved_at, resolved_by, resolution, heads)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conflict_id(tbl, pk, col, (h["ref"] for h in heads)),
            tbl,
            row_id,
            col,
            _text(first[3]),
            _text(second[3]),
            first[0],
            second[0],
            _at(first[2]),
            None if resolution is None else _at(resolution[2]),
            None if resolution is None else f"{resolution[5]}@{resolution[0]}",
            None if resolution is None else _text(resolution[3]),
            json.dumps(heads, ensure_ascii=False, default=str),
        ),
    )
