"""One import's judging, inside its transaction: which change sets to judge, in the order they
were made, and what follows from the verdicts.

Judged are the bundle's new records, the deferred records whose wait is over, and — when what
a verdict depends on changed — records judged before: every record of a device whose role or
revocation the new roster changed, and every record of a person after a change of their role
(a role change that arrives late is judged the same as one that came first). This repeats until
nothing more changes, so every laptop that holds the same records reaches the same verdicts.

Then: newly accepted records are merged; records that were applied and now are not (a revoked
device's later changes, a demoted author's) are un-applied by rebuilding their rows from the
records still accepted (``rebuild``); the quarantine and the deferred list are brought up to date.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import rules
from ..clock import to_db
from . import merge, rebuild
from . import quarantine as kept
from .capture import COUNTER_BITS, DAY_MS
from .change import COLUMNS, Change
from .judge import CLOCK_WAIT, Context, Device, Judge, Key, RoleBook, Verdict, callsign
from .roster import Roster
from .tables import shapes

SCHEMA_SEEN = "sync_schema_seen"
#: A cascade of re-judging (role changes judged again after role changes …) ends well before
#: this many rounds; the bound only keeps a hostile log from looping.
MAX_ROUNDS = 25


@dataclass
class Outcome:
    """What one import's judging decided and did."""

    verdicts: dict[Key, Verdict] = field(default_factory=dict)
    before: dict[Key, str] = field(default_factory=dict)  # new | applied | quarantined | deferred
    records: dict[Key, Change] = field(default_factory=dict)
    merged: merge.Outcome = field(default_factory=merge.Outcome)
    ahead: dict[str, int] = field(default_factory=dict)  # origin → highest stamp a day ahead
    dated: dict[str, str] = field(default_factory=dict)  # origin → latest time dated ahead
    flags: list[tuple[Change, str, str]] = field(default_factory=list)  # taken in, but noted

    def became(self, state: str) -> list[Key]:
        """Records that are ``state`` now and were not before this import."""
        wanted = {"quarantined": "quarantine", "deferred": "defer", "applied": "apply"}[state]
        return [
            k for k, v in self.verdicts.items() if v.outcome == wanted and self.before[k] != state
        ]


def judge_and_apply(
    conn: sqlite3.Connection,
    team: Roster,
    fresh: list[Change],
    *,
    now_ms: int,
    now: str,
    rejudge_origins: dict[str, int] | None = None,
) -> Outcome:
    """Judge ``fresh`` (stored already) and everything whose verdict may have changed; apply."""
    outcome = Outcome()
    candidates = _by_change_set(fresh)
    outcome.before.update(dict.fromkeys(((r.origin, r.seq) for r in fresh), "new"))
    for origin, after in (rejudge_origins or {}).items():
        _add(candidates, _origin_records(conn, origin, after))
    _add(candidates, _load_change_sets(conn, _retryable(conn, team, now_ms)))
    for _round in range(MAX_ROUNDS):
        known = set(candidates)
        verdicts, context = _judge(conn, team, candidates, now_ms, outcome)
        _add(candidates, _cascade(conn, candidates, verdicts, context, outcome))
        if set(candidates) == known:
            break
    outcome.records = {(r.origin, r.seq): r for group in candidates.values() for r in group}
    outcome.verdicts = verdicts
    outcome.flags = [
        flag for flag in context.flags if verdicts[(flag[0].origin, flag[0].seq)].applies
    ]
    _apply(conn, outcome, now)
    conn.executemany(
        "INSERT INTO sync_flag (origin, seq, kind, detail, noticed_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(r.origin, r.seq, kind, detail, now) for r, kind, detail in outcome.flags],
    )
    return outcome


def preview(
    conn: sqlite3.Connection, team: Roster, records: list[Change], now_ms: int
) -> dict[Key, Verdict]:
    """How the laptops of the team will judge these records; nothing is written."""
    outcome = Outcome()
    outcome.before.update(dict.fromkeys(((r.origin, r.seq) for r in records), "new"))
    verdicts, _context = _judge(conn, team, _by_change_set(records), now_ms, outcome)
    return verdicts


# Choosing what to judge ------------------------------------------------------------------------

ChangeSets = dict[tuple[str, int], list[Change]]


def _by_change_set(records: Iterable[Change]) -> ChangeSets:
    grouped: ChangeSets = defaultdict(list)
    for record in records:
        grouped[record.change_set].append(record)
    return grouped


