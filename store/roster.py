"""The roster: shifts of officers, CSV import, and deployments of officers onto activities.

Rules checked here, each named in its refusal:
- a shift lasts at most 14 hours, and leaves the required 11 hours' rest before and after the
  officer's other shifts (rule: rest);
- a deployment needs a concept on the activity, an officer on duty for the whole activity
  (rule: on duty) and from the activity's start minus the travel from their own unit, holding
  a qualification the concept needs valid on that day (rule R8), not already deployed
  elsewhere at that time (rule: one place at a time), with the catalogue's travel minutes
  between the unit of their previous deployment and this one, and between this one and their
  next (rule: travel), and whose shift respects the rest rule.
A CSV roster is imported whole or not at all, with a report of every bad line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any, NamedTuple

from . import machine, matching, rules, validate
from .catalogue import get_concept, get_unit, list_qualifications, travel_minutes
from .clock import (
    Clock,
    day_bounds,
    epoch_seconds,
    from_db,
    hours_between,
    local,
    local_to_utc,
    parse_time,
    require_order,
    to_db,
    with_times,
)
from .db import Store, resolve_id, short_id
from .errors import BadInput, RuleViolation
from .gaps import Bond, Duty, Need, arrivals, bind, load_duties
from .ids import uuid7
from .matching import GroupVerdict
from .staff import Staff, get_staff, list_staff

REST = timedelta(hours=11)


@dataclass(frozen=True)
class Problem:
    """Why an officer may not be deployed on an activity: a fact the faces put into words
    (``words.deployments``), never a sentence of the store's.

    Attributes:
        code: what is wrong: ``activity_cancelled``, ``no_concept``, ``not_on_duty``,
            ``travel_from_unit``, ``travel_to_unit``, ``lapses``, ``unqualified``, ``one_place``,
            ``travel_from_previous``, ``travel_to_next``, ``rest``, ``already_deployed``,
            ``no_open_slot``, ``open_slots``.
        rule: the rule it breaks: ``R8``, ``on duty``, ``travel``, ``one place at a time``,
            ``rest between shifts``, ``staffing`` or ``deployment``.
        params: the facts the words are made of: names, numbers, lists, and aware UTC
            ``datetime``s for times (``clock.json_times`` writes them as JSON).
    """

    code: str
    rule: str
    params: dict[str, Any]

    def facts(self) -> dict[str, Any]:
        """The problem as a mapping ``{code, rule, params}`` (times still datetimes; as JSON
        through ``clock.json_times``).

        Returns:
            A new dict with the keys ``code``, ``rule`` and ``params`` (the same params dict,
            not a copy).
        """
        return {"code": self.code, "rule": self.rule, "params": self.params}


#: The longest travel the catalogue allows between two units (unit_travel.minutes).
MAX_TRAVEL_MINUTES = 1440
#: A roster file larger than this is refused before it is read.
MAX_ROSTER_BYTES = 20_000_000
#: The most shifts one roster file adds unless told otherwise (a year of 10 officers' shifts),
#: and the most it may ever be told: a file past it is refused before its lines are checked.
DEFAULT_MAX_SHIFTS, MAX_MAX_SHIFTS = 5_000, 100_000
MAX_SHIFT = rules.MAX_SHIFT


@dataclass(frozen=True)
class Shift:
    """An officer's shift: the supply side of the roster.

    Attributes:
        id: the shift's id.
        callsign: the officer's callsign.
        unit: the officer's unit.
        start_at: when it starts (aware UTC).
        end_at: when it ends (aware UTC), after the start, at most 14 hours later.
    """

    id: str
    callsign: str
    unit: str
    start_at: datetime
    end_at: datetime

    @property
    def hours(self) -> float:
        """Its length in real elapsed hours (a 22:00–07:00 night over the October change is
        10)."""
        return hours_between(self.start_at, self.end_at)


@dataclass(frozen=True)
class Deployment:
    """An officer put on an activity.

    Attributes:
        id: the deployment's id.
        activity_id: the activity.
        callsign: the officer's callsign.
        created_at: when the deployment was made (aware UTC).
    """

    id: str
    activity_id: str
    callsign: str
    created_at: datetime


def _check_shift(
    store: Store,
    officer: Staff,
    start: datetime,
    end: datetime,
    extra: list[tuple[datetime, datetime]] | None = None,
) -> None:
    validate.moment(start, "start")
    validate.moment(end, "end")
    require_order(start, end, "shift", callsign=officer.callsign)
    if end - start > MAX_SHIFT:
        raise BadInput(code="shift_too_long", callsign=officer.callsign, hours=14)
    lo, hi = to_db(start - REST), to_db(end + REST)
    others = [
        (from_db(r["start_at"]), from_db(r["end_at"]))
        for r in store.query(
            "SELECT start_at, end_at FROM shift WHERE staff_id = ? AND start_at < ? AND end_at > ?",
            (officer.id, hi, lo),
        )
    ] + list(extra or [])
    check_rest(officer.callsign, start, end, others)


def check_rest(
    callsign: str, start: datetime, end: datetime, others: list[tuple[datetime, datetime]]
) -> None:
    """Refuse a shift that overlaps another of the officer's shifts or leaves less than the
    required rest next to one: the one check the store's writes and the sync judge
    (``sync.judge_plans``) both make.

    Args:
        callsign: the officer's callsign (for the refusal).
        start: when the shift starts, aware UTC.
        end: when it ends, aware UTC.
        others: the officer's other shifts, (start, end) aware UTC.

    Raises:
        RuleViolation: it overlaps one (``shift_overlaps``) or leaves less than 11 hours' rest
            next to one (``shift_rest``); ``rule`` ``rest``.
    """
    lo, hi = start - REST, end + REST
    near = [(a, b) for a, b in others if a < hi and b > lo]
    # an overlap is named before a short rest, whichever comes first
    for other_start, other_end in sorted(near, key=lambda o: not (o[0] < end and o[1] > start)):
        span = other_start, other_end
        if other_start < end and other_end > start:
            raise RuleViolation(
                "rest", code="shift_overlaps", callsign=callsign, start=span[0], end=span[1]
            )
        raise RuleViolation(
            "rest", code="shift_rest", callsign=callsign, start=span[0], end=span[1]
        )


def add_shift(store: Store, callsign: str, *, start: datetime, end: datetime) -> Shift:
    """Add a shift to an officer's roster, in one audited write (``shift.add``).

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        callsign: the officer's callsign (any case).
        start: when the shift starts (aware UTC, 1970–2099).
        end: when it ends (aware UTC), after the start, at most 14 hours later.

    Returns:
        The shift as stored.

    Raises:
        PermissionDenied: the acting person may not manage staff.
        NotFound: no person has that callsign.
        BadInput: a time out of range, end not after start, longer than 14 hours.
        RuleViolation: it overlaps another of the officer's shifts, or leaves less than 11
            hours' rest next to one (``rule`` ``rest``).
    """
    shift_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("shift.add", shift_id, detail, require="staff.write") as conn:
        officer = get_staff(store, callsign)
        detail["callsign"] = officer.callsign
        _check_shift(store, officer, start, end)
        conn.execute(
            "INSERT INTO shift (id, staff_id, start_at, end_at, created_at) VALUES (?, ?, ?, ?, ?)",
            (shift_id, officer.id, to_db(start), to_db(end), to_db(store.now())),
        )
    return list_shifts(store, callsign=officer.callsign, shift_id=shift_id)[0]


def list_shifts(
    store: Store,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    unit: str | None = None,
    callsign: str | None = None,
    shift_id: str | None = None,
) -> list[Shift]:
    """Shifts overlapping [start, end), by start time then callsign.

    Args:
        store: the open database.
        start: only those ending after this moment (aware UTC); None for no lower bound.
        end: only those starting before this moment (aware UTC); None for no upper bound.
        unit: only this unit's officers (any case); None for all.
        callsign: only this officer's (any case); None for all.
        shift_id: only the shift with this full id; None for all.

    Returns:
        The shifts, times aware UTC.

    Raises:
        NotFound: ``unit`` names no unit or ``callsign`` no person (never a false all-clear).
    """
    clauses, params = [], []
    if start is not None:
        clauses.append("s.end_at > ?")
        params.append(to_db(start))
    if end is not None:
        clauses.append("s.start_at < ?")
        params.append(to_db(end))
    if unit is not None:
        clauses.append("p.unit = ?")
        params.append(get_unit(store, unit).code)
    if callsign is not None:
        clauses.append("p.callsign = ?")
        params.append(get_staff(store, callsign).callsign)
    if shift_id:
        clauses.append("s.id = ?")
        params.append(shift_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.query(
        "SELECT s.id, p.callsign, p.unit, s.start_at, s.end_at FROM shift s"
        f" JOIN staff p ON p.id = s.staff_id{where} ORDER BY s.start_at, p.callsign",
        params,
    )
    return [Shift(**with_times(r, "start_at", "end_at")) for r in rows]


@dataclass(frozen=True)
class ImportReport:
    """What a roster import did.

    Attributes:
        imported: how many shifts were added.
        errors: the bad lines (always empty: a file with a bad line is refused whole).
    """

    imported: int
    errors: tuple[str, ...]


def import_shifts(
    store: Store, path: Path, clock: Clock | None = None, *, max_shifts: int = DEFAULT_MAX_SHIFTS
) -> ImportReport:
    """Import a roster file of ``callsign,start,end`` lines (times as ``parse_time`` reads
    them); any bad line refuses the whole file, listing all (at most 20 named). One audited
    write (``shift.import``).

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        path: the CSV file (UTF-8, a header line naming callsign, start and end; 20 MB at most).
        clock: the clock that reads relative times in the file; None for the store's.
        max_shifts: the most shifts the file may hold (1..MAX_MAX_SHIFTS).

    Returns:
        How many shifts were imported.

    Raises:
        PermissionDenied: the acting person may not manage staff.
        BadInput: the file is too large or holds more than ``max_shifts`` lines, is not UTF-8
            CSV, or has bad lines (unknown callsign,
            bad time, overlap or too little rest, also between lines of the file); nothing
            imported.
        MachineFault: the file cannot be read.
    """
    detail: dict[str, object] = {"file": Path(path).name}
    try:
        with store.write("shift.import", None, detail, require="staff.write") as conn:
            validate.integer(max_shifts, "max_shifts", low=1, high=MAX_MAX_SHIFTS)
            rows = _roster_rows(path, max_shifts)
            planned = _plan_shifts(store, path, rows, clock or store.clock)
            if not planned:
                raise _NoShifts  # a header alone: nothing written, not even the audit entry
            detail["shifts"] = len(planned)
            conn.executemany(
                "INSERT INTO shift (id, staff_id, start_at, end_at, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(uuid7(), o.id, to_db(s), to_db(e), to_db(store.now())) for o, s, e in planned],
            )
    except _NoShifts:
        return ImportReport(0, ())
    return ImportReport(len(planned), ())


class _NoShifts(Exception):
    """A roster file without shifts: the import's transaction is rolled back whole."""


