"""The bundle file format: framing, exact values, signing, encryption.

A bundle on disk is an age file (``pyrage``) encrypted to every enrolled device. Inside is a
magic line and length-prefixed parts::

    SCHILDWACHT-BUNDLE\\n | manifest | manifest signature | roster | roster signature |
    (segment header | segment body | segment signature) * n

The manifest (bundle id, sender, recipients, segments with their hashes, the sender's version
vector, schema and format versions) is signed by the sender; each segment header (origin,
number, first and last sequence number, the hash of the origin's previous segment, the body's
SHA-256 and, from encoding 2 on, its length) is signed by its origin with Ed25519, so a relayed
segment still proves its author.

**Bundle formats.** Format 2 (written now) compresses every segment body with zlib before the
whole bundle is encrypted (compression after encryption would find nothing to compress): the
stdlib codec, so no new native dependency sits in the path of every received file, and a
decompressor whose output is bounded chunk by chunk; a large demo's bodies shrink 13-fold. A body
is decompressed twice, in bounded chunks and never whole: once to check its length and hash
against the signed header, once to decode it; together a bundle's bodies may not hold more than
``MAX_PAYLOAD_BYTES``. Format 1 bundles (plain bodies) are still read.

**Sizes.** No run may be larger than the rule table lets any store write (``rules.largest`` per
field, ``rules.MAX_RUN_RECORDS`` records, ``MAX_NAME`` for a row key, ``rules.MAX_HISTORY`` for
a history): an encoding 2 body is read line by line and a line is never held longer than the
run its head names may be, as JSON writes it (``line_limit``); every decoded run is checked
exactly (``check_sizes``). A run over a bound raises ``Oversized``, and its segment is refused
before anything of it is stored. An encoding 1 body is read record by record the same way, a
record never held longer than ``MAX_LINE`` (``records_v1``).

**Body encodings** (the segment header's ``encoding``; the hash is over the encoded body, so a
relayed segment is re-encoded byte for byte). Encoding 2 (written now): one line per run
(``change.Run``), canonical JSON ``[seq, hlc, tbl, pk, cl, actor, [fields], [prevs] | null,
[values]]`` ending in a newline; a body that is not exactly the canonical form of its runs (runs
not maximal, values not canonical) is refused. Encoding 1 (segments cut before): one JSON list
of ``[seq, hlc, tbl, pk, col, val, cl, prev, actor]`` records. Values round-trip exactly
(integers of any size SQLite holds, floats including -0.0 and the infinities, text including
non-BMP characters, blobs as ``{"b": base64}``, NULL).
"""

from __future__ import annotations

import base64
import codecs
import errno
import hashlib
import json
import math
import os
import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import dbfile, machine, rules
from ..errors import BadInput, IntegrityFailure
from ..validate import visible
from .change import Change, Run, checked_values, compact, normal_prevs, runs_of, strict_json

MAGIC = b"SCHILDWACHT-BUNDLE\n"
#: How every bundle file begins: the age format's header line (age-encryption.org/v1).
AGE_MAGIC = b"age-encryption.org/v1\n"
#: The bundle format written: 2 compresses segment bodies; 1 (plain bodies) is still read.
FORMAT = 2
#: The body encoding written: 2 is one line per run; 1 (a list of records) is still read.
ENCODING = 2
SUFFIX = ".swb"
#: The largest bundle file read (a welcome bundle of a large team is well under it).
MAX_BUNDLE_BYTES = 1024**3
#: The most a bundle's segment bodies may hold uncompressed, together (never more than a
#: format 1 bundle could carry).
MAX_PAYLOAD_BYTES = MAX_BUNDLE_BYTES
#: zlib's level: the default, a balance of time and size.
LEVEL = 6
#: Bytes decompressed at a time.
CHUNK = 1 << 20
MAX_PARTS = 200_000
#: The longest table name, key, field name or callsign a change record may carry.
MAX_NAME = 4096
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: The most bytes JSON takes for one character of a value (a control character: ``\\u0001``).
JSON_CHAR = 6
#: The most bytes of a body line before its values begin (its numbers, clock, table, row key,
#: author, fields and histories): three names of ``MAX_NAME``, the fields, and the histories of
#: eight critical fields of ``rules.MAX_HISTORY`` characters (a history's JSON takes at most two
#: bytes a character: only its quotes are escaped).
MAX_HEAD = 16 * 1024 * 1024
#: The most bytes of a body line: the largest run the rule table allows, written as JSON.
MAX_LINE = MAX_HEAD + JSON_CHAR * (rules.LARGEST_UNKNOWN + rules.MAX_RUN_RECORDS * rules.SHORT)
#: A body line shorter than this is read whole before its sizes are checked (``decode_line``).
FLOOR = CHUNK


