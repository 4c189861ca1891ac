"""What can still be done (*wat kan wél*) for an activity the roster cannot cover, or that
needs re-planning, and applying one of those options.

Every option keeps the resistance level: the activity is planned with a *valid* concept (R1,
R3, R4) — its own when that is valid, otherwise (no concept yet, or one below the required
level, outside the package or for another kind of subject) the lightest valid concept for the
subject's kind. No option ever staffs a concept below the required level or outside the
package. Each option is checked by re-running the gap computation on the changed demand,
supply or deployments, with the deployments bound to their activities exactly as ``gaps``
binds them (``gaps.bind``: the officer an option deploys counts for this activity only). An
option is **feasible** only when, once carried out, no gap row names the activity
(it is fully covered), every place of its concept is filled by the officers deployed on it
or by the officers the option deploys (the unit's pool covering the demand fills no place by
itself: the option names who fills it) and
the unit's other activities are not left shorter; one that helps but leaves it short is
*partial* ("partly covers (still short: 1 × hrb)"), may be applied, and is never shown as
feasible. Each says what it costs the protected person; options that would not
work say why.

One generator per kind of option, best first when feasible:

- ``deploy``: a named qualified officer of another unit who is free for the whole activity,
  including the travel time between the units (catalogue), without leaving their own unit
  short; regional units first, then the national ones (catalogue mark ``national``: KMar HRB
  and DKDB in the shipped catalogue); cost: the travel minutes.
- ``assign``: another valid concept that the officers on duty can staff (for an activity
  whose time or place changed, keeping its concept confirms it); cost: none.
- ``combine``: keep the team of an adjacent covered activity of the same person on.
- ``move``: the nearest start (within four hours) at which the activity would be covered:
  its deployed officers stay on, and the unit's officers free then (travel included) fill
  the places they leave open — the option names them, and applying it deploys them; cost:
  moved (a restriction, R5).

An activity that is covered with a valid concept and flagged for nothing gets one ``none``
option. ``apply_option`` carries an option out in one transaction, checking every rule again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from . import access, validate
from .agenda import (
    Activity,
    ConceptOption,
    concept_options,
    get_activity,
    lightest_valid_concept,
    list_activities,
    list_restrictions,
    put_concept,
    record_restriction,
)
from .catalogue import Concept, list_concepts, list_qualifications, list_units, travel_minutes
from .clock import epoch_seconds, json_times, local, to_db
from .db import Store
from .errors import BadInput
from .gaps import (
    Bond,
    Duty,
    Gap,
    Need,
    attribution_order,
    bind,
    compute,
    load_bonds,
    load_duties,
    load_needs,
    officer_hours,
    on_duty_throughout,
)
from .matching import bind_places
from .roster import (
    Problem,
    concept_misfit,
    deployable,
    deployed_officers,
    deployment_problem,
    group_parts,
    group_problems,
    list_deployments,
)
from .staff import Staff, get_staff, list_staff
from .staffing import (
    deploy_officers,
    most_open,
    open_parts,
    staffing_shortfalls,
    trial_deploy,
)
from .subjects import Subject, subject_by_id

MARGIN = timedelta(hours=6)
MOVE_STEP = timedelta(minutes=30)
MOVE_LIMIT = timedelta(hours=4)
ACTIONS = ("deploy", "assign", "combine", "move", "none")


@dataclass(frozen=True)
class Option:
    """One thing that can be done for an activity that is short or needs re-planning.

    Attributes:
        action: ``deploy``, ``assign``, ``combine``, ``move`` or ``none`` (``ACTIONS``).
        what: what it does, a fact ``{code, params}`` the faces word (``words.suggestions``):
            ``fill_open``, ``lend``, ``lend_any``, ``use_concept``, ``keep_concept``, ``keep_team``,
            ``move_to``, ``move_any``, ``nothing_cancelled``, ``nothing_ended``,
            ``nothing_covered``; qualifications come with their catalogue ``names``.
        price: what it costs the protected person, a fact: ``none``, ``travel`` (minutes),
            ``moved`` (minutes, or none when no move was found).
        feasible: whether it fully covers the activity without leaving others shorter.
        callsign: the officer it deploys (``deploy``), else None.
        concept: the concept the activity carries after it (always valid for the person),
            or None when it keeps none.
        start: the activity's start after it (aware UTC), or None when not given.
        end: the activity's end after it (aware UTC), or None when not given.
        shift_minutes: minutes a move shifts the activity, later positive (``move``), else None.
        travel_minutes: the lent officer's travel between the units (``deploy``), else None.
        team: the callsigns an adjacent activity's team adds (``combine``), or the unit's
            free officers a move deploys at the new time (``move``).
        partial: applying it helps but leaves the activity short (``reason`` says of what); it
            may be applied, and is never shown as feasible.
        fact: why it would not work or only partly, as a fact the faces word
            (``words.facts.reason``): a concept's verdict, a deployment problem,
            ``still_short``/``partly_covers`` (``missing`` [[qualification, count]],
            ``others``, ``names``), ``home_short``, ``needs_travel``, ``no_lender``,
            ``no_move``, ``move_loses_deployed`` or ``concept_misfits_deployed`` (the new
            concept leaves deployed officers without a slot: ``callsigns``, ``problems``);
            None when feasible.
    """

    action: str
    what: Mapping[str, Any]
    price: Mapping[str, Any]
    feasible: bool
    callsign: str | None = None
    concept: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    shift_minutes: int | None = None
    travel_minutes: int | None = None
    team: tuple[str, ...] = ()
    partial: bool = False
    fact: Mapping[str, Any] | None = None

    @property
    def changes_concept(self) -> bool:
        """Whether carrying it out gives the activity another concept (or its first one): its
        words say so (``what``'s ``concept`` and ``current``, or ``use_concept``)."""
        code, params = self.what.get("code"), self.what.get("params", {})
        if code == "use_concept":
            return True
        if code == "keep_team":
            return "current" in params
        return code in ("lend", "lend_any", "fill_open", "move_to") and bool(params.get("concept"))

    @property
    def verdict(self) -> str:
        """``yes`` (feasible), ``partly`` (partial) or ``no``."""
        return "yes" if self.feasible else "partly" if self.partial else "no"

    @property
    def token(self) -> str:
        """A short stable name of what the option does — its kind, concept, officer(s), times
        and what it does (``what``) — and of its verdict (yes, partly or no, and what it would
        still leave short or why not: ``fact``), so that applying it can check it is still the
        option that was shown: a list taken again may have changed, option N with it, or the
        same option may now fill less (a "yes" that became "partly")."""
        times = [to_db(t) if t is not None else "" for t in (self.start, self.end)]
        what = [self.action, self.concept or "", self.callsign or "", ",".join(self.team), *times]
        what.append(json.dumps(json_times(self.what), sort_keys=True))  # names a rejected one
        what += [self.verdict, json.dumps(json_times(self.fact), sort_keys=True)]
        return hashlib.sha256("|".join(what).encode()).hexdigest()[:8]


def fact(code: str, **params: Any) -> dict[str, Any]:
    """A fact for the faces to word: ``{code, params}`` (JSON values, and aware UTC datetimes
    for times: ``clock.json_times`` writes them as JSON).

    Args:
        code: what the fact is.
        **params: its parameters (JSON values; times as aware UTC datetimes).

    Returns:
        A new dict ``{"code": code, "params": params}``; ``params`` empty for a fact that
        has none.
    """
    return {"code": code, "params": params}


NO_COST = fact("none")


@dataclass
class _Context:
    store: Store
    activity: Activity
    subject: Subject
    start: datetime
    end: datetime
    order: tuple[str, ...]
    all_needs: list[Need]
    all_duties: list[Duty]
    bonds: list[Bond]  # the deployments (``gaps.bind``)
    judged: list[ConceptOption]
    concepts: dict[str, Concept]
    base: str | None  # the valid concept to plan with
    names: dict[str, str]  # qualification code -> the catalogue's name

    @property
    def unit(self) -> str:
        return self.subject.unit

    @property
    def others(self) -> list[Need]:
        return [n for n in self.all_needs if n.unit == self.unit and n.source != self.activity.id]

    @property
    def duties(self) -> list[Duty]:
        return [d for d in self.all_duties if d.unit == self.unit]

    @property
    def valid(self) -> list[str]:
        return [o.code for o in self.judged if o.valid]

    def need(self, concept: str, a: datetime, b: datetime) -> Need:
        staffing = tuple((s.qualification, s.count) for s in self.concepts[concept].staffing)
        return Need(self.unit, epoch_seconds(a), epoch_seconds(b), staffing, self.activity.id)

    def deploying(self, *callsigns: str) -> list[Bond]:
        """The bonds that deploying ``callsigns`` on the activity adds."""
        return [Bond(c, self.activity.id) for c in callsigns]

    def short(
        self,
        concept: str | None,
        a: datetime | None = None,
        b: datetime | None = None,
        supply: list[Duty] | None = None,
        extra: list[Bond] | None = None,
    ) -> dict[str, int]:
        """Per qualification, the places of the activity carrying ``concept`` at [a, b) (with
        ``extra`` officers deployed on it) that the unit cannot staff: the one binding
        (``matching.bind_places``) of the officers deployed on it first, then of the unit's
        officers on duty for all of it and not bound elsewhere then — each by the
        qualifications valid THROUGHOUT it (R8, fix16w: never part by part). Whether it would
        take officers the unit's other demand needs is ``others_short``'s. No concept:
        nothing."""
        if not concept:
            return {}
        need = self.need(concept, a or self.start, b or self.end)
        duties = self.duties if supply is None else supply
        bonds = [*self.bonds, *(extra or [])]
        mine = {o for o, activity in bonds if activity == self.activity.id}
        _left, free = bind([*self.others, need], duties, bonds)
        officers = on_duty_throughout(free, self.unit, need)
        officers = {o: q for o, q in officers.items() if o not in mine}
        every = [*self.all_duties, *(supply or [])]
        for officer, held in on_duty_throughout(every, None, need).items():
            if officer in mine:
                officers[officer] = held
        staffing = dict(need.needs)
        filled = bind_places(staffing, officers, mine).filled
        return {q: n - filled[q] for q, n in staffing.items() if n > filled[q]}

    def others_short(
        self,
        concept: str | None,
        a: datetime | None = None,
        b: datetime | None = None,
        supply: list[Duty] | None = None,
        window: tuple[datetime, datetime] | None = None,
        extra: list[Bond] | None = None,
    ) -> float:
        """Officer-hours short for the unit's other demand in ``window`` (default: around the
        activity and [a, b)), with the activity carrying ``concept`` at [a, b): every gap row's
        shortfall less, where a row names the activity too, what the activity itself still has
        open then (its own places count as its own, moment by moment — the attribution
        ``short`` uses), so a row it shares with another activity counts that one's part the
        same before and after an option."""
        rows, own = self._solve(concept, a, b, supply, window, extra)
        return sum(row.shortfall_hours for row in rows) - sum(
            _own_hours(row, own) for row in rows if self.activity.id in row.activities
        )

    def _solve(
        self,
        concept: str | None,
        a: datetime | None,
        b: datetime | None,
        supply: list[Duty] | None,
        window: tuple[datetime, datetime] | None = None,
        extra: list[Bond] | None = None,
    ) -> tuple[list[Gap], list[Need]]:
        """The unit's gap rows as ``gaps`` computes them once the option is carried out (the
        same binding of deployments, ``gaps.bind``), and the places the activity's deployed
        officers leave open."""
        a, b = a or self.start, b or self.end
        needs = [*self.others, *([self.need(concept, a, b)] if concept else [])]
        lo, hi = window or (min(a, self.start), max(b, self.end))
        left, duties = bind(
            needs, self.duties if supply is None else supply, [*self.bonds, *(extra or [])]
        )
        rows = compute(left, duties, (epoch_seconds(lo), epoch_seconds(hi)), self.order)
        own = [n for n in left if n.source == self.activity.id and n.kind == "activity"]
        return rows, own

    def fits(
        self,
        concept: str,
        a: datetime | None = None,
        b: datetime | None = None,
        supply: list[Duty] | None = None,
        extra: list[Bond] | None = None,
    ) -> dict[str, int]:
        """What the activity would still be short of with ``concept`` at [a, b), ``supply``
        and ``extra`` officers deployed on it (empty: fully covered); ``others`` when it would
        take officers the unit's other demand has now."""
        missing = self.short(concept, a, b, supply, extra)
        window = (min(a or self.start, self.start), max(b or self.end, self.end))
        now = self.others_short(self.activity.concept, window=window)
        if self.others_short(concept, a, b, supply, window, extra) > now + 1e-9:
            missing["others"] = 1
        return missing


def _own_hours(row: Gap, own: list[Need]) -> float:
    """Officer-hours of the gap row ``row`` that are the activity's own: where a part of it
    (``own``: the places its deployed officers leave open) overlaps the row, the places of the
    row's qualification it has open then, at most the row's shortfall."""
    lo, hi = epoch_seconds(row.start), epoch_seconds(row.end)
    return sum(
        officer_hours(
            min(sum(n for q, n in need.needs if q == row.qualification), row.shortfall),
            min(hi, need.end) - max(lo, need.start),
        )
        for need in own
        if need.start < hi and need.end > lo
    )


def _short_fact(
    code: str,
    missing: dict[str, int],
    names: dict[str, str],
    short: dict[str, int] | None = None,
) -> dict[str, Any]:
    """``still_short`` or ``partly_covers``, one measure for every option (rev16u F5): per
    qualification the places of the concept still to deploy (``missing``: what the deployed
    officers, with the option's, leave open, ``_open_places``) and of those what the unit
    cannot staff (``short``: its shortfall in the gap computation), and whether it would take
    officers the unit's other activities need then."""
    counts = [(q, n) for q, n in sorted(missing.items()) if q != "others"]
    lacking = [(q, n) for q, n in sorted((short or {}).items()) if q != "others"]
    return fact(
        code,
        missing=[[q, n] for q, n in counts],
        short=[[q, n] for q, n in lacking],
        others="others" in missing or "others" in (short or {}),
        names={q: names.get(q, q) for q, _n in [*counts, *lacking]},
    )


def _open_places(
    ctx: _Context,
    concept: str,
    span: tuple[datetime, datetime] | None = None,
    extra: list[Staff] | None = None,
) -> dict[str, int]:
    """Per qualification, the most places of ``concept`` that the officers deployed on the
    activity (with ``extra``) leave open at once at ``span`` (default its time), bound as
    ``gaps`` binds them (``staffing.open_parts``: the fewest whole places); with nobody
    deployed (and no ``extra``) every place: the unit's pool in the gap computation may cover
    the demand, but a place is filled only by an officer deployed on it."""
    group = [*deployed_officers(ctx.store, ctx.activity.id), *(extra or [])]
    return most_open(open_parts(ctx.store, ctx.activity.id, concept, group, span, ctx.duties))


def _context(store: Store, activity_id: str) -> _Context:
    activity = get_activity(store, activity_id)
    subject = subject_by_id(store, activity.subject_id)
    start, end = activity.start_at, activity.end_at
    judged = concept_options(store, subject)
    concepts = {c.code: c for c in list_concepts(store)}
    qualifications = list_qualifications(store)
    valid = [o.code for o in judged if o.valid]
    base = activity.concept if activity.concept in valid else None
    if base is None:
        base = lightest_valid_concept(list(concepts.values()), valid, subject.kind)
    return _Context(
        store=store,
        activity=activity,
        subject=subject,
        start=start,
        end=end,
        order=attribution_order(q.code for q in qualifications),
        all_needs=load_needs(store, start - MARGIN, end + MARGIN),
        all_duties=load_duties(store, start - MARGIN, end + MARGIN),
        bonds=load_bonds(store, start - MARGIN, end + MARGIN),
        judged=judged,
        concepts=concepts,
        base=base,
        names={q.code: q.name for q in qualifications},
    )


def suggest(store: Store, activity_id: str) -> list[Option]:
    """Ranked options for one activity: feasible first, then partial, then the rest; within each,
    by kind (deploy, assign, combine, move). Writes nothing.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        The options; a single ``none`` option when there is nothing to do (cancelled, or
        covered by a valid concept).

    Raises:
        NotFound: no activity has that id.
        BadInput: the prefix matches more than one activity.
    """
    ctx = _context(store, activity_id)
    settled = _settled(ctx)
    if settled is not None:
        return [settled]
    options = [*_fill_open(ctx), *_lend(ctx), *_concepts(ctx), *_combine(ctx), *_move(ctx)]
    options = _deploy_checked(ctx, _group_checked(ctx, options))
    options.sort(
        key=lambda o: (0 if o.feasible else 1 if o.partial else 2, ACTIONS.index(o.action))
    )
    return options


def _group_checked(ctx: _Context, options: list[Option]) -> list[Option]:
    """The options, each that would give the activity another concept checked as applying it
    checks it (``agenda.put_concept``: the officers already deployed must fit the new concept
    as a group); one they do not fit is not feasible, and its reason
    (``concept_misfits_deployed``, ``roster.concept_misfit``) names the smallest sets of
    officers to release first, also when officers are short as well (the release comes first,
    as ``activity options`` and ``activity assign`` say)."""
    misfits: dict[str, dict[str, Any] | None] = {}
    checked = []
    for option in options:
        concept = option.concept
        if concept is None or concept == ctx.activity.concept:
            checked.append(option)
            continue
        if concept not in misfits:
            misfits[concept] = concept_misfit(ctx.store, ctx.activity.id, concept)
        misfit = misfits[concept]
        if misfit is None:
            checked.append(option)
            continue
        why = fact("concept_misfits_deployed", **{k: v for k, v in misfit.items() if k != "rule"})
        checked.append(replace(option, feasible=False, partial=False, fact=why))
    return checked


def _deploy_checked(ctx: _Context, options: list[Option]) -> list[Option]:
    """The options, less each that deploys an officer whom deploying would refuse: judged by
    the one rule every deployment is judged by (``staffing.judge_deployments``: each officer,
    then the group — a place left open for a lapse, R8), on a trial rolled back (the
    activity given the option's concept, the officer deployed). ``deployable`` judges each
    officer alone; an R8 lapse that the group leaves open was offered and then refused by
    ``--apply`` (fix16r follow-up)."""
    checked = []
    for option in options:
        if (
            option.action != "deploy"
            or not option.callsign
            or not (option.feasible or option.partial)
        ) or _deploys(ctx, option):
            checked.append(option)
    return checked


def _deploys(ctx: _Context, option: Option) -> bool:
    """Whether deploying the option's officer (with its concept) would be accepted, judged as
    ``deploy`` judges it (``staffing.trial_deploy``, rolled back whatever happens)."""
    officer = get_staff(ctx.store, option.callsign or "")
    concept = option.concept if option.concept != ctx.activity.concept else None
    return trial_deploy(ctx.store, ctx.activity.id, [officer], concept) is None


def _settled(ctx: _Context) -> Option | None:
    """The one ``none`` option when there is nothing to do: not feasible, nothing to apply
    (the faces number no such row)."""
    activity = ctx.activity
    if activity.status == "cancelled":
        return Option("none", fact("nothing_cancelled", title=activity.title), NO_COST, False)
    if activity.end_at <= ctx.store.clock.now():
        return Option(
            "none",
            fact("nothing_ended", title=activity.title, end=activity.end_at),
            NO_COST,
            False,
        )
    current = activity.concept
    if (
        current
        and current in ctx.valid
        and not activity.needs_replanning
        and not ctx.short(current)
        and not staffing_shortfalls(ctx.store, activity.id)
    ):
        return Option(
            "none",
            fact("nothing_covered", title=activity.title, concept=current),
            NO_COST,
            False,
            concept=current,
            start=ctx.start,
            end=ctx.end,
        )
    return None


def _concepts(ctx: _Context) -> Iterator[Option]:
    """Each valid concept the officers on duty can staff; the others, with why not."""
    current = ctx.activity.concept
    for option in ctx.judged:
        if not option.valid:
            yield Option(
                "assign",
                fact("use_concept", concept=option.code, level=option.level, current=None),
                NO_COST,
                False,
                fact={"code": option.why, "params": option.params},
            )
            continue
        confirm = option.code == current
        if confirm and not ctx.activity.needs_replanning:
            continue  # already on it (and short, or it would be settled)
        gap = ctx.fits(option.code)
        label = (
            fact("keep_concept", concept=option.code, level=option.level)
            if confirm
            else fact("use_concept", concept=option.code, level=option.level, current=current)
        )
        # the unit could staff it, but the officers deployed on it leave places open: partly
        places = _open_places(ctx, option.code)
        own = {} if gap else places
        # a valid concept in place of one that breaks R1/R3/R4 is progress even when the unit
        # is short (R1 comes first): partly, and it may be applied (README's KIEVIT example)
        puts_right = bool(gap) and current is not None and current not in ctx.valid
        yield Option(
            "assign",
            label,
            NO_COST,
            not gap and not own,
            fact=(
                _short_fact(
                    "partly_covers" if puts_right else "still_short", places, ctx.names, gap
                )
                if gap
                else _short_fact("partly_covers", own, ctx.names)
                if own
                else None
            ),
            concept=option.code,
            start=ctx.start,
            end=ctx.end,
            partial=bool(own) or puts_right,
        )


def _fill_open(ctx: _Context) -> Iterator[Option]:
    """Officers of the activity's own unit who may be deployed for the places its deployed
    officers leave open (``staffing_shortfalls``: a lapse recorded after the deployment, a
    restriction that moved it past their shifts) — the unit's gap count treats its officers
    as one pool, so only the activity's own staffing shows such places. Feasible when the
    group with them fills every place in every part, else partial.

    An activity without a valid concept (none yet, or one below the required level, outside
    the package or for another kind of subject) is planned with the base concept: its places
    are those the officers are offered for, and applying the option sets that concept and
    deploys them in one transaction — never the insufficient concept it carries."""
    concept = ctx.base
    if concept is None:
        return
    if concept == ctx.activity.concept:
        if not staffing_shortfalls(ctx.store, ctx.activity.id):
            return
    elif not _open_places(ctx, concept):
        return
    for candidate in deployable(ctx.store, ctx.activity.id, concept=concept):
        if candidate.unit != ctx.unit:
            continue  # another unit's officer: a lend, with its travel (``_lend``)
        missing = _open_places(ctx, concept, extra=[get_staff(ctx.store, candidate.callsign)])
        # once deployed, what the unit still cannot staff (the same binding, valid throughout)
        short = ctx.fits(concept, extra=ctx.deploying(candidate.callsign))
        for q, count in short.items():
            missing[q] = max(missing.get(q, 0), count)
        yield Option(
            "deploy",
            fact(
                "fill_open",
                callsign=candidate.callsign,
                qualifications=list(candidate.fills),
                names={q: ctx.names.get(q, q) for q in candidate.fills},
                unit=candidate.unit,
                **_replacing(ctx),
            ),
            NO_COST,
            not missing,
            callsign=candidate.callsign,
            concept=concept,
            start=ctx.start,
            end=ctx.end,
            partial=bool(missing),
            fact=_short_fact("partly_covers", missing, ctx.names, short) if missing else None,
        )


def _lend(ctx: _Context) -> Iterator[Option]:
    """Officers of other units who are free and qualified for the base concept, checked here
    and at home by simulation, travel included."""
    if ctx.base is None:
        return
    missing = ctx.short(ctx.base)
    # places the deployed group leaves open that the unit's own officers cannot fill (the
    # unit's pool may look covered in ``gaps`` while nobody of it is free to be deployed)
    if not any(c.unit == ctx.unit for c in deployable(ctx.store, ctx.activity.id)):
        for q, count in _open_places(ctx, ctx.base).items():
            missing[q] = max(missing.get(q, 0), count)
    if not missing:
        return
    wanted = set(missing)
    # an officer with another qualification of the concept can free one of the unit's own
    # officers for the one it lacks (the gap computation assigns them best): tried after those
    # who hold a missing qualification themselves
    needed = {s.qualification for s in ctx.concepts[ctx.base].staffing}
    deployed = {d.callsign for d in list_deployments(ctx.store, ctx.activity.id)}
    national = {u.code for u in list_units(ctx.store) if u.national}
    ranked = []
    for officer in list_staff(ctx.store):
        if officer.unit == ctx.unit or officer.callsign in deployed:
            continue
        held = frozenset(q.code for q in officer.qualifications if q.valid_on(ctx.start.date()))
        if held & needed:
            rank = (0 if held & wanted else 2) + (1 if officer.unit in national else 0)
            ranked.append((rank, officer.unit, officer.callsign, held))
    ranked.sort()
    found: list[Option] = []
    for _rank, home, callsign, held in ranked:
        if sum(o.feasible for o in found) >= 5 or len(found) >= 12:
            break
        option = _lend_one(ctx, home, callsign, held, wanted, sum(missing.values()))
        if option is not None:
            found.append(option)
    yield from found
    if not any(o.feasible or o.partial for o in found):
        yield Option(
            "deploy",
            fact(
                "lend_any",
                qualifications=sorted(wanted),
                names={q: ctx.names.get(q, q) for q in sorted(wanted)},
                **_replacing(ctx),
            ),
            NO_COST,
            False,
            fact=fact("no_lender"),
            concept=ctx.base,
        )


def _replacing(ctx: _Context) -> dict[str, Any]:
    """A deploy option's words also name the concept it plans the activity with, when that is
    not the one it carries (``concept``, and the ``current`` one or None)."""
    if ctx.base == ctx.activity.concept:
        return {}
    return {"concept": ctx.base, "current": ctx.activity.concept}


def _lend_one(
    ctx: _Context,
    home: str,
    callsign: str,
    held: frozenset[str],
    wanted: set[str],
    missing_total: int,
) -> Option | None:
    assert ctx.base is not None
    travel = travel_minutes(ctx.store, home, ctx.unit)
    shown = sorted(held & wanted) or sorted(held)
    label = fact(
        "lend",
        callsign=callsign,
        qualifications=shown,
        names={q: ctx.names.get(q, q) for q in shown},
        unit=home,
        minutes=travel,
        **_replacing(ctx),
    )

    def option(
        feasible: bool, why: Mapping[str, Any] | None = None, partial: bool = False
    ) -> Option:
        return Option(
            "deploy",
            label,
            fact("travel", minutes=travel),
            feasible,
            fact=why,
            callsign=callsign,
            concept=ctx.base,
            start=ctx.start,
            end=ctx.end,
            travel_minutes=travel,
            partial=partial,
        )

    why = deployment_problem(ctx.store, ctx.activity.id, get_staff(ctx.store, callsign), ctx.base)
    # the travel problem itself, so a late start reads apart from a late trip back (rev16o)
    travels = ("travel_from_previous", "travel_to_next", "travel_from_unit", "travel_to_unit")
    if why is not None and why.code in travels:
        return option(False, why.facts())
    if why is not None and why.rule == "travel":
        return option(False, fact("needs_travel", minutes=travel))
    if why is not None:
        return None
    officer = get_staff(ctx.store, callsign)
    if group_problems(
        ctx.store,
        ctx.activity.id,
        ctx.base,
        [*deployed_officers(ctx.store, ctx.activity.id), officer],
        {callsign},
    ):
        return None  # deploying them would be refused: they fill no slot the group leaves open
    a, b = epoch_seconds(ctx.start), epoch_seconds(ctx.end)
    after_here = ctx.fits(
        ctx.base,
        supply=[*ctx.duties, Duty(callsign, ctx.unit, a, b, held)],
        extra=ctx.deploying(callsign),
    )
    if sum(after_here.values()) >= missing_total:
        return None
    if _leaves_home_short(ctx, home, callsign, (a - travel * 60, b + travel * 60)):
        return option(False, fact("home_short", unit=home))
    # the deployed group with them must fill every place too (``staffing_shortfalls``)
    for q, count in _open_places(ctx, ctx.base, extra=[officer]).items():
        after_here[q] = max(after_here.get(q, 0), count)
    if after_here:  # it helps, but the activity stays short: never "feasible"
        return option(False, _short_fact("partly_covers", after_here, ctx.names), partial=True)
    return option(True)


def _leaves_home_short(ctx: _Context, home: str, callsign: str, away: tuple[int, int]) -> bool:
    """Whether lending ``callsign`` for ``away`` (epoch seconds, the trips both ways included)
    leaves their home unit shorter than it is, in officer-hours, not officers: a gap that only
    grows longer (the trip back eats the end of the officer's shift) keeps its shortfall count
    but leaves the home unit short for longer."""
    home_needs = [n for n in ctx.all_needs if n.unit == home]
    home_duties = [d for d in ctx.all_duties if d.unit == home]
    without = [piece for d in home_duties for piece in _cut(d, callsign, *away)]
    before = sum(
        g.shortfall_hours for g in compute(home_needs, home_duties, away, ctx.order, ctx.bonds)
    )
    after = sum(g.shortfall_hours for g in compute(home_needs, without, away, ctx.order, ctx.bonds))
    return after > before + 1e-9


def _combine(ctx: _Context) -> Iterator[Option]:
    """Keep the team of an adjacent covered activity of the same person on (its concept must
    be valid for this activity too)."""
    start, end = epoch_seconds(ctx.start), epoch_seconds(ctx.end)
    same_person = {
        a.id: a
        for a in list_activities(
            ctx.store, person=ctx.activity.person, start=ctx.start - MARGIN, end=ctx.end + MARGIN
        )
    }
    for other in ctx.others:
        neighbour = same_person.get(other.source)
        if neighbour is None or neighbour.concept not in ctx.valid:
            continue
        if abs(other.end - start) > 1800 and abs(end - other.start) > 1800:
            continue
        a, b = min(other.start, start), max(other.end, end)
        merged = [n for n in ctx.others if n is not other]
        merged.append(Need(ctx.unit, a, b, other.needs, other.source))
        kept = _kept_on(ctx, neighbour, neighbour.concept)
        if not kept:
            continue  # nobody of that team can stay on: applying it would change nothing
        gap: dict[str, int] = {}
        for row in compute(merged, ctx.duties, (a, b), ctx.order, ctx.bonds):
            gap[row.qualification] = max(gap.get(row.qualification, 0), row.shortfall)
        team = ctx.deploying(*(o.callsign for o in kept))
        for qualification, count in ctx.fits(neighbour.concept, extra=team).items():
            gap[qualification] = max(gap.get(qualification, 0), count)
        places = _open_places(ctx, neighbour.concept, extra=kept)
        own = {} if gap else places
        yield Option(
            "combine",
            fact(
                "keep_team",
                concept=neighbour.concept,
                title=neighbour.title,
                **(
                    {"current": ctx.activity.concept}
                    if neighbour.concept != ctx.activity.concept
                    else {}
                ),
            ),
            NO_COST,
            not gap and not own,
            fact=(
                _short_fact("still_short", places, ctx.names, gap)
                if gap
                else _short_fact("partly_covers", own, ctx.names)
                if own
                else None
            ),
            concept=neighbour.concept,
            start=ctx.start,
            end=ctx.end,
            team=tuple(o.callsign for o in kept),
            partial=bool(own),
        )


def _kept_on(ctx: _Context, neighbour: Activity, concept: str) -> list[Staff]:
    """The officers of ``neighbour``'s team who may stay on for this activity carrying
    ``concept``, each filling a place the group leaves open (as deploying judges them)."""
    here = deployed_officers(ctx.store, ctx.activity.id)
    kept: list[Staff] = []
    for deployment in list_deployments(ctx.store, neighbour.id):
        officer = get_staff(ctx.store, deployment.callsign)
        if officer.callsign in {o.callsign for o in here}:
            continue
        if deployment_problem(
            ctx.store, ctx.activity.id, officer, concept
        ) is None and not group_problems(
            ctx.store,
            ctx.activity.id,
            concept,
            [*here, *kept, officer],
            {o.callsign for o in [*kept, officer]},
        ):
            kept.append(officer)
    return kept


def _move(ctx: _Context) -> Iterator[Option]:
    """The nearest start within four hours at which the base concept would be covered and the
    officers deployed on it may stay (on duty, qualified, travel: ``deployment_problem`` at
    the new time), never one already past (a restriction decides what happens next, R5). The
    places they leave open (all of them when nobody is deployed) are filled there by the
    unit's officers free then, judged as deploying them would be (``_free_at``); the option
    names them and applying it deploys them. A time the unit covers but the deployed officers
    could not keep says so: not feasible. A time where places stay open even so is partly,
    offered only when the unit is short at the current time (the move helps) and no time
    fills every place."""
    now = ctx.store.clock.now()
    if ctx.base is None or ctx.start <= now:
        return  # an activity under way is not moved by a suggestion
    undone = {
        (r.old_start_at, r.old_end_at)
        for r in list_restrictions(ctx.store, ctx.activity.id)
        if r.kind == "moved"
    }
    deployed = [
        get_staff(ctx.store, d.callsign) for d in list_deployments(ctx.store, ctx.activity.id)
    ]
    blocked: dict[str, Any] | None = None
    partly: Option | None = None  # the nearest time the unit covers but places stay open
    if not _staffed(ctx, deployed, ctx.start, ctx.end)[1]:
        return  # deploying the unit's free officers covers it where it is: no move needed
    helps = bool(ctx.fits(ctx.base))
    for k in range(1, int(MOVE_LIMIT / MOVE_STEP) + 1):
        for sign in (+1, -1):
            delta = MOVE_STEP * k * sign
            a, b = ctx.start + delta, ctx.end + delta
            if a < now or (a, b) in undone or not validate.within_years(a, b):
                continue  # never in the past, nor outside the years accepted
            if ctx.fits(ctx.base, a, b, supply=_supply_at(ctx, deployed, a, b)):
                continue  # never back to a time a restriction moved it from (no ping-pong)
            stay = _cannot_stay(ctx, deployed, a, b)
            if stay is not None:
                blocked = blocked or fact(
                    "move_loses_deployed", start=a, end=b, problem=stay.facts()
                )
                continue
            # the places its deployed officers leave open there, filled by the unit's officers
            # free then (as deploying them would judge it); what stays open is partly
            team, own = _staffed(ctx, deployed, a, b)
            if not own:
                yield _moved(ctx, a, b, delta, team=team)
                return
            if helps:  # the unit is short now, not there: it helps, and deploying finishes it
                partly = partly or _moved(ctx, a, b, delta, own, team)
            blocked = blocked or _short_fact("partly_covers", own, ctx.names)
    yield partly or Option(
        "move",
        fact("move_any"),
        fact("moved", minutes=None),
        False,
        fact=blocked or fact("no_move"),
        concept=ctx.base,
    )


def _calls(officers: list[Staff]) -> list[str]:
    return [o.callsign for o in officers]


def _staffed(
    ctx: _Context, deployed: list[Staff], a: datetime, b: datetime
) -> tuple[list[Staff], dict[str, int]]:
    """The unit's officers free at [a, b) who would be deployed there (``_free_at``), and
    per qualification what the activity would still be short of with them: the places the
    group leaves open, or a gap row naming it (``fits``, the unit's other demand included)."""
    assert ctx.base is not None
    team = _free_at(ctx, deployed, a, b)
    own = _open_places(ctx, ctx.base, (a, b), extra=team)
    supply = _supply_at(ctx, deployed, a, b)
    for q, count in ctx.fits(ctx.base, a, b, supply, extra=ctx.deploying(*_calls(team))).items():
        own[q] = max(own.get(q, 0), count)
    return team, own


def _supply_at(ctx: _Context, deployed: list[Staff], a: datetime, b: datetime) -> list[Duty]:
    """The unit's officers on duty with the activity moved to [a, b): as loaded, but the
    officers deployed on it from other units (lent) counted where the move puts them — at it
    while on duty and there (``group_parts`` at the new time: shift, qualifications, travel)
    instead of where its present time put them."""
    lent = [o for o in deployed if o.unit != ctx.unit]
    if not lent:
        return ctx.duties
    lo, hi = epoch_seconds(ctx.start), epoch_seconds(ctx.end)
    kept = [
        piece
        for duty in ctx.duties
        for piece in (_cut(duty, duty.officer, lo, hi) if duty.officer in _calls(lent) else [duty])
    ]
    there = [
        Duty(callsign, ctx.unit, epoch_seconds(part.start), epoch_seconds(part.end), quals)
        for part in group_parts(ctx.store, ctx.activity.id, lent, (a, b))
        for callsign, quals in part.officers.items()
    ]
    return kept + there


def _free_at(ctx: _Context, deployed: list[Staff], a: datetime, b: datetime) -> list[Staff]:
    """Officers of the activity's unit, not deployed on it, whom the activity moved to [a, b)
    could have deployed for the places its deployed group leaves open there: on duty, no rule
    refuses them then (``deployment_problem`` at the new time: travel, R8, one place at a
    time, rest), each filling a place more (``_open_places``); by callsign, until none is
    open."""
    assert ctx.base is not None
    needed = {s.qualification for s in ctx.concepts[ctx.base].staffing}
    lo, hi = epoch_seconds(a), epoch_seconds(b)
    here = set(_calls(deployed))
    candidates = sorted(
        {
            d.officer
            for d in ctx.duties
            if d.start < hi and d.end > lo and d.officer not in here and needed & d.qualifications
        }
    )
    team: list[Staff] = []
    open_now = sum(_open_places(ctx, ctx.base, (a, b)).values())
    for callsign in candidates:
        if not open_now:
            break
        officer = get_staff(ctx.store, callsign)
        if deployment_problem(ctx.store, ctx.activity.id, officer, ctx.base, span=(a, b)):
            continue
        after = sum(_open_places(ctx, ctx.base, (a, b), extra=[*team, officer]).values())
        if after < open_now:
            team.append(officer)
            open_now = after
    return team


def _moved(
    ctx: _Context,
    a: datetime,
    b: datetime,
    delta: timedelta,
    own: dict[str, int] | None = None,
    team: list[Staff] | None = None,
) -> Option:
    """The move to [a, b), deploying ``team`` there: feasible, or partly when ``own`` places
    would stay open there."""
    assert ctx.base is not None
    minutes = int(delta.total_seconds() // 60)
    # the start as read on the clock: across a clock change it moves by an hour more or less
    wall = local(a).replace(tzinfo=None) - local(ctx.activity.start_at).replace(tzinfo=None)
    callsigns = _calls(team or [])
    return Option(
        "move",
        fact(
            "move_to",
            start=a,
            end=b,
            concept=ctx.base if ctx.base != ctx.activity.concept else None,
            deploy=callsigns,
        ),
        fact("moved", minutes=minutes, clock_minutes=int(wall.total_seconds() // 60)),
        not own,
        concept=ctx.base,
        start=a,
        end=b,
        shift_minutes=minutes,
        team=tuple(callsigns),
        partial=bool(own),
        fact=_short_fact("partly_covers", own, ctx.names) if own else None,
    )


def _cannot_stay(ctx: _Context, deployed: list[Staff], a: datetime, b: datetime) -> Problem | None:
    """Why an officer deployed on the activity could not stay on it at [a, b) (None if all
    can)."""
    for officer in deployed:
        why = deployment_problem(ctx.store, ctx.activity.id, officer, ctx.base, span=(a, b))
        if why is not None:
            return why
    return None


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


# Applying ------------------------------------------------------------------------------------

#: The permissions an action needs (an option that also assigns a concept needs activity.write).
_NEEDS = {
    "deploy": ("staff.write",),
    "assign": ("activity.write",),
    "combine": ("activity.write", "staff.write"),
    "move": ("activity.restrict",),
}


def may_apply(actor: access.Actor) -> bool:
    """Whether someone may apply at least one kind of option (the store checks each one), by
    the person's role and this laptop's enrolled role (``access.may``).

    Args:
        actor: whoever acts (``Store.actor``).

    Returns:
        True when the actor may take any permission an option needs.
    """
    return any(access.may(actor, p) for needs in _NEEDS.values() for p in needs)


def option_needs(option: Option, concept: str | None) -> tuple[str, ...]:
    """The permissions applying ``option`` needs (``apply_option`` requires each of them).

    Args:
        option: the option to apply.
        concept: the activity's concept now (an option that changes it, or assigns one,
            also needs ``activity.write``).

    Returns:
        Permission names of ``store.access``.
    """
    changes = option.concept is not None and (
        option.concept != concept or option.action == "assign"
    )
    deploys = option.action == "move" and bool(option.team)
    return (
        _NEEDS.get(option.action, ())
        + (("activity.write",) if changes else ())
        + (("staff.write",) if deploys else ())
    )


def apply_suggestion(
    store: Store,
    activity_id: str,
    *,
    n: int | None = None,
    token: str | None = None,
    reason: str = "capacity",
    authority: str | None = None,
) -> tuple[Option, Activity]:
    """Carry out the option shown as ``n`` or named by ``token`` (``Option.token``), judged
    against the options as they are now, inside the write: ``n`` with a token, option ``n``
    only when it still carries that token; a token alone (the console), the option carrying
    it wherever it now stands; ``n`` alone (scripts), option ``n`` as it is now. Then as
    ``apply_option``.

    Args:
        store: the open database, acting as a person with the option's permissions.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        n: the option's number as listed (1 is the first), or None with a token.
        token: the token printed with the option that was shown, or None.
        reason: a move's reason.
        authority: a move's deciding authority.

    Returns:
        The option carried out, and the activity as stored after it.

    Raises:
        BadInput: no such option (``no_such_option``), the option changed since it was shown
            (``option_changed``), or as ``apply_option``.
        NotFound, PermissionDenied, RuleViolation: as ``apply_option``.
    """
    detail: dict[str, object] = {"n": n, "token": token}
    with store.write("suggest.apply", None, detail) as conn:
        chosen = _chosen(suggest(store, activity_id), n, token)
        detail.update({"action": chosen.action, "option": dict(chosen.what)})
        _carry_out(store, conn, activity_id, chosen, reason, authority)
    return chosen, get_activity(store, activity_id)


def _chosen(options: list[Option], n: int | None, token: str | None) -> Option:
    if n is not None and not 1 <= n <= len(options):
        raise BadInput(code="no_such_option", n=n, count=len(options))
    if token is None:
        if n is None:
            raise BadInput(code="no_option_named")
        return options[n - 1]
    if not token.strip():
        raise BadInput(code="empty_token")
    wanted = validate.line(token, "option_token").strip().lower()
    if n is not None:
        if options[n - 1].token != wanted:
            raise BadInput(
                code="option_changed",
                n=n,
                token=wanted,
                now=dict(options[n - 1].what),
                verdict=options[n - 1].verdict,  # the same option may now fill less
                why=options[n - 1].fact,
            )
        return options[n - 1]
    named = next((o for o in options if o.token == wanted), None)
    if named is None:
        raise BadInput(code="option_changed", token=wanted)
    return named


def apply_option(
    store: Store,
    activity_id: str,
    option: Option,
    *,
    reason: str = "capacity",
    authority: str | None = None,
) -> Activity:
    """Carry out ``option`` for the activity in one transaction (audited ``suggest.apply``),
    checking every rule again (R1, R3, R4 for the concept; on duty, travel, R8, one place at a
    time, rest for officers; R5 for a move, which needs the deciding ``authority`` and a
    ``reason``); nothing is written when it raises.

    Args:
        store: the open database, acting as a person with the option's permissions
            (``staff.write`` to deploy, ``activity.write`` to assign or change the concept,
            both to combine, ``activity.restrict`` to move).
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        option: an option ``suggest`` offered (feasible or partial).
        reason: a move's reason: ``capacity``, ``threat`` or ``tbp_choice``.
        authority: a move's deciding authority.

    Returns:
        The activity as stored after it.

    Raises:
        BadInput: nothing to apply, an option that would not work, a move without a time, or
            a bad reason.
        NotFound: no such activity, concept or officer.
        PermissionDenied: the acting person lacks a permission the option needs.
        RuleViolation: a rule refuses it now (R1, R3, R4, R5, R8, deployment).
    """
    detail = {"action": option.action, "option": dict(option.what)}
    with store.write("suggest.apply", None, detail) as conn:
        _carry_out(store, conn, activity_id, option, reason, authority)
    return get_activity(store, activity_id)


def _carry_out(
    store: Store,
    conn: sqlite3.Connection,
    activity_id: str,
    option: Option,
    reason: str,
    authority: str | None,
) -> None:
    """Inside the open write: ``apply_option``'s work."""
    if option.action not in _NEEDS:
        raise BadInput(code="nothing_to_apply")
    if not (option.feasible or option.partial):
        raise BadInput(code="option_would_not_work", reason="", fact=option.fact)
    current = get_activity(store, activity_id)
    store.target(current.id)
    if current.end_at <= store.clock.now():
        raise BadInput(code="activity_over", title=current.title, moment=current.end_at)
    # assigning the concept it has confirms it for a changed time or place (clears the flag)
    changes_concept = option.concept is not None and (
        option.concept != current.concept or option.action == "assign"
    )
    for action in option_needs(option, current.concept):
        access.require(store.actor, action)
    if changes_concept and option.concept is not None:
        put_concept(store, conn, current.id, option.concept)
    if option.action == "deploy" and option.callsign:
        deploy_officers(store, conn, current.id, [get_staff(store, option.callsign)])
    elif option.action == "combine":
        team = [get_staff(store, c) for c in option.team]
        free: list[Staff] = []
        here = deployed_officers(store, current.id)
        concept = get_activity(store, current.id).concept or ""
        for officer in team:  # the team's officers the group still needs, as deploy judges it
            if deployment_problem(store, current.id, officer) is None and not group_problems(
                store,
                current.id,
                concept,
                [*here, *free, officer],
                {o.callsign for o in [*free, officer]},
            ):
                free.append(officer)
        if not free:
            raise BadInput(code="option_changes_nothing")
        if free:
            deploy_officers(store, conn, current.id, free)
    elif option.action == "move":
        if option.start is None:
            raise BadInput(code="move_without_time")
        record_restriction(
            store,
            conn,
            current.id,
            kind="moved",
            reason=reason,
            authority=authority or "",
            new_start=option.start,
            new_end=option.end,
        )
        if option.team:  # the officers the move deploys there, judged again at the new time
            deploy_officers(store, conn, current.id, [get_staff(store, c) for c in option.team])
