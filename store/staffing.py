"""What an activity still needs: the places its deployed officers leave open, by qualification
and time, and the deployments that break a rule now.

One attribution rule: the open places are what ``gaps.bind`` leaves of the activity's demand
once its deployed officers are bound to it — the binding ``gaps``, ``capacity`` and ``suggest``
use — so ``activity show``, the "still open" lines after a deployment, the suggestions and
the gap rows of an activity with no other officer on duty say the same, hour by hour and per
qualification. A deployed officer fills as many places as the group can at once; where he could
take another, the open places left are first those the unit's other officers on duty can fill
(never hours short that the unit could cover), then the fewest whole places over the activity
(an officer whose close-protection qualification lapses at midnight drives for all of it, and
one close-protection place stays open for all of it, not a driving half and a
close-protection half), then those the unit's pool can fill least.

The open demand is stated as whole places: per qualification, a place opens where the open
count rises and closes, last opened first, where it falls — the fewest and longest places.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from . import roster
from .catalogue import get_concept, get_unit
from .clock import epoch_seconds, from_db, from_epoch, to_db
from .db import Store
from .errors import RuleViolation
from .gaps import Duty, Need, load_duties
from .ids import uuid7
from .matching import cover
from .roster import (
    Deployment,
    GroupPart,
    Problem,
    absences,
    deployed_officers,
    deployment_problem,
    double_bookings,
    group_parts,
)
from .roster import open_parts as open_parts  # the binding of one activity: shared
from .staff import Staff, get_staff

T = TypeVar("T")


@dataclass(frozen=True)
class Shortfall:
    """Places of an activity's concept that its deployed officers leave open: ``missing``
    whole places of one qualification, each open from ``start`` to ``end``.

    Attributes:
        activity_id: the activity.
        qualification: the qualification whose places are open.
        missing: how many places are open for all of [start, end).
        start: when they open (aware UTC; a local midnight inside the activity when a
            qualification lapses there, R8).
        end: when they close (aware UTC).
        lapsed: callsigns of deployed officers whose lapsed qualification (R8) leaves the group
            a place short then: with it valid they would fill one more.
        off_duty: callsigns of deployed officers holding the qualification who are not on
            duty for some of it.
        elsewhere: callsigns of deployed officers holding the qualification who are bound to
            another activity for some of it (double-booked: ``roster.absences``).
        travelling: callsigns of deployed officers holding the qualification who are on their
            way from the deployment before for some of it (too close to reach it in time).
        leaving: callsigns of deployed officers holding the qualification who are on their
            way home for some of it, to be there when their duty ends (rule: travel).
        arriving: (callsign, own unit) of deployed officers holding the qualification who are
            on their way from their own unit, where their duty began, for some of it.
    """

    activity_id: str
    qualification: str
    missing: int
    start: datetime
    end: datetime
    lapsed: tuple[str, ...]
    off_duty: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    travelling: tuple[str, ...] = ()
    leaving: tuple[str, ...] = ()
    arriving: tuple[tuple[str, str], ...] = ()


def most_open(parts: list[Need]) -> dict[str, int]:
    """Per qualification, the most places open at once in ``parts`` (``open_parts``).

    Args:
        parts: open parts of one activity.

    Returns:
        Per qualification code named in a part, the largest open count of one part; empty
        when nothing is open.
    """
    found: dict[str, int] = {}
    for part in parts:
        for q, n in part.needs:
            found[q] = max(found.get(q, 0), n)
    return found


def whole_places(parts: list[Need]) -> list[tuple[str, int, int, int]]:
    """The open parts stated as whole places: per qualification a place opens where its open
    count rises and the last opened closes first where it falls, so the places are the fewest
    and the longest. ``(qualification, count, start, end)`` (epoch seconds), places with the
    same qualification and time as one, by start then qualification.

    Args:
        parts: open parts of one activity (``open_parts``), by start.

    Returns:
        ``(qualification, count, start, end)`` per run of places, start and end in epoch
        seconds (UTC), by start, qualification, end; empty when nothing is open.
    """
    counts: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for part in parts:
        for q, n in part.needs:
            counts[q].append((part.start, part.end, n))
    found: dict[tuple[str, int, int], int] = defaultdict(int)
    for q, pieces in counts.items():
        opened: list[int] = []  # start of each open place, last opened last
        moment = None
        for a, b, n in sorted(pieces):
            if moment is not None and moment < a:  # nothing open between two parts
                _close(found, q, opened, 0, moment)
            _close(found, q, opened, n, a)
            opened += [a] * (n - len(opened))
            moment = b
        if moment is not None:
            _close(found, q, opened, 0, moment)
    return sorted(
        ((q, n, a, b) for (q, a, b), n in found.items()), key=lambda p: (p[2], p[0], p[3])
    )


def _close(
    found: dict[tuple[str, int, int], int], q: str, opened: list[int], keep: int, at: int
) -> None:
    """Close the places opened last until ``keep`` stay open, each ending ``at``."""
    while len(opened) > keep:
        found[(q, opened.pop(), at)] += 1


def staffing_shortfalls(store: Store, activity_id: str) -> list[Shortfall]:
    """The places of the activity's concept that its deployed officers leave open, as whole
    places (``whole_places`` of ``open_parts``): a qualification counts only on the days it
    is valid (R8) and a deployed officer only while on duty. Nothing for an activity without a
    concept or cancelled; with nobody deployed every place is open for all of it (an empty group
    fills nothing: the unit's pool in ``gaps`` may cover the demand, but no place of the
    activity is filled until someone is deployed on it).

    Args:
        store: the open database.
        activity_id: the activity's full id.

    Returns:
        The open places, by start then qualification.
    """
    return _shortfalls(store, activity_id, None)


def _shortfalls(store: Store, activity_id: str, pool: list[Duty] | None) -> list[Shortfall]:
    row = store.one(
        "SELECT a.concept, a.status, a.start_at, a.end_at, s.unit FROM activity a JOIN subject s"
        " ON s.id = a.subject_id WHERE a.id = ?",
        (activity_id,),
    )
    if row is None or row["concept"] is None or row["status"] == "cancelled":
        return []
    officers = deployed_officers(store, activity_id)
    span = (from_db(row["start_at"]), from_db(row["end_at"]))
    gone = absences(store, activity_id, officers, span)
    parts = group_parts(store, activity_id, officers, gone=gone)
    first, last = parts[0].start, parts[-1].end
    if pool is None:
        pool = load_duties(store, first, last, unit=row["unit"])
    concept = get_concept(store, row["concept"])
    staffing = tuple((s.qualification, s.count) for s in concept.staffing)
    need = Need(row["unit"], epoch_seconds(first), epoch_seconds(last), staffing, activity_id)
    costly = _lapse_costs(dict(staffing), officers, parts)
    found = []
    for q, n, lo, hi in whole_places(roster.bound_parts(need, parts, officers, pool)):
        inside = [
            i
            for i, p in enumerate(parts)
            if epoch_seconds(p.start) < hi and epoch_seconds(p.end) > lo
        ]
        away = {
            o.callsign
            for o in officers
            if any(h.code == q for h in o.qualifications)
            and any(o.callsign not in parts[i].officers for i in inside)
        }

        def meets(span: tuple[datetime, datetime] | None, lo: int = lo, hi: int = hi) -> bool:
            return span is not None and epoch_seconds(span[0]) < hi and epoch_seconds(span[1]) > lo

        there = {c for c in away if c in gone and meets(gone[c].bound)}
        moving = {c for c in away if c in gone and meets(gone[c].travelling)}
        homeward = {c for c in away if c in gone and meets(gone[c].leaving)} - there - moving
        fresh = {c for c in moving if gone[c].from_unit}
        found.append(
            Shortfall(
                activity_id,
                q,
                n,
                from_epoch(lo),
                from_epoch(hi),
                _lapsed(q, [costly[i] for i in inside]),
                tuple(sorted(away - there - moving - homeward)),
                tuple(sorted(there)),
                tuple(sorted(moving - fresh)),
                tuple(sorted(homeward)),
                tuple(sorted((c, gone[c].from_unit or "") for c in fresh)),
            )
        )
    return found


def _lapse_costs(
    staffing: dict[str, int], officers: list[Staff], parts: list[GroupPart]
) -> list[dict[str, set[str]]]:
    """Per part, when a lapse (R8) leaves the group a place short there — with every
    qualification they hold valid they would fill more — each on-duty officer's lapsed
    qualifications of the concept; else nothing."""
    held = {o.callsign: frozenset(q.code for q in o.qualifications) for o in officers}
    found: list[dict[str, set[str]]] = []
    for part in parts:
        here = part.officers
        lapsed = {c: set((held[c] - quals) & staffing.keys()) for c, quals in here.items()}
        lapsed = {c: qs for c, qs in lapsed.items() if qs}
        if lapsed:
            now = sum(cover(staffing.items(), here.values()).values())
            whole = sum(cover(staffing.items(), [held[c] for c in here]).values())
            if whole <= now:
                lapsed = {}
        found.append(lapsed)
    return found


def _lapsed(q: str, costs: list[dict[str, set[str]]]) -> tuple[str, ...]:
    """Who, of the officers whose lapse costs the group a place in these parts, held ``q``,
    by callsign."""
    return tuple(sorted({c for cost in costs for c, qs in cost.items() if q in qs}))


def deploy(store: Store, activity_id: str, callsigns: list[str]) -> list[Deployment]:
    """Put officers on an activity; all or none, each refusal naming its rule
    (``deploy_officers``: the rules every path that deploys is judged by).

    The rules are checked inside the write transaction (audited ``deploy``), so a lapse or a
    shift change committed meanwhile (by another process or an import) cannot slip past them.

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        callsigns: the officers' callsigns (at least one).

    Returns:
        The new deployments, in the order of ``callsigns``.

    Raises:
        PermissionDenied: the acting person may not manage staff.
        NotFound: no such activity or callsign.
        BadInput: no officer named, or one named twice; the activity has ended.
        RuleViolation: a rule refuses a deployment (``not_deployed``; R8 names the
            qualification that lapses within the activity and the hour).
    """
    detail: dict[str, object] = {}
    with store.write("deploy", None, detail, require="staff.write") as conn:
        full, officers = roster.deployment_target(store, activity_id, callsigns)
        detail["officers"] = [o.callsign for o in officers]
        made = deploy_officers(store, conn, full, officers)
        store.made(*(d.id for d in made))
        return made


def deploy_officers(
    store: Store, conn: sqlite3.Connection, activity_id: str, officers: list[Staff]
) -> list[Deployment]:
    """Inside an open write: the one function that creates deployments (``deploy``, a
    suggestion applied, a move that deploys). Each officer is checked against the activity as
    it is now (``roster.check_deployments``: on duty, travel, R8 for the officer — nothing
    they need lapses within the activity —, one place at a time, rest, a slot to fill). A
    lapse recorded after the deployment is listed by ``gaps --violations``, not refused.

    Args:
        store: the open database.
        conn: the connection of the open write transaction.
        activity_id: the activity's full id.
        officers: the officers to deploy.

    Returns:
        The new deployments, in the order of ``officers``.

    Raises:
        RuleViolation: an officer is already deployed there or may not be
            (``not_deployed``); nothing is deployed (the write rolls back).
    """

    def put() -> list[Deployment]:
        made = []
        for officer in officers:
            deployment_id = uuid7()
            conn.execute(
                "INSERT INTO deployment (id, activity_id, staff_id, created_at,"
                " created_by) VALUES (?, ?, ?, ?, ?)",
                (deployment_id, activity_id, officer.id, to_db(store.now()), store.actor.callsign),
            )
            made.append(Deployment(deployment_id, activity_id, officer.callsign, store.now()))
        return made

    return judge_deployments(store, activity_id, officers, put)


def trial_deploy(
    store: Store, activity_id: str, officers: list[Staff], concept: str | None = None
) -> RuleViolation | None:
    """Whether deploying ``officers`` would be refused, judged by ``deploy_officers`` itself
    (each officer, then the group: R8) on a trial in a transaction that is rolled back
    whatever happens — so an option offers only what ``deploy`` accepts (``suggest``).

    Args:
        store: the open database (a read-only one cannot try: None).
        activity_id: the activity's full id.
        officers: the officers to deploy.
        concept: judge as if the activity carried this concept (None: its own).

    Returns:
        The refusal ``deploy`` would raise, or None when it would deploy them (or the trial
        cannot be made: a read-only database, or one another process is writing to).
    """
    if store.read_only:
        return None
    conn = store.conn
    outer = conn.in_transaction  # within another trial (``requests``): a SAVEPOINT of it
    conn.execute("SAVEPOINT deploy_trial" if outer else "BEGIN")
    try:
        if concept is not None:
            conn.execute("UPDATE activity SET concept = ? WHERE id = ?", (concept, activity_id))
        deploy_officers(store, conn, activity_id, officers)
        return None
    except RuleViolation as exc:
        return exc
    except sqlite3.OperationalError:  # busy elsewhere: not tried here; ``deploy`` judges it
        return None
    finally:  # a whole transaction rolled back writes nothing, not even to the WAL
        if outer:
            conn.execute("ROLLBACK TO deploy_trial")
            conn.execute("RELEASE deploy_trial")
        else:
            conn.execute("ROLLBACK")


def judge_deployments(
    store: Any, activity_id: str, officers: list[Staff], put: Callable[[], T]
) -> T:
    """The rules a deployment is judged by, one function for the store's deploy
    (``deploy_officers``) and the sync judge (``sync/plan_checks.py``, over the rows as they
    stood when a received deployment was made): each officer checked against the activity as
    it is (``roster.check_deployments``: per officer, so the verdict does not depend on the
    order of deployments or on who else is deployed); then ``put`` deploys them.

    Args:
        store: the database, or a reader of it (``one``, ``query``, ``tuples``, ``meta``).
        activity_id: the activity's full id.
        officers: the officers to deploy.
        put: writes their deployments where ``store`` reads them (inside a write that rolls
            back on a refusal).

    Returns:
        What ``put`` returned.

    Raises:
        RuleViolation: ``not_deployed`` naming each problem (R8 names the qualification that
            lapses within the activity and the hour).
        NotFound: the activity's concept is not in the catalogue.
    """
    roster.check_deployments(store, activity_id, officers)
    return put()


def deployment_violations(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[dict[str, Any]]:
    """Deployments on live activities in [start, end) that break a rule now (e.g. a
    qualification whose lapse was recorded after the deployment, R8).

    Args:
        store: the open database.
        start: the period's start (aware UTC).
        end: the period's end (aware UTC).
        unit: only activities of this unit's subjects (any case); None for all.

    Returns:
        ``{activity, callsign, problem}`` dicts (the activity's full id, the officer, the
        ``Problem``: words in ``words.deployments``), by the activity's start then callsign;
        cancelled activities left out.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
    """
    code = get_unit(store, unit).code if unit is not None else None
    rows = store.query(
        "SELECT d.activity_id, p.callsign, a.start_at, a.end_at FROM deployment d"
        " JOIN activity a ON a.id = d.activity_id JOIN staff p ON p.id = d.staff_id"
        " JOIN subject s ON s.id = a.subject_id"
        " WHERE a.status != 'cancelled' AND a.start_at < ? AND a.end_at > ?"
        " AND (? IS NULL OR s.unit = ?) ORDER BY a.start_at, p.callsign",
        (to_db(end), to_db(start), code, code),
    )
    found = []
    held: dict[str, dict[str, Problem]] = {}
    for row in rows:
        officer = get_staff(store, row["callsign"])
        why = deployment_problem(store, row["activity_id"], officer, next_too=False)
        if why is not None and why.code == "one_place":
            why = _as_warned(store, row["activity_id"], why)
        if why is None or why.rule not in ("on duty", "travel"):  # R8 comes before the rest
            if row["activity_id"] not in held:
                held[row["activity_id"]] = lapse_held(store, row["activity_id"])
            why = held[row["activity_id"]].get(row["callsign"], why)
        if why is not None:
            found.append(
                {"activity": row["activity_id"], "callsign": row["callsign"], "problem": why}
            )
    return found


def lapse_held(store: Store, activity_id: str) -> dict[str, Problem]:
    """The deployed officers who hold a place of the activity by a qualification that lapses
    within it (R8, rev16u F4): in the binding of its deployed officers (``group_parts``, as
    ``gaps.bind`` cuts it), a part after the lapse where the group would fill more with that
    qualification still valid — the place it held opens. An officer one of whose
    qualifications lapses while he holds a place by another valid throughout is not one.

    Args:
        store: the open database.
        activity_id: the activity's full id.

    Returns:
        Per callsign a ``lapses`` problem (rule R8) naming the qualification and its lapse;
        empty when none, or the activity has no concept or is cancelled.

    Raises:
        NotFound: the activity's concept is not in the catalogue.
    """
    row = store.one(
        "SELECT concept, status, start_at, end_at FROM activity WHERE id = ?", (activity_id,)
    )
    if row is None or row["concept"] is None or row["status"] == "cancelled":
        return {}
    begin, finish = from_db(row["start_at"]), from_db(row["end_at"])
    staffing = {s.qualification: s.count for s in get_concept(store, row["concept"]).staffing}
    officers = deployed_officers(store, activity_id)
    found: dict[str, Problem] = {}
    for part in group_parts(store, activity_id, officers):
        here = dict(part.officers)
        now = sum(cover(staffing.items(), here.values()).values())
        for officer in officers:  # by callsign: one officer per place a lapse opened
            if officer.callsign not in here:
                continue
            for moment, code in sorted(_lapsed_within(officer, staffing, begin, part.start)):
                mine = here[officer.callsign] | {code}
                restored = {**here, officer.callsign: mine}
                more = sum(cover(staffing.items(), restored.values()).values())
                if more > now:
                    here[officer.callsign], now = mine, more
                    params = {"callsign": officer.callsign, "qualification": code}
                    found.setdefault(
                        officer.callsign,
                        Problem(
                            "lapses",
                            "R8",
                            {**params, "lapse": moment, "start": begin, "end": finish},
                        ),
                    )
                    break
    return found


def _lapsed_within(
    officer: Staff, staffing: dict[str, int], begin: datetime, by: datetime
) -> list[tuple[datetime, str]]:
    """The officer's qualifications of ``staffing`` that lapse after ``begin`` and by ``by``
    (lapse moment, code)."""
    return [
        (moment, q.code)
        for q in officer.qualifications
        if q.code in staffing
        and (moment := roster.lapse_moment(q.valid_until)) is not None
        and begin < moment <= by
    ]


def _as_warned(store: Store, activity_id: str, clash: Problem) -> Problem:
    """An officer already deployed on the activity and on another at once, as the move that
    caused it warned (``double_bookings``: the time they overlap, where he counts); the
    ``one_place`` problem itself when that names no such pair."""
    return next(
        (
            p
            for p in double_bookings(store, [activity_id])
            if p.params["callsign"] == clash.params["callsign"]
            and p.params["other"] == clash.params["activity"]
        ),
        clash,
    )


def shortfall_problem(short: Shortfall) -> Problem:
    """Open places as a problem (``open_slots``; R8 when a lapse opened them).

    Args:
        short: the open places.

    Returns:
        An ``open_slots`` problem, rule R8 when a lapse opened places, else staffing; its
        params: ``qualification``, ``missing``, ``start`` and ``end`` (aware UTC) and the
        callsigns ``lapsed``, ``off_duty``, ``elsewhere``, ``travelling`` and ``leaving``
        (lists), and ``arriving`` ([callsign, unit] pairs).
    """
    return Problem(
        "open_slots",
        "R8" if short.lapsed else "staffing",
        {
            "qualification": short.qualification,
            "missing": short.missing,
            "start": short.start,
            "end": short.end,
            "lapsed": list(short.lapsed),
            "off_duty": list(short.off_duty),
            "elsewhere": list(short.elsewhere),
            "travelling": list(short.travelling),
            "leaving": list(short.leaving),
            "arriving": [list(pair) for pair in short.arriving],
        },
    )
