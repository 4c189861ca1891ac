"""The reference catalogue as made at init: fingerprinted, and checked at every open.

R1 and R2 follow from the catalogue (the levels, the concepts and what they provide, the
packages, the staffing, which threat level needs which level). Lowering a level in it with a
sqlite tool would lower what is required of every activity on that laptop, so its fingerprint
(SHA-256 of every catalogue row) is recorded in meta and in the audit trail — in the chained
first event (``db.init``), and again when a migration of this program changes the schema —
and a database whose catalogue no longer matches stays shut (exit 5) until ``db repair``
restores it (from the catalogue shipped with Schildwacht, when that is the one recorded) or a
backup is restored. ``audit verify`` and ``db status`` check it too.
"""

from __future__ import annotations

import json
import sqlite3

from .errors import IntegrityFailure
from .sha import sha256
from .validate import json_document

META_KEY = "catalogue_fingerprint"
#: The audit action recording the fingerprint after a migration (its detail: "catalogue").
ACTION = "catalogue.fingerprint"
#: The catalogue's tables (those a version of the schema has), and its one meta setting.
TABLES = (
    "unit",
    "resistance_level",
    "package",
    "threat_level",
    "qualification",
    "concept",
    "concept_staffing",
    "package_concept",
    "pilot_scope",
    "reinforcement",
    "unit_travel",
)
META_SETTINGS = ("travel_default_minutes",)


def compute(conn: sqlite3.Connection) -> str:
    """The SHA-256 of every catalogue row, table by table, in a fixed order.

    Args:
        conn: an open connection.

    Returns:
        64 hex digits.
    """
    present = {
        r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")
    }
    digest = sha256()
    for table in TABLES:
        if table not in present:
            continue
        rows = sorted(repr(tuple(r)) for r in conn.execute(f"SELECT * FROM {table}"))
        digest.update(json.dumps([table, rows]).encode())
    settings = conn.execute(
        f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(META_SETTINGS))})"
        " ORDER BY key",
        META_SETTINGS,
    ).fetchall()
    digest.update(json.dumps([list(map(str, s)) for s in settings]).encode())
    return digest.hexdigest()


def recorded(conn: sqlite3.Connection) -> str | None:
    """The fingerprint the audit trail holds last (db.init, or after a migration).

    Args:
        conn: an open connection.

    Returns:
        64 hex digits, or None when none was recorded.
    """
    for (detail,) in conn.execute(
        "SELECT detail FROM audit_event WHERE action IN ('db.init', ?) ORDER BY seq DESC",
        (ACTION,),
    ):
        try:
            value = json_document(detail, "an audit event").get("catalogue")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, str):
            return value
    return None


def record(conn: sqlite3.Connection) -> str:
    """Compute the catalogue's fingerprint and record it in meta (``store_meta``); return it.

    Args:
        conn: the connection of the open write transaction.

    Returns:
        The fingerprint, 64 hex digits.
    """
    value = compute(conn)
    store_meta(conn, value)
    return value


def store_meta(conn: sqlite3.Connection, value: str) -> None:
    """Record ``value`` as the catalogue's fingerprint in meta (inside the caller's
    transaction).

    Args:
        conn: the connection of the open write transaction.
        value: the fingerprint, 64 hex digits.
    """
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (META_KEY, value),
    )


def check(conn: sqlite3.Connection, path: str) -> None:
    """Raise ``IntegrityFailure`` unless the catalogue is the one recorded (a database that
    recorded none yet, being made, passes).

    Args:
        conn: an open connection.
        path: the database's path, for the refusal.

    Raises:
        IntegrityFailure: ``catalogue_changed``.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    kept = recorded(conn)
    if row is None and kept is None:
        return
    now = compute(conn)
    if row is not None and kept is not None and row[0] == kept == now:
        return
    raise IntegrityFailure(code="catalogue_changed", path=path)
