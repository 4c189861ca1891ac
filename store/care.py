"""Psychosocial care (issue 20): the protected person's household, by code, and the care modules
of the person's package per member, each status change recorded with its day and who recorded it.

Members are recorded by code and relation only, never by name: ``MEREL-P1`` (a partner),
``MEREL-C1`` (a child); the person themself is the member ``self``. Which member a module is
for follows from the catalogue's module name (``rules.care_module_for``). Not the content of
care: a status, a day and at most a short note.

Recorded and read by shift leaders, planners and admins (``care.write``, ``care.read``): the
people who arrange the package around the person. Every record is an event: never edited,
synced as it is; a member is ended, never deleted, and a status changes by a new record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from . import access, validate
from .clock import from_db, local, to_db
from .db import Store
from .errors import BadInput, NotFound, RuleViolation
from .ids import uuid7
from .rules import (
    CARE_BACKDATE_DAYS,
    CARE_NOTE_LENGTH,
    CARE_STATUSES,
    HOUSEHOLD_RELATIONS,
    care_module_for,
    member_code,
)
from .subjects import Subject, get_subject
from .workflows import CLOSED, history_refusal

STATUSES = CARE_STATUSES
RELATIONS = HOUSEHOLD_RELATIONS
#: The member that is the protected person themself.
SELF = "self"


@dataclass(frozen=True)
class Member:
    """One member of a protected person's household (or the person themself).

    Attributes:
        id: the member's record id (None for ``self``).
        code: the member's code (``MEREL-P1``), or ``self``.
        relation: ``self``, ``partner`` or ``child``.
        added_at: when the member was recorded (aware UTC; None for ``self``).
        added_by: who recorded it (callsign; None for ``self``).
        ended_at: when the member was ended (aware UTC), or None.
        ended_by: who ended it, or None.
    """

    id: str | None
    code: str
    relation: str
    added_at: datetime | None
    added_by: str | None
    ended_at: datetime | None = None
    ended_by: str | None = None


@dataclass(frozen=True)
class CareRecord:
    """One status of one care module for one member: an event of the module's history.

    Attributes:
        id: the record's id.
        member: the member's code, or ``self``.
        module: the catalogue's module name.
        status: ``offered``, ``accepted``, ``declined`` or ``ended``.
        on: the day the status took effect (Europe/Amsterdam).
        note: a short note (may be empty).
        recorded_at: when it was recorded (aware UTC).
        recorded_by: who recorded it (callsign).
    """

    id: str
    member: str
    module: str
    status: str
    on: date
    note: str
    recorded_at: datetime
    recorded_by: str


def _person(store: Store, code: str) -> Subject:
    subject = get_subject(store, code)
    if subject.kind != "person":
        raise RuleViolation("care", code="care_not_a_person", person=subject.code)
    return subject


def add_member(store: Store, person: str, relation: str) -> Member:
    """Record a partner or child of a protected person, by code (no name), audited
    ``household.add``.

    Args:
        store: the open database, acting as a person who may ``care.write``.
        person: the subject's code name.
        relation: ``partner`` or ``child``.

    Returns:
        The member as stored, with its new code (``MEREL-P1``, ``MEREL-C2`` …).

    Raises:
        PermissionDenied: the acting person may not record care.
        NotFound: no such subject.
        BadInput: a relation not in ``RELATIONS``.
        RuleViolation: the subject is not a person (``care_not_a_person``).
    """
    member_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("household.add", member_id, detail, require="care.write") as conn:
        validate.choice(relation, "relation", RELATIONS)
        subject = _person(store, person)
        held = conn.execute(
            "SELECT count(*) FROM household_member WHERE subject_id = ? AND relation = ?",
            (subject.id, relation),
        ).fetchone()[0]
        code = member_code(subject.code, relation, int(held) + 1)
        detail.update(person=subject.code, member=code, relation=relation)
        conn.execute(
            "INSERT INTO household_member (id, subject_id, code, relation, added_at, added_by,"
            " device) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                member_id,
                subject.id,
                code,
                relation,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
            ),
        )
    return _member(store, subject, code)


def end_member(store: Store, person: str, member: str) -> Member:
    """End a member of the household (no longer part of it); nothing is deleted. Audited
    ``household.end``.

    Args:
        store: the open database, acting as a person who may ``care.write``.
        person: the subject's code name.
        member: the member's code (case does not matter).

    Returns:
        The member as stored, ended.

    Raises:
        PermissionDenied: the acting person may not record care.
        NotFound: no such subject, or no such member of it (``care_no_such_member``); ``self``
            is not a member that ends (``care_self_not_ended``).
        RuleViolation: the subject is not a person, or the member was ended already
            (``care_member_ended_already``).
    """
    end_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("household.end", end_id, detail, require="care.write") as conn:
        subject = _person(store, person)
        found = _member(store, subject, member)
        if found.id is None:
            raise NotFound(code="care_self_not_ended", person=subject.code)
        if found.ended_at is not None:
            raise RuleViolation("care", code="care_member_ended_already", member=found.code)
        detail.update(person=subject.code, member=found.code)
        conn.execute(
            "INSERT INTO household_end (id, member_id, ended_at, ended_by, device)"
            " VALUES (?, ?, ?, ?, ?)",
            (end_id, found.id, to_db(store.now()), store.actor.callsign, store.device_id),
        )
    return _member(store, subject, found.code)


def list_members(store: Store, person: str, *, check: bool = True) -> list[Member]:
    """The person themself (``self``) and every member of their household, ended ones too, in
    the order they were recorded.

    Args:
        store: the open database, acting as a person who may ``care.read``.
        person: the subject's code name.
        check: check the reader's role (the store's own read-back does not).

    Returns:
        ``self`` first, then the members.

    Raises:
        PermissionDenied: the acting person may not read care.
        NotFound: no such subject.
        RuleViolation: the subject is not a person.
    """
    if check:
        access.require(store.actor, "care.read")
    subject = _person(store, person)
    return _members(store, subject)


def _members(store: Store, subject: Subject) -> list[Member]:
    rows = store.query(
        "SELECT m.id, m.code, m.relation, m.added_at, m.added_by,"
        " (SELECT min(e.ended_at) FROM household_end e WHERE e.member_id = m.id) AS ended_at,"
        " (SELECT e.ended_by FROM household_end e WHERE e.member_id = m.id"
        "  ORDER BY e.ended_at, e.id LIMIT 1) AS ended_by"
        " FROM household_member m WHERE m.subject_id = ? ORDER BY m.added_at, m.id",
        (subject.id,),
    )
    found = [Member(None, SELF, SELF, None, None)]
    for r in rows:
        found.append(
            Member(
                id=r["id"],
                code=r["code"],
                relation=r["relation"],
                added_at=from_db(r["added_at"]),
                added_by=r["added_by"],
                ended_at=None if r["ended_at"] is None else from_db(r["ended_at"]),
                ended_by=r["ended_by"],
            )
        )
    return found


def _member(store: Store, subject: Subject, given: str) -> Member:
    wanted = given.strip().upper() if isinstance(given, str) else ""
    for member in _members(store, subject):
        if member.code.upper() == wanted:
            return member
    raise NotFound(code="care_no_such_member", person=subject.code, given=validate.shown(given))


def package_modules(store: Store, subject: Subject) -> tuple[str, ...]:
    """The care modules of the subject's package now (none before its first assessment).

    Args:
        store: the open database.
        subject: the subject.

    Returns:
        The catalogue's module names, in the catalogue's order.
    """
    if subject.package is None:
        return ()
    row = store.one("SELECT care_modules FROM package WHERE code = ?", (subject.package,))
    return () if row is None else tuple(json.loads(row[0]))


def _module(modules: tuple[str, ...], given: str, subject: Subject) -> str:
    """The module named: its exact name or a part of it that names one module alone (case
    does not matter: ``partner``, ``relocation``)."""
    if not modules and subject.package is None:
        raise RuleViolation("care", code="care_no_package", person=subject.code)
    wanted = given.strip().casefold()
    exact = [m for m in modules if m.casefold() == wanted]
    matching = exact or [m for m in modules if wanted and wanted in m.casefold()]
    if not matching:
        raise RuleViolation(
            "care",
            code="care_module_not_in_package",
            given=validate.shown(given),
            package=subject.package or "",
            modules=list(modules),
        )
    if len(matching) > 1:
        raise BadInput(code="care_module_ambiguous", given=validate.shown(given), modules=matching)
    return matching[0]


def record_care(
    store: Store,
    person: str,
    *,
    member: str,
    module: str,
    status: str,
    on: date | None = None,
    note: str = "",
) -> CareRecord:
    """Record a status of a care module for a member: a new event of the module's history,
    never overwriting one. Audited ``care.record``.

    Args:
        store: the open database, acting as a person who may ``care.write``.
        person: the subject's code name.
        member: ``self`` or the member's code (case does not matter).
        module: the module's catalogue name, or a part of it naming one module of the package.
        status: ``offered``, ``accepted``, ``declined`` or ``ended``.
        on: the day the status took effect (Europe/Amsterdam); None: today.
        note: a short note, at most ``CARE_NOTE_LENGTH`` characters (no content of care).

    Returns:
        The record as stored.

    Raises:
        PermissionDenied: the acting person may not record care.
        NotFound: no such subject or member (``care_no_such_member``).
        BadInput: a status not in ``STATUSES``, a note too long, a module part naming several
            modules (``care_module_ambiguous``), a day ahead of today (``care_date_ahead``),
            more than ``CARE_BACKDATE_DAYS`` back (``care_backdated``) or before the member was
            recorded (``care_date_before_member``).
        RuleViolation: the subject is not a person; no package yet (``care_no_package``: no
            threat assessment); a module not in the package now
            (``care_module_not_in_package``) or not for this member
            (``care_module_not_for_member``); a member ended (only ``ended`` may still be
            recorded); a first status other than ``offered`` (``care_not_offered``), the
            status it has already (``care_status_unchanged``) or a day before its last one
            (``care_date_before_last``).
    """
    record_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("care.record", record_id, detail, require="care.write") as conn:
        validate.choice(status, "care_status", STATUSES)
        said = validate.text(note, "care_note", max_len=CARE_NOTE_LENGTH)
        subject = _person(store, person)
        found = _member(store, subject, member)
        name = _module(_modules_for(store, subject, found, status), module, subject)
        if care_module_for(name) != found.relation:
            raise RuleViolation(
                "care",
                code="care_module_not_for_member",
                module=name,
                member=found.code,
                relation=found.relation,
            )
        if found.ended_at is not None and status != "ended":
            raise RuleViolation("care", code="care_member_ended", member=found.code)
        day = _day(store, found, on)
        _follows_history(store, subject, found, name, status, day)
        detail.update(
            person=subject.code, member=found.code, module=name, status=status, on=day.isoformat()
        )
        conn.execute(
            "INSERT INTO care_record (id, subject_id, member_id, module, status, on_date, note,"
            " recorded_at, recorded_by, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record_id,
                subject.id,
                found.id,
                name,
                status,
                day.isoformat(),
                said,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
            ),
        )
    return next(r for r in _records(store, subject) if r.id == record_id)


def _modules_for(store: Store, subject: Subject, member: Member, status: str) -> tuple[str, ...]:
    """The modules a status may be recorded for: the package's now; ``ended`` and ``declined``
    also for a module with a history for the member that the package no longer has."""
    modules = package_modules(store, subject)
    if status not in CLOSED:
        return modules
    had = [r.module for r in _records(store, subject) if r.member == member.code]
    return tuple(dict.fromkeys([*modules, *had]))


def _day(store: Store, member: Member, on: date | None) -> date:
    """The day a status took effect: today when not given, never ahead of today, at most
    ``CARE_BACKDATE_DAYS`` back, never before the member was recorded."""
    today = local(store.now()).date()
    day = today if on is None else validate.day(on, "on")
    if day > today:
        raise BadInput(code="care_date_ahead", on=day.isoformat(), today=today.isoformat())
    if (today - day).days > CARE_BACKDATE_DAYS:
        raise BadInput(code="care_backdated", on=day.isoformat(), days=CARE_BACKDATE_DAYS)
    if member.added_at is not None and day < local(member.added_at).date():
        added = local(member.added_at).date().isoformat()
        raise BadInput(
            code="care_date_before_member", on=day.isoformat(), member=member.code, added=added
        )
    return day


def _follows_history(
    store: Store, subject: Subject, member: Member, module: str, status: str, day: date
) -> None:
    """A module's history follows ``history_refusal``."""
    history = [
        (r.status, r.on)
        for r in _records(store, subject)
        if r.member == member.code and r.module == module
    ]
    refused = history_refusal(history, status, day, module=module, member=member.code)
    if refused is not None:
        raise refused