def _roster_rows(path: Path, max_shifts: int) -> csv.DictReader[str]:
    """The roster file as CSV rows with the columns callsign, start and end, at most
    ``max_shifts`` of them (lines counted before any is checked)."""
    name = validate.visible(Path(path).name)
    try:
        if Path(path).stat().st_size > MAX_ROSTER_BYTES:
            raise BadInput(
                code="roster_too_large", file=name, megabytes=MAX_ROSTER_BYTES // 1_000_000
            )
        text = machine.read_regular(path, MAX_ROSTER_BYTES, "roster").decode("utf-8-sig")
    except OSError as exc:
        raise machine.os_fault(exc, path, "read") from None
    except UnicodeDecodeError:
        raise BadInput(code="roster_not_utf8", file=name) from None
    shifts = _records(text, name) - 1  # the header; a file csv cannot read is refused
    if shifts > max_shifts:
        raise BadInput(code="too_many_shifts", file=name, shifts=shifts, limit=max_shifts)
    reader = csv.DictReader(io.StringIO(text), strict=True)  # read whole above: no csv.Error
    fields = reader.fieldnames
    if fields is None or not {"callsign", "start", "end"} <= set(fields):
        raise BadInput(code="roster_columns", file=name)
    unknown = [f for f in fields if f not in ("callsign", "start", "end")]
    if unknown or len(set(fields)) != len(fields):
        raise BadInput(  # a column nobody reads would be lost without a word
            code="roster_extra_columns", file=name, columns=validate.shown(",".join(fields))
        )
    return reader


def _records(text: str, name: str) -> int:
    """How many CSV records ``text`` holds that are not blank: a quoted field may hold a
    line break, so counting lines would count its record twice. Read strictly: a record csv
    cannot read refuses the file, naming the line where that record starts (a quote never
    closed swallows the rest of the file, so where csv stopped is no help)."""
    count = 0
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    try:
        for row in reader:
            count += any(field.strip() for field in row)
            start = reader.line_num + 1
    except csv.Error as exc:
        if str(exc).startswith("unexpected end of data"):  # csv's words for an open quote
            raise BadInput(
                code="roster_open_quote", file=name, line=start, end=reader.line_num
            ) from None
        reason = next((r for words, r in _CSV_FAULTS if words in str(exc).lower()), "other")
        raise BadInput(
            code="roster_not_csv",
            file=name,
            line=start,
            reason=reason,
        ) from None
    return count


#: What the csv library's refusal means (its words, lower case, never shown): our reason.
_CSV_FAULTS = (
    ("new-line character seen in unquoted field", "line_ends"),
    ("field larger than field limit", "field_too_long"),
    ("expected after", "stray_quote"),
    ("nul", "nul"),
)


def _plan_shifts(
    store: Store, path: Path, reader: csv.DictReader[str], clock: Clock
) -> list[tuple[Staff, datetime, datetime]]:
    """Inside an open write: every line checked (against the database and the lines before
    it); the shifts to add, or ``BadInput`` listing every bad line."""
    lines: list[dict[str, object]] = []  # the facts: each line's refusal, code and params
    planned: list[tuple[Staff, datetime, datetime]] = []
    pending: dict[str, list[tuple[datetime, datetime]]] = {}
    for row in reader:
        number = reader.line_num - _line_breaks(row)  # a record over lines: its first
        try:
            callsign, given_start, given_end = _line_values(row)
            officer = get_staff(store, validate.identifier(callsign, "callsign"))
            start = parse_time(given_start, clock)
            end = parse_time(given_end, clock)
            _check_shift(store, officer, start, end, pending.get(officer.id, []))
        except BadInput as exc:
            lines.append({"line": number, "code": exc.code, "params": dict(exc.params)})
            continue
        pending.setdefault(officer.id, []).append((start, end))
        planned.append((officer, start, end))
    if lines:
        name = validate.visible(Path(path).name)
        raise BadInput(
            code="roster_bad_lines",
            file=name,
            count=len(lines),
            lines=lines[:20],
        )
    return planned


def _line_values(row: dict[str | None, Any]) -> tuple[str, str, str]:
    """A roster line's callsign, start and end, each present, not blank and bounded; else
    ``BadInput`` saying which (a short line was refused as "'' is not a time")."""
    if None in row:  # more fields than the three columns
        raise BadInput(code="roster_line_fields")
    values = []
    for column in ("callsign", "start", "end"):
        value = row.get(column)
        if value is None:
            raise BadInput(code="roster_line_short")
        values.append(validate.text(value, column, max_len=validate.MAX_CODE, required=True))
    return values[0], values[1], values[2]


def _line_breaks(row: dict[str | None, Any]) -> int:
    """The line breaks inside a CSV record's quoted fields (``reader.line_num`` counts its
    last line)."""
    values = [v for v in row.values() if isinstance(v, str)]
    values += [v for extra in row.values() if isinstance(extra, list) for v in extra]
    return sum(value.count("\n") for value in values)


