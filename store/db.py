"""The one place that opens the database.

``Store`` owns the path, the injected clock and the acting person. Each thread gets its own
connection (WAL journal, foreign keys on, a busy timeout), so the console's workers and a script
can use one database at once. Every user action is one ``write()`` transaction, opened with
``BEGIN IMMEDIATE`` so writers queue instead of deadlocking, and ends with an audit event in a
hash chain (R9). A rule broken inside the transaction rolls everything back.

With a passphrase the database is encrypted at rest by SQLCipher (``sqlcipher3``); a file that
is encrypted cannot be opened without it, and a wrong passphrase is an integrity failure.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import migrations
from .clock import Clock, SystemClock, to_db
from .errors import BadInput, IntegrityFailure, NotFound, RuleViolation, StoreError
from .sync import capture

BUSY_TIMEOUT_MS = 10_000
#: Tables whose changes are not themselves audited (the trail, bookkeeping; every sync_ table).
UNAUDITED_TABLES = frozenset({"audit_event", "meta"})
#: At most this many changed rows are written out in one audit event; the rest are counted.
AUDIT_ROWS = 50
GENESIS_HASH = "0" * 64
SQLITE_HEADER = b"SQLite format 3\x00"


def is_encrypted(path: Path) -> bool:
    """A non-empty file that does not start with SQLite's plain header."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    return len(head) == 16 and head != SQLITE_HEADER


def _driver(encrypted: bool) -> Any:
    if not encrypted:
        return sqlite3
    import sqlcipher3

    return sqlcipher3


def integrity_errors() -> tuple[type[Exception], ...]:
    """Constraint errors of both drivers (plain SQLite and SQLCipher)."""
    errors: list[type[Exception]] = [sqlite3.IntegrityError]
    try:
        import sqlcipher3

        errors.append(sqlcipher3.IntegrityError)
    except ImportError:  # pragma: no cover - sqlcipher3 is a dependency
        pass
    return tuple(errors)


