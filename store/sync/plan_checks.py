"""The planning checks of the sync judge (``judge_plans``): each calls the store's own check
function, fed with the row as it stood when the change was made, read from the accepted
records, so every laptop holding the same records judges alike; and which held records to
judge again when what they read changes (``after_assessments``, ``shifts_after``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from .. import rules
from ..agenda import (
    check_not_cancelled,
    check_one_restriction,
    check_restriction_change,
    concept_refusal,
    package_concepts,
)
from ..catalogue import list_concepts
from ..clock import from_db, to_db
from ..decisions import check_record
from ..errors import BadInput, RuleViolation, StoreError
from ..roster import REST, check_not_over, check_rest
from ..staff import find_staff
from ..staffing import judge_deployments
from ..subjects import Subject
from . import log, written
from . import quarantine as kept
from .change import EXISTENCE, Change, clock_text, key_of, key_parts

At = tuple[int, str]  # (hlc, origin)
Key = tuple[str, int]  # (origin, seq)


class Covered(Protocol):
    """The records a judging covers already (``session._Covered``)."""

    def __contains__(self, key: Key) -> bool: ...


UNFLAGGED = ("done", "cancelled")


class _Rows:
    """The store's reading interface (``query``, ``one``) over a connection, so the store's
    catalogue readers serve the judge too."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, params).fetchall())

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        found = self.query(sql, params)
        return found[0] if found else None


