"""Capacity: supply against demand, per unit, organisation, qualification or day; restrictions
per reason and week; and what-if scenarios that change nothing in the database.

- *Supply hours*: officer hours on duty. Per qualification, the hours of officers holding it
  valid that day (an officer with two qualifications appears under both).
- *Demand hours*: what protection needs (staff count × duration): the concepts on the agenda
  and the standing posts; an activity with no concept yet, or with one that is not valid for
  its person (below the required level, outside the package, for another kind of subject, a
  pilot outside its scope: ``INVALID_CONCEPT``), counts at the lightest valid concept of the
  person's package for their kind of subject that needs at least as many officers as the one
  it carries (protection is never lowered, so neither is demand). An activity that carries a
  concept that is not valid counts, per qualification, the larger of that concept's count and
  the valid one's: it is staffed with the first until re-planned and needs the second after,
  so no qualification it is planned with drops out of demand. ``demand_assumed_hours`` says
  how much is so assumed: the demand beyond what the concept it carries needs (all of it
  without a concept; nothing when the carried concept already needs as many). A standing post
  whose concept is below its subject's required level (a threat level raised after it was set
  up) counts the same way, and is assumed too. A
  subject with no threat assessment has no package, so nothing can be assumed for it.
- *Shortfall hours*: from the exact gap computation over that demand, where an officer counts
  once at a time. ``shortfall_assumed_hours`` is the part of it that the assumed demand adds:
  ``shortfall_hours - shortfall_assumed_hours`` is exactly what ``gaps`` lists for the same
  period and group (the sum of its rows' ``shortfall_hours``), which judges the concepts as
  planned (an unplanned activity is listed by ``gaps --unplanned``, not counted).
- *Occupancy*: demand hours / supply hours.
Hours are real elapsed hours (epoch arithmetic), so a night across a clock change counts 10 or
8. FTE = hours / (hours per FTE per week × weeks in the period); a per-day row (``by="day"``,
the console's daily rows) is measured over its own day's part of the period instead (a whole
day: its real hours / 168, 23 on the spring clock change), so a day reads the same in any
window that holds it.

Scenarios apply changes to in-memory copies of demand and supply and report each unit's
shortfall before and after, side by side.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import access, validate
from .agenda import concept_options, lightest_valid_concept, replanned
from .catalogue import (
    Concept,
    derive,
    get_package,
    list_concepts,
    list_qualifications,
    list_units,
    travel_minutes,
)
from .clock import (
    LOCAL_TZ,
    epoch_seconds,
    epochs_read,
    from_db,
    from_epoch,
    iso_week,
    local,
    require_order,
    to_db,
)
from .db import Store
from .errors import BadInput
from .gaps import (
    Bond,
    Duty,
    Gap,
    Need,
    attribution_order,
    compute,
    lent_for_duty,
    load_bonds,
    load_duties,
    load_needs,
    officer_hours,
    posts_below_required,
    shortfall_hours,
)
from .subjects import Subject, subject_by_id

GROUPINGS = ("unit", "organisation", "qualification", "day")
DEFAULT_HOURS_PER_FTE = 36.0
#: A scenario adds, removes or lends at most this many persons or officers at once.
MAX_SCENARIO_COUNT = 1_000
#: The least FTE a scenario adds: half an officer, which counts as one.
MIN_FTE = 0.5


def fte_officers(fte: Decimal | float) -> int:
    """Added FTE as whole officers, half up (0.5 is one officer, 2.5 three): Python's own
    ``round`` rounds half to even, which made 0.5 FTE no officer at all. FTE is typed with at
    most one decimal and read exactly (``validate.tenths_text``).

    Args:
        fte: the FTE added (1.0 is one officer full time), a Decimal when typed.

    Returns:
        Whole officers, never negative for a non-negative ``fte``: 0.4 is 0, 0.5 is 1.
    """
    return math.floor(fte + Decimal("0.5") if isinstance(fte, Decimal) else fte + 0.5)


#: The hours one FTE works in a week: at least one, at most every hour of the week.
MIN_HOURS_PER_FTE, MAX_HOURS_PER_FTE = 1, 168


@dataclass(frozen=True)
class CapacityRow:
    """Supply against demand for one group (a unit, organisation, qualification or local day).

    Attributes:
        key: the group: a unit code, organisation name, qualification code or local date
            (``YYYY-MM-DD``).
        supply_hours: officer hours on duty (real elapsed hours, to 0.01).
        demand_hours: officer hours protection needs (staff count × hours, to 0.01).
        shortfall_hours: officer hours short, from the exact gap computation (to 0.01).
        occupancy: demand hours / supply hours (to 0.001), or None without supply.
        supply_fte: supply in FTE (hours / (hours per FTE per week × weeks), to 0.01); the
            weeks of the period, or for a local day's row of that day's own part of it (its
            real hours / 168: 23 hours on the spring clock change).
        shortfall_fte: shortfall in FTE, the same way.
        demand_assumed_hours: the part of the demand assumed at a valid concept beyond what
            the concept it carries needs (an activity without one: all of it; one with a
            concept not valid for its person, a standing post below the required level: only
            the officers the valid concept adds).
        shortfall_assumed_hours: the part of the shortfall that the assumed demand adds; the
            rest is what ``gaps`` lists (the concepts as planned).
    """

    key: str
    supply_hours: float
    demand_hours: float
    shortfall_hours: float
    occupancy: float | None
    supply_fte: float
    shortfall_fte: float
    demand_assumed_hours: float = 0.0
    shortfall_assumed_hours: float = 0.0


#: Re-planning reasons that say the concept on an activity is not valid for its person: its
#: demand is assumed at a valid one (protection is never lowered, so neither is demand).
INVALID_CONCEPT = ("below_required", "outside_package", "wrong_subject_kind", "outside_pilot_scope")


@dataclass
class Demand:
    """What protection needs in a period, and which needs (by source id) are assumed.

    Attributes:
        needs: every need (activities and standing posts), times epoch seconds.
        assumed: the ids of the activities and posts whose need is assumed at the lightest
            valid concept.
        planned: the needs as planned (the concepts they carry; what ``gaps`` judges).
    """

    needs: list[Need]
    assumed: set[str]
    planned: list[Need] = field(default_factory=list)


def protection_demand(store: Store, start: datetime, end: datetime) -> Demand:
    """The needs of the agenda and standing posts, with unplanned and below-level activities
    counted at the lightest valid concept (see the module docstring).

    Args:
        store: the open database.
        start: the period's start (aware UTC).
        end: the period's end (aware UTC).

    Returns:
        The demand, cancelled activities excluded; an activity of a subject without a package
        counts only by the concept it carries.

    Raises:
        NotFound: an activity's or post's subject is not in the database (a damaged one: the
            schema's references keep it there).
    """
    needs = load_needs(store, start, end)
    concepts = list_concepts(store)
    staffing = {c.code: tuple((s.qualification, s.count) for s in c.staffing) for c in concepts}
    officers = {c.code: c.officers for c in concepts}
    valid_for: dict[tuple[object, ...], list[str]] = {}
    assumed: dict[str, Need] = {}
    subjects: dict[str, Subject] = {}  # a person's activities share it
    for row in [*_invalid_activities(store, start, end), *_posts_below(store, start, end)]:
        subject = subjects.get(row["subject_id"])
        if subject is None:
            subject = subjects[row["subject_id"]] = subject_by_id(store, row["subject_id"])
        key = (subject.unit, subject.kind, subject.required_level, subject.package)
        if key not in valid_for:
            valid_for[key] = [o.code for o in concept_options(store, subject) if o.valid]
        least = officers.get(row["concept"], 0)
        code = lightest_valid_concept(concepts, valid_for[key], subject.kind, at_least=least)
        if code is not None:
            counts = _at_least(staffing[code], staffing.get(row["concept"], ()))
            assumed[row["id"]] = Need(
                subject.unit, row["a"], row["b"], counts, row["id"], row["kind"]
            )
    kept = [n for n in needs if n.source not in assumed]
    return Demand([*kept, *assumed.values()], set(assumed), needs)


def _invalid_activities(store: Store, start: datetime, end: datetime) -> list[Any]:
    """Live activities in [start, end) with no concept or one not valid for their person."""
    unplanned = epochs_read(
        store.tuples(
            "SELECT id, unixepoch(start_at), unixepoch(end_at), concept, subject_id FROM activity"
            " WHERE start_at < ? AND end_at > ? AND status != 'cancelled' AND concept IS NULL",
            (to_db(end), to_db(start)),
        ),
        "activity.start_at/end_at",
        1,
        2,
    )
    invalid = [
        (r.id, epoch_seconds(r.start), epoch_seconds(r.end), r.concept, r.subject_id)
        for r in replanned(store, start=start, end=end)
        if r.reason in INVALID_CONCEPT
    ]
    return [
        {"id": i, "a": a, "b": b, "concept": c, "subject_id": s, "kind": "activity"}
        for i, a, b, c, s in sorted([*unplanned, *invalid], key=lambda r: (r[1], r[0]))
    ]


def _posts_below(store: Store, start: datetime, end: datetime) -> list[Any]:
    """Standing posts in [start, end) whose concept is below the required level now."""
    return [
        {
            "id": p.id,
            "a": epoch_seconds(p.start),
            "b": epoch_seconds(p.end),
            "concept": p.concept,
            "subject_id": p.subject_id,
            "kind": "post",
        }
        for p in posts_below_required(store, start, end)
    ]


def _at_least(
    assumed: tuple[tuple[str, int], ...], planned: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    """Per qualification the larger count of the assumed valid concept and the concept the
    activity is planned with: it is staffed by the latter until re-planned, by the former
    after, so neither's officers are hidden from demand."""
    counts: dict[str, int] = {}
    for qualification, count in (*assumed, *planned):
        counts[qualification] = max(count, counts.get(qualification, 0))
    return tuple(counts.items())


def _carried(assumed: set[str], planned: list[Need]) -> dict[str, dict[str, int]]:
    """Per assumed need's source, the counts of the concept it carries as planned (none for an
    activity without one): the assumed demand is the need beyond them."""
    carried: dict[str, dict[str, int]] = {source: {} for source in assumed}
    for need in planned:
        if need.source in carried:
            carried[need.source] = dict(need.needs)
    return carried


def _day(moment: int) -> str:
    return local(from_epoch(moment)).date().isoformat()


def _split_days(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at local midnights."""
    pieces = []
    cursor = start
    while cursor < end:
        day = local(from_epoch(cursor)).date() + timedelta(days=1)
        midnight = epoch_seconds(datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ))
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
        if self.starts[index] <= a < b <= self.ends[index]:  # within one day: most intervals
            return [(a, b, self.names[index])]
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
    assumed: dict[str, dict[str, int]] | None = None,
    planned: list[Gap] | None = None,
) -> dict[str, list[float]]:
    """key → [supply, demand, shortfall, assumed demand, shortfall as planned] hours
    (``assumed``: per assumed need's source, the counts its concept as planned carries, so the
    assumed demand is only what the assumption adds; ``planned``: the gaps of the concepts as
    planned; None: the same as ``gaps``)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, 0.0])
    assumed = assumed or {}
    split = _Days(lo, hi).split if by == "day" else None

    def clip(a: int, b: int) -> list[tuple[int, int, str]]:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            return []
        return split(a, b) if split is not None else [(a, b, "")]

    def key(unit: str, day: str) -> str:  # the one key of a row when not by qualification
        if by == "unit":
            return unit
        return organisation.get(unit, unit) if by == "organisation" else day

    by_qualification = by == "qualification"
    for duty in duties:  # a sorted tuple of qualifications only where they are the keys
        quals = tuple(sorted(duty.qualifications)) if by_qualification else ()
        for a, b, day in clip(duty.start, duty.end):
            for k in quals if by_qualification else (key(duty.unit, day),):
                totals[k][0] += officer_hours(1, b - a)
    for need in needs:
        carried = assumed.get(need.source)  # rev16o: not the whole need, what it adds
        extra = {
            q: max(0, n - carried.get(q, 0)) if carried is not None else 0 for q, n in need.needs
        }
        for a, b, day in clip(need.start, need.end):
            if by_qualification:
                for qual, count in need.needs:
                    totals[qual][1] += officer_hours(count, b - a)
                    totals[qual][3] += officer_hours(extra[qual], b - a)
            else:
                row = totals[key(need.unit, day)]
                row[1] += officer_hours(sum(count for _q, count in need.needs), b - a)
                row[3] += officer_hours(sum(extra.values()), b - a)
    shortfalls = [(gaps, (2, 4))] if planned is None else [(gaps, (2,)), (planned, (4,))]
    for found, columns in shortfalls:  # the same gaps as planned: cut once, added to both
        for gap in found:
            for a, b, day in clip(epoch_seconds(gap.start), epoch_seconds(gap.end)):
                row = totals[gap.qualification if by_qualification else key(gap.unit, day)]
                for c in columns:
                    row[c] += officer_hours(gap.shortfall, b - a)
    return totals


