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

Records travel as runs (``change.Run``) and a run's verdicts as one verdict for all its records
where they agree (they nearly always do), so judging a bundle of a million records keeps a few
bytes per record, not a record object each.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from .. import rules
from ..clock import epoch_ms, from_epoch_ms, to_db
from . import conflicts, forks, judge_signals, late, log, merge, plan_checks, rebuild
from . import quarantine as kept
from . import roster as rosters
from .capture import COUNTER_BITS, DAY_MS
from .change import EXISTENCE, Change, Run, clock_text, key_of, key_parts, readable_changes
from .clashes import enrolled_clocks
from .judge import (
    CLOCK_WAIT,
    At,
    Context,
    Device,
    Judge,
    Key,
    RoleBook,
    RunVerdict,
    Verdict,
    callsign,
    defer,
    quarantine,
)
from .reason import read
from .roster import Roster
from .tables import CRITICAL_FIELDS, shapes

SCHEMA_SEEN = "sync_schema_seen"
#: A cascade of re-judging (role changes judged again after role changes …) ends well before
#: this many rounds; the bound only keeps a hostile log from looping.
MAX_ROUNDS = 25
NEW = "new"

States = str | tuple[str, ...]  # one state for all of a run's records, or one per record


def each(value: RunVerdict | States, count: int) -> tuple[object, ...]:
    """A run's verdicts or states, one per record.

    Args:
        value: one verdict or state for the whole run, or a tuple of one per record.
        count: how many records the run has.

    Returns:
        ``count`` items: the tuple as given, or the one value repeated.
    """
    return value if isinstance(value, tuple) else (value,) * count


class Judged:
    """One run of a candidate change set: what its records were before (new, applied,
    quarantined, deferred) and the verdict they get now."""

    __slots__ = ("before", "run", "verdict")

    def __init__(self, run: Run, before: States) -> None:
        self.run = run
        self.before = before
        self.verdict: RunVerdict | None = None

    def records(self) -> Iterator[tuple[int, str, Verdict]]:
        """(offset, state before, verdict) of each record.

        Yields:
            ``(offset in the run, state before the import, verdict)`` per record, in order.
        """
        count = len(self.run.cols)
        assert self.verdict is not None
        befores, verdicts = each(self.before, count), each(self.verdict, count)
        for offset in range(count):
            yield offset, befores[offset], verdicts[offset]  # type: ignore[misc]


ChangeSets = dict[tuple[str, int], list[Judged]]


@dataclass
class Outcome:
    """What one import's judging decided and did."""

    sets: ChangeSets = field(default_factory=dict)
    merged: merge.Outcome = field(default_factory=merge.Outcome)
    ahead: dict[str, int] = field(default_factory=dict)  # origin → highest stamp a day ahead
    dated: dict[str, str] = field(default_factory=dict)  # origin → latest time dated ahead
    flags: list[tuple[Change, str, str]] = field(default_factory=list)  # taken in, but noted
    #: Records the database refused after all (they wait, as for a schema change).
    refused: dict[Key, Verdict] = field(default_factory=dict)

    def judged(self) -> Iterator[Judged]:
        """Every judged change, change set by change set.

        Yields:
            Each ``Judged`` run, change set by change set in the order they were judged.
        """
        for group in self.sets.values():
            yield from group

    def became(self, state: str) -> list[Key]:
        """Records that are ``state`` now and were not before this import.

        Args:
            state: ``applied``, ``deferred`` or ``quarantined``.

        Returns:
            ``(origin device id, sequence number)`` of each such record (a database refusal
            overrides the judge's verdict), in judging order.
        """
        wanted = {"quarantined": "quarantine", "deferred": "defer", "applied": "apply"}[state]
        found = []
        for judged in self.judged():
            run = judged.run
            if (
                isinstance(judged.before, str)
                and isinstance(judged.verdict, Verdict)
                and (judged.verdict.outcome != wanted or judged.before == state)
                and not self.refused
            ):
                continue  # none of its records (the common case, decided at once)
            for offset, before, verdict in judged.records():
                key = (run.origin, run.seq + offset)
                verdict = self.refused.get(key, verdict)
                if verdict.outcome == wanted and before != state:
                    found.append(key)
        return found


def judge_and_apply(
    conn: sqlite3.Connection,
    team: Roster,
    fresh: list[Run],
    *,
    now: datetime,
    rejudge_origins: dict[str, int] | None = None,
    rebound: Iterable[str] = (),
    decides_holds: bool = False,
    again: Iterable[Key] = (),
) -> Outcome:
    """Judge ``fresh`` (stored already) and everything whose verdict may have changed; apply.
    ``rebound``: callsigns whose binding a newer roster changes (bound anew, moved or no longer
    bound): their records are judged again (``judge.bound_elsewhere``, another row's role).
    ``decides_holds``: this is the team's admin laptop, which holds change sets of ``fresh``
    late for a role lost since (``late``). ``again``: held records (origin, number) whose
    change sets are judged again.

    Args:
        team: the roster to judge by.
        fresh: the new runs, stored already.
        now: the time, aware UTC (the wall clock records are judged by).
        rejudge_origins: device id → the number after which its held records are judged again, or
            None.
        rebound: callsigns a newer roster binds anew.
        decides_holds: this is the team's admin laptop.
        again: (origin, seq) of further held records to judge again.

    Returns:
        What was judged and applied.

    Raises:
        clashes.Unsettled: the database refused to settle a clash of names (the caller's
            transaction is rolled back).
    """
    now_ms, stamp = epoch_ms(now), to_db(now)
    outcome = Outcome()
    candidates: ChangeSets = {}
    _add(candidates, _by_change_set(fresh), lambda _runs: [NEW] * len(_runs))
    held = _Loader(conn)
    for origin, after in (rejudge_origins or {}).items():
        held.add(candidates, _by_change_set(log.after(conn, origin, after)))
    # bound anew or no longer: written under a name whose binding changed, judged again
    names = {callsign(n) for n in rebound}
    if names:
        held.add(candidates, _by_change_set(_received_by(conn, names)))
    held.add(candidates, _load_change_sets(conn, _retryable(conn, team, now_ms)))
    held.add(candidates, _load_change_sets(conn, again))
    arrived = {(r.origin, r.hlc) for r in fresh} if decides_holds else set()
    for _round in range(MAX_ROUNDS):
        known = set(candidates)
        context = _judge(conn, team, candidates, now_ms, outcome, arrived)
        held.add(candidates, _cascade(conn, candidates, context))
        if set(candidates) == known:
            break
    outcome.sets = candidates
    late.keep(conn, [late.Hold(*hold) for hold in context.new_holds])
    flags = context.flags
    del context  # the judge's view of this laptop (roles, creations): not needed to merge
    _apply(conn, outcome, now)
    outcome.flags = _taken_in(outcome, flags)
    conn.executemany(
        "INSERT INTO sync_flag (origin, seq, kind, detail, noticed_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(r.origin, r.seq, kind, detail, stamp) for r, kind, detail in outcome.flags],
    )
    return outcome