def deployment_problem(
    store: Store,
    activity_id: str,
    officer: Staff,
    concept: str | None = None,
    *,
    next_too: bool = True,
    span: tuple[datetime, datetime] | None = None,
) -> Problem | None:
    """Why ``officer`` may not be deployed on the activity: the problem and its rule (on duty,
    travel, R8, one place at a time, rest), or None when they may.

    Args:
        activity_id, officer: the activity's full id; the officer.
        concept: as if the activity carried it (``NotFound`` when the catalogue lacks it).
        next_too: also whether they reach their next deployment in time (not in listings).
        span: (start, end), aware UTC: as if the activity ran then, or None.

    Returns:
        The first problem found, checked in this order: ``activity_cancelled`` or
        ``no_concept`` (rule deployment), ``not_on_duty`` (on duty), ``travel_from_unit`` or
        ``travel_to_unit`` (travel), ``lapses`` or ``unqualified`` (R8), ``one_place`` (one
        place at a time), ``travel_from_previous`` or ``travel_to_next`` (travel), ``rest``
        (rest between shifts); params name the callsign, times aware UTC. None when they may.

    Raises:
        NotFound: ``concept`` (or the activity's own) is not in the catalogue.
    """
    row = store.one(
        "SELECT a.id, a.start_at, a.end_at, a.concept, a.status, s.unit FROM activity a"
        " JOIN subject s ON s.id = a.subject_id WHERE a.id = ?",
        (activity_id,),
    )
    assert row is not None
    concept = concept or row["concept"]
    if row["status"] == "cancelled":
        return Problem("activity_cancelled", "deployment", {})
    if concept is None:
        return Problem("no_concept", "deployment", {})
    start, end = (to_db(t) for t in span) if span else (row["start_at"], row["end_at"])
    shifts = store.query(
        "SELECT id, start_at, end_at FROM shift WHERE staff_id = ? AND end_at > ?"
        " AND start_at < ? ORDER BY start_at",
        (officer.id, start, end),
    )
    if not _on_duty(shifts, start, end):
        return Problem(
            "not_on_duty",
            "on duty",
            {"callsign": officer.callsign, "start": from_db(start), "end": from_db(end)},
        )
    far = _travel_from_unit(store, officer, row["unit"], start, end)
    if far is not None:
        return far
    needs = {s.qualification for s in get_concept(store, concept).staffing}
    lapsed = _unqualified(officer, needs, start, end)
    if lapsed is not None:
        return lapsed
    clash = store.one(
        "SELECT a.id, a.start_at, a.end_at FROM deployment d JOIN activity a ON a.id ="
        " d.activity_id WHERE d.staff_id = ? AND a.id != ? AND a.status != 'cancelled'"
        " AND a.start_at < ? AND a.end_at > ?",
        (officer.id, activity_id, end, start),
    )
    if clash:
        return Problem(
            "one_place",
            "one place at a time",
            {
                "callsign": officer.callsign,
                "activity": short_id(store, "activity", clash["id"]),
                "start": from_db(clash["start_at"]),
                "end": from_db(clash["end_at"]),
            },
        )
    between = _travel_between(store, officer, activity_id, row["unit"], start, end, next_too)
    if between is not None:
        return between
    return _short_rest(store, officer, shifts)


def _travel_from_unit(
    store: Store, officer: Staff, unit: str, start: str, end: str
) -> Problem | None:
    """Whether ``officer`` is on duty for the travel from their own unit to ``unit`` before
    [start, end) and back after it (rule: travel); None when they are (or need none)."""
    travel = travel_minutes(store, officer.unit, unit)
    if not travel:
        return None
    facts = {"callsign": officer.callsign, "minutes": travel, "unit": officer.unit}
    leave = from_db(start) - timedelta(minutes=travel)
    if not _on_duty(_shifts_from(store, officer, to_db(leave), end), to_db(leave), end):
        return Problem("travel_from_unit", "travel", {**facts, "by": leave})
    back = from_db(end) + timedelta(minutes=travel)
    if not _on_duty(_shifts_from(store, officer, start, to_db(back)), start, to_db(back)):
        # the trip home is working time too: it fits within the shift (as `capacity` lends)
        return Problem("travel_to_unit", "travel", {**facts, "by": back})
    return None


def _short_rest(store: Store, officer: Staff, shifts: list[Any]) -> Problem | None:
    """Whether one of these shifts of the officer leaves less than 11 hours' rest next to
    another of theirs (rule: rest between shifts); None when none does."""
    for shift in shifts:
        rest = store.one(
            "SELECT start_at, end_at FROM shift WHERE staff_id = ? AND id != ?"
            " AND start_at < ? AND end_at > ?",
            (
                officer.id,
                shift["id"],
                to_db(from_db(shift["end_at"]) + REST),
                to_db(from_db(shift["start_at"]) - REST),
            ),
        )
        if rest:
            return Problem(
                "rest",
                "rest between shifts",
                {
                    "callsign": officer.callsign,
                    "start": from_db(shift["start_at"]),
                    "end": from_db(shift["end_at"]),
                    "other_start": from_db(rest["start_at"]),
                    "other_end": from_db(rest["end_at"]),
                },
            )
    return None


def _travel_between(
    store: Store,
    officer: Staff,
    activity_id: str,
    unit: str,
    start: str,
    end: str,
    next_too: bool,
) -> Problem | None:
    """Whether the officer can travel from their previous deployment (the unit of its
    subject) to this one, and from this one to their next, in the catalogue's minutes
    (rule: travel); None when they can."""
    reach = timedelta(minutes=MAX_TRAVEL_MINUTES)
    rows = store.query(
        "SELECT a.id, a.start_at, a.end_at, s.unit FROM deployment d"
        " JOIN activity a ON a.id = d.activity_id JOIN subject s ON s.id = a.subject_id"
        " WHERE d.staff_id = ? AND a.id != ? AND a.status != 'cancelled'"
        " AND ((a.end_at <= ? AND a.end_at > ?) OR (a.start_at >= ? AND a.start_at < ?))"
        " ORDER BY a.start_at, a.id",
        (
            officer.id,
            activity_id,
            start,
            to_db(from_db(start) - reach),
            end,
            to_db(from_db(end) + reach),
        ),
    )
    for other in rows:
        if other["end_at"] <= start:
            need = travel_minutes(store, other["unit"], unit)
            if from_db(start) - from_db(other["end_at"]) < timedelta(minutes=need):
                return Problem(
                    "travel_from_previous",
                    "travel",
                    {
                        "callsign": officer.callsign,
                        "minutes": need,
                        "from": other["unit"],
                        "ends": from_db(other["end_at"]),
                        "to": unit,
                        "by": from_db(start),
                    },
                )
        elif next_too:
            need = travel_minutes(store, unit, other["unit"])
            if from_db(other["start_at"]) - from_db(end) < timedelta(minutes=need):
                return Problem(
                    "travel_to_next",
                    "travel",
                    {
                        "callsign": officer.callsign,
                        "minutes": need,
                        "from": unit,
                        "ends": from_db(end),
                        "to": other["unit"],
                        "starts": from_db(other["start_at"]),
                    },
                )
    return None


def _on_duty(shifts: list[Any], start: str, end: str) -> bool:
    """Whether consecutive shifts cover [start, end) (stored UTC text)."""
    covered = start
    for shift in shifts:
        if shift["start_at"] <= covered:
            covered = max(covered, shift["end_at"])
    return covered >= end


def _shifts_from(store: Store, officer: Staff, start: str, end: str) -> list[Any]:
    return store.query(
        "SELECT id, start_at, end_at FROM shift WHERE staff_id = ? AND end_at > ?"
        " AND start_at < ? ORDER BY start_at",
        (officer.id, start, end),
    )