WEEK_SECONDS = 7 * 24 * 3600


def _day_weeks(lo: int, hi: int) -> dict[str, float]:
    """Per local day of [lo, hi), the weeks its own part of the period lasts: real elapsed
    hours / 168 (a whole day 24 hours, 23 on the spring clock change, 25 in autumn), so a
    day's FTE is the same in any period that holds the whole day."""
    return {_day(a): (b - a) / WEEK_SECONDS for a, b in _split_days(lo, hi)}


def _rows(
    totals: dict[str, list[float]], weeks: float | dict[str, float], hours_per_fte: float
) -> list[CapacityRow]:
    """The rows, FTE over ``weeks``: the period's, or per key (a local day's own length)."""
    rows = []
    for key in sorted(totals):
        supply, demand, short, assumed, as_planned = totals[key]
        span = weeks[key] if isinstance(weeks, dict) else weeks
        rows.append(
            CapacityRow(
                key=key,
                supply_hours=round(supply, 2),
                demand_hours=round(demand, 2),
                shortfall_hours=round(short, 2),
                occupancy=round(demand / supply, 3) if supply else None,
                supply_fte=round(supply / (hours_per_fte * span), 2),
                shortfall_fte=round(short / (hours_per_fte * span), 2),
                demand_assumed_hours=round(assumed, 2),
                shortfall_assumed_hours=round(max(0.0, short - as_planned), 2),
            )
        )
    return rows