def _taken_in(
    outcome: Outcome, flags: list[tuple[Change, str, str]]
) -> list[tuple[Change, str, str]]:
    """The flags whose record was applied (a refused record's flag says nothing)."""
    if not flags:
        return []
    flagged = {(r.origin, r.seq) for r, _kind, _detail in flags}
    applied: set[Key] = set()
    for judged in outcome.judged():
        run = judged.run
        if not any((run.origin, s) in flagged for s in range(run.seq, run.last + 1)):
            continue
        for offset, _before, verdict in judged.records():
            key = (run.origin, run.seq + offset)
            if key in flagged and outcome.refused.get(key, verdict).applies:
                applied.add(key)
    return [flag for flag in flags if (flag[0].origin, flag[0].seq) in applied]


def preview(
    conn: sqlite3.Connection,
    team: Roster,
    runs: list[Run],
    now: datetime,
    flags: list[tuple[Change, str, str]] | None = None,
) -> list[tuple[int, Verdict]]:
    """How the laptops of the team will judge these records: (number, verdict) of each record
    they will not apply (one per record would be a million tuples for a first export); nothing
    is written.

    Args:
        team: the roster.
        runs: this laptop's runs about to be sent.
        now: the wall clock, aware UTC.
        flags: extended with what the judging names of the records it takes in (``back_dated``,
            ``clocks_apart``: record, kind, detail), when given.

    Returns:
        ``(sequence number, verdict)`` of each record that will be quarantined or deferred; empty
        when all will apply.
    """
    candidates: ChangeSets = {}
    _add(candidates, _by_change_set(runs), lambda _runs: [NEW] * len(_runs))
    context = _judge(conn, team, candidates, epoch_ms(now), Outcome(), set())
    if flags is not None:
        flags.extend(context.flags)
    found: list[tuple[int, Verdict]] = []
    for group in candidates.values():
        for judged in group:
            verdict = judged.verdict
            if isinstance(verdict, Verdict) and verdict.applies:
                continue  # all of its records (the usual run)
            found += [(judged.run.seq + o, v) for o, _b, v in judged.records() if not v.applies]
    return found


# Choosing what to judge ------------------------------------------------------------------------

RunSets = dict[tuple[str, int], list[Run]]


def _by_change_set(runs: Iterable[Run]) -> RunSets:
    grouped: RunSets = {}
    for run in runs:
        grouped.setdefault(run.change_set, []).append(run)
    return grouped


def _add(
    candidates: ChangeSets, more: RunSets, states: Callable[[list[Run]], list[States]]
) -> None:
    """Add change sets to judge; records of one already there join it (a device that stamped
    two writes alike made them one change set)."""
    for key, group in more.items():
        ordered = sorted(group, key=lambda r: r.seq)
        if key in candidates:
            spans = [(j.run.seq, j.run.last) for j in candidates[key]]
            ordered = [r for r in ordered if not any(a <= r.last and r.seq <= b for a, b in spans)]
            if not ordered:
                continue
        joined = candidates.get(key, []) + [
            Judged(run, state) for run, state in zip(ordered, states(ordered), strict=True)
        ]
        candidates[key] = sorted(joined, key=lambda j: j.run.seq)


class _Loader:
    """Adds change sets held here already, with what became of each record before."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, candidates: ChangeSets, more: RunSets) -> None:
        if more:
            _add(candidates, more, self._states)

    def _states(self, runs: list[Run]) -> list[States]:
        keys = [(r.origin, r.seq + i) for r in runs for i in range(len(r.cols))]
        found = kept.states(self.conn, keys)
        states: list[States] = []
        for run in runs:
            per = tuple(
                found.get((run.origin, run.seq + i), kept.APPLIED) for i in range(len(run.cols))
            )
            states.append(per[0] if all(s == per[0] for s in per) else per)
        return states


def _load_change_sets(conn: sqlite3.Connection, keys: Iterable[Key]) -> RunSets:
    """The whole change sets these held records belong to (a change set's numbers are
    consecutive: the verifier refuses a device whose clock runs backwards)."""
    found: RunSets = {}
    covered: set[Key] = set()
    for origin, seq in sorted(set(keys)):
        if (origin, seq) in covered:
            continue
        runs = log.change_set(conn, origin, seq)
        if not runs:
            continue
        found[runs[0].change_set] = runs
        covered.update((origin, s) for r in runs for s in range(r.seq, r.last + 1))
    return found


def schema_fingerprint(conn: sqlite3.Connection) -> str:
    """The synced tables and columns this database has: a change means an upgrade.

    Returns:
        16 hex digits: the start of the SHA-256 of the sorted table names with their columns.
    """
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
        "SELECT origin, seq FROM sync_deferred WHERE waits = 'clock' AND hlc <= ?",
        (_horizon(now_ms),),
    ).fetchall()
    keys += conn.execute(  # dated ahead: its time has come
        "SELECT origin, seq FROM sync_deferred WHERE waits LIKE ? AND waits <= ?",
        (CLOCK_WAIT + "%", CLOCK_WAIT + _soon(now_ms)),
    ).fetchall()
    waiting = conn.execute(
        "SELECT DISTINCT waits FROM sync_deferred WHERE waits LIKE 'author:%' OR waits LIKE 'row:%'"
    ).fetchall()
    if waiting:
        context = _context(conn, team, now_ms, set())
        for (waits,) in waiting:
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
    if (table, pk) in context.held:
        return True
    return context.known_row(table, pk) and not context.waiting_row(table, pk)


def _soon(now_ms: int) -> str:
    """This laptop's clock plus the allowed skew, in stored form."""
    moment = from_epoch_ms(now_ms) + rules.CLOCK_SKEW
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
    arrived: set[tuple[str, int]],
) -> Context:
    """Judge every candidate change set in the order they were made; staff records accepted on
    the way count for the later ones."""
    staff = {
        (j.run.origin, j.run.seq + i)
        for group in candidates.values()
        for j in group
        if j.run.tbl == "staff"
        for i in range(len(j.run.cols))
    }
    context = _context(conn, team, now_ms, staff)
    context.late_holds = late.held(conn)
    context.hold_counts = late.counts(conn)
    admin = team.device(str(team.data.get("admin_device")))
    if admin is not None and isinstance(admin.get("staff"), str):
        context.admin_operator = (str(admin["id"]), str(admin["staff"]))
    context.admin_device = None if admin is None else str(admin["id"])
    context.now_ms = now_ms
    context.fresh = arrived
    context.held = {
        j.run.row for group in candidates.values() for j in group if EXISTENCE in j.run.cols
    }
    context.creations = _creations(
        conn,
        _twice(
            (j.run.tbl, j.run.pk, j.run.cl)
            for group in candidates.values()
            for j in group
            if EXISTENCE in j.run.cols and j.run.cl % 2 == 1
        ),
    )
    now: dict[Key, bool] = {}  # records whose verdict now differs from what was held
    context.field_as_of = lambda tbl, pk, col, at: _field_as_of(
        conn, tbl, pk, col, at, edits=(tbl, col) in CRITICAL_FIELDS, now=now
    )
    context.status_as_of = lambda pk, at: _field_as_of(
        conn, "activity", pk, "status", at, edits=False, now=now
    )
    assessments = _Assessments(conn, now)
    context.replanning = lambda activity, at: _replanning(
        conn, activity, at, context.field_as_of, assessments
    )
    context.steps_before = judge_signals.Steps(conn, now).before
    context.withdrawn_before = _Withdrawals(conn, now).before
    context.below_required = lambda activity, concept, at: _below_required(
        conn, activity, concept, at, assessments
    )
    context.plans = plans = plan_checks.PlanFacts(conn, assessments.level_as_of, now)
    context.clock_source = plans.clock_source
    judge = Judge(context)
    for (origin, hlc), group in sorted(candidates.items(), key=lambda i: (i[0][1], i[0][0])):
        for judged, verdict in zip(group, judge.change_set([j.run for j in group]), strict=True):
            judged.verdict = verdict
            verdicts = each(verdict, len(judged.run.cols))
            if judged.run.tbl in _READ_AS_OF:
                _note_now(now, judged, verdicts)
            if judged.run.tbl == "name_claim" and _all_apply(verdicts):
                _take_claim(context.roles, judged.run)
            if judged.run.tbl == "staff":
                _note_roles(context, judged, verdicts)
            _note_created(context, judged, verdicts)
            if any(v.rule == "clock" for v in verdicts):  # type: ignore[attr-defined]
                outcome.ahead[origin] = max(hlc, outcome.ahead.get(origin, 0))
            for one in verdicts:
                assert isinstance(one, Verdict)
                if one.outcome == "defer" and one.rule.startswith(CLOCK_WAIT):
                    until = one.rule[len(CLOCK_WAIT) :]
                    outcome.dated[origin] = max(until, outcome.dated.get(origin, ""))
    return context


