"""The judge's planning checks: what the store refuses on a write of an activity, a standing
post, a correction, a shift, a decision or a request, refused the same way in a received
change set (``judge.py`` calls these from small hooks).

The checks themselves are ``sync/plan_checks.py`` (above the store's aggregates, whose check
functions they call: ``agenda.concept_refusal``, ``roster.check_rest``,
``decisions.check_record``, ``rules.corrected_into_past``, ``rules.request_over``,
``rules.request_not_as_asked``), given to the judge by the session as ``Context.plans``; this
module, beneath them as the judge is, holds what the judge asks of them (``Plans``), the store
codes they cover and how a refusal is kept as a reason.

``JUDGED_CODES``: the store's refusal codes these checks cover (the scan test collects the
``JUDGED_CODES`` of every ``store/sync/judge*.py``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Protocol

from ..clock import json_times, to_db
from ..errors import StoreError
from .change import clock_moment

At = tuple[int, str]  # (hlc, origin)


class Plans(Protocol):
    """The planning checks (``plan_checks.PlanFacts``), as the judge calls them."""

    def on_create(self, table: str, values: Mapping[str, object], at: At) -> StoreError | None:
        """The store's refusal of a row created by a received change set.

        Args:
            table: the table.
            values: the new row's fields.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """

    def on_update(
        self, table: str, row_id: str, values: Mapping[str, object], at: At
    ) -> StoreError | None:
        """The store's refusal of a field change of an existing row.

        Args:
            table: the table.
            row_id: the row's id.
            values: the changed fields.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """

    def on_delete(self, table: str, pk: str, at: At) -> StoreError | None:
        """The store's refusal of a row deleted by a received change set.

        Args:
            table: the table.
            pk: the row's key (JSON text).
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """

    def restriction(
        self,
        values: Mapping[str, object],
        place: object,
        others: Collection[str],
        at: At,
    ) -> StoreError | None:
        """A restriction's fields for its kind, of an activity not cancelled then, not a time
        and a place at once.

        Args:
            values: the restriction's fields.
            place: the activity's place as its change set writes it (None: not written).
            others: the kinds of the change set's restrictions of the activity accepted so far.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """

    def passed_eased(self, at: At) -> tuple[StoreError, datetime, datetime] | None:
        """What of a change set passed only by the allowance of its stamp (taken once).

        Args:
            at: (hlc, origin) of the change set.

        Returns:
            (the store's refusal by its stamp, the time taken as written, the time by its
            stamp), or None.
        """

    def activity_concept(self, activity: str, concept: object, at: At) -> StoreError | None:
        """R1, R3, R4 for a concept on a done or cancelled activity.

        Args:
            activity: the activity's id.
            concept: the concept's code.
            at: (hlc, origin) of the change.

        Returns:
            The refusal, or None.
        """


#: The store's refusal codes the planning checks make on a received change.
JUDGED_CODES = frozenset(
    {
        "concept_below_required",
        "concept_not_in_package",
        "concept_wrong_kind",
        "concept_outside_pilot",
        "no_threat_assessment",
        "correction_into_past",
        "shift_overlaps",
        "shift_rest",
        "authority_not_competent",
        "unknown_step",
        "decision_needs_rationale",
        "decision_needs_reference",
        "maatwerk_needs_reason",
        "request_over",
        "request_not_as_asked",
        "request_option_over",
        # a deployment on an activity still ahead, by the store's own rules (on duty, travel,
        # R8, one place at a time, rest: ``roster.deployment_problem``)
        "activity_over",
        "not_deployed",
        # a restriction's fields for its kind (``agenda.check_restriction_change``), of an
        # activity not cancelled then, one restriction of a time or a place at once
        "restriction_unused_field",
        "move_needs_start",
        "move_keeps_start",
        "shortening_not_shorter",
        "relocation_needs_place",
        "time_and_place_at_once",
        "already_cancelled",
    }
)

#: The rule a store refusal without one (``BadInput``) breaks, for the quarantine's rule.
_RULES = {
    "authority_not_competent": "R6",
    "unknown_step": "R6",
    "decision_needs_rationale": "R6",
    "decision_needs_reference": "R6",
    "maatwerk_needs_reason": "R6",
    "request_over": "request",
    "request_not_as_asked": "request",
    "activity_over": "deployment",
    "request_option_gone": "request",
    **dict.fromkeys(
        (
            "restriction_unused_field",
            "move_needs_start",
            "move_keeps_start",
            "move_changes_nothing",
            "shortening_not_shorter",
            "relocation_needs_place",
            "relocation_changes_nothing",
            "time_and_place_at_once",
            "already_cancelled",
        ),
        "R5",
    ),
}


