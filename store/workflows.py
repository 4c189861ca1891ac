"""The workflow checks of signals, signal reports, handovers and log entries (R7), each a pure
function of facts: the store calls them on its own rows (``signals``, ``intel``, ``handover``,
``logbook``; a care module's history, ``care``) and the importer's judge
(``sync.judge_signals``) on the rows as they stood when a received change was made, so a
bundle can take no step the store refuses.

Each returns the refusal the store raises (its code and facts), or None when the step may be
taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import access
from .errors import BadInput, PermissionDenied, RuleViolation, StoreError

#: A signal's workflow, in order: its status is the furthest step its events took.
SIGNAL_STATUSES = ("submitted", "received", "in_follow_up", "interpreted", "closed")
#: The status each workflow step (a signal event's kind) brings a signal to.
STEP_STATUS = {
    "received": "received",
    "follow_up": "in_follow_up",
    "interpreted": "interpreted",
    "closed": "closed",
}
#: A step may be taken from these statuses (the workflow order).
ALLOWED_FROM = {
    "received": ("submitted",),
    "follow_up": ("received", "in_follow_up"),
    "interpreted": ("received", "in_follow_up"),
    "closed": ("interpreted",),
}
#: Who acknowledges a report, by audience.
AUDIENCE_ROLES = {
    "line_managers": frozenset({"shift_leader", "planner", "admin"}),
    "authority": frozenset({"authority", "admin"}),
}


def signal_status(kinds: Iterable[object]) -> str:
    """A signal's status from the kinds of its events: the furthest step taken (sightings and
    unknown kinds aside), ``submitted`` when none.

    Args:
        kinds: the kinds of the signal's events, in any order.

    Returns:
        One of ``SIGNAL_STATUSES``.
    """
    ranks = [
        SIGNAL_STATUSES.index(STEP_STATUS[k])
        for k in kinds
        if isinstance(k, str) and k in STEP_STATUS
    ]
    return SIGNAL_STATUSES[max(ranks, default=0)]


def step_refusal(status: str, step: str, signal: str) -> BadInput | None:
    """Why a workflow step cannot be taken on a signal of ``status`` (``signal_wrong_status``):
    closed only once interpreted, interpreted only once received, nothing after closed.

    Args:
        status: the signal's status before the step (``SIGNAL_STATUSES``).
        step: the step (``received``, ``follow_up``, ``interpreted``, ``closed``).
        signal: the signal's name in the refusal.

    Returns:
        The refusal, or None when the step may be taken.
    """
    allowed_from = ALLOWED_FROM.get(step, ())
    if status in allowed_from:
        return None
    return BadInput(
        code="signal_wrong_status",
        signal=signal,
        status=status,
        step=step,
        allowed=list(allowed_from),
        workflow=list(SIGNAL_STATUSES),
    )


def red_refusal(
    tlp: object, reporter: object, callsign: str, role: str | None, signal: str
) -> PermissionDenied | None:
    """Why a person may not see (so not act on) a signal: TLP:RED is for its reporter and the
    information organisation alone (``signal_tlp_red``).

    Args:
        tlp: the signal's TLP marking.
        reporter: who raised it.
        callsign: the acting person.
        role: the acting person's role (None: no role).
        signal: the signal's name in the refusal.

    Returns:
        The refusal, or None when the person may see it.
    """
    if tlp != "red" or reporter == callsign:
        return None
    if role is not None and access.allowed(role, "signal.process"):
        return None
    return PermissionDenied(code="signal_tlp_red", signal=signal)


def sighting_refusal(reporter: object, callsign: str, status: str, signal: str) -> BadInput | None:
    """Why a sighting cannot be added: it comes from another officer than the reporter
    (``sighting_of_own_signal``), on a signal not closed (``signal_closed``).

    Args:
        reporter: who raised the signal.
        callsign: who adds the sighting.
        status: the signal's status before it (``SIGNAL_STATUSES``).
        signal: the signal's name in the refusal.

    Returns:
        The refusal, or None when the sighting may be added.
    """
    if reporter == callsign:
        return BadInput(code="sighting_of_own_signal")
    if status == "closed":
        return BadInput(code="signal_closed", signal=signal)
    return None


def assessment_request_refusal(requests_assessment: object, subject_id: object) -> BadInput | None:
    """Why a signal cannot ask for a new threat assessment: it names no person
    (``assessment_request_needs_person``).

    Args:
        requests_assessment: whether it asks for one (truthy).
        subject_id: the person it names, or None.

    Returns:
        The refusal, or None.
    """
    if not requests_assessment or subject_id is not None:
        return None
    return BadInput(code="assessment_request_needs_person")


def report_issued_refusal(issued: bool, report: str) -> BadInput | None:
    """Why a report cannot change (its duiding, a scenario, issuing it again): it is issued
    (``report_issued``); a correction supersedes it.

    Args:
        issued: whether it was issued before.
        report: the report's name in the refusal.

    Returns:
        The refusal, or None for a draft.
    """
    if not issued:
        return None
    return BadInput(code="report_issued", report=report)


def supersede_decision_refusal(
    same_subject: bool, record: str, superseded_by: object
) -> BadInput | None:
    """Why a decision cannot supersede a record: it is another subject's
    (``supersede_other_subject``), or superseded already (``decision_already_superseded``; the
    sync judge reads the decisions made before, so of two made at once the first counts).

    Args:
        same_subject: whether the record is of the decision's own subject.
        record: the record's name in the refusal.
        superseded_by: the id of the decision that superseded it, or None.

    Returns:
        The refusal, or None.
    """
    if not same_subject:
        return BadInput(code="supersede_other_subject")
    if superseded_by:
        return BadInput(
            code="decision_already_superseded", record=record, by=str(superseded_by)[:13]
        )
    return None


def supersede_handover_refusal(
    in_force: bool, handover: str, signed_by: object, me: str, accepted_at: object = None
) -> StoreError | None:
    """Why a signed handover cannot supersede another: that one is not in force for an
    overlapping period (``supersede_not_in_force``: superseded or withdrawn already, or of
    another time), or was signed by someone else (``supersede_not_yours``).

    Args:
        in_force: whether the replaced handover is in force and overlaps the new period.
        handover: the replaced handover's name in the refusal.
        signed_by: who signed the replaced handover.
        me: who signs the new one.
        accepted_at: when ``me`` accepted the replaced one (aware UTC), or None.

    Returns:
        The refusal, or None.
    """
    if not in_force:
        return BadInput(code="supersede_not_in_force", handover=handover)
    if signed_by != me:
        return RuleViolation(
            "handover",
            code="supersede_not_yours",
            handover=handover,
            signed_by=signed_by,
            me=me,
            accepted_at=accepted_at,
        )
    return None


def answered_refusal(request: str, answer: object, by: object) -> RuleViolation | None:
    """Why a request cannot be answered: it was answered already (``request_answered``; the
    store reads its answer, the sync judge the answers made before, so of two laptops
    answering at once the first, by clock then device, counts on every laptop).

    Args:
        request: the request's name in the refusal.
        answer: its answer (``accepted``, ``refused``), or None.
        by: who answered it.

    Returns:
        The refusal, or None when it is still open.
    """
    if answer is None:
        return None
    return RuleViolation("answer", code="request_answered", request=request, answer=answer, by=by)


def option_gone_refusal(gone: bool, n: object) -> BadInput | None:
    """Why an accepted option that deploys officers cannot be carried out: they can no longer
    be deployed as assessed (``request_option_gone``; the store finds the option no longer
    offered, the sync judge finds a deployment of it refused).

    Args:
        gone: whether it can no longer be carried out.
        n: the option's number.

    Returns:
        The refusal, or None.
    """
    if not gone:
        return None
    return BadInput(code="request_option_gone", n=n)


def issue_refusal(interpretation: object, scenarios: int, report: str) -> BadInput | None:
    """Why a draft cannot be issued (R7): no duiding (``report_needs_duiding``), no scenario
    (``report_needs_scenario``).

    Args:
        interpretation: its duiding as it stands ('' or None: none).
        scenarios: how many scenarios it has.
        report: the report's id.

    Returns:
        The refusal, or None when it may be issued.
    """
    if not interpretation:
        return BadInput(code="report_needs_duiding")
    if scenarios < 1:
        return BadInput(code="report_needs_scenario", report=report)
    return None


def acknowledge_refusal(
    audience: object, callsign: str, role: str | None, acknowledged: Iterable[object]
) -> StoreError | None:
    """Why a person cannot acknowledge a report: a draft (``acknowledge_draft``), for another
    audience than their role (``report_for_others``), acknowledged by them already
    (``already_acknowledged``).

    Args:
        audience: the audience it was issued to, or None for a draft.
        callsign: who acknowledges.
        role: their role (None: no role).
        acknowledged: who acknowledged it before.

    Returns:
        The refusal, or None when they may acknowledge it.
    """
    if audience is None:
        return BadInput(code="acknowledge_draft")
    roles = AUDIENCE_ROLES.get(str(audience), frozenset())
    if role not in roles:
        return PermissionDenied(
            code="report_for_others",
            audience=audience,
            roles=sorted(roles),
            callsign=callsign,
            role=role,
        )
    if callsign in set(acknowledged):
        return BadInput(code="already_acknowledged", callsign=callsign)
    return None


def signer_refusal(signed_by: object, callsign: str) -> PermissionDenied | None:
    """Why a person cannot accept a handover: they signed it (``signer_cannot_accept``).

    Args:
        signed_by: who signed the handover.
        callsign: who accepts it.

    Returns:
        The refusal, or None.
    """
    if signed_by != callsign:
        return None
    return PermissionDenied(code="signer_cannot_accept", callsign=callsign)


def accepted_refusal(accepted_by: object) -> BadInput | None:
    """Why a handover cannot be accepted again (``handover_already_accepted``).

    Args:
        accepted_by: who accepted it before, or None.

    Returns:
        The refusal, or None when no one has.
    """
    if not accepted_by:
        return None
    return BadInput(code="handover_already_accepted", by=accepted_by)


def clear_refusal(flagged: object, cleared_by: object, entry: str) -> BadInput | None:
    """Why a log entry cannot be cleared: it is not flagged (``log_entry_not_flagged``), or
    was cleared already (``log_entry_already_cleared``).

    Args:
        flagged: whether it is flagged (truthy).
        cleared_by: who cleared it before, or None.
        entry: the entry's name in the refusal.

    Returns:
        The refusal, or None when it may be cleared.
    """
    if not flagged:
        return BadInput(code="log_entry_not_flagged", entry=entry)
    if cleared_by:
        return BadInput(code="log_entry_already_cleared", entry=entry, by=cleared_by)
    return None


def supersede_draft_refusal(issued: bool) -> BadInput | None:
    """Why a report cannot supersede another: that one is a draft (``supersede_draft``).

    Args:
        issued: whether the report it replaces was issued before.

    Returns:
        The refusal, or None when it may supersede it.
    """
    if issued:
        return None
    return BadInput(code="supersede_draft")


def superseded_refusal(
    handover: str, newer: str | None, by: object, at: object
) -> RuleViolation | None:
    """Why a handover cannot be accepted: its signer replaced it (``handover_superseded``).

    Args:
        handover: its name in the refusal.
        newer: the name of the handover that superseded it, or None.
        by: who signed that one.
        at: when (a fact of the refusal).

    Returns:
        The refusal, or None when it is not superseded.
    """
    if newer is None:
        return None
    return RuleViolation(
        "handover",
        code="handover_superseded",
        handover=handover,
        newer=newer,
        by=by,
        at=at,
    )


def withdrawn_already_refusal(handover: str, by: object, at: object) -> BadInput | None:
    """Why a handover cannot be withdrawn: it was already (``handover_withdrawn_already``).

    Args:
        handover: its name in the refusal.
        by: who withdrew it before.
        at: when (a fact of the refusal), or None when no one did.

    Returns:
        The refusal, or None when it was not withdrawn.
    """
    if at is None:
        return None
    return BadInput(
        code="handover_withdrawn_already",
        handover=handover,
        by=by,
        at=at,
    )


#: After these statuses (store/care.py) a module's history starts again only with ``offered``.
CLOSED = ("ended", "declined")


def history_refusal(
    history: list[tuple[str, date]], status: str, day: date, *, module: str, member: str
) -> RuleViolation | None:
    """Why a status may not follow a module's history (the store and the sync judge ask this
    one question): a history begins with ``offered``, changes its status with every record,
    goes forward in time, and after ``ended`` or ``declined`` starts again only with
    ``offered``.

    Args:
        history: the module's records for the member as (status, day), by day then recording.
        status: the status to record.
        day: its day.
        module: the module's name (for the refusal).
        member: the member's code (for the refusal).

    Returns:
        The refusal (``care_not_offered``, ``care_status_unchanged``, ``care_date_before_last``,
        ``care_offer_again``), or None.
    """
    if not history:
        if status != "offered":
            return RuleViolation("care", code="care_not_offered", module=module, member=member)
        return None
    last_status, last_on = history[-1]
    if last_status == status:
        return RuleViolation(
            "care", code="care_status_unchanged", module=module, member=member, status=status
        )
    if day < last_on:
        return RuleViolation(
            "care", code="care_date_before_last", on=day.isoformat(), last=last_on.isoformat()
        )
    if last_status in CLOSED and status != "offered":
        return RuleViolation(
            "care", code="care_offer_again", module=module, member=member, last=last_status
        )
    return None
