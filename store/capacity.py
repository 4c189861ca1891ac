"""Capacity: supply against demand, per unit, organisation, qualification or day; restrictions
per reason and week; and what-if scenarios that change nothing in the database.

- *Supply hours*: officer hours on duty. Per qualification, the hours of officers holding it
  valid that day (an officer with two qualifications appears under both).
- *Demand hours*: what the concepts on the agenda and the standing posts require
  (staff count × duration).
- *Shortfall hours*: from the exact gap computation, where an officer counts once at a time.
- *Occupancy*: demand hours / supply hours.
Hours are real elapsed hours (epoch arithmetic), so a night across a clock change counts 10 or
8. FTE = hours / (hours per FTE per week × weeks in the period).

Scenarios apply changes to in-memory copies of demand and supply and report each unit's
shortfall before and after, side by side.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import access, validate
from .catalogue import (
    Concept,
    derive,
    get_package,
    list_concepts,
    list_qualifications,
    list_units,
)
from .clock import LOCAL_TZ, to_db
from .db import Store
from .errors import BadInput
from .gaps import Duty, Gap, Need, attribution_order, compute, load_duties, load_needs

GROUPINGS = ("unit", "organisation", "qualification", "day")
DEFAULT_HOURS_PER_FTE = 36.0
#: A scenario adds, removes or lends at most this many persons or officers at once.
MAX_SCENARIO_COUNT = 1_000


@dataclass(frozen=True)
class CapacityRow:
    key: str
    supply_hours: float
    demand_hours: float
    shortfall_hours: float
    occupancy: float | None
    supply_fte: float
    shortfall_fte: float


def _day(moment: int) -> str:
    return datetime.fromtimestamp(moment, LOCAL_TZ).date().isoformat()


def _split_days(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at local midnights."""
    pieces = []
    cursor = start
    while cursor < end:
        day = datetime.fromtimestamp(cursor, LOCAL_TZ).date() + timedelta(days=1)
        midnight = int(datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).timestamp())
        stop = min(end, midnight)
        pieces.append((cursor, stop))
        cursor = stop
    return pieces


def _aggregate(
    needs: list[Need],
    duties: list[Duty],
    gaps: list[Gap],
    lo: int,
    hi: int,
    by: str,
    organisation: dict[str, str],
) -> dict[str, list[float]]:
    """key → [supply, demand, shortfall] hours."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])

    def clip(a: int, b: int) -> list[tuple[int, int]]:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            return []
        return _split_days(a, b) if by == "day" else [(a, b)]

    def keys(unit: str, quals: tuple[str, ...], start: int) -> list[str]:
        if by == "unit":
            return [unit]
        if by == "organisation":
            return [organisation.get(unit, unit)]
        if by == "qualification":
            return list(quals)
        return [_day(start)]

    for duty in duties:
        for a, b in clip(duty.start, duty.end):
            for key in keys(duty.unit, tuple(sorted(duty.qualifications)), a):
                totals[key][0] += (b - a) / 3600
    for need in needs:
        for a, b in clip(need.start, need.end):
            if by == "qualification":
                for qual, count in need.needs:
                    totals[qual][1] += count * (b - a) / 3600
            else:
                staff = sum(count for _q, count in need.needs)
                for key in keys(need.unit, (), a):
                    totals[key][1] += staff * (b - a) / 3600
    for gap in gaps:
        for a, b in clip(gap.start, gap.end):
            for key in keys(gap.unit, (gap.qualification,), a):
                totals[key][2] += gap.shortfall * (b - a) / 3600
    return totals


def _rows(totals: dict[str, list[float]], weeks: float, hours_per_fte: float) -> list[CapacityRow]:
    rows = []
    for key in sorted(totals):
        supply, demand, short = totals[key]
        rows.append(
            CapacityRow(
                key=key,
                supply_hours=round(supply, 2),
                demand_hours=round(demand, 2),
                shortfall_hours=round(short, 2),
                occupancy=round(demand / supply, 3) if supply else None,
                supply_fte=round(supply / (hours_per_fte * weeks), 2),
                shortfall_fte=round(short / (hours_per_fte * weeks), 2),
            )
        )
    return rows


def _check(start: datetime, end: datetime, by: str, hours_per_fte: float) -> None:
    validate.moment(start, "The start")
    validate.moment(end, "The end")
    validate.number(hours_per_fte, "Hours per FTE", low=0, high=168)
    if end <= start:
        raise BadInput("The period ends after it starts.")
    if end - start > timedelta(days=92):
        raise BadInput("A capacity report covers at most 92 days; split the period.")
    if by not in GROUPINGS:
        raise BadInput(
            f"Unknown grouping {validate.shown(by)}; choose one of: {', '.join(GROUPINGS)}."
        )
    if hours_per_fte <= 0:
        raise BadInput("Hours per FTE must be positive.")


def capacity_report(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    by: str = "unit",
    hours_per_fte: float = DEFAULT_HOURS_PER_FTE,
) -> list[CapacityRow]:
    """Supply against demand in the period, grouped ``by`` unit, organisation, qualification
    or day."""
    _check(start, end, by, hours_per_fte)
    needs, duties = load_needs(store, start, end), load_duties(store, start, end)
    return _report(store, needs, duties, start, end, by, hours_per_fte)


def _report(
    store: Store,
    needs: list[Need],
    duties: list[Duty],
    start: datetime,
    end: datetime,
    by: str,
    hours_per_fte: float,
) -> list[CapacityRow]:
    lo, hi = int(start.timestamp()), int(end.timestamp())
    order = attribution_order(q.code for q in list_qualifications(store))
    gaps = compute(needs, duties, (lo, hi), order)
    organisation = {u.code: u.organisation for u in list_units(store)}
    weeks = (hi - lo) / (7 * 24 * 3600)
    return _rows(_aggregate(needs, duties, gaps, lo, hi, by, organisation), weeks, hours_per_fte)


def restriction_report(store: Store, start: datetime, end: datetime) -> list[dict[str, object]]:
    """Facilitation restrictions per unit and ISO week, per reason (R5 made measurable)."""
    rows = store.query(
        "SELECT s.unit, strftime('%Y-W%W', r.recorded_at) AS week,"
        " sum(r.reason = 'capacity') AS capacity, sum(r.reason = 'threat') AS threat,"
        " sum(r.reason = 'tbp_choice') AS tbp_choice, count(*) AS total"
        " FROM restriction r JOIN activity a ON a.id = r.activity_id"
        " JOIN subject s ON s.id = a.subject_id WHERE r.recorded_at >= ? AND r.recorded_at < ?"
        " GROUP BY s.unit, week ORDER BY week, s.unit",
        (to_db(start), to_db(end)),
    )
    return [dict(r) for r in rows]


# Scenarios ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One what-if change. ``kind``: add_persons, add_officers, remove_officers, lend."""

    kind: str
    count: int
    unit: str
    level: int | None = None
    to_unit: str | None = None
    #: For add_officers; empty means: the qualifications the unit is short of in the period
    #: (or close protection and protective driving when it is short of none).
    qualifications: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioRow:
    unit: str
    baseline_shortfall_hours: float
    scenario_shortfall_hours: float
    change_hours: float