def _note_created(context: Context, judged: Judged, verdicts: tuple[object, ...]) -> None:
    """A row created in this judging: accepted, quarantined (``refers_quarantined``) or
    waiting (a reference to it waits too); a twin creation refused leaves the row standing."""
    run = judged.run
    if EXISTENCE not in run.cols or run.cl % 2 == 0:
        return
    made = verdicts[run.cols.index(EXISTENCE)]
    assert isinstance(made, Verdict)
    if made.applies:
        context.judged_rows[run.row] = False
    elif made.outcome == "quarantine" and read(made.reason).code != "created_twice":
        context.judged_rows.setdefault(run.row, True)
    elif made.outcome == "defer":
        context.waiting_rows.add(run.row)


def _note_roles(context: Context, judged: Judged, verdicts: Sequence[object]) -> None:
    """Staff records accepted count for the change sets judged after them; the others are
    noted as quarantined or deferred."""
    for record, one in zip(judged.run.changes(), verdicts, strict=True):
        assert isinstance(one, Verdict)
        if one.applies:
            context.roles.add(record)
        else:
            context.roles.note(record, "quarantined" if one.outcome == "quarantine" else "deferred")


#: The tables whose fields the judge reads as they stood at a moment (``_field_as_of``).
_READ_AS_OF = (
    frozenset({"activity", "shift", "standing_post", "threat_assessment", "handover_withdrawal"})
    | plan_checks.DEPLOYMENT_READS
    | judge_signals.READ_AS_OF
)


def _note_now(now: dict[Key, bool], judged: Judged, verdicts: tuple[object, ...]) -> None:
    """Keep the records of a run whose verdict in this judging differs from their state held
    before it (a new record refused, a held one accepted now or refused now): a field read as
    it stood at a moment reads these as judged now, so the order of judging is the order the
    changes were made, whatever came first."""
    run = judged.run
    befores = each(judged.before, len(run.cols))
    for offset, verdict in enumerate(verdicts):
        assert isinstance(verdict, Verdict)
        held = befores[offset] in (NEW, kept.APPLIED)
        if verdict.applies != held:
            now[(run.origin, run.seq + offset)] = verdict.applies


def _context(conn: sqlite3.Connection, team: Roster, now_ms: int, exclude: set[Key]) -> Context:
    forked = forks.held_cuts(conn)
    devices = {
        d["id"]: Device(
            d["id"],
            d["label"],
            d["role"],
            d["status"],
            d.get("revoked_after"),
            forked.get(d["id"]),
            _binding(d),
        )
        for d in team.devices
    }
    return Context(
        devices=devices,
        catalogue=_catalogue(conn),
        columns={t.name: frozenset(t.columns) for t in shapes(conn).values()},
        horizon=_horizon(now_ms),
        soon=_soon(now_ms),
        roles=_role_book(conn, exclude, team),
        known_row=_known_rows(conn),
        refused_row=_refused_rows(conn),
        waiting_row=_waiting_rows(conn),
        created_value=lambda tbl, pk, col: _created_value(conn, tbl, pk, col),
        cancelled_at=lambda activity: _cancelled_at(conn, activity),
        status_of=lambda activity: _status_of(conn, activity),
    )


def _status_of(conn: sqlite3.Connection, activity: str) -> str | None:
    """An activity's status on this laptop before the import (None: not here)."""
    row = conn.execute("SELECT status FROM activity WHERE id = ?", (activity,)).fetchone()
    return None if row is None else str(row[0])


def _catalogue(conn: sqlite3.Connection) -> dict[str, frozenset[object]]:
    lists = {
        "unit": "SELECT code FROM unit",
        "concept": "SELECT code FROM concept",
        "qualification": "SELECT code FROM qualification",
        "threat_level": "SELECT level FROM threat_level",
        "care_module": "SELECT DISTINCT m.value FROM package p, json_each(p.care_modules) m",
    }
    return {name: frozenset(r[0] for r in conn.execute(sql)) for name, sql in lists.items()}


def _binding(device: dict[str, object]) -> dict[str, str]:
    """What a roster entry binds of its laptop's own operator (``roster._entry``)."""
    if not isinstance(device.get("staff"), str) or not isinstance(device.get("callsign"), str):
        return {}
    keys = ("callsign", "staff", "unit", "operator_role")
    return {k: str(device[k]) for k in keys if isinstance(device.get(k), str)}


def bound_rows(team: Roster) -> dict[str, str]:
    """Callsign → the staff row key the signed roster binds it to (active laptops only, as
    ``clashes.settle`` gives the callsign to that row).

    Args:
        team: the roster.

    Returns:
        Upper-case callsign → staff row key (JSON text, ``["id"]``).
    """
    return {name: key_of(staff) for name, (staff, _device) in rosters.bound_callsigns(team).items()}


def _all_apply(verdicts: Iterable[object]) -> bool:
    """Whether every record of a run applies (a name claim is taken whole or not at all).

    Args:
        verdicts: the run's verdicts, one per record.
    """
    return all(isinstance(v, Verdict) and v.applies for v in verdicts)


