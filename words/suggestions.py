"""Suggestions (*wat kan wél*) in words: what an option does, what it costs and why it would
not work, from the facts ``store.suggest`` gives (``Option.what``, ``Option.price``,
``Option.fact``: a code and its parameters). Qualifications are named as the catalogue names
them (the part before a parenthesised gloss: "Close protection"), never by their code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.clock import local, local_span

from . import _, ngettext

Params = Mapping[str, Any]


def qualification(code: str, names: Mapping[str, str]) -> str:
    """A qualification as people call it: its catalogue name up to a parenthesised gloss
    ("Close protection (persoonsbeveiliging)" → "Close protection"); the code when the
    catalogue has no name for it."""
    name = str(names.get(code) or code)
    return name.split(" (")[0] or name


def _names(p: Params) -> str:
    return ", ".join(qualification(q, p.get("names") or {}) for q in p["qualifications"])


def _replacing(p: Params) -> str:
    """The words " and plan with CP-HEAVY instead of ESCORT" when a deployment also changes the
    activity's concept (nothing when it keeps its concept)."""
    if not p.get("concept"):
        return ""
    if p.get("current"):
        return _(" and plan with {concept} instead of {current}").format(
            concept=p["concept"], current=p["current"]
        )
    return _(" and plan with {concept}").format(concept=p["concept"])


WHAT: dict[str, Callable[[Params], str]] = {
    "lend": lambda p: (
        _("Deploy {callsign} ({qualifications}; lent from {unit}, {minutes} min travel)").format(
            callsign=p["callsign"], qualifications=_names(p), unit=p["unit"], minutes=p["minutes"]
        )
        + _replacing(p)
    ),
    "fill_open": lambda p: (
        _("Deploy {callsign} ({qualifications}; on duty in {unit})").format(
            callsign=p["callsign"], qualifications=_names(p), unit=p["unit"]
        )
        + _replacing(p)
    ),
    "lend_any": lambda p: (
        _("Lend officers with {qualifications}").format(qualifications=_names(p)) + _replacing(p)
    ),
    "use_concept": lambda p: (
        _("Use {concept} ({level}) instead of {current}").format(
            concept=p["concept"], level=p["level"], current=p["current"] or _("no concept")
        )
        if p.get("current") is not None
        else _("Use {concept} ({level})").format(concept=p["concept"], level=p["level"])
    ),
    "keep_concept": lambda p: _("Keep {concept} ({level}) for the changed time or place").format(
        concept=p["concept"], level=p["level"]
    ),
    "keep_team": lambda p: (
        _("Keep the {concept} team of '{title}' on").format(concept=p["concept"], title=p["title"])
        + (
            _(" (instead of {current})").format(current=p["current"] or _("no concept"))
            if "current" in p
            else ""
        )
    ),
    "move_to": lambda p: (
        _("Move to {span}").format(span=local_span(p["start"], p["end"]))
        + (_(" with {concept}").format(concept=p["concept"]) if p.get("concept") else "")
        + (
            _(" and deploy {callsigns}").format(callsigns=", ".join(p["deploy"]))
            if p.get("deploy")
            else ""
        )
    ),
    "move_any": lambda _p: _("Move the activity"),
    "nothing_cancelled": lambda p: _("'{title}' is cancelled; nothing to do.").format(
        title=p["title"]
    ),
    "nothing_ended": lambda p: _("'{title}' ended at {moment}; nothing to do.").format(
        title=p["title"], moment=f"{local(p['end']):%Y-%m-%d %H:%M}"
    ),
    "nothing_covered": lambda p: _("'{title}' is covered with {concept}; nothing to do.").format(
        title=p["title"], concept=p["concept"]
    ),
}


def describe(what: Mapping[str, Any]) -> str:
    """What an option does (``Option.what``) in words."""
    return WHAT[str(what["code"])](what["params"])


def cost(price: Mapping[str, Any]) -> str:
    """What an option costs the protected person (``Option.price``) in words."""
    code, p = str(price["code"]), price.get("params") or {}
    if code == "travel":
        return _("travel {minutes} min").format(minutes=p["minutes"])
    if code == "moved":
        minutes = p.get("minutes")
        if minutes is None:
            return _("moved")
        if p.get("days"):  # the nearest later day: the same local time, whatever the clocks do
            return ngettext(
                "{days} day later, same time", "{days} days later, same time", int(p["days"])
            ).format(days=p["days"])
        moved = _("moved {shift}").format(shift=_signed(minutes))
        wall = p.get("clock_minutes")
        if wall is None or wall == minutes:
            return moved
        # across a clock change the clock moves an hour more or less than real time
        return _("{moved} (clock {shift})").format(moved=moved, shift=_signed(wall))
    return _("none")


def _signed(minutes: int) -> str:
    """``+2:00``, ``-0:30``."""
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"


def shortfall(p: Params) -> str:
    """``1 × Close protection, 1 × Protective driving`` (and the unit's other activities when
    the option would take officers they need)."""
    names = p.get("names") or {}
    parts = [
        _("{count} × {qualification}").format(count=n, qualification=qualification(q, names))
        for q, n in p["missing"]
    ]
    if p.get("others"):
        parts.append(_("officers the unit's other activities need then"))
    return ", ".join(parts)


def _counted(counts: list[list[Any]], names: Mapping[str, str]) -> str:
    return ", ".join(
        _("{count} × {qualification}").format(count=n, qualification=qualification(q, names))
        for q, n in counts
    )


def places_short(p: Params) -> str:
    """One measure for every option (rev16u F5): the places still to deploy and, of those,
    what the unit cannot staff — ``3 places to deploy; the unit can staff 2 (short: 1 ×
    High-risk protection)``."""
    names = p.get("names") or {}
    total = sum(n for _q, n in p["missing"])
    short = p.get("short") or []
    lacking = sum(n for _q, n in short)
    if not total and not short:
        return _("staffs it, but takes officers the unit's other activities need then")
    if not total:  # nothing left to deploy here, but the unit is short then
        return _("{missing} short in the unit").format(missing=_counted(short, names))
    listed = _counted(p["missing"], names)
    text = ngettext(
        "{count} place to deploy ({which})", "{count} places to deploy ({which})", total
    ).format(count=total, which=listed)
    if short:
        missing = _counted(short, names)
        text += _("; the unit can staff {count} (short: {missing})").format(
            count=max(0, total - lacking), missing=missing
        )
    else:
        text += _("; the unit can staff them")
    if p.get("others"):
        text += _("; it takes officers the unit's other activities need then")
    return text


WHY: dict[str, Callable[[Params], str]] = {
    "still_short": places_short,
    "partly_covers": places_short,
    "home_short": lambda p: _("would leave {unit} short (with travel both ways)").format(
        unit=p["unit"]
    ),
    "needs_travel": lambda p: _("needs {minutes} min travel").format(minutes=p["minutes"]),
    "no_lender": lambda _p: _(
        "no officer of another unit is free and qualified for the whole activity (travel "
        "included) without leaving their unit short"
    ),
    "no_move": lambda _p: _("no start within four hours either way is covered"),
}