#: A typical protected person's day: three activities of two hours (local time).
TYPICAL_DAY = ((9, 2), (13, 2), (18, 2))
#: Shifts of added officers, alternating early and late.
ADDED_SHIFTS = ((7, 9), (15, 9))


def _local(day: datetime, hour: int) -> int:
    d = day.date()
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=LOCAL_TZ).timestamp())


def _days(start: datetime, end: datetime) -> list[datetime]:
    first = start.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    days = []
    cursor = first
    while cursor < end:
        days.append(cursor)
        cursor = (cursor + timedelta(days=1, hours=2)).replace(hour=0)
    return days


def apply_change(
    store: Store,
    change: Change,
    needs: list[Need],
    duties: list[Duty],
    start: datetime,
    end: datetime,
) -> tuple[list[Need], list[Duty]]:
    """The demand and supply as they would be after ``change`` (copies; nothing is written)."""
    units = {u.code for u in list_units(store)}
    for unit in filter(None, (change.unit, change.to_unit)):
        if unit not in units:
            raise BadInput(
                f"Unknown unit {validate.shown(unit)}; choose one of: {', '.join(sorted(units))}."
            )
    if change.count < 1:
        raise BadInput("A scenario changes at least one person or officer.")
    validate.integer(change.count, "The number of persons or officers", high=MAX_SCENARIO_COUNT)
    if change.level is not None:
        validate.integer(change.level, "The threat level", low=0, high=1000)
    needs, duties = list(needs), list(duties)
    if change.kind == "add_persons":
        if change.level is None:
            raise BadInput("Adding protected persons needs their threat level (--level).")
        concept = _typical_concept(store, change.level)
        staffing = tuple((s.qualification, s.count) for s in concept.staffing)
        for n in range(change.count):
            for day in _days(start, end):
                for hour, length in TYPICAL_DAY:
                    a = _local(day, hour)
                    needs.append(
                        Need(change.unit, a, a + length * 3600, staffing, f"scenario-person-{n}")
                    )
    elif change.kind == "add_officers":
        quals = frozenset(change.qualifications) or _short_of(
            store, change.unit, needs, duties, start, end
        )
        for n in range(change.count):
            hour, length = ADDED_SHIFTS[n % 2]
            for index, day in enumerate(_days(start, end)):
                if index % 7 in (5, 6):
                    continue  # five days on, two off
                a = _local(day, hour)
                duties.append(
                    Duty(f"scenario-officer-{n}", change.unit, a, a + length * 3600, quals)
                )
    elif change.kind in ("remove_officers", "lend"):
        if change.kind == "lend" and not change.to_unit:
            raise BadInput("Lending names the unit that receives the officers (--to-unit).")
        chosen = sorted({d.officer for d in duties if d.unit == change.unit}, reverse=True)[
            : change.count
        ]
        if len(chosen) < change.count:
            raise BadInput(f"{change.unit} has only {len(chosen)} officers on duty in the period.")
        picked = set(chosen)
        moved = []
        for duty in duties:
            if duty.officer in picked and duty.unit == change.unit:
                if change.kind == "lend":
                    moved.append(
                        Duty(
                            duty.officer,
                            str(change.to_unit),
                            duty.start,
                            duty.end,
                            duty.qualifications,
                        )
                    )
            else:
                moved.append(duty)
        duties = moved
    else:
        raise BadInput(f"Unknown scenario change '{change.kind}'.")
    return needs, duties