@dataclass
class PlanFacts:
    """What the planning checks read of this laptop, as it stood when a change was made.

    Attributes:
        conn: the open database.
        level_as_of: (subject id, when) → its threat level from the assessments accepted by
            then (as R2 derives it), or None.
        now: records whose verdict in the judging under way differs from the one held.
    """

    conn: sqlite3.Connection
    level_as_of: Callable[[str, At], object]
    now: dict[Key, bool] = field(default_factory=dict)
    _concepts: list[Any] | None = None
    _shifts: dict[str, list[tuple[str, At, str, str]]] | None = None
    _shift_runs: dict[str, list[Any]] = field(default_factory=dict)
    _shift_aside: set[Key] = field(default_factory=set)
    _officer_rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    _on_activity: dict[str, list[str]] | None = None
    _sources: dict[At, str] = field(default_factory=dict)
    #: (hlc, origin) → what passed only by the allowance of a pushed or continued stamp: the
    #: store's refusal by the stamp, the time taken as written and the time by the stamp
    eased: dict[At, tuple[StoreError, datetime, datetime]] = field(default_factory=dict)
    _strict: bool = False
    _used: tuple[datetime, datetime] | None = None
    _depth: int = 0

    def written_at(self, at: At, recorded: object = None) -> datetime:
        """When the author of a change set wrote it by its own clock (``_written_at``): the
        time it recorded as far as its stamp allows, the stamp's source read from the log
        (``written.clock_source``) only when the recorded time is not close to the stamp.

        Args:
            at: (hlc, origin) of the change set.
            recorded: the time the row records (``created_at`` …), or None (a deletion).

        Returns:
            An aware UTC datetime.
        """
        said, stamp = _moment(recorded), _moment(_latest(at[0]))
        if said is not None and stamp is not None and said >= stamp - rules.SEAL_LAG:
            return _written_at(at, recorded)
        strict = _written_at(at, recorded)
        source = self.clock_source(at)
        if self._strict or source == written.OWN:
            return strict
        eased = _written_at(at, recorded, source)
        if eased != strict and self._used is None:
            self._used = (eased, strict)
        return eased

    def _judged(self, at: At, check: Callable[[], StoreError | None]) -> StoreError | None:
        """A planning check; when it passes only by the allowance of a pushed or continued
        stamp (judged by the stamp, the store refuses it), that is kept in ``eased``."""
        if self._depth:  # a check within a check: the outer one judges
            return check()
        self._used, self._depth = None, 1
        try:
            found = check()
        finally:
            self._depth = 0
        used, self._used = self._used, None
        if found is None and used is not None:
            self._strict, self._depth = True, 1
            try:
                refused = check()
            finally:
                self._strict, self._used, self._depth = False, None, 0
            if refused is not None:
                self.eased.setdefault(at, (refused, *used))
        return found

    def passed_eased(self, at: At) -> tuple[StoreError, datetime, datetime] | None:
        """What of a change set passed only by the allowance of its stamp (taken once).

        Args:
            at: (hlc, origin) of the change set.

        Returns:
            (the store's refusal by its stamp, the time taken as written, the time by its
            stamp), or None.
        """
        return self.eased.pop(at, None)

    def clock_source(self, at: At) -> str:
        """Where a change set's stamp came from (``written.clock_source``), read once per
        judging.

        Args:
            at: (hlc, origin) of the change set.

        Returns:
            ``written.OWN``, ``written.PUSHED`` or ``written.CONTINUED``.
        """
        if at not in self._sources:
            self._sources[at] = written.clock_source(self.conn, at)
        return self._sources[at]

    def row_as_of(self, table: str, row_id: str, at: At, inclusive: bool = False) -> dict | None:
        """A row's fields from the accepted records made before ``at`` (``inclusive``: or at
        it), or None when it did not exist then.

        Args:
            table: the synced table.
            row_id: the row's id.
            at: (hlc, origin) of the change judged.
            inclusive: count the records of the change set itself too.

        Returns:
            Column → value, or None (no accepted creation, or deleted by then).
        """
        return self.row_by_key(table, key_of(row_id), at, inclusive)

    def row_by_key(self, table: str, pk: str, at: At, inclusive: bool = False) -> dict | None:
        """A row's fields by its key (``row_as_of``: for a key of more than one part).

        Args:
            table: the synced table.
            pk: the row's key (JSON text).
            at: (hlc, origin) of the change judged.
            inclusive: count the records of the change set itself too.

        Returns:
            Column → value, or None (no accepted creation, or deleted by then).
        """
        runs = log.of_rows(self.conn, [(table, pk)])
        found = [
            r
            for run in runs
            for r in run.changes()
            if ((r.hlc, r.origin) <= at if inclusive else (r.hlc, r.origin) < at)
        ]
        aside = kept.states(self.conn, [(r.origin, r.seq) for r in found])
        return _as_of(found, lambda key: self.now.get(key, key not in aside))

    def subject_as_of(self, subject_id: object, at: At) -> Any:
        """The subject with its protection as it stood at ``at``.

        Args:
            subject_id: the subject's id.
            at: (hlc, origin) of the change judged.

        Returns:
            A ``subjects.Subject`` (its threat level from the assessments accepted by then), or
            None when its creation is not held.
        """
        row = self.row_as_of("subject", str(subject_id), at, inclusive=True)
        if row is None:
            return None
        level = self.level_as_of(str(subject_id), at)
        protection = self.conn.execute(
            "SELECT resistance_level, package FROM threat_level WHERE level = ?", (level,)
        ).fetchone()
        required, package = protection if protection else (None, None)
        return Subject(
            str(subject_id),
            str(row.get("code")),
            str(row.get("kind")),
            str(row.get("domain")),
            str(row.get("unit")),
            level if isinstance(level, int) else None,
            required,
            package,
        )

    def concept_refusal(
        self, subject_id: object, code: object, at: At, trigger: bool
    ) -> StoreError | None:
        """The store's refusal of a concept on the subject's activities as things stood then
        (R1, R3, R4; ``agenda.concept_refusal``).

        Args:
            subject_id: the subject's id.
            code: the concept's code.
            at: (hlc, origin) of the change judged.
            trigger: judge as the database's R1 trigger judges a standing post: nothing
                without an assessment (else ``no_threat_assessment``, as
                ``agenda.check_concept``).

        Returns:
            The refusal, or None (it may go on; an unknown concept or subject: not judged here).
        """
        reader = cast(Any, _Rows(self.conn))
        if self._concepts is None:
            self._concepts = list_concepts(reader)
        concept = next((c for c in self._concepts if c.code == code), None)
        subject = self.subject_as_of(subject_id, at)
        if concept is None or subject is None:
            return None  # an unknown concept is the catalogue check's; an unknown subject waits
        if subject.package is None:
            if trigger:
                return None
            return RuleViolation("R2", code="no_threat_assessment", subject=subject.code)
        found = self.conn.execute(
            "SELECT rank FROM resistance_level WHERE code = ?", (subject.required_level,)
        ).fetchone()
        rank = int(found[0]) if found else 0
        return concept_refusal(
            subject, concept, self._concepts, package_concepts(reader, subject), rank
        )

    def on_create(self, table: str, values: Mapping[str, object], at: At) -> StoreError | None:
        """The store's refusal of a row created by a received change set (``on_create``).

        Args:
            table: the table.
            values: the new row's fields.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """
        return self._judged(at, lambda: on_create(self, table, values, at))

    def on_update(
        self, table: str, row_id: str, values: Mapping[str, object], at: At
    ) -> StoreError | None:
        """The store's refusal of a field change of an existing row (``on_update``).

        Args:
            table: the table.
            row_id: the row's id.
            values: the changed fields.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """
        return self._judged(at, lambda: on_update(self, table, row_id, values, at))

    def on_delete(self, table: str, pk: str, at: At) -> StoreError | None:
        """The store's refusal of a row deleted by a received change set (``on_delete``).

        Args:
            table: the table.
            pk: the row's key (JSON text).
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """
        return self._judged(at, lambda: on_delete(self, table, pk, at))

    def restriction(
        self,
        values: Mapping[str, object],
        place: object,
        others: Collection[str],
        at: At,
    ) -> StoreError | None:
        """A restriction's fields for its kind, of an activity not cancelled then, not a time
        and a place at once (``restriction``).

        Args:
            values: the restriction's fields.
            place: the activity's place as its change set writes it (None: not written).
            others: the kinds of the change set's restrictions of the activity accepted so far.
            at: (hlc, origin) of the change set.

        Returns:
            The refusal, or None.
        """
        return self._judged(at, lambda: restriction(self, values, place, others, at))

    def activity_concept(self, activity: str, concept: object, at: At) -> StoreError | None:
        """R1, R3, R4 for a concept on a done or cancelled activity (``activity_concept``).

        Args:
            activity: the activity's id.
            concept: the concept's code.
            at: (hlc, origin) of the change.

        Returns:
            The refusal, or None.
        """
        return self._judged(at, lambda: activity_concept(self, activity, concept, at))

    def shifts_of(self, staff_id: str) -> list[tuple[str, At, str, str]]:
        """The shifts the log holds of an officer: (id, when created, start and end as
        created), read once per judging.

        Args:
            staff_id: the officer's staff id.

        Returns:
            One entry per creation of a shift of the officer.
        """
        if self._shifts is None:
            self._load_shifts()
        assert self._shifts is not None
        return self._shifts.get(staff_id, [])

    def _load_shifts(self) -> None:
        self._shifts = {}
        self._shift_runs = {}
        for run in log.of_table(self.conn, "shift"):
            self._shift_runs.setdefault(run.pk, []).append(run)
            if EXISTENCE not in run.cols or "staff_id" not in run.cols or run.cl % 2 == 0:
                continue
            values = dict(zip(run.cols, run.values(), strict=True))
            self._shifts.setdefault(str(values.get("staff_id")), []).append(
                (
                    str(values.get("id")),
                    (run.hlc, run.origin),
                    str(values.get("start_at")),
                    str(values.get("end_at")),
                )
            )
        keys = [
            (r.origin, r.seq) for runs in self._shift_runs.values() for run in runs
            for r in run.changes()
        ]  # fmt: skip
        self._shift_aside = set(kept.states(self.conn, keys))

    def rows_of_officer(self, table: str, staff_id: str) -> list[str]:
        """The keys of the rows of ``table`` (``deployment``, ``staff_qualification``) whose
        creation the log holds for an officer, read once per table per judging.

        Args:
            table: the table.
            staff_id: the officer's staff id.

        Returns:
            Row keys (JSON text).
        """
        if table not in self._officer_rows:
            by: dict[str, set[str]] = {}
            for run in log.of_table(self.conn, table):
                if EXISTENCE not in run.cols or run.cl % 2 == 0:
                    continue
                if table == "staff_qualification":
                    parts = key_parts(run.pk) or [None]
                    by.setdefault(str(parts[0]), set()).add(run.pk)
                elif "staff_id" in run.cols:
                    officer = run.values()[run.cols.index("staff_id")]
                    by.setdefault(str(officer), set()).add(run.pk)
            self._officer_rows[table] = {k: sorted(v) for k, v in by.items()}
        return self._officer_rows[table].get(staff_id, [])

    def rows_on_activity(self, activity_id: str) -> list[str]:
        """The keys of the deployments whose creation the log holds on an activity, read once
        per judging.

        Args:
            activity_id: the activity's id.

        Returns:
            Row keys (JSON text).
        """
        if self._on_activity is None:
            self._on_activity = {}
            for run in log.of_table(self.conn, "deployment"):
                if EXISTENCE in run.cols and run.cl % 2 == 1 and "activity_id" in run.cols:
                    activity = str(run.values()[run.cols.index("activity_id")])
                    self._on_activity.setdefault(activity, []).append(run.pk)
        return sorted(set(self._on_activity.get(activity_id, [])))

    def edited(self, shift_id: str) -> bool:
        """Whether the log holds more of the shift than its creation (an edit, a deletion).

        Args:
            shift_id: the shift's id.

        Returns:
            True when more than one run of it is held.
        """
        return len(self._shift_runs.get(key_of(shift_id), ())) > 1

    def shift_as_of(self, shift_id: str, at: At) -> dict[str, Any] | None:
        """A shift's fields from the accepted records made at or before ``at`` (its own change
        set's too), from the shift records loaded once.

        Args:
            shift_id: the shift's id.
            at: (hlc, origin) of the change judged.

        Returns:
            Column → value, or None when it did not exist then.
        """
        found = [
            r
            for run in self._shift_runs.get(key_of(shift_id), ())
            for r in run.changes()
            if (r.hlc, r.origin) <= at
        ]
        return _as_of(found, lambda key: self.now.get(key, key not in self._shift_aside))