def _claimed_callsign(run: Run) -> tuple[str, str, str, str] | None:
    """A name claim's callsign, claimed row (key), time and id, when the run creates the
    claim of a callsign (None: anything else)."""
    if EXISTENCE not in run.cols:
        return None
    values = dict(zip(run.cols, run.values(), strict=True))
    name, row, at = values.get("name"), values.get("row_id"), values.get("claimed_at")
    if values.get("tbl") != "staff" or not all(isinstance(v, str) for v in (name, row, at)):
        return None
    key = key_parts(run.pk)
    return (str(name), key_of(str(row)), str(at), str(key[0]) if key else run.pk)


def _take_claim(book: RoleBook, run: Run) -> None:
    """An accepted claim of a callsign joins the role book (who the callsign stands for)."""
    claim = _claimed_callsign(run)
    if claim is not None:
        book.claim(*claim)


def _role_book(conn: sqlite3.Connection, exclude: set[Key], team: Roster) -> RoleBook:
    """The staff records held before this judging (the ones judged now excluded): the accepted
    ones' callsigns and roles, and the creations quarantined or waiting; the callsigns the
    signed roster binds."""
    book = RoleBook(bound_rows(team), enrolled_clocks(team.devices))
    for name, row_id, claimed_at, claim_id in conn.execute(
        "SELECT name, row_id, claimed_at, id FROM name_claim WHERE tbl = 'staff'"
    ):
        book.claim(str(name), key_of(str(row_id)), str(claimed_at), str(claim_id))
    records = [
        r
        for r in readable_changes(log.staff(conn))  # a record changed outside: none of it
        if r.col in ("callsign", "role") and (r.origin, r.seq) not in exclude
    ]
    states = kept.states(conn, [(r.origin, r.seq) for r in records])
    for record in records:
        state = states.get((record.origin, record.seq))
        if state is None:
            book.add(record)
        else:
            book.note(record, state)
    return book


def _field_as_of(
    conn: sqlite3.Connection,
    tbl: str,
    pk: str,
    col: str,
    at: tuple[int, str],
    *,
    edits: bool = True,
    now: dict[Key, bool] | None = None,
) -> object:
    """A field's value just before ``at``, from the accepted records (so every laptop holding
    the same records reads the same value, whatever it holds now): a critical field's from its
    edits (``edits``), another's (an activity's status) from every record, its creation's too.
    ``now``: the records whose verdict in the judging under way differs from the one held."""
    runs = log.of_rows(conn, [(tbl, pk)], critical=edits)
    found = [
        r
        for r in (c for run in runs for c in run.changes())
        if r.tbl == tbl
        and r.col == col
        and (r.prev is not None or not edits)
        and (r.hlc, r.origin) < at
    ]
    aside = kept.states(conn, [(r.origin, r.seq) for r in found])
    now = now or {}
    accepted = [r for r in found if now.get((r.origin, r.seq), (r.origin, r.seq) not in aside)]
    if not accepted:
        return None
    return max(accepted, key=lambda r: (r.cl, r.hlc, r.origin)).val


def _cancelled_at(conn: sqlite3.Connection, activity: str) -> list[tuple[At, bool]]:
    """When (clock, device) each accepted cancellation of an activity was made, and whether it
    was its calendar's: a cancelled activity is never revived (R5) but by its calendar."""
    rows = conn.execute(
        "SELECT id, authority = ? AND reason = 'tbp_choice' FROM restriction"
        " WHERE activity_id = ? AND kind = 'cancelled'",
        (rules.CALENDAR_AUTHORITY, activity),
    ).fetchall()
    calendar = {json.dumps([r[0]], ensure_ascii=False): bool(r[1]) for r in rows}
    runs = log.of_rows(conn, [("restriction", pk) for pk in calendar])
    return [
        ((run.hlc, run.origin), calendar[run.pk])
        for run in runs
        if EXISTENCE in run.cols and run.cl % 2 == 1
    ]


def _replanning(
    conn: sqlite3.Connection,
    activity: str,
    at: At,
    field_as_of: Callable[[str, str, str, At], object],
    assessments: _Assessments,
) -> str | None:
    """Why an activity needed re-planning just before ``at`` (R1: below the required level
    …), as the store's view decides it (``activity_view.replan_reason``, its status aside),
    from its concept and review flag and its subject's threat level as they stood then, read
    from the accepted records: every laptop holding the same records judges a 'done' alike,
    whatever order they came in. None when it need not be."""
    row = conn.execute("SELECT subject_id FROM activity WHERE id = ?", (activity,)).fetchone()
    if row is None:
        return None
    pk = key_of(activity)
    concept = field_as_of("activity", pk, "concept", at)
    review = field_as_of("activity", pk, "review_reason", at)
    level = assessments.level_as_of(str(row[0]), at)
    found = conn.execute(_REPLAN_AS_OF, (concept, level, concept, concept, review, row[0]))
    reason = found.fetchone()
    return None if reason is None or reason[0] is None else str(reason[0])


#: ``activity_view.replan_reason`` for a given concept (1, 3, 4), threat level (2) and review
#: flag (5) of an activity of subject (6); keep the two alike.
_REPLAN_AS_OF = """
SELECT CASE
         WHEN ?1 IS NULL THEN NULL
         WHEN rl.rank IS NULL THEN 'no_threat_assessment'
         WHEN cr.rank IS NULL OR cr.rank < rl.rank THEN 'below_required'
         WHEN NOT EXISTS (
              SELECT 1 FROM package_concept pc
              WHERE pc.package = t.package AND pc.concept = ?1) THEN 'outside_package'
         WHEN instr(',' || c.subject_kinds || ',', ',' || s.kind || ',') = 0
              THEN 'wrong_subject_kind'
         WHEN c.pilot = 1 AND NOT EXISTS (
              SELECT 1 FROM pilot_scope ps WHERE ps.concept = ?1
              AND (ps.unit = s.unit OR ps.package = t.package)) THEN 'outside_pilot_scope'
         ELSE ?5
       END
FROM subject s
LEFT JOIN threat_level t ON t.level = ?2
LEFT JOIN resistance_level rl ON rl.code = t.resistance_level
LEFT JOIN concept_rank cr ON cr.concept = ?3
LEFT JOIN concept c ON c.code = ?4
WHERE s.id = ?6
"""


class _Assessment(NamedTuple):
    """One accepted-or-held threat assessment as ``_Assessments`` weighs it."""

    assessed_at: str
    id: str
    level: object
    key: Key  # its existence record
    ref: str  # its subject_id record, as conflicts name it (``conflicts.ref``)
    #: the assessments of its subject its writer had seen; None: it carries no history (it
    #: takes no part in conflicts, ``conflicts._records``)
    seen: tuple[str, ...] | None


