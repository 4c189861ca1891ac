"""The protected person's experience (issue 20): how heavily the protection weighed, what was
missed, per activity or per ISO week, as the person told whoever talks with them.

Recorded by an operator, shift leader or planner (``experience.write``); read per person by the
shift leaders who steer the protection (``experience.read``). Entries are events: never edited,
synced as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import access, validate
from .agenda import get_activity
from .clock import from_db, iso_week, local, to_db
from .db import Store
from .errors import BadInput
from .ids import uuid7
from .rules import EXPERIENCE_WEIGHTS
from .subjects import get_subject

WEIGHTS = EXPERIENCE_WEIGHTS


@dataclass(frozen=True)
class Experience:
    """One entry of a person's experience.

    Attributes:
        id: the entry's id.
        person: the subject's code name.
        activity_id: the activity it concerns, or None for a week.
        week: the ISO week it concerns (``YYYY-Www``), or None for an activity.
        weight: how heavily the protection weighed: ``none``, ``some`` or ``heavy``.
        text: what the person said (free text).
        recorded_at: when it was recorded (aware UTC).
        recorded_by: who recorded it (callsign).
    """

    id: str
    person: str
    activity_id: str | None
    week: str | None
    weight: str
    text: str
    recorded_at: datetime
    recorded_by: str


def record_experience(
    store: Store,
    person: str,
    *,
    weight: str,
    text: str,
    activity_id: str | None = None,
    week: str | None = None,
) -> Experience:
    """Record an experience entry for a person, of one of their activities or of one ISO week
    (the current one when neither is named), audited ``person.experience``.

    Args:
        store: the open database, acting as a person who may ``experience.write``.
        person: the subject's code name.
        weight: ``none``, ``some`` or ``heavy``.
        text: what the person said (free text, not empty).
        activity_id: the activity it concerns (id or unique prefix), or None.
        week: the ISO week it concerns, ``YYYY-Www``, or None.

    Returns:
        The entry as stored.

    Raises:
        PermissionDenied: the acting person may not record experiences.
        NotFound: no such subject or activity.
        BadInput: a bad weight, empty or too long text, a week that does not exist or is out of
            range, both an activity and a week, or an activity of another person
            (``experience_activity_of_another``).
    """
    entry_id = uuid7()
    detail: dict[str, Any] = {}
    with store.write("person.experience", entry_id, detail, require="experience.write") as conn:
        subject = get_subject(store, person)
        validate.choice(weight, "weight", WEIGHTS)
        said = validate.text(text, "experience_text", required=True)
        if activity_id is not None and week is not None:
            raise BadInput(code="experience_activity_and_week")
        if activity_id is not None:
            activity = get_activity(store, activity_id)
            if activity.subject_id != subject.id:
                raise BadInput(
                    code="experience_activity_of_another",
                    activity=activity.id[:13],
                    owner=activity.person,
                    person=subject.code,
                )
            activity_id, week = activity.id, None
        else:
            week = _week_text(week, store)
        detail.update(person=subject.code, weight=weight, activity=activity_id, week=week)
        conn.execute(
            "INSERT INTO experience (id, subject_id, activity_id, week, weight, text,"
            " recorded_at, recorded_by, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry_id,
                subject.id,
                activity_id,
                week,
                weight,
                said,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
            ),
        )
    found = list_experiences(store, person, entry=entry_id, check=False)
    return found[0]


def _week_text(week: str | None, store: Store) -> str:
    """The week named, checked (``validate.week``), or the current local week."""
    monday: date = local(store.clock.now()).date() if week is None else validate.week(week, "week")
    return iso_week(monday)


def list_experiences(
    store: Store,
    person: str,
    *,
    week: str | None = None,
    entry: str | None = None,
    check: bool = True,
) -> list[Experience]:
    """A person's experience entries, newest first (only shift leaders and admins read them).

    Args:
        store: the open database, acting as a person who may ``experience.read``.
        person: the subject's code name.
        week: only entries of this ISO week (of the week itself, or of an activity starting in
            it, Europe/Amsterdam), or None for all.
        entry: only this entry (by id), or None.
        check: check the reader's role (the store's own read-back after a write does not).

    Returns:
        The entries.

    Raises:
        PermissionDenied: the acting person may not read experiences.
        NotFound: no such subject.
        BadInput: a week that does not exist or is out of range.
    """
    if check:
        validate_reader(store)
    subject = get_subject(store, person)
    rows = store.query(
        "SELECT e.*, a.start_at AS activity_start FROM experience e"
        " LEFT JOIN activity a ON a.id = e.activity_id"
        " WHERE e.subject_id = ? AND (? IS NULL OR e.id = ?)"
        " ORDER BY e.recorded_at DESC, e.id DESC",
        (subject.id, entry, entry),
    )
    wanted = None if week is None else iso_week(validate.week(week, "week"))
    found = []
    for row in rows:
        of = row["week"] or iso_week(local(from_db(row["activity_start"])).date())
        if wanted is not None and of != wanted:
            continue
        found.append(
            Experience(
                id=row["id"],
                person=subject.code,
                activity_id=row["activity_id"],
                week=row["week"],
                weight=row["weight"],
                text=row["text"],
                recorded_at=from_db(row["recorded_at"]),
                recorded_by=row["recorded_by"],
            )
        )
    return found


def validate_reader(store: Store) -> None:
    """Refuse (PermissionDenied) unless the acting person may read experiences.

    Args:
        store: the open database.

    Raises:
        PermissionDenied: the acting person's role (or the laptop's) does not allow it.
    """
    access.require(store.actor, "experience.read")
