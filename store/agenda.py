"""The protected person's agenda: activities, the concept on each, and restrictions.

Rules enforced here (and R1 again by triggers in the schema, for every connection):

- R1: a concept must provide at least the subject's required resistance level;
- R3: it must belong to the subject's current package;
- R4: a pilot concept only inside its pilot scope;
- R5: cancelling, moving or shortening an activity is a restriction recorded with its kind,
  reason (capacity, threat, the person's own choice) and deciding authority.

Refusals name the rule, the levels and the concepts that would be valid. Whether an activity
needs re-planning is derived (``activity_view.replan_reason``), so a rising threat shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import access, rules
from .catalogue import Concept, get_concept, list_concepts
from .clock import local_iso, to_db
from .db import Store, resolve_id
from .errors import BadInput, RuleViolation
from .ids import uuid7
from .subjects import Subject, get_subject, subject_by_id

KINDS = rules.ACTIVITY_KINDS
PLAIN_STATUSES = rules.PLAIN_STATUSES
RESTRICTION_KINDS = rules.RESTRICTION_KINDS
RESTRICTION_REASONS = rules.RESTRICTION_REASONS
MAX_DURATION = rules.MAX_ACTIVITY


@dataclass(frozen=True)
class Activity:
    id: str
    person: str
    subject_id: str
    unit: str
    title: str
    kind: str
    start_at: str
    end_at: str
    location: str
    status: str
    concept: str | None
    required_level: str | None
    concept_level: str | None
    replan_reason: str | None

    @property
    def needs_replanning(self) -> bool:
        return self.replan_reason is not None

    @property
    def start(self) -> str:
        return local_iso(self.start_at) or ""

    @property
    def end(self) -> str:
        return local_iso(self.end_at) or ""


@dataclass(frozen=True)
class Restriction:
    id: str
    activity_id: str
    kind: str
    reason: str
    authority: str
    note: str
    old_start_at: str
    old_end_at: str
    new_start_at: str | None
    new_end_at: str | None
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class ConceptOption:
    """A concept as a choice for one activity: valid, or why not."""

    code: str
    name: str
    level: str
    valid: bool
    reason: str


_SELECT = """
SELECT id, subject_code AS person, subject_id, subject_unit AS unit, title, kind, start_at,
       end_at, location, status, concept, required_level, concept_level, replan_reason
FROM activity_view
"""


def _row(row: object) -> Activity:
    return Activity(**dict(row))  # type: ignore[call-overload]


# Reading ------------------------------------------------------------------------------------


def get_activity(store: Store, activity_id: str) -> Activity:
    full = resolve_id(store, "activity", activity_id, "activity")
    row = store.one(_SELECT + " WHERE id = ?", (full,))
    assert row is not None
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
    """Activities overlapping [start, end), ordered by start time."""
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
    if unit:
        clauses.append("subject_unit = ?")
        params.append(unit.upper())
    if replan_only:
        clauses.append("replan_reason IS NOT NULL")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.query(_SELECT + where + " ORDER BY start_at, subject_code, id", params)
    return [_row(r) for r in rows]


def list_restrictions(store: Store, activity_id: str) -> list[Restriction]:
    full = resolve_id(store, "activity", activity_id, "activity")
    rows = store.query(
        "SELECT id, activity_id, kind, reason, authority, note, old_start_at, old_end_at,"
        " new_start_at, new_end_at, recorded_at, recorded_by FROM restriction"
        " WHERE activity_id = ? ORDER BY recorded_at, id",
        (full,),
    )
    return [Restriction(**dict(r)) for r in rows]


def restriction_counts(store: Store, *, person: str | None = None) -> list[dict[str, str | int]]:
    """How often each subject's activities were restricted, per reason (R5 made measurable)."""
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


