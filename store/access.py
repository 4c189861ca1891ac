"""Who may do what: the one permission table that the CLI, the console and sync all consult.

Everyone may read, raise signals and write the log. Every other action names the roles that may
take it. Both roles bound an action: the acting person's and, in a team, the
laptop's enrolled role. ``require`` raises ``PermissionDenied`` carrying the action's code, the role
codes allowed and which of the two did not allow it; words/access.py words them.
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

#: action → the roles allowed. Faces word an action and a role (words/access.py).
PERMISSIONS: dict[str, frozenset[str]] = {
    "log.write": _EVERYONE,
    "signal.raise": _EVERYONE,
    "activity.write": frozenset({"operator", "planner", "shift_leader", "admin"}),
    "activity.restrict": frozenset({"planner", "shift_leader", "authority", "admin"}),
    "subject.write": frozenset({"planner", "shift_leader", "info_analyst", "authority", "admin"}),
    "staff.write": frozenset({"planner", "shift_leader", "admin"}),
    "signal.process": frozenset({"info_analyst"}),
    "intel.write": frozenset({"info_analyst"}),
    "handover.sign": frozenset({"shift_leader", "admin"}),
    "log.clear": frozenset({"shift_leader", "admin"}),
    "decision.adopt": frozenset({"authority", "admin"}),
    "capacity.scenario": frozenset({"capacity_analyst", "planner", "shift_leader", "admin"}),
    "team.manage": frozenset({"shift_leader", "admin"}),
    # issue 20: a request for an activity is answered by whoever may restrict one (a refusal is a
    # restriction, R5); the person's experience is told to whoever talks with them, and read by
    # the shift leaders who steer their protection.
    "request.answer": frozenset({"planner", "shift_leader", "authority", "admin"}),
    "experience.write": frozenset({"operator", "shift_leader", "planner"}),
    "experience.read": frozenset({"shift_leader", "admin"}),
    # psychosocial care: recorded and read by those who arrange the package around the person
    # (shift leaders, planners, admins); need-to-know: not by operators (README).
    "care.write": frozenset({"shift_leader", "planner", "admin"}),
    "care.read": frozenset({"shift_leader", "planner", "admin"}),
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
    return role in PERMISSIONS[action]


def refused_by(actor: Actor, action: str) -> str | None:
    """Which bound refuses ``actor`` the ``action``: ``person`` (the person's role),
    ``laptop`` (the role this laptop is enrolled with in the team; one enrolled as admin bounds
    no one), or None when both allow it. ``require`` and the console's keys, palette and help
    ask this one question, so the console offers exactly what the store will take.

    Args:
        actor: whoever acts (``Store.actor``).
        action: a permission, a key of ``PERMISSIONS``.

    Returns:
        ``"person"``, ``"laptop"`` or None.

    Raises:
        KeyError: ``action`` is not a permission (a programming error).
    """
    roles = PERMISSIONS[action]
    if actor.role not in roles:
        return "person"
    laptop = actor.laptop_role
    if laptop is not None and laptop != "admin" and laptop not in roles:
        return "laptop"
    return None


def may(actor: Actor, action: str) -> bool:
    """Whether ``actor`` may take ``action``: the person's role and this laptop's enrolled role
    both allow it (``require`` passes).

    Args:
        actor: whoever acts (``Store.actor``).
        action: a permission, a key of ``PERMISSIONS``.

    Returns:
        True when ``require`` would not refuse.

    Raises:
        KeyError: ``action`` is not a permission (a programming error).
    """
    return refused_by(actor, action) is None


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
    bound = refused_by(actor, action)
    allowed_roles = sorted(PERMISSIONS[action])
    laptop = actor.laptop_role
    if bound == "person":
        raise PermissionDenied(
            bound="person",
            code="role_may_not",
            action=action,
            roles=allowed_roles,
            callsign=actor.callsign,
            role=actor.role,
        )
    if bound == "laptop":
        raise PermissionDenied(
            bound="laptop",
            code="laptop_may_not",
            action=action,
            roles=allowed_roles,
            laptop=laptop,
            callsign=actor.callsign,
        )
