"""Creating a database: schema, reference catalogue, this device's identity and operator.

``init_database`` is the only way a database comes into being; it writes everything in one
transaction, so a failed init leaves no half-made file behind.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

from . import fingerprint, machine, validate
from .catalogue import default_unit, list_units, load_catalogue, seed_catalogue
from .clock import CLOCK_KEY, Clock, FixedClock, to_db
from .db import Store, _rollback, append_audit, database_errors, pending_changes
from .errors import BadInput, IntegrityFailure
from .ids import uuid7
from .machine import machine_fault
from .staff import add_staff, normalise_callsign
from .states import CatalogueState
from .sync.keys import ensure_identity


def init_database(
    path: str | Path,
    *,
    callsign: str,
    name: str = "",
    role: str = "admin",
    unit: str | None = None,
    catalogue: Path | None = None,
    clock: Clock | None = None,
    device_label: str | None = None,
    passphrase: str | None = None,
    secret: str | None = None,
) -> Store:
    """Create and seed a new database; return it opened as its operator. Raises ``BadInput``:
    the file exists; a bad catalogue, callsign, unit, passphrase or secret.

    Args:
        path, callsign, name, role, unit: the new file (absent or empty); the operator's
            (unit by default ``catalogue.default_unit``).
        catalogue, clock, device_label, passphrase, secret: the catalogue file; the clock (a
            fixed one lets ``SCHILDWACHT_NOW`` in); the device's label in the team (by default
            the computer's name made valid, ``validate.label_from``); keys' passphrase; the
            secret.

    Returns:
        The new database, open, acting as its operator (``callsign``, upper case), who holds
        ``role`` and, when ``secret`` is given, that secret. On any refusal nothing is left behind:
        the files and folders it made are removed again.

    Raises:
        BadInput: the path exists and is not an empty file (``Store(create=True)``); the catalogue
            does not load (``load_catalogue``); a callsign, name, unit, role, device label or secret
            that does not pass; a passphrase under 8 characters (``passphrase_too_short``).
        MachineFault: the disk or the file system refused the write (``machine_fault``: full,
            read-only, busy).
    """
    data = load_catalogue(catalogue)
    callsign = normalise_callsign(callsign)
    name = validate.line(name, "name", required=False)
    if device_label is not None:
        device_label = validate.device_label(device_label)
    else:  # the computer's name, which no one typed: made into a valid label
        device_label = validate.label_from(platform.node())
    target = Path(path).expanduser()
    if passphrase is not None and len(passphrase) < 8:
        raise BadInput(code="passphrase_too_short")
    folders = machine.missing_folders(target)
    files = [f for f in machine.database_files(target) if not f.exists()]
    emptied = target.is_file() and not target.is_symlink() and target.stat().st_size == 0
    store: Store | None = None
    try:
        store = Store(target, clock=clock, user=callsign, create=True, passphrase=passphrase)
        _seed(store, data, callsign, device_label, target)
        unit = unit or default_unit(list_units(store))
        add_staff(store, callsign, unit=unit, role=role, name=name, secret=secret, bootstrap=True)
    except BaseException:
        if store is not None:
            store.close()
        _undo_creation(target if emptied else None, files, folders)
        raise
    if store.actor is None:  # pragma: no cover - add_staff just created it
        raise BadInput(code="operator_not_created")
    return store


def _seed(store: Store, data: dict[str, Any], callsign: str, label: str, target: Path) -> None:
    """The new database's first transaction: the catalogue, this device and its keys, the
    meta rows and the ``db.init`` audit event, all or nothing (a refused write rolled back)."""
    device_id = uuid7()
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        seed_catalogue(conn, data)
        moment = store.now()
        now = to_db(moment)
        conn.execute(
            "INSERT INTO device (id, label, created_at) VALUES (?, ?, ?)", (device_id, label, now)
        )
        clock_kind = "fixed" if isinstance(store.clock, FixedClock) else "system"
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("device_id", device_id), ("operator", callsign), ("created_at", now),
             (CLOCK_KEY, clock_kind)],
        )  # fmt: skip
        ensure_identity(conn, device_id, moment)
        detail = {"device": label, "clock": clock_kind, "catalogue": fingerprint.record(conn)}
        append_audit(
            conn, moment, callsign, device_id, "db.init", None, {**detail, **pending_changes(conn)}
        )
        conn.execute("COMMIT")
    except database_errors() as exc:
        _rollback(conn)
        raise machine_fault(exc, target) or exc from None
    except BaseException:
        _rollback(conn)
        raise


def restore_catalogue(conn: sqlite3.Connection, path: str) -> CatalogueState:
    """``db repair`` (given to ``Store(restore_catalogue=…)``): put back the catalogue shipped
    with Schildwacht when that is the one this database recorded; refuse (exit 5, nothing
    written) when it recorded another one.

    Args:
        conn: the repair's connection, inside its transaction.
        path: the database's path, for the refusal.

    Returns:
        What was done: ``CatalogueState.AS_MADE`` (nothing to restore) or ``RESTORED``.

    Raises:
        IntegrityFailure: the catalogue it recorded is not the shipped one.
    """
    try:
        fingerprint.check(conn, path)
        return CatalogueState.AS_MADE
    except IntegrityFailure:
        pass
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
        raise IntegrityFailure(code="catalogue_not_restorable", path=path)
    conn.execute("RELEASE catalogue")
    fingerprint.store_meta(conn, kept)
    return CatalogueState.RESTORED


def _undo_creation(empty: Path | None, files: list[Path], folders: list[Path]) -> None:
    """A failed init leaves nothing behind: the files it created (the database, its WAL,
    shared memory and journal), the empty database file it was given emptied again, and the
    folders it created — so the same init can simply be run again once the cause is gone."""
    for created in files:
        created.unlink(missing_ok=True)
    if empty is not None:
        with contextlib.suppress(OSError):
            os.truncate(empty, 0)
    machine.remove_folders(folders)