def _unqualified(officer: Staff, needs: set[str], start: str, end: str) -> Problem | None:
    """Why ``officer`` may not work the activity [start, end) under R8 (None when they may),
    judged for the officer alone: the one rule is that an officer fits a place when a
    qualification that place needs is valid throughout the activity (rev16u F4), so he may
    when he holds one of ``needs`` valid until its end, whatever else of his lapses within it
    (which place he takes is the group's judgement, ``group_problems``). Else ``lapses`` when
    one of ``needs`` he holds is valid at its start and lapses before its end (the first such,
    naming the hour), or ``unqualified`` (none of them valid from its start)."""
    begin, finish = from_db(start), from_db(end)
    if _lasting(officer, finish) & needs:
        return None
    lapsing = _lapsing(officer, needs, begin, finish)
    if lapsing is not None:
        code, moment = lapsing
        return Problem(
            "lapses",
            "R8",
            {
                "callsign": officer.callsign,
                "qualification": code,
                "lapse": moment,
                "start": begin,
                "end": finish,
            },
        )
    expired = {q.code for q in officer.qualifications} & needs
    return Problem(
        "unqualified",
        "R8",
        {
            "callsign": officer.callsign,
            "needs": sorted(needs),
            "since": begin,
            "start": begin,
            "end": finish,
            "expired": sorted(expired),
        },
    )


def _lasting(officer: Staff, end: datetime) -> frozenset[str]:
    """The codes of the officer's qualifications valid until ``end`` (aware UTC): those that
    count for an activity ending then, all of it (R8)."""
    return frozenset(
        q.code
        for q in officer.qualifications
        if (moment := lapse_moment(q.valid_until)) is None or moment >= end
    )


def lapse_moment(until: date | None) -> datetime | None:
    """When a qualification valid through the local day ``until`` lapses: the local midnight
    after it (aware UTC); None for no end.

    Args:
        until: the last day it is valid (inclusive), or None.

    Returns:
        The moment it stops counting (R8), or None.

    Raises:
        Nothing: a date outside the clock's range was refused when it was recorded.
    """
    return None if until is None else local_to_utc(until + timedelta(days=1), 0, 0)


def _lapsing(
    officer: Staff, needs: Collection[str], start: datetime, end: datetime
) -> tuple[str, datetime] | None:
    """The first of the officer's qualifications that ``needs`` names which is valid at some
    moment of [start, end) and lapses before ``end`` (code, lapse moment), or None (R8)."""
    found = [
        (moment, q.code)
        for q in officer.qualifications
        if q.code in needs
        and (moment := lapse_moment(q.valid_until)) is not None
        and start < moment < end
    ]
    if not found:
        return None
    moment, code = min(found)
    return code, moment


def deployment_target(
    store: Store, activity_id: str, callsigns: list[str]
) -> tuple[str, list[Staff]]:
    """Inside deploy's open write (``staffing.deploy``): the activity and the officers named,
    refused before anything is judged when the activity has ended.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        callsigns: the officers' callsigns (at least one).

    Returns:
        The activity's full id and the officers, in the order named.

    Raises:
        NotFound: no such activity or callsign.
        BadInput: no officer named, one named twice, or the activity has ended
            (``activity_over``).
    """
    full = store.target(resolve_id(store, "activity", activity_id, "activity"))
    officers = _named_officers(store, callsigns, "deploy")
    _refuse_over(store, full)
    return full, officers


def _named_officers(store: Store, callsigns: list[str], doing: str) -> list[Staff]:
    """The officers named to ``doing`` (deploy, release): at least one, each once."""
    if not callsigns:
        raise BadInput(code="no_officer_named", doing=doing)
    officers = [get_staff(store, c) for c in callsigns]
    twice = sorted({o.callsign for o in officers if officers.count(o) > 1})
    if twice:
        raise BadInput(code="officer_named_twice", callsigns=twice)
    return officers


def _refuse_over(store: Store, activity_id: str) -> None:
    """Deployments of an activity that has ended do not change (as ``suggest`` refuses)."""
    row = store.one("SELECT title, end_at FROM activity WHERE id = ?", (activity_id,))
    assert row is not None
    check_not_over(row["title"], from_db(row["end_at"]), store.clock.now())


def check_not_over(title: str, end: datetime, now: datetime) -> None:
    """Refuse a change of the deployments of an activity that has ended: the one check the
    store's deploy and release and the sync judge (``sync/plan_checks.py``, the activity as it
    stood when a received deployment was made) both make.

    Args:
        title: the activity's title.
        end: when it ends, aware UTC.
        now: when the change is made, aware UTC.

    Raises:
        BadInput: it had ended by then (``activity_over``).
    """
    if end <= now:
        raise BadInput(code="activity_over", title=title, moment=end)


def release(store: Store, activity_id: str, callsign: str, reason: str) -> Deployment:
    """End one officer's deployment on an activity (``release_group`` with one officer).

    Args:
        activity_id: the activity's id (or prefix).
        callsign: the officer's callsign.
        reason: why (not empty).

    Returns:
        The deployment as it was (``created_at`` aware UTC).

    Raises:
        PermissionDenied: the acting person may not manage staff.
        NotFound: no such activity or callsign.
        BadInput: no reason, the officer is not deployed on the activity, or it has ended;
            nothing is released.
    """
    return release_group(store, activity_id, [callsign], reason)[0]


def release_group(
    store: Store, activity_id: str, callsigns: list[str], reason: str
) -> list[Deployment]:
    """End officers' deployments on an activity (a lapse recorded later, a restriction that
    moved the activity past their shift, or they are needed elsewhere): the deployment row is
    deleted in one audited write (``deploy.release``, with the officer, the deployment and the
    reason), and the deletion travels with the change log; the rule table lets the same
    roles delete a deployment as create one (``staff.write``), on every laptop.

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        callsigns: the deployed officers (all are released, or none).
        reason: why the deployments end (required free text).

    Returns:
        The deployments as they were, in the order named.

    Raises:
        PermissionDenied: the acting person may not manage staff.
        NotFound: no such activity or callsign.
        BadInput: no reason, an officer named twice or not deployed on the activity, or the
            activity has ended (``activity_over``); nothing is released.
    """
    named = list(callsigns)
    detail: dict[str, object] = {}
    with store.write("deploy.release", None, detail, require="staff.write") as conn:
        full = store.target(resolve_id(store, "activity", activity_id, "activity"))
        officers = _named_officers(store, named, "release")
        why = validate.text(reason, "reason", required=True)
        _refuse_over(store, full)
        gone = []
        for officer in officers:
            row = store.one(
                "SELECT id, created_at FROM deployment WHERE activity_id = ? AND staff_id = ?",
                (full, officer.id),
            )
            if row is None:
                raise BadInput(code="not_deployed_here", callsign=officer.callsign)
            gone.append(Deployment(row["id"], full, officer.callsign, from_db(row["created_at"])))
        detail.update(
            {
                "officer": gone[0].callsign if len(gone) == 1 else [d.callsign for d in gone],
                "deployment": gone[0].id if len(gone) == 1 else [d.id for d in gone],
                "reason": why,
            }
        )
        for deployment in gone:
            conn.execute("DELETE FROM deployment WHERE id = ?", (deployment.id,))
        return gone


def _valid(officer: Staff, day: date) -> frozenset[str]:
    return frozenset(q.code for q in officer.qualifications if q.valid_on(day))


def _days(start: str, end: str) -> list[tuple[date, datetime, datetime]]:
    """The local days [start, end) touches, each with the part of the activity inside it:
    a qualification counts per day (R8), so the group is judged day by day."""
    begin, finish = from_db(start), from_db(end)
    parts = []
    day = local(begin).date()
    while True:
        day_end = day_bounds(day)[1]
        parts.append((day, begin, min(day_end, finish)))
        if day_end >= finish:
            return parts
        begin, day = day_end, day + timedelta(days=1)


def deployed_officers(store: Store, activity_id: str) -> list[Staff]:
    """The officers deployed on the activity (full id), by callsign.

    Args:
        activity_id: the activity's full id.

    Returns:
        Each officer as read now (unit, qualifications with their validity); empty when
        nobody is deployed (or no activity has that id).
    """
    return _deployed(store, activity_id)


def _deployed(store: Store, activity_id: str) -> list[Staff]:
    rows = store.query(
        "SELECT p.callsign FROM deployment d JOIN staff p ON p.id = d.staff_id"
        " WHERE d.activity_id = ? ORDER BY p.callsign",
        (activity_id,),
    )
    return [get_staff(store, r["callsign"]) for r in rows]