def rule_of(exc: StoreError) -> str:
    """The rule a store refusal breaks, as the quarantine names it.

    Args:
        exc: the refusal.

    Returns:
        Its ``rule`` (``R1``…, ``rest``), else the rule its code belongs to, else ``value``.
    """
    return str(getattr(exc, "rule", "") or _RULES.get(str(exc.code), "value"))


#: The statuses on which no re-planning flag would show a concept the store refuses.


def on_create(
    plans: Plans | None, table: str, values: Mapping[str, object], at: At
) -> StoreError | None:
    """The store's refusal of a row created by a received change set, or None.

    Args:
        plans: the planning checks (None: nothing refused).
        table: the table.
        values: the new row's fields.
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a write, or None.
    """
    return None if plans is None else plans.on_create(table, values, at)


def on_update(
    plans: Plans | None, table: str, row_id: str, values: Mapping[str, object], at: At
) -> StoreError | None:
    """The store's refusal of a field change of an existing row (the changed fields over the
    row as it stood), or None.

    Args:
        plans: the planning checks (None: nothing refused).
        table: the table.
        row_id: the row's id.
        values: the changed fields.
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a write, or None.
    """
    return None if plans is None else plans.on_update(table, row_id, values, at)


def on_delete(plans: Plans | None, table: str, pk: str, at: At) -> StoreError | None:
    """The store's refusal of a row deleted by a received change set (a deployment released
    after its activity ended), or None.

    Args:
        plans: the planning checks (None: nothing refused).
        table: the table.
        pk: the row's key (JSON text).
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a deletion, or None.
    """
    return None if plans is None else plans.on_delete(table, pk, at)


def restriction(
    plans: Plans | None,
    values: Mapping[str, object],
    place: object,
    others: Collection[str],
    at: At,
) -> StoreError | None:
    """A restriction as the store refuses one: a field its kind does not use or needs, a time
    not shorter or not moved, an activity already cancelled when it was made, a time and a
    place changed at once by two restrictions of one change set (R5).

    Args:
        plans: the planning checks (None: nothing refused).
        values: the restriction's fields.
        place: the activity's place as its change set writes it (None: not written).
        others: the kinds of the change set's restrictions of the activity accepted so far.
        at: (hlc, origin) of the change set.

    Returns:
        The store's refusal, or None.
    """
    return None if plans is None else plans.restriction(values, place, others, at)


def activity_concept(
    plans: Plans | None, activity: str, concept: object, at: At
) -> StoreError | None:
    """R1, R3, R4 for a concept put on an activity that is done or cancelled, as the store
    refuses it.

    Args:
        plans: the planning checks (None: nothing refused).
        activity: the activity's id.
        concept: the concept's code.
        at: (hlc, origin) of the change.

    Returns:
        The store's refusal, or None.
    """
    return None if plans is None else plans.activity_concept(activity, concept, at)


def eased(plans: Plans | None, at: At) -> dict[str, Any] | None:
    """What of a change set passed only by the allowance of a pushed or continued stamp (by
    its stamp the store refuses it), as the flag that names it keeps it, or None (taken once).

    Args:
        plans: the planning checks (None: nothing).
        at: (hlc, origin) of the change set.

    Returns:
        ``{"error", "facts", "taken", "stamp", "minutes"}`` (times stored UTC text), or None.
    """
    found = None if plans is None else plans.passed_eased(at)
    if found is None:
        return None
    refused, taken, _by_stamp = found
    stamp = clock_moment(at[0]) or taken
    minutes = max(0, int((stamp - taken).total_seconds() // 60))
    times = {"taken": to_db(taken), "stamp": to_db(stamp), "minutes": minutes}
    return {**refusal_facts(refused), **times}


def refusal_facts(exc: StoreError) -> dict[str, Any]:
    """A store refusal inside a reason: its code and its facts as JSON values (the faces word
    them: ``words.errors``).

    Args:
        exc: the refusal.

    Returns:
        ``{"error": code, "facts": {...}}``.
    """
    facts = json.loads(json.dumps(json_times(dict(exc.params)), default=str))
    return {"error": exc.code, "facts": facts}


# Judged again when what they read changes ---------------------------------------------------
