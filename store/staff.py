"""People: officers on the roster and users of the console.

A person has a callsign, a name, a unit, a role (which decides what they may do) and
qualifications, each with an optional last valid day (R8: a qualification counts only while it
is valid on the day of the work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import access, db, rules, validate
from .catalogue import get_unit, list_qualifications
from .clock import Clock, parse_date, to_db
from .db import Store
from .errors import BadInput, NotFound, PermissionDenied
from .ids import uuid7
from .proof import hash_secret, matches, person_secret, store_secret

_CALLSIGN = rules.CALLSIGN_PATTERN


@dataclass(frozen=True)
class HeldQualification:
    """A qualification a person holds, with its last valid day (R8).

    Attributes:
        code: the qualification's code (``Qualification.code``).
        valid_until: the last day it is valid (a calendar date, inclusive), or None for no end.
    """

    code: str
    valid_until: date | None

    def valid_on(self, day: date) -> bool:
        """Whether it counts for work on ``day`` (a local calendar date; R8).

        Args:
            day: a local (Europe/Amsterdam) calendar date.

        Returns:
            True when it has no end date or ``day`` is on or before ``valid_until`` (inclusive).
        """
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class Staff:
    """A person: an officer on the roster and a user of the console.

    Attributes:
        id: the person's id.
        callsign: the callsign, upper case (``RT-0412``).
        name: the name ('' when not given).
        unit: the unit's code.
        role: the role (``access.ROLES``), which decides what they may do.
        qualifications: what they hold, by code.
    """

    id: str
    callsign: str
    name: str
    unit: str
    role: str
    qualifications: tuple[HeldQualification, ...]


def parse_qualification(text: str, clock: Clock | None = None) -> tuple[str, date | None]:
    """A qualification as typed: ``close_protection`` or ``close_protection:2027-03-31``. The
    catalogue's qualification codes are lower case; typed in upper case they are read in lower
    case (``HRB`` is ``hrb``), as other codes are read in their own case (rev14g).

    Args:
        text: the code, optionally with ``:`` and the last valid day (``YYYY-MM-DD``, or with
            ``clock`` also ``today``, ``tomorrow``, ``yesterday`` as every date option takes).
        clock: the store's clock, for the date words (None: digits only).

    Returns:
        (code, last valid day or None). The code is not checked against the catalogue here.

    Raises:
        BadInput: not a code, or the day is not a date in 1970–2099.
    """
    code, _, until = text.partition(":")
    code = validate.code(code, "qualification").translate(validate.ASCII_LOWER)
    if not until:
        return code, None
    try:
        if clock is not None and until.strip().lower() in DATE_WORDS:
            return code, parse_date(until, clock)
        return code, date.fromisoformat(
            validate.stored_date(validate.trimmed(until), "valid_until")
        )
    except BadInput as exc:
        raise BadInput(
            code="qualification_day_malformed",
            given=validate.shown(text),
            refusal=exc.code,  # what is wrong with the day: its own refusal's code and facts
            **exc.params,
        ) from None


#: The words a date option takes besides YYYY-MM-DD (``clock.parse_date``).
DATE_WORDS = ("today", "tomorrow", "yesterday")


def normalise_callsign(callsign: str) -> str:
    """A callsign as stored: stripped and upper case.

    Args:
        callsign: the callsign as typed.

    Returns:
        The callsign, upper case.

    Raises:
        BadInput: not 2–24 letters, digits and hyphens.
    """
    value = validate.identifier(callsign, "callsign")
    if not _CALLSIGN.match(value):
        raise BadInput(code="not_a_callsign", given=validate.shown(callsign))
    return value


def add_staff(
    store: Store,
    callsign: str,
    *,
    unit: str,
    role: str = "operator",
    name: str = "",
    qualifications: list[tuple[str, date | None]] | None = None,
    secret: str | None = None,
    bootstrap: bool = False,
) -> Staff:
    """Add a person, with their first secret on this laptop (without one they cannot act
    here until someone with staff rights sets it), in one audited write (``staff.add``).

    Args:
        store: the open database, acting as a person who may ``staff.write`` (an admin to add
            an admin).
        callsign: the new person's callsign (any case; 2–24 letters, digits, hyphens).
        unit: their unit's code (any case).
        role: their role (``access.ROLES``).
        name: their name ('' when not given).
        qualifications: (code, last valid day or None) pairs, or None for none.
        secret: their first secret on this laptop (8–1,024 characters), or None.
        bootstrap: for ``init`` only: the first person needs no permission.

    Returns:
        The person as stored.

    Raises:
        PermissionDenied: the acting person may not add staff, or not this role.
        NotFound: no such unit.
        BadInput: an unknown role or qualification, a bad callsign, name, day or secret, or a
            callsign already taken.
    """
    hashed = hash_secret(secret) if secret is not None else None  # slow, and reads nothing
    staff_id = uuid7()
    detail = {"callsign": callsign, "role": role}
    with store.write("staff.add", staff_id, detail) as conn:
        if role not in access.ROLES:
            raise BadInput(
                code="unknown_role", given=validate.shown(role), choices=list(access.ROLES)
            )
        if not bootstrap:
            rules.require_grant(store.actor, role)  # staff.write; an admin only by an admin
        callsign = detail["callsign"] = normalise_callsign(callsign)
        name = validate.line(name, "name", required=False)
        unit_code = get_unit(store, unit).code
        quals = qualifications or []
        _check_qualifications(store, quals)
        if find_staff(store, callsign) is not None:
            raise BadInput(code="callsign_taken", callsign=callsign)
        conn.execute(
            "INSERT INTO staff (id, callsign, name, unit, role, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (staff_id, callsign, name.strip(), unit_code, role, to_db(store.now())),
        )
        conn.executemany(
            "INSERT INTO staff_qualification (staff_id, qualification, valid_until)"
            " VALUES (?, ?, ?)",
            [(staff_id, code, until.isoformat() if until else None) for code, until in quals],
        )
        if hashed is not None:
            store_secret(conn, staff_id, hashed, store.now(), store.user or callsign)
    return get_staff(store, callsign)


def _check_qualifications(store: Store, held: list[tuple[str, date | None]]) -> None:
    """Every qualification one the catalogue knows, every last valid day in range."""
    known = {q.code for q in list_qualifications(store)}
    for code, until in held:
        if code not in known:
            raise BadInput(
                code="unknown_qualification", given=validate.shown(code), choices=sorted(known)
            )
        if until is not None:
            validate.day(until, "valid_until")


def set_role(store: Store, callsign: str, role: str) -> Staff:
    """Give a person another role: staff.write, and an admin only by an admin (also to take a
    role away from an admin). Other laptops judge the change by the same rule. One audited
    write (``staff.role``).

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        callsign: the person's callsign (any case).
        role: the new role (``access.ROLES``).

    Returns:
        The person as stored.

    Raises:
        PermissionDenied: the acting person may not give or take this role.
        NotFound: no person has that callsign.
        BadInput: an unknown role, or the person has it already.
    """
    detail: dict[str, str] = {}
    with store.write("staff.role", None, detail) as conn:
        if role not in access.ROLES:
            raise BadInput(code="unknown_role_named", role=role, choices=list(access.ROLES))
        person = get_staff(store, callsign)
        store.target(person.id)
        rules.require_grant(store.actor, role, person.role)
        if rules.admin_operator_elsewhere(person.id, store.device_id, db.admin_operator(conn)):
            raise PermissionDenied(code="admin_operator_role_elsewhere", callsign=person.callsign)
        if person.role == role:
            raise BadInput(code="role_unchanged", callsign=person.callsign, role=role)
        detail.update({"callsign": person.callsign, "from": person.role, "to": role})
        conn.execute("UPDATE staff SET role = ? WHERE id = ?", (role, person.id))
    return get_staff(store, person.callsign)


def _qualifications_by_staff(
    store: Store, where: str = "", params: tuple[str, ...] = ()
) -> dict[str, list[HeldQualification]]:
    held: dict[str, list[HeldQualification]] = {}
    for row in store.query(
        "SELECT q.staff_id, q.qualification, q.valid_until FROM staff_qualification q"
        f" {where} ORDER BY q.qualification",
        params,
    ):
        until = date.fromisoformat(row["valid_until"]) if row["valid_until"] else None
        held.setdefault(row["staff_id"], []).append(HeldQualification(row["qualification"], until))
    return held


def find_staff(store: Store, callsign: str) -> Staff | None:
    """One person by callsign, or None.

    Args:
        store: the open database.
        callsign: the callsign (surrounding spaces and case ignored).

    Returns:
        The person with their qualifications, or None when no one has that callsign.

    Raises:
        BadInput: the callsign is not text or holds an invisible character
            (``validate.identifier``: ``not_text``, ``invisible_character``).
    """
    row = store.one(
        "SELECT id, callsign, name, unit, role FROM staff WHERE callsign = ?",
        (validate.identifier(callsign, "callsign"),),
    )
    if row is None:
        return None
    held = _qualifications_by_staff(store, "WHERE q.staff_id = ?", (row["id"],))
    return Staff(**dict(row), qualifications=tuple(held.get(row["id"], [])))


def get_staff(store: Store, callsign: str) -> Staff:
    """One person by callsign.

    Args:
        store: the open database.
        callsign: the callsign (surrounding spaces and case ignored).

    Returns:
        The person with their qualifications.

    Raises:
        NotFound: no person has that callsign.
    """
    staff = find_staff(store, callsign)
    if staff is None:
        raise NotFound(code="unknown_staff", callsign=validate.shown(callsign))
    return staff


def list_staff(store: Store, *, unit: str | None = None, role: str | None = None) -> list[Staff]:
    """People, by unit then callsign.

    Args:
        store: the open database.
        unit: only this unit's (any case); None for all.
        role: only people with this role; None for all.

    Returns:
        The people with their qualifications.

    Raises:
        NotFound: ``unit`` is not a unit of the catalogue.
    """
    clauses, params = [], []
    if unit is not None:
        clauses.append("unit = ?")
        params.append(get_unit(store, unit).code)
    if role:
        clauses.append("role = ?")
        params.append(role)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.query(
        f"SELECT id, callsign, name, unit, role FROM staff {where} ORDER BY unit, callsign",
        params,
    )
    held = _qualifications_by_staff(store)
    return [Staff(**dict(r), qualifications=tuple(held.get(r["id"], []))) for r in rows]


def set_qualification(store: Store, callsign: str, code: str, valid_until: date | None) -> Staff:
    """Give a person a qualification, or record its new last valid day (``None``: no end).

    A lapse recorded after deployments were made does not undo them: deployments it leaves
    without a valid qualification are listed by ``staffing.deployment_violations`` (R8). One
    audited write (``staff.qualify``).

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        callsign: the person's callsign (any case).
        code: the qualification's code (as in the catalogue).
        valid_until: its last valid day (inclusive), or None for no end.

    Returns:
        The person as stored.

    Raises:
        PermissionDenied: the acting person may not manage staff.
        NotFound: no such callsign.
        BadInput: unknown qualification, a day outside 1970–2099, or the person holds it
            already with that last valid day (nothing written).
    """
    detail: dict[str, str | None] = {}
    with store.write("staff.qualify", None, detail, require="staff.write") as conn:
        person = get_staff(store, callsign)
        store.target(person.id)
        known = {q.code for q in list_qualifications(store)}
        if code not in known:
            raise BadInput(
                code="unknown_qualification_named", qualification=code, choices=sorted(known)
            )
        until = validate.day(valid_until, "valid_until").isoformat() if valid_until else None
        held = {
            q.code: q.valid_until.isoformat() if q.valid_until else None
            for q in person.qualifications
        }
        if code in held and held[code] == until:
            raise BadInput(
                code="nothing_changed_qualification",
                callsign=person.callsign,
                qualification=code,
                until=until,
            )
        detail.update({"callsign": person.callsign, "qualification": code, "valid_until": until})
        conn.execute(
            "INSERT INTO staff_qualification (staff_id, qualification, valid_until)"
            " VALUES (?, ?, ?) ON CONFLICT (staff_id, qualification)"
            " DO UPDATE SET valid_until = excluded.valid_until",
            (person.id, code, until),
        )
    return get_staff(store, person.callsign)


def set_secret(
    store: Store, callsign: str, new: str, *, old: str | None = None, reset: bool = False
) -> str:
    """Set or change a person's secret on this laptop.

    - A person changes their own secret (or someone else's) with the old one (``old``).
    - A person without a secret here gets a first one from someone with staff rights
      (``staff.write`` for both the acting person and this laptop), in their presence; the
      laptop's operator may set their own first one.
    - ``reset`` replaces a forgotten secret: staff rights, recorded as a reset.

    Args:
        store: the open database, acting as the person who sets it.
        callsign: whose secret (any case).
        new: the new secret (8–1,024 characters, no NUL).
        old: the current secret, to change one.
        reset: replace a forgotten secret (needs staff rights).

    Returns:
        The audit action taken: ``staff.secret_first``, ``staff.secret_reset`` or
        ``staff.secret``.

    Raises:
        NotFound: no person has that callsign.
        PermissionDenied: no staff rights where they are needed; a change without the old
            secret (``secret_change_needs_old``) or with a wrong one (``bound`` ``secret``).
        BadInput: the new secret is too short, too long or has a NUL; or the secret was
            changed meanwhile.
    """
    hashed = hash_secret(new)
    person = person_secret(store.conn, callsign)
    staff_id, found, stored = person.staff_id, person.callsign, person.hash
    actor = store.actor
    if stored is None:
        action = "staff.secret_first"
        if found != actor.callsign:
            access.require(actor, "staff.write")
    elif reset:
        action = "staff.secret_reset"
        access.require(actor, "staff.write")
    else:
        action = "staff.secret"
        if not old:
            raise PermissionDenied(bound="secret", code="secret_change_needs_old", callsign=found)
        if not matches(stored, old):
            raise PermissionDenied(bound="secret", code="wrong_secret_unchanged", found=found)
    with store.write(action, found, {"callsign": found, "set_by": actor.callsign}) as conn:
        current = conn.execute(
            "SELECT hash FROM staff_secret WHERE staff_id = ?", (staff_id,)
        ).fetchone()
        if (current[0] if current else None) != stored:
            raise BadInput(code="secret_changed_meanwhile", found=found)
        store_secret(conn, staff_id, hashed, store.now(), actor.callsign)
    return action