def _as_of(found: list[Change], accepted: Callable[[Key], bool]) -> dict[str, Any] | None:
    """A row's fields from these records of it, those ``accepted``; None when its latest
    accepted existence is a deletion, or none is accepted."""
    taken = [r for r in found if accepted((r.origin, r.seq))]
    lives = [r for r in taken if r.col == EXISTENCE]
    if not lives:
        return None
    life = max(lives, key=lambda r: (r.cl, r.hlc, r.origin))
    if life.cl % 2 == 0:
        return None
    values: dict[str, Any] = {}
    for r in sorted(taken, key=lambda r: (r.cl, r.hlc, r.origin)):
        if r.col != EXISTENCE and r.cl == life.cl:
            values[r.col] = r.val
    return values


def _moment(value: object) -> datetime | None:
    """A stored UTC time as an aware datetime, or None where it is not one (the row checks
    name a malformed time; this check has nothing to say of it)."""
    if not isinstance(value, str):
        return None
    try:
        return from_db(value)
    except ValueError:
        return None


PUSHED_AHEAD = written.PUSHED_AHEAD


def _written_at(at: At, recorded: object = None, source: str = written.OWN) -> datetime:
    """When the author wrote a change by its own wall clock, aware UTC: the time it recorded
    in the row (``recorded``: ``created_at``, ``requested_at`` …) as far as this laptop
    accepts it, not after the change's stamp and not before the earliest its clock can have
    read then; without one (a deletion), that earliest. The earliest: ``rules.SEAL_LAG`` before
    the stamp when the stamp is its author's own clock (``source``: ``written.OWN``; a row
    dated further back was not written then, rev13g f2); ``PUSHED_AHEAD`` before it when a
    peer's stamp pushed it ahead (``written.PUSHED``) or it continues the author's own earlier
    stamp, its clock put back since (``written.CONTINUED``). Never the stamp of a pushed clock
    itself: an honest change judged by a fast peer's time would be refused here and kept by
    its author (rev13f HIGH 1); what passes only by that allowance is named (``clocks_apart``),
    never passed silently (rev13q f1: no floor from the author's earlier clock readings). An
    unreadable stamp reads as the latest time there is (nothing then counts as still ahead)."""
    stamp = _moment(_latest(at[0]))
    if stamp is None:
        return datetime.max.replace(tzinfo=UTC)
    try:
        earliest = stamp - (rules.SEAL_LAG if source == written.OWN else PUSHED_AHEAD)
    except OverflowError:
        earliest = datetime.min.replace(tzinfo=UTC)
    said = _moment(recorded)
    return earliest if said is None else min(stamp, max(earliest, said))