class Oversized(ValueError):
    """A run no store could have written: larger than the rule table allows (``rules.largest``).
    Its segment is refused whole, before anything of it is stored, on every laptop alike.

    Args:
        table: the run's table (as the bundle names it).
        column: the field ('' when the part is not one field's).
        part: ``value``, ``key`` (the row key), ``history`` (a critical field's ``prev``),
            ``name`` (a table, field or author name) or ``records`` (how many the run holds).
        limit: the most it may be (characters; records for ``records``).
    """

    def __init__(self, table: str, column: str, part: str, limit: int) -> None:
        super().__init__(f"a run's {part} is larger than a change may be")
        self.table = table[:64]
        self.column = column[:64]
        self.part = part
        self.limit = limit


def check_sizes(
    tbl: str, cols: list[str], values: list[object], prevs: list[object] | None
) -> None:
    """Refuse (``Oversized``) a run whose values, histories or records are more than the rule
    table allows: a value longer than its field's ``rules.largest``, more records than
    ``rules.MAX_RUN_RECORDS``, a history longer than ``rules.MAX_HISTORY``.

    Args:
        tbl: the run's table.
        cols: its fields.
        values: its values, decoded.
        prevs: its fields' histories (None: none).

    Raises:
        Oversized: more fields than ``rules.MAX_RUN_RECORDS`` (part ``records``), a text or blob
            value over its field's ``rules.largest`` (``value``), or a history over
            ``rules.MAX_HISTORY`` (``history``).
    """
    if len(cols) > rules.MAX_RUN_RECORDS:
        raise Oversized(tbl, "", "records", rules.MAX_RUN_RECORDS)
    short = rules.SHORT  # every field takes this much: only a longer value is looked up
    for index, value in enumerate(values):
        kind = type(value)
        if (kind is str or kind is bytes) and len(value) > short:  # type: ignore[arg-type]
            most = rules.largest(tbl, cols[index])
            if len(value) > most:  # type: ignore[arg-type]
                raise Oversized(tbl, cols[index], "value", most)
    if prevs is not None:
        for col, prev in zip(cols, prevs, strict=False):
            if type(prev) is str and len(prev) > rules.MAX_HISTORY:
                raise Oversized(tbl, col, "history", rules.MAX_HISTORY)


class Refused(IntegrityFailure):
    """A bundle failed a check; ``check`` names which one. Nothing was written.

    Args:
        check: which check failed (``format``, ``file``, ``size``, ``signature``…).
        code: what went wrong, for the faces' words (``words.errors``).
        **params: the facts the words are made of (``check`` is added to them).
    """

    def __init__(self, check: str, *, code: str, **params: Any) -> None:
        super().__init__(code=code, check=check, **params)
        self.check = check
        #: the segment whose check failed, where one did (``verify``): its origin device,
        #: number and first and last sequence numbers, kept by ``status.note_refused``
        self.segment: dict[str, Any] | None = None


# Canonical JSON and exact values ---------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that signatures and hashes are made over: keys sorted, no
    spaces, UTF-8 (not escaped).

    Args:
        value: a JSON value.

    Returns:
        UTF-8 JSON bytes, sorted keys and no white space between items: equal values give equal
        bytes.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode_value(value: object) -> object:
    """A column value as JSON can carry it: bytes become ``{"b": base64}``, anything else is
    kept.

    Args:
        value: a column value.

    Returns:
        ``{"b": base64 text}`` for bytes; any other value as it was.
    """
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode("ascii")}
    return value