class _Assessments:
    """The threat assessments the log holds, by subject, read once per judging; which of them
    count is decided per question (the verdicts of the judging under way, ``now``, first)."""

    def __init__(self, conn: sqlite3.Connection, now: dict[Key, bool]) -> None:
        self.conn = conn
        self.now = now
        self._by_subject: dict[str, list[_Assessment]] | None = None

    def _load(self) -> dict[str, list[_Assessment]]:
        by_subject: dict[str, list[_Assessment]] = {}
        for run in log.of_table(self.conn, "threat_assessment"):
            if EXISTENCE not in run.cols or run.cl % 2 == 0:
                continue
            values = dict(zip(run.cols, run.values(), strict=True))
            key = (run.origin, run.seq + run.cols.index(EXISTENCE))
            where = run.cols.index("subject_id") if "subject_id" in run.cols else None
            prev = None if where is None else run.prev(where)
            by_subject.setdefault(str(values.get("subject_id")), []).append(
                _Assessment(
                    str(values.get("assessed_at")),
                    str(values.get("id")),
                    values.get("level"),
                    key,
                    conflicts.ref(run.origin, run.seq + (where or 0)),
                    None if prev is None else tuple(conflicts.seen(prev)),
                )
            )
        return by_subject

    def level_as_of(self, subject: str, at: At) -> object:
        """The subject's threat level in force at the moment ``at`` was made, from the accepted
        assessments assessed at or before it, as the database derives it (R2 and migration
        035): its latest assessment's (by assessed_at, then id); while assessments of it
        conflicted then (more than one of them no other of them had seen, of different
        levels: ``conflicts``), the highest of theirs if higher (known leftover 2 of issue 13:
        a change made while the conflict was open does not pass below the level in force)."""
        if self._by_subject is None:
            self._by_subject = self._load()
        when = _stored_wall(at[0])
        mine = [a for a in self._by_subject.get(subject, []) if a.assessed_at <= when]
        aside = kept.states(self.conn, [a.key for a in mine])
        counted = [a for a in mine if self.now.get(a.key, a.key not in aside)]
        if not counted:
            return None
        latest = max(counted, key=lambda a: (a.assessed_at, a.id)).level
        tracked = [a for a in counted if a.seen is not None]
        seen = {ref for a in tracked for ref in a.seen or ()}
        heads = [a.level for a in tracked if a.ref not in seen]
        if len({(type(level).__name__, level) for level in heads}) < 2:
            return latest
        levels = [v for v in (latest, *heads) if type(v) is int]
        return max(levels) if levels else latest


class _Withdrawals:
    """The handover withdrawals the log holds, read once per judging; which count is decided
    per question (the verdicts of the judging under way, ``now``, first)."""

    def __init__(self, conn: sqlite3.Connection, now: dict[Key, bool]) -> None:
        self.conn = conn
        self.now = now
        self._by_handover: dict[str, list[tuple[At, str, Key]]] | None = None

    def before(self, handover: str, at: At) -> str | None:
        """Who withdrew the handover by an accepted withdrawal made before ``at``, or None."""
        if self._by_handover is None:
            self._by_handover = {}
            for run in log.of_table(self.conn, "handover_withdrawal"):
                if EXISTENCE not in run.cols or run.cl % 2 == 0:
                    continue
                values = dict(zip(run.cols, run.values(), strict=True))
                key = (run.origin, run.seq + run.cols.index(EXISTENCE))
                self._by_handover.setdefault(str(values.get("handover_id")), []).append(
                    ((run.hlc, run.origin), str(values.get("withdrawn_by")), key)
                )
        mine = [w for w in self._by_handover.get(handover, []) if w[0] < at]
        aside = kept.states(self.conn, [w[2] for w in mine])
        counted = [w for w in mine if self.now.get(w[2], w[2] not in aside)]
        return min(counted)[1] if counted else None


def _stored_wall(hlc: int) -> str:
    """The wall-clock time of a change's clock, in stored form."""
    return clock_text(hlc) or "9999"


def _below_required(
    conn: sqlite3.Connection, activity: str, concept: str, at: At, assessments: _Assessments
) -> str | None:
    """Why ``concept`` on the activity would provide less than its person required just before
    ``at`` (R1: the level of the latest assessment accepted by then, as R2 derives it), or None
    (it suffices, no assessment yet, or the activity or the concept is not known here). Every
    laptop holding the same records decides alike, whatever was assessed later."""
    found = conn.execute("SELECT subject_id FROM activity WHERE id = ?", (activity,)).fetchone()
    if found is None:
        return None
    level = assessments.level_as_of(str(found[0]), at)
    row = conn.execute(
        "SELECT t.resistance_level, rl.rank, cr.level, cr.rank FROM threat_level t"
        " JOIN resistance_level rl ON rl.code = t.resistance_level"
        " LEFT JOIN concept_rank cr ON cr.concept = ? WHERE t.level = ?",
        (concept, level),
    ).fetchone()
    if row is None or row[1] is None or (row[3] is not None and row[3] >= row[1]):
        return None
    return f"it provides {row[2] or 'no level'}, below the required {row[0]}"


Creations = Callable[[str, str, int, Change], list[tuple[int, str, int]]]


def _twice(keys: Iterable[tuple[str, str, int]]) -> set[tuple[str, str, int]]:
    """The keys that come more than once (only those are kept: a first import creates tens of
    thousands of rows, each once)."""
    seen: set[tuple[str, str, int]] = set()
    twice: set[tuple[str, str, int]] = set()
    for key in keys:
        (twice if key in seen else seen).add(key)
    return twice


def _creations(conn: sqlite3.Connection, twice: set[tuple[str, str, int]]) -> Creations:
    """Every held creation record of one life of a row (any verdict), as (clock, device,
    number), the earliest first. The log is searched only where the row may have been created
    more than once (two creations among the records judged now (``twice``), another creation
    stamped on the row here, or one set aside); otherwise the record judged is the row's only
    creation."""
    cache: dict[tuple[str, str, int], list[tuple[int, str, int]]] = {}
    aside = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM sync_quarantine) OR EXISTS (SELECT 1 FROM sync_deferred)"
    ).fetchone()[0]

    def creations(table: str, pk: str, cl: int, record: Change) -> list[tuple[int, str, int]]:
        key = (table, pk, cl)
        if key in cache:
            return cache[key]
        if key in twice or _created_elsewhere(conn, key, record, bool(aside)):
            cache[key] = _held_creations(conn, key)
            return cache[key]
        # the row's only creation (the usual case) is not kept: a bundle creates tens of
        # thousands of rows, and asking again costs a query, remembering it a list each
        return [(record.hlc, record.origin, record.seq)]

    return creations


def _created_elsewhere(
    conn: sqlite3.Connection, key: tuple[str, str, int], record: Change, aside: bool
) -> bool:
    """Whether this row's life holds a creation other than ``record``: stamped on the row, or
    quarantined or waiting here."""
    table, pk, cl = key
    stamp = conn.execute(
        "SELECT c.cl, c.hlc, o.device FROM sync_clock c JOIN sync_origin o ON o.id = c.origin"
        " WHERE c.tbl = ? AND c.pk = ? AND c.col = ''",
        (table, pk),
    ).fetchone()
    if stamp is not None and stamp[0] == cl and (stamp[1], stamp[2]) != (record.hlc, record.origin):
        return True
    if not aside:
        return False
    for held in ("sync_quarantine", "sync_deferred"):
        for origin, seq in conn.execute(
            f"SELECT origin, seq FROM {held} WHERE tbl = ? AND pk = ? AND col = ''", (table, pk)
        ):
            if (origin, seq) != (record.origin, record.seq):
                return True
    return False