def _latest(hlc: int) -> str:
    """The wall-clock time of a change's clock, stored form (when it was made)."""
    return clock_text(hlc) or "9999"


def on_create(
    facts: PlanFacts | None, table: str, values: Mapping[str, object], at: At
) -> StoreError | None:
    """The store's refusal of a row created by a received change set, or None.

    Args:
        facts: what this laptop holds (None: nothing to read, nothing refused).
        table: the table.
        values: the new row's fields.
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a write, or None.
    """
    if facts is None:
        return None
    check = _CREATE.get(table)
    return None if check is None else check(facts, values, at)


def on_update(
    facts: PlanFacts | None, table: str, row_id: str, values: Mapping[str, object], at: At
) -> StoreError | None:
    """The store's refusal of a field change of an existing row, the row as it will be
    (``values``: the changed fields over the row as it stood), or None.

    Args:
        facts: what this laptop holds (None: nothing refused).
        table: the table.
        row_id: the row's id.
        values: the changed fields (the others read as they stood).
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a write, or None.
    """
    if facts is None or table not in ("standing_post", "shift", "activity"):
        return None
    stood = facts.row_as_of(table, row_id, at)
    if stood is None:
        return None
    row = {**stood, **values}
    if table == "activity":  # a concept the group deployed does not fit is kept on purpose
        return None  # (a misfit for re-planning, not protection taken away: rev13g f5)
    if table == "standing_post" and "concept" in values:
        return facts.concept_refusal(row.get("subject_id"), row.get("concept"), at, True)
    if table == "shift" and {"start_at", "end_at"} & set(values):
        return _rest(facts, row, at)
    return None


def on_delete(facts: PlanFacts | None, table: str, pk: str, at: At) -> StoreError | None:
    """The store's refusal of a row deleted by a received change set: a deployment released
    after its activity ended (``roster.check_not_over``), as the activity stood then; or None.

    Args:
        facts: what this laptop holds (None: nothing refused).
        table: the table.
        pk: the row's key (JSON text).
        at: (hlc, origin) of the change set.

    Returns:
        The refusal the store raises for such a deletion, or None.
    """
    if facts is None or table != "deployment":
        return None
    deployment = facts.row_by_key(table, pk, at)
    if deployment is None:
        return None
    activity = facts.row_as_of("activity", str(deployment.get("activity_id")), at)
    end = _moment(activity.get("end_at")) if activity else None
    if activity is None or end is None:
        return None
    try:
        check_not_over(str(activity.get("title")), end, facts.written_at(at))
    except BadInput as exc:
        return exc
    return None


def activity_concept(
    facts: PlanFacts | None, activity: str, concept: object, at: At
) -> StoreError | None:
    """R1, R3, R4 for a concept put on an activity that is done or cancelled (no re-planning
    flag would show it there), as the store refuses it.

    Args:
        facts: what this laptop holds (None: nothing refused).
        activity: the activity's id.
        concept: the concept's code.
        at: (hlc, origin) of the change.

    Returns:
        The store's refusal, or None.
    """
    if facts is None or concept is None:
        return None
    row = facts.row_as_of("activity", activity, at, inclusive=True)
    if row is None:
        return None
    return facts.concept_refusal(row.get("subject_id"), concept, at, False)