def decode_value(value: object) -> object:
    """A value as SQLite will hold it exactly.

    Args:
        value: a value as JSON carried it.

    Returns:
        Bytes for ``{"b": …}``; None, text, a 64-bit integer or a float (not NaN) as given.

    Raises:
        ValueError: a malformed blob, an integer outside 64 bits, NaN or another JSON type.
    """
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
    [seq, hlc, tbl, pk, col, val, cl, prev, actor].

    Args:
        records: the records, as tuples in the change log's column order.

    Returns:
        The body: one JSON list per record.
    """
    rows = [
        [seq, hlc, tbl, pk, col, encode_value(val), cl, prev, actor]
        for seq, hlc, tbl, pk, col, val, cl, prev, actor in records
    ]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()


def decode_body(body: bytes, origin: str) -> list[Change]:
    """The records of a segment body, every field of the type the change log stores; a body
    that does not fit raises ValueError (the bundle is refused as ``format``).

    Args:
        body: an encoding 1 body.
        origin: the origin's device id.

    Returns:
        The body's ``Change`` records in the order written, ``origin`` set on each, their values
        decoded (``decode_value``).

    Raises:
        ValueError: not a JSON list of nine-field records, nested too deeply, a field of the wrong
            type, a constant JSON does not have (NaN, Infinity), or text no database can store (a
            lone surrogate).
        Oversized: a record's key, value or history is larger than the rule table allows
            (``check_sizes``).
    """
    try:  # the shape is checked record by record below: a nesting the parser cannot take is
        rows = json.loads(body, parse_constant=_no_constant)  # refused as well (format)
    except RecursionError:
        raise ValueError("segment body is nested too deeply") from None
    if not isinstance(rows, list):
        raise ValueError("segment body is not a list of change records")
    surrogates = b"\\ud" in body.lower()  # only an escape can make text no database stores
    return [_record_v1(row, origin, surrogates) for row in rows]


def _record_v1(row: object, origin: str, surrogates: bool) -> Change:
    """One record of an encoding 1 body, checked (``surrogates``: the body escapes one)."""
    if not isinstance(row, list) or len(row) != 9:
        raise ValueError("segment body is not a list of change records")
    seq, hlc, tbl, pk, col, val, cl, prev, actor = row
    _check_key(tbl, pk)
    if not (
        _stamp_ok(seq, hlc, cl, tbl, pk, actor)
        and type(col) is str
        and len(col) <= MAX_NAME
        and (prev is None or type(prev) is str)
    ):
        raise ValueError("a change record has fields of the wrong type")
    record = Change(origin, seq, hlc, tbl, pk, col, decode_value(val), cl, prev, actor)
    check_sizes(tbl, [col], [record.val], [prev])
    if surrogates and not all(_encodable(t) for t in record[3:] if isinstance(t, str)):
        raise ValueError("a change record holds text no database can store")
    return record


def records_v1(chunks: Iterable[bytes], origin: str) -> Iterator[Change]:
    """The records of an encoding 1 body given in chunks, each parsed as soon as it is whole:
    a record is never held longer than ``MAX_LINE`` (``Oversized``), so a value no store could
    have written costs at most that; otherwise as ``decode_body``.

    Args:
        chunks: the body in chunks of any size.
        origin: the origin's device id.

    Yields:
        Each ``Change`` record as soon as its text is whole, in the order written.

    Raises:
        ValueError: bytes that are not UTF-8, a body that is not a JSON list of records, or a record
            as ``decode_body`` refuses it.
        Oversized: a record longer than ``MAX_LINE`` before it is whole, or one larger than the rule
            table allows.
    """
    text, at, tried, begun, ended, surrogates = "", 0, 0, False, False, False
    decoder = codecs.getincrementaldecoder("utf-8")()  # strict: bytes that are not UTF-8
    for chunk in _ending(chunks):
        last = chunk is None
        fresh = decoder.decode(chunk or b"", final=last)
        surrogates = surrogates or "\\ud" in (text[-2:] + fresh).lower()
        text, at = text[at:] + fresh, 0
        while not ended:
            if not begun:
                if not text:
                    break
                if text[0] != "[":
                    raise ValueError("segment body is not a list of change records")
                begun, at = True, 1
                ended = text[at : at + 1] == "]"
                at += ended
                continue
            pending = len(text) - at  # once a try failed: one record, not whole yet
            if tried and pending > MAX_LINE:
                raise _record_too_large(text[at : at + MAX_HEAD])
            if pending <= tried and not last:
                break  # read on
            try:
                row, end = _DECODER.raw_decode(text, at)
            except RecursionError:
                raise ValueError("segment body is nested too deeply") from None
            except ValueError:
                if last:
                    raise
                tried = 2 * pending  # tried again once twice as much is read
                break
            if end == len(text) and not last:
                tried = pending  # what follows it is not read yet
                break
            yield _record_v1(row, origin, surrogates)
            tried, separator = 0, text[end : end + 1]
            if separator not in (",", "]"):
                raise ValueError("segment body is not a list of change records")
            at, ended = end + 1, separator == "]"
    if not ended or text[at:]:
        raise ValueError("segment body is not a list of change records")


def _ending(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    yield from chunks
    yield None


def _record_too_large(head: str) -> Oversized:
    """What of an encoding 1 record too long is too large: its value, or its key."""
    items, _start = _head(head, 5)
    table = items[2] if len(items) > 2 and type(items[2]) is str else ""
    if len(items) == 5 and type(items[4]) is str:
        return Oversized(table, items[4], "value", rules.largest(table, items[4]))
    return Oversized(table, "", "key" if len(items) == 3 else "name", MAX_NAME)


def _stamp_ok(seq: object, hlc: object, cl: object, tbl: object, pk: object, actor: object) -> bool:
    """Whether a record's or run's number, clock, causal length, table, key and author have
    their types and ranges (both body encodings check these the same way)."""
    return (
        type(seq) is int
        and type(hlc) is int
        and type(cl) is int
        and 0 <= seq <= INT64_MAX
        and 0 <= hlc <= INT64_MAX
        and 0 <= cl <= INT64_MAX
        and type(tbl) is str
        and type(pk) is str
        and type(actor) is str
        and max(len(tbl), len(pk), len(actor)) <= MAX_NAME
    )


def _check_key(tbl: object, pk: object) -> None:
    """A row key longer than any a store writes is refused as too large (``Oversized``)."""
    if type(pk) is str and len(pk) > MAX_NAME:
        raise Oversized(tbl if type(tbl) is str else "", "", "key", MAX_NAME)


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


# Encoding 2: one line per run ----------------------------------------------------------------


def encode_line(run: Run) -> bytes:
    """A run as its canonical line (newline included).

    Args:
        run: the run.

    Returns:
        One canonical JSON line, UTF-8, ending in a newline: the run's stamp, table, key, clock,
        author, fields and histories, then its values as the text they are kept in.
    """
    head = compact([run.seq, run.hlc, run.tbl, run.pk, run.cl, run.actor, run.cols, run.prevs])
    return f"{head[:-1]},{run.vals}]\n".encode()


def encode_runs(runs: Iterable[Run]) -> Iterator[bytes]:
    """A body's lines, for runs of one origin in number order (maximal runs: ``log``).

    Args:
        runs: runs of one origin, in number order.

    Yields:
        One line per run (``encode_line``), in the order given.
    """
    for run in runs:
        yield encode_line(run)


def decode_line(line: bytes, origin: str, shared: dict[object, object]) -> Run:
    """One line of an encoding 2 body as a run; anything else raises ValueError (the bundle is
    refused as malformed). The values are checked and kept as the text they came in, so the run
    is relayed byte for byte; everything else must be written canonically. ``shared`` holds one
    copy of what many runs repeat (tables, authors, clocks, field lists, histories).

    Args:
        line: one line of the body, newline included.
        origin: the origin's device id.
        shared: what earlier lines of the body carried, kept once (filled in).

    Returns:
        The ``Run``, its values kept as the JSON text they came in (``Run.vals``); strings many
        lines repeat are the one copy in ``shared``.

    Raises:
        ValueError: bytes that are not UTF-8; not a nine-field JSON list; fields of the wrong type,
            a stamp out of range, or text not written canonically.
        Oversized: a key, value or history larger than the rule table allows.
    """
    text = line.decode("utf-8")  # strict: bytes that are not UTF-8 are refused
    item = strict_json(text)
    if type(item) is not list or len(item) != 9:
        raise ValueError("a body line is not a run")
    seq, hlc, tbl, pk, cl, actor, cols, prevs, values = item
    _check_key(tbl, pk)
    if not (
        _stamp_ok(seq, hlc, cl, tbl, pk, actor)
        and type(cols) is list
        and type(values) is list
        and 0 < len(cols) == len(values)
        and all(type(c) is str and len(c) <= MAX_NAME for c in cols)
        and seq + len(cols) - 1 <= INT64_MAX
        and (
            prevs is None
            or (
                type(prevs) is list
                and len(prevs) == len(cols)
                and all(p is None or type(p) is str for p in prevs)
            )
        )
    ):
        raise ValueError("a run has fields of the wrong type")
    checked_values(values, pk, actor, hlc)
    check_sizes(tbl, cols, values, prevs)
    if "\\ud" in text.lower():  # only an escape can make text no database stores
        for part in (tbl, pk, actor, *cols, *(prevs or ()), *values):
            if type(part) is str:
                part.encode("utf-8")  # a lone surrogate raises (a ValueError)
    history = None if prevs is None else normal_prevs(prevs)
    head = compact([seq, hlc, tbl, pk, cl, actor, cols, history])
    if not (text.startswith(head[:-1] + ",") and text.endswith("]\n")):
        raise ValueError("a body line is not written canonically")
    once = shared.setdefault
    return Run(
        origin,
        seq,
        once(hlc, hlc),  # type: ignore[arg-type]
        once(tbl, tbl),  # type: ignore[arg-type]
        pk,
        cl,
        once(actor, actor),  # type: ignore[arg-type]
        once(tuple(cols), tuple(cols)),  # type: ignore[arg-type]
        text[len(head) : -2],
        None if history is None else once(history, history),  # type: ignore[arg-type]
    )


def decode_runs(lines: Iterable[bytes], origin: str) -> Iterator[Run]:
    """The runs of an encoding 2 body, checked to be maximal.

    Args:
        lines: the body's lines.
        origin: the origin's device id.

    Yields:
        Each ``Run`` as its line is read, in the body's order.

    Raises:
        ValueError: a malformed line (``decode_line``), or two runs that should be one.
    """
    shared: dict[object, object] = {}
    previous: Run | None = None
    for line in lines:
        run = decode_line(line, origin, shared)
        if (
            previous is not None
            and run.seq == previous.last + 1
            and run.grouping == previous.grouping
        ):
            raise ValueError("two runs of one row and change set that are one run")
        previous = run
        yield run


def runs_of_v1(chunks: Iterable[bytes], origin: str) -> list[Run]:
    """The records of an encoding 1 body, as runs (``records_v1``).

    Args:
        chunks: the body, in chunks of any size.
        origin: the origin's device id.

    Returns:
        The body's records grouped into maximal runs (``change.runs_of``), in number order.

    Raises:
        ValueError, Oversized: as ``records_v1``.
    """
    return runs_of(records_v1(chunks, origin))


# Compressed bodies ------------------------------------------------------------------------------


def compressed(lines: Iterable[bytes]) -> tuple[bytes, str, int]:
    """A body compressed as it is encoded: (zlib stream, SHA-256 and length of the body).

    Args:
        lines: the body's lines.

    Returns:
        ``(stream, sha256, length)``: the zlib stream (level ``LEVEL``), the hex SHA-256 of the
        uncompressed body and its length in bytes.
    """
    packer = zlib.compressobj(LEVEL)
    digest = hashlib.sha256()
    size = 0
    chunks = []
    for line in lines:
        digest.update(line)
        size += len(line)
        chunks.append(packer.compress(line))
    chunks.append(packer.flush())
    return b"".join(chunks), digest.hexdigest(), size


class TooLarge(ValueError):
    """A compressed body holds more than it may."""


class Budget:
    """How many body bytes a bundle may still decompress (``MAX_PAYLOAD_BYTES`` in all)."""

    def __init__(self) -> None:
        self.left = MAX_PAYLOAD_BYTES


def inflate(part: bytes, limit: int) -> Iterator[bytes]:
    """A zlib stream's content in chunks of at most ``CHUNK`` bytes; a stream that holds more
    than ``limit`` bytes raises TooLarge, one cut short or followed by anything ValueError.

    Args:
        part: the zlib stream.
        limit: the most bytes it may hold.

    Yields:
        The uncompressed bytes, in chunks of at most ``CHUNK``.

    Raises:
        ValueError: not a zlib stream, cut short, or bytes after its end.
        TooLarge: it holds more than ``limit`` bytes (raised as soon as that is read).
    """
    unpacker = zlib.decompressobj()
    data = part
    produced = 0
    while True:
        try:
            chunk = unpacker.decompress(data, CHUNK)
        except zlib.error:
            raise ValueError("a segment body is not a zlib stream") from None
        produced += len(chunk)
        if produced > limit:
            raise TooLarge("a segment body is larger than allowed")
        if chunk:
            yield chunk
        data = unpacker.unconsumed_tail
        if unpacker.eof:
            break
        if not data and not chunk:
            raise ValueError("a segment body is cut short")
    if unpacker.unused_data or unpacker.unconsumed_tail:
        raise ValueError("a segment body has bytes after its end")


def lines(chunks: Iterable[bytes], *, bounded: bool = False) -> Iterator[bytes]:
    """Newline-ended lines of a body given in chunks; a last line without its newline raises
    ValueError. ``bounded``: a line is never held longer than the run it begins may be
    (``line_limit``), so a value no store could have written costs at most that.

    Args:
        chunks: the body in chunks of any size.
        bounded: refuse (``Oversized``) a line longer than its run may be, as it is read.

    Yields:
        Each line as bytes, its newline included, in order.

    Raises:
        ValueError: the last line has no newline; with ``bounded``, a line whose beginning is not a
            run (``line_limit``).
        Oversized: with ``bounded``, a line longer than its run may be.
    """
    pieces: list[bytes] = []  # the line read so far
    size, check_at = 0, FLOOR
    for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            line = b"".join((*pieces, chunk[start : end + 1]))
            if bounded and len(line) > FLOOR:
                line_limit(line)
            yield line
            pieces, size, check_at, start = [], 0, FLOOR, end + 1
        if start < len(chunk):
            pieces.append(chunk[start:])
            size += len(chunk) - start
            if bounded and size > check_at:
                pieces = [b"".join(pieces)]
                check_at = line_limit(pieces[0])
    if pieces:
        raise ValueError("a body's last line has no end")


def line_limit(line: bytes) -> int:
    """The most bytes a body line that begins so may have: its head, then for each field it
    names the largest value the rule table allows (``rules.largest``) as JSON writes it; at
    most ``MAX_LINE``. A beginning already longer raises ``Oversized``, naming what is too large.

    Args:
        line: a body line, or its beginning.

    Returns:
        A number of bytes: ``MAX_HEAD`` while the head is not whole yet, else the head's length plus
        the largest JSON of each field's value; at most ``MAX_LINE``.

    Raises:
        ValueError: the head is whole but is not a run's (its table or fields of the wrong type).
        Oversized: the head itself is longer than a key, name or history may be, or it names more
            fields than ``rules.MAX_RUN_RECORDS``.
    """
    head = str(memoryview(line)[:MAX_HEAD], "utf-8", "ignore")  # no copy of the bytes first
    items, start = _head(head)
    if start < 0:
        if len(line) > MAX_HEAD:
            part = {3: "key", 7: "history"}.get(len(items), "name")
            table = items[2] if len(items) > 2 and type(items[2]) is str else ""
            raise Oversized(table, "", part, MAX_NAME if part == "key" else MAX_HEAD)
        return MAX_HEAD
    tbl, cols = items[2], items[6]
    if type(tbl) is not str or type(cols) is not list or not all(type(c) is str for c in cols):
        raise ValueError("a body line is not a run")
    if len(cols) > rules.MAX_RUN_RECORDS:
        raise Oversized(tbl, "", "records", rules.MAX_RUN_RECORDS)
    most = len(head[:start].encode()) + 2
    most += sum(JSON_CHAR * rules.largest(tbl, c) + 16 for c in cols)
    most = min(most, MAX_LINE)
    if len(line) > most:
        raise _too_large(line.decode("utf-8", "ignore"), start, tbl, cols)
    return most


def _head(text: str, count: int = 8) -> tuple[list[object], int]:
    """The first ``count`` items of a body line's head (or an encoding 1 record) that ``text``
    holds whole, and where what follows them begins (-1: not in ``text``, or not a head)."""
    items: list[object] = []
    if not text.startswith("["):
        return items, -1
    at = 1
    while len(items) < count:
        try:
            item, at = _DECODER.raw_decode(text, at)
        except ValueError:
            return items, -1
        items.append(item)
        if text[at : at + 1] != ",":
            return items, -1
        at += 1
    return items, at


def _too_large(text: str, start: int, tbl: str, cols: list[str]) -> Oversized:
    """Which value of a line too long is too large: the first longer than its field may be, or
    the one the line was cut in."""
    at = start + 1  # past the values' "["
    for col in cols:
        most = rules.largest(tbl, col)
        try:
            value, end = _DECODER.raw_decode(text, at)
        except ValueError:
            return Oversized(tbl, col, "value", most)
        if end - at > JSON_CHAR * most + 16 or (isinstance(value, str) and len(value) > most):
            return Oversized(tbl, col, "value", most)
        at = end + 1
    return Oversized(tbl, "", "value", rules.LARGEST_UNKNOWN)


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, 64 hex digits.

    Args:
        data: the bytes.

    Returns:
        64 lower-case hex digits.
    """
    return hashlib.sha256(data).hexdigest()


