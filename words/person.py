"""Words for the protected person at the centre (issue 20): a request's assessment and
answer, the person's experience, the weekly statement (their refusals:
``words/person_refusals.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _, facts, ngettext
from .suggestions import cost, describe

if TYPE_CHECKING:
    from store.preview import AssessmentPreview
    from store.requests import RequestOption

#: A request's verdict (``store.requests.VERDICTS``) in words.
VERDICTS = {
    "as_asked": _("feasible as asked"),
    "with_changes": _("feasible with changes"),
    "not_feasible": _("not feasible now"),
    "unreadable": _("unreadable (its assessment is not one the store writes)"),
}
#: An experience's weight in words.
WEIGHTS = {
    "none": _("did not weigh"),
    "some": _("weighed somewhat"),
    "heavy": _("weighed heavily"),
}


def option_text(option: RequestOption) -> str:
    """What an option of the assessment does, in words."""
    if option.action == "as_asked":
        return (
            _("plan it as asked with {concept}").format(concept=option.concept)
            if option.concept
            else _("plan it as asked, without a concept yet")
        )
    try:
        return describe(option.what)
    except (KeyError, TypeError, ValueError, AttributeError):
        return option.action


def option_cost(option: RequestOption) -> str:
    """What an option costs the person, in words."""
    try:
        return cost(option.price)
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""


def option_why(option: RequestOption) -> str:
    """Why an option would not work or only partly, in words ('' when it works)."""
    fact = option.fact
    if not fact:
        return ""
    if option.coverable and not option.feasible:
        return _("the officers on duty cover it; its places are then filled by deployment")
    if fact.get("code") == "as_asked_short":
        return _("the officers on duty do not cover it at that time (a roster gap)")
    try:
        return facts.reason("", fact)
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(fact.get("code"))


def preview_text(seen: AssessmentPreview) -> str:
    """What recording an assessment would change, in one paragraph (the console's form).

    Args:
        seen: the preview (``store.preview.preview_assessment``).

    Returns:
        The required level and package it gives, how many activities and posts would fall
        below, the officer-hours more (or fewer) in the window, and the units that would go
        short with their shortfall before and after.
    """
    after = seen.after
    parts = [
        _("At level {level}: requires {required}, package {package}.").format(
            level=after.threat_level, required=after.required_level, package=after.package
        )
    ]
    activities = sum(1 for f in seen.falling if f.kind == "activity")
    posts = len(seen.falling) - activities
    if activities:
        parts.append(
            ngettext(
                "{n} more activity would need re-planning.",
                "{n} more activities would need re-planning.",
                activities,
            ).format(n=activities)
        )
    if posts:
        parts.append(
            ngettext(
                "{n} more standing post would need re-planning.",
                "{n} more standing posts would need re-planning.",
                posts,
            ).format(n=posts)
        )
    if not seen.falling:
        parts.append(_("Nothing more would need re-planning."))
    days = round((seen.end - seen.start).total_seconds() / 86400)
    hours = seen.hours_needed
    if hours > 0:
        said = _("Protection would need {hours} officer-hours more in the next {days} days.")
    elif hours < 0:
        said = _("Protection would need {hours} officer-hours fewer in the next {days} days.")
    else:
        said = _("The officer-hours protection needs in the next {days} days would not change.")
    parts.append(said.format(hours=f"{abs(hours):g}", days=days))
    short = [u for u in seen.units if u.goes_short]
    if short:
        parts.append(
            _("Would go short: {units}.").format(
                units=", ".join(
                    _("{unit} ({before:g} → {after:g} hours short)").format(
                        unit=u.unit, before=u.shortfall_before, after=u.shortfall_after
                    )
                    for u in short
                )
            )
        )
    else:
        parts.append(_("No unit would go short."))
    return " ".join(parts)