def _check(start: datetime, end: datetime, by: str, hours_per_fte: float) -> None:
    validate.moment(start, "start")
    validate.moment(end, "end")
    validate.number(hours_per_fte, "hours_per_fte", low=MIN_HOURS_PER_FTE, high=MAX_HOURS_PER_FTE)
    require_order(start, end, "period")
    if end - start > timedelta(days=92):
        raise BadInput(code="capacity_period_too_long")
    if by not in GROUPINGS:
        raise BadInput(code="unknown_grouping", given=validate.shown(by), choices=list(GROUPINGS))


def capacity_report(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    by: str = "unit",
    hours_per_fte: float = DEFAULT_HOURS_PER_FTE,
) -> list[CapacityRow]:
    """Supply against demand in the period, grouped ``by`` unit, organisation, qualification or
    local day. Writes nothing.

    Args:
        store: the open database.
        start: the period's start (aware UTC).
        end: the period's end (aware UTC), after the start, at most 92 days later.
        by: ``unit``, ``organisation``, ``qualification`` or ``day``.
        hours_per_fte: hours one FTE works per week (1–168).

    Returns:
        One row per group with supply or demand, ordered by key.

    Raises:
        BadInput: a time out of range, end not after start, a period over 92 days, an unknown
            grouping, hours per FTE out of range.
    """
    _check(start, end, by, hours_per_fte)
    demand = protection_demand(store, start, end)
    duties = load_duties(store, start, end)
    return _report(
        store,
        demand.needs,
        duties,
        start,
        end,
        by,
        hours_per_fte,
        demand.assumed,
        demand.planned,
        load_bonds(store, start, end),
    )


