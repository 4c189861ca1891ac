"""Protected subjects (persons, objects, services) by code name, and their threat assessments.

A threat assessment sets the subject's threat level; the required resistance level and package
follow from it deterministically (R2, ``catalogue.derive``). When the required level rises, every
activity whose concept no longer suffices shows as needing re-planning at once (R1): the
``activity_view`` derives that flag from the current levels, so it can never go stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import machine, validate
from .clock import from_db, to_db, with_times
from .db import Store
from .errors import BadInput, NotFound
from .ids import uuid7

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:  # the catalogue is read only by writes, explanations and a unit filter
    import sqlite3

    from .catalogue import Package, ThreatRule

#: No catalogue has threat levels beyond this; a larger number is refused before any lookup.
MAX_LEVEL = 1000


@dataclass(frozen=True)
class Subject:
    """A protected subject (person, object or service), by code name, with its protection as
    derived from its latest threat assessment (R2).

    Attributes:
        id: the subject's id.
        code: its code name, e.g. ``BEVER``.
        kind: ``person``, ``object`` or ``service``.
        domain: ``local`` or ``national`` (which competent authority decides).
        unit: the unit that protects it.
        threat_level: the latest assessment's level, or None before the first.
        required_level: the resistance level it requires, or None.
        package: its security package, or None.
    """

    id: str
    code: str
    kind: str
    domain: str
    unit: str
    threat_level: int | None
    required_level: str | None
    package: str | None


@dataclass(frozen=True)
class ThreatAssessment:
    """One threat assessment and the protection that follows from its level (R2).

    Attributes:
        id: the assessment's id.
        subject: the subject's code name.
        level: the threat level (the catalogue's ``threat_levels``).
        domain: the domain it put the subject in.
        summary: its summary ('' when none).
        assessed_at: when it was recorded (aware UTC).
        assessed_by: who recorded it (callsign).
        required_level: the resistance level its level requires.
        package: the package its level gives.
        device: the id of the laptop it was recorded on ('' when not known).
    """

    id: str
    subject: str
    level: int
    domain: str
    summary: str
    assessed_at: datetime
    assessed_by: str
    required_level: str
    package: str
    device: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why a subject has the protection it has (R2).

    Attributes:
        subject: the subject as it is now.
        assessment: its latest threat assessment, or None before the first.
        rule: the catalogue's rule for its threat level, or None without one.
        package: the package that rule gives, with its concepts, or None.
        history: every assessment of the subject, newest first.
        activities_to_replan: ids of its activities that need re-planning, by start.
    """

    subject: Subject
    assessment: ThreatAssessment | None
    rule: ThreatRule | None
    package: Package | None
    history: tuple[ThreatAssessment, ...]
    activities_to_replan: tuple[str, ...]


_SUBJECT_SQL = """
SELECT s.id, s.code, s.kind, s.domain, s.unit, s.threat_level, p.required_level, p.package
FROM subject s JOIN subject_protection p ON p.subject_id = s.id
"""


def normalise_code(code: str) -> str:
    """A code name as stored: stripped and upper case.

    Args:
        code: the code name as typed.

    Returns:
        The code name, upper case.

    Raises:
        BadInput: not 2–32 letters, digits and hyphens starting with a letter.
    """
    from .rules import SUBJECT_CODE_PATTERN  # the rule table: loaded by writes, not by listings

    value = validate.identifier(code, "code_name")
    if not SUBJECT_CODE_PATTERN.match(value):
        raise BadInput(code="not_a_code_name", given=validate.shown(code))
    return value


def add_subject(store: Store, code: str, *, kind: str, domain: str, unit: str) -> Subject:
    """Add a protected subject by code name, in one audited write (``subject.add``).

    It has no threat level, required level or package until its first assessment
    (``assess_threat``).

    Args:
        store: the open database, acting as a person who may ``subject.write``.
        code: its code name (any case; 2–32 letters, digits, hyphens, starting with a letter).
        kind: ``person``, ``object`` or ``service``.
        domain: ``local`` or ``national``.
        unit: the protecting unit's code (any case).

    Returns:
        The subject as stored.

    Raises:
        PermissionDenied: the acting person may not write subjects.
        NotFound: no such unit.
        BadInput: a bad code name, an unknown kind or domain, or the code name is in use.
    """
    subject_id = uuid7()
    detail = {"code": code, "kind": kind}
    with store.write("subject.add", subject_id, detail, require="subject.write") as conn:
        code = detail["code"] = normalise_code(code)
        from .rules import DOMAINS
        from .rules import SUBJECT_KINDS as KINDS

        if kind not in KINDS:
            raise BadInput(
                code="unknown_subject_kind", given=validate.shown(kind), choices=list(KINDS)
            )
        if domain not in DOMAINS:
            raise BadInput(code="unknown_domain", given=validate.shown(domain))
        from . import catalogue

        unit_code = catalogue.get_unit(store, unit).code
        if store.one("SELECT 1 FROM subject WHERE code = ?", (code,)):
            raise BadInput(code="code_name_taken", name=code)
        conn.execute(
            "INSERT INTO subject (id, code, kind, domain, unit, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (subject_id, code, kind, domain, unit_code, to_db(store.now())),
        )
    return get_subject(store, code)


def get_subject(store: Store, code: str) -> Subject:
    """One subject by code name, with its protection as it is now.

    Args:
        store: the open database.
        code: the code name (surrounding spaces and case ignored).

    Returns:
        The subject.

    Raises:
        NotFound: no subject has that code name.
    """
    row = store.one(_SUBJECT_SQL + " WHERE s.code = ?", (validate.identifier(code, "code_name"),))
    if row is None:
        raise NotFound(code="unknown_subject", name=validate.shown(code))
    return Subject(**dict(row))


def subject_by_id(store: Store, subject_id: str) -> Subject:
    """One subject by its id, with its protection as it is now.

    Args:
        store: the open database.
        subject_id: the subject's full id.

    Returns:
        The subject.

    Raises:
        NotFound: no subject has that id.
    """
    row = store.one(_SUBJECT_SQL + " WHERE s.id = ?", (subject_id,))
    if row is None:
        raise NotFound(code="unknown_subject_id", subject_id=subject_id)
    return Subject(**dict(row))


def list_subjects(
    store: Store, *, unit: str | None = None, kind: str | None = None
) -> list[Subject]:
    """Subjects, by code name.

    Args:
        store: the open database.
        unit: only this unit's (any case); None for all.
        kind: only this kind (``person``, ``object``, ``service``); None for all.

    Returns:
        The subjects with their protection.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
        IntegrityFailure: ``database_damaged``: a table of the protection chain holds a value
            of a type its column never holds, or an index that no longer matches it (exit 5).
    """
    store.refuse_damaged_tables(machine.CHAIN_TABLES)
    clauses, params = [], []
    if unit is not None:
        from . import catalogue

        clauses.append("s.unit = ?")
        params.append(catalogue.get_unit(store, unit).code)
    if kind:
        clauses.append("s.kind = ?")
        params.append(kind)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.tuples(_SUBJECT_SQL + where + " ORDER BY s.code", params)
    return [Subject(*r) for r in rows]  # the columns in the order of the fields


def assess_threat(
    store: Store, code: str, *, level: int, domain: str | None = None, summary: str = ""
) -> ThreatAssessment:
    """Record a threat assessment; the subject's protection follows from it (R2).

    One audited write (``threat.assess``). A higher required level flags the subject's
    activities whose concept no longer suffices for re-planning (R1; by trigger and view).

    Args:
        store: the open database, acting as a person who may ``subject.write``.
        code: the subject's code name (any case).
        level: the threat level (one the catalogue knows).
        domain: ``local`` or ``national`` to change the subject's domain; None keeps it.
        summary: the assessment's summary ('' when none).

    Returns:
        The assessment as recorded, with the required level and package it gives.

    Raises:
        PermissionDenied: the acting person may not write subjects.
        NotFound: no subject has that code name.
        BadInput: a level out of range or not in the catalogue, an unknown domain, a summary
            too long.
        IntegrityFailure: as ``list_subjects`` (the level in force is derived from them).
    """
    assessment_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("threat.assess", None, detail, require="subject.write") as conn:
        validate.integer(level, "threat_level", low=0, high=MAX_LEVEL)
        summary = validate.text(summary, "summary")
        store.refuse_damaged_tables(machine.CHAIN_TABLES)
        subject = get_subject(store, code)
        store.target(subject.id)
        from . import catalogue

        catalogue.derive(store, level)  # a level the catalogue knows; the view derives the rest
        new_domain = domain or subject.domain
        from .rules import DOMAINS

        if new_domain not in DOMAINS:
            raise BadInput(code="unknown_domain", given=validate.shown(domain))
        detail.update({"code": subject.code, "from": subject.threat_level, "to": level})
        conn.execute(
            "INSERT INTO threat_assessment"
            " (id, subject_id, level, domain, summary, assessed_at, assessed_by, device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                assessment_id,
                subject.id,
                level,
                new_domain,
                summary.strip(),
                _assessed_at(conn, subject.id, store.now()),
                store.actor.callsign,
                store.device_id,
            ),
        )
        # the threat level follows from the assessment by trigger (R2); the domain with it
        conn.execute("UPDATE subject SET domain = ? WHERE id = ?", (new_domain, subject.id))
        store.made(assessment_id)
    return _assessments(store, "WHERE a.id = ?", (assessment_id,))[0]


