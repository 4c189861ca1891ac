"""Words for the protected person at the centre (issue 20): a request's assessment and
answer, the person's experience, the weekly statement (their refusals:
``words/person_refusals.py``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from store.clock import from_db

from . import _, facts
from .suggestions import cost, describe

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

_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _times(value: Any) -> Any:
    """An option kept as JSON with its times as aware datetimes again (the words take them)."""
    if isinstance(value, str) and _STORED_TIME.fullmatch(value):
        return from_db(value)
    if isinstance(value, dict):
        return {k: _times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_times(v) for v in value]
    return value


def option_text(option: Mapping[str, Any]) -> str:
    """What an option of the assessment does, in words."""
    if option.get("action") == "as_asked":
        concept = option.get("concept")
        return (
            _("plan it as asked with {concept}").format(concept=concept)
            if concept
            else _("plan it as asked, without a concept yet")
        )
    try:
        return describe(_times(option["what"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(option.get("action"))


def option_cost(option: Mapping[str, Any]) -> str:
    """What an option costs the person, in words."""
    try:
        return cost(_times(option["price"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""


def option_why(option: Mapping[str, Any]) -> str:
    """Why an option would not work or only partly, in words ('' when it works)."""
    fact = option.get("fact")
    if not fact:
        return ""
    if option.get("coverable") and not option.get("feasible"):
        return _("the officers on duty cover it; its places are then filled by deployment")
    if fact.get("code") == "as_asked_short":
        return _("the officers on duty do not cover it at that time (a roster gap)")
    try:
        return facts.reason("", _times(fact))
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(fact.get("code"))