def _add(candidates: ChangeSets, more: ChangeSets) -> None:
    """Add change sets to judge; records of one already there join it (a device that stamped
    two writes alike made them one change set)."""
    for key, group in more.items():
        if key not in candidates:
            candidates[key] = sorted(group, key=lambda r: r.seq)
        else:
            held = {r.seq for r in candidates[key]}
            if any(r.seq not in held for r in group):
                joined = candidates[key] + [r for r in group if r.seq not in held]
                candidates[key] = sorted(joined, key=lambda r: r.seq)


def _origin_records(conn: sqlite3.Connection, origin: str, after: int) -> ChangeSets:
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM sync_change WHERE origin = ? AND seq > ? ORDER BY seq",
        (origin, after),
    )
    return _by_change_set(Change(*row) for row in rows)


def _load_change_sets(conn: sqlite3.Connection, keys: Iterable[Key]) -> ChangeSets:
    """The whole change sets these held records belong to (a change set's numbers are
    consecutive: the verifier refuses a device whose clock runs backwards)."""
    found: ChangeSets = {}
    covered: set[Key] = set()
    for origin, seq in sorted(set(keys)):
        if (origin, seq) in covered:
            continue
        row = conn.execute(
            "SELECT hlc FROM sync_change WHERE origin = ? AND seq = ?", (origin, seq)
        ).fetchone()
        if row is None:
            continue
        low, high = _bounds(conn, origin, seq, int(row[0]))
        group = [
            Change(*r)
            for r in conn.execute(
                f"SELECT {COLUMNS} FROM sync_change WHERE origin = ? AND seq BETWEEN ? AND ?"
                " ORDER BY seq",
                (origin, low, high),
            )
        ]
        found[(origin, int(row[0]))] = group
        covered.update((origin, r.seq) for r in group)
    return found


def _bounds(conn: sqlite3.Connection, origin: str, seq: int, hlc: int) -> tuple[int, int]:
    """The first and last number of the change set around ``seq`` (same origin and clock)."""
    low = _last_alike(conn, "seq < ? ORDER BY seq DESC", origin, seq, hlc)
    return low, _last_alike(conn, "seq > ? ORDER BY seq", origin, seq, hlc)


def _last_alike(conn: sqlite3.Connection, where: str, origin: str, seq: int, hlc: int) -> int:
    last = seq
    for other, stamp in conn.execute(
        f"SELECT seq, hlc FROM sync_change WHERE origin = ? AND {where}", (origin, seq)
    ):
        if stamp != hlc:
            break
        last = int(other)
    return last


def schema_fingerprint(conn: sqlite3.Connection) -> str:
    """The synced tables and columns this database has: a change means an upgrade."""
    described = sorted((t.name, t.columns) for t in shapes(conn).values())
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()[:16]


def _retryable(conn: sqlite3.Connection, team: Roster, now_ms: int) -> list[Key]:
    """Deferred records whose wait may be over: after a schema change those waiting for it,
    those whose clock is no longer far ahead, those whose author or row has arrived."""
    keys: list[Key] = []
    seen = conn.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_SEEN,)).fetchone()
    fingerprint = schema_fingerprint(conn)
    if seen is None or seen[0] != fingerprint:
        keys += conn.execute(
            "SELECT origin, seq FROM sync_deferred WHERE waits = 'schema'"
        ).fetchall()
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (SCHEMA_SEEN, fingerprint),
        )
    keys += conn.execute(
        "SELECT d.origin, d.seq FROM sync_deferred d JOIN sync_change c USING (origin, seq)"
        " WHERE d.waits = 'clock' AND c.hlc <= ?",
        (_horizon(now_ms),),
    ).fetchall()
    keys += conn.execute(  # dated ahead: its time has come
        "SELECT origin, seq FROM sync_deferred WHERE waits LIKE ? AND waits <= ?",
        (CLOCK_WAIT + "%", CLOCK_WAIT + _soon(now_ms)),
    ).fetchall()
    context = _context(conn, team, now_ms, set())
    for (waits,) in conn.execute(
        "SELECT DISTINCT waits FROM sync_deferred WHERE waits LIKE 'author:%' OR waits LIKE 'row:%'"
    ).fetchall():
        if _wait_is_over(waits, context):
            keys += conn.execute(
                "SELECT origin, seq FROM sync_deferred WHERE waits = ?", (waits,)
            ).fetchall()
    return [(str(o), int(s)) for o, s in keys]