def restriction(
    facts: PlanFacts | None,
    values: Mapping[str, object],
    place: object,
    others: Collection[str],
    at: At,
) -> StoreError | None:
    """A restriction as the store refuses one, against its activity as it stood when it was
    made: of an activity already cancelled (``agenda.check_not_cancelled``); a field its kind
    does not use or needs, a time not shorter or not moved (``agenda.check_restriction_change``,
    the new place the one its change set writes); a time and a place at once, with another
    restriction of the change set (``agenda.check_one_restriction``).

    Args:
        facts: what this laptop holds (None: nothing refused).
        values: the restriction's fields.
        place: the activity's place as its change set writes it (None: not written).
        others: the kinds of the change set's restrictions of the activity accepted so far.
        at: (hlc, origin) of the change set.

    Returns:
        The store's refusal, or None (also when the activity is not held: the reference
        check defers it).
    """
    if facts is None:
        return None
    activity_id = str(values.get("activity_id"))
    activity = facts.row_as_of("activity", activity_id, at)
    if activity is None:
        return None
    kind = str(values.get("kind"))
    old_start, old_end = _moment(activity.get("start_at")), _moment(activity.get("end_at"))
    given = [values.get(c) for c in ("new_start_at", "new_end_at")]
    new_start, new_end = (_moment(v) for v in given)
    if (
        old_start is None
        or old_end is None
        or any(
            v is not None and m is None for v, m in zip(given, (new_start, new_end), strict=True)
        )
    ):
        return None  # a malformed time: the field checks name it
    kinds = {kind, *others}
    try:
        check_not_cancelled(activity.get("status"), activity_id[:13])
        check_restriction_change(
            kind,
            (old_start, old_end, str(activity.get("location"))),
            new_start,
            new_end,
            place if kind == "relocated" and isinstance(place, str) else None,
        )
        check_one_restriction(bool(kinds & {"moved", "shortened"}), "relocated" in kinds)
    except BadInput as exc:
        return exc
    return None


