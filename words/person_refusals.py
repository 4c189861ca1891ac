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
    "request_not_as_asked": template(
        _(
            "The request's assessment is not of the request's own times: the store assesses "
            "the time asked for."
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
    "care_not_a_person": template(
        _("{person} is not a person: a household and care belong to a protected person.")
    ),
    "care_no_such_member": template(
        _(
            "{person} has no household member {given}; name self or a member's code "
            "(person household {person})."
        )
    ),
    "care_self_not_ended": template(
        _(
            "{person} themself is not a household member that ends; name a member's code "
            "(person household {person})."
        )
    ),
    "care_member_ended_already": template(_("Member {member} was ended already.")),
    "care_no_package": template(
        _(
            "{person} has no package yet, so no care modules; record a threat assessment "
            "of {person} first."
        )
    ),
    "care_member_ended": template(
        _("Member {member} was ended; only the status ended may still be recorded.")
    ),
    "care_module_not_in_package": template(
        _("{given} is not a care module of package {package} now; it has: {modules}.")
    ),
    "care_module_ambiguous": template(
        _("{given} names more than one care module ({modules}); name it in full.")
    ),
    "care_module_not_for_member": template(
        _("{module} is not for {member} ({relation}); choose a module for that member.")
    ),
    "care_not_offered": template(
        _("{module} was not offered to {member} yet; record offered first.")
    ),
    "care_status_unchanged": template(
        _("{module} is {status} for {member} already; record the next status.")
    ),
    "care_date_before_last": template(
        _("{on} is before the module's last status ({last}); a history goes forward.")
    ),
    "care_offer_again": template(
        _("{module} was {last} for {member}; only a new offer (status offered) starts it again.")
    ),
    "care_date_ahead": template(
        _("{on} is after today ({today}); record a status once it has taken effect.")
    ),
    "care_backdated": template(
        _("{on} is more than {days} days back; record a status when it happens, or soon after.")
    ),
    "care_date_before_member": template(
        _("{on} is before member {member} was recorded ({added}).")
    ),
    "care_member_code": template(
        _("{given} is not a member code (the person's code, -P or -C and a number).")
    ),
    "not_a_week": template(_("{field} must be an ISO week, YYYY-Www (2026-W53); {given} is not.")),
    "no_such_week": template(
        _(
            "{field} names week {week} of {year}, which that year does not have (ISO weeks run "
            "from 1 to 52 or 53)."
        )
    ),
}
