"""Deployment problems in words: each ``store.roster.Problem`` (a code, its rule and its
parameters) as the phrase the command line and the console show. The store never words them,
and no face reads these phrases back: a face that needs the rule or the kind of problem reads
the problem's ``code`` and ``rule``.

Problems arrive as their facts too (``Problem.facts()``, ``{code, rule, params}``: the
``problems`` of a refused deployment, ``store.errors.RuleViolation`` with
``code="not_deployed"``). Times are aware UTC datetimes either way: worded here, never parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from itertools import combinations
from typing import TYPE_CHECKING, Any

from store.clock import local, local_span, told_apart

from . import _, ngettext
from .suggestions import qualification

if TYPE_CHECKING:
    from store.roster import Problem

Params = Mapping[str, Any]


def _minute(moment: datetime) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}"


def _clock(moment: datetime) -> str:
    """The local time of day, with its offset in the hour the autumn change repeats (as
    ``told_apart`` words it): ``02:10+02:00`` is not ``02:10+01:00``."""
    return told_apart(moment).split(" ", 1)[1]


def _unqualified(p: Params) -> str:
    expired = _(" ({codes} expired)").format(codes=", ".join(p["expired"])) if p["expired"] else ""
    return _(
        "{callsign} holds none of {needs} valid from {since}, within the activity {span}"
        "{expired} (rule R8)"
    ).format(
        callsign=p["callsign"],
        needs=", ".join(p["needs"]),
        since=_minute(p["since"]),
        span=local_span(p["start"], p["end"]),
        expired=expired,
    )


def _lapses(p: Params) -> str:
    return _("{callsign}: {code} lapses {moment}, within the activity {span} (rule R8)").format(
        callsign=p["callsign"],
        code=p["qualification"],
        moment=_minute(p["lapse"]),
        span=local_span(p["start"], p["end"]),
    )


def _no_open_slot(p: Params) -> str:
    names = p.get("names") or {}  # the catalogue's names (none in problems kept before them)
    if p.get("open") and not p["lapsed"]:
        return _left_without_place(p, names)
    full = [
        _("{code} ({filled} of {count})").format(code=qualification(q, names), filled=f, count=c)
        for q, f, c in p["full"]
    ]
    lapsed = [
        _("{code} lapsed {day}").format(code=qualification(code, names), day=_minute(day))
        for code, day in p["lapsed"]
    ]
    why = "; ".join(
        ([_("already filled: {slots}").format(slots=", ".join(full))] if full else []) + lapsed
    ) or _("holds none of its qualifications")
    rule = _("rule R8") if p["lapsed"] else _("rule: staffing")
    return _("{callsign} fills no open slot of the concept from {since} ({why}) ({rule})").format(
        callsign=p["callsign"], since=_minute(p["since"]), why=why, rule=rule
    )


def _left_without_place(p: Params, names: Mapping[str, str]) -> str:
    """An officer left without a place once those named before him took the open ones
    (``roster._bound_in_order``): how many places of each of his qualifications are open,
    and who fills them (rev17r: two officers for one place were both refused as if it were
    already filled)."""
    places = [
        ngettext("{count} {code} slot", "{count} {code} slots", count).format(
            count=count, code=qualification(code, names)
        )
        for code, count in p["open"]
    ]
    bound = p.get("bound") or []
    why = _("{places} open").format(places=", ".join(places))
    if bound and any(count for _code, count in p["open"]):
        why = _("{places} open, filled by {callsigns}").format(
            places=", ".join(places), callsigns=", ".join(bound)
        )
    return _("{callsign} fills no open slot of the concept from {since} ({why}) ({rule})").format(
        callsign=p["callsign"], since=_minute(p["since"]), why=why, rule=_("rule: staffing")
    )


def _open_slots(p: Params) -> str:
    """Open places, with why in one bracket: each reason the deployed officers leave them
    open (joined by semicolons), then rule R8 when a lapse is one of them."""
    slots = _("slot") if p["missing"] == 1 else _("slots")
    reasons = [
        template.format(callsigns=", ".join(p[key]))
        for key, template in (
            ("lapsed", _("{callsigns} lapsed")),
            ("off_duty", _("{callsigns} not on duty")),
            ("elsewhere", _("{callsigns} deployed elsewhere then")),
            ("travelling", _("{callsigns} on the way from the deployment before then")),
            ("leaving", _("{callsigns} on the way home to be back by the end of their shift")),
        )
        if p.get(key)
    ]
    units: dict[str, list[str]] = {}
    for callsign, unit in p.get("arriving") or ():
        units.setdefault(unit, []).append(callsign)
    reasons += [
        _("{callsigns} on the way from {unit}").format(callsigns=", ".join(calls), unit=unit)
        for unit, calls in units.items()
    ]
    if p["lapsed"]:
        reasons.append(_("rule R8"))
    why = _(" ({reasons})").format(reasons="; ".join(reasons)) if reasons else ""
    return _("{qualification}: {missing} {slots} open {span}{why}").format(
        qualification=p["qualification"],
        missing=p["missing"],
        slots=slots,
        span=local_span(p["start"], p["end"]),
        why=why,
    )


PHRASES: dict[str, Callable[[Params], str]] = {
    "activity_cancelled": lambda _p: _("the activity is cancelled"),
    "activity_over": lambda p: _(
        "'{title}' ended at {moment}; its deployments no longer change"
    ).format(title=p["title"], moment=_minute(p["moment"])),
    "no_concept": lambda _p: _("the activity has no concept yet; assign one first"),
    "not_on_duty": lambda p: _(
        "{callsign} is not on duty for the whole activity {span} (rule: on duty)"
    ).format(callsign=p["callsign"], span=local_span(p["start"], p["end"])),
    "travel_from_unit": lambda p: _(
        "{callsign} needs {minutes} min travel from {unit} and is not on duty by {by} "
        "(rule: travel)"
    ).format(callsign=p["callsign"], minutes=p["minutes"], unit=p["unit"], by=_clock(p["by"])),
    "travel_to_unit": lambda p: _(
        "{callsign} needs {minutes} min travel back to {unit} and is not on duty until {by} "
        "(rule: travel)"
    ).format(callsign=p["callsign"], minutes=p["minutes"], unit=p["unit"], by=_clock(p["by"])),
    "lapses": _lapses,
    "unqualified": _unqualified,
    "one_place": lambda p: _(
        "{callsign} is already deployed on activity {activity} {span} (rule: one place at a time)"
    ).format(callsign=p["callsign"], activity=p["activity"], span=local_span(p["start"], p["end"])),
    "double_booked": lambda p: _(
        "{callsign} is deployed on activity {activity} and on {other} at once, {span}; "
        "counted at {bound} only (rule: one place at a time)"
    ).format(
        callsign=p["callsign"],
        activity=p["activity"],
        other=p["other"],
        span=local_span(p["start"], p["end"]),
        bound=p["bound"],
    ),
    "travel_from_previous": lambda p: _(
        "{callsign} needs {minutes} min travel from the previous deployment at {origin} ending "
        "{ends} to {to} by {by} (rule: travel)"
    ).format(
        callsign=p["callsign"],
        minutes=p["minutes"],
        origin=p["from"],
        ends=_clock(p["ends"]),
        to=p["to"],
        by=_clock(p["by"]),
    ),
    "travel_to_next": lambda p: _(
        "{callsign} needs {minutes} min travel from {origin} ending {ends} to the next "
        "deployment at {to} starting {starts} (rule: travel)"
    ).format(
        callsign=p["callsign"],
        minutes=p["minutes"],
        origin=p["from"],
        ends=_clock(p["ends"]),
        to=p["to"],
        starts=_clock(p["starts"]),
    ),
    "rest": lambda p: _(
        "{callsign} has less than 11 hours' rest between {span} and {other} "
        "(rule: rest between shifts)"
    ).format(
        callsign=p["callsign"],
        span=local_span(p["start"], p["end"]),
        other=local_span(p["other_start"], p["other_end"]),
    ),
    "already_deployed": lambda p: _("{callsign} is already deployed on this activity").format(
        callsign=p["callsign"]
    ),
    "no_open_slot": _no_open_slot,
    "open_slots": _open_slots,
}


def phrase(problem: Problem | Mapping[str, Any]) -> str:
    """A deployment problem as a phrase: a ``Problem`` or its facts (``Problem.facts()``)."""
    if isinstance(problem, Mapping):
        code, params = str(problem["code"]), problem["params"]
    else:
        code, params = problem.code, problem.params
    return PHRASES[code](params)


def double_booked_warning(params: Params) -> str:
    """The command line's warning of an officer a change (an edit, a restriction, a calendar
    import) left deployed on two activities at once — ``double_booked`` facts — pointing to
    the listing of violations (the console's faces word the fact alone)."""
    return _("Warning: {problem}; see gaps --violations.").format(
        problem=phrase({"code": "double_booked", "params": params})
    )


def move_warning(problem: Mapping[str, Any]) -> str:
    """The command line's warning of a rule a change of time (an edit, a restriction) left
    broken for an officer deployed there (``roster.move_problems`` facts), pointing to the
    listing of violations."""
    return _("Warning: {problem}; see gaps --violations.").format(problem=phrase(problem))


def refused(problems: list[Mapping[str, Any]]) -> str:
    """The sentence of a refused deployment: every officer's problem."""
    return _("Not deployed: {problems}.").format(problems="; ".join(phrase(p) for p in problems))


def misfit_words(p: Mapping[str, Any]) -> str:
    """A concept the deployed group does not fit (``concept_misfits_deployed``,
    ``roster.concept_misfit``): how many of them it has places for, and the smallest release,
    exactly: the officers in every smallest set, then "one of" / "N of" the others when any
    N of them will do, else each smallest set ("A and B, or A and C").

    Args:
        p: the fact's params: ``concept``, ``deployed``, ``surplus``, ``sets``, ``candidates``.

    Returns:
        The words, without a full stop.
    """
    sets = [frozenset(s) for s in p["sets"]]
    forced = sorted(frozenset.intersection(*sets))
    rest = sorted(set(p["candidates"]) - set(forced))
    left = p["surplus"] - len(forced)
    if left and {frozenset(c) for c in combinations(rest, left)} == {s - set(forced) for s in sets}:
        some = ", ".join(rest)
        if left == 1:
            forced.append(_("one of {callsigns}").format(callsigns=some))
        else:
            forced.append(_("{count} of {callsigns}").format(count=left, callsigns=some))
        which = (
            _("{callsigns} and {some}").format(callsigns=", ".join(forced[:-1]), some=forced[-1])
            if len(forced) > 1
            else forced[0]
        )
    else:
        which = _(", or ").join(_(" and ").join(sorted(s)) for s in sets)
    return ngettext(
        "{concept} has places for {keep} of the {deployed} officer deployed on it: release {which}",
        "{concept} has places for {keep} of the {deployed} officers deployed on it: "
        "release {which}",
        p["deployed"],
    ).format(
        concept=p["concept"], keep=p["deployed"] - p["surplus"], deployed=p["deployed"], which=which
    )