def _short_of(
    store: Store, unit: str, needs: list[Need], duties: list[Duty], start: datetime, end: datetime
) -> frozenset[str]:
    order = attribution_order(q.code for q in list_qualifications(store))
    gaps = compute(
        [n for n in needs if n.unit == unit],
        [d for d in duties if d.unit == unit],
        (int(start.timestamp()), int(end.timestamp())),
        order,
    )
    return frozenset(g.qualification for g in gaps) or frozenset(
        {"close_protection", "protective_driving"}
    )


def _typical_concept(store: Store, level: int) -> Concept:
    """The concept a new person at this threat level would typically get: the lightest valid
    non-pilot concept of their package (never below the required level)."""
    rule = derive(store, level)
    package = get_package(store, rule.package)
    concepts = {c.code: c for c in list_concepts(store)}
    usable = [
        concepts[c]
        for c in package.concepts
        if not concepts[c].pilot and c not in ("STATIC", "OBJ-HRB", "CAM")
    ]
    usable = usable or [concepts[c] for c in package.concepts if not concepts[c].pilot]
    return min(usable, key=lambda c: (c.rank, sum(s.count for s in c.staffing), c.code))


def run_scenario(
    store: Store, changes: list[Change], start: datetime, end: datetime
) -> list[ScenarioRow]:
    """Each unit's shortfall hours now and under the scenario, side by side."""
    access.require(store.actor, "capacity.scenario")
    _check(start, end, "unit", DEFAULT_HOURS_PER_FTE)
    if not changes:
        raise BadInput("Describe at least one change.")
    needs, duties = load_needs(store, start, end), load_duties(store, start, end)
    baseline = {
        r.key: r.shortfall_hours
        for r in _report(store, needs, duties, start, end, "unit", DEFAULT_HOURS_PER_FTE)
    }
    for change in changes:
        needs, duties = apply_change(store, change, needs, duties, start, end)
    after = {
        r.key: r.shortfall_hours
        for r in _report(store, needs, duties, start, end, "unit", DEFAULT_HOURS_PER_FTE)
    }
    units = sorted(set(baseline) | set(after))
    return [
        ScenarioRow(
            u,
            baseline.get(u, 0.0),
            after.get(u, 0.0),
            round(after.get(u, 0.0) - baseline.get(u, 0.0), 2),
        )
        for u in units
    ]


def week_overview(
    store: Store, start: datetime, days: int, limit: int = 10
) -> tuple[dict[str, list[CapacityRow]], list[Gap]]:
    """For the console's Capacity screen, from one gap computation: per unit with supply or
    demand one row per local day, and the gaps that cost the most officer-hours."""
    end = start + timedelta(days=days)
    needs, duties = load_needs(store, start, end), load_duties(store, start, end)
    lo, hi = int(start.timestamp()), int(end.timestamp())
    order = attribution_order(q.code for q in list_qualifications(store))
    gaps = compute(needs, duties, (lo, hi), order)
    names = [_day(a) for a, _b in _split_days(lo, hi)]
    daily: dict[str, list[CapacityRow]] = {}
    for unit in sorted({n.unit for n in needs} | {d.unit for d in duties}):
        totals = _aggregate(
            [n for n in needs if n.unit == unit],
            [d for d in duties if d.unit == unit],
            [g for g in gaps if g.unit == unit],
            lo,
            hi,
            "day",
            {},
        )
        rows = {r.key: r for r in _rows(totals, 1 / 7, DEFAULT_HOURS_PER_FTE)}
        daily[unit] = [rows.get(day, CapacityRow(day, 0, 0, 0, None, 0, 0)) for day in names]
    worst = sorted(gaps, key=lambda g: (-g.shortfall * (g.end - g.start), g.start))[:limit]
    return daily, worst
