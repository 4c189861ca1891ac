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

import atexit
import contextlib
import json
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import access, dbfile, fingerprint, integrity, machine, migrations, validate
from .clock import CLOCK_KEY, Clock, SystemClock, to_db
from .errors import (
    BadInput,
    IntegrityFailure,
    MachineFault,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StoreError,
)
from .states import CatalogueState

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:  # proving a person loads argon2: only when someone else acts
    from datetime import datetime
    from typing import Any

    from .proof import SecretSource

#: ``db repair``'s restorer of the shipped catalogue (``setup.restore_catalogue``): given the
#: connection and the database's path, it returns what it did.
CatalogueRestore = Callable[[sqlite3.Connection, str], CatalogueState]

BUSY_TIMEOUT_MS = 10_000
#: Tables whose changes are not themselves audited (the trail, bookkeeping; every sync_ table).
UNAUDITED_TABLES = frozenset({"audit_event", "meta", "staff_secret", "audit_witness"})
#: At most this many changed rows are written out in one audit event; the rest are counted.
AUDIT_ROWS = 50
GENESIS_HASH = "0" * 64
#: The audit action recording changes made to the database outside Schildwacht.
OUTSIDE_ACTION = "db.changed_outside"
SQLITE_HEADER = b"SQLite format 3\x00"


def _is_plain(path: Path) -> bool:
    """A file that starts with SQLite's plain header (never one an encrypted database makes)."""
    read = dbfile.head(path, 16)
    return read is not None and read[0] == SQLITE_HEADER


def is_encrypted(path: Path) -> bool:
    """A non-empty file that does not start with SQLite's plain header.

    Args:
        path: the database file.

    Returns:
        True for an encrypted (or not a SQLite) file; False for a plain or empty one.
    """
    read = dbfile.head(path, 16)
    return read is not None and len(read[0]) == 16 and read[0] != SQLITE_HEADER


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
    """Constraint errors of both drivers.

    Returns:
        The exception classes to catch (sqlite3's and, when installed, SQLCipher's).
    """
    return _driver_errors("IntegrityError")


def database_errors() -> tuple[type[Exception], ...]:
    """Operational errors of both drivers (busy, full, I/O, read-only …).

    Returns:
        The exception classes to catch (sqlite3's and, when installed, SQLCipher's).
    """
    return _driver_errors("OperationalError")


#: Every store of this process (``_let_go_at_exit``).
_STORES: weakref.WeakSet[Store] = weakref.WeakSet()
#: Connections to a database file replaced under them, never closed (``_abandon``), and the
#: files (device, inode) they hold.
_ABANDONED: list[Any] = []
_ABANDONED_FILES: set[tuple[int, int]] = set()


def _abandon(conn: Any, file_id: tuple[int, int] | None) -> None:
    """Keep a connection to a replaced database file open for the life of the process: closing
    it, SQLite would checkpoint its ``-wal`` into the file now at that path (a backup copied
    over it: the restored file damaged) and delete the ``-wal`` and ``-shm`` under that name
    (another one's). The process's exit lets it go without a word (rev17s). Not even the
    interpreter's last clean-up closes it: its count of references never falls to nothing."""
    import ctypes

    ctypes.pythonapi.Py_IncRef(ctypes.py_object(conn))
    _ABANDONED.append(conn)
    if file_id is not None:
        _ABANDONED_FILES.add(file_id)


@atexit.register
def _let_go_at_exit() -> None:
    """At the process's end, the connections of a store whose file was replaced are abandoned,
    not closed (the console never closes its store: the interpreter would)."""
    for store in list(_STORES):
        if store.replaced():
            store.close()