class Store:
    """A Schildwacht database, the clock that stamps it, and the person acting on it."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        user: str | None = None,
        create: bool = False,
        passphrase: str | None = None,
        repair: bool = False,
    ) -> None:
        """``repair`` re-installs missing sync capture triggers instead of refusing to open,
        and captures what changed while they were missing (``db repair``)."""
        self.path = Path(path).expanduser()
        self.passphrase = passphrase or None
        self.clock: Clock = clock or SystemClock()
        self._user = user
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._actor: Any = None
        if self.path.is_dir():
            raise BadInput(f"{self.path} is a directory; --db needs the path of a database file.")
        if create:
            if self.path.exists() and self.path.stat().st_size > 0:
                raise BadInput(
                    f"A database already exists at {self.path}; use it, or choose another "
                    "path with --db."
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise BadInput(
                f"There is no Schildwacht database at {self.path}; create one with "
                "`schildwacht init` (or point --db at an existing one)."
            )
        elif is_encrypted(self.path) and self.passphrase is None:
            raise IntegrityFailure(
                f"{self.path} is not a plain SQLite file: it is encrypted (give its passphrase "
                "in SCHILDWACHT_PASSPHRASE) or it is not a Schildwacht database."
            )
        conn = self.conn
        try:
            migrations.migrate(conn, str(self.path), after=_reinstall_sync_capture)
            missing = capture.missing_triggers(conn)
            if missing and not repair:
                raise capture.missing_refusal(missing, str(self.path))
            self._install_capture(conn)
            if repair:
                with self.write("db.repair", None, {"missing_triggers": len(missing)}) as c:
                    capture.install_triggers(c, baseline=False)
                    capture.queue_drift(c)
        except (sqlite3.DatabaseError, _driver(self.passphrase is not None).DatabaseError) as exc:
            self.close()
            raise BadInput(f"{self.path} is not a Schildwacht database ({exc}).") from None
        except StoreError:
            self.close()
            raise

    # Connections ----------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            if migrations.schema_version(conn) == migrations.SCHEMA_VERSION:
                self._install_capture(conn)
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        driver = _driver(self.passphrase is not None)
        try:
            conn = driver.connect(
                str(self.path),
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            conn.row_factory = driver.Row
            if self.passphrase is not None:
                conn.execute("PRAGMA cipher_log_level = NONE")  # refusals are ours to word
                conn.execute(f"PRAGMA key = '{self.passphrase.replace(chr(39), chr(39) * 2)}'")
                try:
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                except driver.DatabaseError:
                    conn.close()
                    raise IntegrityFailure(
                        f"Wrong passphrase for {self.path}; nothing was opened."
                    ) from None
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except driver.DatabaseError as exc:
            raise BadInput(f"{self.path} is not a Schildwacht database ({exc}).") from None
        return conn

    def _install_capture(self, conn: sqlite3.Connection) -> None:
        """TEMP triggers on every user table record this connection's changes (before and
        after) for the audit event that ``write`` appends. TEMP triggers fire only for writes
        through this connection, so nothing written elsewhere is attributed to this actor."""
        if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'audit_pending'").fetchone():
            return
        conn.execute("CREATE TEMP TABLE audit_pending (tbl TEXT, op TEXT, before TEXT, after TEXT)")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            if table in UNAUDITED_TABLES or table.startswith("sync_"):
                continue
            columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]

            def row(prefix: str, cols: list[str] = columns) -> str:
                return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in cols) + ")"

            for op, before, after in (
                ("insert", "NULL", row("NEW")),
                ("update", row("OLD"), row("NEW")),
                ("delete", row("OLD"), "NULL"),
            ):
                conn.execute(
                    f"CREATE TEMP TRIGGER audit_{op}_{table} AFTER {op.upper()} ON main.{table}"
                    " WHEN NOT EXISTS (SELECT 1 FROM main.sync_applying)"
                    f" BEGIN INSERT INTO audit_pending VALUES ('{table}', '{op}', {before},"
                    f" {after}); END"
                )

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # Reading -------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Plain tuples, for bulk reads where row objects would cost more than the query."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def data_version(self) -> int:
        """Changes when another connection commits; the console polls it to refresh."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def device_id(self) -> str:
        return self.meta("device_id") or "unknown-device"

    @property
    def user(self) -> str | None:
        """The acting person's callsign: ``--user``, else the device's own operator."""
        return self._user or self.meta("operator")

    @property
    def actor(self) -> Any:
        """The acting person as a ``staff.Staff`` record; resolved on first use."""
        if self._actor is None:
            from .staff import find_staff

            callsign = self.user
            if callsign is None:
                raise BadInput("No acting person: pass --user CALLSIGN or run `schildwacht init`.")
            actor = find_staff(self, callsign)
            if actor is None:
                raise NotFound(
                    f"No person with callsign {callsign} in this database; pass --user with a "
                    "callsign from `schildwacht staff list`."
                )
            self._actor = actor
        return self._actor

    def forget_actor(self) -> None:
        """Look the acting person up again at the next use: their role may have changed."""
        self._actor = None

    def now(self) -> str:
        return to_db(self.clock.now())

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def seal(self, actor: str | None = None) -> int:
        """Seal captured changes into the change log; inside a write transaction."""
        who = actor or self._user or self.meta("operator") or "system"
        return capture.seal(self.conn, self.device_id, who, self.now_ms())

    # Writing -------------------------------------------------------------------------------

    @contextmanager
    def write(
        self, action: str, target: str | None = None, detail: dict[str, Any] | None = None
    ) -> Iterator[sqlite3.Connection]:
        """One user action: ``BEGIN IMMEDIATE`` … audit event … ``COMMIT``, or nothing at all.

        The block may add to ``detail`` (it is written into the audit event at the end).
        """
        conn = self.conn
        detail = {} if detail is None else detail
        conn.execute("BEGIN IMMEDIATE")
        pending_changes(conn)  # nothing captured outside a store action is attributed to it
        try:
            yield conn
            detail.update(pending_changes(conn))
            actor = self._user or self.meta("operator") or "system"
            self.seal(actor)
            append_audit(conn, self.now(), actor, self.device_id, action, target, detail)
            conn.execute("COMMIT")
            self.forget_actor()  # a role may have changed (staff role, an import)
        except integrity_errors() as exc:
            conn.execute("ROLLBACK")
            raise _constraint_error(exc) from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _reinstall_sync_capture(conn: sqlite3.Connection, from_version: int) -> None:
    """After migrations: re-create the capture triggers (a migration may have rebuilt a table);
    a database from before sync queues its existing rows so they reach the other laptops."""
    capture.install_triggers(conn, baseline=0 < from_version < capture.SYNC_SCHEMA)


