"""Where the roster falls short: exact gaps per unit and qualification.

Demand: every activity with a concept (not cancelled) needs its concept's staffing
(qualification × count) for its whole time; standing posts on objects and services likewise.
Both count for the unit of the protected subject.

Supply: officers on duty, each with the qualifications valid on that day (R8). An officer counts
once at a time, even holding several qualifications. An officer deployed on an activity of
another unit counts for that unit while deployed.

Deployments first (``bind``): an officer deployed on an activity is at it for its whole time,
fills the places of it that he can (the same best assignment as the activity's own open
staffing) and counts for nothing else then; only the places the deployed officers leave open
remain the activity's demand, and only officers not deployed at that time form the unit's pool.

For each unit, time is cut into elementary intervals at every start and end. In each, the best
possible assignment of officers to required qualifications is a maximum flow
(qualifications → groups of interchangeable officers, i.e. officers with the same set of valid
qualifications). The shortfall is attributed deterministically: qualifications are filled in
``attribution_order`` and each takes as much as it can without taking from those before it, so
the assignment is the lexicographically best one in that order (``assign``).

How it stays fast (profiled on the large demo set): demand and supply are swept as two integers
that pack a count per qualification (demand) and per group of officers (supply) into fixed-width
bit fields, so an event is one addition and a state is a dictionary key; each distinct state is
solved once, from the flow's minimum cut. Which activities a row concerns is found afterwards by
one sweep per qualification over the rows and the activities sorted by start, instead of copying
the active set at every row. The cyclic garbage collector is paused while the acyclic tuples are
built. Exactness is checked against brute-force matching by a property test.

A gap row is a maximal run of elementary intervals in which the shortfall for a unit and
qualification is constant and positive. ``required`` is the peak demand within the row and
``available`` what the best assignment covers at that peak (``required - shortfall``).

``compute`` is a pure function over in-memory demand and supply (epoch seconds, the unit of the
sweep), so what-if questions (suggestions, capacity scenarios) and the brute-force property test
use it unchanged; the ``Gap`` rows it returns carry aware UTC datetimes.
"""

from __future__ import annotations

import gc
import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple

from . import validate
from .catalogue import get_unit, list_concepts, list_qualifications, travel_minutes
from .clock import LOCAL_TZ, epoch_seconds, epochs_read, from_epoch, to_db
from .db import Store
from .matching import assign, attribution_order, bind_places


class Need(NamedTuple):
    """Demand: a unit needs these qualifications over [start, end).

    The gap sweep's fast internal form, not a record for a face: ``start`` and ``end`` are
    **epoch seconds (UTC)**, not datetimes, because the large set builds tens of thousands per
    call and the sweep does integer arithmetic on them. Public because the what-if planners
    (``capacity`` scenarios, ``suggest``, ``staffing``) build them for ``compute`` and ``bind``;
    what any of them returns to a face carries aware UTC datetimes (``Gap``, ``Shortfall``,
    ``Replan``); convert at the edge (``clock.epoch_seconds``, ``clock.from_epoch``; tested:
    tests/store/test_epoch_records.py).

    Attributes:
        unit: the unit's catalogue code.
        start: epoch seconds (UTC), inclusive.
        end: epoch seconds (UTC), exclusive.
        needs: (qualification code, officers) pairs.
        source: the activity's or standing post's id.
        kind: ``"activity"`` or ``"post"``.
    """

    unit: str
    start: int
    end: int
    needs: tuple[tuple[str, int], ...]
    source: str
    kind: str = "activity"  # or "post"


class Duty(NamedTuple):
    """Supply: an officer on duty for a unit over [start, end) with the qualifications valid
    then. Like ``Need``, sweep input in **epoch seconds (UTC)**, not a record for a face.

    Attributes:
        officer: the officer's callsign.
        unit: the unit's catalogue code the time counts for.
        start: epoch seconds (UTC), inclusive.
        end: epoch seconds (UTC), exclusive.
        qualifications: the qualification codes valid over the whole span.
    """

    officer: str
    unit: str
    start: int
    end: int
    qualifications: frozenset[str]


class Gap(NamedTuple):
    """A maximal period [start, end) (aware UTC) in which ``unit`` is ``shortfall`` officers
    with ``qualification`` short; ``required`` and ``available`` are the counts at the row's
    peak demand; ``activities`` and ``posts`` are the ids of the demand it concerns.

    An immutable record (a NamedTuple: thousands are built per report, and a frozen dataclass
    costs several times as much to construct)."""

    start: datetime
    end: datetime
    unit: str
    qualification: str
    required: int
    available: int
    shortfall: int
    activities: tuple[str, ...]
    posts: tuple[str, ...]

    @property
    def hours(self) -> float:
        """Real elapsed hours of the row (a night across a clock change counts 10 or 8)."""
        return (self.end - self.start).total_seconds() / 3600

    @property
    def shortfall_hours(self) -> float:
        """Officer-hours short: the shortfall times the row's elapsed hours (one rounding, so
        rows of equal officer-seconds compare equal)."""
        return officer_hours(self.shortfall, (self.end - self.start).total_seconds())


def officer_hours(officers: int, seconds: float) -> float:
    """Officer-hours of ``officers`` over ``seconds`` of elapsed time: the one place a shortfall
    or a staffing becomes hours (``Gap.shortfall_hours``, capacity's totals, a suggestion's own
    share of a row). One division, after the product, so equal officer-seconds give equal hours.

    Args:
        officers: how many officers.
        seconds: elapsed seconds (real time: a clock change counts as it happened).

    Returns:
        The officer-hours, as a float.
    """
    return officers * seconds / 3600


def live_first(gaps: Iterable[Gap], now: datetime) -> list[Gap]:
    """The gaps not yet over at ``now`` (running or to come) first, then those that ended,
    each in their order: what a shift can still act on comes before what is history.

    Args:
        gaps: gap rows, in the order listed (``compute``: by start, unit, qualification).
        now: the moment that divides them (aware UTC).

    Returns:
        The same rows, reordered: those ending after ``now`` first, then those ended at or
        before it, each part in its given order.
    """
    rows = list(gaps)
    return [g for g in rows if g.end > now] + [g for g in rows if g.end <= now]


def shortfall_hours(gaps: Iterable[Gap]) -> float:
    """Officer-hours short over several rows.

    Args:
        gaps: gap rows.

    Returns:
        The officer-hours short, summed.
    """
    return sum(g.shortfall_hours for g in gaps)


