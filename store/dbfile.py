"""The database file read beside SQLite: one descriptor per file, never closed.

POSIX drops every ``fcntl`` lock a process holds on a file as soon as the process closes ANY
descriptor of that file (SQLite, "How To Corrupt An SQLite Database File" §2.2). SQLite's
connections lock the database file that way, so a Python ``open()`` and close of the database
in a process that holds connections drops their locks; another process that then closes its
last connection believes it is the only one and deletes the ``-wal`` and ``-shm`` under them,
and a write made after that is lost (rev17r, issue #17).

So nothing in Schildwacht opens a database file itself except through this module, which opens
each file (device and inode) once, reads it with ``os.pread`` and keeps the descriptor for the
life of the process. A scan test forbids ``open(`` on a database file elsewhere.
"""

from __future__ import annotations

import os
import stat
import threading
import weakref
from pathlib import Path

#: The descriptor held for each file read, by (device, inode).
_HELD: dict[tuple[int, int], int] = {}
#: Descriptors kept because their file was already held under another one (closing them would
#: drop the locks just the same).
_SPARE: list[int] = []
_GUARD = threading.Lock()
#: Past this many files held, those deleted meanwhile are let go: a file no longer in any
#: folder cannot be opened by another process, so no other process can delete its -wal.
_MANY = 64
#: The databases this process has open with SQLite, by the store that opened each (``opened``):
#: the files beside them are theirs, and locked by SQLite as the database is (rev17s).
_OPEN: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()
#: The files SQLite keeps beside a database.
BESIDE = ("-wal", "-shm", "-journal")


def head(path: str | Path, count: int) -> tuple[bytes, int] | None:
    """The first bytes of a regular file and its size, read through the descriptor this process
    keeps for it.

    Args:
        path: the file (a database, its ``-wal`` or ``-shm``).
        count: how many bytes to read from its start (fewer when it is shorter).

    Returns:
        The bytes and the file's size in bytes; None when it is absent, no regular file, or
        cannot be read.
    """
    fd = _descriptor(Path(path))
    if fd is None:
        return None
    try:
        return os.pread(fd, count, 0), os.fstat(fd).st_size
    except OSError:
        return None


def opened(owner: object, path: str | Path) -> None:
    """Note a database this process opens with SQLite, for as long as ``owner`` lives or until
    ``closed``: its files (``own_file``) are never closed by ``let_go``.

    Args:
        owner: what holds the connections (a ``Store``).
        path: the database file.
    """
    with _GUARD:
        _OPEN[owner] = os.path.abspath(path)


def closed(owner: object) -> None:
    """``owner`` closed its connections (``opened``).

    Args:
        owner: as given to ``opened``.
    """
    with _GUARD:
        _OPEN.pop(owner, None)


def own_file(info: os.stat_result) -> str | None:
    """Which file of a database this process has open (``opened``) a file is: ``""`` for the
    database itself (under any name: a hard link), ``"-wal"``, ``"-shm"`` or ``"-journal"``.

    Args:
        info: the file's ``os.stat``/``os.fstat``.

    Returns:
        The part, or None when it is no file of an open database.
    """
    key = (info.st_dev, info.st_ino)
    with _GUARD:
        paths = set(_OPEN.values())
    for path in paths:
        for end in ("", *BESIDE):
            try:
                found = os.stat(path + end)
            except OSError:
                continue
            if (found.st_dev, found.st_ino) == key:
                return end
    return None


def let_go(fd: int) -> None:
    """Close a descriptor opened elsewhere (a file given to import), unless it is one of a file
    this process reads as a database, or the ``-wal``, ``-shm`` or ``-journal`` of a database it
    has open (``own_file``): that one is kept, since closing it would drop the locks SQLite
    holds on the file (rev17s: a -shm given as a roster dropped its lock).

    Args:
        fd: an open descriptor, no longer needed by the caller.
    """
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return
    with _GUARD:
        if (info.st_dev, info.st_ino) in _HELD:
            _SPARE.append(fd)
            return
    if own_file(info) is not None:
        with _GUARD:
            _SPARE.append(fd)
        return
    os.close(fd)


def _descriptor(path: Path) -> int | None:
    """The descriptor held for ``path``'s file, opened on first use (None: not readable)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):  # reading a pipe would never end
        return None
    with _GUARD:
        if (fd := _HELD.get((info.st_dev, info.st_ino))) is not None:
            return fd
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            opened = os.fstat(fd)
        except OSError:
            return None
        key = (opened.st_dev, opened.st_ino)  # the path may have been replaced meanwhile
        if key in _HELD:
            _SPARE.append(fd)
            return _HELD[key]
        if not stat.S_ISREG(opened.st_mode):  # no database: no SQLite lock to lose
            os.close(fd)
            return None
        _HELD[key] = fd
        if len(_HELD) > _MANY:
            _forget_deleted()
        return fd


def _forget_deleted() -> None:
    """Close the descriptors of files deleted since (no folder holds them any more)."""
    for key, fd in list(_HELD.items()):
        try:
            gone = os.fstat(fd).st_nlink == 0
        except OSError:
            gone = True
        if gone:
            del _HELD[key]
            os.close(fd)
