"""This device's keys: an age identity (to decrypt bundles) and an Ed25519 key (to sign them).

Made at ``init`` (or on first use in an older database) and kept in the database's
``sync_identity`` table, so an encrypted database protects them with its passphrase and a
backup carries them. Public halves are shared through the team roster.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import pyrage
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..clock import to_db
from .bundle import b64


@dataclass(frozen=True)
class Identity:
    """This device's keys: an Ed25519 key that signs its bundles, and an age X25519 identity that
    bundles addressed to it are encrypted to.

    Attributes:
        device_id: the device.
        sign_key: the private signing key.
        age_identity: the age secret key (``AGE-SECRET-KEY-1…``).
    """

    device_id: str
    sign_key: Ed25519PrivateKey
    age_identity: str

    @property
    def sign_public(self) -> str:
        """The device's public signing key (Ed25519), base64."""
        raw = self.sign_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return b64(raw)

    @property
    def age_recipient(self) -> str:
        """The device's age recipient (``age1…``), to which bundles are encrypted."""
        return str(pyrage.x25519.Identity.from_str(self.age_identity).to_public())


def fingerprint(sign_public: str) -> str:
    """A short, readable digest of a public signing key (compared aloud at enrolment).

    Args:
        sign_public: the Ed25519 public key, base64.

    Returns:
        Four groups of four upper-case hex digits, ``ABCD-1234-…``: the first 64 bits of the SHA-256
        of the key's base64 text.
    """
    digest = hashlib.sha256(sign_public.encode("ascii")).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def load_identity(conn: sqlite3.Connection, device_id: str) -> Identity | None:
    """This device's keys, or None when it has none yet (``ensure_identity`` makes them).

    Args:
        device_id: this device's id.

    Returns:
        The ``Identity`` (its private keys), or None.
    """
    row = conn.execute(
        "SELECT sign_private, age_identity FROM sync_identity WHERE device_id = ?", (device_id,)
    ).fetchone()
    if row is None:
        return None
    return Identity(device_id, Ed25519PrivateKey.from_private_bytes(bytes(row[0])), row[1])


def ensure_identity(conn: sqlite3.Connection, device_id: str, now: datetime) -> Identity:
    """This device's keys, made now if it has none (inside the caller's transaction).

    Args:
        device_id: this device's id.
        now: the time, aware UTC (when the keys were made).

    Returns:
        The ``Identity``, the one held when there is one (it never replaces keys).
    """
    found = load_identity(conn, device_id)
    if found is not None:
        return found
    sign_key = Ed25519PrivateKey.generate()
    raw = sign_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    age_identity = str(pyrage.x25519.Identity.generate())
    conn.execute(
        "INSERT INTO sync_identity (device_id, sign_private, age_identity, created_at)"
        " VALUES (?, ?, ?, ?)",
        (device_id, raw, age_identity, to_db(now)),
    )
    return Identity(device_id, sign_key, age_identity)
