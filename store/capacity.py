"""Capacity: supply against demand, per unit, organisation, qualification or day; restrictions
per reason and week; and what-if scenarios that change nothing in the database.

- *Supply hours*: officer hours on duty. Per qualification, the hours of officers holding it
  valid that day (an officer with two qualifications appears under both).
- *Demand hours*: what protection needs (staff count × duration): the concepts on the agenda
  and the standing posts; an activity with no concept yet, or with one below the required
  level, counts at the lightest valid concept of the person's package for their kind of
  subject that needs at least as many officers as the one it carries (protection is never
  lowered, so neither is demand). ``demand_assumed_hours`` says how much is so assumed. A
  subject with no threat assessment has no package, so nothing can be assumed for it.
- *Shortfall hours*: from the exact gap computation, where an officer counts once at a time.
- *Occupancy*: demand hours / supply hours.
Hours are real elapsed hours (epoch arithmetic), so a night across a clock change counts 10 or
8. FTE = hours / (hours per FTE per week × weeks in the period).

Scenarios apply changes to in-memory copies of demand and supply and report each unit's
shortfall before and after, side by side.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import access, validate
from .agenda import concept_options, lightest_valid_concept
from .catalogue import (
    Concept,
    derive,
    get_package,
    list_concepts,
    list_qualifications,
    list_units,
    travel_minutes,
)
from .clock import LOCAL_TZ, iso_week, local, to_db
from .db import Store
from .errors import BadInput
from .gaps import (
    Duty,
    Gap,
    Need,
    attribution_order,
    compute,
    load_duties,
    load_needs,
    shortfall_hours,
)
from .subjects import subject_by_id

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
    demand_assumed_hours: float = 0.0


@dataclass
class Demand:
    """What protection needs in a period, and which needs (by source id) are assumed."""

    needs: list[Need]
    assumed: set[str]


def protection_demand(store: Store, start: datetime, end: datetime) -> Demand:
    """The needs of the agenda and standing posts, with unplanned and below-level activities
    counted at the lightest valid concept (see the module docstring)."""
    needs = load_needs(store, start, end)
    concepts = list_concepts(store)
    staffing = {c.code: tuple((s.qualification, s.count) for s in c.staffing) for c in concepts}
    officers = {c.code: c.officers for c in concepts}
    valid_for: dict[tuple[object, ...], list[str]] = {}
    assumed: dict[str, Need] = {}
    for row in store.query(
        "SELECT v.id, unixepoch(v.start_at) AS a, unixepoch(v.end_at) AS b, v.concept,"
        " v.subject_id FROM activity_view v WHERE v.status != 'cancelled'"
        " AND (v.concept IS NULL OR v.replan_reason = 'below_required')"
        " AND v.start_at < ? AND v.end_at > ?",
        (to_db(end), to_db(start)),
    ):
        subject = subject_by_id(store, row["subject_id"])
        key = (subject.unit, subject.kind, subject.required_level, subject.package)
        if key not in valid_for:
            valid_for[key] = [o.code for o in concept_options(store, subject) if o.valid]
        least = officers.get(row["concept"], 0)
        code = lightest_valid_concept(concepts, valid_for[key], subject.kind, at_least=least)
        if code is not None:
            assumed[row["id"]] = Need(subject.unit, row["a"], row["b"], staffing[code], row["id"])
    kept = [n for n in needs if n.kind != "activity" or n.source not in assumed]
    return Demand([*kept, *assumed.values()], set(assumed))


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


class _Days:
    """The local days of [lo, hi), worked out once: an interval is cut at their midnights by
    bisection, and each piece named by its day, without a time-zone conversion per interval
    (a week over the large set cuts ~33,000 of them)."""

    def __init__(self, lo: int, hi: int) -> None:
        pieces = _split_days(lo, hi)
        self.starts = [a for a, _b in pieces]
        self.names = [_day(a) for a, _b in pieces]
        self.ends = [b for _a, b in pieces]

    def split(self, a: int, b: int) -> list[tuple[int, int, str]]:
        index = max(0, bisect_right(self.starts, a) - 1)
        found = []
        while a < b and index < len(self.starts):
            stop = min(b, self.ends[index])
            if stop > a:
                found.append((a, stop, self.names[index]))
            a = max(a, stop)
            index += 1
        return found


def _aggregate(
    needs: list[Need],
    duties: list[Duty],
    gaps: list[Gap],
    lo: int,
    hi: int,
    by: str,
    organisation: dict[str, str],
    assumed: set[str] | None = None,
) -> dict[str, list[float]]:
    """key → [supply, demand, shortfall, assumed demand] hours."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    assumed = assumed or set()
    days = _Days(lo, hi) if by == "day" else None

    def clip(a: int, b: int) -> list[tuple[int, int, str]]:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            return []
        return days.split(a, b) if days is not None else [(a, b, "")]

    def keys(unit: str, quals: tuple[str, ...], day: str) -> list[str]:
        if by == "unit":
            return [unit]
        if by == "organisation":
            return [organisation.get(unit, unit)]
        if by == "qualification":
            return list(quals)
        return [day]

    for duty in duties:
        for a, b, day in clip(duty.start, duty.end):
            for key in keys(duty.unit, tuple(sorted(duty.qualifications)), day):
                totals[key][0] += (b - a) / 3600
    for need in needs:
        column = (1, 3) if need.source in assumed else (1,)
        for a, b, day in clip(need.start, need.end):
            if by == "qualification":
                for qual, count in need.needs:
                    for c in column:
                        totals[qual][c] += count * (b - a) / 3600
            else:
                staff = sum(count for _q, count in need.needs)
                for key in keys(need.unit, (), day):
                    for c in column:
                        totals[key][c] += staff * (b - a) / 3600
    for gap in gaps:
        for a, b, day in clip(int(gap.start.timestamp()), int(gap.end.timestamp())):
            for key in keys(gap.unit, (gap.qualification,), day):
                totals[key][2] += gap.shortfall * (b - a) / 3600
    return totals


