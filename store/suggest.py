"""What can still be done (*wat kan wél*) for an activity the roster cannot cover.

Every option keeps the resistance level: only concepts valid for the person (R1, R3, R4) are
considered. Each option is checked by re-running the gap computation on the changed demand or
supply, and says what it costs the protected person; options that would not work say why.

Kinds, best first:
- ``officers``: named qualified officers of other units who are free for the whole activity
  (regional units first, then KMar HRB and DKDB), each checked to close part of the gap here
  without leaving their own unit short; cost: none. (Officers of the activity's own unit who
  are on duty already count in the best assignment, so they cannot close its gap.)
- ``concept``: another valid concept that the officers on duty can staff; cost: none;
- ``combine``: keep the team of an adjacent covered activity of the same person on; cost: none;
- ``move``: the nearest start (within four hours) at which the activity would be covered;
  cost: moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .agenda import concept_options, get_activity, list_activities
from .catalogue import get_concept, list_qualifications
from .clock import local_text
from .db import Store
from .gaps import Duty, Need, attribution_order, compute, load_duties, load_needs
from .roster import deployment_problem, list_deployments
from .staff import get_staff, list_staff
from .subjects import subject_by_id

MARGIN = timedelta(hours=6)
MOVE_STEP = timedelta(minutes=30)
MOVE_LIMIT = timedelta(hours=4)


@dataclass(frozen=True)
class Option:
    kind: str
    description: str
    cost: str
    feasible: bool
    reason: str = ""
    callsign: str | None = None  # officers: who to deploy
    concept: str | None = None  # concept: which one to assign
    shift_minutes: int | None = None  # move: by how much


def _staffing(store: Store, concept: str) -> tuple[tuple[str, int], ...]:
    return tuple((s.qualification, s.count) for s in get_concept(store, concept).staffing)


def suggest(store: Store, activity_id: str) -> list[Option]:
    """Ranked options for one activity; feasible ones first."""
    activity = get_activity(store, activity_id)
    subject = subject_by_id(store, activity.subject_id)
    start = datetime.fromisoformat(activity.start)
    end = datetime.fromisoformat(activity.end)
    lo, hi = start - MARGIN, end + MARGIN
    order = attribution_order(q.code for q in list_qualifications(store))
    all_needs = load_needs(store, lo, hi)
    all_duties = load_duties(store, lo, hi)
    needs = [n for n in all_needs if n.unit == subject.unit]
    duties = [d for d in all_duties if d.unit == subject.unit]
    others = [n for n in needs if n.source != activity.id]

    def short(
        candidate: list[Need], a: datetime, b: datetime, supply: list[Duty] | None = None
    ) -> dict[str, int]:
        rows = compute(
            candidate,
            duties if supply is None else supply,
            (int(a.timestamp()), int(b.timestamp())),
            order,
        )
        found: dict[str, int] = {}
        for row in rows:
            found[row.qualification] = max(found.get(row.qualification, 0), row.shortfall)
        return found

    def need(concept: str, a: datetime, b: datetime) -> Need:
        return Need(
            subject.unit,
            int(a.timestamp()),
            int(b.timestamp()),
            _staffing(store, concept),
            activity.id,
        )

    def words(missing: dict[str, int]) -> str:
        return ", ".join(f"{count} × {qual}" for qual, count in sorted(missing.items()))

    options: list[Option] = []
    judged = concept_options(store, subject)
    valid = [o for o in judged if o.valid]
    current = activity.concept
    missing = short([*others, need(current, start, end)], start, end) if current else {}
    if current and not missing:
        return [
            Option(
                "none",
                f"'{activity.title}' is covered with {current}; nothing to do.",
                "none",
                True,
            )
        ]

    # Officers lent from other units: own-unit officers on duty already count in the best
    # assignment, so only another unit's officer adds capacity here.
    if current:
        options.extend(
            _lend(
                store,
                activity.id,
                subject.unit,
                start,
                end,
                set(missing),
                sum(missing.values()),
                all_needs,
                all_duties,
                order,
                lambda supply: short([*others, need(current, start, end)], start, end, supply),
                words,
            )
        )

    # Another valid concept the officers on duty can staff.
    for option in valid:
        if option.code == current:
            continue
        gap = short([*others, need(option.code, start, end)], start, end)
        if gap:
            options.append(
                Option(
                    "concept",
                    f"Use {option.code} ({option.level})",
                    "none",
                    False,
                    f"still short of {words(gap)}",
                )
            )
        else:
            options.append(
                Option(
                    "concept",
                    f"Use {option.code} ({option.level}) instead of {current or 'no concept'}",
                    "none",
                    True,
                    concept=option.code,
                )
            )
    for option in judged:
        if not option.valid:
            options.append(
                Option(
                    "concept", f"Use {option.code} ({option.level})", "none", False, option.reason
                )
            )

    # Keep the team of an adjacent covered activity of the same person on.
    if current:
        same_person = {
            a.id: a for a in list_activities(store, person=activity.person, start=lo, end=hi)
        }
        for other in needs:
            neighbour = same_person.get(other.source)
            if neighbour is None or neighbour.id == activity.id or neighbour.concept is None:
                continue
            touching = (
                abs(other.end - int(start.timestamp())) <= 1800
                or abs(int(end.timestamp()) - other.start) <= 1800
            )
            if not touching or not any(o.code == neighbour.concept for o in valid):
                continue
            a, b = min(other.start, int(start.timestamp())), max(other.end, int(end.timestamp()))
            merged = [n for n in others if n is not other]
            merged.append(Need(subject.unit, a, b, other.needs, other.source))
            gap = short(
                merged,
                datetime.fromtimestamp(a, start.tzinfo),
                datetime.fromtimestamp(b, start.tzinfo),
            )
            label = f"Keep the {neighbour.concept} team of '{neighbour.title}' on"
            options.append(
                Option(
                    "combine", label, "none", not gap, f"still short of {words(gap)}" if gap else ""
                )
            )

    # The nearest start at which the activity would be covered.
    if current:
        steps = int(MOVE_LIMIT / MOVE_STEP)
        found = None
        for k in range(1, steps + 1):
            for sign in (+1, -1):
                delta = MOVE_STEP * k * sign
                moved_start, moved_end = start + delta, end + delta
                if not short(
                    [*others, need(current, moved_start, moved_end)], moved_start, moved_end
                ):
                    found = delta
                    break
            if found is not None:
                break
        if found is not None:
            minutes = int(found.total_seconds() // 60)
            options.append(
                Option(
                    "move",
                    f"Move to {local_text(start + found)}–"
                    f"{local_text(end + found, with_date=False)}",
                    f"moved {'+' if minutes > 0 else '-'}{abs(minutes) // 60}:"
                    f"{abs(minutes) % 60:02d}",
                    True,
                    shift_minutes=minutes,
                )
            )
        else:
            options.append(
                Option(
                    "move",
                    "Move the activity",
                    "moved",
                    False,
                    "no start within four hours either way is covered",
                )
            )
    options.sort(
        key=lambda o: (
            not o.feasible,
            ["officers", "concept", "combine", "move", "none"].index(o.kind),
        )
    )
    return options


def _lend(
    store: Store,
    activity_id: str,
    unit: str,
    start: datetime,
    end: datetime,
    wanted: set[str],
    missing_total: int,
    all_needs: list[Need],
    all_duties: list[Duty],
    order: tuple[str, ...],
    short_with: Callable[[list[Duty]], dict[str, int]],
    words: Callable[[dict[str, int]], str],
) -> list[Option]:
    """Officers of other units who are free, checked here and at home by simulation."""
    a, b = int(start.timestamp()), int(end.timestamp())
    here = [d for d in all_duties if d.unit == unit]
    deployed = {d.callsign for d in list_deployments(store, activity_id)}
    ranked = []
    for officer in list_staff(store):
        if officer.unit == unit or officer.callsign in deployed:
            continue
        valid_now = frozenset(q.code for q in officer.qualifications if q.valid_on(start.date()))
        if valid_now & wanted:
            rank = 1 if officer.unit in ("KMAR-HRB", "DKDB") else 0
            ranked.append((rank, officer.unit, officer.callsign, valid_now))
    ranked.sort()
    options: list[Option] = []
    for _rank, home, callsign, held in ranked:
        if len([o for o in options if o.feasible]) >= 5 or len(options) >= 12:
            break
        staff = get_staff(store, callsign)
        if deployment_problem(store, activity_id, staff):
            continue
        after_here = short_with([*here, Duty(callsign, unit, a, b, held)])
        if sum(after_here.values()) >= missing_total:
            continue
        home_needs = [n for n in all_needs if n.unit == home]
        home_duties = [d for d in all_duties if d.unit == home]
        without = [piece for d in home_duties for piece in _cut(d, callsign, a, b)]
        window = (a, b)
        before = sum(g.shortfall for g in compute(home_needs, home_duties, window, order))
        after = sum(g.shortfall for g in compute(home_needs, without, window, order))
        label = f"Deploy {callsign} ({', '.join(sorted(held & wanted))}; lent from {home})"
        if after > before:
            options.append(
                Option(
                    "officers",
                    label,
                    "none",
                    False,
                    f"would leave {home} short during the activity",
                    callsign=callsign,
                )
            )
        else:
            options.append(Option("officers", label, "none", True, callsign=callsign))
    if not any(o.feasible for o in options):
        options.append(
            Option(
                "officers",
                f"Lend officers with {', '.join(sorted(wanted))}",
                "none",
                False,
                "no officer of another unit is free and qualified "
                "for the whole activity without leaving their unit short",
            )
        )
    return options


def _cut(duty: Duty, callsign: str, a: int, b: int) -> list[Duty]:
    """The officer's duty without [a, b) (when lent out); other officers unchanged."""
    if duty.officer != callsign or duty.end <= a or duty.start >= b:
        return [duty]
    pieces = []
    if duty.start < a:
        pieces.append(Duty(duty.officer, duty.unit, duty.start, a, duty.qualifications))
    if duty.end > b:
        pieces.append(Duty(duty.officer, duty.unit, b, duty.end, duty.qualifications))
    return pieces
