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

A run's values are kept as their canonical JSON text (``encode_values``): a field of the row's key
whose value is that key's part is written ``{"k": i}`` (the key is already in the run), a blob
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
from typing import NamedTuple

#: The field name of a row's existence record.
EXISTENCE = ""

#: The columns of ``sync_change`` (the change log as one row per record) in ``Change`` order.
COLUMNS = "origin, seq, hlc, tbl, pk, col, val, cl, prev, actor"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Change(NamedTuple):
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
        return (self.tbl, self.pk)

    @property
    def stamp(self) -> tuple[int, int, str]:
        """The order of writes to one field: (causal length, clock, device)."""
        return (self.cl, self.hlc, self.origin)

    @property
    def ref(self) -> str:
        return f"{self.origin}/{self.seq}"


def as_changes(rows: object) -> list[Change]:
    """Rows of ``SELECT {COLUMNS} FROM sync_change`` as ``Change`` records."""
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
        return self.seq + len(self.cols) - 1

    @property
    def row(self) -> tuple[str, str]:
        return (self.tbl, self.pk)

    @property
    def change_set(self) -> tuple[str, int]:
        return (self.origin, self.hlc)

    @property
    def grouping(self) -> tuple[int, str, str, int, str]:
        """What the records of one run share beside their origin."""
        return (self.hlc, self.tbl, self.pk, self.cl, self.actor)

    def values(self) -> list[object]:
        return decode_values(self.vals, self.pk)

    def prev(self, index: int) -> str | None:
        return None if self.prevs is None else self.prevs[index]

    def changes(self) -> list[Change]:
        """The run's records, values decoded."""
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
        """The records numbered ``first`` … ``last`` of this run, as a run."""
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
            encode_values(self.values()[lo:hi], self.pk),
            None if self.prevs is None else normal_prevs(self.prevs[lo:hi]),
        )


def normal_prevs(prevs: Sequence[str | None]) -> tuple[str | None, ...] | None:
    return None if all(p is None for p in prevs) else tuple(prevs)


def runs_of(records: Iterable[Change]) -> list[Run]:
    """Records of one origin, in number order, as their maximal runs."""
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
        encode_values([r.val for r in group], first.pk),
        normal_prevs([r.prev for r in group]),
    )


def changes_of(runs: Iterable[Run]) -> Iterator[Change]:
    for run in runs:
        yield from run.changes()


# Values ------------------------------------------------------------------------------------------


_SIMPLE_KEY = re.compile(r'\["[^"\\\x00-\x1f]*"\]\Z')


def key_parts(pk: str) -> list[object] | None:
    """The parts of a row key (None: not a JSON list)."""
    if _SIMPLE_KEY.match(pk):
        return [pk[2:-2]]  # one text part with nothing to unescape: most keys, read fast
    try:
        key = json.loads(pk)
    except ValueError:
        return None
    return key if isinstance(key, list) else None


def key_of(value: str) -> str:
    """The row key of a one-part key (``json.dumps([value])``, fast for the usual ids)."""
    if _SIMPLE_PART.match(value):
        return f'["{value}"]'
    return json.dumps([value], ensure_ascii=False)


_SIMPLE_PART = re.compile(r'[^"\\\x00-\x1f]*\Z')


def encode_values(values: Sequence[object], pk: str) -> str:
    """The canonical JSON text of a run's values (see the module's docstring)."""
    key = key_parts(pk) if any(type(v) is str for v in values) else None
    parts: list[object] = []
    special = False
    for value in values:
        if type(value) is str and key is not None and value in key:
            parts.append({"k": key.index(value)})
        elif isinstance(value, bytes):
            parts.append({"b": base64.b64encode(value).decode("ascii")})
        elif type(value) is float and not math.isfinite(value):
            special = True
            parts.append(value)
        else:
            parts.append(value)
    if not special:
        return json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return (
        "["
        + ",".join(
            ("1e999" if v > 0 else "-1e999")
            if type(v) is float and not math.isfinite(v)
            else json.dumps(v, separators=(",", ":"), ensure_ascii=False)
            for v in parts
        )
        + "]"
    )


def decode_values(text: str, pk: str) -> list[object]:
    """The values of canonical text, each exactly as SQLite holds it; anything else raises
    ValueError (a bundle that carries it is refused as malformed)."""
    return checked_values(json.loads(text, parse_constant=_no_constant), pk)


def checked_values(values: object, pk: str) -> list[object]:
    """Parsed values (a list, changed in place) as SQLite holds them: blobs and key references
    resolved; anything SQLite cannot hold exactly raises ValueError."""
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
            if "b" in value and type(value["b"]) is str:
                values[index] = base64.b64decode(value["b"], validate=True)
            elif "k" in value and type(value["k"]) is int:
                key = key if key is not None else key_parts(pk)
                if (
                    key is None
                    or not 0 <= value["k"] < len(key)
                    or type(key[value["k"]]) is not str
                ):
                    raise ValueError("a key reference to no part of the row's key")
                values[index] = key[value["k"]]
            else:
                raise ValueError("a value SQLite cannot hold exactly")
        else:
            raise ValueError("a value SQLite cannot hold exactly")
    return values


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not written so in a run's values")