def _held_creations(
    conn: sqlite3.Connection, key: tuple[str, str, int]
) -> list[tuple[int, str, int]]:
    table, pk, cl = key
    return sorted(
        (run.hlc, run.origin, run.seq + run.cols.index(EXISTENCE))
        for run in log.of_rows(conn, [(table, pk)])
        if EXISTENCE in run.cols and run.cl == cl
    )


def _created_value(conn: sqlite3.Connection, tbl: str, pk: str, col: str) -> object:
    """A field's value as the row's own creation wrote it (the earliest held creation of its
    latest life), whatever became of it since: for fields that never change afterwards."""
    runs = log.of_rows(conn, [(tbl, pk)])
    made = [r for r in runs if EXISTENCE in r.cols and r.cl % 2 == 1]
    if not made:
        return None
    first = min(made, key=lambda r: (-r.cl, r.hlc, r.origin))
    for run in runs:
        if (run.origin, run.hlc, run.cl) == (first.origin, first.hlc, first.cl) and col in run.cols:
            return run.values()[run.cols.index(col)]
    return None


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
                        "SELECT 1 FROM sync_deferred WHERE tbl = ? AND pk = ? AND col = ''",
                        [table, pk],
                    ),
                )
            )
        return cache[(table, pk)]

    return known


def _held_rows(
    conn: sqlite3.Connection, held_in: str, *, settled_in: tuple[str, ...]
) -> Callable[[str, str], bool]:
    """Whether a row's creation is held here in ``held_in`` (``sync_quarantine`` or
    ``sync_deferred``) while the row is not there and no creation of it was accepted (nor
    settled in one of ``settled_in``); the held state is unchanged while judging, so cached."""
    table_shapes = shapes(conn)
    cache: dict[tuple[str, str], bool] = {}

    def held(table: str, pk: str) -> bool:
        shape = table_shapes.get(table)
        if shape is None:
            return False
        if (table, pk) not in cache:
            marker = "SELECT 1 FROM {} WHERE tbl = ? AND pk = ? AND col = ''"
            found = conn.execute(marker.format(held_in), (table, pk)).fetchone()
            cache[(table, pk)] = found is not None and not any(
                conn.execute(sql, params).fetchone() is not None
                for sql, params in (
                    (f"SELECT 1 FROM {table} WHERE {shape.key_match}", [pk] * len(shape.key)),
                    *((marker.format(other), [table, pk]) for other in ("sync_clock", *settled_in)),
                )
            )
        return cache[(table, pk)]

    return held


def _refused_rows(conn: sqlite3.Connection) -> Callable[[str, str], bool]:
    """Whether a row's creation reached this laptop and was quarantined, and no creation of it
    was accepted (the row is not there, and never was): a reference to it is refused as the
    store refuses one to a row it does not have."""
    return _held_rows(conn, "sync_quarantine", settled_in=())


def _waiting_rows(conn: sqlite3.Connection) -> Callable[[str, str], bool]:
    """Whether a row's creation waits here (deferred) and no creation of it was accepted or
    quarantined: the row is not there yet, and a reference to it waits for it (rev13f, fix13c
    item 3: a deployment was applied onto an activity still waiting for its person, and kept
    when the activity was quarantined)."""
    return _held_rows(conn, "sync_deferred", settled_in=("sync_quarantine",))


class _Covered:
    """Which records the candidates hold, by their numbers."""

    def __init__(self, candidates: ChangeSets) -> None:
        spans: dict[str, list[tuple[int, int]]] = {}
        for group in candidates.values():
            for judged in group:
                spans.setdefault(judged.run.origin, []).append((judged.run.seq, judged.run.last))
        self.spans = {origin: sorted(found) for origin, found in spans.items()}

    def __contains__(self, key: Key) -> bool:
        spans = self.spans.get(key[0], [])
        index = bisect.bisect_right(spans, (key[1], 2**63)) - 1
        return index >= 0 and spans[index][0] <= key[1] <= spans[index][1]


def _cascade(conn: sqlite3.Connection, candidates: ChangeSets, context: Context) -> RunSets:
    """Change sets whose verdicts may change because of these: a person's later changes when
    their role history changed, and deferred records whose wait is now over."""
    changed: dict[str, int] = {}  # callsign → earliest clock from which their role changed
    for group in candidates.values():
        created: set[str] | None = None  # the staff rows this change set creates (when asked)
        for judged in group:
            run = judged.run
            if run.tbl != "staff" or not {"callsign", "role"} & set(run.cols):
                continue
            records = run.changes()
            for offset, before, verdict in judged.records():
                record = records[offset]
                if record.col not in ("callsign", "role"):
                    continue
                if verdict.applies == (before == kept.APPLIED):
                    continue
                if before == NEW:
                    if created is None:
                        created = _created_staff(group)
                    if record.pk in created and not context.roles.shared(record.pk):
                        continue  # a new person: what they wrote before waits (author:…)
                name = context.roles.callsign_of(record.pk)
                if name is None and record.col == "callsign":
                    name = callsign(record.val)
                for each_name in RoleBook.names(record.pk, name) if name else ():
                    changed[each_name] = min(record.hlc, changed.get(each_name, record.hlc))
    for group in candidates.values():  # a callsign claimed now: who it stands for may change
        for judged in group:
            claim = _claimed_callsign(judged.run) if judged.run.tbl == "name_claim" else None
            fresh = any(
                v.applies and before != kept.APPLIED for _offset, before, v in judged.records()
            )
            if claim is None or not fresh:
                continue
            name = callsign(claim[0])
            rows = context.roles.rows_named(name)
            if len(rows) > 1:  # a clash: every change by its name and derived names again
                for pk in rows:
                    for each_name in RoleBook.names(pk, name):
                        changed[each_name] = 0
    # a laptop whose operator's roles changed: who else could act there may have changed too
    origins = {
        d.id: changed[name]
        for d in context.devices.values()
        if (name := callsign(d.operator.get("callsign", ""))) in changed
    }
    more = _by_change_set(_by_actors_after(conn, changed, origins)) if changed else {}
    more.update(_load_change_sets(conn, _waits_over(conn, context, _Covered(candidates))))
    covered = _Covered(candidates)
    rivals = [key for key in context.rivals if key not in covered]
    more.update(_load_change_sets(conn, rivals))  # a row created twice: judged together
    more.update(_load_change_sets(conn, _read_together(conn, candidates, covered)))
    more.update(_load_change_sets(conn, _acceptances_after(conn, candidates, covered)))
    more.update(_load_change_sets(conn, _referrers(conn, candidates, covered)))
    runs = (j.run for group in candidates.values() for j in group)
    more.update(
        _load_change_sets(conn, judge_signals.steps_after(conn, runs, covered.__contains__))
    )
    return {k: v for k, v in more.items() if k not in candidates}


