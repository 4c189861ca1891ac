"""The refusals of the protected person's records (issue 20): store/requests.py,
store/experience.py, store/statement.py and the week check. Merged into ``words.errors``'s
table; this module imports no other table of words, so that merge needs no import cycle."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import _
from .filled import template

#: The refusals of store/requests.py, store/experience.py, store/statement.py and the week check.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "request_over": template(
        _("The requested activity would have ended by now; request one still ahead.")
    ),
    "request_answered": template(_("Request {request} was already {answer} by {by}.")),
    "request_option_over": template(
        _(
            "Option {n} of request {request} would plan an activity that has already ended; "
            "accept an option still ahead, or refuse the request."
        )
    ),
    "request_option_not_feasible": template(
        _("Option {n} would not work (see its reason); choose another or refuse the request.")
    ),
    "request_option_gone": template(
        _(
            "Option {n} can no longer be carried out as assessed; refuse the request or "
            "request it again for a new assessment."
        )
    ),
    "request_assessment_unreadable": template(
        _(
            "Request {request}'s assessment does not read as the store writes it ({fault}); "
            "refuse it or request it again for a new assessment."
        )
    ),
    "request_assessment_malformed": template(
        _("The request's assessment is not one the store writes ({fault}).")
    ),
    "answer_accept_or_refuse": template(
        _("Answer a request either by accepting an option or by refusing it.")
    ),
    "answer_fields_mismatch": template(
        _(
            "An answer names an option and an activity when it accepts, a reason and an "
            "authority when it refuses."
        )
    ),
    "experience_activity_and_week": template(
        _("An experience concerns one activity or one week, not both.")
    ),
    "experience_activity_of_another": template(
        _("Activity {activity} is on {owner}'s agenda, not {person}'s.")
    ),
    "not_a_week": template(_("{field} must be an ISO week, YYYY-Www (2026-W53); {given} is not.")),
    "no_such_week": template(
        _(
            "{field} names week {week} of {year}, which that year does not have (ISO weeks run "
            "from 1 to 52 or 53)."
        )
    ),
}