@contextmanager
def _acyclic() -> Iterator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of tuples that form
    no cycles (reference counting frees them): its passes over them cost a sixth of the time
    on the large set. Restored after; only the outermost pause re-enables it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class Bond(NamedTuple):
    """A deployment as the gap computation sees it: ``officer`` (callsign) is deployed on the
    activity ``activity`` (id) — at it for its whole time, filling its places only."""

    officer: str
    activity: str


def compute(
    needs: list[Need],
    duties: list[Duty],
    window: tuple[int, int],
    order: tuple[str, ...],
    bonds: Iterable[Bond] = (),
) -> list[Gap]:
    """All gap rows in ``window`` (epoch seconds), ordered by start, unit, qualification; the
    deployments ``bonds`` are first bound to their activities (``bind``).

    Args:
        needs: the demand (``load_needs``).
        duties: the officers on duty (``load_duties``).
        window: (start, end) in epoch seconds, UTC.
        order: the qualifications in attribution order (``matching.attribution_order``).
        bonds: the deployments (officer callsign, activity id) bound before matching.

    Returns:
        The gap rows (times aware UTC, cut to ``window``), by start, unit, qualification;
        empty when every need is covered throughout.
    """
    with _acyclic():
        bonds = list(bonds)
        if bonds:
            needs, duties = bind(needs, duties, bonds)
        return _compute(needs, duties, window, order)


def bind(
    needs: list[Need], duties: list[Duty], bonds: Iterable[Bond]
) -> tuple[list[Need], list[Duty]]:
    """What the deployments assign, taken out before the unit's pool is matched: an officer
    deployed on an activity is at it for its whole time, so while on duty he fills the places
    of that activity he can (``matching.bind_places``: a maximum matching of the deployed group
    to the places, by the qualifications valid throughout the activity) and counts nowhere
    else then. Returns the demand left — each
    activity's places its deployed officers leave open, part by part, still named by the
    activity — and the duties left to the pool.

    An officer deployed on two activities at once is bound to the one that starts first (then
    by id). The one rule for ``gaps``, ``capacity``, ``suggest`` (which simulates a deployment
    as one more bond) and what an activity still needs (``staffing``: ``activity show``).

    Args:
        needs: demand (``load_needs``).
        duties: supply (``load_duties``).
        bonds: the deployments (``load_bonds``), with any simulated ones.

    Returns:
        ``(needs, duties)`` left to the pool (epoch seconds, UTC): the needs of activities
        without deployments and of posts unchanged, an activity's with deployments cut into
        the parts and counts its officers leave open (none when they fill it); the duties of
        officers not deployed unchanged, a deployed officer's without the time bound.
    """
    group: dict[str, list[str]] = defaultdict(list)
    for officer, activity in bonds:
        if officer not in group[activity]:
            group[activity].append(officer)
    bound = {officer for officers in group.values() for officer in officers}
    free: dict[str, list[Duty]] = defaultdict(list)
    rest: list[Duty] = []
    for duty in duties:
        (free[duty.officer] if duty.officer in bound else rest).append(duty)
    kept: list[Need] = []
    staffed: list[Need] = []
    for need in needs:
        (staffed if need.kind == "activity" and need.source in group else kept).append(need)
    shared: dict[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]] = {}
    for need in sorted(staffed, key=lambda n: (n.start, n.source)):
        kept += _bound_need(need, group[need.source], free, shared)
    return kept, rest + [d for pieces in free.values() for d in pieces]


def _bound_need(
    need: Need,
    officers: list[str],
    free: dict[str, list[Duty]],
    shared: dict[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]],
) -> list[Need]:
    """The parts of ``need`` its deployed ``officers`` leave open; their duties in its time
    are taken from ``free``. Each officer counts with the qualifications valid THROUGHOUT the
    activity (R8: those of every duty piece of his within it) and the group is bound to the
    places by the one maximum matching (``matching.bind_places``); how many places stay open
    is the matching's alone, and which places stay open when it leaves a choice is canonical
    (filled in attribution order): an officer on duty but not deployed never changes it. The
    activity is cut only where one of them comes on or goes off duty (each part bound alike)."""
    a, b = need.start, need.end
    there = [d for o in officers for d in free.get(o, ()) if d.start < b and d.end > a]
    lasting: dict[str, frozenset[str]] = {}
    for d in there:
        lasting[d.officer] = lasting.get(d.officer, d.qualifications) & d.qualifications
    cuts = sorted({a, b, *(max(d.start, a) for d in there), *(min(d.end, b) for d in there)})
    wanted: dict[str, int] = defaultdict(int)
    for q, count in need.needs:
        wanted[q] += count
    left: list[Need] = []
    for lo, hi in pairwise(cuts):
        present = {d.officer for d in there if d.start <= lo and d.end >= hi}
        filled = bind_places(wanted, {o: lasting[o] for o in present}).filled
        if not any(filled.values()):
            rest = need.needs
        else:
            open_ = tuple((q, n - filled[q]) for q, n in wanted.items() if n > filled[q])
            if not open_:
                continue
            rest = shared.setdefault(open_, open_)
        if left and left[-1].needs is rest and left[-1].end == lo:
            left[-1] = left[-1]._replace(end=hi)
        else:
            left.append(need._replace(start=lo, end=hi, needs=rest))
    for officer in officers:
        pieces = free.get(officer)
        if pieces and any(d.start < b and d.end > a for d in pieces):
            free[officer] = [p for d in pieces for p in _without(d, a, b)]
    return left


def on_duty_throughout(
    duties: Iterable[Duty], unit: str | None, need: Need
) -> dict[str, frozenset[str]]:
    """The officers on duty for ``unit`` for all of the need's time, each with the
    qualifications valid in every piece of his duty within it: the edges of
    ``matching.bind_places`` for officers who might be deployed (R8, valid throughout).

    Args:
        duties: supply (``load_duties``), any units.
        unit: the unit's catalogue code the time counts for; None for any.
        need: the activity's need (its ``start`` and ``end``, the sweep's epoch seconds).

    Returns:
        Per callsign the qualification codes valid throughout; officers with none left out.
    """
    start, end = need.start, need.end
    pieces: dict[str, list[Duty]] = defaultdict(list)
    for d in duties:
        if (unit is None or d.unit == unit) and d.start < end and d.end > start:
            pieces[d.officer].append(d)
    found = {}
    for officer, mine in pieces.items():
        reach, quals = start, None
        for d in sorted(mine, key=itemgetter(2)):
            if d.start > reach:
                break
            reach = max(reach, d.end)
            quals = d.qualifications if quals is None else quals & d.qualifications
        if reach >= end and quals:
            found[officer] = quals
    return found


