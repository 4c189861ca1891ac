"""Words for the protected person at the centre (issue 20): a request's assessment and
answer, the person's experience, the weekly statement; and the refusals of those store modules
(``SENTENCES``, merged into ``words/errors.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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


def _template(text: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda p: text.format(**p)


#: The refusals of store/requests.py, store/experience.py, store/statement.py and the week check.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "request_over": _template(
        _("The requested activity would have ended by now; request one still ahead.")
    ),
    "request_answered": _template(_("Request {request} was already {answer} by {by}.")),
    "request_option_not_feasible": _template(
        _("Option {n} would not work (see its reason); choose another or refuse the request.")
    ),
    "request_option_gone": _template(
        _(
            "Option {n} can no longer be carried out as assessed; refuse the request or "
            "request it again for a new assessment."
        )
    ),
    "request_assessment_unreadable": _template(
        _(
            "Request {request}'s assessment does not read as the store writes it ({fault}); "
            "refuse it or request it again for a new assessment."
        )
    ),
    "request_assessment_malformed": _template(
        _("The request's assessment is not one the store writes ({fault}).")
    ),
    "answer_accept_or_refuse": _template(
        _("Answer a request either by accepting an option or by refusing it.")
    ),
    "answer_fields_mismatch": _template(
        _(
            "An answer names an option and an activity when it accepts, a reason and an "
            "authority when it refuses."
        )
    ),
    "experience_activity_and_week": _template(
        _("An experience concerns one activity or one week, not both.")
    ),
    "experience_activity_of_another": _template(
        _("Activity {activity} is on {owner}'s agenda, not {person}'s.")
    ),
    "not_a_week": _template(_("{field} must be an ISO week, YYYY-Www (2026-W53); {given} is not.")),
    "no_such_week": _template(
        _(
            "{field} names week {week} of {year}, which that year does not have (ISO weeks run "
            "from 1 to 52 or 53)."
        )
    ),
}
