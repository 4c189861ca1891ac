"""Where the roster falls short: exact gaps per unit and qualification.

Demand: every activity with a concept (not cancelled) needs its concept's staffing
(qualification × count) for its whole time; standing posts on objects and services likewise.
Both count for the unit of the protected subject.

Supply: officers on duty, each with the qualifications valid on that day (R8). An officer counts
once at a time, even holding several qualifications. An officer deployed on an activity of
another unit counts for that unit while deployed.

For each unit, time is cut into elementary intervals at every start and end. In each, the best
possible assignment of officers to required qualifications is a maximum flow
(qualifications → groups of interchangeable officers, i.e. officers with the same set of valid
qualifications). The shortfall is attributed deterministically: qualifications are filled in
``ATTRIBUTION_ORDER`` and each takes as much as it can without taking from those before it, so
the assignment is the lexicographically best one in that order. States repeat a lot, so results
are memoised.

A gap row is a maximal run of elementary intervals in which the shortfall for a unit and
qualification is constant and positive. ``required`` and ``available`` are reported at the
moment of peak demand within the row; ``available`` is what the best assignment covers.

``compute`` is a pure function over in-memory demand and supply, so what-if questions
(suggestions, capacity scenarios) and the brute-force property test use it unchanged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from .catalogue import list_concepts, list_qualifications
from .clock import LOCAL_TZ, to_db
from .db import Store


@dataclass(eq=False, slots=True)
class Need:
    """Demand: a unit needs these qualifications over [start, end) (epoch seconds)."""

    unit: str
    start: int
    end: int
    needs: tuple[tuple[str, int], ...]
    source: str
    kind: str = "activity"  # or "post"


@dataclass(slots=True)
class Duty:
    """Supply: an officer on duty for a unit over [start, end) with valid qualifications."""

    officer: str
    unit: str
    start: int
    end: int
    qualifications: frozenset[str]


@dataclass(frozen=True)
class Gap:
    start: int
    end: int
    unit: str
    qualification: str
    required: int
    available: int
    shortfall: int
    activities: tuple[str, ...]
    posts: tuple[str, ...]


def attribution_order(qualifications: Iterable[str]) -> tuple[str, ...]:
    """The fixed order in which shortfall is attributed: alphabetical by code."""
    return tuple(sorted(qualifications))


@lru_cache(maxsize=65536)
def assign(demand: tuple[int, ...], groups: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Covered count per qualification (index as in ``demand``) in the best assignment.

    ``groups`` are (qualification bit mask, officer count). Qualifications are filled in index
    order, one augmenting path at a time, which gives the lexicographically maximal maximum flow:
    a later qualification may re-route officers but never takes coverage from an earlier one.
    """
    nq, ng = len(demand), len(groups)
    flow = [[0] * ng for _ in range(nq)]  # officers of group g assigned to qualification q
    used = [0] * ng
    covered = [0] * nq
    for q in range(nq):
        while covered[q] < demand[q]:
            path = _augmenting_path(q, groups, flow, used)
            if path is None:
                break
            gained = path[0][1]
            amount = min(
                demand[q] - covered[q],
                groups[gained][1] - used[gained],
                *(flow[qi][gi] for qi, gi, step in path if step < 0),
            )
            for qi, gi, step in path:
                flow[qi][gi] += step * amount
            used[gained] += amount
            covered[q] += amount
    return tuple(covered)


