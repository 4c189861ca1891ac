"""The weekly statement for the protected person (issue 20): their own week as they lived it.

What the person asked for and what was facilitated, minutes moved, cancellations by reason,
work and private apart; each activity with its own time and place and what changed and why
(restrictions: kind, reason, deciding authority; corrections: their reason; refused requests).

By construction it carries nothing of the protection itself: no officer, no deployment, no
concept or its staffing, no signal, no log entry, no restriction note (free text a planner may
have filled with staffing) and no recorder's callsign. It reads only the person's activities,
their restrictions and corrections, and their requests with their answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import validate
from .agenda import list_activities, list_corrections, list_restrictions
from .clock import day_bounds, iso_week
from .db import Store
from .requests import Request, list_requests
from .rules import ACTIVITY_KINDS, RESTRICTION_REASONS
from .subjects import get_subject


@dataclass(frozen=True)
class Change:
    """One change of an activity (or of a request) as the person is told it.

    Attributes:
        what: ``cancelled``, ``moved``, ``shortened``, ``relocated`` (a restriction, R5),
            ``corrected`` (the agenda put right), ``refused`` (a request refused) or
            ``planned_moved`` (a request accepted at another time).
        reason: a restriction's or refusal's reason code (``capacity``, ``threat``,
            ``tbp_choice``), or a correction's own reason text.
        authority: who decided (a restriction or refusal), else None.
        before: the time before (start, end; aware UTC), or None.
        after: the time after (start, end; aware UTC), or None.
        minutes_moved: how many minutes the start moved (absolute), 0 when it did not.
        at: when the change was recorded (aware UTC).
    """

    what: str
    reason: str
    authority: str | None
    before: tuple[datetime, datetime] | None
    after: tuple[datetime, datetime] | None
    minutes_moved: int
    at: datetime


@dataclass(frozen=True)
class Item:
    """An activity of the week, or a request of it that was not planned.

    Attributes:
        title: what it is, as the person's agenda has it.
        kind: ``work`` or ``private``.
        start: when it starts (aware UTC; for a request, as asked).
        end: when it ends (aware UTC).
        location: where.
        status: the activity's status, or for a request not planned ``requested`` (open) or
            ``refused``.
        requested: whether it came from a request.
        changes: what changed and why, oldest first.
    """

    title: str
    kind: str
    start: datetime
    end: datetime
    location: str
    status: str
    requested: bool
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Totals:
    """One kind's (work or private) counts for the week.

    Attributes:
        requested: activities the person requested (asked to start in the week).
        facilitated: activities that took or take place (not cancelled).
        cancelled: activities cancelled and requests refused, by reason code.
        minutes_moved: minutes the starts of activities were moved, in total.
    """

    requested: int = 0
    facilitated: int = 0
    cancelled: dict[str, int] = field(default_factory=dict)
    minutes_moved: int = 0


@dataclass(frozen=True)
class Statement:
    """The person's week.

    Attributes:
        person: the code name.
        week: ``YYYY-Www``.
        start: the week's start, Monday 00:00 Europe/Amsterdam (aware UTC).
        end: the next Monday 00:00 (aware UTC; 167 or 169 hours later across a clock change).
        items: the activities and unplanned requests, by start.
        totals: per kind (``work``, ``private``).
    """

    person: str
    week: str
    start: datetime
    end: datetime
    items: tuple[Item, ...]
    totals: dict[str, Totals]


def _minutes(a: datetime, b: datetime) -> int:
    return abs(int((b - a).total_seconds() // 60))


def _activity_changes(store: Store, activity_id: str) -> list[Change]:
    changes = []
    for r in list_restrictions(store, activity_id):
        after = (r.new_start_at, r.new_end_at) if r.new_start_at and r.new_end_at else None
        moved = _minutes(r.old_start_at, r.new_start_at) if r.new_start_at else 0
        changes.append(
            Change(
                r.kind,
                r.reason,
                r.authority,
                (r.old_start_at, r.old_end_at),
                after,
                moved if r.kind == "moved" else 0,
                r.recorded_at,
            )
        )
    for c in list_corrections(store, activity_id):
        changes.append(
            Change(
                "corrected",
                c.reason,
                None,
                (c.old_start_at, c.old_end_at),
                (c.new_start_at, c.new_end_at),
                0,
                c.recorded_at,
            )
        )
    return sorted(changes, key=lambda c: c.at)


@dataclass
class _Tally:
    """What the week's items add up to, per kind, while they are gathered."""

    start: datetime
    end: datetime
    items: list[Item] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {k: Counter[str]() for k in ACTIVITY_KINDS}
    )
    cancelled: dict[str, Counter[str]] = field(
        default_factory=lambda: {k: Counter[str]() for k in ACTIVITY_KINDS}
    )

    def totals(self) -> dict[str, Totals]:
        return {
            kind: Totals(
                requested=self.counts[kind]["requested"],
                facilitated=self.counts[kind]["facilitated"],
                cancelled=dict(sorted(self.cancelled[kind].items())),
                minutes_moved=self.counts[kind]["minutes"],
            )
            for kind in ACTIVITY_KINDS
        }