def _records(store: Store, subject: Subject) -> list[CareRecord]:
    """Every care record of the subject, in the order of the day, then of recording."""
    rows = store.query(
        "SELECT c.*, coalesce(m.code, 'self') AS member_code FROM care_record c"
        " LEFT JOIN household_member m ON m.id = c.member_id WHERE c.subject_id = ?"
        " ORDER BY c.on_date, c.recorded_at, c.id",
        (subject.id,),
    )
    return [
        CareRecord(
            id=r["id"],
            member=r["member_code"],
            module=r["module"],
            status=r["status"],
            on=date.fromisoformat(r["on_date"]),
            note=r["note"],
            recorded_at=from_db(r["recorded_at"]),
            recorded_by=r["recorded_by"],
        )
        for r in rows
    ]


def care_history(store: Store, person: str) -> list[CareRecord]:
    """Every care record of a person, their household's too, oldest day first.

    Args:
        store: the open database, acting as a person who may ``care.read``.
        person: the subject's code name.

    Returns:
        The records, by day, then by when they were recorded.

    Raises:
        PermissionDenied: the acting person may not read care.
        NotFound: no such subject.
        RuleViolation: the subject is not a person.
    """
    access.require(store.actor, "care.read")
    return _records(store, _person(store, person))


@dataclass(frozen=True)
class CareStatus:
    """Where one module stands for one member: its current status and the days of each step.

    Attributes:
        member: the member's code, or ``self``.
        relation: ``self``, ``partner`` or ``child``.
        module: the catalogue's module name.
        status: the latest status, or None: not offered yet.
        days: status → the day it was last recorded with (``offered`` … ``ended``).
        in_package: whether the person's package has the module now.
    """

    member: str
    relation: str
    module: str
    status: str | None
    days: dict[str, date]
    in_package: bool