def _augmenting_path(
    start: int, groups: tuple[tuple[int, int], ...], flow: list[list[int]], used: list[int]
) -> list[tuple[int, int, int]] | None:
    """BFS from qualification ``start`` to a group with a spare officer.

    Returns the flow changes ``(q, g, +1/-1)``; the first entry's group gains an officer.
    From a qualification we may reach any group holding it; from a group we may continue to a
    qualification that currently uses one of its officers (taking it back, to re-route).
    """
    nq = len(flow)
    came_from_q: dict[int, tuple[int, int]] = {}  # q reached by taking back from (group, q_prev)
    came_from_g: dict[int, int] = {}  # group reached from q
    seen_q = {start}
    frontier = [start]
    while frontier:
        following = []
        for qi in frontier:
            for gi, (mask, count) in enumerate(groups):
                if gi in came_from_g or not (mask >> qi) & 1:
                    continue
                came_from_g[gi] = qi
                if used[gi] < count:
                    return _unwind(gi, came_from_g, came_from_q)
                for qj in range(nq):
                    if qj not in seen_q and flow[qj][gi] > 0:
                        seen_q.add(qj)
                        came_from_q[qj] = (gi, qi)
                        following.append(qj)
        frontier = following
    return None


def _unwind(
    last_group: int, came_from_g: dict[int, int], came_from_q: dict[int, tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """The flow changes of a path; the first change is the group that gains an officer."""
    qual = came_from_g[last_group]
    changes = [(qual, last_group, +1)]
    while qual in came_from_q:
        taken_group, previous = came_from_q[qual]
        changes.append((qual, taken_group, -1))  # qual gives up an officer of taken_group …
        changes.append((previous, taken_group, +1))  # … which the previous one takes over
        qual = previous
    return changes


def compute(
    needs: list[Need], duties: list[Duty], window: tuple[int, int], order: tuple[str, ...]
) -> list[Gap]:
    """All gap rows in ``window``, ordered by start, unit, qualification."""
    index = {q: i for i, q in enumerate(order)}
    by_unit_needs: dict[str, list[Need]] = defaultdict(list)
    by_unit_duties: dict[str, list[Duty]] = defaultdict(list)
    lo, hi = window
    for need in needs:
        if need.end > lo and need.start < hi:
            by_unit_needs[need.unit].append(need)
    for duty in duties:
        if duty.end > lo and duty.start < hi:
            by_unit_duties[duty.unit].append(duty)
    rows: list[Gap] = []
    for unit in sorted(by_unit_needs):
        rows.extend(
            _unit_gaps(
                unit, by_unit_needs[unit], by_unit_duties.get(unit, []), lo, hi, order, index
            )
        )
    return sorted(rows, key=lambda g: (g.start, g.unit, g.qualification))


def _unit_gaps(
    unit: str,
    needs: list[Need],
    duties: list[Duty],
    lo: int,
    hi: int,
    order: tuple[str, ...],
    index: dict[str, int],
) -> list[Gap]:
    events: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for need in needs:
        events[max(need.start, lo)].append((+1, need))
        events[min(need.end, hi)].append((-1, need))
    for duty in duties:
        mask = sum(1 << index[q] for q in duty.qualifications if q in index)
        events[max(duty.start, lo)].append((+1, mask))
        events[min(duty.end, hi)].append((-1, mask))
    nq = len(order)
    demand = [0] * nq
    active: list[dict[Need, int]] = [{} for _ in range(nq)]  # needs demanding each qual
    supply: Counter[int] = Counter()
    # q -> [start, end, shortfall, required, available, needs] of the row being built
    open_rows: dict[int, list[Any]] = {}
    done: list[Gap] = []
    times = sorted(events)
    supply_key: tuple[tuple[int, int], ...] = ()
    for position, moment in enumerate(times):
        supply_changed = False
        arrived: list[set[Need]] = [set() for _ in range(nq)]
        for sign, item in events[moment]:
            if isinstance(item, Need):
                for qual, count in item.needs:
                    q = index.get(qual)
                    if q is None:
                        continue
                    demand[q] += sign * count
                    held = active[q].get(item, 0) + sign
                    if held:
                        active[q][item] = held
                        arrived[q].add(item)
                    else:
                        active[q].pop(item, None)
            else:
                supply_changed = True
                supply[item] += sign  # type: ignore[index]
                if not supply[item]:  # type: ignore[index]
                    del supply[item]
        following = times[position + 1] if position + 1 < len(times) else None
        if following is None or moment >= hi:
            break
        if supply_changed:
            supply_key = tuple(sorted(supply.items()))
        covered = assign(tuple(demand), supply_key) if any(demand) else (0,) * nq
        for q in range(nq):
            row = open_rows.get(q)
            if row is None and not demand[q]:
                continue
            short = demand[q] - covered[q]
            if row is not None and (short != row[2] or row[1] != moment):
                done.append(_close(unit, order[q], row))
                del open_rows[q]
                row = None
            if short <= 0:
                continue
            if row is None:
                open_rows[q] = [moment, following, short, demand[q], covered[q], set(active[q])]
            else:
                row[1] = following
                row[5] |= arrived[q]
                if demand[q] > row[3]:
                    row[3], row[4] = demand[q], covered[q]
    for q, row in open_rows.items():
        done.append(_close(unit, order[q], row))
    return sorted(done, key=lambda g: (g.start, g.qualification))


def _close(unit: str, qualification: str, row: list[Any]) -> Gap:
    start, end, short, required, available, sources = row
    return Gap(
        start,
        end,
        unit,
        qualification,
        required,
        available,
        short,
        tuple(sorted(n.source for n in sources if n.kind == "activity")),
        tuple(sorted(n.source for n in sources if n.kind == "post")),
    )


# Loading from the database --------------------------------------------------------------------


def load_needs(store: Store, start: datetime, end: datetime) -> list[Need]:
    staffing: dict[str, tuple[tuple[str, int], ...]] = {
        c.code: tuple((s.qualification, s.count) for s in c.staffing) for c in list_concepts(store)
    }
    window = (to_db(end), to_db(start))
    needs = [
        Need(unit, a, b, staffing[concept], source, "activity")
        for source, a, b, concept, unit in store.tuples(
            "SELECT a.id, unixepoch(a.start_at), unixepoch(a.end_at), a.concept, s.unit"
            " FROM activity a JOIN subject s ON s.id = a.subject_id WHERE a.concept IS NOT NULL"
            " AND a.status != 'cancelled' AND a.start_at < ? AND a.end_at > ?",
            window,
        )
    ]
    needs += [
        Need(unit, a, b, staffing[concept], source, "post")
        for source, a, b, concept, unit in store.tuples(
            "SELECT p.id, unixepoch(p.start_at), unixepoch(p.end_at), p.concept, s.unit"
            " FROM standing_post p JOIN subject s ON s.id = p.subject_id"
            " WHERE p.start_at < ? AND p.end_at > ?",
            window,
        )
    ]
    return needs


def _local_days(start: datetime, end: datetime) -> tuple[list[int], list[str]]:
    """Local midnights (epoch) from the day before ``start`` to after ``end``, and their dates."""
    day = start.astimezone(LOCAL_TZ).date() - timedelta(days=2)
    last = end.astimezone(LOCAL_TZ).date() + timedelta(days=2)
    moments, names = [], []
    while day <= last:
        moments.append(int(datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).timestamp()))
        names.append(day.isoformat())
        day += timedelta(days=1)
    return moments, names


def load_duties(store: Store, start: datetime, end: datetime) -> list[Duty]:
    """Officers on duty, cut at local midnight (where a qualification may lapse, R8) and where
    they are deployed on another unit's activity."""
    quals: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for staff_id, code, until in store.tuples(
        "SELECT staff_id, qualification, valid_until FROM staff_qualification"
    ):
        quals[staff_id].append((code, until))
    window = (to_db(end), to_db(start))
    away: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for staff_id, a, b, unit in store.tuples(
        "SELECT d.staff_id, unixepoch(a.start_at), unixepoch(a.end_at), s.unit"
        " FROM deployment d JOIN activity a ON a.id = d.activity_id"
        " JOIN subject s ON s.id = a.subject_id JOIN staff p ON p.id = d.staff_id"
        " WHERE s.unit != p.unit AND a.status != 'cancelled' AND a.start_at < ? AND a.end_at > ?",
        window,
    ):
        away[staff_id].append((a, b, unit))
    midnights, day_names = _local_days(start, end)
    valid_cache: dict[tuple[str, str], frozenset[str]] = {}

    def valid(staff_id: str, day: str) -> frozenset[str]:
        key = (staff_id, day)
        found = valid_cache.get(key)
        if found is None:
            found = frozenset(q for q, until in quals[staff_id] if until is None or day <= until)
            valid_cache[key] = found
        return found

    duties: list[Duty] = []
    for staff_id, a, b, callsign, unit in store.tuples(
        "SELECT s.staff_id, unixepoch(s.start_at), unixepoch(s.end_at), p.callsign, p.unit"
        " FROM shift s JOIN staff p ON p.id = s.staff_id WHERE s.start_at < ? AND s.end_at > ?",
        window,
    ):
        pieces = _split_away(a, b, unit, away[staff_id]) if staff_id in away else [(a, b, unit)]
        for piece_start, piece_end, piece_unit in pieces:
            index = bisect_right(midnights, piece_start) - 1
            cursor = piece_start
            while cursor < piece_end:
                stop = min(piece_end, midnights[index + 1])
                duties.append(
                    Duty(callsign, piece_unit, cursor, stop, valid(staff_id, day_names[index]))
                )
                cursor = stop
                index += 1
    return duties


def _split_away(
    start: int, end: int, unit: str, away: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Cut a shift where the officer is deployed to another unit."""
    pieces = []
    cursor = start
    for a, b, other in sorted(away):
        a, b = max(a, start), min(b, end)
        if a >= b or a < cursor:
            continue
        if a > cursor:
            pieces.append((cursor, a, unit))
        pieces.append((a, b, other))
        cursor = b
    if cursor < end:
        pieces.append((cursor, end, unit))
    return pieces


def find_gaps(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[Gap]:
    """Gaps between ``start`` and ``end``, optionally for one unit."""
    order = attribution_order(q.code for q in list_qualifications(store))
    needs = load_needs(store, start, end)
    duties = load_duties(store, start, end)
    if unit:
        needs = [n for n in needs if n.unit == unit.upper()]
        duties = [d for d in duties if d.unit == unit.upper()]
    return compute(needs, duties, (int(start.timestamp()), int(end.timestamp())), order)


def unplanned_activities(store: Store, start: datetime, end: datetime) -> list[str]:
    """Ids of live activities in the window that have no concept yet."""
    return [
        r[0]
        for r in store.query(
            "SELECT id FROM activity WHERE concept IS NULL AND status != 'cancelled'"
            " AND start_at < ? AND end_at > ? ORDER BY start_at",
            (to_db(end), to_db(start)),
        )
    ]


@dataclass(frozen=True)
class HourProfile:
    """One unit's hour: officers needed by what runs in it, and the worst shortfall in it."""

    demand: int
    shortfall: int


def hourly_profile(
    store: Store, start: datetime, hours: int, found: list[Gap] | None = None
) -> dict[str, list[HourProfile]]:
    """Per unit with demand, hour by hour from ``start``: for the Roster & gaps time line.
    Pass the gaps of the same period when you already have them."""
    end = start + timedelta(hours=hours)
    lo = int(start.timestamp())
    needs = load_needs(store, start, end)
    if found is None:
        found = find_gaps(store, start, end)
    demand: dict[str, list[int]] = defaultdict(lambda: [0] * hours)
    short: dict[str, list[int]] = defaultdict(lambda: [0] * hours)
    for need in needs:
        total = sum(count for _q, count in need.needs)
        for hour in range(
            max(0, (need.start - lo) // 3600), min(hours, (need.end - lo - 1) // 3600 + 1)
        ):
            demand[need.unit][hour] += total
    for gap in found:
        for hour in range(
            max(0, (gap.start - lo) // 3600), min(hours, (gap.end - lo - 1) // 3600 + 1)
        ):
            short[gap.unit][hour] = max(short[gap.unit][hour], gap.shortfall)
    return {
        unit: [HourProfile(d, short[unit][h]) for h, d in enumerate(demand[unit])]
        for unit in sorted(demand)
    }