def unit_report(
    store: Store,
    demand: Demand,
    duties: list[Duty],
    bonds: list[Bond],
    start: datetime,
    end: datetime,
) -> list[CapacityRow]:
    """``capacity_report`` by unit from demand, duties and bonds already read (a preview reads
    the demand before and after a tried change and judges both against the same roster).

    Args:
        store: the open database (the catalogue's units and qualifications are read).
        demand: ``protection_demand`` of the period.
        duties: ``gaps.load_duties`` of the period.
        bonds: ``gaps.load_bonds`` of the period.
        start: the period's start (aware UTC).
        end: the period's end (aware UTC).

    Returns:
        One row per unit with supply or demand, ordered by unit code.
    """
    return _report(
        store,
        demand.needs,
        duties,
        start,
        end,
        "unit",
        DEFAULT_HOURS_PER_FTE,
        demand.assumed,
        demand.planned,
        bonds,
    )


def _report(
    store: Store,
    needs: list[Need],
    duties: list[Duty],
    start: datetime,
    end: datetime,
    by: str,
    hours_per_fte: float,
    assumed: set[str] | None = None,
    planned: list[Need] | None = None,
    bonds: list[Bond] | None = None,
) -> list[CapacityRow]:
    lo, hi = epoch_seconds(start), epoch_seconds(end)
    order = attribution_order(q.code for q in list_qualifications(store))
    # deployed officers fill their own activities' places (``gaps.bind``), as in ``gaps``
    gaps = compute(needs, duties, (lo, hi), order, bonds or ())
    as_planned = None
    if assumed and planned is not None:
        as_planned = compute(planned, duties, (lo, hi), order, bonds or ())
    organisation = {u.code: u.organisation for u in list_units(store)}
    # a day's row over its own length, the other groupings over the whole period
    weeks = _day_weeks(lo, hi) if by == "day" else (hi - lo) / WEEK_SECONDS
    carried = _carried(assumed or set(), planned or [])
    totals = _aggregate(needs, duties, gaps, lo, hi, by, organisation, carried, as_planned)
    return _rows(totals, weeks, hours_per_fte)


def restriction_report(store: Store, start: datetime, end: datetime) -> list[dict[str, object]]:
    """Facilitation restrictions recorded in [start, end) per unit and ISO week of the local
    day they were recorded on, per reason (R5 made measurable).

    Args:
        store: the open database.
        start: the first moment counted (aware UTC).
        end: the moment after the last counted (aware UTC).

    Returns:
        One dict per (ISO week, unit) with restrictions, ordered by week then unit: ``unit``,
        ``week`` (``YYYY-Www``), ``capacity``, ``threat``, ``tbp_choice`` (counts per reason)
        and ``total``.
    """
    rows = store.query(
        "SELECT s.unit, r.recorded_at, r.reason FROM restriction r"
        " JOIN activity a ON a.id = r.activity_id JOIN subject s ON s.id = a.subject_id"
        " WHERE r.recorded_at >= ? AND r.recorded_at < ?",
        (to_db(start), to_db(end)),
    )
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        week = iso_week(local(from_db(row["recorded_at"])).date())
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


#: The written form of each kind of scenario change.
FORMS = {
    "lend": "lend:N:FROM:TO",
    "add_officers": "add-officers:N:UNIT[:QUAL+QUAL]",
    "add_fte": "add-fte:F:UNIT",
    "remove_officers": "remove-officers:N:UNIT",
    "add_persons": "add-persons:N:LEVEL[:UNIT]",
}


#: The forms that name the unit (for the refusal of a change that names none).
_WITH_UNIT = {
    "lend": "lend:N:FROM:TO",
    "add_officers": "add-officers:N:UNIT",
    "remove_officers": "remove-officers:N:UNIT",
    "add_persons": "add-persons:N:LEVEL:UNIT",
}


