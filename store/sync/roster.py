"""The team roster: which devices belong to the team, with their keys, roles and status.

The roster is canonical JSON signed by the team admin's key, versioned, and travels in every
bundle. A device pins the admin key when it creates the team or accepts its welcome bundle, and
from then on accepts only newer rosters that key signed.

Enrolment happens in person: the new device writes a request (its public keys, its role, signed
with its own key); the admin's device shows the same short authentication string as the new
device did, adds it to the roster and writes a welcome bundle. Revocation marks a device
revoked after the last change of it the admin holds: later bundles are not encrypted to it and
its later changes are refused.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyrage

from .. import access, db, machine, rules, validate
from ..clock import from_db, to_db
from ..db import Store
from ..errors import BadInput, IntegrityFailure, NotFound, RuleViolation
from ..ids import uuid7
from . import log
from .bundle import b64, canonical, sha256, verified
from .capture import last_seq
from .keys import Identity, ensure_identity, fingerprint

#: The meta key naming this laptop's own operator (set at ``init``).
OPERATOR_KEY = "operator"
ADMIN_KEY = "sync_admin_key"
#: Noted when the team's bundles show the team keeps a roster that does not list this laptop
#: (``exchange._left_out``): the roster version it held then. It may ask to be enrolled again.
LEFT_OUT_KEY = "sync_left_out"
REQUEST_KIND = "schildwacht-enrolment-request"
#: What an admin key signs when it hands the team to another device's key (``admin_handover``).
HANDOVER_KIND = "schildwacht-admin-handover"


@dataclass(frozen=True)
class Roster:
    """One signed version of the team roster.

    Attributes:
        body: the canonical JSON the admin signed.
        signature: the admin's Ed25519 signature of ``body``.
        data: ``body`` read: team, name, version, admin key, devices (id, label, role, keys,
            status, revoked_after).
    """

    body: bytes
    signature: bytes
    data: dict[str, Any]

    @property
    def version(self) -> int:
        """The roster's version (1 for a new team, one more for each change)."""
        return int(self.data["version"])

    @property
    def devices(self) -> list[dict[str, Any]]:
        """Every device the roster lists, revoked ones too."""
        return list(self.data["devices"])

    def device(self, device_id: str) -> dict[str, Any] | None:
        """The roster's entry for this device id, or None.

        Args:
            device_id: the device id.

        Returns:
            The entry as signed: ``id``, ``label``, ``role``, ``sign`` and ``age`` (public keys),
            ``status`` (``active``/``revoked``), ``enrolled_at``, ``revoked_after`` and the bound
            operator (``callsign``, ``staff``) where known; None when the device is not listed.
        """
        return next((d for d in self.data["devices"] if d["id"] == device_id), None)

    def active(self) -> list[dict[str, Any]]:
        """The devices not revoked.

        Returns:
            The entries (as ``device`` gives them) whose status is ``active``, in the roster's
            order.
        """
        return [d for d in self.data["devices"] if d["status"] == "active"]


def identity(store: Store) -> Identity:
    """This device's keys, made on first use.

    Returns:
        The ``Identity`` (private signing key and age identity) of this device.
    """
    found = ensure_identity(store.conn, store.device_id, store.now())
    return found


def current(store: Store) -> Roster | None:
    """The newest roster this device accepted, or None when it is in no team.

    Returns:
        The ``Roster`` (signed body, signature, parsed data) of the highest version held, or None.
    """
    row = store.one("SELECT body, signature FROM sync_roster ORDER BY version DESC LIMIT 1")
    if row is None:
        return None
    body = bytes(row[0])
    return Roster(body, bytes(row[1]), json.loads(body))


def enrolled_role(store: Store) -> str | None:
    """The role this laptop is enrolled with in the team's signed roster (None outside a team):
    it bounds the role of everyone who works on it (``access.require``).

    Returns:
        A role code (``admin``, ``shift_leader``…), or None.
    """
    return db.enrolled_role(store.conn, store.device_id)


def require_team(store: Store) -> Roster:
    """The newest roster this device accepted.

    Returns:
        The ``Roster`` of the highest version held.

    Raises:
        BadInput: the device is in no team yet.
    """
    roster = current(store)
    if roster is None:
        raise BadInput(code="no_team")
    return roster


