"""The bundle file format: framing, exact values, signing, encryption.

A bundle on disk is an age file (``pyrage``) encrypted to every enrolled device. Inside is a
magic line and length-prefixed parts::

    SCHILDWACHT-BUNDLE\\n | manifest | manifest signature | roster | roster signature |
    (segment header | segment body | segment signature) * n

The manifest (bundle id, sender, recipients, segments with their hashes, the sender's version
vector, schema and format versions) is signed by the sender; each segment header (origin,
number, first and last sequence number, the hash of the origin's previous segment, the body's
SHA-256) is signed by its origin with Ed25519, so a relayed segment still proves its author.
The body is canonical JSON of the records; values round-trip exactly (integers of any size,
floats including -0.0, text including non-BMP characters, blobs as ``{"b": base64}``, NULL).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import machine
from ..errors import BadInput, IntegrityFailure

MAGIC = b"SCHILDWACHT-BUNDLE\n"
FORMAT = 1
SUFFIX = ".swb"
MAX_BUNDLE_BYTES = 2 * 1024**3
MAX_PARTS = 200_000


class Refused(IntegrityFailure):
    """A bundle failed a check; ``check`` names which one. Nothing was written."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(f"Bundle refused ({check}): {message} Nothing was changed.")
        self.check = check


# Canonical JSON and exact values ---------------------------------------------------------------


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode_value(value: object) -> object:
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode("ascii")}
    return value


def decode_value(value: object) -> object:
    if isinstance(value, dict):
        return base64.b64decode(value["b"])
    if isinstance(value, list):
        raise ValueError("a value may not be a list")
    return value


def encode_body(records: list[tuple[Any, ...]]) -> bytes:
    """Records without their origin, as compact JSON lists in a fixed order:
    [seq, hlc, tbl, pk, col, val, cl, prev, actor]."""
    rows = [
        [seq, hlc, tbl, pk, col, encode_value(val), cl, prev, actor]
        for seq, hlc, tbl, pk, col, val, cl, prev, actor in records
    ]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()


def decode_body(body: bytes, origin: str) -> list[tuple[Any, ...]]:
    rows = json.loads(body)
    if not isinstance(rows, list):
        raise ValueError("segment body is not a list")
    records = [
        (origin, seq, hlc, tbl, pk, col, decode_value(val), cl, prev, actor)
        for seq, hlc, tbl, pk, col, val, cl, prev, actor in rows
    ]
    for record in records:
        if not (
            type(record[1]) is int
            and type(record[2]) is int
            and type(record[7]) is int
            and isinstance(record[3], str)
            and isinstance(record[4], str)
            and isinstance(record[5], str)
            and isinstance(record[9], str)
            and (record[8] is None or isinstance(record[8], str))
        ):
            raise ValueError("a change record has fields of the wrong type")
    return records


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Signatures ------------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verified(public: str, signature: bytes, data: bytes) -> bool:
    try:
        public_key(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# Framing ---------------------------------------------------------------------------------------


def frame(parts: list[bytes]) -> bytes:
    chunks = [MAGIC, struct.pack(">I", len(parts))]
    for part in parts:
        chunks.append(struct.pack(">Q", len(part)))
        chunks.append(part)
    return b"".join(chunks)


def unframe(data: bytes) -> list[bytes]:
    if not data.startswith(MAGIC):
        raise Refused("format", "this is not a Schildwacht bundle.")
    view = memoryview(data)
    offset = len(MAGIC)
    if len(data) < offset + 4:
        raise Refused("format", "the bundle is cut short.")
    (count,) = struct.unpack_from(">I", view, offset)
    offset += 4
    if count > MAX_PARTS:
        raise Refused("format", f"the bundle claims {count} parts, more than allowed.")
    parts = []
    for _ in range(count):
        if len(data) < offset + 8:
            raise Refused("format", "the bundle is cut short.")
        (size,) = struct.unpack_from(">Q", view, offset)
        offset += 8
        if offset + size > len(data):
            raise Refused("format", "a part runs past the end of the bundle.")
        parts.append(bytes(view[offset : offset + size]))
        offset += size
    if offset != len(data):
        raise Refused("format", "there are trailing bytes after the last part.")
    return parts


# Encryption and files --------------------------------------------------------------------------


def encrypt(plain: bytes, recipients: list[str]) -> bytes:
    return pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(r) for r in recipients])


def decrypt(data: bytes, identity: str) -> bytes:
    try:
        return pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(identity)])
    except pyrage.DecryptError:
        raise Refused(
            "decryption",
            "it is not addressed to this device, or it was cut short or altered on the way.",
        ) from None


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise Refused("size", f"{path.name} is larger than {MAX_BUNDLE_BYTES} bytes.")
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder (0600), flush to disk, then rename."""
    machine.write_private(path, data, "the bundle")


def partial_files(folder: Path) -> Iterator[Path]:
    return folder.glob(".*.partial")