class Store:
    """A Schildwacht database, the clock that stamps it, and the person acting on it."""

    #: Called once, with the ids the action made (``made``; else its target), inside the next
    #: outermost write just before its COMMIT (then cleared): a command that prints a created
    #: id does it there, so output that cannot be written rolls the record back
    #: (``commands.output.creating``).
    before_commit: Callable[[tuple[str, ...]], None] | None = None
    #: Why the database is open for reading only (``machine.write_blocked``'s cause: the disk
    #: is read-only or full, the folder may not be written), or None: it reads and writes.
    #: Reading works as usual; every write is refused with that cause.
    read_only: str | None = None
    #: The device id once read (``device_id``: set once by ``init``, never changed).
    _device_id: str | None = None
    #: Whether the opening's checks passed (``_write_ahead``): connections then use WAL.
    _opened: bool = False
    #: The identity (device, inode) of the database file and of its ``-wal`` as this store's
    #: connections opened them (``_opened_files``), compared before every write
    #: (``_same_files``): a backup restored over the file while it is open is refused, never
    #: written into the old file or a deleted ``-wal`` and lost (issue #17, rev17s).
    _file_id: tuple[int, int] | None = None
    _wal_id: tuple[int, int] | None = None

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
        restore_catalogue: CatalogueRestore | None = None,
        fixed: Clock | None = None,
    ) -> None:
        """``user`` acts (default: the laptop's operator); anyone but the operator needs
        ``secret`` — their secret, or a callable that asks for it when it is needed.

        ``repair`` restores missing or altered guards (triggers, views) instead of refusing to
        open, and captures what changed while capture triggers were missing (``db repair``);
        ``restore_catalogue`` (``setup.restore_catalogue``) then puts back a reference catalogue
        changed on disk, and says what it did. ``fixed``: a fixed clock (tests, demos) taken
        instead of ``clock`` only when this database was created with one (``clock_fixed``),
        before ``repair`` writes anything."""
        self.path = Path(path).expanduser()
        self._wal_path = f"{self.path}-wal"  # a string: ``replaced`` runs at every write
        self.passphrase = passphrase or None
        self.clock: Clock = clock or SystemClock()
        self._user = user
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._actor: access.ActingPerson | None = None
        self._merge_lock = threading.Lock()
        self.repaired: dict[str, Any] = {}  # what ``repair`` found and did
        self._tuple_rows: Callable[[Any, tuple[Any, ...]], Any] | None = None  # ``_open``'s
        self._create = create
        self._restore_catalogue = restore_catalogue
        self._restored_before: CatalogueState | None = None  # put back before migrations
        self._check_path(create)
        conn = self.conn
        try:
            if repair and (found := machine.quick_check(conn) or machine.text_check(conn)):
                raise machine.damaged(f"the database {self._shown_path()}", **found)  # unwritten
            self._schema_as_stored(conn)
            reindex = self._before_repair(conn, user, secret, create) if repair else False
            findings, rebuilt = self._migrate_checked(conn, user, secret, create, repair, reindex)
            if fixed is not None and self.clock_fixed:
                self.clock = fixed
            if create:  # a new database's first action (``setup``) writes outside ``write``
                self._install_capture(conn)
            if repair:
                self.repaired = self._repair(
                    conn,
                    findings,
                    restore_catalogue,
                    reindex=reindex and not rebuilt,
                    rebuilt=rebuilt,
                )
            self._write_ahead(conn)
        except (sqlite3.DatabaseError, _driver(self.passphrase is not None).DatabaseError) as exc:
            self.close()
            fault = machine.machine_fault(exc, self.path)
            if fault is not None:
                raise fault from None
            raise _not_a_database(self.path, exc) from None
        except StoreError:
            self.close()
            raise

    def _migrate_checked(
        self,
        conn: sqlite3.Connection,
        user: str | None,
        secret: SecretSource,
        create: bool,
        repair: bool,
        reindex: bool,
    ) -> tuple[integrity.Findings, bool]:
        """Run the missing migrations and every check that can refuse the opening: the guards
        (``integrity.check``), the catalogue's fingerprint and the acting person's proof.

        On a database that existed before with migrations to run, nothing is written before
        those checks pass (rev14s H2, M2): SQLite's integrity check first refuses a damaged
        file (no migration writes through a damaged index; ``db repair`` instead rebuilds the
        indexes in the migrations' transaction, before the first), and the checks run inside
        that transaction, after the last migration: a refusal rolls every migration back, and
        the file is byte for byte as it was. The catalogue's fingerprint is checked before
        the first migration (rev14t H1): a migration records it anew, which would otherwise
        accept a catalogue changed outside Schildwacht. Returns the guards' findings and
        whether the indexes were rebuilt here."""
        current = migrations.schema_version(conn)
        if not 0 < current < migrations.SCHEMA_VERSION:  # up to date, new, or refused as newer
            migrations.migrate(conn, str(self.path), after=_finish_migrations)
            return self._opening_checks(conn, user, secret, create, repair), False
        if not repair and (found := machine.integrity_check(conn, self.path)):
            raise machine.damaged(f"the database {self._shown_path()}", **found)
        checked: list[integrity.Findings] = []

        def after(c: sqlite3.Connection, version: int) -> None:
            _finish_migrations(c, version)
            checked.append(self._opening_checks(c, user, secret, create, repair))

        def before(c: sqlite3.Connection) -> None:
            if reindex:
                self._reindex(c)
            if found := integrity.check_at(c, current):  # before a migration meets it (M6)
                if not repair:
                    raise integrity.refusal(found, str(self.path))
                integrity.restore_at(c, found, current)
            if not repair:  # before any migration records the catalogue anew (rev14t H1)
                fingerprint.check(c, str(self.path))
            else:
                self._catalogue_before_migrations(c)

        migrations.migrate(conn, str(self.path), after=after, before=before)
        return checked[0], reindex

    def _catalogue_before_migrations(self, conn: sqlite3.Connection) -> None:
        """``db repair`` of an older file: a catalogue changed outside Schildwacht is put back
        (``restore_catalogue``: the shipped one) or the repair refused, before the migrations
        record the catalogue's fingerprint anew, which took the changed one as made (rev14t
        LOW: exit 0, the level's package as a tool left it). A trail cut at its start is left
        to ``_repair``, which names it."""
        try:
            fingerprint.check(conn, str(self.path))
        except IntegrityFailure:
            if integrity.audit_trail_cut(conn):
                return
            if self._restore_catalogue is None:
                raise
            self._restored_before = self._restore_catalogue(conn, str(self.path))

    def _opening_checks(
        self,
        conn: sqlite3.Connection,
        user: str | None,
        secret: SecretSource,
        create: bool,
        repair: bool,
    ) -> integrity.Findings:
        """The checks of an opening that refuse (unless ``repair``: the guards' findings are
        what it restores) and the proof of ``user``; the guards' findings."""
        findings = integrity.check(conn)
        if findings and not repair:
            raise integrity.refusal(findings, str(self.path))
        if not repair:
            try:
                fingerprint.check(conn, str(self.path))
            except IntegrityFailure:
                # the catalogue's fingerprint is recorded by the trail's first event: a trail
                # cut at its start is named as such, as ``db repair`` names it (rev13t)
                if integrity.audit_trail_cut(conn):
                    raise IntegrityFailure(code="audit_trail_cut", path=str(self.path)) from None
                raise
            _check_operator(conn, str(self.path))
        if user is not None and not create:
            self._user = self._prove(user, secret)
        return findings

    def _before_repair(
        self, conn: sqlite3.Connection, user: str | None, secret: SecretSource, create: bool
    ) -> bool:
        """``db repair``: every check that can refuse runs before anything is written (issue
        14, rev14q): a database newer than this program, an index that a rebuild does not cure,
        and the acting person's proof. When the integrity check finds an index that does not
        match its table, the rebuild is tried (and the person proved against the rebuilt
        indexes) in a transaction that is rolled back; the repair's own audited transaction
        rebuilds them for real. With migrations still to run, the rebuild is instead the first
        step of the migrations' transaction, and the proof its last (``_migrate_checked``):
        no migration writes through a damaged index, and a refusal rolls all of it back
        (rev14s H2: the rebuild was committed before the proof). Returns whether the indexes
        are to be rebuilt."""
        current = migrations.schema_version(conn)
        if current > migrations.SCHEMA_VERSION:
            raise BadInput(
                code="schema_too_new",
                path=str(self.path),
                current=current,
                known=migrations.SCHEMA_VERSION,
            )
        found = machine.integrity_check(conn, self.path)
        if not found:
            return False
        if "size" in found:
            raise machine.damaged(f"the database {self._shown_path()}", **found)
        if current < migrations.SCHEMA_VERSION:  # tried in the migrations' transaction
            return True
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._reindex(conn)
            if user is not None and not create:
                self._prove(user, secret)
        except BaseException:
            _rollback(conn)
            raise
        conn.execute("ROLLBACK")
        return True

    def _reindex(self, conn: sqlite3.Connection) -> None:
        """Rebuild every index from its table (REINDEX) inside the caller's transaction and
        check again; what that does not cure is refused as damage. A UNIQUE index whose table
        now holds a value twice (let in while the index was damaged) is refused naming the rows
        (issue 14, rev14p)."""
        where = f"the database {self._shown_path()}"
        try:
            conn.execute("REINDEX")
        except (
            sqlite3.IntegrityError,
            _driver(self.passphrase is not None).IntegrityError,
        ) as exc:
            raise _duplicates(conn, where, exc) from None
        if after := machine.integrity_check(conn):
            raise machine.damaged(where, **after)

    def _schema_as_stored(self, conn: sqlite3.Connection) -> None:
        """Refuse, before any migration writes, a database whose schema is already that of a
        later version than its header says (the header's schema version overwritten)."""
        stored = migrations.schema_version(conn)
        if later := integrity.applied_later(conn, stored):
            where = f"the database {self._shown_path()}"
            raise machine.damaged(where, stored=stored, later=later[0])

    def _repair(
        self,
        conn: sqlite3.Connection,
        findings: integrity.Findings,
        restore_catalogue: CatalogueRestore | None,
        *,
        reindex: bool = False,
        rebuilt: bool = False,
    ) -> dict[str, Any]:
        """``db repair``: restore the guards and capture what changed while capture was
        missing (see ``__init__``); what it found and did. ``reindex``: rebuild the indexes
        (``_before_repair`` found them damaged) in the audited transaction; ``rebuilt``: they
        were rebuilt before the migrations (recorded alike: rev14s H2)."""
        from .sync import capture

        detail: dict[str, Any] = {k: getattr(findings, k) for k in _FOUND}
        detail["reindexed"] = reindex or rebuilt
        replaced = integrity.replaced_tables(conn)
        if replaced:  # its rows are elsewhere, or gone: nothing here can make it whole
            raise IntegrityFailure(code="table_replaced", path=str(self.path), table=replaced[0])
        # never record rows it lost as deleted: a table gone, or holding fewer rows than its
        # change log says (made again empty, whatever its definition; rev13s F2)
        if lost := integrity.lost_tables(conn) or sorted(capture.lost_rows(conn)):
            raise IntegrityFailure(code="table_lost", path=str(self.path), table=lost[0])
        if integrity.audit_trail_cut(conn):  # no repair makes it whole (rev13s F5)
            raise IntegrityFailure(code="audit_trail_cut", path=str(self.path))
        self._tried(conn, findings, restore_catalogue, reindex=reindex)  # before any write
        self._repair_schema(conn, findings, detail, reindex=reindex)
        with self.write("db.repair", None, detail) as c:
            detail.update(capture.set_aside_malformed(c, self.device_id))
            capture.install_triggers(c, baseline=False)
            integrity.restore(c, integrity.check(c))
            if left := integrity.check(c):  # never "in place" when the next open refuses
                raise IntegrityFailure(
                    code="repair_incomplete", path=str(self.path), found=left.sentence()
                )
            detail["catalogue"] = self._restored_before or (
                restore_catalogue(c, str(self.path))
                if restore_catalogue is not None
                else _catalogue_state(c, str(self.path))
            )
            detail["rederived"] = rederive_threat_levels(c)
            capture.queue_drift(c)
        return detail

    def _tried(
        self,
        conn: sqlite3.Connection,
        findings: integrity.Findings,
        restore_catalogue: CatalogueRestore | None,
        *,
        reindex: bool,
    ) -> None:
        """Every step of ``db repair`` that can refuse, tried in one transaction rolled back
        before its first write: the schema's repair (``_repair_schema``'s steps), then what the
        audited write does that can refuse — the guards restored and checked again
        (``repair_incomplete``), the catalogue restored (rev14t H5: planted objects were
        dropped and committed, and then the repair refused; a UNIQUE index restore could not
        make again refused likewise). A refused repair leaves the file byte for byte as it
        was; the repair then runs the same steps for real."""
        from .sync import capture

        validate.moment(self.clock.now(), "system_clock")  # what ``write`` refuses first
        conn.execute("PRAGMA foreign_keys = OFF")  # as ``_repair_schema`` runs its steps
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._schema_steps(conn, findings, {}, reindex=reindex)
                capture.set_aside_malformed(conn, self.device_id)
                capture.install_triggers(conn, baseline=False)
                try:
                    integrity.restore(conn, integrity.check(conn))
                except integrity_errors() as exc:  # a UNIQUE index the table no longer takes
                    raise _duplicates(conn, f"the database {self._shown_path()}", exc) from None
                if left := integrity.check(conn):
                    raise IntegrityFailure(
                        code="repair_incomplete", path=str(self.path), found=left.sentence()
                    )
                if restore_catalogue is not None:
                    restore_catalogue(conn, str(self.path))
            except integrity_errors() as exc:  # as ``write`` words a constraint refusing
                raise _constraint_error(exc) from None
            finally:
                _rollback(conn)
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _repair_schema(
        self,
        conn: sqlite3.Connection,
        findings: integrity.Findings,
        detail: dict[str, Any],
        *,
        reindex: bool,
    ) -> None:
        """``db repair``'s first transaction, before ``write`` (its capture cannot run with
        them there): ``_schema_steps``, with foreign keys off (a table rebuilt is dropped,
        which must cascade nothing). Anything refused rolls it all back; ``_tried`` ran the
        whole repair before it, so nothing refuses after this commits."""
        conn.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._schema_steps(conn, findings, detail, reindex=reindex)
            except BaseException:
                _rollback(conn)
                raise
            conn.execute("COMMIT")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _schema_steps(
        self,
        conn: sqlite3.Connection,
        findings: integrity.Findings,
        detail: dict[str, Any],
        *,
        reindex: bool,
    ) -> None:
        """Indexes rebuilt, planted objects dropped, unsealed malformed queued rows cleared,
        added columns dropped, tables whose definition a tool rewrote rebuilt with ours; in
        the caller's transaction, foreign keys off."""
        from .sync import capture

        if reindex:
            self._reindex(conn)
        detail["dropped_planted"] = integrity.drop_planted(conn, findings)
        detail["malformed_queue"] = capture.clear_malformed_pending(conn)
        detail["dropped_columns"] = integrity.drop_added_columns(conn, findings)
        detail["rebuilt"] = integrity.rebuild_tables(conn, findings, str(self.path))

    def _check_path(self, create: bool) -> None:
        """Refuse a path that is no database file (or, to create one, one that exists);
        create a new one's folders and empty file with private modes."""
        if self.path.is_dir():
            raise BadInput(code="database_is_folder", path=str(self.path))
        if self.path.exists() and not self.path.is_file():  # reading a pipe would never end
            raise BadInput(code="database_not_a_file", path=str(self.path))
        if create:
            if self.path.exists() and self.path.stat().st_size > 0:
                raise BadInput(code="database_exists", path=str(self.path))
            _create_private(self.path)
        elif not self.path.exists():
            raise _no_database(self.path)
        elif self.passphrase is not None and _is_plain(self.path):
            raise BadInput(code="passphrase_for_plain", path=str(self.path))
        elif is_encrypted(self.path) and self.passphrase is None:
            raise IntegrityFailure(code="encrypted_or_foreign", path=str(self.path))

    # Connections ----------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if _ABANDONED_FILES and _identity(self.path) in _ABANDONED_FILES:
                # SQLite shares one -shm mapping per file in a process: the abandoned ones'
                raise self.replaced_refusal()
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                if not self._connections:  # the files as they are now: the ones it opened
                    self._file_id, self._wal_id = _identity(self.path), None
                    self._opened_files()
                    _STORES.add(self)
                    dbfile.opened(self, self.path)  # its -wal and -shm are never closed
                self._connections.append(conn)
        return conn

    def _opened_files(self) -> None:
        """Note the ``-wal``'s identity once it is there (SQLite makes it at the first read in
        WAL mode): while a connection of this store is open, SQLite neither deletes nor
        replaces it, so another one under its name was put there by someone else."""
        if self._wal_id is None and self._file_id is not None:
            self._wal_id = _identity(self._wal_path)

    def _same_files(self) -> None:
        """Refuse a write when the database file or its ``-wal`` under this store's path is no
        longer the one its connections opened (a backup copied or moved over it, the ``-wal``
        removed): SQLite would write into the old file, or a ``-wal`` no one reads, and the
        write be lost without a word. Two ``stat`` calls (rev17s)."""
        if self.replaced():
            raise self.replaced_refusal()

    def replaced_refusal(self) -> IntegrityFailure:
        """The refusal of a write to a database file replaced while open (``replaced``).

        Returns:
            ``database_replaced`` naming this database (exit 5), to be raised or said.
        """
        return IntegrityFailure(code="database_replaced", path=self._shown_path())

    def replaced(self) -> bool:
        """Whether the database file or its ``-wal`` under this store's path is no longer the
        one its open connections hold (a backup put in its place, the ``-wal`` removed).

        Returns:
            True when replaced: every write is refused (``database_replaced``) and ``close``
            leaves its connections open until the process ends.
        """
        if self._file_id is None:
            return False
        wal = None if self._wal_id is None else _identity(self._wal_path)
        return _identity(self.path) != self._file_id or wal != self._wal_id

    def _connect(self) -> sqlite3.Connection:
        """A connection that reads and writes; when nothing can be written beside the database
        (a read-only or full disk, a folder this user may not write), one that only reads it
        as it is on disk (``read_only`` says why), so that it can still be read and copied."""
        if self.read_only is None:
            try:
                return self._open()
            except MachineFault as fault:
                blocked = None if self._create else machine.write_blocked(self.path)
                if blocked is None or fault.code not in machine.CANNOT_WRITE:
                    raise  # busy, out of memory…: not a disk that cannot be written
                self.read_only = blocked
        try:
            return self._open(_read_only_uri(self.path, "mode=ro"))
        except MachineFault:
            if _log_holds_changes(self.path):  # not without its shared memory
                raise machine.log_unreadable(self.path) from None
            return self._open(_read_only_uri(self.path, "immutable=1"))

    def _open(self, uri: str | None = None) -> sqlite3.Connection:
        """A connection to the database file, or (``uri``) the URI that opens it read-only."""
        driver = _driver(self.passphrase is not None)
        read_only = uri is not None
        try:
            conn = driver.connect(
                uri or str(self.path),
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
                uri=read_only,
            )
            conn.row_factory = machine.typed_rows(driver.Row, driver.DatabaseError)
            self._tuple_rows = machine.typed_rows(None, driver.DatabaseError)
            if self.passphrase is not None:
                conn.execute("PRAGMA cipher_log_level = NONE")  # refusals are ours to word
                conn.execute(f"PRAGMA key = '{self.passphrase.replace(chr(39), chr(39) * 2)}'")
                try:
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                except driver.DatabaseError as exc:
                    conn.close()
                    # a disk that cannot be written is no wrong passphrase
                    if (fault := machine.machine_fault(exc, self.path)) is not None:
                        raise fault from None
                    raise IntegrityFailure(code="wrong_passphrase", path=str(self.path)) from None
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not self._create and (kind := _schildwacht_kind(conn)) != "ours":
                stored = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.close()  # before WAL or any migration writes a byte into the file
                if kind == "damaged":  # said as any lowered version is (rev14s)
                    raise machine.damaged(
                        f"the database {self._shown_path()}", stored=stored, later="meta"
                    )
                raise _no_database(self.path)
            conn.execute("PRAGMA foreign_keys = ON")
            # R1's trigger reads pragma_function_list(); the schema is checked at every open.
            conn.execute("PRAGMA trusted_schema = ON")
            if not read_only:
                if self._opened:  # the first connection: once every refusing check passed
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except driver.DatabaseError as exc:
            fault = machine.machine_fault(exc, self.path)
            if fault is not None:
                raise fault from None
            raise _not_a_database(self.path, exc) from None
        return conn

    def _write_ahead(self, conn: sqlite3.Connection) -> None:
        """Put the file in write-ahead-log mode once the opening will succeed (every check
        that refuses it passed; ``db repair`` done): switching rewrites header bytes (18, 19,
        27, 95), so a refused rollback-journal file (a copy made with ``.backup`` or of a
        closed file) was changed although nothing was written (rev14t M5). Its migrations and
        repair before that run with a rollback journal: a refusal restores the file as it was.
        Later connections (other threads) switch as they open (a no-op on such a file)."""
        self._opened = True
        if self.read_only is None:
            conn.execute("PRAGMA journal_mode = WAL")

    def _install_capture(self, conn: sqlite3.Connection) -> None:
        """TEMP triggers on every user table record this connection's changes (before and
        after) for the audit event that ``write`` appends. TEMP triggers fire only for writes
        through this connection, so nothing written elsewhere is attributed to this actor.
        Installed when the connection's first action begins (what a connection wrote before
        its first action was never attributed to one: ``write`` discards it)."""
        if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'audit_pending'").fetchone():
            return
        # One savepoint: all of them or none (a connection with the table but not every
        # trigger would leave changes out of its audit events), and half the time.
        conn.execute("SAVEPOINT audit_capture")
        try:
            conn.execute(
                "CREATE TEMP TABLE audit_pending (tbl TEXT, op TEXT, before TEXT, after TEXT)"
            )
            for statement in _audit_triggers(conn):
                conn.execute(statement)
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                conn.execute("ROLLBACK TO audit_capture")
                conn.execute("RELEASE audit_capture")
            raise
        conn.execute("RELEASE audit_capture")

    def close(self) -> None:
        """Close every connection this store opened (on any thread); later calls open anew.
        When its file was replaced (``replaced``), they are left open until the process ends
        instead: closing them would write into, or delete files of, the file that replaced it."""
        with self._lock:
            replaced = self.replaced()
            for conn in self._connections:
                if replaced:
                    _abandon(conn, self._file_id)
                else:
                    conn.close()
            self._connections.clear()
            self._file_id = self._wal_id = None  # the next connection opens the files anew
            if not replaced:  # abandoned connections still hold their locks
                dbfile.closed(self)
        self._local = threading.local()

    # Reading -------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """Every row ``sql`` selects (read only: writes go through ``write``).

        Args:
            sql: one SQL statement with ``?`` or ``:name`` placeholders.
            params: their values.

        Returns:
            The rows, ``sqlite3.Row`` (by index or column name).
        """
        return self.conn.execute(sql, params).fetchall()

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Plain tuples, for bulk reads where row objects would cost more than the query.

        Args:
            sql: one SELECT statement, with ``?`` placeholders.
            params: the values of its placeholders.

        Returns:
            Every row selected, as a plain tuple.
        """
        cursor = self.conn.cursor()
        cursor.row_factory = self._tuple_rows  # plain tuples, their types checked (rev14s M1)
        return cursor.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        """The first row ``sql`` selects, or None (read only, as ``query``).

        Args:
            sql: one SELECT statement, with ``?`` or ``:name`` placeholders.
            params: the values of its placeholders (a sequence, or a mapping by name).

        Returns:
            The first ``sqlite3.Row`` (read by name or index), or None when it selects nothing.
        """
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def meta(self, key: str) -> str | None:
        """A value of the database's ``meta`` table (``device_id``, ``schema``…), or None.

        Args:
            key: the key (``device_id``, ``schema``…).

        Returns:
            The value as text, or None when the key is not set.
        """
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def data_version(self) -> int:
        """Changes when another connection commits; the console polls it to refresh.

        Returns:
            SQLite's ``PRAGMA data_version`` of this connection: a number that differs from the last
            one read when another connection committed since (compare, never do arithmetic on it).
        """
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def clock_fixed(self) -> bool:
        """Whether this database was created with a fixed clock (tests, demos): marked in meta
        and in its first audit event, which the hash chain and its witnesses hold, so flipping
        the meta row alone does not make a real database take a fixed clock."""
        if self.meta(CLOCK_KEY) != "fixed":
            return False
        row = self.one("SELECT action, detail, seq FROM audit_event ORDER BY seq LIMIT 1")
        if row is None or row[0] != "db.init" or row[2] != 1:  # a planted event 0 decides not
            return False
        try:
            return bool(validate.json_document(row[1], "audit_event").get(CLOCK_KEY) == "fixed")
        except (ValueError, AttributeError):
            return False

    @property
    def device_id(self) -> str:
        """This database's device id (``meta``, set once by ``init``, read once: a screen may
        ask for it on the UI thread), or ``unknown-device`` before it has one."""
        if self._device_id is None:
            found = self.meta("device_id")
            if found is None:
                return "unknown-device"
            self._device_id = found
        return self._device_id

    @property
    def user(self) -> str | None:
        """The acting person's callsign: ``--user``, else the device's own operator."""
        return self._user or self.meta("operator")

    @property
    def actor(self) -> access.ActingPerson:
        """The acting person, with this laptop's enrolled role (which bounds theirs); looked up
        on first use and again inside every write transaction.

        Raises:
            BadInput: there is no acting person (no ``user`` and no operator).
            NotFound: the acting callsign is not in this database.
        """
        if self._actor is None:
            callsign = self.user
            if callsign is None:
                raise BadInput(code="no_acting_person")
            row = self.one(
                "SELECT callsign, role FROM staff WHERE callsign = ?",
                (validate.identifier(callsign, "user"),),
            )
            if row is None:
                raise NotFound(code="unknown_actor", callsign=validate.shown(callsign))
            laptop = enrolled_role(self.conn, self.device_id)
            self._actor = access.ActingPerson(str(row[0]), str(row[1]), laptop)
        return self._actor

    @property
    def operator(self) -> str | None:
        """The laptop's own operator, set at ``init``: acts without a secret."""
        return self.meta("operator")

    def _prove(self, user: str, secret: SecretSource) -> str:
        callsign = validate.identifier(user, "user")
        if callsign == self.operator:
            return callsign
        from .proof import person_secret, prove

        person_secret(self.conn, callsign)  # no such person here: that first (NotFound)
        elsewhere = bound_elsewhere(self.conn, callsign, self.device_id)
        if elsewhere is not None:
            raise PermissionDenied(
                bound="secret", code="callsign_bound_elsewhere", callsign=callsign, device=elsewhere
            )
        return prove(self.conn, callsign, secret)

    def switch_user(self, user: str, secret: SecretSource) -> access.ActingPerson:
        """Act as another person from now on (the console's Switch user): the operator without
        more ado, anyone else with their secret. Raises ``PermissionDenied`` (nothing changes)
        on a wrong or missing secret; returns the new actor.

        Args:
            user: the callsign of the person to act as.
            secret: where their secret comes from (none needed for this database's operator).

        Returns:
            The new acting person.

        Raises:
            PermissionDenied: a wrong or missing secret; nothing changes.
        """
        callsign = self._prove(user, secret)
        with self._lock:
            self._user = callsign
            self._actor = None
        return self.actor

    def forget_actor(self) -> None:
        """Look the acting person up again at the next use: their role may have changed."""
        self._actor = None

    def now(self) -> datetime:
        """The clock's time now; ``to_db`` writes it as stored UTC text at a SQL row.

        Returns:
            An aware UTC ``datetime``.
        """
        return self.clock.now()

    def seal(self, actor: str | None = None) -> int:
        """Seal captured changes into the change log; inside a write transaction.

        Args:
            actor: who made the changes (default: the acting user, else the operator, else
                ``system``).

        Returns:
            How many changes were sealed.
        """
        from .sync import capture  # loaded by the first write, not by a reading command

        who = actor or self._user or self.meta("operator") or "system"
        return capture.seal(self.conn, self.device_id, who, self.now())

    # Writing -------------------------------------------------------------------------------

    @contextmanager
    def write(
        self,
        action: str,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        require: str | None = None,
    ) -> Iterator[sqlite3.Connection]:
        """One user action: ``BEGIN IMMEDIATE`` … audit event … ``COMMIT``, or nothing at all.

        Every check that reads the database belongs inside the block, so nothing committed
        by another connection between a check and the write can slip past it. Writes nest:
        a store action called inside another one's block runs in a SAVEPOINT of the same
        transaction (its own audit event, rolled back alone when it fails, committed only
        with the outermost action), so store actions compose atomically.

        Args:
            action: the audit event's action, e.g. ``"activity.add"``.
            target: the id the action concerns, if any.
            detail: the audit event's detail; the block may add to it (it is written at the
                end, with the rows the action changed).
            require: a permission (``access.PERMISSIONS``) the acting person, read afresh
                inside the transaction, must have.

        Yields:
            The connection to write through, inside the transaction (or its SAVEPOINT).

        Raises:
            PermissionDenied: the acting person may not take ``require``.
            RuleViolation, BadInput: a database constraint refused the change.
            IntegrityFailure: the file is cut short (its size is not what its header says):
                a write would grow it back and hide the damage.
            MachineFault: the database is busy, read-only or the disk is full.
        """
        conn = self.conn
        detail = {} if detail is None else detail
        depth: int = getattr(self._local, "depth", 0)
        if depth:
            with self._savepoint(conn, depth, action, target, detail, require):
                yield conn
            return
        if self.read_only is not None:
            raise self.cannot_write()
        if cut := machine.cut_short(self.path):  # a write would grow it back, the damage unseen
            raise machine.damaged(f"the database {self._shown_path()}", **cut)
        validate.moment(self.clock.now(), "system_clock")  # every record is stamped
        self._install_capture(conn)  # at the first action: a reading command never needs it
        self._same_files()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except database_errors() as exc:
            raise self._fault(exc) from None
        self._local.depth = 1
        self._local.targets = [target]
        self._local.made = ()
        pending_changes(conn)  # nothing captured outside a store action is attributed to it
        try:
            self._seal_outside(conn)
            self.forget_actor()  # the acting person's role as it is in this transaction
            if require is not None:
                access.require(self.actor, require)
            yield conn
            self._close_action(conn, action, detail)
            self._same_files()  # replaced while the action ran: its commit would be lost
            conn.execute("COMMIT")
            self._opened_files()
        except integrity_errors() as exc:
            _rollback(conn)
            raise _constraint_error(exc) from None
        except database_errors() as exc:
            _rollback(conn)
            raise self._fault(exc) from None
        except BaseException:
            _rollback(conn)
            raise
        finally:
            self._local.depth = 0
            self.forget_actor()  # a role may have changed (staff role, an import)

    @contextmanager
    def rehearsal(self, *, require: str | None = None) -> Iterator[sqlite3.Connection]:
        """Store actions tried and always undone: a preview (issue 20) runs the real action in
        this block, reads what the rules, triggers and views make of it, and leaves nothing.

        The block runs in one ``BEGIN IMMEDIATE`` transaction that is rolled back whatever
        happens: no record, no audit event, no change-log row stays, and no other connection
        ever sees the tried state. Store actions called inside it nest as in ``write``.

        Args:
            require: a permission (``access.PERMISSIONS``) the acting person, read afresh
                inside the transaction, must have.

        Yields:
            The connection, inside the transaction.

        Raises:
            PermissionDenied: the acting person may not take ``require``.
            MachineFault: the database is read-only or busy.
            BadInput: this computer's clock is outside the time range.
            RuntimeError: called inside a store action (a programming fault).
        """
        conn = self.conn
        if getattr(self._local, "depth", 0):  # inside a write its work would be undone too
            raise RuntimeError("a rehearsal inside a store action")
        if self.read_only is not None:
            raise self.cannot_write()
        validate.moment(self.clock.now(), "system_clock")  # as ``write``: the same refusal
        self._install_capture(conn)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except database_errors() as exc:
            raise self._fault(exc) from None
        self._local.depth, self._local.targets, self._local.made = 1, [None], ()
        announce, self.before_commit = self.before_commit, None  # nothing is announced
        try:
            self.forget_actor()
            if require is not None:
                access.require(self.actor, require)
            yield conn
        except integrity_errors() as exc:
            raise _constraint_error(exc) from None
        except database_errors() as exc:
            raise self._fault(exc) from None
        finally:
            _rollback(conn)
            self._local.depth = 0
            self.before_commit = announce
            self.forget_actor()

    def _close_action(self, conn: sqlite3.Connection, action: str, detail: dict[str, Any]) -> None:
        """The end of the outermost action, before its COMMIT: seal what it changed into the
        change log, write its audit event (with those rows and who set the actor's secret),
        and announce what it made (``before_commit``)."""
        detail.update(pending_changes(conn))
        actor = self._user or self.meta("operator") or "system"
        set_by = self._secret_set_by(conn, actor)
        if set_by is not None:  # whoever set that secret could have acted as them
            detail["secret_set_by"] = set_by
        self.seal(actor)
        target = self._local.targets[-1]
        append_audit(conn, self.now(), actor, self.device_id, action, target, detail)
        announce, self.before_commit = self.before_commit, None
        if announce is not None:
            announce(self._local.made or ((target,) if target else ()))

    @contextmanager
    def _savepoint(
        self,
        conn: sqlite3.Connection,
        depth: int,
        action: str,
        target: str | None,
        detail: dict[str, Any],
        require: str | None,
    ) -> Iterator[None]:
        """A store action inside another one's transaction (see ``write``)."""
        name = f"action_{depth}"
        mark = pending_mark(conn)
        conn.execute(f"SAVEPOINT {name}")
        self._local.depth = depth + 1
        self._local.targets.append(target)
        try:
            if require is not None:
                access.require(self.actor, require)
            yield
            detail.update(pending_changes(conn, after=mark))
            actor = self._user or self.meta("operator") or "system"
            target = self._local.targets[-1]
            append_audit(conn, self.now(), actor, self.device_id, action, target, detail)
            conn.execute(f"RELEASE {name}")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            if isinstance(exc, integrity_errors()):
                raise _constraint_error(exc) from None
            raise
        finally:
            self._local.depth = depth
            self._local.targets.pop()

    def made(self, *ids: str) -> None:
        """Name the records the open write creates when they are not the id it concerns (an
        assessment of a subject, the deployments on an activity): what ``before_commit`` is
        told, in this order.

        Args:
            ids: the created records' ids, in the order they are printed.
        """
        self._local.made = (*getattr(self._local, "made", ()), *ids)

    def target(self, value: str) -> str:
        """Name the id the innermost open write concerns, once the block has resolved it
        inside the transaction (an id typed as a prefix, say); returns ``value``.

        Args:
            value: the id the write concerns, resolved (a whole id, not a prefix).

        Returns:
            ``value`` unchanged.
        """
        self._local.targets[-1] = value
        return value

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
        from .sync import capture

        tables = capture.pending_tables(conn)
        if not tables:
            return
        operator = self.meta("operator") or "system"
        capture.seal(conn, self.device_id, operator, self.now())
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

    def refuse_damaged_tables(self, tables: tuple[str, ...]) -> None:
        """Refuse as damage when an index of ``tables`` no longer matches its table (SQLite's
        integrity check of those tables: ``machine.tables_check``): a listing read through it
        would hide rows (rev14p). The one check of every path that lists them, the fast
        scripted one included (``commands/fast.py``, rev14s H1).

        Args:
            tables: table names, from the code (``machine.GAP_TABLES``).

        Raises:
            IntegrityFailure: ``database_damaged``, with what the check found (exit 5).
        """
        if found := machine.tables_check(self.conn, tables):
            raise machine.damaged(f"the database {self._shown_path()}", **found)

    def _shown_path(self) -> str:
        """This database's path, quoted for a refusal."""
        return validate.shown(str(self.path), limit=machine.PATH_SHOWN)

    def cannot_write(self) -> MachineFault:
        """The refusal of any write to a database open for reading only (``read_only``).

        Returns:
            A ``MachineFault`` naming this database and why it is read only (``read_only``;
            ``disk_read_only`` by default), to be raised by the caller.
        """
        where = f"the database {self._shown_path()}"
        return machine.not_writable(self.read_only or "disk_read_only", where)

    def _fault(self, exc: Exception) -> Exception:
        """A database error as the machine's refusal (exit 6), or unchanged."""
        return machine.machine_fault(exc, self.path) or exc

    def refusal_of(self, error: Exception) -> Exception:
        """An error a store call raised, as the store's refusal when the driver's error means
        damage (``database_damaged``) or a fault of the machine: what a face says in words
        (the console's workers; the command line words it in ``commands.cli``).

        Args:
            error: what the call raised.

        Returns:
            The refusal (a ``StoreError``), or ``error`` unchanged when it is no database error.
            When the database file was replaced while open (``replaced``), a database error or
            damage is ``database_replaced``: the old connections read the new file's pages
            through the old ``-wal``, which is no damage of the file (rev17s).
        """
        if isinstance(error, IntegrityFailure | MachineFault) and self.replaced():
            return self.replaced_refusal()
        if not isinstance(error, sqlite3.Error | _driver(self.passphrase is not None).Error):
            return error
        if self.replaced():
            return self.replaced_refusal()
        return self._fault(error)

    def importing(self) -> Any:
        """Hold this database's import lock (a second import is refused at once); a database
        open for reading only refuses at once, naming why.

        Returns:
            A context manager (``machine.import_lock``) holding the import lock while its block
            runs.

        Raises:
            MachineFault: the database is open for reading only (``cannot_write``); on entering the
                block, ``another_import`` when another import holds the lock, or the lock file
                cannot be opened.
        """
        if self.read_only is not None:
            raise self.cannot_write()
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

        Yields:
            The import's own connection, inside ``BEGIN IMMEDIATE`` with foreign keys off.

        Raises:
            MachineFault: the database is open for reading only (``cannot_write``); busy, read-only
                or full when the transaction runs or commits (nothing is kept).
        """
        if self.read_only is not None:
            raise self.cannot_write()
        with self._merge_lock:
            conn = self._connect()
            conn.create_function(integrity.MERGING_FUNCTION, 0, _merging)
            previous = getattr(self._local, "conn", None)
            self._local.conn = conn  # store helpers used inside the import write through it
            try:
                conn.execute("PRAGMA foreign_keys = OFF")
                self._same_files()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._seal_outside(conn)
                    yield conn
                    conn.execute("DELETE FROM sync_pending")
                    self._same_files()
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
                if self.replaced():
                    _abandon(conn, self._file_id)
                else:
                    conn.close()


def _identity(path: str | Path) -> tuple[int, int] | None:
    """The (device, inode) of the file at ``path`` (a link followed), or None: there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _read_only_uri(path: Path, how: str) -> str:
    """The URI that opens ``path`` for reading only: ``how`` is ``mode=ro`` (reads the
    database with its write-ahead log, but needs the log's ``-shm`` file beside it, made by
    SQLite or already there) or ``immutable=1`` (reads the file as it is, with no locks and no
    shared memory: exact only when no log holds changes not yet in the file)."""
    from urllib.parse import quote

    return f"file:{quote(str(path.absolute()))}?{how}"