@dataclass(frozen=True)
class Change:
    """One what-if change of a capacity scenario.

    Attributes:
        kind: ``add_persons``, ``add_officers``, ``remove_officers`` or ``lend`` (``add-fte``
            is parsed as ``add_officers``, FTE as whole officers half up: ``fte_officers``).
        count: how many persons or officers (1 to ``MAX_SCENARIO_COUNT``).
        unit: the unit changed (for ``lend``: the one that lends); '' when neither the change
            nor the scenario's default names one (refused by ``check_changes``, after the threat
            level).
        level: the threat level of added persons (``add_persons`` only), else None.
        to_unit: the unit that receives (``lend`` only), else None.
        qualifications: for ``add_officers``: what the added officers hold; empty means the
            qualifications the unit is short of in the period, or the catalogue's typical ones
            when it is short of none.
        text: how it was written (for messages); '' for the single-change options.
    """

    kind: str
    count: int
    unit: str
    level: int | None = None
    to_unit: str | None = None
    qualifications: tuple[str, ...] = ()
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # qualification codes are read in lower case wherever they are typed (rev14h: ``HRB``)
        lower = tuple(code.translate(validate.ASCII_LOWER) for code in self.qualifications)
        object.__setattr__(self, "qualifications", lower)

    @classmethod
    def parse(cls, text: str, default_unit: str | None = None) -> Change:
        """``KIND:ARGS`` as typed: ``lend:N:FROM:TO``, ``add-officers:N:UNIT[:Q+Q]``,
        ``add-fte:F:UNIT``, ``remove-officers:N:UNIT``, ``add-persons:N:LEVEL[:UNIT]``; a
        missing unit is ``default_unit``. Raises ``BadInput`` naming what is wrong in it (the
        codes are checked against the catalogue by ``check_changes``).

        Args:
            text: the change as typed (``KIND:ARGS``).
            default_unit: the unit of a change that names none, or None.

        Returns:
            The change; an ``add-fte`` one as ``add_officers`` (whole officers, half up), the
            unit ``''`` when neither the change nor ``default_unit`` names one.

        Raises:
            BadInput: an unknown kind, more parts than its form, no count, a number not in
                ASCII digits or out of range (a count 1..1,000, FTE 0.5..1,000 with at most
                one decimal, a threat level 0..1,000), ``lend`` without both units or
                ``add-persons`` without a threat level.
        """
        parts = [p.strip() for p in text.split(":")]
        kind = parts[0].lower().replace("-", "_")
        if kind not in FORMS:
            raise BadInput(
                code="unknown_scenario_change",
                given=validate.shown(text),
                forms=list(FORMS.values()),
            )
        form = FORMS[kind]
        shown = validate.shown(text)

        def refuse(fault: str, **facts: Any) -> BadInput:
            return _malformed(shown, form, fault, **facts)

        most = {"lend": 4, "add_officers": 4, "add_persons": 4}.get(kind, 3)
        if len(parts) > most:
            raise refuse("more_parts", extra=validate.shown(":".join(parts[most:])))
        if len(parts) < 2 or not parts[1]:
            raise refuse("no_count")
        fte = kind == "add_fte"
        amount = _amount(parts[1], fractional=fte, refuse=refuse, low=MIN_FTE if fte else 1)
        rest = parts[2:]
        if kind == "lend":
            if not rest or not rest[0]:
                raise refuse("no_lender")
            if len(rest) < 2 or not rest[1]:
                raise refuse("no_receiver")
            return cls("lend", int(amount), rest[0].upper(), to_unit=rest[1].upper(), text=text)
        if kind == "add_persons":
            if not rest or not rest[0]:
                raise refuse("no_level")
            level = _amount(
                rest[0], fractional=False, refuse=refuse, what="threat_level", low=0, high=1000
            )
            unit = (rest[1] if len(rest) > 1 and rest[1] else default_unit or "").upper()
            return cls("add_persons", int(amount), unit, level=int(level), text=text)
        unit = (rest[0] if rest and rest[0] else default_unit or "").upper()
        if kind == "add_fte":
            return cls("add_officers", fte_officers(amount), unit, text=text)
        quals = tuple(q.strip() for q in (rest[1] if len(rest) > 1 else "").split("+") if q)
        return cls(kind, int(amount), unit, qualifications=quals, text=text)

    @property
    def written(self) -> str:
        """The change as its user wrote it, for a message (else in the ``KIND:ARGS`` form)."""
        if self.text:
            return validate.shown(self.text)
        parts = [self.kind.replace("_", "-"), str(self.count)]
        if self.kind == "add_persons":
            parts.append(str(self.level))
        return ":".join([*parts, self.unit] if self.unit else parts)


def _malformed(shown: str, form: str, fault: str, **facts: Any) -> BadInput:
    """The refusal of a change as typed (``shown``) whose ``fault`` (``_FAULTS``) the facts
    say; ``form`` is how it is written."""
    return BadInput(code="scenario_change_malformed", shown=shown, fault=fault, form=form, **facts)


def _amount(
    text: str,
    *,
    fractional: bool,
    refuse: Callable[..., BadInput],
    what: str = "count",
    low: float = 1,
    high: float = MAX_SCENARIO_COUNT,
) -> Decimal | int:
    """A change's number as typed: ASCII digits only (``int`` would read ``١٠`` as ten), then
    within ``low``..``high``, the refusal showing it as typed. ``what`` is ``count`` or
    ``threat_level`` (the refusal's fact)."""
    raw = text.strip()
    try:
        value = float(raw) if fractional else int(raw)
        typed = raw.isascii() and "_" not in raw
    except ValueError:
        value, typed = 0.0, False
    if what == "threat_level" and typed and not validate.plain_digits(raw):
        typed = False  # a level as ``threat assess --level`` takes it: no sign, no leading 0
    if not typed:
        fault = "not_number" if fractional else "not_whole"
        digits = "_digits" if any(c.isdigit() for c in raw) else ""
        raise refuse(fault + digits, given=validate.shown(text), what=what)
    if not math.isfinite(value):
        raise refuse("not_number", given=validate.shown(text), what=what)
    field = {
        "threat_level": "threat_level",
        "count": "fte" if fractional else "persons",
    }[what]
    try:
        if fractional:
            return validate.tenths_text(raw, field, low=low, high=high)
        return validate.whole_text(raw, field, low=int(low), high=int(high))
    except BadInput as exc:  # the refusal names the change, as every fault of one does
        if exc.code not in ("out_of_range", "more_than_one_decimal"):
            raise
        facts = {k: exc.params[k] for k in ("low", "high") if k in exc.params}
        raise refuse(str(exc.code), given=validate.shown(text), what=what, **facts) from None


