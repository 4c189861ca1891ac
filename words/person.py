"""Words for the protected person at the centre (issue 20): a request's assessment and
answer, the person's experience, the weekly statement (their refusals:
``words/person_refusals.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _, facts
from .suggestions import cost, describe

if TYPE_CHECKING:
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
