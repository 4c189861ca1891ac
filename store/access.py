"""Who may do what: the one permission table that the CLI, the console and sync all consult.

Everyone may read, raise signals and write the log. Every other action names the roles that may
take it (DESIGN.md §3). ``require`` raises ``PermissionDenied`` with a sentence that names them.
"""

from __future__ import annotations

from typing import Any

from .errors import PermissionDenied

ROLES = (
    "operator",
    "shift_leader",
    "planner",
    "info_analyst",
    "authority",
    "capacity_analyst",
    "admin",
)

_EVERYONE = frozenset(ROLES)

#: action → (what it is, in words; the roles allowed)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "log.write": ("write the operational log", _EVERYONE),
    "signal.raise": ("raise a signal", _EVERYONE),
    "activity.write": (
        "add or edit activities, assign concepts and import calendars",
        frozenset({"operator", "planner", "shift_leader", "admin"}),
    ),
    "activity.restrict": (
        "restrict an activity",
        frozenset({"planner", "shift_leader", "authority", "admin"}),
    ),
    "subject.write": (
        "add protected subjects and record threat assessments",
        frozenset({"planner", "shift_leader", "info_analyst", "authority", "admin"}),
    ),
    "staff.write": (
        "manage staff, shifts and deployments",
        frozenset({"planner", "shift_leader", "admin"}),
    ),
    "signal.process": (
        "receive, follow up, interpret and close signals",
        frozenset({"info_analyst"}),
    ),
    "intel.write": ("draft and issue signal reports", frozenset({"info_analyst"})),
    "handover.sign": ("sign and accept handovers", frozenset({"shift_leader", "admin"})),
    "log.clear": ("clear flagged log entries", frozenset({"shift_leader", "admin"})),
    "decision.adopt": ("adopt work-process decisions", frozenset({"authority", "admin"})),
    "capacity.scenario": (
        "run capacity scenarios",
        frozenset({"capacity_analyst", "planner", "shift_leader", "admin"}),
    ),
    "team.manage": (
        "create teams and enrol or revoke devices",
        frozenset({"shift_leader", "admin"}),
    ),
}


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS[action][1]


def require(actor: Any, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` (a staff record) may take ``action``."""
    words, roles = PERMISSIONS[action]
    if actor.role in roles:
        return
    names = ", ".join(sorted(r.replace("_", " ") for r in roles))
    raise PermissionDenied(
        f"Only {names} may {words}; {actor.callsign} is {actor.role.replace('_', ' ')}."
    )