def _referrers(conn: sqlite3.Connection, candidates: ChangeSets, covered: _Covered) -> list[Key]:
    """Creations held here that refer to a row whose creation's verdict changed in this
    judging (refused now though accepted before, or the other way): judged again, so that a
    reference to a quarantined row is refused (``refers_quarantined``) whatever came first."""
    changed: set[tuple[str, str]] = set()
    for group in candidates.values():
        for judged in group:
            run = judged.run
            if EXISTENCE not in run.cols or run.cl % 2 == 0 or judged.verdict is None:
                continue
            _offset, before, verdict = list(judged.records())[run.cols.index(EXISTENCE)]
            if before != NEW and verdict.applies != (before == kept.APPLIED):
                changed.add(run.row)
    found: list[Key] = []
    for tbl in {t for t, _pk in changed}:
        for rule in rules.TABLES.values():
            for col in (c for c, f in rule.fields.items() if f.ref == tbl):
                for run in log.of_table(conn, rule.name):
                    if EXISTENCE not in run.cols or col not in run.cols or run.cl % 2 == 0:
                        continue
                    value = run.values()[run.cols.index(col)]
                    key = (run.origin, run.seq + run.cols.index(EXISTENCE))
                    mine = isinstance(value, str) and (tbl, key_of(value)) in changed
                    if mine and key not in covered:
                        found.append(key)
    return found


def _acceptances_after(
    conn: sqlite3.Connection, candidates: ChangeSets, covered: _Covered
) -> list[Key]:
    """The held acceptances of handovers made after a withdrawal of them judged now (a
    withdrawn handover cannot be accepted: ``judge._accepts_withdrawn``)."""
    withdrawn: dict[str, list[At]] = {}
    for group in candidates.values():
        for judged in group:
            run = judged.run
            if run.tbl == "handover_withdrawal" and EXISTENCE in run.cols:
                handover = (
                    run.values()[run.cols.index("handover_id")]
                    if ("handover_id" in run.cols)
                    else None
                )
                withdrawn.setdefault(str(handover), []).append((run.hlc, run.origin))
    if not withdrawn:
        return []
    found = []
    for run in log.of_table(conn, "handover_event"):
        if EXISTENCE not in run.cols or "handover_id" not in run.cols:
            continue
        whens = withdrawn.get(str(run.values()[run.cols.index("handover_id")]), [])
        key = (run.origin, run.seq + run.cols.index(EXISTENCE))
        if any(w < (run.hlc, run.origin) for w in whens) and key not in covered:
            found.append(key)
    return found


#: Per synced table, per field: the fields whose verdict reads it as it stood when they were
#: made (``judge``): a period's start and end (each other, ``rules.TableRule.together``), an
#: activity's status (a 'done' reads the end) and its end (it reads the status).
_READ_BY: dict[str, dict[str, frozenset[str]]] = {
    rule.name: {col: rule.together - {col} for col in rule.together}
    for rule in rules.TABLES.values()
    if rule.together
}
_READ_BY["activity"] = {
    **_READ_BY["activity"],
    "end_at": _READ_BY["activity"]["end_at"] | {"status"},
    # a status reads the status before it (a 'done' after a cancellation is refused), the
    # concept and review flag (a 'done' hides no re-planning, R1) and the end; a concept
    # reads the status (below the required level on a done or cancelled activity, R1)
    "status": frozenset({"end_at", "status", "concept"}),
    "concept": frozenset({"status"}),
    "review_reason": frozenset({"status"}),
}


def _read_together(
    conn: sqlite3.Connection, candidates: ChangeSets, covered: _Covered
) -> list[Key]:
    """Fields judged together (a start and its end; an activity's status and end; a
    restriction and its activity's status) are each judged against the others as they stood
    when the change was made, so that the order in which bundles arrive does not matter: a
    change of one accepted now, or accepted before and refused now, judges again the held
    changes of the others made after it — their author's own too, which is then un-applied
    (``rebuild``). A row's creation is left out: what changes it later comes after it, and
    waits for it when it arrives first."""
    touched: dict[tuple[str, str], list[tuple[At, str]]] = {}  # row → (when, field)
    assessed: dict[str, list[At]] = {}  # subject → when an assessment of it was made
    for group in candidates.values():
        for judged in group:
            run = judged.run
            if run.tbl == "threat_assessment" and EXISTENCE in run.cols:
                _note_assessment(judged, assessed)
                continue
            reads = _READ_BY.get(run.tbl)
            if reads is None or not reads.keys() & set(run.cols) or EXISTENCE in run.cols:
                continue
            for offset, before, verdict in judged.records():
                col = run.cols[offset]
                if col in reads and (verdict.applies or before == kept.APPLIED):
                    touched.setdefault(run.row, []).append(((run.hlc, run.origin), col))
    found = _statuses_after_assessments(conn, assessed, covered)
    found += plan_checks.after_assessments(conn, set(assessed), covered)
    found += plan_checks.shifts_after(conn, _shifts_judged(candidates), covered)
    found += plan_checks.deployments_after(conn, _deployment_reads(candidates), covered)
    if not touched:
        return found
    for run in log.of_rows(conn, touched):
        reads = _READ_BY[run.tbl]
        for record in run.changes():
            at = (record.hlc, record.origin)
            later = any(
                when < at and record.col in reads.get(col, ()) for when, col in touched[run.row]
            )
            if later and (record.origin, record.seq) not in covered:
                found.append((record.origin, record.seq))
    statuses = {
        pk: [when for when, col in changes if col == "status"]
        for (tbl, pk), changes in touched.items()
        if tbl == "activity"
    }
    return found + _restrictions_after(conn, statuses, covered)


def _deployment_reads(candidates: ChangeSets) -> dict[tuple[str, str], At]:
    """The rows a deployment's check reads (``plan_checks.DEPLOYMENT_READS``) whose records
    were accepted or refused now (or held applied before): (table, row key) → the earliest
    such record's (hlc, origin) (``plan_checks.deployments_after``)."""
    found: dict[tuple[str, str], At] = {}
    for group in candidates.values():
        for judged in group:
            run = judged.run
            if run.tbl not in plan_checks.DEPLOYMENT_READS:
                continue
            if any(v.applies or before == kept.APPLIED for _o, before, v in judged.records()):
                at = (run.hlc, run.origin)
                found[run.row] = min(at, found.get(run.row, at))
    return found


def _shifts_judged(candidates: ChangeSets) -> dict[str, At]:
    """The shifts whose records were accepted or refused now (or held applied before): row
    key → the earliest such record's (hlc, origin) (``plan_checks.shifts_after``)."""
    found: dict[str, At] = {}
    for group in candidates.values():
        for judged in group:
            run = judged.run
            if run.tbl != "shift":
                continue
            if any(v.applies or before == kept.APPLIED for _o, before, v in judged.records()):
                at = (run.hlc, run.origin)
                found[run.pk] = min(at, found.get(run.pk, at))
    return found


def _note_assessment(judged: Judged, assessed: dict[str, list[At]]) -> None:
    """An assessment accepted or refused in this judging: the subject and its clock."""
    run = judged.run
    for offset, before, verdict in judged.records():
        if run.cols[offset] == EXISTENCE and (verdict.applies or before == kept.APPLIED):
            subject = dict(zip(run.cols, run.values(), strict=True)).get("subject_id")
            assessed.setdefault(str(subject), []).append((run.hlc, run.origin))


