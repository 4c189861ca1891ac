"""Words for psychosocial care (issue 20): a member's relation, a care module's status (their
refusals: ``words/person_refusals.py``)."""

from __future__ import annotations

from . import _

#: A household member's relation in words (``self`` is the protected person themself).
RELATIONS = {
    "self": _("the person themself"),
    "partner": _("partner"),
    "child": _("child"),
}
#: A care module's status in words (None: not offered yet).
STATUSES = {
    None: _("not offered yet"),
    "offered": _("offered"),
    "accepted": _("accepted"),
    "declined": _("declined"),
    "ended": _("ended"),
}