def care_overview(store: Store, person: str) -> list[CareStatus]:
    """Per member (not ended) and per module of the package for that member, and per module
    with any record: the current status and its days.

    Args:
        store: the open database, acting as a person who may ``care.read``.
        person: the subject's code name.

    Returns:
        One entry per (member, module): members in ``list_members`` order, modules in the
        package's order, then those no longer in it.

    Raises:
        PermissionDenied: the acting person may not read care.
        NotFound: no such subject.
        RuleViolation: the subject is not a person.
    """
    access.require(store.actor, "care.read")
    subject = _person(store, person)
    modules = package_modules(store, subject)
    records = _records(store, subject)
    found = []
    for member in _members(store, subject):
        had = [r for r in records if r.member == member.code]
        names = [m for m in modules if care_module_for(m) == member.relation]
        if member.ended_at is not None:
            names = []
        names += [r.module for r in had if r.module not in names]
        for name in dict.fromkeys(names):
            steps = [r for r in had if r.module == name]
            found.append(
                CareStatus(
                    member=member.code,
                    relation=member.relation,
                    module=name,
                    status=steps[-1].status if steps else None,
                    days={r.status: r.on for r in steps},
                    in_package=name in modules,
                )
            )
    return found


@dataclass(frozen=True)
class NotOffered:
    """A module a package change added for a member who was already there, not offered yet:
    an open item of the handover until it is offered.

    Attributes:
        person: the subject's code name.
        member: the member's code, or ``self``.
        module: the catalogue's module name.
        since: when the threat assessment that added it was made (aware UTC).
        assessment: that assessment's id.
    """

    person: str
    member: str
    module: str
    since: datetime
    assessment: str