def check_changes(store: Store, changes: list[Change]) -> None:
    """Refuse, naming the change and the real problem, a scenario that names an unknown
    threat level, unit or qualification, no unit, a unit lending to itself, or a count out of
    range; nothing is computed then.

    Args:
        store: the open database (its catalogue).
        changes: the scenario's changes, as parsed.

    Raises:
        BadInput: the first change that is wrong, with what is wrong in it.
    """
    units = {u.code for u in list_units(store)}
    qualifications = [q.code for q in list_qualifications(store)]
    for change in changes:

        def refuse_change(code: str, change: Change = change, **params: Any) -> BadInput:
            if not change.text:
                return BadInput(code=code, **params)
            return BadInput(
                code="scenario_change_refused", change=change.written, refusal=code, **params
            )

        if change.kind == "add_persons" and change.level is None:
            raise refuse_change("persons_need_level")
        if change.level is not None:
            validate.integer(change.level, "threat_level", low=0, high=1000)
            try:
                derive(store, change.level)
            except BadInput as exc:
                raise refuse_change(exc.code, **exc.params) from None
        if not change.unit:
            raise BadInput(
                code="scenario_change_needs_unit",
                change=change.written,
                form=_WITH_UNIT[change.kind],
            )
        for unit in filter(None, (change.unit, change.to_unit)):
            if unit not in units:
                known = sorted(units)
                raise refuse_change(
                    "unknown_unit",
                    given=validate.shown(unit),
                    known=known,
                )
        if change.kind == "lend" and change.to_unit == change.unit:
            raise refuse_change(
                "lend_to_itself",
                unit=change.unit,
            )
        for code in change.qualifications:
            if code not in qualifications:
                choices = sorted(qualifications)
                raise refuse_change(
                    "unknown_qualification",
                    given=validate.shown(code),
                    choices=choices,
                )
        if change.count < 1:
            raise refuse_change("scenario_without_count")
        validate.integer(change.count, "persons", high=MAX_SCENARIO_COUNT)


@dataclass(frozen=True)
class ScenarioRow:
    """One unit's shortfall now and under a scenario, side by side.

    Attributes:
        unit: the unit's code.
        baseline_shortfall_hours: officer hours short as planned (to 0.01).
        scenario_shortfall_hours: officer hours short with every change applied (to 0.01).
        change_hours: scenario minus baseline (negative: the scenario helps).
        lent_in: callsigns of officers lent to this unit by the scenario.
        lent_out: callsigns of officers lent from it.
        on_duty: how many of its officers are on duty in the period as planned (those a
            loan can take from it).
    """

    unit: str
    baseline_shortfall_hours: float
    scenario_shortfall_hours: float
    change_hours: float
    #: Officers lent to this unit (in) and from it (out) by the scenario.
    lent_in: tuple[str, ...] = ()
    lent_out: tuple[str, ...] = ()
    on_duty: int = 0


#: A typical protected person's day: three activities of two hours (local time).
TYPICAL_DAY = ((9, 2), (13, 2), (18, 2))
#: Shifts of added officers, alternating early and late.
ADDED_SHIFTS = ((7, 9), (15, 9))
#: Added officer ``n`` (from 0) is off on two consecutive weekdays starting ``n`` days after
#: Saturday (the first Saturday and Sunday, the next Sunday and Monday, …): days off spread
#: over the week by officer, never by the window's first day.
DAYS_OFF = 2


def _local(day: datetime, hour: int) -> int:
    d = day.date()
    return epoch_seconds(datetime(d.year, d.month, d.day, hour, tzinfo=LOCAL_TZ))


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
    bonds: list[Bond]  # the deployments (``gaps.bind``)
    made: int = 0  # persons and officers the scenario added so far

    def new_name(self, prefix: str) -> str:
        """A name no other added person or officer of this scenario has."""
        self.made += 1
        return f"{prefix}-{self.made}"

    @property
    def window(self) -> tuple[int, int]:
        return epoch_seconds(self.start), epoch_seconds(self.end)

    def shortfall_hours(self, unit: str, duties: list[Duty] | None = None) -> float:
        order = attribution_order(q.code for q in list_qualifications(self.store))
        rows = compute(
            [n for n in self.needs if n.unit == unit],
            [d for d in (self.duties if duties is None else duties) if d.unit == unit],
            self.window,
            order,
            self.bonds,
        )
        return shortfall_hours(rows)


