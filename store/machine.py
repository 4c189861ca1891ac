"""When the machine refuses: a busy database, a full disk, a file this user may not write.

``machine_fault`` turns the low-level error (SQLite's result code, or the ``errno`` of an
``OSError``) into a ``MachineFault`` (exit 6) with one sentence that names the cause and what to
do, or into ``BadInput`` when the path the person gave is wrong (a missing folder, a directory).
Anything else is not the machine's doing and is left alone (``None``).

Imports hold an advisory lock on a file beside the database (``<database>-import.lock``) for
as long as they run, so a second import is refused at once ("another import is running") and a
write that waited in vain for the database can say that an import holds it. The lock is an
``flock``: the operating system drops it when the importing process ends, however it ends.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BadInput, MachineFault, StoreError
from .validate import shown

try:  # POSIX only; elsewhere imports simply do not announce themselves
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY, _IOERR, _FULL, _CANTOPEN = 3, 5, 6, 7, 8, 10, 13, 14
_BY_MESSAGE = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("database schema is locked", _LOCKED),
    ("database or disk is full", _FULL),
    ("disk i/o error", _IOERR),
    ("readonly database", _READONLY),
    ("unable to open database file", _CANTOPEN),
    ("out of memory", _NOMEM),
)

#: A path quoted in a message is cut after this many characters.
PATH_SHOWN = 160
ANOTHER_IMPORT = "Another import is running; try again when it ends. Nothing was written."


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}-import.lock")


@contextmanager
def import_lock(database: Path) -> Iterator[None]:
    """Hold the import lock of ``database``; refuse at once when another import holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = lock_path(database)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise os_fault(exc, path, "open the import lock") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MachineFault(ANOTHER_IMPORT) from None
        yield
    finally:
        os.close(fd)  # closing drops the lock


def import_running(database: Path) -> bool:
    """Whether another process holds the import lock of ``database`` right now."""
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
    """SQLite's primary result code of a driver error (plain SQLite or SQLCipher)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    message = str(exc).lower()
    return next((value for text, value in _BY_MESSAGE if text in message), None)


def machine_fault(
    exc: BaseException, database: Path | None = None, what: str = "the database"
) -> StoreError | None:
    """The refusal for an error of the machine while using ``database`` (``what`` names it
    for the person: the database, the backup), or None."""
    if isinstance(exc, OSError):
        return os_fault(exc, database, f"use {what}")
    if not isinstance(exc, sqlite3.Error) and type(exc).__module__.split(".")[0] != "sqlcipher3":
        return None
    code = sqlite_code(exc)
    where = f"{what} {shown(str(database), limit=PATH_SHOWN)}" if database else what
    if code in (_BUSY, _LOCKED):
        if database is not None and import_running(database):
            return MachineFault(ANOTHER_IMPORT)
        return MachineFault(
            f"{where.capitalize()} is busy: another program (the console, a script or a sync) "
            "kept it locked for longer than Schildwacht waits; nothing was written, try again."
        )
    if code == _FULL:
        return MachineFault(
            f"The disk holding {where} is full; nothing was written. Free some space and try again."
        )
    if code in (_READONLY, _PERM, _CANTOPEN):
        return MachineFault(
            f"This user may not write {where} or its folder (file permissions, or a read-only "
            "disk); nothing was written. Check the owner and mode of the file and its folder."
        )
    if code == _IOERR:
        return MachineFault(
            f"Reading or writing {where} failed (disk I/O error: the disk may be full, removed "
            "or failing); nothing was written. Check the disk and try again."
        )
    if code == _NOMEM:
        return MachineFault("The machine ran out of memory; nothing was written. Try again.")
    return None


def os_fault(exc: OSError, path: Path | str | None, doing: str) -> StoreError:
    """The refusal for a failed file operation on ``path`` (``doing`` says what was tried):
    a fault of the machine (exit 6), or a path the person should correct (exit 2)."""
    where = f" {shown(str(path), limit=PATH_SHOWN)}" if path else ""
    reason = exc.strerror or type(exc).__name__
    number = exc.errno
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return MachineFault(
            f"No room to {doing}{where} (the disk is full, or the file size limit was "
            "reached); nothing was written. Free some space and try again."
        )
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MachineFault(
            f"This user may not {doing}{where} ({reason.lower()}); nothing was written. Check "
            "the owner and mode of the file and its folder."
        )
    if number in (errno.EIO, errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EBUSY):
        return MachineFault(
            f"The machine could not {doing}{where} ({reason.lower()}); nothing was written. "
            "Try again."
        )
    return BadInput(f"Cannot {doing}{where}: {reason.lower()}.")


def write_private(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``path`` readable by this user only (0600): under a temporary name in
    the same folder, flushed to disk, then renamed, so ``path`` is never half written. On any
    failure the temporary file is removed and the refusal names the cause (``what`` names
    the file for the person: "the bundle", "the report")."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[: 1 << 20]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise os_fault(exc, path, f"write {what} to") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