def _wait_is_over(waits: str, context: Context) -> bool:
    kind, _, what = waits.partition(":")
    if kind == "author":
        return context.roles.heard_of(what)
    table, _, pk = what.partition(":")
    return (table, pk) in context.held or context.known_row(table, pk)


def _soon(now_ms: int) -> str:
    """This laptop's clock plus the allowed skew, in stored form."""
    moment = datetime.fromtimestamp(now_ms / 1000, UTC) + rules.CLOCK_SKEW
    return to_db(moment)


def _horizon(now_ms: int) -> int:
    return (now_ms + DAY_MS) << COUNTER_BITS


# Judging -----------------------------------------------------------------------------------------


def _judge(
    conn: sqlite3.Connection,
    team: Roster,
    candidates: ChangeSets,
    now_ms: int,
    outcome: Outcome,
) -> tuple[dict[Key, Verdict], Context]:
    """Judge every candidate change set in the order they were made; staff records accepted on
    the way count for the later ones."""
    keys = {(r.origin, r.seq) for group in candidates.values() for r in group}
    context = _context(conn, team, now_ms, keys)
    context.held = {r.row for group in candidates.values() for r in group if r.col == ""}
    _note_states(conn, keys, outcome)
    judge = Judge(context)
    verdicts: dict[Key, Verdict] = {}
    for (origin, hlc), group in sorted(candidates.items(), key=lambda i: (i[0][1], i[0][0])):
        judged = judge.change_set(group)
        verdicts.update(judged)
        for record in group:
            verdict = judged[(record.origin, record.seq)]
            if record.tbl == "staff" and verdict.applies:
                context.roles.add(record)
            elif record.tbl == "staff":
                context.roles.note(
                    record, "quarantined" if verdict.outcome == "quarantine" else "deferred"
                )
            if verdict.rule == "clock":
                outcome.ahead[origin] = max(hlc, outcome.ahead.get(origin, 0))
            elif verdict.rule.startswith(CLOCK_WAIT):
                until = verdict.rule[len(CLOCK_WAIT) :]
                outcome.dated[origin] = max(until, outcome.dated.get(origin, ""))
    return verdicts, context


def _note_states(conn: sqlite3.Connection, keys: set[Key], outcome: Outcome) -> None:
    unknown = [k for k in keys if k not in outcome.before]
    states = kept.states(conn, unknown)
    for key in unknown:
        outcome.before[key] = states.get(key, kept.APPLIED)


def _context(conn: sqlite3.Connection, team: Roster, now_ms: int, exclude: set[Key]) -> Context:
    devices = {
        d["id"]: Device(d["id"], d["label"], d["role"], d["status"], d.get("revoked_after"))
        for d in team.devices
    }
    return Context(
        devices=devices,
        catalogue=_catalogue(conn),
        columns={t.name: frozenset(t.columns) for t in shapes(conn).values()},
        horizon=_horizon(now_ms),
        soon=_soon(now_ms),
        roles=_role_book(conn, exclude),
        known_row=_known_rows(conn),
        field_as_of=lambda tbl, pk, col, at: _field_as_of(conn, tbl, pk, col, at),
        creations=_creations(conn),
        created_value=lambda tbl, pk, col: _created_value(conn, tbl, pk, col),
    )


def _catalogue(conn: sqlite3.Connection) -> dict[str, frozenset[object]]:
    lists = {
        "unit": "SELECT code FROM unit",
        "concept": "SELECT code FROM concept",
        "qualification": "SELECT code FROM qualification",
        "threat_level": "SELECT level FROM threat_level",
    }
    return {name: frozenset(r[0] for r in conn.execute(sql)) for name, sql in lists.items()}


def _role_book(conn: sqlite3.Connection, exclude: set[Key]) -> RoleBook:
    """The accepted staff records held before this judging (the ones judged now excluded)."""
    book = RoleBook()
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM sync_change c WHERE c.tbl = 'staff' AND c.col IN"
        " ('callsign', 'role') AND NOT EXISTS (SELECT 1 FROM sync_quarantine q"
        " WHERE q.origin = c.origin AND q.seq = c.seq) AND NOT EXISTS (SELECT 1 FROM"
        " sync_deferred d WHERE d.origin = c.origin AND d.seq = c.seq) ORDER BY c.hlc, c.origin"
    )
    for row in rows:
        record = Change(*row)
        if (record.origin, record.seq) not in exclude:
            book.add(record)
    for table, state in (("sync_quarantine", "quarantined"), ("sync_deferred", "deferred")):
        for row in conn.execute(
            f"SELECT {', '.join('c.' + c for c in COLUMNS.split(', '))} FROM {table} x"
            " JOIN sync_change c ON c.origin = x.origin AND c.seq = x.seq"
            " WHERE c.tbl = 'staff' AND c.col = 'callsign'"
        ):
            record = Change(*row)
            if (record.origin, record.seq) not in exclude:
                book.note(record, state)
    return book


