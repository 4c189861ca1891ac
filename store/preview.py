"""A threat assessment previewed before it is recorded (issue 20): what it would change.

``preview_assessment`` records the assessment inside ``Store.rehearsal`` (the real action, so
the catalogue's derivation, the triggers and the views judge it exactly as they would judge the
real one), reads what follows, and rolls everything back: nothing is written, no audit event,
no change-log row. What it reports:

- the activities (from now on, every day) and standing posts (in the window) of the subject that
  would fall below: valid now, in need of re-planning after (R1: the concept below the new
  required level, outside the new package);
- the officer-hours protection would need in the window (default the next 7 days) before and
  after, as ``capacity`` counts demand (an activity below its level counted at the lightest
  valid concept: protection is never lowered, so neither is demand);
- per unit the shortfall hours before and after; a unit "goes short" when its shortfall grows.

Who may preview: whoever may record the assessment (``subject.write``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import validate
from .agenda import replanned
from .capacity import INVALID_CONCEPT, CapacityRow, protection_demand, unit_report
from .db import Store
from .gaps import load_bonds, load_duties, posts_below_required
from .machine import CHAIN_TABLES
from .subjects import Subject, assess_threat, get_subject

#: The window of the officer-hours and shortfall, in days from now (the issue's 7 days).
PREVIEW_DAYS = 7


@dataclass(frozen=True)
class Falling:
    """An activity or standing post the assessment would put below its protection.

    Attributes:
        id: the activity's or post's id.
        kind: ``"activity"`` or ``"post"``.
        start: its start, aware UTC.
        end: its end, aware UTC.
        concept: the concept it carries.
        reason: why it would need re-planning (``below_required``, ``outside_package``, …).
    """

    id: str
    kind: str
    start: datetime
    end: datetime
    concept: str
    reason: str


@dataclass(frozen=True)
class UnitChange:
    """One unit's hours in the window, before and after the assessment.

    Attributes:
        unit: the unit's catalogue code.
        demand_before: officer-hours protection needs now (to 0.01).
        demand_after: officer-hours it would need after the assessment.
        shortfall_before: officer-hours short now (to 0.01).
        shortfall_after: officer-hours short after the assessment.
    """

    unit: str
    demand_before: float
    demand_after: float
    shortfall_before: float
    shortfall_after: float

    @property
    def goes_short(self) -> bool:
        """True when the unit's shortfall would grow."""
        return self.shortfall_after > self.shortfall_before


@dataclass(frozen=True)
class AssessmentPreview:
    """What recording an assessment would change; nothing of it is recorded.

    Attributes:
        before: the subject as it is.
        after: the subject as the assessment would make it (level, required level, package).
        start: the window's start (now), aware UTC.
        end: the window's end, aware UTC.
        falling: the activities and posts that would fall below, by start.
        units: every unit with demand or supply in the window, by code.
    """

    before: Subject
    after: Subject
    start: datetime
    end: datetime
    falling: tuple[Falling, ...]
    units: tuple[UnitChange, ...]

    @property
    def hours_needed(self) -> float:
        """The officer-hours protection would need in the window beyond what it needs now."""
        return round(float(sum(u.demand_after - u.demand_before for u in self.units)), 2)

    @property
    def units_short(self) -> tuple[str, ...]:
        """The units whose shortfall would grow, by code."""
        return tuple(u.unit for u in self.units if u.goes_short)


def preview_assessment(
    store: Store,
    code: str,
    *,
    level: int,
    domain: str | None = None,
    summary: str = "",
    days: int = PREVIEW_DAYS,
) -> AssessmentPreview:
    """What ``assess_threat`` with these values would change, writing nothing.

    The write lock is held only while the assessment is tried and the demand after it read;
    the roster and the shortfall computation run outside it (a preview on a large database
    never keeps a real write waiting for long). Another program's commit between the reading
    before and the trial is noticed (``PRAGMA data_version``) and the before read again inside
    the trial, so before and after always describe the same database.

    Args:
        store: the open database, acting as a person who may ``subject.write``.
        code: the subject's code name (any case).
        level: the threat level to preview (one the catalogue knows).
        domain: ``local`` or ``national`` to preview a domain change; None keeps it.
        summary: the assessment's summary, checked as the real assessment checks it.
        days: the window of hours and shortfall, in whole days from now (1–92); it ends at the
            end of the time range (2099-12-31) at the latest.

    Returns:
        The preview: the subject before and after, what newly falls below, hours per unit.

    Raises:
        PermissionDenied: the acting person may not write subjects.
        NotFound: no subject has that code name.
        BadInput: what ``assess_threat`` refuses (a level not in the catalogue, an unknown
            domain, a summary too long, the computer's clock out of range), or ``days`` out of
            range.
        MachineFault: the database is read-only or busy (a preview needs the write lock to try
            the assessment).
        IntegrityFailure: a table of the protection chain is damaged (``database_damaged``).
    """
    validate.integer(days, "days", low=1, high=92)
    start = store.now()
    validate.moment(start, "system_clock")  # the real assessment's refusal, before any read
    end = min(start + timedelta(days=days), validate.latest_moment())
    store.refuse_damaged_tables(CHAIN_TABLES)  # a level previewed is read from them (rev14t H4)
    version = store.data_version()
    before = get_subject(store, code)
    was, demand = _falling(store, before.id, start, end), protection_demand(store, start, end)
    with store.rehearsal(require="subject.write"):
        if store.data_version() != version:  # another program committed meanwhile: read again
            before = get_subject(store, code)
            was, demand = (
                _falling(store, before.id, start, end),
                protection_demand(store, start, end),
            )
        assess_threat(store, before.code, level=level, domain=domain, summary=summary)
        after = get_subject(store, code)
        known = {f.id for f in was}  # already in need of re-planning: not newly falling
        falling = [f for f in _falling(store, before.id, start, end) if f.id not in known]
        changed = protection_demand(store, start, end)
    duties, bonds = load_duties(store, start, end), load_bonds(store, start, end)
    rows = {r.key: r for r in unit_report(store, demand, duties, bonds, start, end)}
    rows_after = {r.key: r for r in unit_report(store, changed, duties, bonds, start, end)}
    return AssessmentPreview(
        before=before,
        after=after,
        start=start,
        end=end,
        falling=tuple(falling),
        units=tuple(_unit(u, rows.get(u), rows_after.get(u)) for u in sorted({*rows, *rows_after})),
    )


def _falling(store: Store, subject_id: str, start: datetime, end: datetime) -> list[Falling]:
    """The subject's activities from ``start`` on and standing posts in [start, end) whose
    concept is not valid for it (by start, then id)."""
    found = [
        Falling(r.id, "activity", r.start, r.end, r.concept, r.reason)
        for r in replanned(store, start=start)
        if r.subject_id == subject_id and r.reason in INVALID_CONCEPT
    ]
    found += [
        Falling(p.id, "post", p.start, p.end, p.concept, "below_required")
        for p in posts_below_required(store, start, end)
        if p.subject_id == subject_id
    ]
    return sorted(found, key=lambda f: (f.start, f.id))


def _unit(unit: str, before: CapacityRow | None, after: CapacityRow | None) -> UnitChange:
    """One unit's row: a unit absent from one side has nothing there."""
    return UnitChange(
        unit,
        before.demand_hours if before else 0.0,
        after.demand_hours if after else 0.0,
        before.shortfall_hours if before else 0.0,
        after.shortfall_hours if after else 0.0,
    )