def _judge(subject: Subject, concept: Concept, package_concepts: set[str], rank: int) -> str:
    """Why ``concept`` may not go on an activity of ``subject`` ('' when it may)."""
    if concept.rank < rank:
        return (
            f"provides {concept.level} but {subject.code} requires {subject.required_level} "
            "(rule R1)"
        )
    if concept.code not in package_concepts:
        return f"not in {subject.code}'s package {subject.package} (rule R3)"
    if concept.pilot and not (
        subject.unit in concept.pilot_units or subject.package in concept.pilot_packages
    ):
        scope = ", ".join(concept.pilot_units + concept.pilot_packages) or "nowhere yet"
        return (
            f"a pilot concept usable only in {scope}; {subject.code} is in {subject.unit} (rule R4)"
        )
    return ""


def concept_options(store: Store, subject: Subject) -> list[ConceptOption]:
    """Every concept in the catalogue, judged for this subject: valid ones and why not."""
    if subject.package is None or subject.required_level is None:
        reason = f"{subject.code} has no threat assessment yet, so no package (rule R2)"
        return [ConceptOption(c.code, c.name, c.level, False, reason) for c in list_concepts(store)]
    package = {
        r["concept"]
        for r in store.query(
            "SELECT concept FROM package_concept WHERE package = ?", (subject.package,)
        )
    }
    rank_row = store.one(
        "SELECT rank FROM resistance_level WHERE code = ?", (subject.required_level,)
    )
    rank = int(rank_row["rank"]) if rank_row else 0
    options = []
    for concept in list_concepts(store):
        why = _judge(subject, concept, package, rank)
        options.append(ConceptOption(concept.code, concept.name, concept.level, not why, why))
    return options


def check_concept(store: Store, subject: Subject, code: str) -> Concept:
    """Return the concept if it may go on this subject's activities; else refuse (R1, R3, R4)."""
    concept = get_concept(store, code)
    if subject.package is None:
        raise RuleViolation(
            "R2",
            f"{subject.code} has no threat assessment yet, so no required level or package; "
            f"record one first with `schildwacht threat assess {subject.code} --level N`.",
        )
    options = concept_options(store, subject)
    valid = [o.code for o in options if o.valid]
    verdict = next(o for o in options if o.code == concept.code)
    if not verdict.valid:
        rule = verdict.reason.rsplit("(rule ", 1)[-1].rstrip(")")
        choices = ", ".join(valid) if valid else "none in the catalogue; ask the planner"
        raise RuleViolation(
            rule, f"Concept {concept.code} {verdict.reason}; choose one of: {choices}."
        )
    return concept


# Writing ------------------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise BadInput("The end must be after the start.")
    if end - start > MAX_DURATION:
        raise BadInput("An activity may last at most 72 hours; split it into several.")


def _check_text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise BadInput(f"The {what} may not be empty.")
    return text


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
    """Add an activity to a subject's agenda, optionally with its concept (R1, R3, R4)."""
    access.require(store.actor, "activity.write")
    subject = get_subject(store, person)
    title = _check_text(title, "title")
    if kind not in KINDS:
        raise BadInput(f"Unknown kind '{kind}'; choose work or private.")
    if status not in PLAIN_STATUSES:
        raise BadInput(f"Status must be one of {', '.join(PLAIN_STATUSES)}; restrict to cancel.")
    _check_times(start, end)
    code = check_concept(store, subject, concept).code if concept else None
    activity_id = uuid7()
    now = store.now()
    with store.write(
        "activity.add", activity_id, {"person": subject.code, "concept": code}
    ) as conn:
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
                location.strip(),
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
) -> Activity:
    """Change an activity's details. Cancelling, moving or shortening is a restriction (R5)."""
    access.require(store.actor, "activity.write")
    current = get_activity(store, activity_id)
    changes: dict[str, str] = {}
    if title is not None:
        changes["title"] = _check_text(title, "title")
    if location is not None:
        changes["location"] = location.strip()
    if kind is not None:
        if kind not in KINDS:
            raise BadInput(f"Unknown kind '{kind}'; choose work or private.")
        changes["kind"] = kind
    if status is not None:
        if status not in PLAIN_STATUSES:
            raise BadInput(
                f"Status '{status}' is set by a restriction (R5): use `activity restrict` with "
                "a reason and the deciding authority."
            )
        changes["status"] = status
    new_start = start or datetime.fromisoformat(current.start)
    new_end = end or datetime.fromisoformat(current.end)
    if start is not None or end is not None:
        _check_times(new_start, new_end)
        changes["start_at"] = to_db(new_start)
        changes["end_at"] = to_db(new_end)
    if not changes:
        raise BadInput(
            "Nothing to change; give at least one of --title, --start, --end, --location."
        )
    changes["updated_at"] = store.now()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    with store.write("activity.edit", current.id, {"changed": sorted(changes)}) as conn:
        conn.execute(
            f"UPDATE activity SET {assignments} WHERE id = ?", [*changes.values(), current.id]
        )
    return get_activity(store, current.id)