def _field_as_of(
    conn: sqlite3.Connection, tbl: str, pk: str, col: str, at: tuple[int, str]
) -> object:
    """A critical field's value just before ``at``, from the accepted records (so every laptop
    holding the same records reads the same value, whatever it holds now)."""
    row = conn.execute(
        "SELECT c.val FROM sync_change c WHERE c.tbl = ? AND c.pk = ? AND c.col = ?"
        " AND c.prev IS NOT NULL AND (c.hlc < ? OR (c.hlc = ? AND c.origin < ?))"
        " AND NOT EXISTS (SELECT 1 FROM sync_quarantine q WHERE q.origin = c.origin"
        " AND q.seq = c.seq) AND NOT EXISTS (SELECT 1 FROM sync_deferred d"
        " WHERE d.origin = c.origin AND d.seq = c.seq)"
        " ORDER BY c.cl DESC, c.hlc DESC, c.origin DESC LIMIT 1",
        (tbl, pk, col, at[0], at[0], at[1]),
    ).fetchone()
    return None if row is None else row[0]


def _creations(conn: sqlite3.Connection) -> Callable[[str, str, int], list[tuple[int, str, int]]]:
    """Every held creation record of one life of a row (any verdict), the earliest first."""
    cache: dict[tuple[str, str, int], list[tuple[int, str, int]]] = {}

    def creations(table: str, pk: str, cl: int) -> list[tuple[int, str, int]]:
        if (table, pk, cl) not in cache:
            cache[(table, pk, cl)] = [
                (int(hlc), str(origin), int(seq))
                for hlc, origin, seq in conn.execute(
                    "SELECT hlc, origin, seq FROM sync_change WHERE tbl = ? AND pk = ?"
                    " AND col = '' AND cl = ? ORDER BY hlc, origin, seq",
                    (table, pk, cl),
                )
            ]
        return cache[(table, pk, cl)]

    return creations