def parse(body: bytes, signature: bytes, admin_key: str | None) -> Roster:
    """A roster from a bundle, checked.

    Args:
        body: the roster's canonical JSON.
        signature: its Ed25519 signature.
        admin_key: the pinned admin key (base64), or None when none is pinned yet (the roster's
            own admin key is then the one checked).

    Returns:
        The roster.

    Raises:
        IntegrityFailure: malformed, or not signed by the admin key.
    """
    try:
        data = validate.json_document(body, "roster", max_depth=8)
        claimed = data["admin"]
        int(data["version"])
        if not all(isinstance(d["label"], str) for d in data["devices"]):
            raise TypeError("a device label that is not text")  # shown escaped, never read
    except (ValueError, KeyError, TypeError):
        raise IntegrityFailure(code="roster_malformed") from None
    key, signer = _handed_over(data, admin_key) if admin_key else (claimed, claimed)
    if claimed != key or not verified(signer, signature, body):
        raise IntegrityFailure(code="roster_not_signed")
    return Roster(body, signature, data)


def enrolled_at(device: dict[str, Any]) -> datetime | None:
    """When the roster enrolled a device: the time it signed, read once here.

    Args:
        device: one entry of a roster's ``devices``.

    Returns:
        An aware UTC datetime, or None when the entry names no readable time (a roster
        written before enrolment times were kept).
    """
    value = device.get("enrolled_at")
    try:
        return from_db(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def twin(held: Roster | None, offered: Roster) -> bool:
    """Whether two rosters the admin signed share one version but differ: an admin fork (the
    admin laptop restored from an old copy, then enrolling or revoking again).

    Args:
        held: the roster held here, or None.
        offered: the roster a bundle carries.

    Returns:
        True for one version with two different bodies; False without a held roster.
    """
    return held is not None and offered.version == held.version and offered.body != held.body


def preferred(one: Roster, other: Roster) -> Roster:
    """Of two twin rosters, the one every laptop keeps: the lower hash of its signed body (a
    function of the two alone, so every laptop keeps the same one whatever order they came
    in). A device only the other one lists is no member.

    Args:
        one: a roster.
        other: its twin.

    Returns:
        ``one`` or ``other``: the one with the lower SHA-256 of its body (then the lower body).
    """
    return min((one, other), key=lambda r: (sha256(r.body), r.body))


def accept(conn: sqlite3.Connection, roster: Roster, now: datetime) -> bool:
    """Store a roster newer than the one held, or the preferred twin of the one held (an
    admin fork, ``preferred``); return whether it was stored.

    Args:
        roster: the roster, verified.
        now: the time, aware UTC.

    Returns:
        True when stored (newer, or the preferred twin replacing the held one); False when the held
        one stays.
    """
    row = conn.execute(
        "SELECT version, body, signature FROM sync_roster ORDER BY version DESC LIMIT 1"
    ).fetchone()
    if row is not None:
        held = Roster(bytes(row[1]), bytes(row[2]), json.loads(bytes(row[1])))
        if twin(held, roster) and preferred(held, roster) is roster:
            conn.execute(
                "UPDATE sync_roster SET body = ?, signature = ?, accepted_at = ? WHERE version = ?",
                (roster.body, roster.signature, to_db(now), roster.version),
            )
            return True
    if row is not None and roster.version <= int(row[0]):
        return False
    conn.execute(
        "INSERT INTO sync_roster (version, body, signature, accepted_at) VALUES (?, ?, ?, ?)",
        (roster.version, roster.body, roster.signature, to_db(now)),
    )
    return True


def drop_outside(conn: sqlite3.Connection, team: Roster, own: str) -> dict[str, int]:
    """Forget every record held of a device the kept roster does not list (one only the twin
    roster of an admin fork listed, ``preferred``); return how many per device.

    A laptop that held the kept roster first never took them in (a non-member's segments are
    not taken in, nor relayed); one that held the other twin first took them in and, once it
    keeps this roster, has judged them again (taken out of its rows) before this runs. Both end
    alike: the records leave the change log, the quarantine, the deferred and flagged records
    and the branches; nothing of them is relayed. Should the admin enrol that device again, it
    sends them anew and they are judged as any member's. This laptop's own records are kept.

    Args:
        team: the roster this laptop keeps.
        own: this laptop's device id.

    Returns:
        Records dropped per device id (devices with none left out).
    """
    members = {str(d["id"]) for d in team.devices} | {own}
    dropped: dict[str, int] = {}
    for ident, device in conn.execute("SELECT id, device FROM sync_origin").fetchall():
        if device in members:
            continue
        count = int(
            conn.execute(
                "SELECT coalesce(sum(n), 0) FROM sync_log WHERE origin = ?", (ident,)
            ).fetchone()[0]
        )
        conn.execute("DELETE FROM sync_log WHERE origin = ?", (ident,))
        for table in (
            "sync_segment",
            "sync_quarantine",
            "sync_deferred",
            "sync_flag",
            "sync_fork_segment",
        ):
            conn.execute(f"DELETE FROM {table} WHERE origin = ?", (device,))
        if count:
            dropped[str(device)] = count
    return dropped


def _handover_body(
    team: object, old: object, new: object, device: object, version: object
) -> bytes:
    """What the admin key signs to hand the team's administration to another device's key."""
    return canonical(
        {
            "kind": HANDOVER_KIND,
            "team": team,
            "from": old,
            "to": new,
            "device": device,
            "version": version,
        }
    )


def _handed_over(data: dict[str, Any], pinned: str) -> tuple[str, str]:
    """For a laptop that pinned ``pinned``: the admin key a roster names (the pinned key, or
    the key it was handed to, ``admin_handover``, each step signed by the key before it, in the
    order the roster lists them) and the key that signs it (the one that handed over, for the
    roster of the handover itself). Steps from another key are passed over (a laptop that
    joined after a handover pinned the later key)."""
    key = signer = pinned
    listed = data.get("handovers", [])
    for step in listed if isinstance(listed, list) else []:
        if not isinstance(step, dict) or step.get("from") != key:
            continue
        try:
            body = _handover_body(
                data.get("team"), key, step["to"], step["device"], step["version"]
            )
            if isinstance(step["to"], str) and verified(key, base64.b64decode(step["sig"]), body):
                signer = key if step["version"] == data.get("version") else step["to"]
                key = step["to"]
        except (KeyError, TypeError, ValueError):
            continue
    return key, signer


def admin_handover(store: Store, device: str) -> Roster:
    """Make another active device of the team its admin device: a new roster version whose
    admin key is that device's signing key, with the step signed by this admin key (every
    laptop that pinned this key follows it, ``parse``), so an admin laptop that forked or is
    to be retired hands over before it is revoked.

    Args:
        store: the database; the actor needs ``team.manage``, on the admin device.
        device: the new admin device's label or a prefix of its id.

    Returns:
        The new roster.

    Raises:
        BadInput: not in a team; this device is not the admin's; the device named is this one
            or is revoked.
        NotFound: no single device matches.
        PermissionDenied: the actor may not manage the team.
    """
    with store.write("team.admin_handover") as conn:
        roster, entry, data = _next_roster(store, device)
        if entry["id"] == store.device_id or entry["status"] != "active":
            raise BadInput(code="handover_needs_other")
        me = identity(store)
        body = _handover_body(
            data.get("team"), me.sign_public, entry["sign"], entry["id"], data["version"]
        )
        step = {
            "from": me.sign_public,
            "to": entry["sign"],
            "device": entry["id"],
            "version": data["version"],
            "sig": b64(me.sign_key.sign(body)),
        }
        data["handovers"] = [*roster.data.get("handovers", []), step]
        data["admin"] = entry["sign"]
        data["admin_device"] = entry["id"]
        data["devices"] = [
            {**d, "role": "admin"} if d["id"] == entry["id"] else d for d in roster.devices
        ]
        updated = _sign(store, data)
        _accept_own(conn, updated, data["issued_at"])
    return updated


def _next_roster(store: Store, device: str) -> tuple[Roster, dict[str, Any], dict[str, Any]]:
    """Inside an admin's write: the team's roster, the entry of ``device`` in it (the action's
    target) and the next version's data (issued now, no welcome)."""
    access.require(store.actor, "team.manage")  # every check inside the transaction
    roster = require_team(store)
    _require_admin_device(store, roster)
    entry = find_device(roster, device)
    store.target(entry["id"])
    data = dict(roster.data)
    data["version"] = roster.version + 1
    data["issued_at"] = to_db(store.now())
    data.pop("welcomes", None)
    return roster, entry, data


def _sign(store: Store, data: dict[str, Any]) -> Roster:
    body = canonical(data)
    return Roster(body, identity(store).sign_key.sign(body), data)


def _entry(
    device_id: str,
    label: str,
    role: str,
    sign: str,
    age: str,
    now: str,
    operator: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A device's roster entry; ``operator`` (callsign, staff row id, unit, the role it asked
    with as ``operator_role``) binds the laptop's own operator to it: of two people given that
    callsign, the bound one keeps it (``clashes``), and the only staff row the laptop may
    create on its own is exactly that one (``judge``)."""
    bound = dict(operator) if operator else {}
    return {
        "id": device_id,
        "label": label,
        "role": role,
        "sign": sign,
        "age": age,
        "status": "active",
        "enrolled_at": now,
        "revoked_after": None,
        **bound,
    }


def _operator(conn: sqlite3.Connection, callsign: str | None) -> dict[str, str] | None:
    """The laptop's own operator as its roster entry binds them, or None."""
    if not callsign:
        return None
    row = conn.execute("SELECT callsign, id, unit, role FROM staff WHERE callsign = ?", (callsign,))
    found = row.fetchone()
    if found is None:
        return None
    made = _created_as(conn, str(found[1]))
    return {
        "callsign": str(found[0]),
        "staff": str(found[1]),
        "unit": made.get("unit", str(found[2])),
        "operator_role": made.get("role", str(found[3])),
    }


def _created_as(conn: sqlite3.Connection, staff_id: str) -> dict[str, str]:
    """The unit and role the operator's row was created with (at ``init``, this laptop's first
    change set), as its change records say: what the roster binds, even when the row changed
    since."""
    found: dict[str, str] = {}
    for col, val in conn.execute(
        "SELECT col, val FROM sync_change WHERE tbl = 'staff' AND pk = json_array(?)"
        " AND col IN ('unit', 'role') AND origin = (SELECT value FROM meta"
        " WHERE key = 'device_id') ORDER BY seq",
        (staff_id,),
    ):
        if isinstance(val, str):
            found.setdefault(str(col), val)
    return found


def bound_callsigns(roster: Roster | None) -> dict[str, tuple[str, str]]:
    """Callsign → (staff row id, device id) of every active device's enrolled operator.

    Args:
        roster: the roster, or None (no team: none).

    Returns:
        Upper-case callsign → ``(staff row id, device id)``; empty without a roster.
    """
    if roster is None:
        return {}
    return {
        str(d["callsign"]).upper(): (str(d["staff"]), str(d["id"]))
        for d in roster.devices
        if d.get("status") == "active" and isinstance(d.get("callsign"), str) and d.get("staff")
    }


def create_team(store: Store, name: str) -> Roster:
    """Make a team with this device as its admin: a first roster, signed with this device's key,
    which is pinned as the admin key.

    Args:
        store: the database; the actor needs ``team.manage``.
        name: the team's name (a code: at most 40 characters, no control characters).

    Returns:
        The roster, version 1.

    Raises:
        BadInput: no name or a bad one; the device is already in a team.
        PermissionDenied: the actor may not manage the team.
    """
    access.require(store.actor, "team.manage")
    if not isinstance(name, str) or not name.strip():
        raise BadInput(code="team_needs_name")
    name = validate.code(name, "team_name")
    if current(store) is not None:
        raise _in_team_already()
    with store.write("team.create", None, {"name": name}) as conn:
        access.require(store.actor, "team.manage")  # every check again inside the transaction
        if current(store) is not None:
            raise _in_team_already()
        me = identity(store)
        label = own_label(conn, store.device_id)
        moment = store.now()
        now = to_db(moment)  # the roster document's text
        data = {
            "team": uuid7(),
            "name": name.strip(),
            "version": 1,
            "admin": me.sign_public,
            "admin_device": store.device_id,
            "issued_at": now,
            "devices": [
                _entry(
                    store.device_id,
                    label,
                    "admin",
                    me.sign_public,
                    me.age_recipient,
                    now,
                    _operator(conn, store.meta(OPERATOR_KEY)),
                )
            ],
        }
        roster = _sign(store, data)
        accept(conn, roster, moment)
        _pin(conn, me.sign_public)
        store.made(str(data["team"]))
    return roster


def own_label(conn: sqlite3.Connection, device_id: str) -> str:
    """This device's label, valid, before it goes into a roster or an enrolment request: a
    label stored by an older version (the computer's name, unchecked: too long, or with an
    escape or a direction mark in it) is made valid (``validate.label_from``) and stored so,
    inside the caller's transaction.

    Args:
        conn: the caller's connection, inside its write transaction.
        device_id: this device's id.

    Returns:
        The label, which passes ``validate.device_label``.
    """
    row = conn.execute("SELECT label FROM device WHERE id = ?", (device_id,)).fetchone()
    stored = row[0] if row else None
    try:
        return validate.device_label(stored)
    except BadInput:
        label = validate.label_from(stored)
    conn.execute("UPDATE device SET label = ? WHERE id = ?", (label, device_id))
    return label


def _in_team_already() -> BadInput:
    return BadInput(code="already_in_team")


def _pin(conn: sqlite3.Connection, key: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (ADMIN_KEY, key),
    )


def pinned_admin_key(store: Store) -> str | None:
    """The admin's public signing key (base64) this device pinned, or None before it joined.

    Returns:
        The key's raw 32 bytes in base64, or None.
    """
    return store.meta(ADMIN_KEY)


# Enrolment -------------------------------------------------------------------------------------


def short_authentication_string(request_body: bytes) -> str:
    """Nine digits both screens show; equal digits mean the admin holds the genuine request.

    Args:
        request_body: the enrolment request as signed.

    Returns:
        ``"123 456 789"``: nine decimal digits from the SHA-256 of the body, in groups of three.
    """
    number = int(sha256(request_body)[:12], 16) % 1_000_000_000
    text = f"{number:09d}"
    return f"{text[:3]} {text[3:6]} {text[6:]}"


def _request_operator(conn: sqlite3.Connection, callsign: str | None) -> dict[str, str]:
    """The laptop's own operator as the request names them: callsign, staff row id, unit."""
    return _operator(conn, callsign) or {}


def _may_request(store: Store) -> bool:
    """Whether this laptop may ask to be enrolled: it is in no team, or the team's bundles
    told it that the team keeps a roster that does not list it (``LEFT_OUT_KEY``, noted with
    the roster version it held then), or its roster lists it revoked."""
    team = current(store)
    if team is None:
        return True
    left_out = store.meta(LEFT_OUT_KEY)
    if left_out is not None and left_out.isdigit() and int(left_out) >= team.version:
        return True
    entry = team.device(store.device_id)
    return entry is None or entry["status"] != "active"


def _needs_no_request() -> BadInput:
    return BadInput(code="request_in_team")


def write_request(store: Store, out: Path) -> tuple[str, str]:
    """Write this device's enrolment request (its keys, label and role, signed with its own key).

    Args:
        store: the database; the device is in no team yet.
        out: the file to write (owner-only permissions).

    Returns:
        The short authentication string both screens show, and the path written.

    Raises:
        BadInput: the device is already in a team, or ``out`` may not be written.
        MachineFault: the disk is full or the file may not be written (``os_fault``).
    """
    if not _may_request(store):
        raise _needs_no_request()
    with machine.placed_after_commit() as files, store.write("device.request") as conn:
        if not _may_request(store):  # joined meanwhile (another window): checked again
            raise _needs_no_request()
        me = identity(store)
        label = own_label(conn, store.device_id)
        body = canonical(
            {
                "kind": REQUEST_KIND,
                "device": store.device_id,
                "label": label,
                "role": store.actor.role,
                **_request_operator(conn, store.meta(OPERATOR_KEY)),
                "clock": "fixed" if store.clock_fixed else "system",
                "sign": me.sign_public,
                "age": me.age_recipient,
                "created_at": to_db(store.now()),
            }
        )
        signature = me.sign_key.sign(body)
        conn.execute(
            "INSERT OR REPLACE INTO sync_request (hash, body, created_at) VALUES (?, ?, ?)",
            (sha256(body), body, to_db(store.now())),
        )
        text = json.dumps(
            {"request": base64.b64encode(body).decode(), "signature": b64(signature)}, indent=1
        )
        files.stage(
            out, (text + "\n").encode("utf-8"), "the enrolment request", database=store.path
        )
    return short_authentication_string(body), str(out)


@dataclass(frozen=True)
class Request:
    """An enrolment request as read from its file (``read_request``).

    Attributes:
        body: the canonical JSON the new device signed.
        data: ``body`` read: kind, device, label, role, clock, sign and age keys, created_at.
    """

    body: bytes
    data: dict[str, Any]

    @property
    def code(self) -> str:
        """The short authentication string both screens show."""
        return short_authentication_string(self.body)

    @property
    def hash(self) -> str:
        """The SHA-256 of the request's body (how a welcome names it)."""
        return sha256(self.body)


def read_request(path: Path) -> Request:
    """Read and check an enrolment request file.

    Args:
        path: the file ``write_request`` wrote on the new device.

    Returns:
        The request, signed by the key it carries.

    Raises:
        BadInput: the file cannot be read, is not a request, asks for an unknown role or carries
            a bad label.
        IntegrityFailure: it is not signed by the key it carries.
    """
    try:
        outer = validate.json_document(
            machine.read_regular(path, 1 << 20, "request").decode("utf-8"),
            "request",
            max_depth=4,
            max_len=1 << 20,
        )
        if not isinstance(outer, dict):
            raise TypeError  # a list, a string, a number: no request
        body = base64.b64decode(outer["request"], validate=True)
        signature = base64.b64decode(outer["signature"], validate=True)
        data = validate.json_document(body, "request", max_depth=4)
        if not isinstance(data, dict) or data.get("kind") != REQUEST_KIND:
            raise TypeError  # the signed body too: an object of its kind, else no request
        ok = verified(data["sign"], signature, body)
    except OSError as exc:
        raise BadInput(code="request_unreadable", path=str(path), cause=exc.strerror) from None
    except (ValueError, KeyError, TypeError):
        raise BadInput(code="not_a_request", path=str(path)) from None
    if not ok:
        raise IntegrityFailure(code="request_not_signed", path=str(path))
    if data.get("role") not in access.ROLES:
        raise BadInput(code="request_unknown_role", path=str(path))
    check_request_fields(data)
    return Request(body, data)


#: The fields a request must carry, and those it may (``check_request_fields``).
REQUEST_FIELDS = ("kind", "device", "label", "role", "sign", "age", "created_at")
REQUEST_OPTIONAL = ("clock", "callsign", "staff", "unit", "operator_role")


def check_request_fields(data: dict[str, Any]) -> None:
    """Every field of an enrolment request as the roster and the bundles will use it, checked
    before anything is written: ids as ids, the label, callsign and unit as code names, the
    signing key as an Ed25519 key, the age recipient as pyrage reads it (a welcome and every
    later export are encrypted to it), the time in range, the clock ``fixed`` or ``system``.

    Args:
        data: the request's fields.

    Raises:
        BadInput: a field missing or malformed, named in one sentence.
    """
    for name in REQUEST_FIELDS:
        if data.get(name) is None:
            raise BadInput(code="request_field_missing", field=name)
    for name in ("device", "staff"):
        if data.get(name) is not None and not _is_id(data[name]):
            raise BadInput(code="request_bad_id", field=name, given=validate.shown(data[name]))
    validate.device_label(data.get("label"), "request_label")
    for name in ("callsign", "unit"):
        if data.get(name) is not None:
            validate.code(data.get(name), f"request_{name}")
    if data.get("callsign") is not None:  # the rule every stored callsign meets (staff, judge)
        rules.CALLSIGN(data["callsign"], "request_callsign")
    if data.get("operator_role") is not None and data.get("operator_role") not in access.ROLES:
        raise BadInput(code="request_unknown_operator_role")
    validate.stored_time(data.get("created_at"), "request_created_at")
    if data.get("clock") not in (None, "fixed", "system"):
        raise BadInput(code="request_bad_clock", given=validate.shown(data["clock"]))
    if not _is_key(data.get("sign"), 32):
        raise BadInput(code="request_bad_sign_key")
    try:
        if not isinstance(data["age"], str):
            raise TypeError
        pyrage.x25519.Recipient.from_str(data["age"])
    except (pyrage.RecipientError, ValueError, TypeError):
        raise BadInput(code="request_bad_age_key") from None


def _is_id(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_key(value: object, size: int) -> bool:
    try:
        return isinstance(value, str) and len(base64.b64decode(value, validate=True)) == size
    except ValueError:
        return False


def _enrolled_already(request: Request) -> BadInput:
    """The refusal of a request from a device the roster holds already."""
    return BadInput(
        code="device_enrolled_already", label=validate.visible(str(request.data["label"]))
    )


def check_enrol(store: Store, request: Request, role: str | None = None) -> str:
    """The refusals of ``enroll`` known before the person compares the authentication codes:
    a face runs this first, so nobody is asked "do the codes match?" only to be refused.

    Args:
        store: the database, with the acting person.
        request: the checked request (``read_request``).
        role: the role to enrol it with; None takes the one it asked for.

    Returns:
        The role the device would be enrolled with.

    Raises:
        BadInput: an unknown role; this laptop is in no team or not its admin device; the
            device is already in the roster (not by this very request, whose welcome is
            written again); a device made with a fixed clock joining a real team.
        PermissionDenied: the actor may not manage the team, or enrols an admin device without
            being an admin.
    """
    chosen = request.data["role"] if role is None else role  # "" is no role: refused
    if chosen not in access.ROLES:
        raise BadInput(
            code="unknown_role", given=validate.shown(chosen), choices=list(access.ROLES)
        )
    access.require(store.actor, "team.manage")
    held = require_team(store)
    _require_admin_device(store, held)
    _require_grant(store, chosen)
    last = held.device(request.data["device"])
    if last is not None and not (
        _welcomed_last(held, last, request) and last.get("role") == chosen
    ):
        raise _enrolled_already(request)
    _check_enrollable(store, held, request)
    return chosen


def enroll(store: Store, request: Request, role: str | None = None) -> Roster:
    """Add the requesting device to the roster: a new version, signed on the admin device.

    Args:
        store: the database; the actor needs ``team.manage``, on the admin device.
        request: the checked request (``read_request``).
        role: the role to enrol it with (``access.ROLES``); None takes the one it asked for.

    Returns:
        The new roster; the present one when this very request was the last one enrolled (a
        retry after its welcome bundle could not be written: write it again).

    Raises:
        BadInput: not in a team or not the admin device; an unknown role; a device already in
            the roster by another request; a device made with a fixed clock joining a real
            team.
        PermissionDenied: the actor may not manage the team.
        IntegrityFailure: the change log holds a record no Schildwacht wrote
            (``log.check_shapes``): a welcome would carry it.
    """
    chosen = check_enrol(store, request, role)
    held = require_team(store)
    last = held.device(request.data["device"])
    if last is not None and _welcomed_last(held, last, request) and last.get("role") == chosen:
        return held  # enrolled, its welcome not written (a full disk): write it again
    with store.write("team.enroll", request.data["device"], {"role": chosen}) as conn:
        access.require(store.actor, "team.manage")  # every check again inside the transaction
        _require_grant(store, chosen)
        roster = require_team(store)
        _require_admin_device(store, roster)
        if roster.device(request.data["device"]) is not None:
            raise _enrolled_already(request)
        _check_enrollable(store, roster, request)
        log.check_shapes(conn)  # the welcome bundle must be writable: checked before the roster
        now = to_db(store.now())
        data = dict(roster.data)
        data["version"] = roster.version + 1
        data["issued_at"] = now
        operator = request.data.get("callsign"), request.data.get("staff")
        data["devices"] = [
            *roster.devices,
            _entry(
                request.data["device"],
                request.data["label"],
                chosen,
                request.data["sign"],
                request.data["age"],
                now,
                _requested_operator(request) if all(operator) else None,
            )
            | ({"clock": "fixed"} if request.data.get("clock") == "fixed" else {}),
        ]
        data["welcomes"] = request.hash
        updated = _sign(store, data)
        _accept_own(conn, updated, now)
    return updated


def _requested_operator(request: Request) -> dict[str, str]:
    """What the roster binds of a requesting laptop's operator: as its signed request names
    them (callsign, staff row id, unit, and the role it asked with)."""
    data = request.data
    bound = {"callsign": str(data["callsign"]), "staff": str(data["staff"])}
    if isinstance(data.get("unit"), str):
        bound["unit"] = str(data["unit"])
    if isinstance(data.get("operator_role"), str):
        bound["operator_role"] = str(data["operator_role"])
    return bound


def _require_grant(store: Store, role: str) -> None:
    """A device enrolled as ``admin`` carries an admin's changes to the whole team: only an admin
    may enrol one (as only an admin may make someone an admin through the store)."""
    if role == "admin":
        rules.require_grant(store.actor, role)


def _check_enrollable(store: Store, roster: Roster, request: Request) -> None:
    """A device made with a fixed clock joins no real team; a callsign another active laptop
    is enrolled with is not given to a second one (the enrolled binding keeps it)."""
    label = validate.visible(str(request.data["label"]))
    if request.data.get("clock") == "fixed" and not store.clock_fixed:
        raise BadInput(code="request_fixed_clock", label=label)
    unit = request.data.get("unit")
    if unit is not None and store.one("SELECT 1 FROM unit WHERE code = ?", (unit,)) is None:
        raise BadInput(code="request_unknown_unit", label=label, unit=validate.visible(str(unit)))
    callsign = request.data.get("callsign")
    bound = bound_callsigns(roster).get(str(callsign).upper()) if callsign else None
    if bound is not None and bound[1] != request.data["device"]:
        holder = roster.device(bound[1]) or {"label": bound[1]}
        raise RuleViolation(
            "enrolment",
            code="callsign_enrolled",
            label=label,
            callsign=validate.visible(str(callsign)),
            holder=validate.visible(str(holder["label"])),
        )


def _accept_own(conn: sqlite3.Connection, roster: Roster, issued: str) -> None:
    """Store a roster this device just signed (at ``issued``, its document's text); a newer one
    held already (another change of the team at the same moment) is a refusal, never a silent
    no-op."""
    if not accept(conn, roster, from_db(issued)):
        raise RuleViolation("roster", code="roster_changed")


def callsign_holder(store: Store, request: Request) -> str | None:
    """Who already has the callsign a request's operator has, on this laptop (name and unit),
    or None: the admin sees it before enrolling (once the laptop joins, its enrolled operator
    keeps the callsign and that person is kept under a derived one, listed as a clash).

    Args:
        request: the enrolment request.

    Returns:
        ``"NAME (UNIT)"`` (the callsign when the person has no name), or None when no one here holds
        it or an enrolled laptop's operator does.
    """
    callsign = request.data.get("callsign")
    if not isinstance(callsign, str) or callsign.upper() in bound_callsigns(current(store)):
        return None  # another laptop is enrolled with it: the enrolment is refused, saying so
    row = store.one("SELECT name, unit FROM staff WHERE callsign = ?", (callsign,))
    if row is None:
        return None
    return f"{row[0] or callsign} ({row[1]})"


def _welcomed_last(roster: Roster, entry: dict[str, Any], request: Request) -> bool:
    """Whether the roster's latest version enrolled exactly this request (same keys, active)."""
    return (
        roster.data.get("welcomes") == request.hash
        and entry.get("status") == "active"
        and (entry.get("sign"), entry.get("age")) == (request.data["sign"], request.data["age"])
    )


def revoke(store: Store, device: str) -> Roster:
    """Revoke a device: a new roster version marks it revoked after its last change held here; later
    bundles are not encrypted to it and its later changes are refused.

    Args:
        store: the database; the actor needs ``team.manage``, on the admin device.
        device: the device's label or a prefix of its id.

    Returns:
        The new roster.

    Raises:
        BadInput: not in a team; this device is not the admin's; the admin device itself; a
            device already revoked.
        NotFound: no single device matches.
        PermissionDenied: the actor may not manage the team.
    """
    with store.write("team.revoke") as conn:
        roster, entry, data = _next_roster(store, device)
        if entry["id"] == store.device_id:
            raise BadInput(code="revoke_self")
        if entry["status"] == "revoked":
            raise BadInput(code="revoked_already", label=validate.visible(str(entry["label"])))
        data["devices"] = [
            {**d, "status": "revoked", "revoked_after": last_seq(conn, d["id"])}
            if d["id"] == entry["id"]
            else d
            for d in roster.devices
        ]
        updated = _sign(store, data)
        _accept_own(conn, updated, data["issued_at"])
    return updated


def find_device(roster: Roster, text: str) -> dict[str, Any]:
    """The roster's entry for one device.

    Args:
        roster: the roster.
        text: the device's label (any case) or a prefix of its id.

    Returns:
        The device's entry (id, label, role, keys, status, revoked_after).

    Raises:
        NotFound: no device matches, or more than one does.
    """
    wanted = text.strip().lower()
    matches = [
        d for d in roster.devices if d["id"].startswith(wanted) or d["label"].lower() == wanted
    ]
    if len(matches) != 1:
        raise NotFound(code="no_single_device", device=validate.shown(text))
    return matches[0]


def _require_admin_device(store: Store, roster: Roster) -> None:
    if roster.data["admin_device"] != store.device_id:
        raise BadInput(code="roster_needs_admin")


def admin_fingerprint(roster: Roster) -> str:
    """The fingerprint of the roster's admin key, as people compare it (``keys.fingerprint``).

    Args:
        roster: the roster.

    Returns:
        ``ABCD-1234-…``: four groups of four upper-case hex digits (``keys.fingerprint``).
    """
    return fingerprint(roster.data["admin"])
