"""Conflicts on critical fields, derived from the change log so every device lists the same.

Each record of a critical field carries ``prev``: the field's records its writer had seen. The
field's *heads* are its records that no other record lists as seen. More than one head means
concurrent writes: an open conflict, identified by the hash of its heads. A later record that
saw two or more heads resolved the conflict with exactly those heads. Because all of this is a
function of the set of records, devices that hold the same records list the same conflicts,
whatever order the records came in. ``sync_conflict`` is rebuilt from the log for every field
a seal or an import touches.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..clock import to_db


def ref(origin: str, seq: int) -> str:
    return f"{origin}/{seq}"


def _records(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> list[sqlite3.Row | Any]:
    return conn.execute(
        "SELECT origin, seq, hlc, val, prev, actor FROM sync_change"
        " WHERE tbl = ? AND pk = ? AND col = ? AND prev IS NOT NULL",
        (tbl, pk, col),
    ).fetchall()


def heads(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> list[str]:
    """The field's current heads, as ``origin/seq`` references, sorted."""
    records = _records(conn, tbl, pk, col)
    return sorted(_heads(records))


def _heads(records: list[Any]) -> set[str]:
    seen: set[str] = set()
    for record in records:
        seen.update(json.loads(record[4]))
    return {ref(r[0], r[1]) for r in records} - seen


def conflict_id(tbl: str, pk: str, col: str, refs: Iterable[str]) -> str:
    material = "\x1f".join([tbl, pk, col, *sorted(refs)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _at(hlc: int) -> str:
    return to_db(datetime.fromtimestamp((hlc >> 16) / 1000, UTC))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _row_id(pk: str) -> str:
    key = json.loads(pk)
    return str(key[0]) if len(key) == 1 else pk


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
        open_heads = _heads(records)
        if len(open_heads) > 1:
            _insert(conn, tbl, pk, row_id, col, [by_ref[h] for h in open_heads], None)
        for record in records:
            seen = json.loads(record[4])
            if len(seen) > 1 and all(s in by_ref for s in seen):
                _insert(conn, tbl, pk, row_id, col, [by_ref[s] for s in seen], record)


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
