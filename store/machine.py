"""When the machine refuses: a busy database, a full disk, a file this user may not write.

``machine_fault`` turns the low-level error (SQLite's result code, or the ``errno`` of an
``OSError``) into a ``MachineFault`` (exit 6) with one sentence that names the cause and what to
do, or into ``BadInput`` when the path the person gave is wrong (a missing folder, a directory).
Anything else is not the machine's doing and is left alone (``None``).

Imports hold an advisory lock on a file beside the database (``<database>-import.lock``) for
as long as they run, so a second import is refused at once ("another import is running") and a
write that waited in vain for the database can say that an import holds it. The lock is an
``flock``: the operating system drops it when the importing process ends, however it ends. An
import that ends removes the file (one killed leaves it, harmless: the next import takes it).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import dbfile
from .errors import BadInput, IntegrityFailure, MachineFault, StoreError
from .validate import shown

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Any

try:  # POSIX only; elsewhere imports simply do not announce themselves
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY, _IOERR, _FULL, _CANTOPEN = 3, 5, 6, 7, 8, 10, 13, 14
_CORRUPT, _NOTADB = 11, 26
#: The first bytes of every plain SQLite file (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
_BY_MESSAGE = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("database schema is locked", _LOCKED),
    ("database or disk is full", _FULL),
    ("disk i/o error", _IOERR),
    ("readonly database", _READONLY),
    ("unable to open database file", _CANTOPEN),
    ("out of memory", _NOMEM),
    ("database disk image is malformed", _CORRUPT),
    ("file is not a database", _NOTADB),
)
#: Words of a driver error that mean the file's bytes are damaged, whatever its result code:
#: SQLite's own (a damaged page, schema or header field) and Python's, which reads a stored
#: text that is no UTF-8 (no store writes one: bytes were overwritten) (issue 14, rev14h).
_DAMAGE_WORDS = (
    "malformed database schema",  # not "malformed JSON": a value, written so on purpose
    "database disk image",
    "could not decode to utf-8",
    "unsupported file format",
)

#: A path quoted in a message is cut after this many characters.
PATH_SHOWN = 160


def lock_path(database: Path) -> Path:
    """The lock file that keeps two imports into ``database`` from running at once (beside it).

    Args:
        database: the database file.

    Returns:
        ``<database>-import.lock``, beside it.
    """
    return database.with_name(f"{database.name}-import.lock")


@contextmanager
def import_lock(database: Path) -> Iterator[None]:
    """Hold the import lock of ``database``; refuse at once when another import holds it.

    Args:
        database: the database file.

    Yields:
        Nothing; the lock is held until the block ends.

    Raises:
        MachineFault: ``another_import`` while another import holds it; a fault of the machine
            when the lock file cannot be opened (``os_fault``).
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = lock_path(database)
    fd = _locked(path)
    try:
        yield
    finally:
        # The file is removed while still locked, so no lock file stays beside the database
        # after an import (fix17r); an import that opened it meanwhile finds its lock on a
        # file no longer at the path (``_locked``) and takes a new one.
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)  # closing drops the lock


def _locked(path: Path) -> int:
    """The lock file at ``path`` opened and locked, checked to be the file still at ``path``
    (another import may have removed it between the open and the lock: then again)."""
    for _attempt in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise os_fault(exc, path, "open the import lock") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise MachineFault(code="another_import") from None
        except OSError as exc:
            os.close(fd)
            raise os_fault(exc, path, "lock the import lock") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:  # removed by the import that held it
            same = False
        if same:
            return fd
        os.close(fd)
    raise MachineFault(code="another_import")