def apply_change(world: _World, change: Change) -> None:
    """Change the world's demand and supply (copies of the database's; nothing is written).

    Args:
        world: the scenario's demand and supply, changed in place.
        change: a change ``check_changes`` accepted.

    Raises:
        BadInput: removing more officers than are on duty, lending without a receiving unit
            (``lend_needs_unit``) or from a unit with nobody on duty, adding persons without a
            threat level (``persons_need_level``) or whose package has no concept for a person,
            an unknown kind.
    """
    if change.kind == "add_persons":
        _add_persons(world, change)
    elif change.kind == "add_officers":
        _add_officers(world, change)
    elif change.kind == "remove_officers":
        chosen = _on_duty(world, change.unit)[: change.count]
        if len(chosen) < change.count:
            raise BadInput(
                code="lend_more_than_on_duty",
                change=change.written,
                unit=change.unit,
                on_duty=len(chosen),
            )
        world.duties = [d for d in world.duties if d.officer not in set(chosen)]
    elif change.kind == "lend":
        if not change.to_unit:
            raise BadInput(code="lend_needs_unit")
        _lend(world, change.unit, change.to_unit, change.count, change.written)
    else:
        raise BadInput(code="unknown_scenario_change_kind", kind=change.kind)


def _on_duty(world: _World, unit: str) -> list[str]:
    return sorted({d.officer for d in world.duties if d.unit == unit}, reverse=True)


def _add_persons(world: _World, change: Change) -> None:
    if change.level is None:
        raise BadInput(code="persons_need_level")
    concept = _typical_concept(world.store, change.level)
    staffing = tuple((s.qualification, s.count) for s in concept.staffing)
    for _n in range(change.count):
        source = world.new_name("scenario-person")
        for day in _days(world.start, world.end):
            for hour, length in TYPICAL_DAY:
                a = _local(day, hour)
                world.needs.append(Need(change.unit, a, a + length * 3600, staffing, source))


def _add_officers(world: _World, change: Change) -> None:
    quals = frozenset(change.qualifications) or _short_of(world, change.unit)
    for n in range(change.count):
        hour, length = ADDED_SHIFTS[n % 2]
        officer = world.new_name("scenario-officer")  # each added officer is another person
        for day in _days(world.start, world.end):
            if (day.weekday() - 5 - n) % 7 < DAYS_OFF:
                continue  # five days on, two off, the weekdays spread by officer
            a = _local(day, hour)
            world.duties.append(Duty(officer, change.unit, a, a + length * 3600, quals))


def _lend(world: _World, home: str, to: str, count: int, written: str = "") -> None:
    """Lend up to ``count`` officers of ``home`` on duty in the period to ``to``: each time the
    one who most reduces the two units' shortfall hours together (what ``to`` gains less what
    ``home`` loses without them; then by callsign), who arrives after the travel time between
    the units and leaves the travel time before the duty ends (the trip back, as ``gaps``
    counts it; ``gaps.lent_for_duty``: once per unbroken run of duty, a night shift
    included). Only officers ``home`` can spare are lent (a loan never makes the two units'
    total shortfall worse, nor leaves it as it was), and an officer is lent once in a scenario
    (never onwards, never twice)."""
    travel = travel_minutes(world.store, home, to) * 60
    if not _on_duty(world, home):
        raise BadInput(code="lend_none_on_duty", change=written or "Lending", home=home)
    for _round in range(count):
        best: tuple[float, str, list[Duty], list[Duty]] | None = None
        current = world.shortfall_hours(to) + world.shortfall_hours(home)
        for officer in sorted(_candidates(world, home, to)):
            kept = [d for d in world.duties if not (d.officer == officer and d.unit == home)]
            # at ``to`` from arrival until they leave to be home by the end of their duty:
            # the travel once at each end of an unbroken run, not at every midnight cut
            moved = lent_for_duty(
                (d for d in world.duties if d.officer == officer and d.unit == home), to, travel
            )
            after = world.shortfall_hours(to, [*kept, *moved]) + world.shortfall_hours(home, kept)
            gain = current - after
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, officer, kept, moved)
        if best is None:
            return
        _gain, officer, kept, moved = best
        world.duties = kept + moved
        world.lent.append((officer, home, to))


def _candidates(world: _World, home: str, to: str) -> set[str]:
    """Officers of ``home`` who hold a qualification ``to`` is short of while it is short."""
    order = attribution_order(q.code for q in list_qualifications(world.store))
    gaps = compute(
        [n for n in world.needs if n.unit == to],
        [d for d in world.duties if d.unit == to],
        world.window,
        order,
        world.bonds,
    )
    lent = {officer for officer, _from, _to in world.lent}
    return {
        d.officer
        for d in world.duties
        if d.unit == home
        and d.officer not in lent
        and any(
            g.qualification in d.qualifications
            and d.start < epoch_seconds(g.end)
            and d.end > epoch_seconds(g.start)
            for g in gaps
        )
    }


