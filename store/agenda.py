"""The protected person's agenda: activities, the concept on each, and restrictions.

Rules enforced here (and R1 again by triggers in the schema, for every connection):

- R1: a concept must provide at least the subject's required resistance level;
- R3: it must belong to the subject's current package and serve the subject's kind (the
  catalogue's ``subject_kinds``: a static guard serves objects and services, not persons);
- R4: a pilot concept only inside its pilot scope;
- R5: cancelling, moving or shortening an activity is a restriction recorded with its kind,
  reason (capacity, threat, the person's own choice) and deciding authority.

Refusals name the rule, the levels and the concepts that would be valid. Whether an activity
needs re-planning is derived (``activity_view.replan_reason``), so a rising threat shows at once,
and a concept another laptop put on a kind of subject it does not serve shows as
``wrong_subject_kind`` (a merge never aborts over it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from . import access, machine, rules, validate
from .catalogue import Concept, get_concept, get_unit, list_concepts
from .clock import epochs_read, from_db, hours_between, require_order, to_db, with_times
from .db import Store, resolve_id, short_id
from .errors import BadInput, NotFound, RuleViolation
from .ids import uuid7
from .subjects import Subject, get_subject, subject_by_id

KINDS = rules.ACTIVITY_KINDS
PLAIN_STATUSES = rules.PLAIN_STATUSES
RESTRICTION_KINDS = rules.RESTRICTION_KINDS
RESTRICTION_REASONS = rules.RESTRICTION_REASONS
MAX_DURATION = rules.MAX_ACTIVITY
#: The authority of a cancellation caused by a calendar import (the person's own calendar): any
#: role that may import calendars causes it; nobody may name it in ``restrict_activity``.
CALENDAR_AUTHORITY = rules.CALENDAR_AUTHORITY


@dataclass(frozen=True)
class Activity:
    """One activity on a protected subject's agenda, with its protection as it is now.

    Attributes:
        id: the activity's id (UUIDv7).
        person: the subject's code name.
        subject_id: the subject's id.
        unit: the subject's unit (whose officers protect it).
        title: what the activity is.
        kind: ``work`` or ``private``.
        start_at: when it starts (aware UTC).
        end_at: when it ends (aware UTC), after the start, at most 72 hours later.
        location: where it takes place ('' when not given).
        status: ``planned``, ``confirmed``, ``done``, or a restriction's kind (``cancelled``,
            ``moved``, ``shortened``).
        concept: the security concept on it, or None.
        required_level: the subject's required resistance level (R2), or None without a
            threat assessment.
        concept_level: the level the concept provides, or None.
        replan_reason: why it needs re-planning (R1: below the required level, or a change
            to review), or None.
    """

    id: str
    person: str
    subject_id: str
    unit: str
    title: str
    kind: str
    start_at: datetime
    end_at: datetime
    location: str
    status: str
    concept: str | None
    required_level: str | None
    concept_level: str | None
    replan_reason: str | None

    @property
    def needs_replanning(self) -> bool:
        """Whether the activity is flagged for re-planning (R1)."""
        return self.replan_reason is not None

    @property
    def hours(self) -> float:
        """Its length in real elapsed hours (across a clock change too)."""
        return hours_between(self.start_at, self.end_at)


@dataclass(frozen=True)
class Restriction:
    """A facilitation restriction of an activity (R5): the decision, who took it, and the
    activity's time before and after.

    Attributes:
        id: the restriction's id.
        activity_id: the activity restricted.
        kind: ``cancelled``, ``moved``, ``shortened`` or ``relocated``.
        reason: ``capacity``, ``threat`` or ``tbp_choice``.
        authority: the deciding authority, as named.
        note: a free-text note ('' when none).
        old_start_at: the activity's start before (aware UTC).
        old_end_at: its end before (aware UTC).
        new_start_at: its start after a move or shortening (aware UTC), else None.
        new_end_at: its end after a move or shortening (aware UTC), else None.
        recorded_at: when it was recorded (aware UTC).
        recorded_by: who recorded it (callsign).
        device: the id of the laptop it was recorded on ('' when not known).
    """

    id: str
    activity_id: str
    kind: str
    reason: str
    authority: str
    note: str
    old_start_at: datetime
    old_end_at: datetime
    new_start_at: datetime | None
    new_end_at: datetime | None
    recorded_at: datetime
    recorded_by: str
    device: str = ""


@dataclass(frozen=True)
class ConceptOption:
    """A concept as a choice for one activity: valid, or why not.

    Attributes:
        code: the concept's code.
        name: its name, for people.
        level: the resistance level it provides.
        valid: whether it may go on the subject's activities now (R1, R2, R3, R4).
        rule: the rule it breaks (``R1`` … ``R4``), '' when valid.
        why: what is wrong, a code the faces word (``words.errors.concept_why``):
            ``concept_below_required``, ``concept_not_in_package``, ``concept_wrong_kind``,
            ``concept_outside_pilot`` or ``no_package``; '' when valid.
        params: the facts the words are made of (JSON values).
    """

    code: str
    name: str
    level: str
    valid: bool
    rule: str = ""
    why: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


_SELECT = """
SELECT id, subject_code AS person, subject_id, subject_unit AS unit, title, kind, start_at,
       end_at, location, status, concept, required_level, concept_level, replan_reason