def pending_changes(conn: sqlite3.Connection) -> dict[str, Any]:
    """This transaction's captured row changes, before and after, then cleared."""
    try:
        total = conn.execute("SELECT count(*) FROM temp.audit_pending").fetchone()[0]
    except sqlite3.Error:
        return {}
    rows = conn.execute(
        "SELECT tbl, op, before, after FROM temp.audit_pending ORDER BY rowid LIMIT ?",
        (AUDIT_ROWS,),
    ).fetchall()
    conn.execute("DELETE FROM temp.audit_pending")
    changes = [
        {
            "table": t,
            "op": op,
            "before": json.loads(b) if b else None,
            "after": json.loads(a) if a else None,
        }
        for t, op, b, a in rows
    ]
    return {"changes": changes, "changes_total": total} if total else {}


def append_audit(
    conn: sqlite3.Connection,
    at: str,
    actor: str,
    device: str,
    action: str,
    target: str | None,
    detail: dict[str, Any],
) -> str:
    """Append one hash-chained audit event and return its hash."""
    row = conn.execute("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS_HASH
    body = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    digest = audit_hash(prev, at, actor, device, action, target, body)
    conn.execute(
        "INSERT INTO audit_event (at, actor, device, action, target, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, actor, device, action, target, body, prev, digest),
    )
    return digest


def audit_hash(
    prev: str, at: str, actor: str, device: str, action: str, target: str | None, body: str
) -> str:
    material = "\x1f".join([prev, at, actor, device, action, target or "", body])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _constraint_error(exc: Exception) -> StoreError:
    message = str(exc)
    if message.startswith("R1:"):
        return RuleViolation("R1", f"Refused by the database: {message} (rule R1).")
    if message[:2] in {"R6", "R7", "R9"}:
        return RuleViolation(message[:2], f"Refused by the database: {message}.")
    return BadInput(f"The database refused the change: {message}.")


def resolve_id(store: Store, table: str, text: str, what: str) -> str:
    """A full id, or a unique prefix of at least 8 characters (ids are long to type)."""
    value = text.strip().lower()
    if store.one(f"SELECT 1 FROM {table} WHERE id = ?", (value,)):
        return value
    if len(value) >= 8:
        rows = store.query(f"SELECT id FROM {table} WHERE id LIKE ? LIMIT 2", (value + "%",))
        if len(rows) == 1:
            return str(rows[0]["id"])
        if len(rows) > 1:
            raise BadInput(f"'{text}' matches more than one {what}; give more of the id.")
    raise NotFound(f"No {what} with id '{text}'.")


def backup_database(store: Store, target: str | Path) -> Path:
    """A consistent copy, written under a temporary name and renamed; encrypted with the same
    passphrase when the database is."""
    destination = Path(target).expanduser()
    if destination.exists() and destination.resolve() == store.path.resolve():
        raise BadInput("The backup must go to another file than the database itself.")
    if destination.is_dir():
        raise BadInput(f"{destination} is a directory; give the backup's file name.")
    temporary = destination.with_name(f".{destination.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        if store.passphrase is None:
            store.conn.execute("VACUUM INTO ?", (str(temporary),))
        else:
            key = store.passphrase.replace("'", "''")
            store.conn.execute(f"ATTACH DATABASE ? AS backup KEY '{key}'", (str(temporary),))
            try:
                store.conn.execute("SELECT sqlcipher_export('backup')")
                version = store.conn.execute("PRAGMA user_version").fetchone()[0]
                store.conn.execute(f"PRAGMA backup.user_version = {int(version)}")
            finally:
                store.conn.execute("DETACH DATABASE backup")
        temporary.replace(destination)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise BadInput(f"Cannot write the backup to {destination}: {exc.strerror}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination


def rekey_database(store: Store, new_passphrase: str) -> None:
    """Change the passphrase of an encrypted database."""
    if store.passphrase is None:
        raise BadInput(
            "This database is not encrypted; create an encrypted one with "
            "`init --encrypt` and move the data with a backup."
        )
    if len(new_passphrase) < 8:
        raise BadInput("Choose a passphrase of at least 8 characters.")
    store.conn.execute(f"PRAGMA rekey = '{new_passphrase.replace(chr(39), chr(39) * 2)}'")
    store.passphrase = new_passphrase
