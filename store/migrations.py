"""Versioned schema migrations.

Each migration is a SQL file in ``store/sql/`` named ``NNN_name.sql``; the schema version is
``PRAGMA user_version``. Opening an older database applies the missing migrations in order, in
one transaction each; a database newer than this program is refused with a clear message and
left untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

from .errors import BadInput


def _migration_files() -> list[tuple[int, str, str]]:
    files = []
    for entry in resources.files("store.sql").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            files.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(files)


MIGRATIONS = _migration_files()
SCHEMA_VERSION = MIGRATIONS[-1][0] if MIGRATIONS else 0


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    path: str,
    after: Callable[[sqlite3.Connection, int], None] | None = None,
) -> int:
    """Bring the database up to ``SCHEMA_VERSION``; return the version it had before.

    ``after(conn, version_before)`` runs inside the last migration's transaction (the store
    re-installs its capture triggers there, so no migrated database is ever without them).
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise BadInput(
            f"The database at {path} has schema version {current}, newer than this Schildwacht "
            f"understands ({SCHEMA_VERSION}); upgrade Schildwacht to open it."
        )
    for version, _name, sql in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            if version == SCHEMA_VERSION and after is not None:
                after(conn, current)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                conn.execute("ROLLBACK")
            raise
    return current


def _split(script: str) -> list[str]:
    """Split a SQL script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