FROM activity_view
"""


def _row(row: object) -> Activity:
    return Activity(**with_times(row, "start_at", "end_at"))


# Reading ------------------------------------------------------------------------------------


def get_activity(store: Store, activity_id: str) -> Activity:
    """One activity with its protection as it is now.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        The activity (times aware UTC).

    Raises:
        NotFound: no activity has that id (or it was removed meanwhile).
        BadInput: the prefix matches more than one activity.
    """
    full = resolve_id(store, "activity", activity_id, "activity")
    row = store.one(_SELECT + " WHERE id = ?", (full,))
    if row is None:  # removed by another connection since the id was resolved
        raise NotFound(code="unknown_activity", activity=full)
    return _row(row)


def list_activities(
    store: Store,
    *,
    person: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    unit: str | None = None,
    replan_only: bool = False,
) -> list[Activity]:
    """Activities overlapping [start, end), ordered by start time, then code name and id.

    Args:
        store: the open database.
        person: only this subject's (code name, any case); None for all.
        start: only those ending after this moment (aware UTC); None for no lower bound.
        end: only those starting before this moment (aware UTC); None for no upper bound.
        unit: only those of subjects of this unit (any case); None for all.
        replan_only: only those that need re-planning (``replan_reason`` set).

    Returns:
        The activities, cancelled and done ones included.

    Raises:
        NotFound: ``person`` names no subject, or ``unit`` no unit (never a false all-clear).
        IntegrityFailure: ``replan_only``, and a table the flag is derived from is damaged
            (``Store.refuse_damaged_tables``).
    """
    clauses: list[str] = []
    params: list[str] = []
    if person:
        clauses.append("subject_id = ?")
        params.append(get_subject(store, person).id)
    if start is not None:
        clauses.append("end_at > ?")
        params.append(to_db(start))
    if end is not None:
        clauses.append("start_at < ?")
        params.append(to_db(end))
    if unit is not None:
        clauses.append("subject_unit = ?")
        params.append(get_unit(store, unit).code)
    if replan_only:  # judged in SQL from stored levels no row factory sees (rev14s M1)
        store.refuse_damaged_tables(machine.REPLAN_TABLES)
        clauses.append("replan_reason IS NOT NULL")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.query(_SELECT + where + " ORDER BY start_at, subject_code, id", params)
    return [_row(r) for r in rows]


#: A live activity's ``replan_reason`` (``activity_view``) follows from its person, its concept
#: and its ``review_reason`` alone: the view is asked once per such group in the window (a few
#: thousand on the large set) instead of once per activity (its joins and subqueries made that
#: the slowest read of the Handover and Capacity screens, issue 18). Times as stored text; no
#: bound: "" sorts before every stored time, "~" after every one.
_REPLANNED = (
    "WITH pick AS MATERIALIZED (SELECT min(id) AS id FROM activity"
    " WHERE end_at > ?1 AND start_at < ?2 AND status NOT IN ('cancelled', 'done')"
    " AND concept IS NOT NULL GROUP BY subject_id, concept, review_reason),"
    " replan AS MATERIALIZED (SELECT v.subject_id, v.concept, v.review_reason, v.replan_reason"
    " FROM pick JOIN activity_view v ON v.id = pick.id WHERE v.replan_reason IS NOT NULL)"
    " SELECT a.id, unixepoch(a.start_at), unixepoch(a.end_at), a.concept, a.subject_id,"
    " r.replan_reason FROM activity a JOIN replan r ON r.subject_id = a.subject_id"
    " AND r.concept = a.concept AND r.review_reason IS a.review_reason"
    " WHERE a.end_at > ?1 AND a.start_at < ?2 AND a.status NOT IN ('cancelled', 'done')"
    " ORDER BY a.start_at, a.id"
)


class Replan(NamedTuple):
    """An activity that needs re-planning (``replan_reason`` set), as ``replanned`` lists it.

    A NamedTuple (the large set lists thousands per capacity report); times aware UTC."""

    id: str
    start: datetime
    end: datetime
    concept: str
    subject_id: str
    reason: str


def replanned(
    store: Store, *, start: datetime | None = None, end: datetime | None = None
) -> list[Replan]:
    """The activities that need re-planning (``replan_reason`` set), ending after ``start`` and
    starting before ``end`` (None: no bound), by start then id. The same rows as
    ``activity_view`` (tested), read faster.

    Args:
        store: the open database.
        start: only those ending after this moment (aware UTC); None for no lower bound.
        end: only those starting before this moment (aware UTC); None for no upper bound.

    Returns:
        One ``Replan`` per activity.
    """
    params = ("" if start is None else to_db(start), "~" if end is None else to_db(end))
    moment = datetime.fromtimestamp
    return [
        Replan(i, moment(a, UTC), moment(b, UTC), c, s, r)
        for i, a, b, c, s, r in epochs_read(
            store.tuples(_REPLANNED, params), "activity.start_at/end_at", 1, 2
        )
    ]


def list_restrictions(store: Store, activity_id: str) -> list[Restriction]:
    """The restrictions (R5) of one activity, oldest first.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        The restrictions, times aware UTC.

    Raises:
        NotFound: no activity has that id.
        BadInput: the prefix matches more than one activity.
    """
    full = resolve_id(store, "activity", activity_id, "activity")
    rows = store.query(
        "SELECT id, activity_id, kind, reason, authority, note, old_start_at, old_end_at,"
        " new_start_at, new_end_at, recorded_at, recorded_by, device FROM restriction"
        " WHERE activity_id = ? ORDER BY recorded_at, id",
        (full,),
    )
    times = ("old_start_at", "old_end_at", "new_start_at", "new_end_at", "recorded_at")
    return [Restriction(**with_times(r, *times)) for r in rows]


def restriction_counts(store: Store, *, person: str | None = None) -> list[dict[str, str | int]]:
    """How often each subject's activities were restricted, per reason (R5 made measurable).

    Args:
        store: the open database.
        person: only this subject (code name, any case); None for every restricted subject.

    Returns:
        One dict per subject with restrictions, most restricted first: ``person`` (code name),
        ``capacity``, ``threat``, ``tbp_choice`` (counts per reason) and ``total``.

    Raises:
        NotFound: ``person`` names no subject.
    """
    where, params = "", []
    if person:
        where = "WHERE s.id = ?"
        params.append(get_subject(store, person).id)
    rows = store.query(
        "SELECT s.code AS person,"
        " sum(r.reason = 'capacity') AS capacity,"
        " sum(r.reason = 'threat') AS threat,"
        " sum(r.reason = 'tbp_choice') AS tbp_choice,"
        " count(r.id) AS total"
        " FROM subject s JOIN activity a ON a.subject_id = s.id"
        f" JOIN restriction r ON r.activity_id = a.id {where}"
        " GROUP BY s.code ORDER BY total DESC, s.code",
        params,
    )
    return [dict(r) for r in rows]


# Concept rules ------------------------------------------------------------------------------


def _judge(
    subject: Subject, concept: Concept, package_concepts: set[str], rank: int
) -> tuple[str, str, dict[str, Any]] | None:
    """Why ``concept`` may not go on an activity of ``subject``: (rule, code, params), or
    None when it may."""
    facts: dict[str, Any] = {"concept": concept.code, "subject": subject.code}
    if concept.rank < rank:
        facts |= {"level": concept.level, "required": subject.required_level}
        return ("R1", "concept_below_required", facts)
    if concept.code not in package_concepts:
        return ("R3", "concept_not_in_package", facts | {"package": subject.package})
    if subject.kind not in concept.subject_kinds:
        facts |= {"serves": _kinds(concept.subject_kinds), "kind": subject.kind}
        return ("R3", "concept_wrong_kind", facts)
    if concept.pilot and not (
        subject.unit in concept.pilot_units or subject.package in concept.pilot_packages
    ):
        facts |= {"scope": [*concept.pilot_units, *concept.pilot_packages], "unit": subject.unit}
        return ("R4", "concept_outside_pilot", facts)
    return None


def _kinds(kinds: tuple[str, ...]) -> list[str]:
    """Subject kinds as words: ``objects``, ``services``, ``persons``."""
    return [f"{kind}s" for kind in kinds]


def package_concepts(store: Store, subject: Subject) -> set[str]:
    """The codes of the concepts in the subject's package (none without a package).

    Args:
        store: the open database.
        subject: the subject, as read (its ``package`` decides).

    Returns:
        A set of concept codes; empty when the subject has no package yet.
    """
    return {
        r["concept"]
        for r in store.query(
            "SELECT concept FROM package_concept WHERE package = ?", (subject.package,)
        )
    }


def concept_options(store: Store, subject: Subject) -> list[ConceptOption]:
    """Every concept in the catalogue, judged for this subject: valid ones and why not.

    Args:
        store: the open database.
        subject: the subject, as read (its required level, package, kind and unit decide).

    Returns:
        One ``ConceptOption`` per concept, in the catalogue's order (lowest level first); all
        invalid, naming R2, when the subject has no threat assessment yet.
    """
    if subject.package is None or subject.required_level is None:
        facts = {"subject": subject.code}
        return [
            ConceptOption(c.code, c.name, c.level, False, "R2", "no_package", facts)
            for c in list_concepts(store)
        ]
    package = package_concepts(store, subject)
    rank_row = store.one(
        "SELECT rank FROM resistance_level WHERE code = ?", (subject.required_level,)
    )
    rank = int(rank_row["rank"]) if rank_row else 0
    options = []
    for concept in list_concepts(store):
        why = _judge(subject, concept, package, rank)
        options.append(
            ConceptOption(concept.code, concept.name, concept.level, why is None, *(why or ()))
        )
    return options


def activity_concept_options(store: Store, activity_id: str) -> list[ConceptOption]:
    """Every concept judged for one activity as assigning it would judge it
    (``assign_concept``): for its subject (``concept_options``), and a valid one other than
    the concept on it now only when the officers deployed on it fit it as a group
    (``roster.concept_misfit``; else not valid, ``concept_misfits_deployed`` with the
    smallest release as params).

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        One ``ConceptOption`` per concept, in the catalogue's order.

    Raises:
        NotFound: no activity has that id.
        BadInput: the prefix matches more than one activity.
    """
    from .roster import concept_misfit  # the deployed group, as put_concept judges it

    item = get_activity(store, activity_id)
    options = concept_options(store, subject_by_id(store, item.subject_id))
    judged = []
    for option in options:
        misfit = None
        if option.valid and option.code != item.concept:
            misfit = concept_misfit(store, item.id, option.code)
        if misfit is None:
            judged.append(option)
            continue
        params = {k: v for k, v in misfit.items() if k != "rule"}
        judged.append(
            replace(
                option,
                valid=False,
                rule=misfit["rule"],
                why="concept_misfits_deployed",
                params=params,
            )
        )
    return judged


def lightest_valid_concept(
    concepts: list[Concept], valid: list[str], kind: str, at_least: int = 0
) -> str | None:
    """The valid concept with the fewest officers (then lowest level, then code) among those
    that serve this kind of subject (R3: never one for another kind) and need at least
    ``at_least`` officers; when none needs that many, the valid one that needs the most.

    Args:
        concepts: the concepts to choose from (``list_concepts``).
        valid: the codes of the valid ones.
        kind: the subject's kind: ``person``, ``object`` or ``service``.
        at_least: the fewest officers the concept should need.

    Returns:
        The chosen concept's code, or None when no valid concept serves ``kind``.
    """
    usable = [c for c in concepts if c.code in valid and kind in c.subject_kinds]
    if not usable:
        return None
    enough = [c for c in usable if c.officers >= at_least]
    if not enough:
        return max(usable, key=lambda c: (c.officers, c.rank, c.code)).code
    return min(enough, key=lambda c: (c.officers, c.rank, c.code)).code


def check_concept(store: Store, subject: Subject, code: str) -> Concept:
    """The concept, if it may go on this subject's activities as things are now.

    Args:
        store: the open database (read inside the caller's write, so nothing slips between).
        subject: the subject, as read.
        code: the concept's code (surrounding spaces and case ignored).

    Returns:
        The concept.

    Raises:
        NotFound: no such concept.
        RuleViolation: the subject has no package yet (R2, ``no_threat_assessment``), or the
            concept provides less than required (R1, ``concept_below_required``), is not in
            the package (R3, ``concept_not_in_package``), serves another kind of subject (R3,
            ``concept_wrong_kind``) or is a pilot outside its scope (R4,
            ``concept_outside_pilot``); ``valid`` lists the concepts that may go on.
    """
    concept = get_concept(store, code)
    if subject.package is None:
        raise RuleViolation("R2", code="no_threat_assessment", subject=subject.code)
    rank_row = store.one(
        "SELECT rank FROM resistance_level WHERE code = ?", (subject.required_level,)
    )
    rank = int(rank_row["rank"]) if rank_row else 0
    refused = concept_refusal(
        subject, concept, list_concepts(store), package_concepts(store, subject), rank
    )
    if refused is not None:
        raise refused
    return concept


def concept_refusal(
    subject: Subject, concept: Concept, concepts: list[Concept], package: set[str], rank: int
) -> RuleViolation | None:
    """Why ``concept`` may not go on the subject's activities (R1, R3, R4), as the store refuses
    it: the one check the store's writes and the sync judge (``sync.judge_plans``) both make.

    Args:
        subject: the subject as it stood (its package, kind and unit decide).
        concept: the concept.
        concepts: every concept of the catalogue (``list_concepts``), for the valid choices.
        package: the codes of the concepts in the subject's package (``package_concepts``).
        rank: the rank of the subject's required resistance level.

    Returns:
        The refusal to raise (``concept_below_required``, ``concept_not_in_package``,
        ``concept_wrong_kind``, ``concept_outside_pilot``; ``valid`` lists the concepts that may
        go on), or None when it may.
    """
    why = _judge(subject, concept, package, rank)
    if why is None:
        return None
    rule, code, params = why
    valid = [c.code for c in concepts if _judge(subject, c, package, rank) is None]
    return RuleViolation(rule, code=code, valid=valid, **params)


# Writing ------------------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime) -> None:
    validate.moment(start, "start")
    validate.moment(end, "end")
    require_order(start, end, "activity")
    if rules.too_long(start, end):
        raise BadInput(code="activity_too_long", hours=72)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise BadInput(code="unknown_activity_kind", kind=validate.shown(kind))


def _check_new_status(status: str, end: datetime, now: str) -> None:
    """A new activity is planned, confirmed or done (done only once it has ended, R5)."""
    if status not in PLAIN_STATUSES:
        raise BadInput(code="status_not_plain", statuses=list(PLAIN_STATUSES))
    if status == "done" and to_db(end) > now:
        raise RuleViolation("R5", code="done_before_end")


def check_text(value: str, what: str) -> str:
    """A title (or other text an activity needs) as every entry stores it: free text with
    the spaces around it removed, refused when nothing of it would be seen (only invisible
    characters: ``validate.blank``). The typed add and edit and the calendar import share it.

    Args:
        value: the text given.
        what: the field, for the refusal.

    Returns:
        The text without the spaces around it.

    Raises:
        BadInput: ``empty_text``, or what ``validate.text`` refuses.
    """
    text = validate.text(value, what).strip()
    if validate.blank(text):
        raise BadInput(code="empty_text", field=what)
    return text


_check_text = check_text


def add_activity(
    store: Store,
    *,
    person: str,
    title: str,
    start: datetime,
    end: datetime,
    location: str = "",
    kind: str = "work",
    concept: str | None = None,
    status: str = "planned",
) -> Activity:
    """Add an activity to a subject's agenda, optionally with its concept (R1, R3, R4).

    One write transaction (audited ``activity.add``); every check runs inside it.

    Args:
        store: the open database, acting as a person who may ``activity.write``.
        person: the subject's code name (any case).
        title: what the activity is (free text, not empty).
        start: when it starts (aware UTC, 1970–2099).
        end: when it ends (aware UTC), after the start and at most 72 hours later.
        location: where it takes place ('' when not known).
        kind: ``work`` or ``private``.
        concept: the security concept's code, or None to plan it later.
        status: ``planned``, ``confirmed`` or ``done`` (``done`` only once it has ended).

    Returns:
        The new activity as stored.

    Raises:
        PermissionDenied: the acting person may not write activities.
        NotFound: no such subject or concept.
        BadInput: empty or too long text, a time out of range, end not after start, longer than
            72 hours, an unknown kind or status.
        RuleViolation: ``done`` before it ended (R5), or the concept may not go on the subject
            (R1, R2, R3, R4; see ``check_concept``).
    """
    activity_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("activity.add", activity_id, detail, require="activity.write") as conn:
        title = _check_text(title, "title")
        location = validate.text(location, "location").strip()
        _check_times(start, end)
        _check_kind(kind)
        _check_new_status(status, end, to_db(store.now()))
        subject = get_subject(store, person)
        code = check_concept(store, subject, concept).code if concept else None
        detail.update(person=subject.code, concept=code)
        now = to_db(store.now())
        conn.execute(
            "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
            " status, concept, created_at, created_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                activity_id,
                subject.id,
                title,
                kind,
                to_db(start),
                to_db(end),
                location,
                status,
                code,
                now,
                store.actor.callsign,
                now,
            ),
        )
    return get_activity(store, activity_id)


def edit_activity(
    store: Store,
    activity_id: str,
    *,
    title: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    location: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    correction: str | None = None,
    opened: Mapping[str, object] | None = None,
) -> Activity:
    """Change an activity's details.

    Moving it (its time, length or place) is a restriction (R5, ``restrict_activity``) unless
    the agenda was simply wrong: then ``correction`` gives the reason and the change is recorded
    as a correction. ``done`` only once the activity has ended and never while it needs
    re-planning; cancelling only by a restriction. One write transaction (audited
    ``activity.edit``); nothing is written when it raises.

    Args:
        store: the open database, acting as a person who may ``activity.write``.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        title: a new title, or None to keep it.
        start: a new start (aware UTC), or None to keep it.
        end: a new end (aware UTC), or None to keep it.
        location: a new place, or None to keep it.
        kind: ``work`` or ``private``, or None to keep it.
        status: ``planned``, ``confirmed`` or ``done``, or None to keep it.
        correction: why the agenda was wrong, needed when the time or place changes.
        opened: for a form, the value each field the person changed had when it opened
            (``title``, ``kind``, ``location``, ``start``, ``end``); one changed meanwhile (by
            the CLI, a sync import) is refused, read in this transaction, so no change made
            meanwhile is overwritten unseen (issue 17).

    Returns:
        The activity as stored after the change.

    Raises:
        PermissionDenied: the acting person may not write activities.
        NotFound: no activity has that id.
        BadInput: nothing to change (``nothing_to_change``), every value as it is already
            (``nothing_changed``: nothing is written, not even an audit event), bad text or
            times, an unknown kind, a field in ``opened`` changed meanwhile
            (``changed_meanwhile``).
        RuleViolation: a move without a correction (R5, ``move_needs_restriction``), a status
            only a restriction sets, a cancelled activity revived, ``done`` too early (R5) or
            while it needs re-planning (R1).
    """
    with store.write("activity.edit", require="activity.write") as conn:
        full = store.target(resolve_id(store, "activity", activity_id, "activity"))
        current = get_activity(store, full)
        _check_unchanged_since(current, opened or {})
        changes = _plain_changes(current, title, kind)
        if status is not None:
            _check_status(store, current, status)
            if status != current.status:
                changes["status"] = status
        moved = _moved_fields(current, start, end, location)
        if moved:  # a correction is recorded only when the time or place really changes
            _record_correction(conn, store, current, moved, correction)
            changes.update(moved)
        given = (title, start, end, location, kind, status)
        if all(value is None for value in given):
            fields = ["title", "start", "end", "location", "kind", "status"]
            raise BadInput(code="nothing_to_change", fields=fields)
        if not changes:  # a form saved as it was: no write, no audit event
            raise BadInput(code="nothing_changed", title=current.title)
        _check_done_after_end(store, current, changes)
        changes["updated_at"] = to_db(store.now())
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE activity SET {assignments} WHERE id = ?", [*changes.values(), full])
    return get_activity(store, full)


def _check_unchanged_since(current: Activity, opened: Mapping[str, object]) -> None:
    """Each field as it was when the form opened, or refused with its value now."""
    now: dict[str, object] = {
        "title": current.title,
        "kind": current.kind,
        "location": current.location,
        "start": current.start_at,
        "end": current.end_at,
    }
    for name, was in opened.items():
        if name not in now:  # a misspelt field would skip the check unseen: a programming fault
            raise ValueError(f"no field {name!r} to compare")
        if now[name] != was:
            raise BadInput(code="changed_meanwhile", field=name, now=now[name])


def _check_done_after_end(store: Store, current: Activity, changes: dict[str, str]) -> None:
    """A done activity stays ended: no move of it to a time not yet over (R5, hides R1)."""
    status = changes.get("status", current.status)
    end = changes.get("end_at", to_db(current.end_at))
    if "end_at" in changes and rules.done_before_end(status, from_db(end), store.now()):
        raise RuleViolation("R5", code="done_moved_ahead", title=current.title, end=from_db(end))


def _plain_changes(current: Activity, title: str | None, kind: str | None) -> dict[str, str]:
    changes: dict[str, str] = {}
    if title is not None and title.strip() != current.title:
        changes["title"] = _check_text(title, "title")
    if kind is not None and kind != current.kind:
        _check_kind(kind)
        changes["kind"] = kind
    return changes


def _check_status(store: Store, current: Activity, status: str) -> None:
    """No status change may cancel, revive or hide a re-planning flag (R5, R1)."""
    if status not in PLAIN_STATUSES:
        raise RuleViolation("R5", code="status_set_by_restriction", status=validate.shown(status))
    if current.status == "cancelled":
        raise RuleViolation("R5", code="stays_cancelled", title=current.title)
    if status == "done" and current.end_at > store.clock.now():
        raise RuleViolation("R5", code="done_before_end", title=current.title, end=current.end_at)
    if status == "done" and current.replan_reason:
        raise RuleViolation(
            "R1", code="done_hides_replanning", title=current.title, reason=current.replan_reason
        )


def _moved_fields(
    current: Activity, start: datetime | None, end: datetime | None, location: str | None
) -> dict[str, str]:
    """The time and place columns that would change (unchanged values do not count)."""
    new_start = start or current.start_at
    new_end = end or current.end_at
    moved: dict[str, str] = {}
    if (new_start, new_end) != (current.start_at, current.end_at):
        _check_times(new_start, new_end)
        moved["start_at"], moved["end_at"] = to_db(new_start), to_db(new_end)
    if location is not None and location.strip() != current.location:
        moved["location"] = validate.text(location, "location").strip()
    return moved


def _record_correction(
    conn: sqlite3.Connection,
    store: Store,
    current: Activity,
    moved: dict[str, str],
    reason: str | None,
) -> None:
    now = store.now()
    for old, column in ((current.start_at, "start_at"), (current.end_at, "end_at")):
        new = moved.get(column)
        if new is not None and rules.corrected_into_past(old, from_db(new), now):
            raise RuleViolation(
                "R5", code="correction_into_past", title=current.title, moment=from_db(new)
            )
    if reason is None:
        move = Move(
            current,
            from_db(moved.get("start_at", to_db(current.start_at))),
            from_db(moved.get("end_at", to_db(current.end_at))),
            moved.get("location"),
            now,
        )
        raise move_refusal(store.actor, current.title, current.status, move)
    insert_correction(
        conn,
        store,
        current.id,
        (to_db(current.start_at), to_db(current.end_at), current.location),
        (
            moved.get("start_at", to_db(current.start_at)),
            moved.get("end_at", to_db(current.end_at)),
            moved.get("location", current.location),
        ),
        _check_text(reason, "correction_reason"),
    )


def insert_correction(
    conn: sqlite3.Connection,
    store: Store,
    activity_id: str,
    old: tuple[str, str, str],
    new: tuple[str, str, str],
    reason: str,
) -> None:
    """Inside an open write: record that an activity's time or place changed as a correction.

    Every change of an activity's time or place comes with a correction or a restriction (R5);
    the other laptops accept it only so (``store/rules.py``). Checks nothing itself.

    Args:
        conn: the connection of the open write transaction.
        store: the open database (its clock, acting person and device are recorded).
        activity_id: the activity's full id.
        old: (start, end, location) before: start and end as stored UTC text.
        new: (start, end, location) after, in the same form.
        reason: why (a mistake in the agenda, or the person's own calendar changed it).
    """
    conn.execute(
        "INSERT INTO activity_correction (id, activity_id, reason, old_start_at, old_end_at,"
        " old_location, new_start_at, new_end_at, new_location, recorded_at, recorded_by,"
        " device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uuid7(),
            activity_id,
            reason,
            *old,
            *new,
            to_db(store.now()),
            store.actor.callsign,
            store.device_id,
        ),
    )


#: The statuses of an activity that takes no restriction (R5): a change of its time or place
#: is a correction only.
NO_RESTRICTION = ("cancelled", "done")


@dataclass(frozen=True)
class Move:
    """A change of an activity's time or place as asked, for ``move_ways``: whether a
    restriction may record it depends on it when the activity has ended (R5).

    Attributes:
        current: the activity as it is.
        start: the start after the change (aware UTC).
        end: the end after the change (aware UTC).
        location: the place after the change, or None to keep it.
        now: now (aware UTC).
    """

    current: Activity
    start: datetime
    end: datetime
    location: str | None
    now: datetime

    def ended(self) -> bool:
        """Whether the activity has ended and the restriction this change would be is one an
        ended activity takes no more (``rules.restricted_after_end``: anything but a move to
        a time still ahead).

        Returns:
            True when a restriction may not record this change because the activity has ended.
        """
        # time and place at once (``both``): its time is judged, as the move it could be
        # recorded as once the place is changed apart (rev17r)
        place = None if self.both() else self.location
        try:
            kind = restriction_kind(self.current, self.start, self.end, place)
        except BadInput:  # pragma: no cover - one change at most, once ``both`` is set apart
            kind = "relocated"
        row = {
            "old_end_at": to_db(self.current.end_at),
            "new_start_at": to_db(self.start),
            "recorded_at": to_db(self.now),
            "kind": kind,
            "authority": "",
        }
        return rules.restricted_after_end(row) is not None

    def both(self) -> bool:
        """Whether this change gives the activity another time and another place at once: no
        one restriction (``check_one_restriction``), so never recorded as one.

        Returns:
            True when both the time and the place change.
        """
        new_time = (self.start, self.end) != (self.current.start_at, self.current.end_at)
        place = self.location
        return new_time and place is not None and place.strip() != self.current.location


def move_ways(actor: access.Actor, status: str, move: Move | None = None) -> tuple[str, ...]:
    """How the acting person may record a change of an activity's time or place (R5): the one
    rule the store refuses a move by (``edit_activity``'s ``move_needs_restriction``) and the
    faces ask by (the console's move question offers exactly these).

    Args:
        actor: whoever acts (``Store.actor``; the laptop's enrolled role bounds it too).
        status: the activity's status.
        move: the change asked, or None for any change: of an activity that has ended only a
            move to a time still ahead is a restriction (``Move.ended``, rev17q: ``e`` offered
            a restriction the store refused once the form was saved), and a change of time and
            place at once is none (``Move.both``, rev17r: the store refuses it as one).

    Returns:
        ``correction`` (the agenda was wrong, with its reason: ``activity.write``) and
        ``restriction`` (decided, with reason and deciding authority: ``activity.restrict``, of
        an activity neither cancelled nor done, nor ended unless moved ahead, and of one change
        of time or of place), in that order; empty when neither.
    """
    ways = []
    if access.may(actor, "activity.write"):
        ways.append("correction")
    if (
        access.may(actor, "activity.restrict")
        and status not in NO_RESTRICTION
        and (move is None or not (move.ended() or move.both()))
    ):
        ways.append("restriction")
    return tuple(ways)


def move_refusal(
    actor: access.Actor, title: str, status: str, move: Move | None = None
) -> RuleViolation:
    """The refusal of a move recorded neither way (``move_ways``): the words name only what
    this person may do (rev16o: never told to run a command his role may not run, nor to
    restrict an activity cancelled, done or ended).

    Args:
        actor: whoever acts.
        title: the activity's title.
        status: the activity's status.
        move: the change asked, or None (as for ``move_ways``).

    Returns:
        ``move_needs_restriction`` (R5) with ``may_restrict`` (a restriction is one of the
        ways), ``status``, ``ended`` (the activity's end) when the activity has ended and the
        change is no move ahead, else ``both`` when the change is of time and place at once
        and this person could restrict either apart.
    """
    ended: dict[str, object] = {}
    if move is not None and status not in NO_RESTRICTION:
        if move.ended():
            ended = {"ended": move.current.end_at}
        elif move.both() and access.may(actor, "activity.restrict"):
            ended = {"both": True}
    return RuleViolation(
        "R5",
        code="move_needs_restriction",
        title=title,
        may_restrict="restriction" in move_ways(actor, status, move),
        may_correct="correction" in move_ways(actor, status, move),
        status=status,
        **ended,
    )


def moves(
    current: Activity,
    start: datetime | None = None,
    end: datetime | None = None,
    location: str | None = None,
) -> bool:
    """Whether these values change the activity's time, length or place.

    Args:
        current: the activity as it is.
        start: a new start (aware UTC), or None to keep it.
        end: a new end (aware UTC), or None to keep it.
        location: a new place, or None to keep it.

    Returns:
        True when the time or place would change (equal values do not count).

    Raises:
        BadInput: the new times are out of range, out of order or longer than 72 hours.
    """
    return bool(_moved_fields(current, start, end, location))


def restriction_kind(
    current: Activity, start: datetime, end: datetime, location: str | None = None
) -> str:
    """The restriction (R5) that an edit to these values is.

    Args:
        current: the activity as it is.
        start: the start after the edit (aware UTC).
        end: the end after the edit (aware UTC).
        location: the place after the edit, or None to keep it.

    Returns:
        ``relocated`` for a new place; ``shortened`` when the new time lies inside the old;
        ``moved`` otherwise.

    Raises:
        BadInput: it changes both the time and the place (two restrictions).
    """
    new_time = (start, end) != (current.start_at, current.end_at)
    new_place = location is not None and location.strip() != current.location
    check_one_restriction(new_time, new_place)
    if new_place:
        return "relocated"
    inside = start >= current.start_at and end <= current.end_at
    return "shortened" if inside else "moved"


def check_one_restriction(new_time: bool, new_place: bool) -> None:
    """Refuse one change of an activity that is two restrictions (R5): its time and its place
    at once. The one check the store's edit and the sync judge (``sync/judge.py``, two
    restrictions of one activity in one change set) both make.

    Args:
        new_time: the change gives the activity another time.
        new_place: the change gives it another place.

    Raises:
        BadInput: both (``time_and_place_at_once``).
    """
    if new_time and new_place:
        raise BadInput(code="time_and_place_at_once")


@dataclass(frozen=True)
class Correction:
    """A mistake in the agenda put right (not a decision to move: that is a restriction).

    Attributes:
        id: the correction's id.
        activity_id: the activity corrected.
        reason: why the agenda was wrong.
        old_start_at: the start before (aware UTC).
        old_end_at: the end before (aware UTC).
        old_location: the place before.
        new_start_at: the start after (aware UTC).
        new_end_at: the end after (aware UTC).
        new_location: the place after.
        recorded_at: when it was recorded (aware UTC).
        recorded_by: who recorded it (callsign).
        device: the id of the laptop it was recorded on ('' when not known).
    """

    id: str
    activity_id: str
    reason: str
    old_start_at: datetime
    old_end_at: datetime
    old_location: str
    new_start_at: datetime
    new_end_at: datetime
    new_location: str
    recorded_at: datetime
    recorded_by: str
    device: str = ""


def list_corrections(store: Store, activity_id: str) -> list[Correction]:
    """The corrections of one activity, oldest first.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        The corrections, times aware UTC.

    Raises:
        NotFound: no activity has that id.
        BadInput: the prefix matches more than one activity.
    """
    full = resolve_id(store, "activity", activity_id, "activity")
    rows = store.query(
        "SELECT id, activity_id, reason, old_start_at, old_end_at, old_location, new_start_at,"
        " new_end_at, new_location, recorded_at, recorded_by, device FROM activity_correction"
        " WHERE activity_id = ? ORDER BY recorded_at, id",
        (full,),
    )
    times = ("old_start_at", "old_end_at", "new_start_at", "new_end_at", "recorded_at")
    return [Correction(**with_times(r, *times)) for r in rows]


def assign_concept(store: Store, activity_id: str, concept: str) -> Activity:
    """Put a concept on an activity, refusing any the subject may not get (R1, R3, R4).

    One write transaction (audited ``activity.assign``); clears a review flag.

    Args:
        store: the open database, acting as a person who may ``activity.write``.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        concept: the concept's code (any case).

    Returns:
        The activity as stored after the change.

    Raises:
        PermissionDenied: the acting person may not write activities.
        NotFound: no such activity or concept.
        BadInput: the activity has that concept already and no review flag
            (``nothing_changed``: nothing is written, not even an audit event).
        RuleViolation: the concept may not go on the subject (see ``check_concept``).
    """
    detail: dict[str, str | None] = {}
    with store.write("activity.assign", None, detail, require="activity.write") as conn:
        full = store.target(resolve_id(store, "activity", activity_id, "activity"))
        _refuse_same_concept(store, conn, full, concept)
        put_concept(store, conn, full, concept, detail)
    return get_activity(store, full)


def _refuse_same_concept(
    store: Store, conn: sqlite3.Connection, activity_id: str, concept: str
) -> None:
    """The concept it has already, with no review flag to clear: nothing to write (issue 14);
    the concept is still checked first, so one no longer allowed is refused as such."""
    current = get_activity(store, activity_id)
    chosen = check_concept(store, subject_by_id(store, current.subject_id), concept)
    row = conn.execute("SELECT review_reason FROM activity WHERE id = ?", (activity_id,)).fetchone()
    if chosen.code == current.concept and row[0] is None:
        raise BadInput(code="nothing_changed", title=current.title)


def put_concept(
    store: Store,
    conn: sqlite3.Connection,
    activity_id: str,
    concept: str,
    detail: dict[str, str | None] | None = None,
) -> None:
    """Inside an open write: the concept on the activity (clearing a review flag), checked
    against the person's level, package and pilot scope as they are now (R1, R3, R4).

    Args:
        store: the open database.
        conn: the connection of the open write transaction.
        activity_id: the activity's full id.
        concept: the concept's code (any case).
        detail: the audit detail to add ``person``, ``from`` and ``to`` to, or None.

    Raises:
        NotFound: no such activity, subject or concept.
        RuleViolation: the concept may not go on the subject (see ``check_concept``), or
            the officers deployed on the activity do not fit it as a group
            (``roster.concept_misfit``: the smallest sets of them to release first).
    """
    current = get_activity(store, activity_id)
    subject = subject_by_id(store, current.subject_id)
    chosen = check_concept(store, subject, concept)
    if chosen.code != current.concept:
        from .roster import check_concept_fits  # the deployed group against the new one

        check_concept_fits(store, current.id, chosen.code)
    if detail is not None:
        detail.update({"person": subject.code, "from": current.concept, "to": chosen.code})
    conn.execute(
        "UPDATE activity SET concept = ?, review_reason = NULL, updated_at = ? WHERE id = ?",
        (chosen.code, to_db(store.now()), current.id),
    )


def restrict_activity(
    store: Store,
    activity_id: str,
    *,
    kind: str,
    reason: str,
    authority: str,
    note: str = "",
    new_start: datetime | None = None,
    new_end: datetime | None = None,
    new_location: str | None = None,
    title: str | None = None,
    activity_kind: str | None = None,
) -> Restriction:
    """Record a facilitation restriction (R5) and apply it to the activity.

    Scarcity may move, shorten, relocate or cancel an activity; it never lowers the concept on
    it (R1). One write transaction (audited ``activity.restrict``): a new title or kind given
    with it (the console's edit form) is checked first and written with it, or nothing is.

    Args:
        store: the open database, acting as a person who may ``activity.restrict``.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        kind: ``cancelled``, ``moved``, ``shortened`` or ``relocated``.
        reason: ``capacity``, ``threat`` or ``tbp_choice``.
        authority: the deciding authority, as named (not the calendar import's own).
        note: a free-text note.
        new_start: the start after a move (needed) or shortening (aware UTC).
        new_end: the end after a move (default: the same length) or shortening (aware UTC).
        new_location: the place after a relocation (needed).
        title: a new title for the activity (needs ``activity.write``), or None to keep it.
        activity_kind: ``work`` or ``private`` (needs ``activity.write``), or None to keep it.

    Returns:
        The restriction as recorded.

    Raises:
        PermissionDenied: the acting person may not restrict activities (or, with a new
            title or kind, write them).
        NotFound: no activity has that id.
        BadInput: an unknown kind or reason, an activity already cancelled, a move without a
            start, a shortening that is not shorter and inside, a relocation without a place,
            bad text or times, an empty or too long title, an unknown activity kind.
        RuleViolation: the activity is done (it has taken place), no deciding authority, or the
            calendar import's reserved one (R5).
    """
    detail: dict[str, object] = {"kind": kind, "reason": reason, "authority": authority}
    with store.write("activity.restrict", None, detail, require="activity.restrict") as conn:
        full = store.target(resolve_id(store, "activity", activity_id, "activity"))
        edited = _plain_changes(get_activity(store, full), title, activity_kind)
        if edited:  # checked before anything is written; written with the restriction
            access.require(store.actor, "activity.write")
        restriction_id = record_restriction(
            store,
            conn,
            full,
            kind=kind,
            reason=reason,
            authority=authority,
            note=note,
            new_start=new_start,
            new_end=new_end,
            new_location=new_location,
        )
        if edited:
            detail["edited"] = sorted(edited)
            assignments = ", ".join(f"{column} = ?" for column in edited)
            conn.execute(
                f"UPDATE activity SET {assignments} WHERE id = ?", [*edited.values(), full]
            )
        store.made(restriction_id)
    return next(r for r in list_restrictions(store, full) if r.id == restriction_id)


def record_restriction(
    store: Store,
    conn: sqlite3.Connection,
    activity_id: str,
    *,
    kind: str,
    reason: str,
    authority: str,
    note: str = "",
    new_start: datetime | None = None,
    new_end: datetime | None = None,
    new_location: str | None = None,
) -> str:
    """Inside an open write: check and record a restriction (R5) and apply it to the activity.

    Args:
        store: the open database.
        conn: the connection of the open write transaction.
        activity_id: the activity's full id.
        kind, reason, authority, note, new_start, new_end, new_location: as for
            ``restrict_activity``.

    Returns:
        The new restriction's id.

    Raises:
        NotFound: no activity has that id.
        BadInput, RuleViolation: as for ``restrict_activity``.
    """
    current = get_activity(store, activity_id)
    authority = _check_restriction(store, current, kind, reason, authority)
    note = validate.text(note, "note")
    if new_location is not None:
        validate.text(new_location, "new_location")
    for given, what in ((new_start, "new_start"), (new_end, "new_end")):
        if given is not None:
            validate.moment(given, what)
    updates = _restricted_fields(current, kind, new_start, new_end, new_location)
    updates["updated_at"] = to_db(store.now())
    _check_not_into_past(
        current, updates, to_db(store.now()), kind, access.may(store.actor, "activity.write")
    )
    restriction_id = uuid7()
    conn.execute(
        "INSERT INTO restriction (id, activity_id, kind, reason, authority, note,"
        " old_start_at, old_end_at, new_start_at, new_end_at, recorded_at, recorded_by,"
        " device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            restriction_id,
            current.id,
            kind,
            reason,
            authority,
            note.strip(),
            to_db(current.start_at),
            to_db(current.end_at),
            updates.get("start_at"),
            updates.get("end_at"),
            to_db(store.now()),
            store.actor.callsign,
            store.device_id,
        ),
    )
    assignments = ", ".join(f"{column} = ?" for column in updates)
    conn.execute(f"UPDATE activity SET {assignments} WHERE id = ?", [*updates.values(), current.id])
    return restriction_id


def _check_not_into_past(
    current: Activity, updates: dict[str, str], now: str, kind: str = "", may_correct: bool = False
) -> None:
    """A restriction never restricts an activity that is over, nor moves its start or end to a
    time already past (R5). The refusal of one that is over carries what may still be done
    (rev17q: a move of it to another past time read as if no restriction were possible): the
    kind asked, the time it was moved to, and whether this person may correct it."""
    over = rules.restricted_after_end(
        {
            "old_end_at": to_db(current.end_at),
            "new_start_at": updates.get("start_at"),
            "recorded_at": now,
            "kind": kind,
            "authority": "",
        }
    )
    if over is not None:
        start = updates.get("start_at")
        raise RuleViolation(
            "R5",
            code="restriction_after_end",
            title=current.title,
            moment=current.end_at,
            kind=kind,
            may_correct=may_correct,
            **({"to": from_db(start)} if kind == "moved" and start else {}),
        )
    past = rules.restricted_into_past(
        {
            "old_start_at": to_db(current.start_at),
            "old_end_at": to_db(current.end_at),
            "new_start_at": updates.get("start_at"),
            "new_end_at": updates.get("end_at"),
            "recorded_at": now,
        }
    )
    if past is not None:
        raise RuleViolation(
            "R5", code="restriction_into_past", title=current.title, moment=from_db(past)
        )


def _check_restriction(
    store: Store, current: Activity, kind: str, reason: str, authority: str
) -> str:
    """The restriction's kind, reason and authority checked (the authority returned, trimmed);
    an activity already cancelled or done takes none (R5)."""
    restriction_kinds(current, store.now(), short_id(store, "activity", current.id))
    if kind not in RESTRICTION_KINDS:
        raise BadInput(
            code="unknown_restriction_kind",
            kind=validate.shown(kind),
            kinds=list(RESTRICTION_KINDS),
        )
    authority = check_decision(reason, authority)
    if authority.lower() == CALENDAR_AUTHORITY:
        raise RuleViolation("R5", code="calendar_authority_reserved", authority=CALENDAR_AUTHORITY)
    return authority


def restriction_kinds(activity: Activity, now: datetime, shown_id: str) -> tuple[str, ...]:
    """The kinds of restriction an activity takes now (R5), asked before any is chosen (the
    console's ``r``): none when it is cancelled or done (refused, by its title); only a move
    when it has ended (``rules.restricted_after_end``: what did not take place is planned
    anew at a time ahead, what happened is not rewritten); every kind otherwise.

    Args:
        activity: the activity as stored.
        now: now, aware UTC.
        shown_id: the activity's id as shown (short), for the refusal.

    Returns:
        The kinds, in ``RESTRICTION_KINDS`` order.

    Raises:
        BadInput: it is cancelled (``already_cancelled``).
        RuleViolation: it is done (``restriction_of_done``, R5).
    """
    if activity.status == "cancelled":  # named by its title, as a done one is
        raise BadInput(code="already_cancelled", activity=shown_id, title=activity.title)
    if activity.status == "done":
        raise RuleViolation("R5", code="restriction_of_done", title=activity.title)
    ended = rules.restricted_after_end(
        {"old_end_at": to_db(activity.end_at), "recorded_at": to_db(now), "kind": ""}
    )
    return ("moved",) if ended is not None else RESTRICTION_KINDS


def check_not_cancelled(status: object, activity: str) -> None:
    """Refuse a restriction of an activity already cancelled (R5): the one check the store's
    restriction and the sync judge (``sync/judge.py``, the status as it stood when a received
    restriction was made) both make.

    Args:
        status: the activity's status.
        activity: the activity's id as shown (short).

    Raises:
        BadInput: it is cancelled (``already_cancelled``).
    """
    if status == "cancelled":
        raise BadInput(code="already_cancelled", activity=activity)


def check_decision(reason: str | None, authority: str | None) -> str:
    """A restriction's reason and deciding authority checked (R5): what a restriction of an
    activity and a refused request (``store/requests.py``) both record.

    Args:
        reason: ``capacity``, ``threat`` or ``tbp_choice`` (None: none given).
        authority: who decided, one line.

    Returns:
        The authority, stripped.

    Raises:
        BadInput: an unknown reason (``unknown_restriction_reason``), or an authority with
            control, invisible or mixed-script characters, or too long.
        RuleViolation: no reason (``restriction_needs_reason``) or no authority
            (``restriction_needs_authority``).
    """
    if reason is None:
        raise RuleViolation(
            "R5", code="restriction_needs_reason", reasons=list(RESTRICTION_REASONS)
        )
    if reason not in RESTRICTION_REASONS:
        raise BadInput(
            code="unknown_restriction_reason",
            reason=validate.shown(reason),
            reasons=list(RESTRICTION_REASONS),
        )
    if not isinstance(authority, str) or validate.blank(authority):
        raise RuleViolation("R5", code="restriction_needs_authority")
    return validate.line(authority, "deciding_authority")


#: What each kind of restriction may be given besides its reason and authority.
_RESTRICTION_FIELDS = {
    "cancelled": (),
    "moved": ("start", "end"),
    "shortened": ("start", "end"),
    "relocated": ("location",),
}


def _check_restriction_fields(
    kind: str, new_start: datetime | None, new_end: datetime | None, new_location: str | None
) -> None:
    """A value the kind of restriction does not use is refused, never silently ignored."""
    given = {"start": new_start, "end": new_end, "location": new_location}
    unused = [name for name, value in given.items() if value is not None]
    unused = [name for name in unused if name not in _RESTRICTION_FIELDS.get(kind, ())]
    if unused:
        raise BadInput(
            code="restriction_unused_field",
            kind=kind,
            fields=unused,
            changes=list(_RESTRICTION_FIELDS[kind]),
        )


def _restricted_fields(
    current: Activity,
    kind: str,
    new_start: datetime | None,
    new_end: datetime | None,
    new_location: str | None,
) -> dict[str, str]:
    start, end, place = check_restriction_change(
        kind,
        (current.start_at, current.end_at, current.location),
        new_start,
        new_end,
        new_location,
    )
    updates: dict[str, str] = {"status": kind if kind != "relocated" else current.status}
    if place is not None:
        updates["location"] = place
    if kind in ("moved", "shortened"):
        _check_times(start, end)
        updates["start_at"] = to_db(start)
        updates["end_at"] = to_db(end)
    return updates


def check_restriction_change(
    kind: str,
    old: tuple[datetime, datetime, str],
    new_start: datetime | None,
    new_end: datetime | None,
    new_location: str | None,
) -> tuple[datetime, datetime, str | None]:
    """Refuse a restriction whose new values do not fit its kind (R5), else what it makes of
    the activity: the one check the store's restriction and the sync judge
    (``sync/judge.py``, a received restriction row) both make.

    Args:
        kind: ``cancelled``, ``moved``, ``shortened`` or ``relocated``.
        old: the activity's start, end (aware UTC) and place as they stand.
        new_start: the new start given (a move needs one), or None.
        new_end: the new end given (a move's default: the same length), or None.
        new_location: the new place given (a relocation needs one), or None.

    Returns:
        The activity's start and end after it (aware UTC), and its new place (None: kept).

    Raises:
        BadInput: a value the kind does not use (``restriction_unused_field``), a move without
            a start (``move_needs_start``), to its present times (``move_changes_nothing``) or
            keeping its start (``move_keeps_start``), a shortening not shorter and inside
            (``shortening_not_shorter``), a relocation without a place
            (``relocation_needs_place``) or to its present one (``relocation_changes_nothing``).
    """
    old_start, old_end, old_location = old
    start, end = old_start, old_end
    _check_restriction_fields(kind, new_start, new_end, new_location)
    if kind == "moved":
        if new_start is None:
            raise BadInput(code="move_needs_start")
        start = new_start
        end = new_end or new_start + (old_end - old_start)
        if (start, end) == (old_start, old_end):
            raise BadInput(code="move_changes_nothing")
        if new_start == old_start:
            raise BadInput(code="move_keeps_start")
    elif kind == "shortened":
        start = new_start or old_start
        end = new_end or old_end
        if start < old_start or end > old_end or (start, end) == (old_start, old_end):
            raise BadInput(code="shortening_not_shorter")
    elif kind == "relocated":
        if not new_location or not new_location.strip():
            raise BadInput(code="relocation_needs_place")
        if new_location.strip() == old_location:
            raise BadInput(code="relocation_changes_nothing")
        return start, end, new_location.strip()
    return start, end, None