def _log_holds_changes(path: Path) -> bool:
    """True when the write-ahead log beside ``path`` holds changes (it is not empty): they are
    part of the database, and ``immutable=1`` would not read them."""
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError:
        return True  # unknown: never read past it


def _catalogue_state(conn: sqlite3.Connection, path: str) -> CatalogueState:
    """Whether the reference catalogue is the one this database recorded (``db repair``
    without a catalogue to restore it from)."""
    try:
        fingerprint.check(conn, path)
    except IntegrityFailure:
        return CatalogueState.NOT_RESTORED
    return CatalogueState.AS_MADE


def _finish_migrations(conn: sqlite3.Connection, from_version: int) -> None:
    """After migrations (``integrity.finish_migrations``); a database that existed before them
    records its catalogue's fingerprint anew: a migration may change the catalogue."""
    integrity.finish_migrations(conn, from_version)
    if from_version > 0:
        _record_catalogue(conn, from_version)


def _record_catalogue(conn: sqlite3.Connection, from_version: int) -> None:
    """A migration of this program may change the catalogue: its fingerprint is recorded anew,
    in meta and in the audit trail (chained), as of this schema version."""
    from datetime import UTC, datetime

    value = fingerprint.compute(conn)
    fingerprint.store_meta(conn, value)
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('operator', 'device_id')"))
    append_audit(
        conn,
        datetime.now(UTC),
        str(meta.get("operator") or "system"),
        str(meta.get("device_id") or "unknown-device"),
        fingerprint.ACTION,
        None,
        {"catalogue": value, "migrated_from": from_version},
    )