def not_offered(store: Store) -> list[NotOffered]:
    """Every module a package change (a threat assessment whose package has a module the one
    before it lacked) added for a member recorded before that change, still in the package now,
    with no ``offered`` record for that member: the first such change counts.

    The person's first assessment sets a package, it changes none. No role is checked: the
    handover's draft reads it (the modules by name and the members by code, nothing more).

    Args:
        store: the open database.

    Returns:
        The modules not offered, by person, member (``self`` first) and module.
    """
    steps = store.query(
        "SELECT a.id, a.subject_id, a.assessed_at, p.care_modules, s.code"
        " FROM threat_assessment a JOIN subject s ON s.id = a.subject_id AND s.kind = 'person'"
        " JOIN threat_level t ON t.level = a.level JOIN package p ON p.code = t.package"
        " ORDER BY s.code, a.assessed_at, a.id"
    )
    added: dict[str, list[tuple[str, str, str, str]]] = {}
    before: dict[str, set[str]] = {}
    for r in steps:
        modules = set(json.loads(r["care_modules"]))
        if r["subject_id"] in before:
            for name in sorted(modules - before[r["subject_id"]]):
                added.setdefault(r["subject_id"], []).append(
                    (r["assessed_at"], name, r["id"], r["code"])
                )
        before[r["subject_id"]] = modules
    found: dict[tuple[str, str, str], NotOffered] = {}
    for subject_id, changes in added.items():
        _not_offered_of(store, subject_id, changes, found)
    return list(found.values())


