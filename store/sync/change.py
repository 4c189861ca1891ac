"""Change records: the unit the judge and the merge reason about, and the run they travel and are
kept in.

A record is one field of one row, written by one device: ``origin`` (the authoring device) and
``seq`` (its number there, 1, 2, 3, … without gaps) identify it everywhere; ``hlc`` is the hybrid
logical clock of the transaction that wrote it (every record of one local write transaction
shares it, so ``(origin, hlc)`` names a *change set*); ``tbl`` and ``pk`` (the JSON array of the
row's key) name the row, ``col`` the field (``''`` is the row's existence, with ``cl`` its
causal length: odd alive, even deleted); ``val`` the value; ``prev`` the records of a critical
field the writer had seen; ``actor`` the callsign of the person who acted.

A **run** is the records of one row that one change set wrote one after the other: they share
everything but their field, value and ``prev``, so a run keeps those once (its first number,
clock, row, causal length and author) and the fields as a tuple. Runs are the maximal such
stretches of consecutive numbers (``runs_of``), so a run-length form is a function of the records
alone: the change log keeps one row per run and a bundle body one line per run, and every device
writes the same bytes for the same records.

A run's values are kept as their canonical JSON text (``encode_values``). A value that repeats what
the run carries is written as a reference to it: a part of the row's key as ``{"k": i}``, the
author's callsign as ``{"a": 1}``, the run's clock as a stored time (its second) as ``{"t": 1}``
(the key field, the created-by and created-at fields of nearly every row); a blob is written
``{"b": base64}``, an infinity as the number ``1e999``; text, integers, floats (``-0.0`` too) and
NULL as JSON writes them. They are decoded when a record is looked at, so a bundle of a million
records is held as compact text, not as a million Python values.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from ..clock import from_epoch_ms, to_db
from ..validate import json_document

#: The field name of a row's existence record.
EXISTENCE = ""

#: The columns of ``sync_change`` (the change log as one row per record) in ``Change`` order.
COLUMNS = "origin, seq, hlc, tbl, pk, col, val, cl, prev, actor"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Change(NamedTuple):
    """One change record: field ``col`` of row ``pk`` of table ``tbl`` set to ``val`` (or the
    row's existence, ``EXISTENCE``), as number ``seq`` of device ``origin`` at hybrid logical
    clock ``hlc`` (milliseconds since 1970 UTC shifted by ``COUNTER_BITS``, with a counter),
    with the row's causal length ``cl``, the field's previous stamp ``prev`` a critical field
    carries, and the callsign of the ``actor`` who wrote it."""

    origin: str
    seq: int
    hlc: int
    tbl: str
    pk: str
    col: str
    val: object
    cl: int
    prev: str | None
    actor: str

    @property
    def change_set(self) -> tuple[str, int]:
        """The local write transaction this record came from: (origin, hlc)."""
        return (self.origin, self.hlc)

    @property
    def row(self) -> tuple[str, str]:
        """(table, row key): the row the change is to."""
        return (self.tbl, self.pk)

    @property
    def stamp(self) -> tuple[int, int, str]:
        """The order of writes to one field: (causal length, clock, device)."""
        return (self.cl, self.hlc, self.origin)

    @property
    def ref(self) -> str:
        """``origin/seq``: how other records refer to this one."""
        return f"{self.origin}/{self.seq}"


def as_changes(rows: object) -> list[Change]:
    """Rows of ``SELECT {COLUMNS} FROM sync_change`` as ``Change`` records.

    Args:
        rows: the rows selected (tuples in ``COLUMNS`` order).

    Returns:
        One ``Change`` per row, in the rows' order.
    """
    return [Change(*row) for row in rows]  # type: ignore[attr-defined]


class Run:
    """Consecutive records of one row in one change set (see the module's docstring)."""

    __slots__ = ("actor", "cl", "cols", "hlc", "origin", "pk", "prevs", "seq", "tbl", "vals")

    def __init__(
        self,
        origin: str,
        seq: int,
        hlc: int,
        tbl: str,
        pk: str,
        cl: int,
        actor: str,
        cols: tuple[str, ...],
        vals: str,
        prevs: tuple[str | None, ...] | None,
    ) -> None:
        self.origin = origin
        self.seq = seq  # the first record's number
        self.hlc = hlc
        self.tbl = tbl
        self.pk = pk
        self.cl = cl
        self.actor = actor
        self.cols = cols
        self.vals = vals  # canonical JSON of the values (``encode_values``)
        self.prevs = prevs  # per field; None when no field carries one

    def __repr__(self) -> str:
        return f"Run({self.origin}/{self.seq}+{len(self.cols)} {self.tbl} {self.pk})"

    @property
    def last(self) -> int:
        """The number of the run's last change."""
        return self.seq + len(self.cols) - 1

    @property
    def row(self) -> tuple[str, str]:
        """(table, row key): the row the run is to."""
        return (self.tbl, self.pk)

    @property
    def change_set(self) -> tuple[str, int]:
        """(origin, clock): the change set the run belongs to."""
        return (self.origin, self.hlc)

    @property
    def grouping(self) -> tuple[int, str, str, int, str]:
        """What the records of one run share beside their origin."""
        return (self.hlc, self.tbl, self.pk, self.cl, self.actor)

    def values(self) -> list[object]:
        """The run's values, one per column, decoded.

        Returns:
            The values in the order of ``cols``: None, integers, floats, text or bytes, exactly as
            SQLite holds them.

        Raises:
            ValueError: the kept text is not a run's values (``decode_values``).
        """
        return decode_values(self.vals, self.pk, self.actor, self.hlc)

    def prev(self, index: int) -> str | None:
        """The record the ``index``-th change follows (``origin/seq``), or None.

        Args:
            index: the change's place in the run (0 for the first).

        Returns:
            The previous stamp as ``origin/seq`` text, or None when that field carries none.
        """
        return None if self.prevs is None else self.prevs[index]

    def changes(self) -> list[Change]:
        """The run's records, values decoded.

        Returns:
            One ``Change`` per field, numbered from ``seq`` on.

        Raises:
            ValueError: the kept values cannot be read (``values``).
        """
        prevs = self.prevs or (None,) * len(self.cols)
        origin, seq, hlc, tbl, pk, cl, actor = (
            self.origin,
            self.seq,
            self.hlc,
            self.tbl,
            self.pk,
            self.cl,
            self.actor,
        )
        return [
            Change(origin, seq + i, hlc, tbl, pk, col, val, cl, prev, actor)
            for i, (col, val, prev) in enumerate(zip(self.cols, self.values(), prevs, strict=True))
        ]

    def part(self, first: int, last: int) -> Run:
        """The records numbered ``first`` … ``last`` of this run, as a run.

        Args:
            first: the first record's sequence number.
            last: the last record's sequence number.

        Returns:
            This run itself when the range covers it, else a new ``Run`` of the overlapping records
            (values re-encoded).
        """
        if first <= self.seq and last >= self.last:
            return self
        lo, hi = max(first, self.seq) - self.seq, min(last, self.last) - self.seq + 1
        return Run(
            self.origin,
            self.seq + lo,
            self.hlc,
            self.tbl,
            self.pk,
            self.cl,
            self.actor,
            self.cols[lo:hi],
            encode_values(self.values()[lo:hi], self.pk, self.actor, self.hlc),
            None if self.prevs is None else normal_prevs(self.prevs[lo:hi]),
        )


def normal_prevs(prevs: Sequence[str | None]) -> tuple[str | None, ...] | None:
    """A run's previous stamps per field, or None when no field carries one.

    Args:
        prevs: per field, the stamp it follows (``origin/seq``), or None.

    Returns:
        The stamps as a tuple, or None when every one is None.
    """
    return None if all(p is None for p in prevs) else tuple(prevs)


def runs_of(records: Iterable[Change]) -> list[Run]:
    """Records of one origin, in number order, as their maximal runs.

    Args:
        records: change records of one origin, in number order.

    Returns:
        The maximal runs (one row, one change set: same stamp, key, clock and author, numbers next
        to each other), in order.
    """
    runs: list[Run] = []
    group: list[Change] = []
    for record in records:
        if group and (
            record.seq != group[-1].seq + 1
            or record.origin != group[0].origin
            or (record.hlc, record.tbl, record.pk, record.cl, record.actor)
            != (group[0].hlc, group[0].tbl, group[0].pk, group[0].cl, group[0].actor)
        ):
            runs.append(_run(group))
            group = []
        group.append(record)
    if group:
        runs.append(_run(group))
    return runs


def _run(group: list[Change]) -> Run:
    first = group[0]
    return Run(
        first.origin,
        first.seq,
        first.hlc,
        first.tbl,
        first.pk,
        first.cl,
        first.actor,
        tuple(r.col for r in group),
        encode_values([r.val for r in group], first.pk, first.actor, first.hlc),
        normal_prevs([r.prev for r in group]),
    )


def changes_of(runs: Iterable[Run]) -> Iterator[Change]:
    """The records of these runs, one ``Change`` per field, in the runs' order.

    Args:
        runs: the runs.

    Yields:
        Each record as a ``Change``.

    Raises:
        ValueError: a run's values cannot be read.
    """
    for run in runs:
        yield from run.changes()


def readable_changes(runs: Iterable[Run]) -> Iterator[Change]:
    """The records of these runs, leaving out a run whose values cannot be read (one held in a
    form no Schildwacht wrote, changed outside it: it names no value to reason about).

    Args:
        runs: the runs.

    Yields:
        Each record of the runs whose values read, as a ``Change``.
    """
    for run in runs:
        try:
            records = run.changes()
        except (ValueError, TypeError):
            continue
        yield from records


# Values ------------------------------------------------------------------------------------------


_SIMPLE_KEY = re.compile(r'\["[^"\\\x00-\x1f]*"\]\Z')


def key_parts(pk: str) -> list[object] | None:
    """The parts of a row key (None: not a JSON list).

    Args:
        pk: a row key (JSON text).

    Returns:
        The key's parts (text and numbers), or None for text that is not a JSON list.
    """
    if _SIMPLE_KEY.match(pk):
        return [pk[2:-2]]  # one text part with nothing to unescape: most keys, read fast
    try:
        key = json_document(pk, "a row key", max_depth=2)
    except ValueError:
        return None
    return key if isinstance(key, list) else None


def row_id(pk: str) -> str:
    """The ``id`` a row key names: its one part as text; a key of several parts, or one that
    is not a JSON list (a quarantined record's malformed key, which names no row), as given.

    Args:
        pk: a row key (JSON text).

    Returns:
        The single part as text (a row's id), or ``pk`` itself.
    """
    key = key_parts(pk)
    return str(key[0]) if key is not None and len(key) == 1 else pk


def key_of(value: str) -> str:
    """The row key of a one-part key (``json.dumps([value])``, fast for the usual ids).

    Args:
        value: the row's id.

    Returns:
        The key as JSON text, ``["value"]`` (not ASCII-escaped).
    """
    if _SIMPLE_PART.match(value):
        return f'["{value}"]'
    return json.dumps([value], ensure_ascii=False)


_SIMPLE_PART = re.compile(r'[^"\\\x00-\x1f]*\Z')


#: The low bits of a hybrid logical clock stamp: a counter within one millisecond.
COUNTER_BITS = 16


def hlc_wall_ms(hlc: int) -> int:
    """The wall-clock part of a hybrid logical clock stamp: milliseconds since the epoch, UTC.

    Args:
        hlc: a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by ``COUNTER_BITS``,
            plus a counter.

    Returns:
        Milliseconds since 1970-01-01 UTC.
    """
    return hlc >> COUNTER_BITS


def clock_moment(hlc: int) -> datetime | None:
    """A clock's wall time, aware UTC (None: a clock no datetime can hold).

    Args:
        hlc: a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by ``COUNTER_BITS``,
            plus a counter.

    Returns:
        An aware UTC ``datetime`` to the millisecond, or None when the stamp lies outside what a
        datetime holds.
    """
    try:
        return from_epoch_ms(hlc_wall_ms(hlc))
    except (OverflowError, ValueError, OSError):
        return None


@lru_cache(maxsize=1024)
def clock_text(hlc: int) -> str | None:
    """A clock's second as a stored time (None: a clock no stored time can name).

    Args:
        hlc: a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by ``COUNTER_BITS``,
            plus a counter.

    Returns:
        Stored UTC text, ``2026-12-01T07:00:00Z`` (the millisecond dropped), or None.
    """
    moment = clock_moment(hlc)
    return None if moment is None else to_db(moment)


def encode_values(values: Sequence[object], pk: str, actor: str, hlc: int) -> str:
    """The canonical JSON text of a run's values (see the module's docstring).

    Args:
        values: the run's values, in its columns' order.
        pk: the run's row key (JSON text).
        actor: who made the run (a callsign).
        hlc: the run's stamp (a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by
            ``COUNTER_BITS``, plus a counter.).

    Returns:
        Compact JSON text of the list: blobs as ``{"b": base64}``, and text the run carries anyway
        (a key part, the author, its clock's second) as a short reference to it.
    """
    refs: dict[str, object] = {}  # text the run carries → how it is referred to
    key = key_parts(pk)
    if key:
        for index in range(len(key) - 1, -1, -1):  # the first part, where a value repeats
            part = key[index]
            if type(part) is str:
                refs[part] = {"k": index}
    refs.setdefault(actor, _ACTOR)
    stamp = clock_text(hlc)
    if stamp is not None:
        refs.setdefault(stamp, _CLOCK)
    get = refs.get
    parts = [get(v, v) if type(v) is str else v for v in values]
    if _SPECIAL.isdisjoint(map(type, parts)):
        return compact(parts)
    pieces = []
    for value in parts:
        if isinstance(value, bytes):
            pieces.append(compact({"b": base64.b64encode(value).decode("ascii")}))
        elif type(value) is float and not math.isfinite(value):
            pieces.append("1e999" if value > 0 else "-1e999")
        else:
            pieces.append(compact(value))
    return "[" + ",".join(pieces) + "]"


_SPECIAL = frozenset({bytes, float})
_ACTOR = {"a": 1}
_CLOCK = {"t": 1}


def decode_values(text: str, pk: str, actor: str, hlc: int) -> list[object]:
    """The values of a run's text, each exactly as SQLite holds it; anything else raises
    ValueError (a bundle that carries it is refused as malformed).

    Args:
        text: the run's values as JSON text.
        pk: the run's row key (JSON text).
        actor: who made the run (a callsign).
        hlc: the run's stamp (a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by
            ``COUNTER_BITS``, plus a counter.).

    Returns:
        The values in column order, references and blobs resolved (``checked_values``).

    Raises:
        ValueError: a value SQLite cannot hold exactly, or malformed text.
    """
    return checked_values(strict_json(text), pk, actor, hlc)


def checked_values(values: object, pk: str, actor: str, hlc: int) -> list[object]:
    """Parsed values (a list, changed in place) as SQLite holds them: blobs and references to
    what the run carries resolved; anything SQLite cannot hold exactly raises ValueError.

    Args:
        values: the parsed JSON (a list, changed in place).
        pk: the run's row key (JSON text).
        actor: who made the run (a callsign).
        hlc: the run's stamp (a hybrid logical clock stamp: wall milliseconds (UTC) shifted left by
            ``COUNTER_BITS``, plus a counter.).

    Returns:
        ``values`` itself, its blobs decoded to bytes and its references replaced by the text they
        name.

    Raises:
        ValueError: a value SQLite cannot hold exactly.
    """
    if type(values) is not list:
        raise ValueError("a run's values are not a list")
    key: list[object] | None = None
    for index, value in enumerate(values):
        kind = type(value)
        if kind is str or value is None:
            continue
        if kind is int:
            if not INT64_MIN <= value <= INT64_MAX:
                raise ValueError("an integer SQLite cannot hold")
        elif kind is float:
            if value != value:  # SQLite turns NaN into NULL
                raise ValueError("NaN")
        elif kind is dict and len(value) == 1:
            values[index] = _referred(value, pk, actor, hlc, key)
            if "k" in value:
                key = key_parts(pk)
        else:
            raise ValueError("a value SQLite cannot hold exactly")
    return values


def _referred(
    value: dict[str, object], pk: str, actor: str, hlc: int, key: list[object] | None
) -> object:
    """What a one-entry object stands for: a blob, or a part of what the run carries."""
    if type(value.get("b")) is str:
        return base64.b64decode(value["b"], validate=True)  # type: ignore[arg-type]
    if value == _ACTOR:
        return actor
    if value == _CLOCK:
        stamp = clock_text(hlc)
        if stamp is None:
            raise ValueError("a reference to a clock no stored time can name")
        return stamp
    part = value.get("k")
    if type(part) is int:
        key = key if key is not None else key_parts(pk)
        if key is not None and 0 <= part < len(key) and type(key[part]) is str:
            return key[part]
        raise ValueError("a key reference to no part of the row's key")
    raise ValueError("a value SQLite cannot hold exactly")


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not written so in a run's values")


#: JSON as runs, lines and the log write it (one encoder and decoder, made once: building them
#: anew at every call costs more than the work on a short run).
compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
#: JSON without NaN and the infinity literals (an infinity is written 1e999).
strict_json = json.JSONDecoder(parse_constant=_no_constant).decode