def _without(duty: Duty, a: int, b: int) -> list[Duty]:
    """``duty`` without [a, b)."""
    if duty.end <= a or duty.start >= b:
        return [duty]
    pieces = []
    if duty.start < a:
        pieces.append(duty._replace(end=a))
    if duty.end > b:
        pieces.append(duty._replace(start=b))
    return pieces


def _compute(
    needs: list[Need], duties: list[Duty], window: tuple[int, int], order: tuple[str, ...]
) -> list[Gap]:
    by_unit_needs: dict[str, list[Need]] = defaultdict(list)
    by_unit_duties: dict[str, list[Duty]] = defaultdict(list)
    lo, hi = window
    for need in needs:
        if need.end > lo and need.start < hi:
            by_unit_needs[need.unit].append(need)
    for duty in duties:
        if duty.end > lo and duty.start < hi:
            by_unit_duties[duty.unit].append(duty)
    sweep = _Sweep(order, lo, hi)
    rows: list[tuple[int, str, str, Gap]] = []
    for unit in sorted(by_unit_needs):
        for gap_start, qualification, gap in sweep.unit_gaps(
            unit, by_unit_needs[unit], by_unit_duties.get(unit, [])
        ):
            rows.append((gap_start, unit, qualification, gap))
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows]


#: A run of constant positive shortfall: (start, end, shortfall, peak demand), epoch seconds.
_Run = tuple[int, int, int, int]
#: Demand as the attribution sweep sees it: (start, end, source id), clipped to the window;
#: epoch seconds.
_Entry = tuple[int, int, str]


class _Sweep:
    """The gap computation over one window, unit by unit (shares masks and moments)."""

    def __init__(self, order: tuple[str, ...], lo: int, hi: int) -> None:
        self.order = order
        self.index = {q: i for i, q in enumerate(order)}
        self.lo, self.hi = lo, hi
        self.masks: dict[frozenset[str], int] = {}
        self.moments: dict[int, datetime] = {}

    def mask(self, qualifications: frozenset[str]) -> int:
        """The qualifications as a bit mask in attribution order (unknown ones ignored)."""
        found = self.masks.get(qualifications)
        if found is None:
            index = self.index
            found = sum(1 << index[q] for q in qualifications if q in index)
            self.masks[qualifications] = found
        return found

    def moment(self, epoch: int) -> datetime:
        found = self.moments.get(epoch)
        if found is None:
            found = self.moments[epoch] = from_epoch(epoch)
        return found

    def unit_gaps(
        self, unit: str, needs: list[Need], duties: list[Duty]
    ) -> list[tuple[int, str, Gap]]:
        """The unit's gap rows as (start epoch, qualification, gap).

        Demand is one integer with a ``width``-bit field per qualification, supply one with a
        field per distinct group of officers (officers with the same valid qualifications);
        the width holds the total of all counts, so no field overflows and the pair of
        integers is exactly the state of an interval."""
        width = (len(needs) * _peak_count(needs) + len(duties)).bit_length() + 1
        demand_changes: dict[int, int] = {}  # moment -> change of the packed demand
        supply_changes: dict[int, int] = {}
        demanding = self._demand(needs, width, demand_changes)
        groups = self._supply(duties, width, supply_changes)
        runs = self._runs(demand_changes, supply_changes, width, groups)
        order, make = self.order, Gap._make
        result = []
        for q, q_runs in runs.items():
            concerned = zip(
                _concerned(q_runs, demanding.get((q, "activity"), [])),
                _concerned(q_runs, demanding.get((q, "post"), [])),
                strict=True,
            )
            for (start, end, short, required), (activities, posts) in zip(
                q_runs, concerned, strict=True
            ):
                gap = make(
                    (
                        self.moment(start),
                        self.moment(end),
                        unit,
                        order[q],
                        required,
                        required - short,
                        short,
                        activities,
                        posts,
                    )
                )
                result.append((start, order[q], gap))
        return result

    def _demand(
        self, needs: list[Need], width: int, changes: dict[int, int]
    ) -> dict[tuple[int, str], list[_Entry]]:
        """Add the needs' demand changes to ``changes``; return per (qualification index,
        kind) the needs that demand it."""
        lo, hi, index = self.lo, self.hi, self.index
        demanding: dict[tuple[int, str], list[_Entry]] = defaultdict(list)
        # per distinct staffing and kind (keyed by identity: load_needs shares the staffing
        # tuples): its packed demand, and the lists of the qualifications it names
        known: dict[tuple[int, str], tuple[int, list[list[_Entry]]]] = {}
        get = changes.get
        for _unit, a, b, staffing, source, kind in needs:
            key = (id(staffing), kind)
            found = known.get(key)
            if found is None:
                named: dict[int, int] = {}  # a qualification named twice asks for both counts
                for qual, count in staffing:
                    if qual in index and count > 0:
                        named[index[qual]] = named.get(index[qual], 0) + count
                found = known[key] = (
                    sum(c << (width * q) for q, c in named.items()),
                    [demanding[q, kind] for q in named],
                )
            amount, lists = found
            if not amount:
                continue
            if a < lo:
                a = lo
            if b > hi:
                b = hi
            changes[a] = get(a, 0) + amount
            changes[b] = get(b, 0) - amount
            entry = (a, b, source)
            for listed in lists:
                listed.append(entry)
        return demanding

    def _supply(self, duties: list[Duty], width: int, changes: dict[int, int]) -> list[int]:
        """Add the duties' supply changes to ``changes``; return the officer groups' masks in
        field order."""
        lo, hi = self.lo, self.hi
        slots: dict[int, int] = {}  # officer group mask -> its supply field's unit value
        ones: dict[frozenset[str], int] = {}  # valid qualifications -> the same (0: none)
        get = changes.get
        for _officer, _unit, a, b, qualifications in duties:
            one = ones.get(qualifications)
            if one is None:
                mask = self.mask(qualifications)
                one = slots.get(mask, 0) if mask else 0
                if mask and not one:
                    one = slots[mask] = 1 << (width * len(slots))
                ones[qualifications] = one
            if not one:
                continue
            if a < lo:
                a = lo
            if b > hi:
                b = hi
            changes[a] = get(a, 0) + one
            changes[b] = get(b, 0) - one
        return list(slots)

    def _runs(
        self,
        demand_changes: dict[int, int],
        supply_changes: dict[int, int],
        width: int,
        group_masks: list[int],
    ) -> dict[int, list[_Run]]:
        """Per qualification index, the maximal runs of constant positive shortfall, in time
        order."""
        nq = len(self.order)
        coverage = _Coverage(nq, width, group_masks)
        runs: dict[int, list[_Run]] = defaultdict(list)
        nothing = (0,) * nq
        open_start = [0] * nq
        open_peak = [0] * nq
        previous = nothing
        demand = supply = 0
        times = sorted(demand_changes.keys() | supply_changes.keys())
        demand_change, supply_change = demand_changes.get, supply_changes.get
        for position in range(len(times) - 1):
            moment = times[position]
            demand += demand_change(moment, 0)
            supply += supply_change(moment, 0)
            short, wanted = coverage.of(demand, supply) if demand else (nothing, nothing)
            if short is previous or short == previous:
                if short is not nothing:
                    for q in range(nq):
                        if short[q] and wanted[q] > open_peak[q]:
                            open_peak[q] = wanted[q]
                continue
            for q in range(nq):
                before, now = previous[q], short[q]
                if before == now:
                    if now and wanted[q] > open_peak[q]:
                        open_peak[q] = wanted[q]
                    continue
                if before:
                    runs[q].append((open_start[q], moment, before, open_peak[q]))
                if now:
                    open_start[q], open_peak[q] = moment, wanted[q]
            previous = short
        for q in range(nq):
            if previous[q]:
                runs[q].append((open_start[q], times[-1], previous[q], open_peak[q]))
        return runs