#: R2 with R1's no-concession (``sql/035_threat_conflict_higher.sql``, keep the two alike): the
#: level of the subject ``s``'s latest valid assessment, or the higher of the levels of an open
#: threat-level conflict of it when that is higher.
THREAT_LEVEL_IN_FORCE = (
    "NULLIF(max("
    "COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level"
    " WHERE a.subject_id = s.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),"
    " COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h"
    " JOIN threat_level t ON t.level = json_extract(h.value, '$.value')"
    " WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'"
    " AND c.row_id = s.id AND c.resolved_at IS NULL), -1)), -1)"
)


#: What a repair records of the guards it found changed (``integrity.Findings``).
_FOUND = ("missing", "altered", "unexpected")


def rederive_threat_levels(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every subject's threat level as R2 derives it from its assessments (the higher level of
    an open threat-level conflict while there is one, R1); return the ones that were not
    (lowered or raised on this disk outside Schildwacht).

    Args:
        conn: the connection of the open write transaction.

    Returns:
        ``{"subject": code name, "was": level held, "now": level derived}`` per subject whose
        stored level was wrong (now corrected).
    """
    derived = THREAT_LEVEL_IN_FORCE
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


def enrolled_role(conn: sqlite3.Connection, device_id: str) -> str | None:
    """The role ``device_id`` is enrolled with in the newest team roster this database holds
    (None outside a team, or when the roster does not name it). The roster's signature was
    checked when it was stored (``sync.roster``).

    Args:
        conn: an open connection.
        device_id: the device's id.

    Returns:
        The role, or None.
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return None
    devices = json.loads(bytes(row[0]))["devices"]
    entry = next((d for d in devices if d["id"] == device_id), None)
    return None if entry is None else str(entry["role"])


