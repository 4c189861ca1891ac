"""Housekeeping facts about a database: where it is, its schema version, size and counts.

Counts come through sqlite-utils' table API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import findings, machine, validate
from .db import Store
from .migrations import schema_version
from .states import CatalogueState, ClockState, GuardState
from .sync.export import unsendable as exchange_unsendable
from .sync.forks import own_cut, own_set_aside

COUNTED_TABLES = (
    "unit",
    "staff",
    "subject",
    "threat_assessment",
    "activity",
    "restriction",
    "shift",
    "deployment",
    "log_entry",
    "signal",
    "signal_report",
    "handover",
    "decision",
    "audit_event",
)


@dataclass(frozen=True)
class Status:
    """The database's housekeeping facts (``schildwacht status``).

    Attributes:
        path: the database file.
        schema_version: the last migration applied.
        size_bytes: the file and its write-ahead log, in bytes.
        device_id: this laptop's id.
        operator: the callsign of the device's operator, or None.
        journal_mode: SQLite's journal mode (``wal``).
        clock, guards, witnessed_heads, catalogue, findings: as commented at each field.
        counts: rows per counted table (``COUNTED_TABLES``).
    """

    path: str
    schema_version: int
    size_bytes: int
    device_id: str
    operator: str | None
    journal_mode: str
    clock: ClockState  # real, or fixed for tests and demos (honours SCHILDWACHT_NOW)
    guards: GuardState  # the database opened, so its guards are the ones this version makes
    witnessed_heads: int  # heads of this laptop's audit chain that peers or handovers have seen
    catalogue: CatalogueState  # as made at init (its fingerprint matches), or refused before
    findings: dict[str, int]  # open trust findings by kind (``findings``)
    #: this laptop's own records not sent yet that no export sends as they are (its change log
    #: was edited outside Schildwacht; ``db repair`` sets them aside): (number, why), the why
    #: as a reason is kept (``sync.reason``; worded by ``words.quarantine``)
    unsendable: list[tuple[int, str]]
    #: the last number of this laptop's own changes the team keeps, when the team proved its
    #: change log forked (restored from an old copy: what it wrote after it is set aside)
    forked_at: int | None
    #: per table, the rows this laptop's own changes after ``forked_at`` touched: still shown
    #: here, held by no other laptop (every laptop sets them aside)
    set_aside: dict[str, int]
    counts: dict[str, int]


def database_status(store: Store) -> Status:
    """The database's housekeeping facts, read now.

    Args:
        store: the open database (opening it checked its guards and catalogue).

    Returns:
        The facts.

    Raises:
        IntegrityFailure: ``database_damaged``: SQLite's integrity check (which compares every
            index with its table, as the quick check of other commands does not) or the
            file's size finds damage (issue 14, rev14p).
    """
    from sqlite_utils import Database  # imported here: sqlite-utils loads click on import

    if found := machine.integrity_check(store.conn, store.path):
        where = f"the database {validate.shown(str(store.path), limit=machine.PATH_SHOWN)}"
        raise machine.damaged(where, **found)

    db = Database(store.conn)
    counts = {name: db[name].count for name in COUNTED_TABLES}
    size = sum(
        p.stat().st_size
        for p in (store.path, store.path.with_name(store.path.name + "-wal"))
        if p.exists()
    )
    return Status(
        path=str(store.path),
        schema_version=schema_version(store.conn),
        size_bytes=size,
        device_id=store.device_id,
        operator=store.meta("operator"),
        journal_mode=str(store.conn.execute("PRAGMA journal_mode").fetchone()[0]),
        clock=ClockState.FIXED if store.clock_fixed else ClockState.REAL,
        guards=GuardState.INTACT,
        witnessed_heads=int(
            store.one("SELECT count(*) FROM audit_witness WHERE device = ?", (store.device_id,))[0]  # type: ignore[index]
        ),
        catalogue=CatalogueState.AS_MADE,
        findings=_counted(findings.open_findings(store)),
        unsendable=exchange_unsendable(store),
        forked_at=own_cut(store.conn),
        set_aside=own_set_aside(store.conn, store.device_id),
        counts=counts,
    )


def _counted(found: list[findings.Finding]) -> dict[str, int]:
    """Open findings by kind, each counting what it counts (152 people's secrets grouped in one
    finding are 152, as the handover and ``sync status`` say them; fix17r)."""
    counts: Counter[str] = Counter()
    for finding in found:
        counts[finding.kind] += finding.count
    return dict(counts)