def _short_of(world: _World, unit: str) -> frozenset[str]:
    """The qualifications ``unit`` is short of in the scenario; when it is short of none, the
    catalogue's typical ones (what a typical protection officer holds)."""
    qualifications = list_qualifications(world.store)
    order = attribution_order(q.code for q in qualifications)
    gaps = compute(
        [n for n in world.needs if n.unit == unit],
        [d for d in world.duties if d.unit == unit],
        world.window,
        order,
        world.bonds,
    )
    return frozenset(g.qualification for g in gaps) or frozenset(
        q.code for q in qualifications if q.typical
    )


def _typical_concept(store: Store, level: int) -> Concept:
    """The concept a new person at this threat level would typically get: the lightest valid
    non-pilot concept of their package for a person (never below the required level)."""
    rule = derive(store, level)
    package = get_package(store, rule.package)
    concepts = [c for c in list_concepts(store) if c.code in package.concepts and not c.pilot]
    code = lightest_valid_concept(concepts, [c.code for c in concepts], "person")
    if code is None:
        raise BadInput(code="package_without_person_concept", package=package.code)
    return next(c for c in concepts if c.code == code)


def run_scenario(
    store: Store, changes: list[Change], start: datetime, end: datetime
) -> list[ScenarioRow]:
    """Each unit's shortfall hours now and under the scenario (all changes together), side by
    side, with the officers lent in and out. Demand is what protection needs (see
    ``protection_demand``). Writes nothing.

    Args:
        store: the open database, acting as a person who may ``capacity.scenario``.
        changes: the scenario's changes (at least one), applied in order.
        start: the period's start (aware UTC).
        end: the period's end (aware UTC), after the start, at most 92 days later.

    Returns:
        One row per unit with supply or demand before or after, or lending or receiving,
        ordered by unit code.

    Raises:
        PermissionDenied: the acting person may not run scenarios.
        BadInput: no change, a change ``check_changes`` or ``apply_change`` refuses, a time out
            of range, end not after start, a period over 92 days.
    """
    access.require(store.actor, "capacity.scenario")
    _check(start, end, "unit", DEFAULT_HOURS_PER_FTE)
    if not changes:
        raise BadInput(code="scenario_without_change")
    check_changes(store, changes)
    demand = protection_demand(store, start, end)
    duties, bonds = load_duties(store, start, end), load_bonds(store, start, end)
    baseline = {
        r.key: r.shortfall_hours
        for r in _report(
            store, demand.needs, duties, start, end, "unit", DEFAULT_HOURS_PER_FTE, bonds=bonds
        )
    }
    world = _World(store, list(demand.needs), list(duties), start, end, [], bonds)
    for change in changes:
        apply_change(world, change)
    after = {
        r.key: r.shortfall_hours
        for r in _report(
            store,
            world.needs,
            world.duties,
            start,
            end,
            "unit",
            DEFAULT_HOURS_PER_FTE,
            bonds=bonds,
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
            on_duty=len({d.officer for d in duties if d.unit == u}),
        )
        for u in units
    ]


def week_overview(
    store: Store, start: datetime, days: int, limit: int = 10
) -> tuple[dict[str, list[CapacityRow]], list[Gap]]:
    """For the console's Capacity screen, from one gap computation: per unit with supply or
    demand one row per local day, and the gaps that cost the most officer-hours.

    Args:
        store: the open database.
        start: the first day's start (aware UTC; local midnight for whole days).
        days: how many days of 24 hours from ``start``.
        limit: how many of the worst gaps to return.

    Returns:
        (rows per unit code: one ``CapacityRow`` per local day, keyed by date, FTE per week of
        36 hours over that day's own real length; the worst gaps, most officer-hours short
        first, then earliest).

    Raises:
        NotFound: as ``protection_demand`` (a damaged database).
    """
    end = start + timedelta(days=days)
    demand = protection_demand(store, start, end)
    needs, duties = demand.needs, load_duties(store, start, end)
    lo, hi = epoch_seconds(start), epoch_seconds(end)
    order = attribution_order(q.code for q in list_qualifications(store))
    bonds = load_bonds(store, start, end)
    gaps = compute(needs, duties, (lo, hi), order, bonds)
    # the gaps of the concepts as planned: the shortfall the assumed demand adds is the rest
    planned = compute(demand.planned, duties, (lo, hi), order, bonds) if demand.assumed else None
    names = [_day(a) for a, _b in _split_days(lo, hi)]
    day_weeks = _day_weeks(lo, hi)
    per_unit: dict[str, tuple[list[Need], list[Duty], list[Gap]]] = defaultdict(
        lambda: ([], [], [])
    )
    for need in needs:
        per_unit[need.unit][0].append(need)
    for duty in duties:
        per_unit[duty.unit][1].append(duty)
    for gap in gaps:
        per_unit[gap.unit][2].append(gap)
    as_planned: dict[str, list[Gap]] = defaultdict(list)
    for gap in planned or []:
        as_planned[gap.unit].append(gap)
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
            _carried(demand.assumed, demand.planned),
            as_planned[unit] if planned is not None else None,
        )
        rows = {r.key: r for r in _rows(totals, day_weeks, DEFAULT_HOURS_PER_FTE)}
        daily[unit] = [rows.get(day, CapacityRow(day, 0, 0, 0, None, 0, 0)) for day in names]
    worst = sorted(gaps, key=lambda g: (-g.shortfall_hours, g.start))[:limit]
    return daily, worst