def open_parts(
    store: Store,
    activity_id: str,
    concept: str,
    officers: list[Staff],
    span: tuple[datetime, datetime] | None = None,
    pool: list[Duty] | None = None,
) -> list[Need]:
    """The demand of the activity (carrying ``concept``, at ``span``) that the group
    ``officers`` deployed on it leaves open, part by part: ``gaps.bind`` of the activity alone,
    the group's duties taken from their shifts (R8 per local day).

    Args:
        activity_id: the activity's full id.
        concept: the concept its places are those of.
        officers: the deployed group (with any officer a suggestion adds).
        span: (start, end), aware UTC, as if it ran then; None for its own time.
        pool: the officers on duty then (``gaps.load_duties``); None to load them (they never
            change the open places: ``bound_parts``).

    Returns:
        The open parts, each a ``Need`` of the activity with the places left open.

    Raises:
        BadInput: ``end`` is not after ``start`` (``gaps.load_duties``).
        NotFound: ``concept`` is not in the catalogue (``catalogue.get_concept``).
    """
    row = store.one(
        "SELECT a.start_at, a.end_at, s.unit FROM activity a JOIN subject s"
        " ON s.id = a.subject_id WHERE a.id = ?",
        (activity_id,),
    )
    assert row is not None
    start, end = span or (from_db(row["start_at"]), from_db(row["end_at"]))
    staffing = tuple((s.qualification, s.count) for s in get_concept(store, concept).staffing)
    need = Need(row["unit"], epoch_seconds(start), epoch_seconds(end), staffing, activity_id)
    if pool is None:
        pool = load_duties(store, start, end, unit=row["unit"])
    return bound_parts(need, group_parts(store, activity_id, officers, span), officers, pool)


def bound_parts(
    need: Need, parts: list[GroupPart], officers: list[Staff], pool: list[Duty]
) -> list[Need]:
    """``need`` (an activity's) bound to the group ``officers`` over its ``parts``
    (``group_parts``) by ``gaps.bind`` of the group alone: the one maximum matching by the
    qualifications valid throughout (``matching.bind_places``), the canonical open places
    (fix16w: no undeployed officer decides which place a deployed one takes).

    Args:
        need: the activity's demand.
        parts: its parts with the group's valid qualifications.
        officers: the deployed group.
        pool: the officers on duty then (``gaps.load_duties``); no longer used to bind (an
            undeployed officer never changes the open places), kept for the callers.

    Returns:
        The open parts, each a ``Need`` of the activity with the places left open.
    """
    del pool
    group = {o.callsign for o in officers}
    duties = [
        Duty(callsign, need.unit, epoch_seconds(part.start), epoch_seconds(part.end), quals)
        for part in parts
        for callsign, quals in part.officers.items()
    ]
    # the group alone: an officer on duty but not deployed never changes what is open (fix16w)
    left, _duties = bind([need], duties, [Bond(c, need.source) for c in sorted(group)])
    return [n for n in left if n.source == need.source and n.kind == "activity"]


def _no_open_slot(
    names: dict[str, str],
    officer: Staff,
    staffing: dict[str, int],
    filled: dict[str, int],
    since: datetime,
    end: datetime,
) -> Problem:
    """Why ``officer`` adds nothing to the group: which of the slots they fit (a
    qualification valid throughout the activity, until ``end``) are already filled (from
    ``since``), and which of their qualifications lapse before its end (R8)."""
    held = {q.code: q for q in officer.qualifications if q.code in staffing}
    lasting = _lasting(officer, end)
    full = [[q, filled[q], staffing[q]] for q in sorted(held) if q in lasting]
    lapsed = [
        [code, moment]
        for code, until in sorted((c, q.valid_until) for c, q in held.items())
        if (moment := lapse_moment(until)) is not None and moment < end
    ]
    return Problem(
        "no_open_slot",
        "R8" if lapsed else "staffing",
        {
            "callsign": officer.callsign,
            "since": since,
            "full": full,
            "lapsed": lapsed,
            "names": {q: names.get(q, q) for q in held},  # the catalogue's, for people
        },
    )


class GroupPart(NamedTuple):
    """A part of an activity as ``group_parts`` cuts it.

    Attributes:
        day: the local (Europe/Amsterdam) day the part lies in.
        start: when the part starts, aware UTC.
        end: when it ends, aware UTC.
        officers: per callsign of each officer on duty and there for the whole part, the codes
            of his qualifications valid that day (empty set: none).
    """

    day: date
    start: datetime
    end: datetime
    officers: dict[str, frozenset[str]]


class GroupJudgement(NamedTuple):
    """A group judged on an activity (``judge_group``).

    Attributes:
        parts: the activity's parts (``group_parts``), in time order.
        verdict: the verdict of ``matching.judge_group`` over those parts.
    """

    parts: list[GroupPart]
    verdict: GroupVerdict


def group_parts(
    store: Store,
    activity_id: str,
    officers: list[Staff],
    span: tuple[datetime, datetime] | None = None,
    gone: dict[str, Absence] | None = None,
    throughout: Collection[str] = (),
) -> list[GroupPart]:
    """The activity cut where a qualification's validity (local midnight, R8) or a shift of
    one of ``officers`` changes, or where one is elsewhere (``absences``): per part its local
    day, start, end and each of them on duty and there for all of it with the qualifications
    valid that day.

    Args:
        activity_id: the activity's full id.
        officers: the group.
        span: (start, end), aware UTC, as if the activity ran then; None for its own time.
        gone: the group's ``absences`` over the same time, when the caller has them.
        throughout: the callsigns of officers taken with only the qualifications valid
            throughout the activity (the places a newly deployed officer fits, R8:
            ``group_problems``); the others with those valid on the part's day (the binding
            of ``gaps.bind``).

    Returns:
        The parts in time order, each a ``GroupPart`` (local day, start, end, officers):
        start and end aware UTC, ``officers`` per callsign of each one on duty and there for
        the whole part the codes of all his qualifications valid that day (empty set: none);
        an officer off duty or elsewhere in a part is not in it. At least one part (one per
        local day the activity touches, cut further where the group's duty changes).
    """
    row = store.one("SELECT start_at, end_at FROM activity WHERE id = ?", (activity_id,))
    assert row is not None
    start, end = (to_db(span[0]), to_db(span[1])) if span else (row["start_at"], row["end_at"])
    if gone is None:
        gone = absences(store, activity_id, officers, (from_db(start), from_db(end)))
    busy = {c: a.spans() for c, a in gone.items()}
    lasting = {o.callsign: _lasting(o, from_db(end)) for o in officers}
    return [
        GroupPart(
            day,
            a,
            b,
            {
                o.callsign: lasting[o.callsign] if o.callsign in throughout else _valid(o, day)
                for o in on_duty
            },
        )
        for day, a, b, on_duty in _duty_parts(store, officers, start, end, busy)
    ]


@dataclass(frozen=True)
class Absence:
    """When a deployed officer, on duty, is not at an activity (``absences``); aware UTC.

    Attributes:
        bound: (start, end) he is bound to an activity that starts earlier (then by id) — the
            one binding of ``gaps.bind`` — or None.
        travelling: (start, end) he is on his way to it from the one before, the catalogue's
            minutes between their places (``gaps.arrivals``), or None.
        leaving: (start, end) he is on his way home already, to be there when his duty ends
            (the trip home is working time, rule: travel), or None.
        from_unit: his own unit when ``travelling`` is the way from it at the start of his
            duty (not from a deployment before), else None.
    """

    bound: tuple[datetime, datetime] | None
    travelling: tuple[datetime, datetime] | None
    leaving: tuple[datetime, datetime] | None = None
    from_unit: str | None = None

    def spans(self) -> list[tuple[datetime, datetime]]:
        """Both times, those he has.

        Returns:
            ``bound``, ``travelling`` then ``leaving``, each (start, end) aware UTC, leaving
            out a None;
            empty when he has neither.
        """
        return [s for s in (self.bound, self.travelling, self.leaving) if s is not None]


