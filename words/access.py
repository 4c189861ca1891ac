"""Who may do what, in words: the actions of the permission table (``store.access``,
``store.rules``) and the roles, as a refusal and a screen name them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import _

#: Role code (``store.access.ROLES``) → its name (every face: the console's labels too).
ROLES: dict[str, str] = {
    "operator": _("operator"),
    "shift_leader": _("shift leader"),
    "planner": _("planner"),
    "info_analyst": _("information analyst"),
    "authority": _("authority liaison"),
    "capacity_analyst": _("capacity analyst"),
    "admin": _("admin"),
}

#: Action code (``store.access.PERMISSIONS``, ``store.rules``) → what it lets a person do.
ACTIONS: dict[str, str] = {
    "log.write": _("write the operational log"),
    "signal.raise": _("raise a signal"),
    "activity.write": _("add or edit activities, assign concepts and import calendars"),
    "activity.restrict": _("restrict an activity"),
    "subject.write": _("add protected subjects and record threat assessments"),
    "staff.write": _("manage staff, shifts and deployments"),
    "signal.process": _("receive, follow up, interpret and close signals"),
    "intel.write": _("draft and issue signal reports"),
    "handover.sign": _("sign and accept handovers"),
    "log.clear": _("clear flagged log entries"),
    "decision.adopt": _("adopt work-process decisions"),
    "capacity.scenario": _("run capacity scenarios"),
    "team.manage": _("create teams and enrol or revoke devices"),
    "request.answer": _("answer a requested activity"),
    "experience.write": _("record the protected person's experience"),
    "experience.read": _("read the protected person's experiences"),
    "care.write": _("record the protected person's household and care"),
    "care.read": _("read the protected person's household and care"),
    "staff.grant_admin": _("make someone an admin or change an admin's role"),
    "intel.acknowledge": _("acknowledge signal reports"),
    "sync.claim_name": _("witness which row first held a unique name (the team's admin laptop)"),
}

#: A signal report's audience (``store.intel.AUDIENCE_ROLES``) → its name.
AUDIENCES: dict[str, str] = {
    "line_managers": _("line managers"),
    "authority": _("the competent authority"),
}


def role(code: object) -> str:
    """A role in words (``shift_leader`` → "shift leader"); an unknown code as it is."""
    return ROLES.get(str(code), str(code))


def roles(codes: Iterable[str]) -> str:
    """Roles in words, joined: "admin, planner, shift leader"."""
    return ", ".join(role(c) for c in codes)


def action(code: object) -> str:
    """An action in words ("run capacity scenarios"); an unknown code as it is."""
    return ACTIONS.get(str(code), str(code))


def audience(code: object) -> str:
    """A signal report's audience in words."""
    return AUDIENCES.get(str(code), str(code))


def worded(params: Mapping[str, Any]) -> dict[str, Any]:
    """A permission refusal's params with its codes in words (``roles`` → ``names``,
    ``action`` → ``words``, ``role``/``laptop``/``audience`` named), for its sentence."""
    out = dict(params)
    if "roles" in params:
        out["names"] = roles(params["roles"])
    if "action" in params:
        out["words"] = action(params["action"])
    for key in ("role", "laptop"):
        if key in params:
            out[key] = role(params[key])
    if "audience" in params:
        out["audience"] = audience(params["audience"])
    return out