def assign_concept(store: Store, activity_id: str, concept: str) -> Activity:
    """Put a concept on an activity, refusing anything below its required level (R1, R3, R4)."""
    access.require(store.actor, "activity.write")
    current = get_activity(store, activity_id)
    subject = subject_by_id(store, current.subject_id)
    chosen = check_concept(store, subject, concept)
    detail = {"person": subject.code, "from": current.concept, "to": chosen.code}
    with store.write("activity.assign", current.id, detail) as conn:
        conn.execute(
            "UPDATE activity SET concept = ?, review_reason = NULL, updated_at = ? WHERE id = ?",
            (chosen.code, store.now(), current.id),
        )
    return get_activity(store, current.id)


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
) -> Restriction:
    """Record a facilitation restriction (R5) and apply it to the activity.

    Scarcity may move, shorten or cancel an activity; it never lowers the concept on it (R1).
    """
    access.require(store.actor, "activity.restrict")
    current = get_activity(store, activity_id)
    if kind not in RESTRICTION_KINDS:
        raise BadInput(
            f"Unknown restriction '{kind}'; choose one of: {', '.join(RESTRICTION_KINDS)}."
        )
    if reason not in RESTRICTION_REASONS:
        raise BadInput(
            f"Unknown reason '{reason}'; choose one of: {', '.join(RESTRICTION_REASONS)} (rule R5)."
        )
    authority = authority.strip()
    if not authority:
        raise RuleViolation(
            "R5", "A restriction names the deciding authority (rule R5); give --authority."
        )
    if current.status == "cancelled":
        raise BadInput(f"Activity {current.id[:13]} is already cancelled.")
    old_start = datetime.fromisoformat(current.start)
    old_end = datetime.fromisoformat(current.end)
    start, end = old_start, old_end
    updates: dict[str, str] = {"status": kind if kind != "relocated" else current.status}
    if kind == "moved":
        if new_start is None:
            raise BadInput("A move needs the new start (--start).")
        start = new_start
        end = new_end or new_start + (old_end - old_start)
    elif kind == "shortened":
        start = new_start or old_start
        end = new_end or old_end
        if start < old_start or end > old_end or (start, end) == (old_start, old_end):
            raise BadInput(
                "Shortening keeps the activity inside its old time and makes it shorter."
            )
    elif kind == "relocated":
        if not new_location or not new_location.strip():
            raise BadInput("A relocation needs the new place (--location).")
        updates["location"] = new_location.strip()
    if kind in ("moved", "shortened"):
        _check_times(start, end)
        updates["start_at"] = to_db(start)
        updates["end_at"] = to_db(end)
    updates["updated_at"] = store.now()
    restriction_id = uuid7()
    detail = {"kind": kind, "reason": reason, "authority": authority}
    with store.write("activity.restrict", current.id, detail) as conn:
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
                to_db(old_start),
                to_db(old_end),
                updates.get("start_at"),
                updates.get("end_at"),
                store.now(),
                store.actor.callsign,
                store.device_id,
            ),
        )
        assignments = ", ".join(f"{column} = ?" for column in updates)
        conn.execute(
            f"UPDATE activity SET {assignments} WHERE id = ?", [*updates.values(), current.id]
        )
    return next(r for r in list_restrictions(store, current.id) if r.id == restriction_id)
