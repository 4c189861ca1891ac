"""The one place that opens the database.

``Store`` owns the path, the injected clock and the acting person. Each thread gets its own
connection (WAL journal, foreign keys on, a busy timeout), so the console's workers and a script
can use one database at once. Every user action is one ``write()`` transaction, opened with
``BEGIN IMMEDIATE`` so writers queue instead of deadlocking, and ends with an audit event in a
hash chain (R9). A rule broken inside the transaction rolls everything back.

With a passphrase the database is encrypted at rest by SQLCipher (``sqlcipher3``); a file that
is encrypted cannot be opened without it, and a wrong passphrase is an integrity failure.

Opening checks that the database's guards (triggers and views) are the ones this version makes
(``integrity``), and that the acting person is proven: the laptop's operator acts without more
ado, anyone else needs their secret (``proof``). A sync import writes through ``merging``: the
only connection on which R1's trigger lets a change through, and whose own changes are not
captured again.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import fingerprint, integrity, machine, migrations, validate
from .clock import CLOCK_KEY, Clock, SystemClock, to_db
from .errors import BadInput, IntegrityFailure, NotFound, RuleViolation, StoreError
from .proof import SecretSource, prove
from .sync import capture

BUSY_TIMEOUT_MS = 10_000
#: Tables whose changes are not themselves audited (the trail, bookkeeping; every sync_ table).
UNAUDITED_TABLES = frozenset({"audit_event", "meta", "staff_secret", "audit_witness"})
#: At most this many changed rows are written out in one audit event; the rest are counted.
AUDIT_ROWS = 50
GENESIS_HASH = "0" * 64
#: The audit action recording changes made to the database outside Schildwacht.
OUTSIDE_ACTION = "db.changed_outside"
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


def _driver_errors(name: str) -> tuple[type[Exception], ...]:
    """The exception class ``name`` of both drivers (plain SQLite and SQLCipher)."""
    errors: list[type[Exception]] = [getattr(sqlite3, name)]
    try:
        import sqlcipher3

        errors.append(getattr(sqlcipher3, name))
    except ImportError:  # pragma: no cover - sqlcipher3 is a dependency
        pass
    return tuple(errors)


def integrity_errors() -> tuple[type[Exception], ...]:
    """Constraint errors of both drivers."""
    return _driver_errors("IntegrityError")


def database_errors() -> tuple[type[Exception], ...]:
    """Operational errors of both drivers (busy, full, I/O, read-only …)."""
    return _driver_errors("OperationalError")


class Store:
    """A Schildwacht database, the clock that stamps it, and the person acting on it."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        user: str | None = None,
        secret: SecretSource = None,
        create: bool = False,
        passphrase: str | None = None,
        repair: bool = False,
    ) -> None:
        """``user`` acts (default: the laptop's operator); anyone but the operator needs
        ``secret`` — their secret, or a callable that asks for it when it is needed.

        ``repair`` restores missing or altered guards (triggers, views) instead of refusing to
        open, and captures what changed while capture triggers were missing (``db repair``)."""
        self.path = Path(path).expanduser()
        self.passphrase = passphrase or None
        self.clock: Clock = clock or SystemClock()
        self._user = user
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._actor: Any = None
        self._merge_lock = threading.Lock()
        self.repaired: dict[str, Any] = {}  # what ``repair`` found and did
        if self.path.is_dir():
            raise BadInput(f"{self.path} is a directory; --db needs the path of a database file.")
        if self.path.exists() and not self.path.is_file():  # reading a pipe would never end
            raise BadInput(
                f"{self.path} is not a regular file (a device, a pipe or a socket); --db needs "
                "the path of a database file."
            )
        if create:
            if self.path.exists() and self.path.stat().st_size > 0:
                raise BadInput(
                    f"A database already exists at {self.path}; use it, or choose another "
                    "path with --db."
                )
            _create_private(self.path)
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
            migrations.migrate(conn, str(self.path), after=integrity.finish_migrations)
            findings = integrity.check(conn)
            if findings and not repair:
                raise integrity.refusal(findings, str(self.path))
            if not repair:
                fingerprint.check(conn, str(self.path))
            self._install_capture(conn)
            if user is not None and not create:
                self._user = self._prove(user, secret)
            if repair:
                detail: dict[str, Any] = {
                    "missing": findings.missing,
                    "altered": findings.altered,
                    "unexpected": findings.unexpected,
                }
                conn.execute("BEGIN IMMEDIATE")  # queued rows no trigger wrote: never sealed
                detail["malformed_queue"] = capture.clear_malformed_pending(conn)
                conn.execute("COMMIT")
                with self.write("db.repair", None, detail) as c:
                    capture.install_triggers(c, baseline=False)
                    integrity.restore(c, integrity.check(c))
                    detail["catalogue"] = _restore_catalogue(c, str(self.path))
                    detail["rederived"] = rederive_threat_levels(c)
                    capture.queue_drift(c)
                self.repaired = detail
        except (sqlite3.DatabaseError, _driver(self.passphrase is not None).DatabaseError) as exc:
            self.close()
            fault = machine.machine_fault(exc, self.path)
            if fault is not None:
                raise fault from None
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
            # R1's trigger reads pragma_function_list(); the schema is checked at every open.
            conn.execute("PRAGMA trusted_schema = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except driver.DatabaseError as exc:
            fault = machine.machine_fault(exc, self.path)
            if fault is not None:
                raise fault from None
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
    def clock_fixed(self) -> bool:
        """Whether this database was created with a fixed clock (tests, demos): marked in meta
        and in its first audit event, which the hash chain and its witnesses hold, so flipping
        the meta row alone does not make a real database take a fixed clock."""
        if self.meta(CLOCK_KEY) != "fixed":
            return False
        row = self.one("SELECT action, detail FROM audit_event ORDER BY seq LIMIT 1")
        if row is None or row[0] != "db.init":
            return False
        try:
            return bool(validate.json_document(row[1], "an audit event").get(CLOCK_KEY) == "fixed")
        except (ValueError, AttributeError):
            return False

    @property
    def device_id(self) -> str:
        return self.meta("device_id") or "unknown-device"

    @property
    def user(self) -> str | None:
        """The acting person's callsign: ``--user``, else the device's own operator."""
        return self._user or self.meta("operator")

    @property
    def actor(self) -> Any:
        """The acting person as a ``staff.Actor`` record (with this laptop's enrolled role, which
        bounds theirs); resolved on first use."""
        if self._actor is None:
            from .staff import Actor, find_staff
            from .sync.roster import enrolled_role

            callsign = self.user
            if callsign is None:
                raise BadInput("No acting person: pass --user CALLSIGN or run `schildwacht init`.")
            person = find_staff(self, callsign)
            if person is None:
                raise NotFound(
                    f"No person with callsign {validate.shown(callsign)} in this database; pass "
                    "--user with a callsign from `schildwacht staff list`."
                )
            self._actor = Actor.acting(person, enrolled_role(self))
        return self._actor

    @property
    def operator(self) -> str | None:
        """The laptop's own operator, set at ``init``: acts without a secret."""
        return self.meta("operator")

    def _prove(self, user: str, secret: SecretSource) -> str:
        callsign = user.strip().upper()
        if callsign == self.operator:
            return callsign
        return prove(self.conn, callsign, secret)

    def switch_user(self, user: str, secret: SecretSource) -> Any:
        """Act as another person from now on (the console's Switch user): the operator without
        more ado, anyone else with their secret. Raises ``PermissionDenied`` (nothing changes)
        on a wrong or missing secret; returns the new actor."""
        callsign = self._prove(user, secret)
        with self._lock:
            self._user = callsign
            self._actor = None
        return self.actor

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
        validate.moment(self.clock.now(), "This computer's clock")  # every record is stamped
        try:
            conn.execute("BEGIN IMMEDIATE")
        except database_errors() as exc:
            raise self._fault(exc) from None
        pending_changes(conn)  # nothing captured outside a store action is attributed to it
        try:
            self._seal_outside(conn)
            yield conn
            detail.update(pending_changes(conn))
            actor = self._user or self.meta("operator") or "system"
            set_by = self._secret_set_by(conn, actor)
            if set_by is not None:  # whoever set that secret could have acted as them
                detail["secret_set_by"] = set_by
            self.seal(actor)
            append_audit(conn, self.now(), actor, self.device_id, action, target, detail)
            conn.execute("COMMIT")
            self.forget_actor()  # a role may have changed (staff role, an import)
        except integrity_errors() as exc:
            _rollback(conn)
            raise _constraint_error(exc) from None
        except database_errors() as exc:
            _rollback(conn)
            raise self._fault(exc) from None
        except BaseException:
            _rollback(conn)
            raise

    def _secret_set_by(self, conn: sqlite3.Connection, actor: str) -> str | None:
        """Who last set the acting person's secret here, when it was someone else (not the
        laptop's operator, who acts without one): what they do is marked so in the audit."""
        if actor == self.meta("operator"):
            return None
        row = conn.execute(
            "SELECT x.set_by FROM staff_secret x JOIN staff s ON s.id = x.staff_id"
            " WHERE s.callsign = ? AND x.set_by != s.callsign",
            (actor,),
        ).fetchone()
        return None if row is None else str(row[0])

    def _seal_outside(self, conn: sqlite3.Connection) -> None:
        """Changes captured before this action began were made outside Schildwacht (a sqlite
        tool, a script): they are sealed first, as a change set of their own under the
        laptop's operator, with an audit event of their own (``db.changed_outside``), never as
        part of the action. A database from before sync seals its baseline so, silently."""
        tables = capture.pending_tables(conn)
        if not tables:
            return
        operator = self.meta("operator") or "system"
        capture.seal(conn, self.device_id, operator, self.now_ms())
        baseline = conn.execute("DELETE FROM meta WHERE key = ?", (capture.BASELINE_KEY,))
        if baseline.rowcount:
            return
        append_audit(
            conn,
            self.now(),
            operator,
            self.device_id,
            OUTSIDE_ACTION,
            None,
            {"tables": tables, "rows": sum(tables.values())},
        )

    def _fault(self, exc: Exception) -> Exception:
        """A database error as the machine's refusal (exit 6), or unchanged."""
        return machine.machine_fault(exc, self.path) or exc

    def importing(self) -> Any:
        """Hold this database's import lock (a second import is refused at once)."""
        return machine.import_lock(self.path)

    @contextmanager
    def merging(self) -> Iterator[sqlite3.Connection]:
        """A sync import's one transaction, on a connection of its own.

        Only this connection has the function ``schildwacht_merging``, so only its writes pass
        R1's trigger (a merge never aborts over R1: an activity left below its level is flagged
        by ``activity_view``); any other connection, any sqlite tool included, is held to R1.
        The connection lives for this import alone. Local changes are sealed first (older
        stamps than anything merged now); what the merge itself writes is not captured as this
        laptop's change (the rows it leaves in ``sync_pending`` are discarded), and foreign
        keys are off (a row may refer to one another laptop deleted). Everything inside is
        committed together, or nothing is.
        """
        with self._merge_lock:
            conn = self._connect()
            conn.create_function(integrity.MERGING_FUNCTION, 0, _merging)
            previous = getattr(self._local, "conn", None)
            self._local.conn = conn  # store helpers used inside the import write through it
            try:
                conn.execute("PRAGMA foreign_keys = OFF")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._seal_outside(conn)
                    yield conn
                    conn.execute("DELETE FROM sync_pending")
                    conn.execute("COMMIT")
                except database_errors() as exc:
                    _rollback(conn)
                    raise self._fault(exc) from None
                except BaseException:
                    _rollback(conn)
                    raise
            finally:
                self._local.conn = previous
                self._actor = None  # a roster that came with the import may change our role
                conn.close()


def _restore_catalogue(conn: sqlite3.Connection, path: str) -> str:
    """``db repair``: put back the catalogue shipped with Schildwacht when that is the one this
    database recorded; refuse (exit 5, nothing written) when it recorded another one."""
    try:
        fingerprint.check(conn, path)
        return "as made at init"
    except IntegrityFailure:
        pass
    from .catalogue import load_catalogue, seed_catalogue

    kept = fingerprint.recorded(conn)
    conn.execute("SAVEPOINT catalogue")
    present = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for table in reversed(fingerprint.TABLES):
        if table in present:
            conn.execute(f"DELETE FROM {table}")
    seed_catalogue(conn, load_catalogue(None))
    if kept is None or fingerprint.compute(conn) != kept:
        conn.execute("ROLLBACK TO catalogue")
        conn.execute("RELEASE catalogue")
        raise IntegrityFailure(
            f"{path}: its reference catalogue was changed outside Schildwacht, and it is not "
            "the one shipped with Schildwacht, so it cannot be restored here. Restore the "
            "latest backup."
        )
    conn.execute("RELEASE catalogue")
    fingerprint.store_meta(conn, kept)
    return "restored from the catalogue shipped with Schildwacht"


def rederive_threat_levels(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every subject's threat level as R2 derives it from its assessments; return the ones
    that were not (lowered or raised on this disk outside Schildwacht)."""
    derived = (
        "(SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level"
        " WHERE a.subject_id = s.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)"
    )
    changed = [
        {"subject": code, "was": was, "now": now}
        for code, was, now in conn.execute(
            f"SELECT s.code, s.threat_level, {derived} FROM subject s"
            f" WHERE s.threat_level IS NOT {derived} ORDER BY s.code"
        ).fetchall()
    ]
    conn.execute(
        f"UPDATE subject SET threat_level = {derived.replace('s.id', 'subject.id')}"
        f" WHERE threat_level IS NOT {derived.replace('s.id', 'subject.id')}"
    )
    return changed


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is still open. SQLite has already rolled back by itself after some
    errors (a full disk); rolling back again would only hide the cause."""
    if not getattr(conn, "in_transaction", True):
        return
    try:
        conn.execute("ROLLBACK")
    except database_errors():
        pass


def _create_private(path: Path) -> None:
    """Make the folders Schildwacht creates 0700 and an empty database file 0600, before
    SQLite opens it (its WAL and shared-memory files take the database file's mode). A
    folder that already exists keeps its mode: it may be one the person chose to share."""
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    try:
        for new in reversed(missing):
            new.mkdir(mode=0o700)
            new.chmod(0o700)  # mkdir's mode passes through the umask
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    except OSError as exc:
        raise machine.os_fault(exc, path, "create the database") from None


def _merging() -> int:
    return 1


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
    import hashlib  # here: only writes hash, and scripted reads start without OpenSSL

    material = "\x1f".join([prev, at, actor, device, action, target or "", body])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _constraint_error(exc: Exception) -> StoreError:
    message = str(exc)
    if message.startswith("R1:"):
        return RuleViolation("R1", f"Refused by the database: {message} (rule R1).")
    if message[:2] in {"R2", "R6", "R7", "R9"}:
        return RuleViolation(message[:2], f"Refused by the database: {message}.")
    return BadInput(f"The database refused the change: {message}.")


def resolve_id(store: Store, table: str, text: str, what: str) -> str:
    """A full id, or a unique prefix of at least 8 characters (ids are long to type)."""
    value = text.strip().lower()
    if store.one(f"SELECT 1 FROM {table} WHERE id = ?", (value,)):
        return value
    if _ID_PREFIX.match(value):  # only id characters: no LIKE wildcards from the person
        rows = store.query(f"SELECT id FROM {table} WHERE id LIKE ? LIMIT 2", (value + "%",))
        if len(rows) == 1:
            return str(rows[0]["id"])
        if len(rows) > 1:
            raise BadInput(
                f"{validate.shown(text)} matches more than one {what}; give more of the id."
            )
    raise NotFound(f"No {what} with id {validate.shown(text)}.")


_ID_PREFIX = re.compile(r"^[0-9a-f-]{8,36}$")


def backup_database(store: Store, target: str | Path) -> Path:
    """A consistent copy, written under a temporary name and renamed; encrypted with the same
    passphrase when the database is."""
    destination = Path(target).expanduser()
    if destination.exists() and destination.resolve() == store.path.resolve():
        raise BadInput("The backup must go to another file than the database itself.")
    if destination.is_dir():
        raise BadInput(f"{destination} is a directory; give the backup's file name.")
    temporary = destination.with_name(f".{destination.name}.partial")
    leftovers = [temporary, *(Path(f"{temporary}{end}") for end in ("-journal", "-wal", "-shm"))]
    for path in leftovers:
        path.unlink(missing_ok=True)
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
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
    except BaseException as exc:
        for path in leftovers:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise machine.os_fault(exc, destination, "write the backup") from None
        if isinstance(exc, Exception) and (
            fault := machine.machine_fault(exc, destination, "the backup")
        ):
            raise fault from None
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