# Signatures ------------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    """``data`` in standard base64, as ASCII text.

    Args:
        data: the bytes.

    Returns:
        Base64 text with padding (``+`` and ``/``, not the URL-safe alphabet).
    """
    return base64.b64encode(data).decode("ascii")


def public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from its raw 32 bytes in base64.

    Args:
        text: the key's raw 32 bytes in base64.

    Returns:
        The ``Ed25519PublicKey`` (``cryptography``).

    Raises:
        ValueError: not base64, or not 32 bytes (``binascii.Error`` is a ValueError).
    """
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The Ed25519 signature (64 bytes) of ``data`` by ``key``.

    Args:
        key: this device's signing key.
        data: the bytes to sign.

    Returns:
        The 64-byte signature.
    """
    return key.sign(data)


def verified(public: str, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the signature of ``data`` by the key ``public`` (base64); False
    also for a key that is not one.

    Args:
        public: the Ed25519 public key, base64.
        signature: the signature (64 bytes).
        data: the bytes signed.

    Returns:
        True only when the key reads and the signature holds.
    """
    try:
        public_key(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# Framing ---------------------------------------------------------------------------------------


def frame(parts: list[bytes]) -> bytes:
    """The parts in one byte string: the magic, the number of parts (4 bytes, big-endian), then each
    part's length (8 bytes, big-endian) and bytes. ``unframe`` reads it back.

    Args:
        parts: the parts, in order.

    Returns:
        ``MAGIC``, the count, then each part's length and bytes, as one byte string.
    """
    chunks = [MAGIC, struct.pack(">I", len(parts))]
    for part in parts:
        chunks.append(struct.pack(">Q", len(part)))
        chunks.append(part)
    return b"".join(chunks)


def unframe(data: bytes) -> list[bytes]:
    """The parts of a framed bundle (``frame``).

    Args:
        data: the decrypted file.

    Returns:
        The parts, in order.

    Raises:
        Refused: ``format``: no magic, too many parts (``MAX_PARTS``), cut short, a part past
            the end, or bytes after the last part.
    """
    if not data.startswith(MAGIC):
        raise Refused("format", code="bundle_not_one")
    view = memoryview(data)
    offset = len(MAGIC)
    if len(data) < offset + 4:
        raise Refused("format", code="bundle_cut_short")
    (count,) = struct.unpack_from(">I", view, offset)
    offset += 4
    if count > MAX_PARTS:
        raise Refused("format", code="bundle_too_many_parts", count=count)
    parts = []
    for _ in range(count):
        if len(data) < offset + 8:
            raise Refused("format", code="bundle_cut_short")
        (size,) = struct.unpack_from(">Q", view, offset)
        offset += 8
        if offset + size > len(data):
            raise Refused("format", code="bundle_part_past_end")
        parts.append(bytes(view[offset : offset + size]))
        offset += size
    if offset != len(data):
        raise Refused("format", code="bundle_trailing_bytes")
    return parts


# Encryption and files --------------------------------------------------------------------------


def encrypt(plain: bytes, recipients: list[str]) -> bytes:
    """``plain`` encrypted with age to each of the recipients (X25519 public keys, ``age1…``).

    Args:
        plain: the framed bundle.
        recipients: the age X25519 public keys (``age1…``).

    Returns:
        The age file (binary, not armored) any one of the recipients' identities decrypts.

    Raises:
        pyrage.RecipientError: a recipient that is not an age X25519 public key (the roster's
        keys were checked when it was accepted).
    """
    return pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(r) for r in recipients])