def absences(
    store: Store, activity_id: str, officers: list[Staff], span: tuple[datetime, datetime]
) -> dict[str, Absence]:
    """When each of ``officers`` deployed on the activity is elsewhere during ``span`` (the
    activity's time, as stored): bound to a live activity with a concept that starts before it
    (then by id) — where an officer deployed on two activities at once is — and then on his way
    from it, until he can be there (``gaps.arrivals``: the placement ``gaps``, ``capacity`` and
    ``suggest`` count him by). Only officers double-booked or deployed too close to the one
    before (a restriction, a correction or a calendar moved an activity) have any.

    Args:
        activity_id: the activity's full id.
        officers: the group.
        span: (start, end) of the activity, aware UTC, or as if it ran then.

    Returns:
        Per callsign with any, when (within ``span``) he is bound elsewhere and on his way.
    """
    start, end = span
    placed = arrivals(store, activity_id, (start, end), [(o.id, o.unit) for o in officers])
    found: dict[str, Absence] = {}
    for o in officers:
        bound_from, there, until, fresh = placed[o.id] or (end, end, end, False)
        if bound_from > start or there > bound_from or until < end:
            found[o.callsign] = Absence(
                (start, bound_from) if bound_from > start else None,
                (bound_from, there) if there > bound_from else None,
                (until, end) if until < end else None,
                o.unit if fresh and there > bound_from else None,
            )
    return found


def double_bookings(store: Store, activity_ids: Collection[str]) -> list[Problem]:
    """The officers deployed on these activities who are deployed on another live activity at
    the same time (a restriction, a correction or a calendar moved one onto the other): not
    refused (R5: scarcity may move an activity), but said, and listed by the violations. One
    ``double_booked`` problem per officer and pair of activities: the officer, the activity,
    the other (id prefixes), when they overlap (stored UTC), and the one he is bound to (the
    one that starts first, then by id: ``gaps.bind``).

    Args:
        activity_ids: full ids of the activities changed.

    Returns:
        The ``double_booked`` problems (params times aware UTC), activity by activity in
        the order given (each once), then by callsign and the other's start; a pair of two
        activities both given is said from each. Empty when nobody is double-booked.
    """
    found = []
    for activity_id in dict.fromkeys(activity_ids):
        for r in store.query(
            "SELECT p.callsign, b.id, a.start_at AS a_start, a.end_at AS a_end,"
            " b.start_at AS b_start, b.end_at AS b_end FROM deployment d"
            " JOIN activity a ON a.id = d.activity_id JOIN staff p ON p.id = d.staff_id"
            " JOIN deployment e ON e.staff_id = d.staff_id AND e.activity_id != a.id"
            " JOIN activity b ON b.id = e.activity_id"
            " WHERE a.id = ? AND a.status != 'cancelled' AND b.status != 'cancelled'"
            " AND b.start_at < a.end_at AND b.end_at > a.start_at ORDER BY p.callsign, b.start_at",
            (activity_id,),
        ):
            here, there = (from_db(r["a_start"]), activity_id), (from_db(r["b_start"]), r["id"])
            found.append(
                Problem(
                    "double_booked",
                    "one place at a time",
                    {
                        "callsign": r["callsign"],
                        "activity": short_id(store, "activity", activity_id),
                        "other": short_id(store, "activity", r["id"]),
                        "start": max(from_db(r["a_start"]), from_db(r["b_start"])),
                        "end": min(from_db(r["a_end"]), from_db(r["b_end"])),
                        "bound": short_id(store, "activity", min(here, there)[1]),
                    },
                )
            )
    return found


#: Problems a change of time does not cause or ``double_bookings`` says already.
_NOT_MOVED = ("one_place", "activity_cancelled", "no_concept")


def move_problems(store: Store, activity_ids: Collection[str]) -> list[Problem]:
    """What a change of these activities' times left wrong for the officers deployed on them:
    the double-bookings (``double_bookings``), then every other rule a deployment there would
    break now (travel too tight from the unit or the deployment before or to the next one, off
    duty, R8, rest: ``deployment_problem``) — not refused (R5: scarcity may move an activity),
    but said, as the violations list them.

    Args:
        activity_ids: full ids of the activities changed.

    Returns:
        The ``double_booked`` problems, then per activity (in the order given, each once) by
        callsign the first other problem of each deployed officer; empty when none.

    Raises:
        NotFound: ``concept`` (or the activity's own) is not in the catalogue
            (``deployment_problem``).
    """
    found = double_bookings(store, activity_ids)
    for activity_id in dict.fromkeys(activity_ids):
        for officer in deployed_officers(store, activity_id):
            why = deployment_problem(store, activity_id, officer)
            if why is not None and why.code not in _NOT_MOVED:
                found.append(why)
    return found