def _created_value(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> object:
    """A field's value as the row's own creation wrote it (the earliest held creation of its
    latest life), whatever became of it since: for fields that never change afterwards."""
    row = conn.execute(
        "SELECT f.val FROM sync_change e JOIN sync_change f ON f.origin = e.origin"
        " AND f.hlc = e.hlc AND f.tbl = e.tbl AND f.pk = e.pk AND f.col = ?"
        " WHERE e.tbl = ? AND e.pk = ? AND e.col = '' AND e.cl % 2 = 1"
        " ORDER BY e.cl DESC, e.hlc, e.origin LIMIT 1",
        (col, tbl, pk),
    ).fetchone()
    return None if row is None else row[0]


def _known_rows(conn: sqlite3.Connection) -> Callable[[str, str], bool]:
    """Whether any record of a row's creation has reached this laptop (applied, deleted since,
    quarantined or waiting): a reference to it need not wait."""
    table_shapes = shapes(conn)
    cache: dict[tuple[str, str], bool] = {}

    def known(table: str, pk: str) -> bool:
        if (table, pk) not in cache:
            shape = table_shapes.get(table)
            cache[(table, pk)] = shape is not None and any(
                conn.execute(sql, params).fetchone() is not None
                for sql, params in (
                    (f"SELECT 1 FROM {table} WHERE {shape.key_match}", [pk] * len(shape.key)),
                    (
                        "SELECT 1 FROM sync_clock WHERE tbl = ? AND pk = ? AND col = ''",
                        [table, pk],
                    ),
                    (
                        "SELECT 1 FROM sync_quarantine WHERE tbl = ? AND pk = ? AND col = ''",
                        [table, pk],
                    ),
                    (
                        "SELECT 1 FROM sync_deferred d JOIN sync_change c USING (origin, seq)"
                        " WHERE c.tbl = ? AND c.pk = ? AND c.col = ''",
                        [table, pk],
                    ),
                )
            )
        return cache[(table, pk)]

    return known


def _cascade(
    conn: sqlite3.Connection,
    candidates: ChangeSets,
    verdicts: dict[Key, Verdict],
    context: Context,
    outcome: Outcome,
) -> ChangeSets:
    """Change sets whose verdicts may change because of these: a person's later changes when
    their role history changed, and deferred records whose wait is now over."""
    changed: dict[str, int] = {}  # callsign → earliest clock from which their role changed
    for group in candidates.values():
        for record in group:
            key = (record.origin, record.seq)
            accepted_before = outcome.before[key] == kept.APPLIED
            if record.tbl != "staff" or record.col not in ("callsign", "role"):
                continue
            if verdicts[key].applies == accepted_before:
                continue
            if outcome.before[key] == "new" and _creates(group, record):
                continue  # a new person: what they wrote before waits for them (author:…)
            name = context.roles.callsign_of(record.pk)
            if name is None and record.col == "callsign":
                name = callsign(record.val)
            if name:
                changed[name] = min(record.hlc, changed.get(name, record.hlc))
    more = _by_change_set(_by_actors_after(conn, changed)) if changed else {}
    more.update(_load_change_sets(conn, _waits_over(conn, context, outcome)))
    more.update(_load_change_sets(conn, context.rivals))  # a row created twice: judged together
    return {k: v for k, v in more.items() if k not in candidates}


def _creates(group: list[Change], record: Change) -> bool:
    """Whether this staff record came with its row's creation (not a later role change)."""
    return any(r.pk == record.pk and r.col == "" and r.cl % 2 == 1 for r in group)


def _waits_over(conn: sqlite3.Connection, context: Context, outcome: Outcome) -> list[Key]:
    """Deferred records held from before whose author or row has come."""
    over = [
        waits
        for (waits,) in conn.execute(
            "SELECT DISTINCT waits FROM sync_deferred WHERE waits LIKE 'author:%'"
            " OR waits LIKE 'row:%'"
        ).fetchall()
        if _wait_is_over(waits, context)
    ]
    keys = []
    for waits in over:
        keys += conn.execute(
            "SELECT origin, seq FROM sync_deferred WHERE waits = ?", (waits,)
        ).fetchall()
    return [(str(o), int(s)) for o, s in keys if (o, s) not in outcome.before]


def _by_actors_after(conn: sqlite3.Connection, changed: dict[str, int]) -> list[Change]:
    """Every held record by these people after their role history changed (one pass)."""
    low = min(changed.values())
    found = []
    for row in conn.execute(f"SELECT {COLUMNS} FROM sync_change WHERE hlc > ?", (low,)):
        record = Change(*row)
        since = changed.get(callsign(record.actor))
        if since is not None and record.hlc > since:
            found.append(record)
    return found


# Applying ------------------------------------------------------------------------------------


def refused_verdict(reason: str) -> Verdict:
    """What becomes of a record whose row the database refused although the judge let it
    through. A constraint (NOT NULL, CHECK …) may be one a newer version no longer has: it
    waits for an upgrade. A guard's refusal (an append-only table, R2) or a row no key names
    is a rule broken for good: quarantined, never left waiting."""
    if "constraint failed" in reason or reason.startswith("unknown field"):
        return Verdict("defer", "schema", f"refused by the database: {reason}")
    return Verdict("quarantine", "database", f"refused by the database: {reason}")


def _apply(conn: sqlite3.Connection, outcome: Outcome, now: str) -> None:
    """Keep the verdicts; merge what is newly accepted; rebuild rows that lost a record."""
    records, verdicts, before = outcome.records, outcome.verdicts, outcome.before
    lost = {
        records[k].row for k, v in verdicts.items() if before[k] == kept.APPLIED and not v.applies
    }
    changed = [
        (records[k], v)
        for k, v in verdicts.items()
        if not v.applies or before[k] not in ("new", kept.APPLIED)
    ]
    kept.record(conn, changed, now)
    gained = [  # the merge does not depend on their order
        records[k]
        for k, v in verdicts.items()
        if v.applies and before[k] != kept.APPLIED and records[k].row not in lost
    ]
    outcome.merged = merge.merge(conn, gained)
    rebuilt = rebuild.rows(conn, lost)
    outcome.merged.clashes += rebuilt.clashes
    refused = outcome.merged.refused + rebuilt.refused
    for change, reason in refused:
        key = (change.origin, change.seq)
        verdicts[key] = refused_verdict(reason)
        records.setdefault(key, change)
        before.setdefault(key, kept.APPLIED)
    kept.record(conn, ((c, verdicts[(c.origin, c.seq)]) for c, _r in refused), now)
