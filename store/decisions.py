"""The integrated work process (R6): decision, execution and monitoring records per subject.

Every record carries a rationale (non-empty), the competent authority — the NCTV in the
national domain, the prosecutor or the mayor in the local domain, checked against the subject's
domain — a document reference, and who adopted it when. Records are never edited or deleted
(triggers refuse it); a correction is a new record that supersedes the old one. A tailored
exception (maatwerk) is recorded with its reason, and has no power over the resistance level:
no field of a decision feeds the required level, and R1 is enforced regardless (store and
triggers). Only ``authority`` (and ``admin``) adopt decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import rules, validate, workflows
from .clock import to_db, with_times
from .db import Store, resolve_id
from .errors import BadInput
from .ids import uuid7
from .subjects import Subject, get_subject

STEPS = rules.DECISION_STEPS
#: The competent authority by domain; a record names one, optionally with a place: mayor:Havenstad
AUTHORITIES = {"national": ("nctv",), "local": ("prosecutor", "mayor")}


@dataclass(frozen=True)
class Decision:
    """A work-process record (R6): a decision, its execution or its monitoring, substantiated,
    adopted by an authority and recorded in writing; never edited, only superseded.

    Attributes:
        id: the record's id.
        person: the subject's code name.
        step: ``decision``, ``execution`` or ``monitoring``.
        rationale: why.
        authority: the competent authority, e.g. ``mayor:Havenstad``.
        document: the document reference.
        adopted_at: when it was adopted (aware UTC).
        adopted_by: who recorded it (callsign).
        tailored: a tailored exception's (*maatwerk*) reason, or None.
        supersedes: the record it replaces, or None.
        superseded_by: the record that replaced it, or None.
    """

    id: str
    person: str
    step: str
    rationale: str
    authority: str
    document: str
    adopted_at: datetime
    adopted_by: str
    tailored: str | None
    supersedes: str | None
    superseded_by: str | None


def add_decision(
    store: Store,
    *,
    person: str,
    step: str,
    rationale: str,
    authority: str,
    document: str,
    tailored: str | None = None,
    supersedes: str | None = None,
) -> Decision:
    """Record a work-process step (R6) for a subject, in one audited write (``decision.add``).

    ``person`` is the subject's code name; ``step`` decision, execution or monitoring;
    ``rationale`` and ``document`` (its reference) are not empty; ``authority`` is the
    competent one of the subject's domain (``nctv``; ``prosecutor`` or ``mayor``), optionally
    with a place (``mayor:Havenstad``); ``tailored`` a *maatwerk* reason or None; ``supersedes``
    the id (or prefix) of the same subject's record it replaces. Returns the record as stored.

    Args:
        person: the subject's code name.
        step: ``decision``, ``execution`` or ``monitoring``.
        rationale: why (not empty).
        authority: the competent authority of the subject's domain (``nctv``; ``prosecutor`` or
            ``mayor``), optionally with a place (``mayor:Havenstad``).
        document: the reference of its document (not empty).
        tailored: a *maatwerk* reason, or None.
        supersedes: the id (or prefix) of the same subject's record it replaces, or None.

    Returns:
        The record as stored.

    Raises:
        PermissionDenied: the acting person may not adopt decisions (``decision.adopt``).
        NotFound: no such subject, or no record to supersede.
        BadInput: an unknown step, no rationale or document, another domain's authority, an
            empty tailored reason, a record of another subject or already superseded.
    """
    decision_id = uuid7()
    detail: dict[str, str] = {}
    with store.write("decision.add", decision_id, detail, require="decision.adopt") as conn:
        subject = get_subject(store, person)
        check_record(subject, step, rationale, document, authority, tailored)
        replaced = _replaced(store, supersedes, subject)
        detail.update({"person": subject.code, "step": step})
        conn.execute(
            "INSERT INTO decision (id, subject_id, step, rationale, authority, document,"
            " adopted_at, adopted_by, device, tailored, supersedes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                decision_id,
                subject.id,
                step,
                rationale.strip(),
                authority.strip(),
                document.strip(),
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                tailored.strip() if tailored else None,
                replaced.id if replaced else None,
            ),
        )
    return get_decision(store, decision_id)


def check_record(
    subject: Subject, step: str, rationale: str, document: str, authority: str, tailored: str | None
) -> None:
    """Refuse a record rule R6 does not allow: the one check the store's writes and the sync
    judge (``sync.judge_plans``) both make.

    Args:
        subject: the subject it concerns (its domain decides the competent authority).
        step: the work-process step.
        rationale: why.
        document: the document reference.
        authority: the deciding authority (``mayor:Havenstad``).
        tailored: the reason of a tailored exception, or None.

    Raises:
        BadInput: an unknown step (``unknown_step``), no rationale or reference, an authority
            not competent for the subject's domain (``authority_not_competent``), a tailored
            exception without its reason.
    """
    if step not in STEPS:
        raise BadInput(code="unknown_step", given=validate.shown(step), choices=list(STEPS))
    if validate.blank(validate.text(rationale, "rationale")):
        raise BadInput(code="decision_needs_rationale")
    if not validate.line(document, "document_reference", required=False):
        raise BadInput(code="decision_needs_reference")
    validate.line(authority, "authority", required=False)
    if tailored is not None:
        validate.text(tailored, "exception_reason")
    kind = authority.strip().split(":", 1)[0].lower()
    allowed = AUTHORITIES[subject.domain]
    if kind not in allowed:
        raise BadInput(
            code="authority_not_competent",
            subject=subject.code,
            domain=subject.domain,
            allowed=list(allowed),
            example=allowed[-1],
            given=validate.shown(authority),
        )
    if tailored is not None and not tailored.strip():
        raise BadInput(code="maatwerk_needs_reason")


def _replaced(store: Store, supersedes: str | None, subject: Subject) -> Decision | None:
    """The record ``supersedes`` names, when it may be superseded by one of ``subject``."""
    if not supersedes:
        return None
    replaced = get_decision(store, supersedes)
    found = workflows.supersede_decision_refusal(
        replaced.person == subject.code, replaced.id[:13], replaced.superseded_by
    )
    if found is not None:
        raise found
    return replaced


_SELECT = """
SELECT d.id, s.code AS person, d.step, d.rationale, d.authority, d.document, d.adopted_at,
       d.adopted_by, d.tailored, d.supersedes,
       (SELECT n.id FROM decision n WHERE n.supersedes = d.id) AS superseded_by
FROM decision d JOIN subject s ON s.id = d.subject_id
"""


def get_decision(store: Store, decision_id: str) -> Decision:
    """One work-process record.

    Args:
        store: the open database.
        decision_id: the record's id, or a unique prefix of at least 8 characters.

    Returns:
        The record, with the one that superseded it (if any).

    Raises:
        NotFound: no record has that id.
        BadInput: the prefix matches more than one record.
    """
    full = resolve_id(store, "decision", decision_id, "decision")
    row = store.one(_SELECT + " WHERE d.id = ?", (full,))
    assert row is not None
    return Decision(**with_times(row, "adopted_at"))


def list_decisions(store: Store, *, person: str | None = None) -> list[Decision]:
    """Work-process records, oldest first (superseded ones included).

    Args:
        store: the open database.
        person: only this subject's (code name, any case); None for all.

    Returns:
        The records, ordered by when they were adopted.

    Raises:
        NotFound: ``person`` names no subject.
    """
    where, params = "", []
    if person:
        where = " WHERE d.subject_id = ?"
        params.append(get_subject(store, person).id)
    return [
        Decision(**with_times(r, "adopted_at"))
        for r in store.query(_SELECT + where + " ORDER BY d.adopted_at, d.id", params)
    ]
