"""Who may do what: the one permission table that the CLI, the console and sync all consult.

Everyone may read, raise signals and write the log. Every other action names the roles that may
take it (DESIGN.md §3). Both roles bound an action: the acting person's and, in a team, the
laptop's enrolled role. ``require`` raises ``PermissionDenied`` with a sentence that names the
roles allowed and which of the two did not allow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Protocol
else:  # a protocol is the type checker's: at run time, a plain base class
    Protocol = object

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


class Actor(Protocol):
    """Whoever acts: a person's callsign and role, bounded by this laptop's enrolled role."""

    @property
    def callsign(self) -> str:
        """The person's callsign, e.g. ``RT-0412``."""
        ...

    @property
    def role(self) -> str:
        """The person's role, one of ``ROLES``."""
        ...

    @property
    def laptop_role(self) -> str | None:
        """The role this laptop is enrolled with in the team's signed roster (None outside a
        team)."""
        ...


@dataclass(frozen=True)
class ActingPerson:
    """The proven person acting on this laptop (``Store.actor``): an ``Actor``.

    Attributes:
        callsign: the person's callsign.
        role: the person's role (one of ``ROLES``).
        laptop_role: this laptop's enrolled role in the team (None outside a team).
    """

    callsign: str
    role: str
    laptop_role: str | None = None


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may take ``action`` by the person's role alone.

    Args:
        role: a role (``ROLES``).
        action: a permission, a key of ``PERMISSIONS`` (``activity.write``).

    Returns:
        True when the role is among the action's roles.

    Raises:
        KeyError: ``action`` is not a permission (a programming error).
    """
    return role in PERMISSIONS[action][1]


def require(actor: Actor, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may take ``action``: both the person's role
    and, when the laptop is in a team, the role it is enrolled with in the signed roster
    (``actor.laptop_role``; an admin person on an operator laptop acts as an operator there,
    while a laptop enrolled as admin bounds no one: the team admin's laptop is where any person
    may work). The refusal names which of the two did not allow it (``PermissionDenied.bound``).

    Args:
        actor: whoever acts (``Store.actor``).
        action: a permission, a key of ``PERMISSIONS``.

    Raises:
        PermissionDenied: the person's role (``bound`` ``person``) or the laptop's enrolled
            role (``bound`` ``laptop``) does not allow the action.
        KeyError: ``action`` is not a permission (a programming error).
    """
    words, roles = PERMISSIONS[action]
    names = ", ".join(sorted(r.replace("_", " ") for r in roles))
    if actor.role not in roles:
        raise PermissionDenied(
            f"Only {names} may {words}; {actor.callsign} is {actor.role.replace('_', ' ')}.",
            bound="person",
            code="role_may_not",
            names=names,
            words=words,
            callsign=actor.callsign,
            role=actor.role.replace("_", " "),
        )
    laptop = actor.laptop_role
    if laptop is not None and laptop != "admin" and laptop not in roles:
        raise PermissionDenied(
            f"Only {names} may {words}; this laptop is enrolled in the team as "
            f"{laptop.replace('_', ' ')}, which bounds everyone who works on it "
            f"({actor.callsign} included).",
            bound="laptop",
            code="laptop_may_not",
            names=names,
            words=words,
            laptop=laptop.replace("_", " "),
            callsign=actor.callsign,
        )