def _statuses_after_assessments(
    conn: sqlite3.Connection, assessed: dict[str, list[At]], covered: _Covered
) -> list[Key]:
    """The held 'done' and concept records of the activities of these subjects (each reads the
    threat level as it stood when it was made, ``_replanning``, ``_below_required``): judged
    again, their author's too."""
    if not assessed:
        return []
    marks = ", ".join("?" * len(assessed))
    activities = conn.execute(
        f"SELECT id FROM activity WHERE subject_id IN ({marks})", list(assessed)
    ).fetchall()
    found = []
    for run in log.of_rows(conn, [("activity", key_of(str(a[0]))) for a in activities]):
        for record in run.changes():
            key = (record.origin, record.seq)
            wanted = record.col == "concept" or (record.col, record.val) == ("status", "done")
            if wanted and key not in covered:
                found.append(key)
    return found


def _restrictions_after(
    conn: sqlite3.Connection, statuses: dict[str, list[At]], covered: _Covered
) -> list[Key]:
    """The held creations of restrictions of these activities made after a change of their
    status (a restriction of a done activity is refused: ``judge._of_a_done_activity``)."""
    statuses = {pk: whens for pk, whens in statuses.items() if whens}
    ids = [key_parts(pk) for pk in statuses]
    named = [str(parts[0]) for parts in ids if parts]
    if not named:
        return []
    marks = ", ".join("?" * len(named))
    keys = {
        key_of(str(r[0]))
        for r in conn.execute(f"SELECT id FROM restriction WHERE activity_id IN ({marks})", named)
    }
    keys.update(
        str(r[0])
        for r in conn.execute(
            "SELECT pk FROM sync_quarantine WHERE tbl = 'restriction' AND col = ''"
            " UNION SELECT pk FROM sync_deferred WHERE tbl = 'restriction' AND col = ''"
        )
    )
    found = []
    for run in log.of_rows(conn, [("restriction", pk) for pk in keys]):
        if EXISTENCE not in run.cols or "activity_id" not in run.cols or run.cl % 2 == 0:
            continue
        activity = run.values()[run.cols.index("activity_id")]
        whens = statuses.get(key_of(activity)) if isinstance(activity, str) else None
        key = (run.origin, run.seq + run.cols.index(EXISTENCE))
        if whens and any(w < (run.hlc, run.origin) for w in whens) and key not in covered:
            found.append(key)
    return found


def _created_staff(group: list[Judged]) -> set[str]:
    """The staff rows this change set creates: their records are not a later role change."""
    return {
        j.run.pk
        for j in group
        if j.run.tbl == "staff" and EXISTENCE in j.run.cols and j.run.cl % 2 == 1
    }


def _waits_over(conn: sqlite3.Connection, context: Context, covered: _Covered) -> list[Key]:
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
    return [(str(o), int(s)) for o, s in keys if (str(o), int(s)) not in covered]


def _received_by(conn: sqlite3.Connection, names: set[str]) -> list[Run]:
    """Every held record other laptops sent authored under these callsigns (this laptop's own
    records were made by its store, never judged)."""
    me = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    own = None if me is None else str(me[0])
    return [r for r in _by_actors_after(conn, dict.fromkeys(names, 0)) if r.origin != own]


def _by_actors_after(
    conn: sqlite3.Connection, changed: dict[str, int], origins: dict[str, int] | None = None
) -> list[Run]:
    """Every held record by these people after their role history changed, and every record
    of the laptops these people are the operators of after then (one pass)."""
    found, origins = [], origins or {}
    for run in log.since(conn, min(changed.values())):
        since = min(changed.get(callsign(run.actor), 2**63), origins.get(run.origin, 2**63))
        if run.hlc > since:
            found.append(run)
    return found


# Applying ------------------------------------------------------------------------------------


def refused_verdict(reason: str) -> Verdict:
    """What becomes of a record whose row the database refused although the judge let it
    through. A missing field or value (NOT NULL, an unknown field) may be one a newer version
    fills in: it waits for an upgrade (listed with its reason). A CHECK or UNIQUE refusal, a
    guard's (an append-only table, R2) or a row no key names is this version's own rule broken
    for good: quarantined with the database's reason, never left waiting.

    Args:
        reason: the database's refusal, in its words.

    Returns:
        A ``defer`` verdict (waits for ``schema``) for a NOT NULL or unknown-field refusal, else a
        ``quarantine`` verdict (rule ``database``); both with code ``database_refused`` and the
        database's words as ``why``.
    """
    if "NOT NULL constraint failed" in reason or reason.startswith("unknown field"):
        return defer("schema", "database_refused", why=reason)
    return quarantine("database", "database_refused", why=reason)


def _gained(
    outcome: Outcome, lost: set[tuple[str, str]]
) -> Iterator[tuple[Run, tuple[bool, ...] | None]]:
    """The runs whose records are newly accepted (all of them, or those of the mask), one at
    a time as the merge takes them (the merge does not depend on their order)."""
    for judged in outcome.judged():
        if judged.run.row in lost:
            continue
        before, verdict = judged.before, judged.verdict
        if isinstance(before, str) and isinstance(verdict, Verdict):
            if verdict.applies and before != kept.APPLIED:
                yield (judged.run, None)
            continue
        mask = tuple(v.applies and b != kept.APPLIED for _o, b, v in judged.records())
        if all(mask):
            yield (judged.run, None)
        elif any(mask):
            yield (judged.run, mask)


def _apply(conn: sqlite3.Connection, outcome: Outcome, now: datetime) -> None:
    """Keep the verdicts; merge what is newly accepted; rebuild rows that lost a record."""
    lost: set[tuple[str, str]] = set()
    changed: list[tuple[Change, Verdict]] = []
    for judged in outcome.judged():
        before, verdict = judged.before, judged.verdict
        if isinstance(before, str) and isinstance(verdict, Verdict):  # one for all its records
            if before == kept.APPLIED and not verdict.applies:
                lost.add(judged.run.row)
            if not verdict.applies or before not in (NEW, kept.APPLIED):
                changed += [(record, verdict) for record in judged.run.changes()]
            continue
        records = judged.run.changes()
        for offset, before_one, verdict_one in judged.records():
            if before_one == kept.APPLIED and not verdict_one.applies:
                lost.add(judged.run.row)
            if not verdict_one.applies or before_one not in (NEW, kept.APPLIED):
                changed.append((records[offset], verdict_one))
    kept.record(conn, changed, now)
    outcome.merged = rebuild.merged(conn, _gained(outcome, lost))
    rebuilt = rebuild.rows(conn, lost)
    outcome.merged.clashes += rebuilt.clashes
    refused = outcome.merged.refused + rebuilt.refused
    for change, reason in refused:
        outcome.refused[(change.origin, change.seq)] = refused_verdict(reason)
    kept.record(conn, ((c, outcome.refused[(c.origin, c.seq)]) for c, _r in refused), now)
