"""Words for the codes the store uses: a person reads "the protected person's choice", never
``tbp_choice``. Every label goes through ``_`` so a Dutch catalogue can replace it; a code with no
label is shown with its underscores as spaces, so nothing is ever hidden."""

from __future__ import annotations

from words.access import AUDIENCES, ROLES

from .i18n import _

LABELS: dict[str, dict[str, str]] = {
    "restriction_kind": {
        "cancelled": _("cancelled"),
        "moved": _("moved to another time"),
        "shortened": _("shortened"),
        "relocated": _("moved to another place"),
    },
    "restriction_reason": {
        "capacity": _("capacity (not enough officers)"),
        "threat": _("threat"),
        "tbp_choice": _("the protected person's choice"),
    },
    "log_kind": {
        "note": _("note"),
        "movement": _("movement"),
        "incident": _("incident"),
        "deviation": _("deviation from the plan"),
        "equipment": _("equipment"),
    },
    "activity_kind": {"work": _("work"), "private": _("private")},
    "activity_status": {
        "planned": _("planned"),
        "confirmed": _("confirmed"),
        "cancelled": _("cancelled"),
        "moved": _("moved"),
        "shortened": _("shortened"),
        "done": _("done"),
    },
    "signal_category": {
        "possible_surveillance": _("possible surveillance"),
        "person": _("person"),
        "vehicle": _("vehicle"),
        "online": _("online"),
        "approach": _("approach"),
        "other": _("other"),
    },
    "urgency": {"immediate": _("immediate"), "priority": _("priority"), "routine": _("routine")},
    "signal_status": {
        "submitted": _("submitted"),
        "received": _("received"),
        "in_follow_up": _("in follow-up"),
        "interpreted": _("interpreted"),
        "closed": _("closed"),
    },
    "outcome": {
        "confirmed": _("confirmed"),
        "not_confirmed": _("not confirmed"),
        "false_positive": _("false positive"),
    },
    "sighting": {
        "seen_again": _("seen again"),
        "not_seen": _("not seen"),
        "false_positive": _("false positive"),
    },
    "audience": dict(AUDIENCES),
    "step": {
        "decision": _("decision"),
        "execution": _("execution"),
        "monitoring": _("monitoring"),
    },
    "role": dict(ROLES),
    "domain": {"local": _("local"), "national": _("national (Rijksdomein)")},
    "replan": {
        "below_required": _("below required level"),
        "no_threat_assessment": _("no threat assessment"),
        "outside_package": _("outside the package"),
        "outside_pilot_scope": _("pilot outside its scope"),
        "changed_externally": _("calendar changed: check"),
    },
    "subject_kind": {"person": _("person"), "object": _("object"), "service": _("service")},
}


def label(kind: str, code: str | None) -> str:
    """The words for ``code`` of this kind; an unknown code with its underscores as spaces."""
    if code is None:
        return ""
    return LABELS.get(kind, {}).get(code) or code.replace("_", " ")


def choices(kind: str, codes: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """``(words, code)`` pairs for a ``Select``."""
    return [(label(kind, code), code) for code in codes]