def _not_offered_of(
    store: Store,
    subject_id: str,
    changes: list[tuple[str, str, str, str]],
    found: dict[tuple[str, str, str], NotOffered],
) -> None:
    now = store.one(
        "SELECT p.care_modules FROM subject_protection s JOIN package p ON p.code = s.package"
        " WHERE s.subject_id = ?",
        (subject_id,),
    )
    modules = set() if now is None else set(json.loads(now[0]))
    members = [("", None, SELF, SELF)] + [
        (r["added_at"], r["id"], r["code"], r["relation"])
        for r in store.query(
            "SELECT m.id, m.code, m.relation, m.added_at FROM household_member m"
            " WHERE m.subject_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM household_end e WHERE e.member_id = m.id) ORDER BY m.added_at, m.id",
            (subject_id,),
        )
    ]
    offered = {
        (r["member_id"], r["module"])
        for r in store.query(
            "SELECT member_id, module FROM care_record WHERE subject_id = ? AND status = 'offered'",
            (subject_id,),
        )
    }
    for added_at, member_id, code, relation in members:
        for at, name, assessment, person in changes:
            key = (person, code, name)
            if name not in modules:
                continue
            if relation != care_module_for(name) or added_at > at or key in found:
                continue
            if (member_id, name) not in offered:
                found[key] = NotOffered(person, code, name, from_db(at), assessment)