def import_running(database: Path) -> bool:
    """Whether another process holds the import lock of ``database`` right now.

    Args:
        database: the database file.

    Returns:
        True while another process holds it.
    """
    path = lock_path(database)
    if fcntl is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of a driver error (plain SQLite or SQLCipher).

    Args:
        exc: any exception.

    Returns:
        The primary code (the extended code's low byte, or read from the message), or None
        for an error that is not SQLite's.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    message = str(exc).lower()
    return next((value for text, value in _BY_MESSAGE if text in message), None)


def machine_fault(
    exc: BaseException, database: Path | None = None, what: str = "the database"
) -> StoreError | None:
    """The refusal for an error of the machine while using ``database`` (``what`` names it
    for the person: the database, the backup), or None.

    Args:
        exc: the error the driver or the OS raised.
        database: the database file, for the words (and to tell a running import).
        what: what the database is to the person.

    Returns:
        A ``MachineFault`` (``database_busy``, ``another_import``, ``disk_full``,
        ``database_not_writable``, ``disk_io_error``, ``out_of_memory``), an
        ``IntegrityFailure`` ``database_damaged`` (exit 5), an ``os_fault`` for an
        ``OSError``, or None for an error that is no fault of the machine (the caller re-raises).
    """
    if isinstance(exc, OSError):
        return os_fault(exc, database, f"use {what}")
    if not isinstance(exc, sqlite3.Error) and type(exc).__module__.split(".")[0] != "sqlcipher3":
        return None
    code = sqlite_code(exc)
    where = f"{what} {shown(str(database), limit=PATH_SHOWN)}" if database else what
    if code in (_BUSY, _LOCKED):
        if database is not None and import_running(database):
            return MachineFault(code="another_import")
        place = where[:1].upper() + where[1:]  # the sentence's first letter; the path as typed
        return MachineFault(code="database_busy", place=place)
    if code == _FULL:
        return MachineFault(code="disk_full", where=where)
    if code in (_READONLY, _PERM, _CANTOPEN) and database and format_overwritten(database):
        return damaged(where, header="format")  # SQLite opens it read-only: no permissions
    if code in (_READONLY, _PERM, _CANTOPEN, _IOERR) and database is not None:
        blocked = write_blocked(database)
        if blocked is not None:
            return not_writable(blocked, where)
    if code == _IOERR and file_size_limited():  # EFBIG, which SQLite reports as I/O
        return os_fault(OSError(errno.EFBIG, "File too large"), database, f"write {what}")
    if code in (_READONLY, _PERM, _CANTOPEN):
        return MachineFault(code="database_not_writable", where=where)
    if code == _IOERR:
        return MachineFault(code="disk_io_error", where=where)
    if code == _NOMEM:
        return MachineFault(code="out_of_memory")
    if is_damage(exc, database):
        return damaged(where, **text_found(exc), **stored_time_found(exc, database))
    return None


def stored_time_found(exc: BaseException, database: Path | None) -> dict[str, object]:
    """What a stored time in a form the store never writes (``clock.StoredTimeDamaged``) was
    and where: the column its reader named, else the first ``table.column`` of a time (a name
    ending in ``_at``) of a plain database that holds that text (looked up only here, on the
    way to the refusal: rev14s M3).

    Args:
        exc: the error.
        database: the database file, to look the column up in.

    Returns:
        ``held_time`` (the text, quoted; "" when the reader had none) and ``column`` when
        known; nothing for another error.
    """
    from .clock import StoredTimeDamaged

    if not isinstance(exc, StoredTimeDamaged):
        return {}
    # no text: SQLite's unixepoch() could not read it (``clock.epochs_read``)
    found: dict[str, object] = {
        "held_time": "" if exc.held is None else shown(str(exc.held), limit=PATH_SHOWN)
    }
    column = exc.column
    if not column and database is not None and isinstance(exc.held, str):
        column = _time_column(database, exc.held)
    return found | ({"column": shown(column, limit=PATH_SHOWN)} if column else {})


def _time_column(database: Path, text: str) -> str:
    """The first ``table.column`` (a time: its name ends in ``_at``) holding ``text``, or ""."""
    if not _plain_sqlite(database):
        return ""  # an encrypted file: not opened again here
    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return ""
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            for info in conn.execute(f"PRAGMA table_info({quoted})").fetchall():
                name = str(info[1])
                if (
                    name.endswith("_at")
                    and conn.execute(
                        f'SELECT 1 FROM {quoted} WHERE "{name}" = ? LIMIT 1', (text,)
                    ).fetchone()
                ):
                    return f"{table}.{name}"
    except sqlite3.Error:
        return ""
    finally:
        conn.close()
    return ""


def is_damage(exc: BaseException, database: Path | None) -> bool:
    """Whether a driver error means that the bytes of ``database`` are damaged: the one test
    every face and copy uses (``machine_fault``, ``damaged_source``).

    Args:
        exc: the error the driver raised.
        database: the database file it was reading or writing, when known.

    Returns:
        True for SQLite's "database disk image is malformed" and "malformed database schema"
        (a damaged page or schema; not "malformed JSON"), for a stored text that is no
        UTF-8, and, in a file that starts as a plain SQLite file, for "file is not a database"
        and "unsupported file format" (a damaged header field); False otherwise (another kind
        of file, an encrypted one, a fault of the machine).
    """
    if not isinstance(exc, sqlite3.Error) and type(exc).__module__.split(".")[0] != "sqlcipher3":
        return False
    code = sqlite_code(exc)
    message = str(exc).lower()
    if code == _CORRUPT or any(words in message for words in _DAMAGE_WORDS[:3]):
        return True
    header = code == _NOTADB or _DAMAGE_WORDS[3] in message
    return header and database is not None and _plain_sqlite(database)


#: How a stored value of the wrong type is reported (``typed_rows``): words ``is_damage``
#: reads as damage (SQLite's own for a malformed record), then the column and what it held.
_WRONG_TYPE = re.compile(
    r"wrong type of stored value: column '(?P<column>[^']*)' holds (?P<held>\w+)"
)
#: What a value of each Python type is called in the words (``words.errors.malformed``).
_HELD = {bytes: "blob", float: "real", str: "text", int: "integer"}
#: The Python types a column of each declared type returns (STRICT tables: SQLite enforces
#: them when a value is written, so another type read back is damage). A whole number is let
#: pass under a TEXT name: the driver's own results share names with columns (``PRAGMA
#: table_info``'s ``pk``, a count named as a column) and an integer prints as what it is.
_DECLARED: dict[str, frozenset[type] | None] = {
    "TEXT": frozenset({str, int}),
    "INTEGER": frozenset({int}),
    "INT": frozenset({int}),
    "REAL": frozenset({float, int}),
    "BLOB": frozenset({bytes}),
}
_ANY: frozenset[type] = frozenset({str, int, float, bytes, type(None)})
#: A name no table declares (an alias, an expression, a view's column): a text, a whole number
#: or NULL. No table declares REAL and no query of the store computes a blob or a real, so
#: either under an alias is a stored value of the wrong type read through it (rev14t LOW: a
#: real subject code listed as ``s.code AS subject``); an alias is no way round the check.
_UNDECLARED: frozenset[type] = frozenset({str, int, type(None)})


def typed_rows(driver_row: Any, error: type[Exception]) -> Callable[[Any, tuple[Any, ...]], Any]:
    """The row factory of the store's connections, and of ``Store.tuples`` (``driver_row``
    None: plain tuples): where rows become records, a stored value of a type its column never
    holds (one flipped bit in a record's header: a blob or a real number in a TEXT or INTEGER
    column, a text in an INTEGER column; a whole number under a TEXT name passes, see
    ``_DECLARED``) is refused as damage, before code reads it (issue 14,
    rev14p: exit 1 "unexpected failure", or ``b'…'`` printed; rev14s M1: a text threat level
    listed, a real read through ``tuples``). Each result column is judged by the types of
    every table column of its name (a name TEXT in one table and INTEGER in another takes
    either, never a real); one C-level pass over the row's types per row.

    Args:
        driver_row: the driver's row class (``sqlite3.Row`` or SQLCipher's), or None.
        error: the driver's ``DatabaseError``, raised with words ``is_damage`` reads as damage.

    Returns:
        The row factory.
    """
    declared: dict[int, tuple[int, dict[str, frozenset[type]]]] = {}
    last: tuple[object, tuple[frozenset[type], ...]] = (None, ())

    def row(cursor: Any, values: tuple[Any, ...]) -> Any:
        nonlocal last
        description, shape = last
        if cursor.description is not description:  # once per query, not per row
            description = cursor.description
            kinds = _column_kinds(cursor.connection, declared)
            shape = tuple(kinds.get(d[0], _UNDECLARED) for d in description)
            last = (description, shape)
        if not all(map(frozenset.__contains__, shape, map(type, values))):
            for index, value in enumerate(values):
                if type(value) not in shape[index]:
                    raise error(
                        "database disk image is malformed: wrong type of stored value: column "
                        f"'{description[index][0]}' holds {_HELD[type(value)]}"
                    )
        return values if driver_row is None else driver_row(cursor, values)

    return row


def _column_kinds(
    conn: Any, declared: dict[int, tuple[int, dict[str, frozenset[type]]]]
) -> dict[str, frozenset[type]]:
    """Per column name of any table (its own and TEMP ones), the Python types a value under
    that name may have: those of every declared type the name has (``_DECLARED``; any type for
    ANY, NUMERIC or none), and None. Read again only when the schema changed (a migration, a
    new database made): ``PRAGMA schema_version``, one statement per query."""
    plain = conn.cursor()
    plain.row_factory = None  # not through the factory that asks for this
    version = plain.execute("PRAGMA schema_version").fetchone()[0]
    if (known := declared.get(id(conn))) is not None and known[0] == version:
        return known[1]
    tables = tuple(
        (schema, str(name), str(sql))
        for schema in ("main", "temp")
        for name, sql in plain.execute(
            f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'table'"
        ).fetchall()
    )
    found = _COLUMN_KINDS.get(tables)
    if found is None:
        kinds: dict[str, set[type]] = {}
        for schema, table, _sql in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            for info in plain.execute(f"PRAGMA {schema}.table_info({quoted})").fetchall():
                types = _DECLARED.get(str(info[2]).upper()) or _ANY
                kinds.setdefault(str(info[1]), {type(None)}).update(types)
        found = {name: frozenset(types) for name, types in kinds.items()}
        if len(_COLUMN_KINDS) >= _COLUMN_KINDS_KEPT:
            _COLUMN_KINDS.clear()
        _COLUMN_KINDS[tables] = found
    declared[id(conn)] = (version, found)
    return found


#: ``_column_kinds``'s answer by the tables' definitions (schema, name and CREATE TABLE text,
#: from which SQLite reads each column's declared type): the same text declares the same
#: columns, and any other (a column added by hand) is another key, read afresh. Kept per
#: process: reading the ~40 tables' columns cost ~8 ms for every connection (issues 15/18).
_COLUMN_KINDS: dict[tuple[tuple[str, str, str], ...], dict[str, frozenset[type]]] = {}
_COLUMN_KINDS_KEPT = 16


#: SQLite's quick check reports at most this many problems (their number is said, and the first).
QUICK_CHECK_MOST = 100


def quick_check(conn: sqlite3.Connection) -> dict[str, object]:
    """SQLite's ``PRAGMA quick_check`` of an open database (its pages and records, not its
    indexes' agreement with their tables): run before ``db repair`` and ``backup``, whose
    words say what it found (issue 14, rev14h).

    Args:
        conn: a connection to the database.

    Returns:
        Nothing (an empty dict) when it found no damage; else the facts of the refusal:
        ``problems`` (how many SQLite reported: it stops after ``QUICK_CHECK_MOST``, and
        then ``more`` is True: there may be more), and ``found`` (the first, quoted).

    Raises:
        sqlite3.DatabaseError: the check itself could not read the file (``machine_fault``
            words it as damage).
    """
    return _check(conn, "quick_check")


def integrity_check(conn: sqlite3.Connection, database: Path | None = None) -> dict[str, object]:
    """SQLite's full ``PRAGMA integrity_check`` (as ``quick_check``, and every index compared
    with its table: one changed byte in an index hides a row from lists or lets a UNIQUE name
    in twice), after the file's size is compared with its header (a copy cut short). Run by
    ``backup``, ``db repair`` and ``db status``: about twice the quick check's time (0.4 s on
    the large demo set), too slow for every command (issue 14, rev14p).

    Args:
        conn: a connection to the database.
        database: the database file, for its size (None: not compared).

    Returns:
        As ``quick_check``, with ``check`` "integrity" when the check found something, or
        ``size`` and ``expected`` (bytes) for a file of the wrong size.

    Raises:
        sqlite3.DatabaseError: the check itself could not read the file.
    """
    if database is not None and format_overwritten(database):  # as a write judges it (rev14q)
        return {"header": "format"}
    if database is not None and (cut := cut_short(database)):
        return cut
    found = _check(conn, "integrity_check")
    return found | {"check": "integrity"} if found else {}


def cut_short(database: Path) -> dict[str, object]:
    """A plain database file whose size is no whole number of pages, or (its write-ahead log
    empty or absent: no checkpoint running) less than its header says it holds (a copy cut
    short: SQLite reads what is there and finds nothing wrong).

    Args:
        database: the database file.

    Returns:
        ``size`` and ``expected`` (bytes) when it is cut short, else nothing.
    """
    if (read := dbfile.head(database, 100)) is None:
        return {}
    header, size = read
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return {}
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the header's page count is current
    wal = database.with_name(database.name + "-wal")
    with suppress(OSError):  # a checkpoint may be writing pages now: only whole pages count
        valid = valid and wal.stat().st_size == 0
    expected = pages * page if valid else 0
    if page < 512 or (size % page == 0 and size >= expected):
        return {}
    return {"size": size, "expected": max(expected, (size // page + 1) * page)}


#: Every table ``gaps`` reads (its listings, ``--unplanned``, ``--violations``, the counts and
#: the Roster; views resolved to their tables): their indexes are compared with them before it
#: answers (and the types of their values: SQL reads them where no row factory sees them,
#: rev14s M1). rev14t H2: four of them were named, and a damaged index of ``standing_post``
#: hid gaps. A test (tests/commands/test_damage_rev14t.py) reads which tables the queries touch
#: through SQLite's authorizer and compares.
GAP_TABLES = (
    "activity",
    "threat_assessment",  # the source of subject.threat_level, which gaps reads (rev14t H4)
    "shift",
    "deployment",
    "subject",
    "standing_post",
    "staff",
    "staff_qualification",
    "qualification",
    "concept",
    "concept_staffing",
    "package_concept",
    "pilot_scope",
    "resistance_level",
    "threat_level",
)
#: The tables the protection chain is read from (R2: an assessment's level, the level in force
#: derived from it, the required level, package and concepts it gives): their values' storage
#: classes (STRICT: SQLite's integrity check of a table names a value of the wrong one) and
#: indexes are checked before a command shows, signs or derives a level from them. The row
#: factory judges a result by its column's name, and ``level`` is INTEGER in two of them and
#: TEXT in two others: a text or real threat level passed, and a handover signed it (rev14t
#: H4). Small tables (1,000 subjects, 1,083 assessments: 2.3 ms), checked by the commands that
#: read them, never at every opening.
CHAIN_TABLES = (
    "subject",
    "threat_assessment",
    "threat_level",
    "resistance_level",
    "package",
    "concept",
)
#: The tables the re-planning flag (R1) is derived from in SQL: a text threat level there
#: (one flipped bit) flagged 25 activities where 9 needed it (rev14s M1).
REPLAN_TABLES = ("activity", "subject", "threat_assessment")


def tables_check(conn: sqlite3.Connection, tables: tuple[str, ...]) -> dict[str, object]:
    """SQLite's integrity check of some tables and their indexes only (``PRAGMA
    integrity_check(TABLE)``): affordable where a hidden row would mislead most, such as an
    activity missing from ``gaps --unplanned`` (measured on the large demo: activity 55-76 ms,
    shift 13 ms; the whole file 420-450 ms) (issue 14, rev14p).

    Args:
        conn: a connection to the database.
        tables: table names (from the code, never from input).

    Returns:
        As ``integrity_check`` (nothing when it found nothing).

    Raises:
        sqlite3.DatabaseError: the check itself could not read the file.
    """
    for table in tables:
        assert table.isidentifier(), table
        if found := _check(conn, "integrity_check", table):
            return found | {"check": "integrity"}
    return {}


def _check(conn: sqlite3.Connection, pragma: str, table: str | None = None) -> dict[str, object]:
    argument = table or QUICK_CHECK_MOST
    rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}({argument})")]
    rows = rows[:QUICK_CHECK_MOST]
    if rows == ["ok"]:
        return {}
    # a row may hold several problems, one a line, after a line naming the schema ("*** in …")
    problems = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    problems = problems or rows
    found = {"problems": len(problems), "found": shown(problems[0], limit=PATH_SHOWN)}
    # where it stopped is no count: "100 or more" (rev14m F5)
    return found | ({"more": True} if len(problems) >= QUICK_CHECK_MOST else {})


#: How Python's driver says a stored text is not UTF-8 (it names the column, and the text).
_NOT_UTF8 = re.compile(r"could not decode to utf-8 column '(?P<column>[^']*)'", re.IGNORECASE)


def text_found(exc: BaseException) -> dict[str, object]:
    """What a driver error says was found when it is a stored text that is not UTF-8: the
    facts of ``damaged`` (``column``; without the text, which the words do not show), else none.

    Args:
        exc: the error the driver raised.

    Returns:
        ``{"column": name}`` for a text that does not decode, else an empty dict.
    """
    if wrong := _WRONG_TYPE.search(str(exc)):
        return {"column": shown(wrong["column"], limit=PATH_SHOWN), "held": wrong["held"]}
    match = _NOT_UTF8.search(str(exc))
    return {"column": shown(match["column"], limit=PATH_SHOWN)} if match else {}


def text_check(conn: sqlite3.Connection) -> dict[str, object]:
    """Every stored row read through the driver's UTF-8 decoder: a text that is not UTF-8 is
    damage SQLite's quick check cannot see (it does not read text encodings); run after it
    before ``db repair`` and ``backup`` (issue 14, rev14m: a backup carried such a text).

    Args:
        conn: a connection to the database.

    Returns:
        Nothing (an empty dict) when every text reads; else the facts of the refusal: ``table``
        and ``column`` of the first text that does not.

    Raises:
        sqlite3.DatabaseError: reading failed otherwise (``machine_fault`` words it).
    """
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            for _row in conn.execute(f"SELECT * FROM {quoted}"):  # every row, through the decoder
                pass
        except Exception as exc:
            if not (found := text_found(exc)):
                raise
            return {"table": shown(table, limit=PATH_SHOWN), **found}
    return {}


def damaged(where: str, **found: object) -> IntegrityFailure:
    """The refusal of a database file SQLite finds damaged (bytes overwritten, as a failing
    disk or a cut copy leaves it): reading and writing are refused alike (issue 14, rev14g).

    Args:
        where: the file, for the words ("the database /path").
        found: what SQLite's quick check found, when it ran (``quick_check``).

    Returns:
        An ``IntegrityFailure`` ``database_damaged`` (exit 5).
    """
    place = where[:1].upper() + where[1:]  # the sentence's first letter; the path as typed
    return IntegrityFailure(code="database_damaged", place=place, **found)


def damaged_source(exc: BaseException, database: Path) -> IntegrityFailure | None:
    """The refusal of a backup of a damaged database: a copy would carry the damage.

    Args:
        exc: the error copying it raised.
        database: the database being copied.

    Returns:
        An ``IntegrityFailure`` ``backup_of_damaged`` (exit 5), or None for another error.
    """
    if not is_damage(exc, database):
        return None
    where = shown(str(database), limit=PATH_SHOWN)
    found = text_found(exc) | ({} if _plain_sqlite(database) else {"encrypted": True})
    return IntegrityFailure(code="backup_of_damaged", where=where, **found)


def format_overwritten(database: Path) -> bool:
    """Whether a plain SQLite file's header holds a file format write or read version (bytes 18
    and 19) other than 1 (rollback journal) or 2 (WAL): bytes overwritten. SQLite opens such a
    file for reading only, or not at all, which would read as a permissions problem (rev14p).

    Args:
        database: the database file.

    Returns:
        True when those bytes are damaged.
    """
    if (read := dbfile.head(database, 20)) is None:
        return False
    header = read[0]
    return header.startswith(SQLITE_HEADER) and not {header[18], header[19]} <= {1, 2}


def _plain_sqlite(database: Path) -> bool:
    """Whether the file starts as a plain SQLite file does (damaged after its first bytes,
    not a file of another kind nor an encrypted one)."""
    read = dbfile.head(database, len(SQLITE_HEADER))
    return read is not None and read[0] == SQLITE_HEADER


#: The refusals of a database that cannot be written beside (SQLite's, and ``not_writable``'s
#: causes): the store reads such a database read-only instead.
CANNOT_WRITE = frozenset(
    {
        "disk_full",
        "database_not_writable",
        "disk_read_only",
        "folder_not_writable",
        "database_file_read_only",
        "disk_io_error",
    }
)
#: Below this much free space a folder counts as full: SQLite could not make the 32 KiB
#: shared-memory file of a WAL database, nor a page of its log.
_NEARLY_FULL = 1 << 20


def write_blocked(database: Path) -> str | None:
    """Why nothing can be written beside ``database`` (which SQLite needs even to read a WAL
    database: its ``-shm`` file), as a cause code, or None when the folder looks writable.

    Args:
        database: the database file.

    Returns:
        ``disk_read_only`` (mounted read-only), ``disk_full``, ``folder_not_writable`` (this
        user may not create files in its folder), ``database_file_read_only`` (its mode), or
        None.
    """
    folder = database.expanduser().absolute().parent
    try:
        disk = os.statvfs(folder)
    except OSError:
        return None
    if disk.f_flag & os.ST_RDONLY:
        return "disk_read_only"
    if disk.f_bavail * disk.f_frsize < _NEARLY_FULL:
        return "disk_full"
    if not os.access(folder, os.W_OK):
        return "folder_not_writable"
    if database.exists() and not os.access(database, os.W_OK):
        return "database_file_read_only"
    return None


def not_writable(cause: str, where: str) -> MachineFault:
    """The refusal of a write that ``cause`` (``write_blocked``) prevents, naming it plainly.

    Args:
        cause: a cause code of ``write_blocked``.
        where: what cannot be written, for the words ("the database /path").

    Returns:
        The ``MachineFault`` to raise (code: the cause).
    """
    return MachineFault(code=cause, where=where)


def log_unreadable(database: Path) -> MachineFault:
    """The refusal to read a database whose write-ahead log holds changes that cannot be read
    without writing its shared memory beside it (a read-only or full disk).

    Args:
        database: the database file.

    Returns:
        The ``MachineFault`` to raise (``log_unreadable``).
    """
    where = f"the database {shown(str(database), limit=PATH_SHOWN)}"
    return MachineFault(code="log_unreadable", where=where)


def file_size_limited() -> bool:
    """Whether this process may write files only up to a size (``ulimit -f``): a write past it
    fails with EFBIG, which SQLite reports as a disk I/O error; it is worded as the same cause
    a file written directly gives (``os_fault``: no room, the file size limit).

    Returns:
        True when a file size limit is set.
    """
    try:
        import resource  # not on Windows
    except ImportError:  # pragma: no cover - POSIX only
        return False
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return bool(soft != resource.RLIM_INFINITY)


def os_fault(exc: OSError, path: Path | str | None, doing: str) -> StoreError:
    """The refusal for a failed file operation on ``path`` (``doing`` says what was tried):
    a fault of the machine (exit 6), or a path the person should correct (exit 2).

    Args:
        exc: the ``OSError``.
        path: the file or folder, or None.
        doing: what was tried, as a verb phrase ("write the bundle to").

    Returns:
        A ``MachineFault`` (``no_room``, ``file_disk_read_only``, ``file_not_permitted``,
        ``file_operation_failed``) or a
        ``BadInput`` (``file_operation_refused``), to raise.
    """
    where = f" {shown(str(path), limit=PATH_SHOWN)}" if path else ""
    reason = exc.strerror or type(exc).__name__
    number = exc.errno
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return MachineFault(code="no_room", doing=doing, where=where)
    if number == errno.EROFS:  # the disk's cause, not the owner's and mode's (rev14g)
        return MachineFault(code="file_disk_read_only", doing=doing, where=where)
    if number in (errno.EACCES, errno.EPERM):
        return MachineFault(
            code="file_not_permitted", doing=doing, where=where, reason=reason.lower()
        )
    if number in (errno.EIO, errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EBUSY):
        return MachineFault(
            code="file_operation_failed", doing=doing, where=where, reason=reason.lower()
        )
    return BadInput(code="file_operation_refused", doing=doing, where=where, reason=reason.lower())


#: The files beside a database that belong to it: SQLite's write-ahead log, shared memory and
#: rollback journal, and the import lock.
DATABASE_SUFFIXES = {
    "": "the database itself",
    "-wal": "its write-ahead log",
    "-shm": "its shared memory",
    "-journal": "its rollback journal",
    "-import.lock": "its import lock",
}

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words (``a folder``, ``a FIFO (named
    pipe)``, ``a symbolic link``…), from its ``st_mode`` (not following links).

    Args:
        mode: the ``st_mode`` of ``os.lstat``.

    Returns:
        The words.
    """
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def database_files(database: Path) -> list[Path]:
    """The database file and the files SQLite and Schildwacht keep beside it.

    Args:
        database: the database file.

    Returns:
        The paths, whether or not they exist.
    """
    return [database.with_name(database.name + suffix) for suffix in DATABASE_SUFFIXES]


def check_target(path: Path | str, what: str, *, database: Path | None = None) -> Path:
    """The file Schildwacht is about to write by name, or ``BadInput`` (exit 2, nothing
    written) when writing it would destroy something that is not an ordinary file of ours.

    Refused: an empty name; a name that exists and is not a regular file (a folder, a FIFO, a
    device such as /dev/null, a socket) or is a symbolic link (writing would replace the link,
    or through it whatever it points at); and ``database`` or any file beside it (its WAL,
    shared memory, journal, import lock), compared by resolved path and by device and inode so
    a hard link or a second path to the same file is caught too. Every writer (output files,
    bundles, requests, backups, the console's state) goes through here.

    Args:
        path: the name given.
        what: what is to be written, for the refusal ("the bundle").
        database: the database in use, whose files are never written over.

    Returns:
        The path (``~`` expanded).

    Raises:
        BadInput: ``empty_file_name``, ``output_is_link``, ``output_not_regular`` or
            ``output_is_database``; a fault of the machine (``os_fault``) when it cannot be
            examined.
    """
    text = os.fspath(path)
    if not text.strip():
        raise BadInput(code="empty_file_name", what=what)
    target = Path(text).expanduser()
    quoted = shown(str(target), limit=PATH_SHOWN)
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise os_fault(exc, target, f"write {what} to") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise BadInput(code="output_is_link", quoted=quoted, what=what)
        if not stat.S_ISREG(info.st_mode):
            kind = file_kind(info.st_mode)
            raise BadInput(code="output_not_regular", quoted=quoted, kind=kind, what=what)
    if database is not None:
        _not_the_database(target, info, database, what, quoted)
    return target


def _not_the_database(
    target: Path, info: os.stat_result | None, database: Path, what: str, quoted: str
) -> None:
    resolved = target.resolve()
    for own in database_files(database.expanduser()):
        same = own.resolve() == resolved
        if not same and info is not None:
            try:
                theirs = own.stat()
            except OSError:
                continue
            same = (theirs.st_dev, theirs.st_ino) == (info.st_dev, info.st_ino)
        if same:
            part = DATABASE_SUFFIXES[own.name[len(database.name) :]]
            raise BadInput(code="output_is_database", quoted=quoted, part=part, what=what)


def missing_folders(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet, the deepest first.

    Args:
        path: a file's path.

    Returns:
        The folders, the deepest first (empty when its folder exists).
    """
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def private_folders(path: Path, what: str) -> list[Path]:
    """Create the missing folders above ``path`` readable by this user only (0700, whatever
    the umask); a folder that exists keeps its mode (it may be one the person shares). Returns
    the folders created, the deepest first, so a caller that fails later can remove them.

    Args:
        path: the file to be written.
        what: what it is, for the refusal.

    Returns:
        The folders created, the deepest first.

    Raises:
        MachineFault or BadInput: a folder cannot be created (``os_fault``).
    """
    created: list[Path] = []
    try:
        for folder in reversed(missing_folders(path)):
            folder.mkdir(mode=0o700)
            created.insert(0, folder)
            folder.chmod(0o700)  # mkdir's mode passes through the umask
    except OSError as exc:
        remove_folders(created)
        raise os_fault(exc, path.parent, f"create the folder for {what}") from None
    return created


def shared_subfolder(folder: Path, name: str, what: str) -> Path:
    """``folder/name``, created when missing with ``folder``'s own mode (a folder the person
    shares with a file transport: it must read what is written inside), and refused when it
    exists as anything but a real folder (a symbolic link would send the files elsewhere).

    Args:
        folder: the shared folder.
        name: the subfolder's name.
        what: what it holds, for the refusal.

    Returns:
        ``folder/name``.

    Raises:
        BadInput: ``not_a_folder``; a fault of the machine (``os_fault``) when it cannot be
            created or used.
    """
    inside = folder / name
    try:
        info = inside.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise os_fault(exc, inside, f"use {what}") from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            quoted = shown(str(inside), limit=PATH_SHOWN)
            raise BadInput(code="not_a_folder", quoted=quoted)
        return inside
    try:
        mode = stat.S_IMODE(folder.stat().st_mode) & 0o2777  # keep a shared group's setgid
        inside.mkdir(mode=mode)
        inside.chmod(mode)
    except OSError as exc:
        raise os_fault(exc, inside, f"create {what}") from None
    return inside


def remove_folders(folders: list[Path]) -> None:
    """Remove folders this run created (the deepest first), those that are still empty.

    Args:
        folders: as ``private_folders`` returned them.
    """
    for folder in folders:
        with suppress(OSError):  # not empty: something else was put there meanwhile
            folder.rmdir()


def write_private(
    path: Path | str,
    data: bytes,
    what: str,
    *,
    database: Path | None = None,
) -> Path:
    """Write ``data`` to ``path`` readable by this user only (0600): under a fresh temporary
    name in the same folder (created exclusively, never following a link), flushed to disk,
    then renamed, so ``path`` is never half written. ``path`` is checked first
    (``check_target``: only a regular file or a new name, never a file of ``database``) and
    again just before the rename. On any failure the temporary file is removed and the
    refusal names the cause (``what`` names the file for the person: "the bundle", "the
    report").

    Args:
        path: where to write.
        data: the bytes.
        what: what it is, for the refusal.
        database: the database in use, whose files are never written over.

    Returns:
        The path written.

    Raises:
        BadInput: as ``check_target``.
        MachineFault: the disk is full, the file may not be written (``os_fault``).
    """
    target, temporary = _stage(path, data, what, database)
    try:
        _put(target, temporary, what, database)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _stage(path: Path | str, data: bytes, what: str, database: Path | None) -> tuple[Path, Path]:
    """``path`` checked, and ``data`` written and flushed under a fresh temporary name beside
    it (0600); the temporary file is removed again when that fails. Returns both."""
    import tempfile  # only when a file is written: scripted listings start faster

    target = check_target(path, what, database=database)
    temporary: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        temporary = Path(name)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[: 1 << 20]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise os_fault(exc, target, f"write {what} to") from None
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    return target, temporary


def _put(target: Path, temporary: Path, what: str, database: Path | None) -> None:
    """Rename the staged ``temporary`` over ``target``, checked again just before."""
    check_target(target, what, database=database)  # nothing changed it meanwhile
    try:
        temporary.replace(target)
    except OSError as exc:
        raise os_fault(exc, target, f"write {what} to") from None


class Placement:
    """Files a transaction records (``placed_after_commit``): each written beside its target
    under a temporary name inside the transaction, put in place only after the COMMIT."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path, str, Path | None]] = []

    def stage(
        self, path: Path | str, data: bytes, what: str, *, database: Path | None = None
    ) -> Path:
        """Write ``data`` under a temporary name beside ``path`` (as ``write_private``); it is
        put at ``path`` once the transaction has committed.

        Args:
            path: where the file goes.
            data: the bytes.
            what: what it is, for the refusal.
            database: the database in use, whose files are never written over.

        Returns:
            The path the file will have.

        Raises:
            BadInput: as ``check_target``.
            MachineFault: the disk is full, the file may not be written (``os_fault``).
        """
        target, temporary = _stage(path, data, what, database)
        self.staged.append((target, temporary, what, database))
        return target


@contextmanager
def placed_after_commit() -> Iterator[Placement]:
    """Files a transaction records, put in place only when it committed (issue 14, rev14q: a
    refused export deleted the bundle that was already at its name). Enter it before the
    transaction (``with placed_after_commit() as files, store.write(…)``) and ``stage`` each
    file inside it. When the block fails (its COMMIT too) only the temporary files are
    removed: whatever was at the target stays. When it succeeded, each file is renamed into
    place; should that fail, the database has recorded a file that is not at its name: the
    refusal says so and names the temporary file that holds it (kept, to be moved by hand).

    Yields:
        The ``Placement`` to stage the files with.

    Raises:
        MachineFault: ``file_not_placed``: committed, but a file could not be renamed into
            place (its temporary file is kept and named).
    """
    files = Placement()
    try:
        yield files
    except BaseException:
        for _target, temporary, _what, _database in files.staged:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
        raise
    for target, temporary, what, database in files.staged:
        names = {
            "what": what,
            "where": shown(str(target), limit=PATH_SHOWN),
            "kept": shown(str(temporary), limit=PATH_SHOWN),
        }
        try:
            check_target(target, what, database=database)
        except BadInput:  # the name was taken meanwhile by a folder, a link…
            raise MachineFault(code="file_not_placed_taken", **names) from None
        try:
            temporary.replace(target)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise MachineFault(code="file_not_placed", reason=reason, **names) from None


def _unreadable(what: str, name: str, exc: OSError) -> BadInput:
    return BadInput(code="file_unreadable", what=what, name=name, reason=exc.strerror)


def read_regular(path: str | Path, limit: int, what: str) -> bytes:
    """Read a file a person named (a calendar, a roster, a join request): a regular file only,
    opened without blocking so a FIFO or device is refused rather than read for ever, and at
    most ``limit`` bytes.

    Args:
        path: the file.
        limit: the most bytes accepted.
        what: what the file is, for the refusal (e.g. "The calendar").

    Returns:
        The file's bytes.

    Raises:
        BadInput: it is not a regular file (a folder, FIFO or device), is larger than ``limit``
            bytes, or cannot be read.
    """
    name = shown(Path(path).name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _unreadable(what, name, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(code="file_not_regular", what=what, name=name)
        if (part := dbfile.own_file(info)) is not None:  # its locks: never read and let go
            raise BadInput(code="database_own_file", what=what, name=name, part=part)
        if info.st_size > limit:
            raise BadInput(code="file_too_large", what=what, name=name, limit=limit)
        read = read_at_most(fd, limit)
        if read is None:
            raise BadInput(code="file_grew", what=what, name=name, limit=limit)
        if read.startswith(SQLITE_HEADER):  # a database (a backup, another laptop's) named
            raise BadInput(code="file_is_database", what=what, name=name)
        return read
    except OSError as exc:
        raise _unreadable(what, name, exc) from None
    finally:
        dbfile.let_go(fd)  # the database itself given as the file: its locks stay (issue #17)


def read_at_most(fd: int, limit: int) -> bytes | None:
    """The rest of open file ``fd``, or None when it holds more than ``limit`` bytes (it may
    grow while being read). Raises ``OSError`` as ``os.read`` does.

    Args:
        fd: an open file descriptor, read from where it stands.
        limit: the most bytes, in bytes.

    Returns:
        The bytes, or None when there are more than ``limit``.
    """
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(chunks)