class _Coverage:
    """Shortfall and demand per qualification for a packed demand against a packed supply
    (see ``_Sweep.unit_gaps``), solved once per distinct pair: states repeat."""

    def __init__(self, qualifications: int, width: int, group_masks: list[int]) -> None:
        self.field = (1 << width) - 1
        self.width = width
        self.shifts = [width * q for q in range(qualifications)]
        self.group_masks = group_masks
        self.states: dict[tuple[int, int], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        #: per packed supply: its groups (mask, count) and the memo ``assign`` keeps for them
        self.supplies: dict[int, tuple[tuple[tuple[int, int], ...], dict[int, int]]] = {}

    def of(self, demand: int, supply: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(shortfall, demand) per qualification index."""
        found = self.states.get((demand, supply))
        if found is None:
            found = self.states[(demand, supply)] = self._solve(demand, supply)
        return found

    def _solve(self, demand: int, supply: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        field = self.field
        wanted = tuple([(demand >> s) & field for s in self.shifts])
        decoded = self.supplies.get(supply)
        if decoded is None:
            groups = []
            for slot, mask in enumerate(self.group_masks):
                count = (supply >> (self.width * slot)) & field
                if count:
                    groups.append((mask, count))
            decoded = self.supplies[supply] = (tuple(groups), {})
        covered = assign(wanted, *decoded)
        return tuple([w - c for w, c in zip(wanted, covered, strict=True)]), wanted


def _peak_count(needs: list[Need]) -> int:
    """A bound on what any need asks of one qualification: its largest total count."""
    staffings = {id(n.needs): n.needs for n in needs}
    return max((sum(c for _q, c in s) for s in staffings.values()), default=0)


def _concerned(runs: list[_Run], demanding: list[_Entry]) -> list[tuple[str, ...]]:
    """For each run of one qualification, the sorted ids of the needs of one kind (those in
    ``demanding``) that overlap it.

    One sweep: runs are disjoint and in time order, so a need is taken in once a run reaches
    its start and dropped once a run starts at or after its end. What is active is kept sorted
    by id, so a run's ids are a copy, not a sort, and the previous run's when unchanged."""
    if not demanding:
        return [()] * len(runs)
    demanding.sort(key=_first)  # stable; they mostly arrive by start already
    starts = [entry[0] for entry in demanding]
    items = [(entry[2], entry[1]) for entry in demanding]  # (id, end)
    taken = 0
    active: list[tuple[str, int]] = []  # by id
    ids: tuple[str, ...] = ()
    concerned = []
    for start, end, _short, _peak in runs:
        changed = False
        reached = bisect_left(starts, end, taken)  # needs that start before the run ends
        if reached > taken:
            active += items[taken:reached]
            active.sort()
            taken = reached
            changed = True
        kept = [item for item in active if item[1] > start]
        if len(kept) != len(active):
            active = kept
            changed = True
        if changed:
            ids = tuple(map(_first, active))
        concerned.append(ids)
    return concerned


_first = itemgetter(0)


# Loading from the database --------------------------------------------------------------------


def load_needs(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[Need]:
    """Demand in [start, end): live activities with a concept and standing posts, optionally of
    one unit's subjects; times in epoch seconds.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code exactly as stored (``unit_code`` reads one typed in
            any case), or None for every unit.

    Returns:
        One ``Need`` per activity, then per post, that overlaps the window, with its whole
        time (epoch seconds, not cut to the window) and its concept's staffing; empty for a
        code that names no unit.
    """
    staffing: dict[str, tuple[tuple[str, int], ...]] = {
        c.code: tuple((s.qualification, s.count) for s in c.staffing) for c in list_concepts(store)
    }
    units = dict(store.tuples("SELECT id, unit FROM subject"))
    window = (to_db(end), to_db(start))
    make = Need._make  # tens of thousands: cheaper than calling the class
    needs = [
        make((units[subject], a, b, staffing[concept], source, "activity"))
        for a, b, concept, subject, source in epochs_read(
            store.tuples(
                "SELECT unixepoch(start_at), unixepoch(end_at), concept, subject_id, id"
                " FROM activity WHERE start_at < ? AND end_at > ? AND status != 'cancelled'"
                " AND concept IS NOT NULL",
                window,
            ),
            "activity.start_at/end_at",
            0,
            1,
        )
    ]
    needs += [
        make((units[subject], a, b, staffing[concept], source, "post"))
        for a, b, concept, subject, source in epochs_read(
            store.tuples(
                "SELECT unixepoch(start_at), unixepoch(end_at), concept, subject_id, id"
                " FROM standing_post WHERE start_at < ? AND end_at > ?",
                window,
            ),
            "standing_post.start_at/end_at",
            0,
            1,
        )
    ]
    if unit is not None:
        needs = [n for n in needs if n.unit == unit]
    return needs


def _local_days(start: datetime, end: datetime) -> tuple[list[int], list[str]]:
    """Local midnights (epoch) from the day before ``start`` to after ``end``, and their dates."""
    day = start.astimezone(LOCAL_TZ).date() - timedelta(days=2)
    last = end.astimezone(LOCAL_TZ).date() + timedelta(days=2)
    moments, names = [], []
    while day <= last:
        moments.append(epoch_seconds(datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)))
        names.append(day.isoformat())
        day += timedelta(days=1)
    return moments, names


class _Qualifications:
    """Each officer's qualifications valid on a local day (R8), shared between equal sets."""

    def __init__(self, store: Store, first_day: str, last_day: str) -> None:
        held: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for staff_id, code, until in store.tuples(
            "SELECT staff_id, qualification, valid_until FROM staff_qualification"
        ):
            held[staff_id].append((code, until))
        self.shared: dict[frozenset[str], frozenset[str]] = {}
        #: officers whose set is the same on every day of the period
        self.steady: dict[str, frozenset[str]] = {}
        self.lapsing: dict[str, list[tuple[str, str | None]]] = {}
        for staff_id, quals in held.items():
            if all(until is None or until >= last_day or until < first_day for _q, until in quals):
                self.steady[staff_id] = self._share(
                    frozenset(q for q, until in quals if until is None or until >= first_day)
                )
            else:
                self.lapsing[staff_id] = quals
        self.none: frozenset[str] = self._share(frozenset())
        self.by_day: dict[tuple[str, str], frozenset[str]] = {}

    def _share(self, quals: frozenset[str]) -> frozenset[str]:
        return self.shared.setdefault(quals, quals)

    def on(self, staff_id: str, day: str) -> frozenset[str]:
        found = self.steady.get(staff_id)
        if found is not None:
            return found
        quals = self.lapsing.get(staff_id)
        if quals is None:
            return self.none
        key = (staff_id, day)
        found = self.by_day.get(key)
        if found is None:
            found = self.by_day[key] = self._share(
                frozenset(q for q, until in quals if until is None or day <= until)
            )
        return found


def load_duties(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[Duty]:
    """Officers on duty in [start, end), cut at local midnight (where a qualification may
    lapse, R8) and where they are deployed on another unit's activity — counted there while
    deployed, and for no unit while they travel there and back (the catalogue's minutes);
    optionally only the duties that count for one unit. Times in epoch seconds.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code exactly as stored (``unit_code`` reads one typed in
            any case), or None for every unit.

    Returns:
        One ``Duty`` per piece of each shift that overlaps the window (epoch seconds, not cut
        to the window), with the qualifications valid on its local day; the time on the way
        to or from a deployment is in none.

    Raises:
        BadInput: ``end`` is not after ``start`` (``validate.period``).
    """
    validate.period(start, end)
    window = (to_db(end), to_db(start))
    reach = timedelta(minutes=1440)  # the most travel the catalogue allows (unit_travel)
    away = _bound_away(store, to_db(end + reach), to_db(start - reach))
    midnights, day_names = _local_days(start, end)
    valid = _Qualifications(store, day_names[0], day_names[-1])
    steady = valid.steady
    people = {
        staff_id: (callsign, home)
        for staff_id, callsign, home in store.tuples("SELECT id, callsign, unit FROM staff")
    }
    duties: list[Duty] = []
    make = Duty._make  # tens of thousands: cheaper than calling the class
    day_of: dict[int, tuple[int, int]] = {}  # shift start -> (local day index, next midnight)
    for staff_id, a, b in epochs_read(
        store.tuples(
            "SELECT staff_id, unixepoch(start_at), unixepoch(end_at) FROM shift"
            " WHERE start_at < ? AND end_at > ?",
            window,
        ),
        "shift.start_at/end_at",
        1,
        2,
    ):
        callsign, home = people[staff_id]
        day = day_of.get(a)
        if day is None:
            index = bisect_right(midnights, a) - 1
            day = day_of[a] = (index, midnights[index + 1])
        if b <= day[1] and staff_id not in away and unit in (None, home):
            # the common case: within one local day, at home
            quals = steady.get(staff_id)
            if quals is None:
                quals = valid.on(staff_id, day_names[day[0]])
            duties.append(make((callsign, home, a, b, quals)))
            continue
        pieces = _split_away(a, b, home, away[staff_id]) if staff_id in away else [(a, b, home)]
        for piece_start, piece_end, piece_unit in pieces:
            if unit is not None and piece_unit != unit:
                continue
            index = bisect_right(midnights, piece_start) - 1
            cursor = piece_start
            while cursor < piece_end:
                stop = midnights[index + 1]
                if stop > piece_end:
                    stop = piece_end
                quals = steady.get(staff_id)
                if quals is None:
                    quals = valid.on(staff_id, day_names[index])
                duties.append(make((callsign, piece_unit, cursor, stop, quals)))
                cursor = stop
                index += 1
    return duties


class _Stay(NamedTuple):
    """Where the deployments place an officer for one of them (``_itinerary``), the fast
    internal form: **epoch seconds (UTC)** throughout, as the sweep's ``Need`` and ``Duty``.

    Attributes:
        activity: the activity's id.
        place: the unit of its subject (where he must be).
        leave: when he sets off for it: from the stay before when that leaves him too little
            time (``arrive > start``), else ``start`` less the travel from his own unit.
        start: when he is bound to it: its start, or the end of the time an activity that
            starts earlier holds him (``bind``: the one that starts first, then by id).
        arrive: when he is there and counts at it: ``start``, or later by what the travel
            from the stay before still takes (the catalogue's minutes between the places).
        end: its end.
        depart: when he leaves it for his own unit: ``end``, or earlier by what he needs to
            be home by the end of his duty (the trip home is working time, as ``deploy``
            holds; never before ``arrive``).
        back: when he is back at his own unit after it (``depart`` plus the travel home).
        fresh: he comes to it from his own unit, where his duty began (not from a stay).
    """

    activity: str
    place: str
    leave: int
    start: int
    arrive: int
    end: int
    depart: int
    back: int
    fresh: bool = False


def _itinerary(
    deployments: Iterable[tuple[int, int, str, str]],
    home: str,
    travel: Callable[[str, str], int],
    runs: Sequence[tuple[int, int]] = (),
) -> list[_Stay]:
    """The officer's stays, one per deployment that holds him some time: ``deployments`` are
    (start, end, activity id, place), epoch seconds, by start then id; ``home`` his unit;
    ``travel(a, b)`` the seconds between two units; ``runs`` each unbroken run of his shifts
    (``_duty_runs``: start, end), which begins and ends at his own unit.

    An officer deployed on two activities at once is bound to the one that starts first (then
    by id) until it ends (``bind``); the next one has him from then, but counts him only once
    he can be there: the end of where he was before — the stay before, or his own unit when
    his duty began — plus the travel between the places (issue 16: a restriction that moves an
    activity too close to the one before, or to the start of his shift, leaves it short until
    he arrives, as ``deploy`` would refuse him). The same at the end of his duty: he leaves a
    stay in time to be home when his run of duty ends, so a stay that ends later is short
    from then (rev16e f3)."""
    starts = [a for a, _b in runs]
    stays: list[_Stay] = []
    furthest: int | None = None
    for a, b, activity, place in deployments:
        start = a if furthest is None or furthest < a else furthest
        furthest = b if furthest is None or furthest < b else furthest
        if start >= b:
            continue  # held by activities that start earlier for all of it
        since, origin, fresh = (
            (stays[-1].end, stays[-1].place, False) if stays else (None, home, False)
        )
        began = bisect_left(starts, b) - 1  # the last run of duty that begins before it ends
        if began >= 0 and (since is None or starts[began] >= since):
            since, origin, fresh = starts[began], home, True  # on duty at his own unit since
        leave, arrive = start - travel(home, place), start
        if since is not None and since + travel(origin, place) > start:
            leave, arrive = since, min(b, since + travel(origin, place))
        home_trip, depart = travel(place, home), b
        if began >= 0 and home_trip and runs[began][1] - home_trip < b:
            depart = max(arrive, runs[began][1] - home_trip)
        stays.append(
            _Stay(activity, place, leave, start, arrive, b, depart, depart + home_trip, fresh)
        )
    return stays


def _duty_runs(shifts: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each unbroken run of an officer's shifts (epoch seconds; shifts that meet or overlap
    run on), (start, end) in order."""
    runs: list[tuple[int, int]] = []
    for a, b in sorted(shifts):
        if runs and a <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], b))
        else:
            runs.append((a, b))
    return runs


def lent_for_duty(pieces: Iterable[Duty], unit: str, travel: int) -> list[Duty]:
    """One officer's duty pieces (``load_duties``: cut at local midnight, R8) as they count at
    ``unit`` when he is lent to it for all his duty: from the start of each unbroken run of
    his duty plus the travel there, until the end of that run less the travel home — the trip
    home is working time, as ``deploy`` holds and ``_itinerary`` places a deployed officer.
    The travel is taken once at each end of a run, never at a midnight cut inside it.

    Args:
        pieces: the officer's duties at his own unit (epoch seconds).
        unit: the unit he is lent to.
        travel: the travel between the two units, seconds.

    Returns:
        The pieces at ``unit``, each within its own piece and local day (qualifications
        kept); none for a run shorter than the travel there and back.
    """
    pieces = list(pieces)
    runs = _duty_runs((d.start, d.end) for d in pieces)
    lent: list[Duty] = []
    for piece in pieces:
        run = next(r for r in runs if r[0] <= piece.start and piece.end <= r[1])
        lo, hi = max(piece.start, run[0] + travel), min(piece.end, run[1] - travel)
        if hi > lo:
            lent.append(Duty(piece.officer, unit, lo, hi, piece.qualifications))
    return lent


def _travel_seconds(store: Store) -> Callable[[str, str], int]:
    """The catalogue's travel between two units in seconds, each pair read once."""
    seconds: dict[tuple[str, str], int] = {}

    def travel(a: str, b: str) -> int:
        found = seconds.get((a, b))
        if found is None:
            found = seconds[(a, b)] = travel_minutes(store, a, b) * 60
        return found

    return travel


def arrivals(
    store: Store,
    activity_id: str,
    span: tuple[datetime, datetime],
    officers: Iterable[tuple[str, str]],
) -> dict[str, tuple[datetime, datetime, datetime, bool] | None]:
    """When each officer deployed on an activity (or as if he were, and as if it ran over
    ``span``) is bound to it, when he is there and when he leaves it to be home by the end of
    his duty — the one placement ``load_duties`` and ``bind`` count him by (``_itinerary``).

    Args:
        activity_id: the activity's full id.
        span: (start, end), aware UTC: the activity's time, its own or as if it ran then.
        officers: (staff id, own unit's code) of each officer.

    Returns:
        Per staff id, (bound from, there from, there until, fresh), aware UTC, within
        ``span``: before the first he is bound to an activity that starts earlier, between
        the first two on his way from the one before (``fresh``: from his own unit, where his
        duty began), after the last on his way home to be there when his duty ends; None when
        activities that start earlier hold him for all of it.
    """
    start, end = span
    reach = timedelta(minutes=1440)  # the most travel the catalogue allows (unit_travel)
    row = store.one(
        "SELECT s.unit FROM activity a JOIN subject s ON s.id = a.subject_id WHERE a.id = ?",
        (activity_id,),
    )
    assert row is not None
    own = (epoch_seconds(start), epoch_seconds(end), activity_id, row[0])
    window = (to_db(end), to_db(start - reach))
    travel = _travel_seconds(store)
    found: dict[str, tuple[datetime, datetime, datetime, bool] | None] = {}
    for staff_id, home in officers:
        rows = store.tuples(
            "SELECT unixepoch(a.start_at), unixepoch(a.end_at), a.id, s.unit FROM deployment d"
            " JOIN activity a ON a.id = d.activity_id JOIN subject s ON s.id = a.subject_id"
            " WHERE d.staff_id = ? AND a.id != ? AND a.status != 'cancelled'"
            " AND a.concept IS NOT NULL AND a.start_at < ? AND a.end_at > ?",
            (staff_id, activity_id, *window),
        )
        shifts = store.tuples(
            "SELECT unixepoch(start_at), unixepoch(end_at) FROM shift WHERE staff_id = ?"
            " AND start_at < ? AND end_at > ?",
            (staff_id, *window),
        )
        epochs_read(rows, "activity.start_at/end_at", 0, 1)
        epochs_read(shifts, "shift.start_at/end_at", 0, 1)
        deployments = sorted([*rows, own], key=lambda r: (r[0], r[2]))
        stays = _itinerary(deployments, home, travel, _duty_runs(shifts))
        stay = next((s for s in stays if s.activity == activity_id), None)
        found[staff_id] = None
        if stay is not None:
            found[staff_id] = (
                from_epoch(stay.start),
                from_epoch(stay.arrive),
                from_epoch(stay.depart),
                stay.fresh,
            )
    return found


def _bound_away(store: Store, before: str, after: str) -> dict[str, list[_Stay]]:
    """Per officer deployed on another unit's activity, his stays at all his deployments
    (``_itinerary``): where he counts, and when he is on his way (counted for no unit)."""
    rows = store.tuples(
        "SELECT d.staff_id, unixepoch(a.start_at), unixepoch(a.end_at), a.id, s.unit, p.unit"
        " FROM deployment d JOIN activity a ON a.id = d.activity_id"
        " JOIN subject s ON s.id = a.subject_id JOIN staff p ON p.id = d.staff_id"
        " WHERE a.status != 'cancelled' AND a.concept IS NOT NULL AND a.start_at < ?"
        " AND a.end_at > ? AND d.staff_id IN (SELECT e.staff_id FROM deployment e"
        " JOIN activity f ON f.id = e.activity_id JOIN subject t ON t.id = f.subject_id"
        " JOIN staff q ON q.id = e.staff_id WHERE t.unit != q.unit AND f.status != 'cancelled'"
        " AND f.start_at < ? AND f.end_at > ?) ORDER BY 2, 4",
        (before, after, before, after),
    )
    epochs_read(rows, "activity.start_at/end_at", 1, 2)
    by_officer: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    homes: dict[str, str] = {}
    for staff_id, a, b, activity, there, home in rows:
        by_officer[staff_id].append((a, b, activity, there))
        homes[staff_id] = home
    if not by_officer:
        return {}
    shifts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for staff_id, a, b in epochs_read(
        store.tuples(
            "SELECT staff_id, unixepoch(start_at), unixepoch(end_at) FROM shift"
            " WHERE start_at < ? AND end_at > ? AND staff_id IN (SELECT value FROM json_each(?))",
            (before, after, json.dumps(list(by_officer))),
        ),
        "shift.start_at/end_at",
        1,
        2,
    ):
        shifts[staff_id].append((a, b))
    travel = _travel_seconds(store)
    return {
        staff_id: _itinerary(deployments, homes[staff_id], travel, _duty_runs(shifts[staff_id]))
        for staff_id, deployments in by_officer.items()
    }


def _split_away(start: int, end: int, unit: str, stays: list[_Stay]) -> list[tuple[int, int, str]]:
    """Cut a shift by the officer's stays (``_itinerary``): counted at a stay's place while
    he is there, for no unit while on his way to it or back to his own ``unit``, and for
    his own unit otherwise."""
    cuts = {start, end}
    for stay in stays:
        cuts.update((stay.leave, stay.start, stay.arrive, stay.end, stay.depart, stay.back))
    pieces: list[tuple[int, int, str]] = []
    points = sorted(t for t in cuts if start <= t <= end)
    for lo, hi in pairwise(points):
        label = next((s.place for s in stays if s.arrive <= lo and hi <= s.depart), None)
        if label is None:
            if any(
                (s.leave <= lo and hi <= s.arrive) or (s.depart <= lo and hi <= s.back)
                for s in stays
            ):
                continue  # on the way
            label = unit
        if pieces and pieces[-1][1] == lo and pieces[-1][2] == label:
            pieces[-1] = (pieces[-1][0], hi, label)
        else:
            pieces.append((lo, hi, label))
    return pieces


def _window(start: datetime, end: datetime) -> tuple[int, int]:
    return epoch_seconds(start), epoch_seconds(end)


def unit_code(store: Store, unit: str | None) -> str | None:
    """The catalogue code of ``unit`` (any case), or None for all units.

    Args:
        unit: a unit's code in any case, or None.

    Returns:
        The code as the catalogue writes it, or None when ``unit`` is None.

    Raises:
        NotFound: no such unit (so a filter never reports a false all-clear).
    """
    return None if unit is None else get_unit(store, unit).code


def load_bonds(store: Store, start: datetime, end: datetime) -> list[Bond]:
    """The deployments on live activities in [start, end), by activity start then id.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).

    Returns:
        One ``Bond`` (officer callsign, activity id) per deployment.
    """
    return [
        Bond(callsign, activity)
        for callsign, activity in store.tuples(
            "SELECT p.callsign, a.id FROM deployment d JOIN activity a ON a.id = d.activity_id"
            " JOIN staff p ON p.id = d.staff_id WHERE a.status != 'cancelled'"
            " AND a.start_at < ? AND a.end_at > ? ORDER BY a.start_at, a.id, p.callsign",
            (to_db(end), to_db(start)),
        )
    ]


def find_gaps(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[Gap]:
    """Gaps in [start, end), optionally for one unit, ordered by start, unit, qualification.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code (any case), or None for every unit.

    Returns:
        The gap rows (``compute``: times aware UTC, cut to the window); empty when nothing
        is short (activities without a concept demand nothing: ``unplanned_activities``).

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
        BadInput: ``end`` is not after ``start``.
    """
    code = unit_code(store, unit)
    order = attribution_order(q.code for q in list_qualifications(store))
    with _acyclic():
        needs = load_needs(store, start, end, unit=code)
        duties = load_duties(store, start, end, unit=code)
        bonds = load_bonds(store, start, end)
        return compute(needs, duties, _window(start, end), order, bonds)


def unplanned_activities(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[str]:
    """Ids of live activities in [start, end) that have no concept yet, optionally of one
    unit's subjects, by start.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code (any case), or None for every unit.

    Returns:
        The activity ids, by start then id; empty when every live activity has a concept.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
    """
    code = unit_code(store, unit)
    return [
        r[0]
        for r in store.tuples(
            "SELECT a.id FROM activity a JOIN subject s ON s.id = a.subject_id"
            " WHERE a.concept IS NULL AND a.status != 'cancelled'"
            " AND a.start_at < ? AND a.end_at > ? AND (? IS NULL OR s.unit = ?)"
            " ORDER BY a.start_at, a.id",
            (to_db(end), to_db(start), code, code),
        )
    ]


def any_deployed(store: Store, start: datetime, end: datetime, *, unit: str | None = None) -> bool:
    """Whether any officer is deployed on a live activity in [start, end) (of one unit's
    subjects): only then can a deployment break a rule (``staffing.deployment_violations``,
    whose rules a scripted ``gaps`` need not load otherwise).

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code (any case), or None for every unit.

    Returns:
        True when at least one such deployment exists.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
    """
    code = unit_code(store, unit)
    return (
        store.one(
            "SELECT 1 FROM deployment d JOIN activity a ON a.id = d.activity_id"
            " JOIN subject s ON s.id = a.subject_id WHERE a.status != 'cancelled'"
            " AND a.start_at < ? AND a.end_at > ? AND (? IS NULL OR s.unit = ?) LIMIT 1",
            (to_db(end), to_db(start), code, code),
        )
        is not None
    )


class PostBelow(NamedTuple):
    """A standing post whose concept is below its subject's required level now, as
    ``posts_below_required`` lists it; times aware UTC."""

    id: str
    start: datetime
    end: datetime
    concept: str
    subject_id: str


#: Why a standing post needs re-planning, as ``activity_view.replan_reason`` says it of an
#: activity (R1 below the level, R3 outside the package or the subject's kind, R4 outside the
#: pilot scope), or NULL; over ``standing_post p``, ``subject s``, ``subject_protection sp``,
#: ``concept_rank cr`` and ``concept c`` (``posts`` and ``gaps.posts_below_required``).
POST_REPLAN = (
    "CASE WHEN sp.required_rank IS NULL THEN 'no_threat_assessment'"
    " WHEN cr.rank IS NULL OR cr.rank < sp.required_rank THEN 'below_required'"
    " WHEN NOT EXISTS (SELECT 1 FROM package_concept pc"
    " WHERE pc.package = sp.package AND pc.concept = p.concept) THEN 'outside_package'"
    " WHEN instr(',' || c.subject_kinds || ',', ',' || s.kind || ',') = 0"
    " THEN 'wrong_subject_kind'"
    " WHEN c.pilot = 1 AND NOT EXISTS (SELECT 1 FROM pilot_scope pls WHERE pls.concept = p.concept"
    " AND (pls.unit = s.unit OR pls.package = sp.package)) THEN 'outside_pilot_scope'"
    " END"
)


def posts_below_required(
    store: Store, start: datetime, end: datetime, *, unit: str | None = None
) -> list[PostBelow]:
    """Standing posts in [start, end) that need re-planning now (``POST_REPLAN``: the
    concept below the subject's required level, outside its package, kind or pilot scope,
    as an activity is flagged; a threat change after the post was set up). By start;
    optionally of one unit's subjects.

    Args:
        start: aware UTC, the start of the window (inclusive).
        end: aware UTC, its end (exclusive).
        unit: a unit's catalogue code (any case), or None for every unit.

    Returns:
        One ``PostBelow`` per post.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
    """
    code = unit_code(store, unit)
    moment = datetime.fromtimestamp
    return [
        PostBelow(p, moment(a, UTC), moment(b, UTC), c, subject)
        for p, a, b, c, subject in epochs_read(
            store.tuples(
                "SELECT p.id, unixepoch(p.start_at), unixepoch(p.end_at), p.concept, p.subject_id"
                " FROM standing_post p JOIN subject s ON s.id = p.subject_id"
                " JOIN subject_protection sp ON sp.subject_id = p.subject_id"
                " JOIN concept_rank cr ON cr.concept = p.concept"
                " JOIN concept c ON c.code = p.concept"
                f" WHERE p.start_at < ? AND p.end_at > ? AND ({POST_REPLAN}) IS NOT NULL"
                " AND (? IS NULL OR s.unit = ?) ORDER BY p.start_at, p.id",
                (to_db(end), to_db(start), code, code),
            ),
            "standing_post.start_at/end_at",
            1,
            2,
        )
    ]


@dataclass(frozen=True)
class HourProfile:
    """One unit's hour: officers needed by what runs in it, and the worst shortfall in it."""

    demand: int
    shortfall: int


def gaps_by_hour(
    store: Store, start: datetime, hours: int
) -> tuple[list[Gap], dict[str, list[HourProfile]]]:
    """The gaps of ``hours`` hours from ``start`` and, per unit with demand, hour by hour, the
    officers needed and the worst shortfall: for the Roster & gaps time line. Reads once.

    Args:
        start: aware UTC, the first hour's start.
        hours: how many hours.

    Returns:
        ``(gaps, profile)``: the gap rows (``compute``: times aware UTC, cut to the
        ``hours``), and ``hourly_profile`` of them.

    Raises:
        BadInput: ``hours`` is not positive.
    """
    end = start + timedelta(hours=hours)
    order = attribution_order(q.code for q in list_qualifications(store))
    with _acyclic():
        needs = load_needs(store, start, end)
        duties, bonds = load_duties(store, start, end), load_bonds(store, start, end)
        found = compute(needs, duties, _window(start, end), order, bonds)
    return found, hourly_profile(needs, found, start, hours)


def hourly_profile(
    needs: list[Need], found: list[Gap], start: datetime, hours: int
) -> dict[str, list[HourProfile]]:
    """Per unit with demand, hour by hour from ``start``: officers needed and worst shortfall.

    Args:
        needs: the demand (``load_needs``).
        found: the gap rows.
        start: aware UTC, the first hour's start.
        hours: how many hours.

    Returns:
        Per unit code with demand in them, by code, ``hours`` ``HourProfile`` entries, one
        per hour from ``start`` (elapsed hours, not local clock hours): the officers the
        needs touching that hour ask for together, and the largest shortfall of a gap row in
        it (0 when none).
    """
    lo = epoch_seconds(start)
    demand: dict[str, list[int]] = defaultdict(lambda: [0] * hours)
    short: dict[str, list[int]] = defaultdict(lambda: [0] * hours)
    for need in needs:
        total = sum(count for _q, count in need.needs)
        for hour in _hours_touched(need.start, need.end, lo, hours):
            demand[need.unit][hour] += total
    for gap in found:
        a, b = epoch_seconds(gap.start), epoch_seconds(gap.end)
        for hour in _hours_touched(a, b, lo, hours):
            short[gap.unit][hour] = max(short[gap.unit][hour], gap.shortfall)
    return {
        unit: [HourProfile(d, short[unit][h]) for h, d in enumerate(demand[unit])]
        for unit in sorted(demand)
    }


def _hours_touched(a: int, b: int, lo: int, hours: int) -> range:
    """The indexes of the whole hours from ``lo`` (of ``hours``) that [a, b) overlaps (all
    epoch seconds)."""
    return range(max(0, (a - lo) // 3600), min(hours, (b - lo - 1) // 3600 + 1))