def _activity(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """An activity created done or cancelled carries a concept the store allows (planned,
    a concept below the level is flagged for re-planning instead)."""
    if values.get("status") not in UNFLAGGED or values.get("concept") is None:
        return None
    return facts.concept_refusal(values.get("subject_id"), values.get("concept"), at, False)


def _standing_post(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    return facts.concept_refusal(values.get("subject_id"), values.get("concept"), at, True)


def _correction(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """A correction moves a time not yet passed into the past only never (R5), judged on the
    activity's times as they stood then (not the old times the correction claims)."""
    activity = facts.row_as_of("activity", str(values.get("activity_id")), at)
    if activity is None:
        return None
    now = facts.written_at(at, values.get("recorded_at"))
    for column in ("start_at", "end_at"):
        old, new = activity.get(column), values.get(f"new_{column}")
        before, after = _moment(old), _moment(new)
        if (
            before is not None
            and after is not None
            and rules.corrected_into_past(before, after, now)
        ):
            return RuleViolation(
                "R5", code="correction_into_past", title=str(activity.get("title")), moment=new
            )
    return None


def _shift(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    return _rest(facts, values, at)


def _rest(facts: PlanFacts, row: Mapping[str, object], at: At) -> StoreError | None:
    """A shift overlapping another of the officer's, or too close to one (``roster.check_rest``),
    the others as they stood when it was made (those of its own change set too)."""
    start, end, me = row.get("start_at"), row.get("end_at"), str(row.get("id"))
    if not (isinstance(start, str) and isinstance(end, str)):
        return None
    others = []
    lo, hi = _widened(start, end)
    for other, made, created_start, created_end in facts.shifts_of(str(row.get("staff_id"))):
        if other == me or made > at:
            continue
        if (created_start >= hi or created_end <= lo) and not facts.edited(other):
            continue  # far from it as created, and never moved since
        stood = facts.shift_as_of(other, at)
        if (
            stood
            and isinstance(stood.get("start_at"), str)
            and isinstance(stood.get("end_at"), str)
        ):
            begun, ended = _moment(stood["start_at"]), _moment(stood["end_at"])
            if begun is not None and ended is not None:
                others.append((begun, ended))
    if not others:
        return None
    staff = facts.row_as_of("staff", str(row.get("staff_id")), at, inclusive=True) or {}
    try:
        begins, ends = _moment(start), _moment(end)
        if begins is None or ends is None:
            return None  # the row checks name a malformed time
        check_rest(str(staff.get("callsign", "?")), begins, ends, others)
    except (BadInput, ValueError) as exc:
        return exc if isinstance(exc, StoreError) else None
    return None


def _widened(start: str, end: str) -> tuple[str, str]:
    """A shift's time widened by the rest required on either side (stored UTC text)."""
    try:
        return to_db(from_db(start) - REST), to_db(from_db(end) + REST)
    except (ValueError, OverflowError):
        return "", "9999"


def _decision(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """A decision R6 allows: its authority competent for the subject's domain."""
    subject = facts.subject_as_of(values.get("subject_id"), at)
    if subject is None:
        return None
    tailored = values.get("tailored")
    try:
        check_record(
            subject,
            str(values.get("step")),
            str(values.get("rationale")),
            str(values.get("document")),
            str(values.get("authority")),
            None if tailored is None else str(tailored),
        )
    except BadInput as exc:
        return exc
    return None


def _request(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """A request still ahead when it was made, assessed as asked."""
    if rules.request_over(
        _moment(values.get("end_at")), facts.written_at(at, values.get("requested_at"))
    ):
        return BadInput(code="request_over")
    options, _fault = rules.read_assessment(values.get("verdict"), values.get("assessment"))
    if rules.request_not_as_asked(values, options):
        return BadInput(code="request_not_as_asked")
    return None


def _answer(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """An acceptance plans an activity still ahead when it was made (the chosen option's end:
    the request's, or a move's)."""
    if values.get("answer") != "accepted":
        return None
    request = facts.row_as_of("activity_request", str(values.get("request_id")), at, inclusive=True)
    if request is None:
        return None
    options, _fault = rules.read_assessment(request.get("verdict"), request.get("assessment"))
    n = values.get("option")
    chosen = options[n - 1] if isinstance(n, int) and 1 <= n <= len(options) else {}
    end = chosen.get("end") if chosen.get("action") == "move" and chosen.get("start") else None
    end = end or request.get("end_at")
    if not rules.request_over(_moment(end), facts.written_at(at, values.get("answered_at"))):
        return None
    return RuleViolation(
        "answer", code="request_option_over", n=n, request=str(values.get("request_id"))[:13]
    )


#: The tables a deployment's check reads as they stood (``_AsOf``); the rest (the catalogue,
#: meta) is this laptop's own.
_AS_OF_TABLES = ("activity", "subject", "shift", "deployment", "staff", "staff_qualification")
_READS_AS_OF = re.compile(r"\b(?:" + "|".join(_AS_OF_TABLES) + r")\b")


class _AsOf:
    """The store's reading interface (``one``, ``query``, ``tuples``, ``meta``) over the rows
    of an activity and an officer as they stood when a change was made (an in-memory copy of
    ``_AS_OF_TABLES``), the catalogue read from this laptop: so the store's own deployment
    check (``roster.deployment_problem``) reads the past."""

    def __init__(self, conn: sqlite3.Connection, rows: Mapping[str, list[dict[str, Any]]]) -> None:
        self.main = _Rows(conn)
        self.memory = sqlite3.connect(":memory:")
        self.here = _Rows(self.memory)
        for table in _AS_OF_TABLES:
            columns = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]
            self.memory.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
            for row in rows.get(table, ()):
                self.add(table, row)

    def close(self) -> None:
        self.memory.close()

    def add(self, table: str, row: Mapping[str, object]) -> None:
        """Add a row as it would stand (a deployment judged as made: R8 over the group)."""
        columns = [str(r[1]) for r in self.memory.execute(f"PRAGMA table_info({table})")]
        self.memory.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [row.get(c) for c in columns],
        )

    def _reader(self, sql: str) -> _Rows:
        return self.here if _READS_AS_OF.search(sql) else self.main

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return self._reader(sql).query(sql, params)

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        return self._reader(sql).one(sql, params)

    def tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.query(sql, params)]

    def meta(self, key: str) -> str | None:
        row = self.main.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])


def _deployment(facts: PlanFacts, values: Mapping[str, object], at: At) -> StoreError | None:
    """A deployment as the store refuses one, against the activity and the officers as they
    stood when it was made: on an activity that had ended (``roster.check_not_over``); one
    ``staffing.judge_deployments`` refuses (on duty, travel, R8, one place at a time, rest, a
    qualification lapsed where the officer would fill a slot, a group left a place open for a
    lapse), read over the rows of then
    (``_AsOf``); a group in which the officer fills no slot is kept (``_only_unfilled_slots``)."""
    activity_id, staff_id = str(values.get("activity_id")), str(values.get("staff_id"))
    activity = facts.row_as_of("activity", activity_id, at, inclusive=True)
    end = _moment(activity.get("end_at")) if activity else None
    if activity is None or end is None:
        return None  # not held: the reference check defers it; malformed: the field checks
    try:
        check_not_over(
            str(activity.get("title")), end, facts.written_at(at, values.get("created_at"))
        )
    except BadInput as exc:
        return exc
    found = _as_it_stood(
        facts,
        activity,
        [staff_id],
        str(values.get("id")),
        at,
        lambda reader, officers: judge_deployments(
            reader, activity_id, officers, lambda: reader.add("deployment", values)
        ),
    )
    return None if _only_unfilled_slots(found) else found


def _only_unfilled_slots(found: StoreError | None) -> bool:
    """Whether a deployment's refusal is only officers who fill no open slot of the concept as
    it stood (``no_open_slot``, staffing: not a lapse, R8). Kept: a concept changed on another
    laptop offline, not seen by the deployment's author, would otherwise take honest officers
    off the activity (rev13g f5); the misfit shows in the planning (``gaps``, staffing) for
    re-planning instead, alike on every laptop."""
    if not isinstance(found, RuleViolation) or found.code != "not_deployed":
        return False
    problems = [p for p in found.params.get("problems", []) if isinstance(p, dict)]
    return bool(problems) and all(
        p.get("code") == "no_open_slot" and p.get("rule") != "R8" for p in problems
    )


def _as_it_stood(
    facts: PlanFacts,
    activity: Mapping[str, object],
    staff_ids: list[str],
    own: str,
    at: At,
    check: Callable[[Any, list[Any]], None],
) -> StoreError | None:
    """A store check of deployments run over the rows as they stood at ``at`` (``_AsOf``):
    the activity, the officers deployed on it and these officers, with their qualifications,
    shifts and other deployments and those activities' subjects; the check given the reader
    and these officers (``staff.Staff``). Its refusal, or None (also when a row it reads is
    not held, or malformed: those wait or are refused by their own checks)."""
    rows = _rows_then(facts, activity, staff_ids, own, at)
    if rows is None:
        return None
    reader = _AsOf(facts.conn, rows)
    try:
        officers = [
            find_staff(cast(Any, reader), str(r.get("callsign")))
            for r in rows["staff"]
            if r.get("id") in staff_ids
        ]
        if None in officers or not officers:
            return None
        check(reader, officers)
    except (StoreError, ValueError, TypeError, sqlite3.Error) as exc:
        return exc if isinstance(exc, RuleViolation | BadInput) else None
    finally:
        reader.close()
    return None


def _rows_then(
    facts: PlanFacts, activity: Mapping[str, object], staff_ids: list[str], own: str, at: At
) -> dict[str, list[dict[str, Any]]] | None:
    """The rows a deployment check reads, as they stood at ``at``: the activity, the officers
    deployed on it and ``staff_ids`` with their qualifications and shifts, their other
    deployments (not ``own``, nor another row of the same officer on the same activity: one
    fact, ``clashes``) with their activities, those activities' subjects. None when an
    officer or a subject is not held."""
    own_pairs = {(str(activity.get("id")), s) for s in staff_ids} if own else set()
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in _AS_OF_TABLES}
    activities = {str(activity.get("id")): dict(activity)}
    officers = set(staff_ids)
    for pk in facts.rows_on_activity(str(activity.get("id"))):
        other = facts.row_by_key("deployment", pk, at, inclusive=True)
        if other is not None and other.get("id") != own:
            officers.add(str(other.get("staff_id")))
    seen: set[tuple[str, str] | None] = set(own_pairs)
    for staff_id in sorted(officers):
        staff = facts.row_as_of("staff", staff_id, at, inclusive=True)
        if staff is None:
            return None
        rows["staff"].append({**staff, "id": staff_id})
        for pk in facts.rows_of_officer("staff_qualification", staff_id):
            held = facts.row_by_key("staff_qualification", pk, at, inclusive=True)
            if held is not None:
                rows["staff_qualification"].append(held)
        for shift_id, *_made in facts.shifts_of(staff_id):
            shift = facts.shift_as_of(shift_id, at)
            if shift is not None:
                rows["shift"].append({**shift, "id": shift_id})
        for pk in facts.rows_of_officer("deployment", staff_id):
            other = facts.row_by_key("deployment", pk, at, inclusive=True)
            pair = (str(other.get("activity_id")), staff_id) if other else None
            if other is None or other.get("id") == own or pair in seen:
                continue  # one row of a fact: two laptops deploying one officer at once
            seen.add(pair)  # made one row by the merge (``clashes``), never refused here
            rows["deployment"].append(other)
            there = str(other.get("activity_id"))
            if there not in activities:
                found = facts.row_as_of("activity", there, at, inclusive=True)
                if found is not None:
                    activities[there] = found
    rows["activity"] = list(activities.values())
    for subject_id in {str(a.get("subject_id")) for a in rows["activity"]}:
        subject = facts.row_as_of("subject", subject_id, at, inclusive=True)
        if subject is None:
            return None
        rows["subject"].append(subject)
    return rows


_CREATE: dict[str, Callable[[PlanFacts, Mapping[str, object], At], StoreError | None]] = {
    "deployment": _deployment,
    "activity": _activity,
    "standing_post": _standing_post,
    "activity_correction": _correction,
    "shift": _shift,
    "decision": _decision,
    "activity_request": _request,
    "request_answer": _answer,
}


def after_assessments(
    conn: sqlite3.Connection, subjects: Collection[str], covered: Covered
) -> list[Key]:
    """The held standing posts and activities created done or cancelled of these subjects
    (their concept reads the threat level as it stood when they were made): judged again when
    an assessment of the subject is accepted or refused, so every order of arrival ends alike.

    Args:
        conn: the open database.
        subjects: the ids of the subjects whose assessments were judged now.
        covered: the records judged already.

    Returns:
        (origin, number) of each such creation or concept record.
    """
    if not subjects:
        return []
    found = []
    for table in ("standing_post", "activity"):
        made: dict[str, bool] = {}  # row key → its creation names one of these subjects
        runs = log.of_table(conn, table)
        for run in runs:
            if EXISTENCE in run.cols and "subject_id" in run.cols:
                values = dict(zip(run.cols, run.values(), strict=True))
                wanted = table == "standing_post" or values.get("status") in UNFLAGGED
                mine = str(values.get("subject_id")) in subjects
                made[run.pk] = made.get(run.pk, False) or (mine and wanted)
        for run in runs:
            if not made.get(run.pk):
                continue
            for offset, col in enumerate(run.cols):
                key = (run.origin, run.seq + offset)
                if col in (EXISTENCE, "concept") and key not in covered:
                    found.append(key)
    return found


def shifts_after(
    conn: sqlite3.Connection, changed: Mapping[str, At], covered: Covered
) -> list[Key]:
    """The held records of the other shifts of the officers of these shifts made after them
    (a shift is judged against the officer's others as they stood when it was made): judged
    again when one is accepted or refused now, so every order of arrival ends alike.

    Args:
        conn: the open database.
        changed: shift row key → the earliest (hlc, origin) of its records judged now.
        covered: the records judged already.

    Returns:
        (origin, number) of each such record.
    """
    if not changed:
        return []
    runs = log.of_table(conn, "shift")
    staff: dict[str, str] = {}
    for run in runs:
        if EXISTENCE in run.cols and "staff_id" in run.cols:
            staff[run.pk] = str(run.values()[run.cols.index("staff_id")])
    since: dict[str, At] = {}
    for pk, at in changed.items():
        officer = staff.get(pk)
        if officer is not None and (officer not in since or at < since[officer]):
            since[officer] = at
    found = []
    for run in runs:
        first = since.get(staff.get(run.pk, ""))
        if first is None or run.pk in changed or (run.hlc, run.origin) <= first:
            continue
        found += [
            (run.origin, run.seq + offset)
            for offset in range(len(run.cols))
            if (run.origin, run.seq + offset) not in covered
        ]
    return found


#: The tables whose rows a deployment's check reads (``_deployment``): a change of one judged
#: now judges again the held deployments made after it (``deployments_after``).
DEPLOYMENT_READS = frozenset({"shift", "staff", "staff_qualification", "deployment", "activity"})


def deployments_after(
    conn: sqlite3.Connection, changed: Mapping[tuple[str, str], At], covered: Covered
) -> list[Key]:
    """The held deployments of the officers and activities of these rows made after them (a
    deployment is judged against its activity, the group deployed on it and its officer's
    shifts, qualifications and other deployments as they stood when it was made): judged
    again when one is accepted or refused now, so every order of arrival ends alike.

    Args:
        conn: the open database.
        changed: (table, row key) of a row of ``DEPLOYMENT_READS`` → the earliest (hlc,
            origin) of its records judged now.
        covered: the records judged already.

    Returns:
        (origin, number) of each record of such a deployment.
    """
    if not changed:
        return []
    made: dict[str, tuple[str, str]] = {}  # deployment key → (officer, activity)
    runs = log.of_table(conn, "deployment")
    for run in runs:
        if EXISTENCE in run.cols and {"staff_id", "activity_id"} <= set(run.cols):
            values = dict(zip(run.cols, run.values(), strict=True))
            made[run.pk] = (str(values["staff_id"]), str(values["activity_id"]))
    officers: dict[str, At] = {}
    activities: dict[str, At] = {}
    shifts = {t_pk[1] for t_pk in changed if t_pk[0] == "shift"}
    owner = _shift_officers(conn) if shifts else {}

    def note(found: dict[str, At], name: str, at: At) -> None:
        found[name] = min(at, found.get(name, at))

    for (table, pk), at in changed.items():
        parts = key_parts(pk) or [None]
        if table == "activity":
            note(activities, str(parts[0]), at)
        elif table in ("staff", "staff_qualification"):
            note(officers, str(parts[0]), at)
        elif table == "shift" and pk in owner:
            note(officers, owner[pk], at)
        elif table == "deployment" and pk in made:
            note(officers, made[pk][0], at)
            note(activities, made[pk][1], at)  # the group it joins (R8: a lapse of the group)
    found = []
    for run in runs:
        officer, activity = made.get(run.pk, ("", ""))
        since = [w for w in (officers.get(officer), activities.get(activity)) if w is not None]
        if not since or (run.hlc, run.origin) <= min(since):
            continue
        found += [
            (run.origin, run.seq + offset)
            for offset in range(len(run.cols))
            if (run.origin, run.seq + offset) not in covered
        ]
    return found


def _shift_officers(conn: sqlite3.Connection) -> dict[str, str]:
    """Shift row key → its officer's staff id, from the shifts' creations held."""
    found = {}
    for run in log.of_table(conn, "shift"):
        if EXISTENCE in run.cols and "staff_id" in run.cols:
            found[run.pk] = str(run.values()[run.cols.index("staff_id")])
    return found