def _minus(
    spans: list[tuple[datetime, datetime]], away: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """``spans`` without the times ``away``."""
    for a, b in away:
        spans = [
            piece
            for s, e in spans
            for piece in ((s, min(e, a)), (max(s, b), e))
            if piece[0] < piece[1]
        ]
    return spans


def judge_group(
    store: Store,
    activity_id: str,
    concept: str,
    officers: list[Staff],
    span: tuple[datetime, datetime] | None = None,
    first: Collection[str] = (),
) -> GroupJudgement:
    """The group ``officers`` on the activity as if it carried ``concept`` (and ran over
    ``span``, default its own time): the one binding (``matching.bind_places``: a maximum
    matching of the officers to the places, each officer by the qualifications valid
    THROUGHOUT the activity, R8) that ``gaps``, the staffing shown open, deploying, assigning a
    concept, the violations and the suggestions share. Bound per part only where one of them
    comes on or goes off duty or is elsewhere; an officer is idle when he has a place in no
    part he is there for.

    Args:
        activity_id: the activity's full id.
        concept: the concept judged.
        officers: the group.
        span: (start, end), aware UTC, or None for the activity's own.
        first: callsigns bound before the others (deployed before those about to be), so a
            newcomer, not one already placed, is left over; each set in callsign order.

    Returns:
        A ``GroupJudgement``: the parts of the activity (``group_parts``) and the verdict.

    Raises:
        NotFound: ``concept`` is not in the catalogue.
    """
    staffing = {s.qualification: s.count for s in get_concept(store, concept).staffing}
    every = [o.callsign for o in officers]
    parts = group_parts(store, activity_id, officers, span, throughout=every)
    bound = [matching.bind_places(staffing, p.officers, first) for p in parts]
    placed = {
        c for p, b in zip(parts, bound, strict=True) for c in p.officers if c not in b.placeless
    }
    verdict = GroupVerdict(tuple(b.filled for b in bound), tuple(sorted(set(every) - placed)))
    return GroupJudgement(parts, verdict)


def group_problems(
    store: Store,
    activity_id: str,
    concept: str,
    officers: list[Staff],
    named: Collection[str] | None = None,
) -> list[Problem]:
    """Why the group ``officers`` may not staff the activity with ``concept`` together: one
    ``no_open_slot`` problem per officer who fills a slot in no part of it (judged whole,
    ``judge_group``). Rule R8 when a qualification of the concept that they hold is not valid
    in some part (it lapsed before or inside the activity), else staffing. A group that fills
    what it can and leaves slots open (a lapse at midnight, too few officers) is not refused:
    ``staffing.staffing_shortfalls`` shows what stays open.

    The officers ``named`` (about to be deployed) are judged against the places the others
    leave open as ``gaps.bind`` binds them (``open_parts``), each by the qualifications valid
    throughout the activity — an officer fits a place when a qualification that place needs
    is valid all of it (R8, rev16u F4): accepted when he fits an open place (named together,
    when the group of them fills one more with him), refused naming his lapse when that is
    why he fits none. Without ``named`` the whole group is judged part by part, each officer
    by the qualifications valid throughout it alike.

    ``named``: only these officers' problems (the ones about to be deployed). Officers already
    deployed who now fill nothing (stranded: a lapse recorded later, a restriction that moved
    the activity past their shift) never block others: adding an officer can never make an
    idle one needed (``matching.judge_group``), so they are as good as absent and the verdict
    on the named officers stays the same in any order.

    Args:
        activity_id: the activity's full id.
        concept: the concept.
        officers: the group.
        named: only these officers' problems (callsigns), or None for all.

    Returns:
        One ``no_open_slot`` problem (rule R8 or staffing) per idle officer, by callsign;
        params: ``callsign``, ``since`` (aware UTC), ``full`` ([code, filled, needed] per
        slot he fits: valid throughout the activity), ``lapsed`` ([code, lapse moment,
        aware UTC]) and ``names`` (the catalogue's). Empty when every officer fills a slot,
        or none is given.

    Raises:
        NotFound: ``concept`` is not in the catalogue.
    """
    if not officers:
        return []
    first = [o.callsign for o in officers if named is not None and o.callsign not in named]
    parts, verdict = judge_group(store, activity_id, concept, officers, first=first)
    staffing = {s.qualification: s.count for s in get_concept(store, concept).staffing}
    problems = []
    names = {q.code: q.name for q in list_qualifications(store)} if verdict.idle else {}
    for callsign in verdict.idle:
        if named is not None and callsign not in named:
            continue
        officer = next(o for o in officers if o.callsign == callsign)
        where = next((i for i, p in enumerate(parts) if callsign in p.officers), 0)
        since, end = parts[where].start, parts[-1].end
        found = _no_open_slot(names, officer, staffing, verdict.filled[where], since, end)
        problems.append(found)
    return problems


def check_concept_fits(store: Store, activity_id: str, concept: str) -> None:
    """Refuse a concept on an activity that the officers deployed on it do not fit as a group
    (``concept_group_problems``): the one check the store's concept assignment
    (``agenda.put_concept``) and the sync judge (``sync/plan_checks.py``, over the rows as they
    stood when a received concept was written) both make.

    Args:
        store: the database, or a reader of it (``one``, ``query``, ``tuples``, ``meta``).
        activity_id: the activity's full id.
        concept: the concept's code (as the catalogue has it).

    Raises:
        RuleViolation: the group does not fit (``concept_misfits_deployed``, with the facts of
            ``concept_misfit``; rule R8 when a qualification is the problem, else
            ``deployment``).
        NotFound: ``concept`` is not in the catalogue.
    """
    misfit = concept_misfit(store, activity_id, concept)
    if misfit is not None:
        raise RuleViolation(
            misfit["rule"],
            code="concept_misfits_deployed",
            **{k: v for k, v in misfit.items() if k != "rule"},
        )


def concept_group_problems(store: Store, activity_id: str, concept: str) -> list[Problem]:
    """Why the officers deployed on the activity could not all stay on it if it carried
    ``concept``: judged as a group, as deploying them would be (``judge_group``: each must
    fill a slot in some part of the activity; R8 across midnight). Empty when nobody is
    deployed.

    Args:
        store: the open database.
        activity_id: the activity's full id.
        concept: the concept's code.

    Returns:
        One problem per officer who would fill no slot (``no_open_slot``, its rule).

    Raises:
        NotFound: ``concept`` is not in the catalogue (``group_problems``).
    """
    return group_problems(store, activity_id, concept, _deployed(store, activity_id))


MISFIT_SEARCH_LIMIT = 12
"""The largest deployed group whose smallest releases are searched exactly (2^12 subgroups);
a larger one names every idle officer as the set to release."""


def concept_misfit(store: Store, activity_id: str, concept: str) -> dict[str, Any] | None:
    """What the officers deployed on the activity must give up for it to carry ``concept``:
    the smallest sets of them whose release makes the rest fit it as a group
    (``concept_group_problems`` empty), found by an exact search over the deployed group
    (a handful of officers; the groups that fit are closed under taking officers away, so the
    first size with a fitting remainder is the smallest).

    Args:
        store: the open database.
        activity_id: the activity's full id.
        concept: the concept's code.

    Returns:
        None when the deployed group fits; else the params of ``concept_misfits_deployed``:
        ``concept``, ``rule`` (R8 when a lapsed qualification is why, else ``deployment``),
        ``deployed`` (how many), ``surplus`` (how many must go), ``sets`` (each smallest set
        of callsigns, sorted) and ``candidates`` (the callsigns in any of them, sorted).

    Raises:
        NotFound: ``concept`` is not in the catalogue.
    """
    group = _deployed(store, activity_id)
    over = group_problems(store, activity_id, concept, group)
    if not over:
        return None
    rule = "R8" if any(p.rule == "R8" for p in over) else "deployment"
    sets = _smallest_releases(store, activity_id, concept, group)
    if not sets:  # too large to search: the idle officers, which is enough
        sets = [sorted(str(p.params.get("callsign", "")) for p in over)]
    return {
        "concept": concept,
        "rule": rule,
        "deployed": len(group),
        "surplus": len(sets[0]),
        "sets": sets,
        "candidates": sorted({c for s in sets for c in s}),
    }


def _smallest_releases(
    store: Store, activity_id: str, concept: str, group: list[Staff]
) -> list[list[str]]:
    """Every smallest set of ``group`` whose release leaves a group that fits ``concept``
    (empty when the group is over ``MISFIT_SEARCH_LIMIT``)."""
    if len(group) > MISFIT_SEARCH_LIMIT:
        return []
    for size in range(1, len(group) + 1):
        found = [
            sorted(o.callsign for o in gone)
            for gone in combinations(group, size)
            if not group_problems(store, activity_id, concept, [o for o in group if o not in gone])
        ]
        if found:
            return sorted(found)
    return [sorted(o.callsign for o in group)]


def _duty_parts(
    store: Store,
    officers: list[Staff],
    start: str,
    end: str,
    busy: dict[str, list[tuple[datetime, datetime]]],
) -> list[tuple[date, datetime, datetime, list[Staff]]]:
    """The activity [start, end) cut at local midnight and where a deployed officer's shift
    starts or ends or he is bound elsewhere (``busy``): per part its local day and the officers
    on duty for all of it, not bound elsewhere then."""
    shifts = {
        o.callsign: _minus(
            [
                (from_db(r["start_at"]), from_db(r["end_at"]))
                for r in _shifts_from(store, o, start, end)
            ],
            busy.get(o.callsign, []),
        )
        for o in officers
    }
    parts = []
    for day, begin, finish in _days(start, end):
        cuts = sorted(
            {begin, finish}
            | {t for spans in shifts.values() for span in spans for t in span if begin < t < finish}
        )
        for a, b in pairwise(cuts):
            here = [o for o in officers if any(s <= a and e >= b for s, e in shifts[o.callsign])]
            parts.append((day, a, b, here))
    return parts


def check_deployments(store: Store, activity_id: str, officers: list[Staff]) -> None:
    """Refuse deploying these officers on the activity as it stands: already deployed there,
    a ``deployment_problem`` of one, or one who would fill no slot of the group
    (``group_problems``). The one check the store's deploy and the sync judge
    (``sync/plan_checks.py``, over the rows as they stood when a received deployment was
    made) both make.

    Args:
        store: the database, or a reader of it (``one``, ``query``, ``tuples``, ``meta``).
        activity_id: the activity's full id.
        officers: the officers to deploy.

    Raises:
        RuleViolation: ``not_deployed`` (``deployment_refusal``) naming each problem.
        NotFound: the activity's concept is not in the catalogue.
    """
    problems: list[Problem] = []
    for officer in officers:
        if store.one(
            "SELECT 1 FROM deployment WHERE activity_id = ? AND staff_id = ?",
            (activity_id, officer.id),
        ):
            problems.append(
                Problem("already_deployed", "deployment", {"callsign": officer.callsign})
            )
            continue
        why = deployment_problem(store, activity_id, officer)
        if why is not None:
            problems.append(why)
    if not problems:
        row = store.one("SELECT concept FROM activity WHERE id = ?", (activity_id,))
        assert row is not None  # deployment_problem found its concept
        # the whole group as it would be, so the verdict is the same in any order, named at
        # once or one at a time (``matching.judge_group``)
        group = [*_deployed(store, activity_id), *officers]
        named = {o.callsign for o in officers}
        problems = group_problems(store, activity_id, row["concept"], group, named)
        if problems:
            problems = _bound_in_order(store, activity_id, row["concept"], officers, problems)
    if problems:
        raise deployment_refusal(problems)


def _bound_in_order(
    store: Any, activity_id: str, concept: str, officers: list[Staff], problems: list[Problem]
) -> list[Problem]:
    """The refusal's problems said place by place (rev17r): the named officers bound in
    callsign order (never the order named: the verdict and its words are the same in any
    order, a property test), each to a place still open (as ``gaps.bind`` binds a deployed
    group), so only those left without one are named, with how many places of their
    qualifications are open and who fills them (two officers for one close-protection place
    both read "fills no open slot (already filled 1 of 1)"). The verdict is the group's
    (``group_problems``): when the order binds everyone (a part across midnight), the
    problems stay as found."""
    base = _deployed(store, activity_id)
    taken: list[Staff] = []
    for officer in sorted(officers, key=lambda o: o.callsign):
        trial = [*base, *taken, officer]
        if not group_problems(store, activity_id, concept, trial, {officer.callsign}):
            taken.append(officer)
    left = {o.callsign for o in officers} - {o.callsign for o in taken}
    kept = [p for p in problems if p.params.get("callsign") in left]
    if not kept:
        return problems
    parts, verdict = judge_group(store, activity_id, concept, base) if base else ([], None)
    staffing = {s.qualification: s.count for s in get_concept(store, concept).staffing}
    bound = [o.callsign for o in taken]
    for problem in kept:
        since = problem.params["since"]
        where = next((i for i, p in enumerate(parts) if p.start <= since < p.end), None)
        filled = verdict.filled[where] if verdict is not None and where is not None else {}
        problem.params["open"] = [
            [code, staffing[code] - filled.get(code, 0)] for code, _f, _n in problem.params["full"]
        ]
        problem.params["bound"] = bound
    return kept


def deployment_refusal(problems: list[Problem]) -> RuleViolation:
    """The refusal of a deployment for these problems: the one the store's deploy raises and
    the sync judge (``sync/plan_checks.py``) keeps.

    Args:
        problems: why (at least one; ``deployment_problem``, ``group_problems``).

    Returns:
        A ``RuleViolation`` (``not_deployed``; rule R8 when a qualification is the problem,
        else ``deployment``) naming each problem once.
    """
    # the activity's own problem (cancelled, no concept) once, not per officer
    problems = [p for i, p in enumerate(problems) if p not in problems[:i]]
    rule = "R8" if any(p.rule == "R8" for p in problems) else "deployment"
    return RuleViolation(rule, code="not_deployed", problems=[p.facts() for p in problems])


@dataclass(frozen=True)
class Candidate:
    """An officer who may be deployed on an activity now, for its open places.

    Attributes:
        callsign: the officer.
        unit: their unit (the activity's own unit first in a listing).
        fills: the open places' qualifications they hold valid throughout the activity, sorted.
    """

    callsign: str
    unit: str
    fills: tuple[str, ...]


def deployable(
    store: Store, activity_id: str, *, limit: int = 12, concept: str | None = None
) -> list[Candidate]:
    """The officers free and qualified for the activity's open places: on duty for all of it,
    no rule refuses them (``deployment_problem``: R8, travel, one place at a time, rest), and
    the group with them fills a slot more somewhere and leaves nobody idle (``judge_group``,
    as deploying them would judge it). The activity's own unit first, then by callsign; at
    most ``limit``. Empty when the activity has no concept, is cancelled, has ended, or is
    fully staffed.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.
        limit: the most officers listed.
        concept: judge the places of this concept, as if the activity carried it (a
            suggestion that plans it with a valid concept first); None for its own.

    Returns:
        The candidates, best first.

    Raises:
        NotFound: no such activity.
    """
    full = resolve_id(store, "activity", activity_id, "activity")
    row = store.one(
        "SELECT a.concept, a.status, a.start_at, a.end_at, s.unit FROM activity a"
        " JOIN subject s ON s.id = a.subject_id WHERE a.id = ?",
        (full,),
    )
    assert row is not None
    concept = concept or row["concept"]
    if concept is None or row["status"] == "cancelled":
        return []
    if from_db(row["end_at"]) <= store.clock.now():
        return []  # deploying on an ended activity is refused (``activity_over``)
    staffing = {s.qualification: s.count for s in get_concept(store, concept).staffing}
    deployed = _deployed(store, full)
    now = judge_group(store, full, concept, deployed).verdict
    wanted = {q for filled in now.filled for q, n in staffing.items() if filled[q] < n}
    on_duty = {
        str(r[0])
        for r in store.tuples(
            "SELECT DISTINCT staff_id FROM shift WHERE start_at < ? AND end_at > ?",
            (row["end_at"], row["start_at"]),
        )
    }
    end = from_db(row["end_at"])
    found = []
    for officer in sorted(list_staff(store), key=lambda o: (o.unit != row["unit"], o.callsign)):
        held = _lasting(officer, end)  # valid throughout (R8): a lapsing one fits no place
        # one holding another of the concept's qualifications can take the place of a deployed
        # officer who holds the open one too (the group is judged whole: ``group_problems``)
        fills = held & wanted or held & staffing.keys()
        if officer in deployed or officer.id not in on_duty or not fills:
            continue
        if deployment_problem(store, full, officer, concept) is None and not group_problems(
            store, full, concept, [*deployed, officer], {officer.callsign}
        ):
            found.append(Candidate(officer.callsign, officer.unit, tuple(sorted(fills))))
            if len(found) >= limit:
                break
    return found


def lapsing_within(store: Store, activity_id: str) -> list[Problem]:
    """The officers on duty during the activity whom R8 keeps off it for a lapse within it
    (``deployment_problem``'s ``lapses``: none of the concept's qualifications is valid
    throughout it, one lapses before its end; or the only open places he could fill need the
    qualification that lapses, ``group_problems``), so a form that offers the free officers can
    say why these are not offered.

    Args:
        store: the open database.
        activity_id: the activity's full id.

    Returns:
        One ``lapses`` problem per such officer not deployed on it, by callsign; empty when
        the activity has no concept or is cancelled.

    Raises:
        NotFound: the activity's concept is not in the catalogue.
    """
    row = store.one(
        "SELECT concept, status, start_at, end_at FROM activity WHERE id = ?", (activity_id,)
    )
    if row is None or row["concept"] is None or row["status"] == "cancelled":
        return []
    needs = {s.qualification for s in get_concept(store, row["concept"]).staffing}
    on_duty = {
        str(r[0])
        for r in store.tuples(
            "SELECT DISTINCT staff_id FROM shift WHERE start_at < ? AND end_at > ?",
            (row["end_at"], row["start_at"]),
        )
    }
    group = _deployed(store, activity_id)
    deployed = {o.id for o in group}
    begin, end = from_db(row["start_at"]), from_db(row["end_at"])
    found = []
    for officer in list_staff(store):
        if officer.id not in on_duty or officer.id in deployed:
            continue
        why = _unqualified(officer, needs, row["start_at"], row["end_at"])
        lapsing = _lapsing(officer, needs, begin, end)
        if why is None and lapsing is not None:  # he fits no open place but for a lapse
            unfit = group_problems(
                store, activity_id, row["concept"], [*group, officer], {officer.callsign}
            )
            if unfit and unfit[0].params["lapsed"]:
                params = {"callsign": officer.callsign, "qualification": lapsing[0]}
                why = Problem(
                    "lapses", "R8", {**params, "lapse": lapsing[1], "start": begin, "end": end}
                )
        if why is not None and why.code == "lapses":
            found.append(why)
    return sorted(found, key=lambda p: p.params["callsign"])


def list_deployments(store: Store, activity_id: str) -> list[Deployment]:
    """The officers deployed on one activity, by callsign.

    Args:
        store: the open database.
        activity_id: the activity's id, or a unique prefix of at least 8 characters.

    Returns:
        The deployments, times aware UTC.

    Raises:
        NotFound: no activity has that id.
        BadInput: the prefix matches more than one activity.
    """
    full = resolve_id(store, "activity", activity_id, "activity")
    rows = store.query(
        "SELECT d.id, d.activity_id, p.callsign, d.created_at FROM deployment d"
        " JOIN staff p ON p.id = d.staff_id WHERE d.activity_id = ?"
        " ORDER BY p.callsign",
        (full,),
    )
    return [Deployment(**with_times(r, "created_at")) for r in rows]
