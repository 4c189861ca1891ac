"""One change record: the unit the change log stores, a segment carries and the importer judges.

A record is one field of one row, written by one device: ``origin`` (the authoring device) and
``seq`` (its number there, 1, 2, 3, … without gaps) identify it everywhere; ``hlc`` is the hybrid
logical clock of the transaction that wrote it (every record of one local write transaction
shares it, so ``(origin, hlc)`` names a *change set*); ``tbl`` and ``pk`` (the JSON array of the
row's key) name the row, ``col`` the field (``''`` is the row's existence, with ``cl`` its
causal length: odd alive, even deleted); ``val`` the value; ``prev`` the records of a critical
field the writer had seen; ``actor`` the callsign of the person who acted.
"""

from __future__ import annotations

from typing import NamedTuple

#: The field name of a row's existence record.
EXISTENCE = ""

#: The columns of ``sync_change`` in the order a ``Change`` holds them.
COLUMNS = "origin, seq, hlc, tbl, pk, col, val, cl, prev, actor"


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
