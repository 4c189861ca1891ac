"""Where the importer keeps what it did not apply: quarantined and deferred change records.

A quarantined record broke the rule table (``store/rules.py``): it is never applied, but it is
kept in the change log (so sequence numbers, relaying and convergence are unaffected) and named
here with its device, number, table, field and reason (a fact: ``reason.py``). A deferred
record waits for something (``waits``): a schema change, the clock, a person or a row not known
here yet. Both are re-judged when what they depend on changes. The readers at the end list them
for the receipt, ``sync status``, ``sync quarantine``, the Sync screen and the handover.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..clock import from_db, to_db
from ..db import Store
from ..rules import CLOCK_SKEW
from .change import Change, clock_moment, row_id
from .held import APPLIED as APPLIED
from .held import DEFERRED as DEFERRED
from .held import QUARANTINED as QUARANTINED
from .held import states as states
from .judge import Key, Verdict
from .reason import Reason, read

#: Above this many deferred records from one origin its own bundles are refused, and its
#: segments relayed by others are set aside, until someone acts (upgrade, or revoke it). It
#: counts the records that wait for something only a person can bring (``LIMITED``): a newer
#: version's table or field, a row or a person no laptop has sent here. Records that wait for
#: the clock (a laptop whose clock runs ahead, a record dated ahead) are not counted: their
#: time comes by itself, and they are judged again only then.
MAX_DEFERRED_PER_ORIGIN = 10_000
#: The deferred records the limit counts (SQL, on ``sync_deferred``).
LIMITED = "waits NOT LIKE 'clock%'"


def record(
    conn: sqlite3.Connection, judged: Iterable[tuple[Change, Verdict]], now: datetime
) -> None:
    """Keep each verdict: quarantined and deferred records are listed, applied ones leave both
    lists (a deferred record keeps the time it first waited).

    Args:
        judged: each change with its verdict.
        now: the time, aware UTC (a record's first wait).
    """
    quarantined, deferred, cleared = [], [], []
    at = to_db(now)
    for change, verdict in judged:
        key = (change.origin, change.seq)
        if verdict.outcome == "quarantine":
            quarantined.append(
                (
                    *key,
                    change.hlc,
                    change.tbl,
                    change.pk,
                    change.col,
                    change.actor,
                    verdict.rule,
                    verdict.reason,
                    at,
                )
            )
        elif verdict.outcome == "defer":
            deferred.append(
                (
                    *key,
                    verdict.reason,
                    verdict.rule,
                    at,
                    change.hlc,
                    change.tbl,
                    change.pk,
                    change.col,
                )
            )
        else:
            cleared.append(key)
    conn.executemany(
        "DELETE FROM sync_quarantine WHERE origin = ? AND seq = ? AND branch = ''", cleared
    )
    conn.executemany("DELETE FROM sync_deferred WHERE origin = ? AND seq = ?", cleared)
    conn.executemany(
        "DELETE FROM sync_deferred WHERE origin = ? AND seq = ?", [q[:2] for q in quarantined]
    )
    conn.executemany(
        "DELETE FROM sync_quarantine WHERE origin = ? AND seq = ? AND branch = ''",
        [d[:2] for d in deferred],
    )
    conn.executemany(
        "INSERT INTO sync_quarantine (origin, seq, hlc, tbl, pk, col, actor, rule, reason,"
        " noticed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (origin, seq, branch) DO UPDATE SET rule = excluded.rule,"
        " reason = excluded.reason",
        quarantined,
    )
    conn.executemany(
        "INSERT INTO sync_deferred (origin, seq, reason, waits, since, hlc, tbl, pk, col)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (origin, seq) DO UPDATE"
        " SET reason = excluded.reason, waits = excluded.waits",
        deferred,
    )


def deferred_by_origin(conn: sqlite3.Connection) -> dict[str, int]:
    """Per origin (device id), how many of its changes wait here that the limit counts
    (``LIMITED``: not those waiting for the clock).

    Returns:
        Device id → number of deferred changes the limit counts; devices with none are absent.
    """
    return {
        origin: int(count)
        for origin, count in conn.execute(
            f"SELECT origin, count(*) FROM sync_deferred WHERE {LIMITED} GROUP BY origin"
        )
    }


def newer_by_origin(conn: sqlite3.Connection) -> dict[str, int]:
    """Per origin (device id), how many of its changes wait here for an upgrade: of a table
    or field this version does not know (or that its database refused, ``schema``).

    Returns:
        Device id → number of such changes; devices with none are absent.
    """
    return {
        origin: int(count)
        for origin, count in conn.execute(
            "SELECT origin, count(*) FROM sync_deferred WHERE waits = 'schema' GROUP BY origin"
        )
    }


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarantined:
    """One quarantined change: what the receipt, ``sync quarantine`` and the screens show.
    Its ``reason`` is kept as a fact (``reason.fact``), read by ``cause``."""

    device: str
    seq: int
    table: str
    field: str
    row_id: str
    actor: str
    rule: str
    reason: str
    change_set: int
    noticed_at: datetime
    branch: str = ""  # a forked laptop's branch (``forks.py``): its segment header's hash

    @property
    def cause(self) -> Reason:
        """Why it was quarantined: the code and params of its reason (words.quarantine)."""
        return read(self.reason)

    def as_dict(self, label: str = "") -> dict[str, object]:
        """The quarantined change as JSON values, its device named by ``label``; its reason by
        code and params (``reason_code``, ``reason_params``: the faces add ``reason`` in words).

        Args:
            label: the device's label ("": none known).

        Returns:
            ``device``, ``device_label``, ``seq``, ``table``, ``field`` (``(exists)`` for the row's
            existence), ``row`` (its id), ``actor``, ``rule``, ``reason_code``, ``reason_params``
            and ``branch`` (its first 12 characters; '' when not a fork's).
        """
        cause = self.cause
        return {
            "device": self.device,
            "device_label": label,
            "seq": self.seq,
            "table": self.table,
            "field": self.field or "(exists)",
            "row": self.row_id,
            "actor": self.actor,
            "rule": self.rule,
            "reason_code": cause.code,
            "reason_params": cause.as_dict()["params"],
            "branch": self.branch[:12],  # a forked laptop's branch; '' for any other change
        }


_SELECT = (
    "SELECT origin, seq, tbl, col, pk, actor, rule, reason, hlc, noticed_at, branch"
    " FROM sync_quarantine"
)


def _quarantined(rows: Iterable[tuple[Any, ...]]) -> list[Quarantined]:
    return [
        Quarantined(o, int(s), t, c, row_id(str(pk)), a, r, why, int(h), from_db(at), b)
        for o, s, t, c, pk, a, r, why, h, at, b in rows
    ]


def quarantined(store: Store) -> list[Quarantined]:
    """Every quarantined change, by device and number.

    Returns:
        One ``Quarantined`` per change, ordered by device id, sequence number and branch; empty when
        none.
    """
    return _quarantined(store.tuples(_SELECT + " ORDER BY origin, seq, branch"))


def quarantined_keys(conn: sqlite3.Connection, keys: Iterable[Key]) -> list[Quarantined]:
    """The quarantined changes among ``keys`` (``(origin, seq)``); keys not held are skipped.

    Args:
        keys: (origin, seq) of each change.

    Returns:
        The ``Quarantined`` changes held, in the order of ``keys`` (branch records are not among
        them).
    """
    found = []
    for origin, seq in keys:
        row = conn.execute(
            _SELECT + " WHERE origin = ? AND seq = ? AND branch = ''", (origin, seq)
        ).fetchone()
        if row is not None:
            found.extend(_quarantined([tuple(row)]))
    return found


def quarantined_branches(conn: sqlite3.Connection, branches: Iterable[str]) -> list[Quarantined]:
    """The quarantined records of these branches of forked laptops (``forks.set_aside``).

    Args:
        branches: the branch ids.

    Returns:
        The ``Quarantined`` records, branch by branch in the order given, each by origin and number.
    """
    found = []
    for branch in branches:
        rows = conn.execute(_SELECT + " WHERE branch = ? ORDER BY origin, seq", (branch,))
        found.extend(_quarantined([tuple(r) for r in rows]))
    return found


@dataclass(frozen=True)
class ChangeSet:
    """The quarantined changes of one write on one device: one open item in the handover."""

    device: str
    change_set: int
    actor: str
    changes: tuple[Quarantined, ...]
    branch: str = ""  # a forked laptop's branch: its segment header's hash

    @property
    def id(self) -> str:
        """``device@clock`` (``~branch`` for a forked branch's): how a person names the set."""
        found = f"{self.device}@{self.change_set}"
        return f"{found}~{self.branch[:12]}" if self.branch else found

    @property
    def first_seq(self) -> int:
        """The number of the set's first change."""
        return self.changes[0].seq


def change_sets(store: Store) -> list[ChangeSet]:
    """The quarantined changes grouped by the change set they came in (one device's one action),
    oldest first.

    Returns:
        One ``ChangeSet`` per (device, clock stamp, branch), ordered by its first sequence number;
        empty when nothing is quarantined.
    """
    grouped: dict[tuple[str, int, str], list[Quarantined]] = {}
    for change in quarantined(store):
        grouped.setdefault((change.device, change.change_set, change.branch), []).append(change)
    return [
        ChangeSet(device, hlc, changes[0].actor, tuple(changes), branch)
        for (device, hlc, branch), changes in sorted(
            grouped.items(), key=lambda i: (i[1][0].seq, i[0])
        )
    ]


@dataclass(frozen=True)
class Waiting:
    """Deferred changes of one origin: how many and since when, and per cause."""

    device: str
    count: int
    since: datetime | None  # None: deferred before this version recorded when
    waits: tuple[str, ...]
    #: Per kind waited for (``clock``, ``schema``, ``row``, ``author``), how many, sorted.
    kinds: tuple[tuple[str, int], ...] = ()
    #: How many of them the limit counts (``LIMITED``: all but those waiting for the clock).
    limited: int = 0
    #: The latest time those waiting for the clock wait until (aware UTC), or None.
    until: datetime | None = None


def deferred(store: Store) -> list[Waiting]:
    """Per origin (device id), its waiting changes: how many, since when (aware UTC, or None) and
    what they wait for. Ordered by device id.

    Returns:
        One ``Waiting`` per origin with deferred changes: device id, count, the earliest ``since``
        (aware UTC), the kinds waited for (``clock``, ``row``, ``author``…, sorted), how many of
        each, how many the limit counts and, for those waiting for the clock, until when.
    """
    rows = store.tuples(
        "SELECT origin, CASE WHEN instr(waits, ':') THEN substr(waits, 1, instr(waits, ':') - 1)"
        " ELSE waits END AS kind, count(*), min(since), max(CASE WHEN waits = 'clock' THEN hlc"
        " END), max(CASE WHEN waits LIKE 'clock:%' THEN substr(waits, 7) END) FROM sync_deferred"
        " GROUP BY origin, kind ORDER BY origin, kind"
    )
    found: dict[str, list[tuple[str, int, datetime | None, datetime | None]]] = {}
    for origin, kind, n, since, hlc, dated in rows:
        stamped = clock_moment(int(hlc)) if hlc is not None else None
        moment = _time_or_none(dated)
        until = [  # when this laptop's clock lets them in (``session._retryable``)
            stamped - timedelta(days=1) if stamped is not None else None,
            moment - CLOCK_SKEW if moment is not None else None,
        ]
        latest = max((t for t in until if t is not None), default=None)
        found.setdefault(str(origin), []).append(
            (str(kind), int(n), from_db(since) if since else None, latest)
        )
    return [_waiting(origin, kinds) for origin, kinds in found.items()]


def _waiting(
    origin: str, kinds: list[tuple[str, int, datetime | None, datetime | None]]
) -> Waiting:
    """One origin's ``Waiting`` from its rows per kind (kind, count, since, until)."""
    since = [s for _k, _n, s, _u in kinds if s is not None]
    until = [u for k, _n, _s, u in kinds if k == "clock" and u is not None]
    return Waiting(
        origin,
        sum(n for _k, n, _s, _u in kinds),
        min(since) if since and len(since) == len(kinds) else None,
        tuple(sorted(k for k, _n, _s, _u in kinds)),
        tuple((k, n) for k, n, _s, _u in kinds),
        sum(n for k, n, _s, _u in kinds if k != "clock"),
        max(until) if until else None,
    )


def _time_or_none(value: object) -> datetime | None:
    """A stored time a record is dated (``clock:<time>``), or None when it is none."""
    try:
        return from_db(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