def enrolled_operator(conn: sqlite3.Connection) -> str | None:
    """Who this laptop's own operator must be: the callsign the newest signed team roster binds
    to this device (None outside a team: an audit event could be rewritten with the row).

    Args:
        conn: an open connection.

    Returns:
        The callsign, or None.
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    device = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    if row is not None and device is not None:
        entries = json.loads(bytes(row[0]))["devices"]
        entry = next((d for d in entries if d.get("id") == device[0]), None)
        if entry is not None and isinstance(entry.get("callsign"), str):
            return str(entry["callsign"])
    return None  # outside a team the guard (037) alone keeps the row: the trail is no proof


def _check_operator(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a database whose own operator (who acts without a secret) is not the one its
    enrolment or its ``init`` made: the meta row was changed outside Schildwacht (rev13u H2)."""
    if not _has_table(conn, "audit_event"):
        return  # a database being made: nothing to compare yet
    expected = enrolled_operator(conn)
    found = conn.execute("SELECT value FROM meta WHERE key = 'operator'").fetchone()
    if expected is None or (found is not None and str(found[0]).upper() == expected.upper()):
        return
    raise IntegrityFailure(
        code="operator_changed",
        path=path,
        found=validate.shown(str(found[0])) if found is not None else "",
        expected=validate.shown(expected),
    )


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def bound_elsewhere(conn: sqlite3.Connection, callsign: str, device_id: str) -> str | None:
    """The label of another active laptop the newest team roster binds ``callsign`` to as its
    own operator, or None (outside a team, not bound, or bound to ``device_id``). Whoever is
    bound to a laptop acts there: on any other laptop, the team would credit their work to
    that laptop's operator.

    Args:
        conn: an open connection.
        callsign: the callsign someone wants to act as.
        device_id: this device's id.

    Returns:
        The other laptop's label, or None.
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return None
    for entry in json.loads(bytes(row[0]))["devices"]:
        named = entry.get("callsign")
        if (
            isinstance(named, str)
            and named.upper() == callsign.upper()
            and entry.get("status") == "active"
            and entry.get("staff")
            and entry.get("id") != device_id
        ):
            return str(entry.get("label") or entry.get("id"))
    return None


def admin_operator(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """The team's admin laptop and the staff id of the operator the newest roster binds to it
    (None outside a team, or when the roster binds no operator to it).

    Args:
        conn: an open connection.

    Returns:
        (device id, staff id), or None.
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return None
    team = json.loads(bytes(row[0]))
    admin = team.get("admin_device")
    entry = next((d for d in team.get("devices", []) if d.get("id") == admin), None)
    if entry is None or not isinstance(entry.get("staff"), str):
        return None
    return (str(admin), entry["staff"])


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
    folder that already exists keeps its mode: it may be one the person chose to share.

    An empty file the person gave (made with ``touch`` or ``mktemp``, often 0644) is replaced by
    a new 0600 one under its name: chmod would not do, since whoever opened the old file while
    it was readable could read the keys written later."""
    machine.private_folders(path, "the database")
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        if path.is_file() and not path.is_symlink():
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600))
            os.replace(temporary, path)
        else:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | nofollow, 0o600))
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise machine.os_fault(exc, path, "create the database") from None


def _merging() -> int:
    return 1


def pending_mark(conn: sqlite3.Connection) -> int:
    """The last captured row change so far (0: none), where a nested action's own begin.

    Args:
        conn: the connection of the open write transaction.

    Returns:
        The sequence number of the last captured change.
    """
    try:
        return int(
            conn.execute("SELECT coalesce(max(rowid), 0) FROM temp.audit_pending").fetchone()[0]
        )
    except sqlite3.Error:
        return 0


def pending_changes(conn: sqlite3.Connection, *, after: int = 0) -> dict[str, Any]:
    """This transaction's captured row changes (those after the mark ``after``), before and
    after, then cleared.

    Args:
        conn: the connection of the open write transaction.
        after: the mark (``pending_mark``) this action's changes follow.

    Returns:
        The changes as the audit event's detail holds them.
    """
    try:
        total = conn.execute(
            "SELECT count(*) FROM temp.audit_pending WHERE rowid > ?", (after,)
        ).fetchone()[0]
    except sqlite3.Error:
        return {}
    rows = conn.execute(
        "SELECT tbl, op, before, after FROM temp.audit_pending WHERE rowid > ?"
        " ORDER BY rowid LIMIT ?",
        (after, AUDIT_ROWS),
    ).fetchall()
    conn.execute("DELETE FROM temp.audit_pending WHERE rowid > ?", (after,))
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
    at: datetime,
    actor: str,
    device: str,
    action: str,
    target: str | None,
    detail: dict[str, Any],
) -> str:
    """Append one hash-chained audit event and return its hash.

    Args:
        conn: the connection of the open write transaction.
        at: when, aware UTC (written and hashed as stored UTC text).
        actor: the acting person's callsign.
        device: this device's id.
        action: the action's name (``"log.add"``).
        target: the id acted on, or None.
        detail: the event's detail (JSON values).

    Returns:
        The event's hash, 64 hex digits.
    """
    row = conn.execute("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS_HASH
    body = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    stamp = to_db(at)
    digest = audit_hash(prev, stamp, actor, device, action, target, body)
    conn.execute(
        "INSERT INTO audit_event (at, actor, device, action, target, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (stamp, actor, device, action, target, body, prev, digest),
    )
    return digest


def audit_hash(
    prev: str, at: str, actor: str, device: str, action: str, target: str | None, body: str
) -> str:
    """The hash that chains one audit event to the one before it.

    Args:
        prev: the previous event's hash ("" for the first).
        at: the event's time as stored (UTC text, ``clock.to_db``).
        actor: the acting person's callsign.
        device: the device id that wrote the event.
        action: the action's name (``"log.add"``).
        target: the id acted on, or None.
        body: the event's detail, canonical JSON.

    Returns:
        SHA-256 over the fields joined by the unit separator, 64 hex digits.
    """
    import hashlib  # here: only writes hash, and scripted reads start without OpenSSL

    material = "\x1f".join([prev, at, actor, device, action, target or "", body])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


#: The audit capture's TEMP triggers already written, by the definitions of the tables they
#: watch (``_audit_triggers``): a table's columns follow from its CREATE TABLE text alone, so
#: the same text makes the same triggers; any change to a table (a column added by hand) is
#: another key, written afresh. Kept per process.
_AUDIT_TRIGGERS: dict[tuple[tuple[str, str], ...], tuple[str, ...]] = {}
_AUDIT_TRIGGERS_KEPT = 16


def _audit_triggers(conn: sqlite3.Connection) -> tuple[str, ...]:
    """The CREATE TEMP TRIGGER statements of ``Store._install_capture`` for the user tables
    this database has (every table but ``UNAUDITED_TABLES`` and the ``sync_`` ones), made once
    per schema per process."""
    key = tuple(
        (str(name), str(sql))
        for name, sql in conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        if name not in UNAUDITED_TABLES and not str(name).startswith("sync_")
    )
    found = _AUDIT_TRIGGERS.get(key)
    if found is None:
        found = tuple(s for table, _sql in key for s in _audit_table_triggers(conn, table))
        if len(_AUDIT_TRIGGERS) >= _AUDIT_TRIGGERS_KEPT:
            _AUDIT_TRIGGERS.clear()
        _AUDIT_TRIGGERS[key] = found
    return found


def _audit_table_triggers(conn: sqlite3.Connection, table: str) -> list[str]:
    """The insert, update and delete audit triggers of one table, over its columns now."""
    columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]

    def row(prefix: str) -> str:
        """The row as JSON for the first AUDIT_ROWS rows an action writes (only those are
        kept); the rest are counted without it."""
        whole = "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in columns) + ")"
        return (
            "CASE WHEN (SELECT coalesce(max(rowid), 0) FROM temp.audit_pending)"
            f" < {AUDIT_ROWS} THEN {whole} END"
        )

    return [
        f"CREATE TEMP TRIGGER audit_{op}_{table} AFTER {op.upper()} ON main.{table}"
        f" BEGIN INSERT INTO audit_pending VALUES ('{table}', '{op}', {before}, {after}); END"
        for op, before, after in (
            ("insert", "NULL", row("NEW")),
            ("update", row("OLD"), row("NEW")),
            ("delete", row("OLD"), "NULL"),
        )
    ]


def _duplicates(conn: sqlite3.Connection, where: str, exc: Exception) -> StoreError:
    """The refusal of a REINDEX that found a UNIQUE value held twice ("UNIQUE constraint
    failed: staff.callsign"): the table, its columns, the value and the rows that hold it."""
    named = str(exc).partition("failed:")[2].strip()
    pairs = [part.strip().split(".", 1) for part in named.split(",") if "." in part]
    tables = {table for table, _column in pairs}
    if len(tables) != 1 or not all(t.isidentifier() and c.isidentifier() for t, c in pairs):
        return machine.damaged(where)
    table = tables.pop()
    columns = [column for _table, column in pairs]
    listed = ", ".join(f'"{c}"' for c in columns)
    has_id = any(info[1] == "id" for info in conn.execute(f'PRAGMA table_info("{table}")'))
    known = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)  # UNIQUE lets NULLs repeat
    row = conn.execute(
        f"SELECT {listed}, group_concat({'id' if has_id else 'rowid'}, ', ') FROM \"{table}\""
        f" NOT INDEXED WHERE {known} GROUP BY {listed} HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if row is None:
        return machine.damaged(where)
    value = validate.shown(" ".join(str(v) for v in tuple(row)[:-1]), limit=80)
    place = where[:1].upper() + where[1:]
    return IntegrityFailure(
        code="unique_held_twice",
        place=place,
        table=table,
        columns=tuple(columns),
        value=value,
        rows=str(tuple(row)[-1]),
    )


def _no_database(path: Path) -> BadInput:
    """The refusal of a path that holds no Schildwacht database (none, an empty file, another
    program's SQLite file): only ``init`` creates one."""
    return BadInput(code="no_database", path=str(path))


def _schildwacht_kind(conn: sqlite3.Connection) -> str:
    """Whether the open file is a Schildwacht database: ``"ours"`` with a schema version set by
    its migrations and the tables its first one made; ``"damaged"`` with those tables but no
    schema version (its header's bytes overwritten: issue 14, rev14h); else ``"other"`` (an
    empty file reads as version 0, with no tables). Reads only."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'device')"
    ).fetchone()[0]
    if int(found) != 2:
        return "other"
    return "ours" if int(conn.execute("PRAGMA user_version").fetchone()[0]) >= 1 else "damaged"


def _not_a_database(path: Path, exc: Exception) -> BadInput:
    """The refusal of a file SQLite cannot read as a database."""
    return BadInput(code="not_a_database", path=str(path), reason=str(exc))


def _constraint_error(exc: Exception) -> StoreError:
    message = str(exc)
    if message.startswith("R1:"):
        return RuleViolation("R1", code="refused_by_database", refusal=message)
    if message[:2] in {"R2", "R6", "R7", "R9"}:
        return RuleViolation(message[:2], code="refused_by_database_rule", refusal=message)
    return BadInput(code="database_refused_change", refusal=message)


def resolve_id(store: Store, table: str, text: str, what: str) -> str:
    """A full id, or a unique prefix of at least 8 characters (ids are long to type).

    Args:
        store: the open database.
        table: the table the id belongs to.
        text: the id or prefix as typed.
        what: what it is, for the refusal ("activity").

    Returns:
        The full id.

    Raises:
        BadInput: ``id_ambiguous`` (the prefix matches more than one).
        NotFound: ``unknown_id``.
    """
    value = validate.identifier(text, "id").lower()  # a trailing line break is refused
    if store.one(f"SELECT 1 FROM {table} WHERE id = ?", (value,)):
        return value
    if _ID_PREFIX.match(value):  # only id characters: no LIKE wildcards from the person
        rows = store.query(f"SELECT id FROM {table} WHERE id LIKE ? LIMIT 2", (value + "%",))
        if len(rows) == 1:
            return str(rows[0]["id"])
        if len(rows) > 1:
            raise BadInput(code="id_ambiguous", given=validate.shown(text), what=what)
    raise NotFound(code="unknown_id", what=what, given=validate.shown(text))


_ID_PREFIX = re.compile(r"^[0-9a-f-]{8,36}\Z")


def short_id(store: Store, table: str, full_id: str) -> str:
    """A record's id as messages name it: its first 13 characters, or as many more as it
    takes that no other id of ``table`` starts with them, so the name is unique in the
    database and can be typed back (``resolve_id``). UUIDv7 ids made in one millisecond — one
    calendar import, one demo, one bundle merged — share their first 13.

    Args:
        store: the open database.
        table: the table the id belongs to (a name from the code, never from input).
        full_id: the record's full id.

    Returns:
        The shortest prefix of at least 13 characters that names it alone.
    """
    assert table.isidentifier(), table
    near = store.tuples(
        f"SELECT id FROM (SELECT id FROM {table} WHERE id < ? ORDER BY id DESC LIMIT 1)"
        f" UNION ALL SELECT id FROM (SELECT id FROM {table} WHERE id > ? ORDER BY id LIMIT 1)",
        (full_id, full_id),
    )
    length = 13  # ids share their hyphens' places: the first character that differs is hex
    for (other,) in near:
        pairs = enumerate(zip(full_id, other, strict=False))
        same = next((i for i, (x, y) in pairs if x != y), len(other))
        length = max(length, same + 1)
    return full_id[:length]


def backup_database(store: Store, target: str | Path) -> Path:
    """A consistent copy, written under a temporary name and renamed; encrypted with the same
    passphrase when the database is.

    Args:
        store: the open database.
        target: the backup file to write (checked by ``machine.check_target``).

    Returns:
        The path written.

    Raises:
        BadInput: the target may not be written (``machine.check_target``).
        MachineFault: the disk is full, the file may not be written, the database is busy.
        IntegrityFailure: ``backup_of_damaged``: SQLite's quick check, run first, a stored
            text that is not UTF-8 (``machine.text_check``, run next), or the copy found the
            database damaged (a copy would carry the damage).
    """
    from .sync import capture  # a reading command loads no sync code

    destination = machine.check_target(target, "the backup", database=store.path)
    temporary = destination.with_name(f".{destination.name}.partial")
    leftovers = [temporary, *(Path(f"{temporary}{end}") for end in ("-journal", "-wal", "-shm"))]
    try:  # a folder that may not be written fails here already: the target is named
        for path in leftovers:
            path.unlink(missing_ok=True)
        if found := (
            machine.quick_check(store.conn)  # a damaged page: said as SQLite reads it
            or machine.integrity_check(store.conn, store.path)
            or machine.text_check(store.conn)
        ):
            where = validate.shown(str(store.path), limit=machine.PATH_SHOWN)
            if store.passphrase is not None:  # no .recover reads it (rev14q)
                found["encrypted"] = True
            raise IntegrityFailure(code="backup_of_damaged", where=where, **found)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        own = capture.last_seq(store.conn, store.device_id)
        if store.passphrase is None:
            store.conn.execute("VACUUM INTO ?", (str(temporary),))
            # a database open for reading only attaches files for reading only: the copy
            # is noted through a connection of its own
            noting = (
                sqlite3.connect(":memory:", isolation_level=None) if store.read_only else store.conn
            )
            noting.execute("ATTACH DATABASE ? AS backup", (str(temporary),))
            try:
                _note_backup(noting, own)
            finally:
                noting.execute("DETACH DATABASE backup")
                if noting is not store.conn:
                    noting.close()
        else:
            key = store.passphrase.replace("'", "''")
            store.conn.execute(f"ATTACH DATABASE ? AS backup KEY '{key}'", (str(temporary),))
            try:
                store.conn.execute("SELECT sqlcipher_export('backup')")
                version = store.conn.execute("PRAGMA user_version").fetchone()[0]
                store.conn.execute(f"PRAGMA backup.user_version = {int(version)}")
                _note_backup(store.conn, own)
            finally:
                store.conn.execute("DETACH DATABASE backup")
        machine.check_target(destination, "the backup", database=store.path)
        temporary.replace(destination)
    except BaseException as exc:
        for path in leftovers:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise machine.os_fault(exc, destination, "write the backup") from None
        if isinstance(exc, Exception) and (source := machine.damaged_source(exc, store.path)):
            raise source from None
        if isinstance(exc, Exception) and (
            fault := machine.machine_fault(exc, destination, "the backup")
        ):
            raise fault from None
        raise
    return destination


def _note_backup(conn: sqlite3.Connection, own: int) -> None:
    """In the copy: how far this laptop's own changes went, so a laptop restored from it knows
    which numbers the team may hold beyond it (``sync.restored``)."""
    from .sync import restored

    conn.execute(
        "INSERT INTO backup.meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (restored.BACKUP_SEQ, str(own)),
    )
    conn.execute(  # and how far its audit trail went: a restore from it starts there
        "INSERT INTO backup.meta (key, value) SELECT ?, coalesce(max(seq), 0)"
        " FROM backup.audit_event WHERE true ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (restored.BACKUP_AUDIT,),
    )
    conn.execute("DELETE FROM backup.meta WHERE key = ?", (restored.GAP,))


def rekey_database(store: Store, new_passphrase: str) -> None:
    """Change the passphrase of an encrypted database.

    Args:
        store: the open database (the caller checks who may).
        new_passphrase: at least 8 characters.

    Raises:
        BadInput: ``not_encrypted`` or ``passphrase_too_short``.
    """
    if store.passphrase is None:
        raise BadInput(code="not_encrypted")
    if len(new_passphrase) < 8:
        raise BadInput(code="passphrase_too_short")
    store.conn.execute(f"PRAGMA rekey = '{new_passphrase.replace(chr(39), chr(39) * 2)}'")
    store.passphrase = new_passphrase
