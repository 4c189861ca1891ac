"""Who acts is proven: each person's secret on this laptop, kept only as an Argon2id hash.

The laptop's own operator (set at ``init``) acts without more ado; acting as anyone else needs
that person's secret, checked here when the store is opened (``Store(path, user=X,
secret=S)``) or the console switches user (``Store.switch_user``). A wrong or missing secret,
or a person who has no secret on this laptop yet, is ``PermissionDenied`` (exit 4) and nothing
is written.

Hashes come from argon2-cffi's ``PasswordHasher`` (Argon2id, RFC 9106's low-memory profile:
64 MiB, 3 passes, 4 lanes, a random salt per hash; the encoded hash carries its parameters,
so stronger ones later still verify the old hashes). Secrets are kept in
``staff_secret``, a local table that is not synced and not written into the audit trail: a
secret never leaves the laptop. People created on another laptop arrive without a secret here;
someone whose role (and this laptop's role) allows managing staff sets their first one, in
their presence, with ``staff secret CALLSIGN``. Changing one's own secret needs the old one;
resetting a forgotten one needs staff rights and is recorded as a reset in the audit trail.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import validate
from .clock import to_db
from .errors import BadInput, NotFound, PermissionDenied

#: Argon2id with RFC 9106's low-memory profile (argon2-cffi's default).
HASHER = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 1024
#: The secret every person in the demo data has (``schildwacht demo``).
DEMO_SECRET = "demo-secret"

#: A secret, or a way to ask for one (called only when one is needed) with the callsign.
SecretSource = str | Callable[[str], str | None] | None

_demo_hashes: dict[tuple[int, int, int], str] = {}


def check_new(secret: str) -> str:
    """A new secret: at least ``MIN_LENGTH`` characters besides white space, at most
    ``MAX_LENGTH``, no NUL.

    Args:
        secret: the new secret as typed.

    Returns:
        The secret unchanged.

    Raises:
        BadInput: ``secret_too_short``, ``secret_too_long`` or ``secret_with_nul``.
    """
    # white space and invisible characters do not count: eight spaces, or eight zero-width
    # spaces, are no secret (issues 17 and 13)
    if not isinstance(secret, str) or _visible_length(secret) < MIN_LENGTH:
        raise BadInput(code="secret_too_short", least=MIN_LENGTH)
    if len(secret) > MAX_LENGTH:
        raise BadInput(code="secret_too_long", most=MAX_LENGTH)
    if "\x00" in secret:
        raise BadInput(code="secret_with_nul")
    return secret


#: Characters that draw nothing although Unicode files them as letters or symbols (fillers).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible_length(secret: str) -> int:
    """How many characters of ``secret`` a person sees: white space, separators (Z*), control,
    format (zero-width spaces and joiners, direction marks), private-use, surrogate and unassigned
    characters (C*), combining marks (M*, which draw on a neighbour), blank fillers and every
    character ``validate.has_invisible`` names (the Default_Ignorable_Code_Points) do not count."""
    return sum(
        1
        for char in secret
        if not char.isspace()
        and unicodedata.category(char)[0] not in "ZCM"
        and char not in _BLANK_LETTERS
        and not validate.has_invisible(char)
    )


def hash_secret(secret: str) -> str:
    """The stored form of a new personal secret (argon2, salted; argon2-cffi's defaults).

    Args:
        secret: the secret as typed.

    Returns:
        The encoded hash, parameters and salt included.

    Raises:
        BadInput: a secret under 8 or over 1,024 characters, or with a NUL (``check_new``).
    """
    return HASHER.hash(check_new(secret))


def demo_hash() -> str:
    """One hash of ``DEMO_SECRET`` per process and hasher, shared by every demo person (a fresh
    salt per person would cost a memory-hard hash each: too slow for thousands of officers).

    Returns:
        The stored form of ``DEMO_SECRET``.
    """
    key = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if key not in _demo_hashes:
        _demo_hashes[key] = HASHER.hash(DEMO_SECRET)
    return _demo_hashes[key]


def matches(stored: str, secret: str) -> bool:
    """Whether ``secret`` is the one ``stored`` (from ``hash_secret``) was made of; False also for
    a stored value that is not a hash this module reads.

    Args:
        stored: the stored hash.
        secret: the secret given.

    Returns:
        True only when they match.
    """
    try:
        return HASHER.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


class PersonSecret(NamedTuple):
    """A person as this laptop knows their secret (``person_secret``)."""

    #: The person's staff id.
    staff_id: str
    #: The callsign as stored (upper case).
    callsign: str
    #: The stored Argon2id hash (``hash_secret``), or None: no secret on this laptop yet.
    hash: str | None


def person_secret(conn: sqlite3.Connection, callsign: str) -> PersonSecret:
    """A person's staff id, callsign and stored hash, or NotFound.

    Args:
        conn: an open connection.
        callsign: the person's callsign.

    Returns:
        A ``PersonSecret``; its ``hash`` is None when the person has no secret here yet.

    Raises:
        NotFound: ``unknown_person`` (the callsign is matched trimmed and in upper case).
    """
    row = conn.execute(
        "SELECT s.id, s.callsign, x.hash FROM staff s LEFT JOIN staff_secret x"
        " ON x.staff_id = s.id WHERE s.callsign = ?",
        (validate.identifier(callsign, "callsign"),),
    ).fetchone()
    if row is None:
        raise NotFound(code="unknown_person", callsign=validate.shown(callsign))
    return PersonSecret(str(row[0]), str(row[1]), row[2])


def has_secret(conn: sqlite3.Connection, callsign: str) -> bool:
    """Whether the person with this callsign has set a personal secret.

    Args:
        conn: an open connection.
        callsign: the person's callsign.

    Returns:
        True when a hash is stored for them.

    Raises:
        NotFound: ``unknown_person``: no person has that callsign.
    """
    return person_secret(conn, callsign).hash is not None


def prove(conn: sqlite3.Connection, callsign: str, secret: SecretSource) -> str:
    """The callsign, if ``secret`` is this person's; raise ``PermissionDenied`` otherwise.

    ``secret`` may be a callable that asks for it; it is called only for a person who has one.
    Reads only.

    Args:
        conn: an open connection.
        callsign: who claims to act.
        secret: the secret, a callable that asks for it, or None.

    Returns:
        The callsign as stored.

    Raises:
        NotFound: ``unknown_person``.
        PermissionDenied: ``no_secret_yet``, ``secret_needed`` or ``wrong_secret``
            (``bound="secret"``).
    """
    person = person_secret(conn, callsign)
    found, stored = person.callsign, person.hash
    if stored is None:
        raise PermissionDenied(bound="secret", code="no_secret_yet", callsign=found)
    given = secret(found) if callable(secret) else secret
    if not given:
        raise PermissionDenied(bound="secret", code="secret_needed", found=found)
    if not matches(stored, given):
        raise PermissionDenied(bound="secret", code="wrong_secret", found=found)
    return found


#: The application-defined function that lets a connection write ``staff_secret``
#: (``sql/037_guard_operator_secrets.sql``): registered only by the store's own secret writers.
SECRETS_FUNCTION = "schildwacht_secrets"


def secret_writer(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Let ``conn`` write personal secrets (the table's triggers refuse every other writer,
    any sqlite tool included). Only the store's secret writers call it: ``store_secret`` and
    the demo.

    Args:
        conn: the store's connection about to write a secret.

    Returns:
        ``conn``.
    """
    conn.create_function(SECRETS_FUNCTION, 0, _one, deterministic=True)
    return conn


def _one() -> int:
    return 1


def store_secret(
    conn: sqlite3.Connection, staff_id: str, hashed: str, at: datetime, by: str
) -> None:
    """Write a hash (inside the caller's write transaction).

    Args:
        conn: the connection of the open write transaction.
        staff_id: the person's id.
        hashed: the hash (``hash_secret``).
        at: when, aware UTC.
        by: the callsign of who set it.
    """
    secret_writer(conn).execute(
        "INSERT INTO staff_secret (staff_id, hash, set_at, set_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (staff_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at,"
        " set_by = excluded.set_by",
        (staff_id, hashed, to_db(at), by),
    )