def _requests(store: Store, person: str, tally: _Tally) -> dict[str, Request]:
    """The week's requests counted; those not planned become items (open or refused); the
    planned ones returned by their activity's id."""
    planned = {}
    for request in list_requests(store, person=person):
        if tally.start <= request.start < tally.end:
            tally.counts[request.kind]["requested"] += 1
        if request.activity_id is not None:
            planned[request.activity_id] = request
            continue
        if not (request.start < tally.end and request.end > tally.start):
            continue
        changes: tuple[Change, ...] = ()
        if request.answer == "refused" and request.reason and request.answered_at:
            tally.cancelled[request.kind][request.reason] += 1
            before = (request.start, request.end)
            refused = Change(
                "refused", request.reason, request.authority, before, None, 0, request.answered_at
            )
            changes = (refused,)
        status = "refused" if changes else "requested"
        tally.items.append(
            Item(
                request.title,
                request.kind,
                request.start,
                request.end,
                request.location,
                status,
                True,
                changes,
            )
        )
    return planned


def _activities(store: Store, person: str, planned: dict[str, Request], tally: _Tally) -> None:
    """The week's activities as items, with what changed and why, counted."""
    for activity in list_activities(store, person=person, start=tally.start, end=tally.end):
        changes = _activity_changes(store, activity.id)
        asked = planned.get(activity.id)
        if asked is not None and asked.start != activity.start_at and asked.answered_at:
            moved = Change(
                "planned_moved",
                "",
                None,
                (asked.start, asked.end),
                (activity.start_at, activity.end_at),
                _minutes(asked.start, activity.start_at),
                asked.answered_at,
            )
            changes.insert(0, moved)
        for change in changes:
            tally.counts[activity.kind]["minutes"] += change.minutes_moved
            if change.what == "cancelled" and change.reason in RESTRICTION_REASONS:
                tally.cancelled[activity.kind][change.reason] += 1
        if activity.status != "cancelled":
            tally.counts[activity.kind]["facilitated"] += 1
        tally.items.append(
            Item(
                activity.title,
                activity.kind,
                activity.start_at,
                activity.end_at,
                activity.location,
                activity.status,
                asked is not None,
                tuple(changes),
            )
        )


def weekly_statement(store: Store, person: str, week: str) -> Statement:
    """The person's statement of one ISO week (Europe/Amsterdam): what they asked for, what was
    facilitated, what changed and why; nothing of the protection (no officers, staffing,
    concepts or signals).

    Args:
        store: the open database.
        person: the subject's code name.
        week: the ISO week, ``YYYY-Www`` (``validate.week``: W53 only in a year that has it).

    Returns:
        The statement.

    Raises:
        NotFound: no such subject.
        BadInput: a week that is not one (``not_a_week``, ``no_such_week``) or out of range.
    """
    monday: date = validate.week(week, "week")
    start = day_bounds(monday)[0]
    end = day_bounds(monday + timedelta(days=6))[1]
    subject = get_subject(store, person)
    tally = _Tally(start, end)
    planned = _requests(store, subject.code, tally)
    _activities(store, subject.code, planned, tally)
    items = sorted(tally.items, key=lambda i: (i.start, i.kind, i.title))
    return Statement(subject.code, iso_week(monday), start, end, tuple(items), tally.totals())