def _assessed_at(conn: sqlite3.Connection, subject_id: str, now: datetime) -> str:
    """When a new assessment is dated: now, but never before one this laptop holds of the
    subject (a peer's clock may run up to the allowed skew ahead, and its assessment is taken in
    at once): the new one saw it and follows it, so R2's latest by time is this one (issue 13)."""
    row = conn.execute(
        "SELECT max(assessed_at) FROM threat_assessment WHERE subject_id = ?", (subject_id,)
    ).fetchone()
    stamp = to_db(now)
    if row is None or row[0] is None or row[0] <= stamp:  # the same second: the id decides
        return stamp
    return to_db(from_db(row[0]) + timedelta(seconds=1))


def _assessments(store: Store, where: str, params: tuple[str, ...]) -> list[ThreatAssessment]:
    rows = store.query(
        "SELECT a.id, s.code AS subject, a.level, a.domain, a.summary, a.assessed_at,"
        " a.assessed_by, t.resistance_level AS required_level, t.package, a.device"
        " FROM threat_assessment a JOIN subject s ON s.id = a.subject_id"
        " JOIN threat_level t ON t.level = a.level "
        f"{where} ORDER BY a.assessed_at DESC, a.id DESC",
        params,
    )
    return [ThreatAssessment(**with_times(r, "assessed_at")) for r in rows]


def explain_threat(store: Store, code: str) -> Explanation:
    """The derivation of a subject's protection: assessment → level → package (R2).

    Args:
        store: the open database.
        code: the subject's code name (any case).

    Returns:
        The explanation, with the whole assessment history.

    Raises:
        NotFound: no subject has that code name.
        IntegrityFailure: as ``list_subjects``.
    """
    store.refuse_damaged_tables(machine.CHAIN_TABLES)
    subject = get_subject(store, code)
    history = _assessments(store, "WHERE a.subject_id = ?", (subject.id,))
    from . import catalogue

    rule = catalogue.derive(store, subject.threat_level) if subject.threat_level else None
    package = catalogue.get_package(store, rule.package) if rule else None
    replan = store.query(
        "SELECT id FROM activity_view WHERE subject_id = ? AND replan_reason IS NOT NULL"
        " ORDER BY start_at",
        (subject.id,),
    )
    return Explanation(
        subject=subject,
        assessment=history[0] if history else None,
        rule=rule,
        package=package,
        history=tuple(history),
        activities_to_replan=tuple(r["id"] for r in replan),
    )