def _rows(totals: dict[str, list[float]], weeks: float, hours_per_fte: float) -> list[CapacityRow]:
    rows = []
    for key in sorted(totals):
        supply, demand, short, assumed = totals[key]
        rows.append(
            CapacityRow(
                key=key,
                supply_hours=round(supply, 2),
                demand_hours=round(demand, 2),
                shortfall_hours=round(short, 2),
                occupancy=round(demand / supply, 3) if supply else None,
                supply_fte=round(supply / (hours_per_fte * weeks), 2),
                shortfall_fte=round(short / (hours_per_fte * weeks), 2),
                demand_assumed_hours=round(assumed, 2),
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
    demand = protection_demand(store, start, end)
    duties = load_duties(store, start, end)
    return _report(store, demand.needs, duties, start, end, by, hours_per_fte, demand.assumed)


def _report(
    store: Store,
    needs: list[Need],
    duties: list[Duty],
    start: datetime,
    end: datetime,
    by: str,
    hours_per_fte: float,
    assumed: set[str] | None = None,
) -> list[CapacityRow]:
    lo, hi = int(start.timestamp()), int(end.timestamp())
    order = attribution_order(q.code for q in list_qualifications(store))
    gaps = compute(needs, duties, (lo, hi), order)
    organisation = {u.code: u.organisation for u in list_units(store)}
    weeks = (hi - lo) / (7 * 24 * 3600)
    totals = _aggregate(needs, duties, gaps, lo, hi, by, organisation, assumed)
    return _rows(totals, weeks, hours_per_fte)


def restriction_report(store: Store, start: datetime, end: datetime) -> list[dict[str, object]]:
    """Facilitation restrictions recorded in [start, end) per unit and ISO week of the local
    day they were recorded on, per reason (R5 made measurable); ordered by week, unit."""
    rows = store.query(
        "SELECT s.unit, r.recorded_at, r.reason FROM restriction r"
        " JOIN activity a ON a.id = r.activity_id JOIN subject s ON s.id = a.subject_id"
        " WHERE r.recorded_at >= ? AND r.recorded_at < ?",
        (to_db(start), to_db(end)),
    )
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        week = iso_week(local(row["recorded_at"]).date())
        counts[(week, row["unit"])][row["reason"]] += 1
    return [
        {
            "unit": unit,
            "week": week,
            "capacity": found["capacity"],
            "threat": found["threat"],
            "tbp_choice": found["tbp_choice"],
            "total": found.total(),
        }
        for (week, unit), found in sorted(counts.items())
    ]


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

    @classmethod
    def parse(cls, text: str, default_unit: str | None = None) -> Change:
        """``KIND:ARGS`` as typed: ``lend:N:FROM:TO``, ``add-officers:N:UNIT[:Q+Q]``,
        ``add-fte:F:UNIT``, ``remove-officers:N:UNIT``, ``add-persons:N:LEVEL[:UNIT]``; a
        missing unit is ``default_unit``. Raises ``BadInput`` naming the form expected."""
        parts = [p.strip() for p in text.split(":")]
        kind = parts[0].lower().replace("-", "_")
        forms = {
            "lend": "lend:N:FROM:TO",
            "add_officers": "add-officers:N:UNIT[:QUAL+QUAL]",
            "add_fte": "add-fte:F:UNIT",
            "remove_officers": "remove-officers:N:UNIT",
            "add_persons": "add-persons:N:LEVEL[:UNIT]",
        }
        if kind not in forms:
            raise BadInput(f"Unknown change '{text}'; use one of: {', '.join(forms.values())}.")
        try:
            amount = float(parts[1]) if kind == "add_fte" else int(parts[1])
            rest = parts[2:]
            if kind == "lend":
                return cls("lend", int(amount), rest[0].upper(), to_unit=rest[1].upper())
            if kind == "add_persons":
                unit = rest[1] if len(rest) > 1 else default_unit
                if not unit:
                    raise IndexError
                return cls("add_persons", int(amount), unit.upper(), level=int(rest[0]))
            unit = (rest[0] if rest and rest[0] else default_unit or "").upper()
            if not unit:
                raise IndexError
            if kind == "add_fte":
                return cls("add_officers", round(amount), unit)
            quals = tuple(q for q in (rest[1] if len(rest) > 1 else "").split("+") if q)
            return cls(kind, int(amount), unit, qualifications=quals)
        except (IndexError, ValueError):
            raise BadInput(f"'{text}' does not read as {forms[kind]}.") from None


@dataclass(frozen=True)
class ScenarioRow:
    unit: str
    baseline_shortfall_hours: float
    scenario_shortfall_hours: float
    change_hours: float
    #: Officers lent to this unit (in) and from it (out) by the scenario.
    lent_in: tuple[str, ...] = ()
    lent_out: tuple[str, ...] = ()


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


@dataclass
class _World:
    """Demand and supply as a scenario changes them, and who was lent where."""

    store: Store
    needs: list[Need]
    duties: list[Duty]
    start: datetime
    end: datetime
    lent: list[tuple[str, str, str]]  # officer, from, to

    @property
    def window(self) -> tuple[int, int]:
        return int(self.start.timestamp()), int(self.end.timestamp())

    def shortfall_hours(self, unit: str, duties: list[Duty] | None = None) -> float:
        order = attribution_order(q.code for q in list_qualifications(self.store))
        rows = compute(
            [n for n in self.needs if n.unit == unit],
            [d for d in (self.duties if duties is None else duties) if d.unit == unit],
            self.window,
            order,
        )
        return shortfall_hours(rows)


def apply_change(world: _World, change: Change) -> None:
    """Change the world's demand and supply (copies of the database's; nothing is written)."""
    units = {u.code for u in list_units(world.store)}
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
    if change.kind == "add_persons":
        _add_persons(world, change)
    elif change.kind == "add_officers":
        _add_officers(world, change)
    elif change.kind == "remove_officers":
        chosen = _on_duty(world, change.unit)[: change.count]
        if len(chosen) < change.count:
            raise BadInput(f"{change.unit} has only {len(chosen)} officers on duty in the period.")
        world.duties = [d for d in world.duties if d.officer not in set(chosen)]
    elif change.kind == "lend":
        if not change.to_unit:
            raise BadInput("Lending names the unit that receives the officers (--to-unit).")
        _lend(world, change.unit, change.to_unit, change.count)
    else:
        raise BadInput(f"Unknown scenario change '{change.kind}'.")


def _on_duty(world: _World, unit: str) -> list[str]:
    return sorted({d.officer for d in world.duties if d.unit == unit}, reverse=True)


def _add_persons(world: _World, change: Change) -> None:
    if change.level is None:
        raise BadInput("Adding protected persons needs their threat level (--level).")
    concept = _typical_concept(world.store, change.level)
    staffing = tuple((s.qualification, s.count) for s in concept.staffing)
    for n in range(change.count):
        for day in _days(world.start, world.end):
            for hour, length in TYPICAL_DAY:
                a = _local(day, hour)
                world.needs.append(
                    Need(change.unit, a, a + length * 3600, staffing, f"scenario-person-{n}")
                )


def _add_officers(world: _World, change: Change) -> None:
    quals = frozenset(change.qualifications) or _short_of(world, change.unit)
    for n in range(change.count):
        hour, length = ADDED_SHIFTS[n % 2]
        for index, day in enumerate(_days(world.start, world.end)):
            if index % 7 in (5, 6):
                continue  # five days on, two off
            a = _local(day, hour)
            world.duties.append(
                Duty(f"scenario-officer-{n}", change.unit, a, a + length * 3600, quals)
            )


def _lend(world: _World, home: str, to: str, count: int) -> None:
    """Lend up to ``count`` officers of ``home`` on duty in the period to ``to``: each time the
    one who reduces ``to``'s shortfall hours most (then by callsign), who arrives after the
    travel time between the units; only officers who reduce it are lent."""
    travel = travel_minutes(world.store, home, to) * 60
    if not _on_duty(world, home):
        raise BadInput(f"{home} has no officers on duty in the period.")
    for _round in range(count):
        best: tuple[float, str, list[Duty]] | None = None
        current = world.shortfall_hours(to)
        for officer in sorted(_candidates(world, home, to)):
            moved = [
                Duty(d.officer, to, d.start + travel, d.end, d.qualifications)
                for d in world.duties
                if d.officer == officer and d.unit == home and d.end > d.start + travel
            ]
            gain = current - world.shortfall_hours(to, [*world.duties, *moved])
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, officer, moved)
        if best is None:
            return
        _gain, officer, moved = best
        world.duties = [
            d for d in world.duties if not (d.officer == officer and d.unit == home)
        ] + moved
        world.lent.append((officer, home, to))


def _candidates(world: _World, home: str, to: str) -> set[str]:
    """Officers of ``home`` who hold a qualification ``to`` is short of while it is short."""
    order = attribution_order(q.code for q in list_qualifications(world.store))
    gaps = compute(
        [n for n in world.needs if n.unit == to],
        [d for d in world.duties if d.unit == to],
        world.window,
        order,
    )
    return {
        d.officer
        for d in world.duties
        if d.unit == home
        and any(
            g.qualification in d.qualifications
            and d.start < g.end.timestamp()
            and d.end > g.start.timestamp()
            for g in gaps
        )
    }


def _short_of(world: _World, unit: str) -> frozenset[str]:
    order = attribution_order(q.code for q in list_qualifications(world.store))
    gaps = compute(
        [n for n in world.needs if n.unit == unit],
        [d for d in world.duties if d.unit == unit],
        world.window,
        order,
    )
    return frozenset(g.qualification for g in gaps) or frozenset(
        {"close_protection", "protective_driving"}
    )


def _typical_concept(store: Store, level: int) -> Concept:
    """The concept a new person at this threat level would typically get: the lightest valid
    non-pilot concept of their package for a person (never below the required level)."""
    rule = derive(store, level)
    package = get_package(store, rule.package)
    concepts = [c for c in list_concepts(store) if c.code in package.concepts and not c.pilot]
    code = lightest_valid_concept(concepts, [c.code for c in concepts], "person")
    if code is None:
        raise BadInput(f"Package {package.code} has no concept a new person could get.")
    return next(c for c in concepts if c.code == code)


def run_scenario(
    store: Store, changes: list[Change], start: datetime, end: datetime
) -> list[ScenarioRow]:
    """Each unit's shortfall hours now and under the scenario (all changes together), side by
    side, with the officers lent in and out. Demand is what protection needs (see
    ``protection_demand``). Writes nothing."""
    access.require(store.actor, "capacity.scenario")
    _check(start, end, "unit", DEFAULT_HOURS_PER_FTE)
    if not changes:
        raise BadInput("Describe at least one change.")
    demand = protection_demand(store, start, end)
    duties = load_duties(store, start, end)
    baseline = {
        r.key: r.shortfall_hours
        for r in _report(store, demand.needs, duties, start, end, "unit", DEFAULT_HOURS_PER_FTE)
    }
    world = _World(store, list(demand.needs), list(duties), start, end, [])
    for change in changes:
        apply_change(world, change)
    after = {
        r.key: r.shortfall_hours
        for r in _report(
            store, world.needs, world.duties, start, end, "unit", DEFAULT_HOURS_PER_FTE
        )
    }
    units = sorted(set(baseline) | set(after) | {u for _o, a, b in world.lent for u in (a, b)})
    return [
        ScenarioRow(
            u,
            baseline.get(u, 0.0),
            after.get(u, 0.0),
            round(after.get(u, 0.0) - baseline.get(u, 0.0), 2),
            lent_in=tuple(o for o, _a, b in world.lent if b == u),
            lent_out=tuple(o for o, a, _b in world.lent if a == u),
        )
        for u in units
    ]


def week_overview(
    store: Store, start: datetime, days: int, limit: int = 10
) -> tuple[dict[str, list[CapacityRow]], list[Gap]]:
    """For the console's Capacity screen, from one gap computation: per unit with supply or
    demand one row per local day, and the gaps that cost the most officer-hours."""
    end = start + timedelta(days=days)
    demand = protection_demand(store, start, end)
    needs, duties = demand.needs, load_duties(store, start, end)
    lo, hi = int(start.timestamp()), int(end.timestamp())
    order = attribution_order(q.code for q in list_qualifications(store))
    gaps = compute(needs, duties, (lo, hi), order)
    names = [_day(a) for a, _b in _split_days(lo, hi)]
    per_unit: dict[str, tuple[list[Need], list[Duty], list[Gap]]] = defaultdict(
        lambda: ([], [], [])
    )
    for need in needs:
        per_unit[need.unit][0].append(need)
    for duty in duties:
        per_unit[duty.unit][1].append(duty)
    for gap in gaps:
        per_unit[gap.unit][2].append(gap)
    daily: dict[str, list[CapacityRow]] = {}
    for unit in sorted({n.unit for n in needs} | {d.unit for d in duties}):
        unit_needs, unit_duties, unit_gaps = per_unit[unit]
        totals = _aggregate(
            unit_needs,
            unit_duties,
            unit_gaps,
            lo,
            hi,
            "day",
            {},
            demand.assumed,
        )
        rows = {r.key: r for r in _rows(totals, 1 / 7, DEFAULT_HOURS_PER_FTE)}
        daily[unit] = [rows.get(day, CapacityRow(day, 0, 0, 0, None, 0, 0)) for day in names]
    worst = sorted(gaps, key=lambda g: (-g.shortfall_hours, g.start))[:limit]
    return daily, worst
