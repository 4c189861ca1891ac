"""Versioned schema migrations.

Each migration is a SQL file in ``store/sql/`` named ``NNN_name.sql``; the schema version is
``PRAGMA user_version``. Opening an older database applies the missing migrations in order, in
one transaction each; a database newer than this program is refused with a clear message and
left untouched.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import BadInput

#: store/sql/ inside the installed package (hatchling installs it as files, not a zip).
SQL_DIR = Path(__file__).with_name("sql")


def _migration_names() -> list[tuple[int, str]]:
    """(version, file name) of every migration, in order. Only the names are read at import:
    opening an up-to-date database reads no SQL (scripted commands start faster)."""
    return sorted(
        (int(name[:3]), name)
        for name in (entry.name for entry in SQL_DIR.iterdir())
        if name.endswith(".sql") and name[:3].isdigit()
    )


_NAMES = _migration_names()
SCHEMA_VERSION = _NAMES[-1][0] if _NAMES else 0


def _read(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def __getattr__(name: str) -> list[tuple[int, str, str]]:
    """``MIGRATIONS``: (version, file name, SQL) of every migration, read when first asked."""
    if name == "MIGRATIONS":
        return [(version, file, _read(file)) for version, file in _NAMES]
    raise AttributeError(name)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's schema version (``PRAGMA user_version``; 0 for a new file).

    Args:
        conn: an open connection.

    Returns:
        The version: the number of the last migration applied.
    """
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    path: str,
    after: Callable[[sqlite3.Connection, int], None] | None = None,
    *,
    upto: int | None = None,
    before: Callable[[sqlite3.Connection], None] | None = None,
) -> int:
    """Bring the database up to ``SCHEMA_VERSION`` (or ``upto``), all missing migrations in one
    transaction: any error rolls every one of them back, so a refusal writes nothing (issue 14,
    rev14p: a migration that failed after one that did not left the file changed).

    ``after(conn, version_before)`` runs inside the last migration's transaction (the store
    re-installs its capture triggers there, so no migrated database is ever without them).

    Args:
        conn: an open connection in autocommit mode (no transaction open).
        path: the database's path, for the message.
        after: called inside the migrations' transaction, after the last one, or None; not
            called when the database was already up to date.
        upto: the version to stop at (the integrity check builds older references with it);
            None: ``SCHEMA_VERSION``.
        before: called inside the migrations' transaction before the first one (``db repair``
            rebuilds damaged indexes there, so that no migration writes through them), or None;
            not called when the database was already up to date.

    Returns:
        The version the database had before.

    Raises:
        BadInput: the database is newer than this program (it is left untouched).
        sqlite3.Error: a migration failed; all of them are rolled back (the file is as before).
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise BadInput(code="schema_too_new", path=path, current=current, known=SCHEMA_VERSION)
    if current == 0 and upto is None and _copy_new(conn, after):
        return current
    _apply(conn, current, after, SCHEMA_VERSION if upto is None else upto, before)
    return current


def _apply(
    conn: sqlite3.Connection,
    current: int,
    after: Callable[[sqlite3.Connection, int], None] | None,
    last: int = SCHEMA_VERSION,
    before: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """Apply the migrations after ``current`` up to ``last`` in one transaction (``migrate``)."""
    pending = [(version, name) for version, name in _NAMES if current < version <= last]
    if not pending:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if before is not None:
            before(conn)
        for version, name in pending:
            for statement in _split(_read(name)):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        if last == SCHEMA_VERSION and after is not None:
            after(conn, current)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
            conn.execute("ROLLBACK")
        raise


#: A new, empty database migrated in memory once per process and ``after`` (by the ``after``
#: function): a new plain database is a copy of it (SQLite's backup API, ~1 ms) instead of
#: every migration run again (~60 ms). The same SQL makes both, so the copy is the same schema
#: and rows; opening it checks its guards against the reference as for any database.
_TEMPLATES: dict[object, sqlite3.Connection] = {}
_TEMPLATE_LOCK = threading.Lock()


def _copy_new(
    conn: sqlite3.Connection, after: Callable[[sqlite3.Connection, int], None] | None
) -> bool:
    """Make an empty plain database (no schema object, no transaction open) the finished
    schema by copying the process's migrated template into it; False (nothing done) for any
    other: an encrypted one (SQLCipher's connection), one holding anything, a page size the
    template does not have. ``after`` must depend only on the schema (as the store's does for a
    new database: capture triggers, the change log's form)."""
    if type(conn) is not sqlite3.Connection or conn.in_transaction:
        return False
    if conn.execute("SELECT count(*) FROM main.sqlite_master").fetchone()[0]:
        return False
    with _TEMPLATE_LOCK:
        template = _TEMPLATES.get(after)
        if template is None:
            template = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            _apply(template, 0, after)
            _TEMPLATES[after] = template
        size = conn.execute("PRAGMA main.page_size").fetchone()[0]
        if template.execute("PRAGMA main.page_size").fetchone()[0] != size:
            return False  # a WAL database cannot take another page size
        template.backup(conn)
    return True


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