def decrypt(data: bytes, identity: str) -> bytes:
    """Decrypt with this device's identity. age tells a file with no part for this device
    ("not addressed") from one cut short or altered ("damaged"); the one damage it cannot tell
    apart is to the very part addressed to this device, which then reads as not addressed.

    Args:
        data: the bundle file's bytes.
        identity: this device's age identity (``AGE-SECRET-KEY-1…``).

    Returns:
        The framed bundle.

    Raises:
        Refused: ``not addressed`` or ``damaged``.
    """
    try:
        return pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(identity)])
    except (pyrage.DecryptError, ValueError) as exc:
        if "no matching keys" in str(exc).lower():
            raise Refused("not addressed", code="bundle_not_addressed") from None
        raise Refused("damaged", code="bundle_damaged") from None


def read_file(path: Path, *, follow: bool = True) -> bytes:
    """Read a bundle file defensively: a regular file only (``follow=False``: not through a
    symbolic link either), its size and its first bytes (age's header line) checked before a
    bounded read of the rest; never blocks on a FIFO.

    Args:
        path: the bundle file.
        follow: whether a symbolic link is followed.

    Returns:
        The file's bytes.

    Raises:
        Refused: ``file`` (a symbolic link, not a regular file), ``size`` (too large, or grew
            past the limit while read) or ``damaged`` (it does not begin as an age file does).
        BadInput: the file cannot be read (``bundle_unreadable``).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("file", code="bundle_symbolic_link") from None
        raise _unreadable(path, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("file", code="bundle_not_regular")
        if info.st_size > MAX_BUNDLE_BYTES:
            raise Refused("size", code="bundle_too_large", limit=MAX_BUNDLE_BYTES)
        head = os.read(fd, len(AGE_MAGIC))  # a junk file is refused before the rest is read
        if head != AGE_MAGIC:
            if head.startswith(machine.SQLITE_HEADER):  # a database given as the bundle
                raise Refused("damaged", code="bundle_is_database")
            raise Refused("damaged", code="bundle_not_age")
        read = machine.read_at_most(fd, MAX_BUNDLE_BYTES - len(head))
        if read is None:
            raise Refused("size", code="bundle_grew", limit=MAX_BUNDLE_BYTES)
        return head + read
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        dbfile.let_go(fd)  # the database itself given as the bundle: its locks stay (issue #17)


def _unreadable(path: Path, exc: OSError) -> BadInput:
    return BadInput(code="bundle_unreadable", path=visible(str(path)), cause=exc.strerror)


def write_atomically(path: Path, data: bytes, database: Path | None = None) -> None:
    """Write to a temporary name in the same folder (0600), flush to disk, then rename; never
    over anything but a regular file, nor over a file of ``database``.

    Args:
        path: the file to write.
        data: its bytes.
        database: the database file, whose files are never overwritten (None: none).

    Raises:
        BadInput: as ``machine.check_target`` (a folder, a link, a database file).
        MachineFault: the disk is full or the file may not be written.
    """
    machine.write_private(path, data, "the bundle", database=database)


def partial_files(folder: Path) -> Iterator[Path]:
    """Files a write into ``folder`` left behind when it was interrupted (``.NAME.partial``).

    Args:
        folder: the folder.

    Returns:
        A lazy iterator over the ``.NAME.partial`` files directly in ``folder`` (none when it does
        not exist).
    """
    return folder.glob(".*.partial")
