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
import errno
import hashlib
import json
import math
import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import machine
from ..errors import BadInput, IntegrityFailure
from ..validate import visible
from .change import Change

MAGIC = b"SCHILDWACHT-BUNDLE\n"
FORMAT = 1
SUFFIX = ".swb"
#: The largest bundle file read (a welcome bundle of a large team is well under it).
MAX_BUNDLE_BYTES = 1024**3
MAX_PARTS = 200_000
#: The longest table name, key, field name or callsign a change record may carry.
MAX_NAME = 4096
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


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
    """A value as SQLite will hold it exactly; anything else is malformed (ValueError)."""
    if isinstance(value, dict):
        if set(value) != {"b"} or not isinstance(value["b"], str):
            raise ValueError('a blob is written {"b": base64}')
        return base64.b64decode(value["b"], validate=True)
    if value is None or isinstance(value, str):  # lone surrogates: see decode_body
        return value
    if type(value) is int and INT64_MIN <= value <= INT64_MAX:
        return value
    if type(value) is float and not math.isnan(value):  # SQLite turns NaN into NULL
        return value
    raise ValueError("a value SQLite cannot hold exactly")


def encode_body(records: list[tuple[Any, ...]]) -> bytes:
    """Records without their origin, as compact JSON lists in a fixed order:
    [seq, hlc, tbl, pk, col, val, cl, prev, actor]."""
    rows = [
        [seq, hlc, tbl, pk, col, encode_value(val), cl, prev, actor]
        for seq, hlc, tbl, pk, col, val, cl, prev, actor in records
    ]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()


def decode_body(body: bytes, origin: str) -> list[Change]:
    """The records of a segment body, every field of the type the change log stores; a body
    that does not fit raises ValueError (the bundle is refused as ``format``)."""
    try:  # the shape is checked record by record below: a nesting the parser cannot take is
        rows = json.loads(body, parse_constant=_no_constant)  # refused as well (format)
    except RecursionError:
        raise ValueError("segment body is nested too deeply") from None
    if not isinstance(rows, list):
        raise ValueError("segment body is not a list of change records")
    surrogates = b"\\ud" in body.lower()  # only an escape can make text no database stores
    records = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 9:
            raise ValueError("segment body is not a list of change records")
        seq, hlc, tbl, pk, col, val, cl, prev, actor = row
        if not (
            type(seq) is int
            and type(hlc) is int
            and type(cl) is int
            and 0 <= seq <= INT64_MAX
            and 0 <= hlc <= INT64_MAX
            and 0 <= cl <= INT64_MAX
            and type(tbl) is str
            and type(pk) is str
            and type(col) is str
            and type(actor) is str
            and (prev is None or type(prev) is str)
            and max(len(tbl), len(pk), len(col), len(actor)) <= MAX_NAME
        ):
            raise ValueError("a change record has fields of the wrong type")
        record = Change(origin, seq, hlc, tbl, pk, col, decode_value(val), cl, prev, actor)
        if surrogates and not all(_encodable(t) for t in record[3:] if isinstance(t, str)):
            raise ValueError("a change record holds text no database can store")
        records.append(record)
    return records


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        return False
    return True


def _no_constant(name: str) -> object:
    """JSON's extensions for the infinities, which SQLite holds exactly; never NaN."""
    if name in ("Infinity", "-Infinity"):
        return float(name)
    raise ValueError(f"{name} is not a number SQLite can hold")


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
    """Decrypt with this device's identity. age tells a file with no part for this device
    ("not addressed") from one cut short or altered ("damaged"); the one damage it cannot tell
    apart is to the very part addressed to this device, which then reads as not addressed."""
    try:
        return pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(identity)])
    except (pyrage.DecryptError, ValueError) as exc:
        if "no matching keys" in str(exc).lower():
            raise Refused("not addressed", "it is not addressed to this device.") from None
        raise Refused("damaged", "it was cut short or altered on the way.") from None


def read_file(path: Path, *, follow: bool = True) -> bytes:
    """Read a bundle file defensively: a regular file only (``follow=False``: not through a
    symbolic link either), its size checked before a bounded read; never blocks on a FIFO."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("file", "it is a symbolic link; only regular files are read.") from None
        raise BadInput(f"Cannot read {visible(str(path))}: {exc.strerror}.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("file", "it is not a regular file (a FIFO, a device or a folder).")
        if info.st_size > MAX_BUNDLE_BYTES:
            raise Refused("size", f"it is larger than {MAX_BUNDLE_BYTES} bytes.")
        chunks, size = [], 0
        while size <= MAX_BUNDLE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_BUNDLE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BUNDLE_BYTES:
            raise Refused("size", f"it grew past {MAX_BUNDLE_BYTES} bytes while being read.")
        return b"".join(chunks)
    except OSError as exc:
        raise BadInput(f"Cannot read {visible(str(path))}: {exc.strerror}.") from None
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder (0600), flush to disk, then rename."""
    machine.write_private(path, data, "the bundle")


def partial_files(folder: Path) -> Iterator[Path]:
    return folder.glob(".*.partial")
