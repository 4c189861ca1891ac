"""The one rule table: who may write what, in which synced table and field, with which values.

Consulted by the store (the enums its functions accept, the role grants), by the exporter (which
of this laptop's own changes the other laptops will quarantine) and by the importer, which judges
every received change by it before anything is applied (``store/sync/judge.py``). This module is
pure: no SQL and no state. The judge tells it what it needs to know of the database (the
catalogue's codes, the author's role, which rows exist).

Per synced table:

- ``create``: the permission (an action of ``store/access.py``) a row's creation needs, which
  may depend on the row's values (a signal event's kind, a restriction's authority, a person's
  role);
- ``fields``: per field the value check (``store/validate.py``) and who may change it after the
  row was created: a permission, ``restricted`` (together with a restriction of that activity,
  of one of the kinds named, or a correction of it, in the same change set: R5; a field with
  no permission changes only so), or nobody (immutable after insert);
- ``delete``: the permission that may delete a row, or None: append-only tables never;
- attribution fields name the change's own author (``actor``) and device (``device``), and
  ``stamp`` fields (when it was recorded) may not lie after the change's own clock.

Both roles bound every change: the role of the device that signed it (the signed team roster) and
the role of the person recorded as its author (as the judging laptop knows them). A device
enrolled as ``admin`` may author whatever its author may.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from . import access, validate
from .clock import LOCAL_TZ, from_db, iso_week
from .errors import BadInput, PermissionDenied
from .sha import sha256

# Enums: the values the schema's CHECK constraints list; the store's functions use these too. --

ROLES = access.ROLES
SUBJECT_KINDS = ("person", "object", "service")
DOMAINS = ("local", "national")
ACTIVITY_KINDS = ("work", "private")
#: Statuses an edit may set; the others follow only from a restriction (R5).
PLAIN_STATUSES = ("planned", "confirmed", "done")
RESTRICTED_STATUSES = ("cancelled", "moved", "shortened")
ACTIVITY_STATUSES = PLAIN_STATUSES + RESTRICTED_STATUSES
RESTRICTION_KINDS = ("cancelled", "moved", "shortened", "relocated")
RESTRICTION_REASONS = ("capacity", "threat", "tbp_choice")
REVIEW_REASONS = ("changed_externally",)
LOG_KINDS = ("note", "movement", "incident", "deviation", "equipment")
SIGNAL_CATEGORIES = ("possible_surveillance", "person", "vehicle", "online", "approach", "other")
URGENCIES = ("immediate", "priority", "routine")
TLPS = ("clear", "green", "amber", "amber+strict", "red")
#: The information organisation's workflow steps (R7); a sighting adds weight, by anyone.
WORKFLOW_STEPS = ("received", "follow_up", "interpreted", "closed")
SIGNAL_EVENT_KINDS = (*WORKFLOW_STEPS, "sighting")
OUTCOMES = (
    "confirmed",
    "not_confirmed",
    "false_positive",
    "forwarded_to_investigation",
    "linked_to_report",
)
SIGHTINGS = ("seen_again", "not_seen", "false_positive")
REPORT_EVENT_KINDS = ("issued", "acknowledged")
AUDIENCES = ("line_managers", "authority")
HANDOVER_EVENT_KINDS = ("accepted", "question")
DECISION_STEPS = ("decision", "execution", "monitoring")
#: A requested activity's assessment (store/requests.py) and its answer; an experience's weight.
REQUEST_VERDICTS = ("as_asked", "with_changes", "not_feasible")
REQUEST_ANSWERS = ("accepted", "refused")
EXPERIENCE_WEIGHTS = ("none", "some", "heavy")
#: Psychosocial care (store/care.py): a household member's relation, a care module's statuses.
HOUSEHOLD_RELATIONS = ("partner", "child")
CARE_STATUSES = ("offered", "accepted", "declined", "ended")
#: How many days before the day it is recorded a care status may say it took effect: a status
#: is recorded when it happens, or soon after; further back it is back-dated (refused by the
#: store, quarantined by the judge).
CARE_BACKDATE_DAYS = 31
#: The most characters of a care record's note: a pointer, never the content of care.
CARE_NOTE_LENGTH = 200
#: A member's code: the person's code, ``-P`` (partner) or ``-C`` (child) and a number.
MEMBER_CODE_PATTERN = re.compile(r"^([A-Z][A-Z0-9-]{1,31})-([PC])([1-9][0-9]?)\Z")
_MEMBER_LETTERS = {"partner": "P", "child": "C"}
#: The most characters a request's assessment (its options as JSON) may have.
MAX_ASSESSMENT = 200_000
#: The most options of ``suggest`` an assessment keeps besides planning it as asked (it ranks
#: them; the rest are never chosen); the nearest later day may be offered besides.
MAX_OPTIONS = 12
#: What an option of an assessment does: plan it as asked, or one of ``suggest``'s actions.
REQUEST_OPTION_ACTIONS = ("as_asked", "deploy", "assign", "combine", "move")

#: The deciding authority of a restriction that follows from the person's own calendar (an
#: event cancelled there): every role that may import calendars may record that cancellation
#: of an activity that came from a calendar; anything else names a real authority.
CALENDAR_AUTHORITY = "calendar"
#: How the correction begins that reinstates an activity cancelled only by its calendar (the one
#: way a cancelled activity is planned again: the calendar has the event again).
#: Data on purpose, not words for a face (issue 15): it is stored in ``activity_correction.reason``,
#: a synced free-text field that people fill in their own words too (``--correction REASON``),
#: and every laptop's judge recognises the reinstatement by this prefix (``sync/judge.py``).
#: Translating or rewording it would make the laptops of older versions quarantine the
#: reinstatements of newer ones; it stays this English text for as long as bundles carry it.
REINSTATED = "Reinstated by the calendar"

#: ``\Z``, not ``$``: "$" also matches before a trailing line break ("RT-0412\n").
CALLSIGN_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,23}\Z")
SUBJECT_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,31}\Z")
MAX_ACTIVITY = timedelta(hours=72)
#: The same limit for whole days (an all-day event): calendar days, so that three days across
#: the autumn clock change (73 real hours) are not longer than three days.
MAX_ACTIVITY_DAYS = 3
MAX_SHIFT = timedelta(hours=14)
#: How far a recorded time may lie after the clock of the change that carries it (a signal's
#: observation may be noted a little ahead of a laptop's clock, as the store allows).
CLOCK_SKEW = timedelta(minutes=5)
#: A recorded time (when a log entry, a signal, a decision … was written: not when something
#: was observed) more than this before a pushed or continued stamp of the change that carries it
#: (``sync/written.py``) is flagged as clocks apart; before a stamp its author's own clock read,
#: more than ``SEAL_LAG`` is flagged as back-dated. Flagged, never quarantined: an honest laptop
#: whose clock was set back writes such records too, and its work must not be lost.
BACKDATE_LIMIT = timedelta(hours=1)
#: How long before its change set's stamp a time a laptop records when it writes a row
#: (``created_at``, ``requested_at`` …) may lie when that stamp is its own clock (not pushed
#: ahead by a peer's, ``sync/written.py``): the time a write takes before it is sealed.
#: Earlier, the row was not written then: it is judged by its stamp (rev13g f2).
SEAL_LAG = timedelta(minutes=5)
#: Stamps that say when something happened, not when it was written: never flagged.
NOT_RECORDED = frozenset({("signal", "observed_at")})
#: Records whose stated time decides what holds now (R2's latest assessment, the signal's
#: latest outcome, the restrictions and decisions in force): one dated ahead of a laptop's
#: clock by more than ``CLOCK_SKEW`` waits there until its time comes, so it cannot pin
#: anything in the meantime (an assessment dated tomorrow would outrank every one made today).
DATED_RECORDS = {
    "threat_assessment": "assessed_at",
    "restriction": "recorded_at",
    "decision": "adopted_at",
    "signal_event": "at",
}
#: The tables whose rows carry a unique name a clash can give two rows and the admin laptop
#: claims (``sync/clashes.py``); a household member's code clashes too, settled by the stamps.
NAMED_TABLES = ("staff", "subject", "activity")
#: The longest name a claim may carry: a calendar event's key as JSON (its person's id, a uid of
#: up to 1,000 characters and a recurrence of up to 100, each character escaped at most twice).
MAX_CLAIMED_NAME = 4000
#: A signed handover's frozen content may be long (it lists every id it concerns).
MAX_DOCUMENT = 4_000_000

# Actions beyond store/access.py that only the rules name -----------------------------------

#: Making someone an admin, or changing an admin's role.
GRANT_ADMIN = "staff.grant_admin"
#: Acknowledging an issued signal report (its audience: line managers or the authority).
ACKNOWLEDGE_REPORT = "intel.acknowledge"
#: Witnessing which row first held a unique name (``name_claim``): the team's admin laptop
#: writes it as it takes rows in, whoever works at it; no other laptop may (the judge also
#: checks that the laptop is the roster's admin laptop, not only one enrolled as admin).
CLAIM_NAME = "sync.claim_name"
_EXTRA_ACTIONS: dict[str, frozenset[str]] = {
    GRANT_ADMIN: frozenset({"admin"}),
    ACKNOWLEDGE_REPORT: frozenset({"shift_leader", "planner", "authority", "admin"}),
    CLAIM_NAME: frozenset(ROLES),
}
#: Actions that only a device enrolled with one of these roles may carry, whatever its
#: person's role allows: the laptop, not the person, is the witness.
_DEVICE_ONLY: dict[str, frozenset[str]] = {CLAIM_NAME: frozenset({"admin"})}


def allowed(role: str, action: str) -> bool:
    """Whether a person of ``role`` may take ``action``.

    Args:
        role: the person's role.
        action: the action (``signal.raise``…).

    Returns:
        True when the role holds that permission (``access.PERMISSIONS``) or is among those the
        extra actions name; False for an unknown action.
    """
    if action in _EXTRA_ACTIONS:
        return role in _EXTRA_ACTIONS[action]
    return action in access.PERMISSIONS and access.allowed(role, action)


def device_allows(role: str, action: str) -> bool:
    """Whether a device enrolled with ``role`` may carry ``action`` (an admin device: any).

    Args:
        role: the role the device was enrolled with.
        action: the action.

    Returns:
        True for an admin device, else as ``allowed(role, action)``.
    """
    if action in _DEVICE_ONLY:
        return role in _DEVICE_ONLY[action]
    return role == "admin" or allowed(role, action)


def grant_action(new_role: str, old_role: str | None = None) -> str:
    """The permission giving someone ``new_role`` needs (from ``old_role`` when they had one).

    Args:
        new_role: the role given.
        old_role: the role they had, or None.

    Returns:
        ``GRANT_ADMIN`` when either role is admin, else ``"staff.write"``.
    """
    return GRANT_ADMIN if "admin" in (new_role, old_role) else "staff.write"


def admin_operator_elsewhere(staff_id: str, device: str, admin: tuple[str, str] | None) -> bool:
    """Whether a change of ``staff_id``'s role made on ``device`` must be refused: the role of
    the person bound to the team's admin laptop (``admin``: that laptop's id and its bound
    operator's staff id, from the signed roster) changes only on the admin laptop, so no peer
    can take away the rights the team's admin laptop needs to revoke or undo.

    Args:
        staff_id: the staff row whose role changes.
        device: the laptop the change was made on (its id).
        admin: the admin laptop's id and its bound operator's staff id, or None.

    Returns:
        True when the change must be refused: the row is the admin laptop's bound operator and
        ``device`` is another laptop; False without a signed roster (``admin`` None).
    """
    return admin is not None and staff_id == admin[1] and device != admin[0]


def require_grant(actor: access.Actor, new_role: str, old_role: str | None = None) -> None:
    """Refuse (PermissionDenied) unless ``actor`` may give someone ``new_role``.

    Args:
        actor: the acting person.
        new_role: the role given.
        old_role: the role they had, or None.

    Raises:
        PermissionDenied: the actor may not give it.
    """
    action = grant_action(new_role, old_role)
    if action == GRANT_ADMIN and actor.role != "admin":
        raise PermissionDenied(
            code="grant_admin_only_by_admin",
            action=GRANT_ADMIN,
            callsign=actor.callsign,
            role=actor.role,
        )
    access.require(actor, "staff.write")


# Value checks --------------------------------------------------------------------------------

Check = Callable[[object, str], object]


#: The most characters a field's value may have, by its check: free text's own limit (``_text``);
#: every other check takes short values (codes, ids, times, numbers, choices): ``SHORT``.
_SIZES: dict[Check, int] = {}
#: The most characters of a value no free text check takes (a code, id, time, number, choice).
SHORT = 64


def _text(required: bool = False, max_len: int = validate.MAX_TEXT) -> Check:
    def check(value: object, name: str) -> object:
        return validate.text(value, name, max_len=max_len, required=required)

    _SIZES[check] = max_len
    return check


def _choice(options: tuple[str, ...]) -> Check:
    return lambda value, name: validate.choice(value, name, options)


def _optional(check: Check) -> Check:
    def optional(value: object, name: str) -> object:
        return None if value is None else check(value, name)

    if check in _SIZES:
        _SIZES[optional] = _SIZES[check]
    return optional


def _pattern(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: object, name: str) -> object:
        if not isinstance(value, str) or not pattern.match(value):
            raise BadInput(
                code="not_a_pattern",
                field=name,
                what=what,
                given=validate.visible(str(value))[:60],
            )
        return value

    return check


def _flag(value: object, name: str) -> object:
    return validate.integer(value, name, low=0, high=1)


def _ident(value: object, name: str) -> object:
    """A record id: short text without control or formatting characters."""
    return validate.code(value, name, max_len=64)


#: The shape of every record id a store writes (``ids.uuid7``: lowercase text UUID).
_RECORD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _record_id(value: object, name: str) -> object:
    """A record's own id: the shape a store writes (a chosen id such as ``'0'`` is no store's,
    and would decide whatever order ids decide)."""
    _ident(value, name)
    if not isinstance(value, str) or _RECORD_ID.fullmatch(value) is None:
        raise BadInput(code="not_a_record_id", field=name)
    return value


def _level(value: object, name: str) -> object:
    return validate.integer(value, name, low=1, high=99)


def _sequence(value: object, name: str) -> object:
    return validate.integer(value, name, low=0, high=2**31 - 1)


def _digest(value: object, name: str) -> object:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise BadInput(code="not_a_digest", field=name)
    return value


TEXT = _text()
REQUIRED = _text(required=True)
TIME = validate.stored_time
CALLSIGN = _pattern(CALLSIGN_PATTERN, "callsign")


@dataclass(frozen=True)
class FieldRule:
    """One field: its value check, who may change it after insert, what it must match."""

    check: Check
    update: str | None = None  # the permission to change it later; None: immutable
    restricted: frozenset[str] = frozenset()  # also with a restriction of these kinds (R5)
    ref: str | None = None  # names a row of this synced table
    catalogue: str | None = None  # a code of this list of the reference catalogue
    actor: bool = False  # names the change's own author
    device: bool = False  # names the change's own device
    stamp: bool = False  # when it was recorded: not after the change's own clock
    #: Once it has a value, no store action clears it (NULL or ''): an activity's concept is
    #: replaced by another, never taken away (the R1 flag would go with it).
    kept: bool = False


ID = FieldRule(_record_id)
STAMP = FieldRule(TIME, stamp=True)
ACTOR = FieldRule(CALLSIGN, actor=True)
DEVICE = FieldRule(_ident, device=True)


def _ref(table: str, *, optional: bool = False) -> FieldRule:
    return FieldRule(_optional(_ident) if optional else _ident, ref=table)


RowCheck = Callable[[Mapping[str, object]], None]


@dataclass(frozen=True)
class TableRule:
    """One synced table: who creates its rows, its fields, whether rows may be deleted."""

    name: str
    create: Callable[[Mapping[str, object]], str]
    fields: Mapping[str, FieldRule]
    delete: str | None = None
    row_checks: tuple[RowCheck, ...] = ()
    derived: frozenset[str] = field(default_factory=frozenset)
    #: Fields the row checks (and the database's CHECK constraints) read together: a change
    #: of one is judged with the others as they stood when it was made, so that two changes
    #: made at once, each valid alone, cannot leave the row invalid on some laptops only.
    together: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str, ...]:
        """The table's key columns (``id`` unless ``KEYS`` names others)."""
        return KEYS.get(self.name, ("id",))


def _always(action: str) -> Callable[[Mapping[str, object]], str]:
    return lambda _row: action


# Row checks: what holds between the fields of one row -----------------------------------------


def too_long(start: datetime, end: datetime) -> bool:
    """Whether an activity [start, end) lasts longer than one may (R5 splits it): more than
    ``MAX_ACTIVITY`` real hours, unless it is whole local days (midnight to midnight in
    Europe/Amsterdam) and at most ``MAX_ACTIVITY_DAYS`` of them.

    Args:
        start: aware UTC.
        end: aware UTC (exclusive).

    Returns:
        True when the activity must be split; False for at most ``MAX_ACTIVITY`` of real time, or
        whole local days up to ``MAX_ACTIVITY_DAYS``.
    """
    if end - start <= MAX_ACTIVITY:
        return False
    first, last = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    whole = first.time() == last.time() == time(0) and first.tzinfo is not None
    return not (whole and (last.date() - first.date()).days <= MAX_ACTIVITY_DAYS)


def _ends_after_start(limit: timedelta | None) -> RowCheck:
    def check(row: Mapping[str, object]) -> None:
        start, end = row.get("start_at"), row.get("end_at")
        if isinstance(start, str) and isinstance(end, str):
            if end <= start:
                raise BadInput(code="end_not_after_start")
            over = limit is not None and from_db(end) - from_db(start) > limit
            if over and (limit != MAX_ACTIVITY or too_long(from_db(start), from_db(end))):
                assert limit is not None
                raise BadInput(code="lasts_too_long", hours=limit.total_seconds() / 3600)

    return check


def _workflow_fields(row: Mapping[str, object]) -> None:
    kind = row.get("kind")
    if (kind == "closed") != (row.get("outcome") is not None):
        raise BadInput(code="outcome_without_closing")
    if (kind == "sighting") != (row.get("sighting") is not None):
        raise BadInput(code="sighting_mismatch")
    if kind == "interpreted":
        validate.text(row.get("note"), "duiding", required=True)


def _issued_to_an_audience(row: Mapping[str, object]) -> None:
    if (row.get("kind") == "issued") != (row.get("audience") is not None):
        raise BadInput(code="audience_mismatch")


def content_hash(content: Mapping[str, object]) -> str:
    """The SHA-256 a signed handover carries (the same digest ``store/handover.py`` signs).

    Args:
        content: the handover's frozen content.

    Returns:
        64 hex digits.
    """
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256(body.encode("utf-8")).hexdigest()


def _handover_matches_its_hash(row: Mapping[str, object]) -> None:
    try:
        content = validate.json_document(str(row.get("content")), "handover_content")
    except ValueError:
        raise BadInput(code="handover_content_not_json") from None
    if not isinstance(content, dict) or content_hash(content) != row.get("content_hash"):
        raise BadInput(code="handover_hash_mismatch")


def _supersedes_with_a_reason(row: Mapping[str, object]) -> None:
    if row.get("supersedes") is not None and not str(row.get("supersede_reason") or "").strip():
        raise BadInput(code="handover_supersede_without_reason")


def _new_times_in_order(row: Mapping[str, object]) -> None:
    """The time a restriction or correction gives an activity is one an activity may have."""
    start, end = row.get("new_start_at"), row.get("new_end_at")
    if isinstance(start, str) and isinstance(end, str) and end <= start:
        raise BadInput(code="new_end_not_after_start")
    if isinstance(start, str) and isinstance(end, str) and too_long(from_db(start), from_db(end)):
        raise BadInput(code="restriction_too_long", hours=MAX_ACTIVITY.total_seconds() / 3600)


def _answer_fields(row: Mapping[str, object]) -> None:
    """An acceptance names its option and activity; a refusal its reason and authority (R5)."""
    accepted = row.get("answer") == "accepted"
    if accepted != (row.get("option") is not None and row.get("activity_id") is not None):
        raise BadInput(code="answer_fields_mismatch")
    if (not accepted) != (row.get("reason") is not None and row.get("authority") is not None):
        raise BadInput(code="answer_fields_mismatch")


def request_option_coverable(option: Mapping[str, object]) -> bool:
    """Whether carrying out an option of a request's assessment leaves no gap naming the
    activity: ``suggest`` calls it feasible, or the activity planned so is covered by the
    officers on duty of its unit (``coverable``).

    Args:
        option: an option as the assessment keeps it.

    Returns:
        True when it makes the activity plannable without a roster gap.
    """
    return bool(option.get("feasible") or option.get("coverable"))


def request_verdict(options: Sequence[Mapping[str, object]]) -> str:
    """The verdict the store gives an assessment (``REQUEST_VERDICTS``): ``as_asked`` when its
    first option (as asked) is feasible, ``with_changes`` when another option (not the nearest
    later day) is coverable, else ``not_feasible``.

    Args:
        options: the assessment's options, as written.

    Returns:
        The verdict.
    """
    if options and options[0].get("action") == "as_asked" and options[0].get("feasible"):
        return "as_asked"
    changes = [o for o in options[1:] if not o.get("nearest")]
    return "with_changes" if any(request_option_coverable(o) for o in changes) else "not_feasible"


def _kind_of(value: object) -> str:
    """The JSON kind of a value as an option's field is checked against."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    kinds: dict[type, str] = {int: "int", str: "text", dict: "object", list: "list"}
    return kinds.get(type(value), "other")


#: Every field of an assessment's option as the store writes it, and the JSON kinds it may
#: hold (``coverable`` and ``nearest`` only on some options).
_OPTION_FIELDS: dict[str, frozenset[str]] = {
    "action": frozenset({"text"}),
    "what": frozenset({"object"}),
    "price": frozenset({"object"}),
    "feasible": frozenset({"bool"}),
    "partial": frozenset({"bool"}),
    "concept": frozenset({"text", "null"}),
    "start": frozenset({"text", "null"}),
    "end": frozenset({"text", "null"}),
    "shift_minutes": frozenset({"int", "null"}),
    "callsign": frozenset({"text", "null"}),
    "team": frozenset({"list"}),
    "fact": frozenset({"object", "null"}),
    "token": frozenset({"text"}),
    "coverable": frozenset({"bool"}),
    "nearest": frozenset({"bool"}),
}
_OPTIONAL_OPTION_FIELDS = frozenset({"coverable", "nearest"})


def _option_fault(option: object) -> str | None:
    """What is wrong with one option of an assessment as written, or None."""
    if not isinstance(option, dict):
        return "option_not_object"
    missing = set(_OPTION_FIELDS) - _OPTIONAL_OPTION_FIELDS - set(option)
    if missing or set(option) - set(_OPTION_FIELDS):
        return "option_fields"
    if any(_kind_of(option[k]) not in _OPTION_FIELDS[k] for k in option):
        return "option_field_kind"
    if option["action"] not in REQUEST_OPTION_ACTIONS:
        return "option_action"
    if not all(isinstance(member, str) for member in option["team"]):
        return "option_field_kind"
    for col in ("start", "end"):
        if option[col] is not None:
            try:
                validate.stored_time(option[col], col)
            except BadInput:
                return "option_time"
    return None


def read_assessment(
    verdict: object, assessment: object
) -> tuple[list[dict[str, object]], str | None]:
    """A request's assessment as stored, read as the store writes it (every face reads it,
    every laptop receives it): JSON, a list of 1 to ``MAX_OPTIONS`` + 1 options, the first
    planning it as asked, each option with the store's fields of the store's kinds (times
    readable and in range), and the verdict the one the store decides for these options
    (``request_verdict``).

    Args:
        verdict: the stored verdict.
        assessment: the stored assessment (JSON text).

    Returns:
        The options and None; or no options and what is wrong (``assessment_not_json``,
        ``assessment_not_options``, ``option_not_object``, ``option_fields``,
        ``option_field_kind``, ``option_action``, ``option_time``, ``verdict_mismatch``).
    """
    try:
        options = validate.json_document(str(assessment), "assessment", max_len=MAX_ASSESSMENT)
    except ValueError:
        return [], "assessment_not_json"
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS + 1:
        return [], "assessment_not_options"
    for option in options:
        fault = _option_fault(option)
        if fault is not None:
            return [], fault
    if options[0]["action"] != "as_asked":
        return [], "assessment_not_options"
    if request_verdict(options) != verdict:
        return [], "verdict_mismatch"
    return options, None


def assessment_fault(verdict: object, assessment: object) -> str | None:
    """What is wrong with a request's assessment and verdict as stored (``read_assessment``).

    Args:
        verdict: the stored verdict.
        assessment: the stored assessment (JSON text).

    Returns:
        The code of what is wrong, or None when it is as the store writes it.
    """
    return read_assessment(verdict, assessment)[1]


def request_over(end: datetime | None, now: datetime) -> bool:
    """Whether a request's activity would have ended by ``now`` (the store refuses to record
    one, ``request_over``): the one check the store and the sync judge both make.

    Args:
        end: the requested end, aware UTC (None: not given, never over).
        now: now (or when the request was made), aware UTC.

    Returns:
        True when ``end`` is at or before ``now``.
    """
    return end is not None and end <= now


def request_not_as_asked(
    row: Mapping[str, object], options: Sequence[Mapping[str, object]]
) -> bool:
    """Whether a request's assessment is not of the request itself: the store assesses the
    request's own times, so its first option ("as asked") starts and ends as the request does.

    Args:
        row: the request (``start_at``, ``end_at`` as stored UTC text).
        options: its assessment's options as read (``read_assessment``).

    Returns:
        True when the first option's start or end differs from the request's.
    """
    if not options:
        return False
    first = options[0]
    return (first.get("start"), first.get("end")) != (row.get("start_at"), row.get("end_at"))


def _assessment_as_written(row: Mapping[str, object]) -> None:
    fault = assessment_fault(row.get("verdict"), row.get("assessment"))
    if fault is not None:
        raise BadInput(code="request_assessment_malformed", fault=fault)


def _week(value: object, name: str) -> object:
    monday = validate.week(value, name)
    if iso_week(monday) != value:
        raise BadInput(code="not_a_week", field=name, given="")
    return value


def _activity_or_week(row: Mapping[str, object]) -> None:
    if (row.get("activity_id") is None) == (row.get("week") is None):
        raise BadInput(code="experience_activity_and_week")


def care_module_for(module: str) -> str:
    """Which member a care module of the catalogue is for, from its name: a name ending in
    ``: partner`` is for a partner, one ending in ``: children`` (or ``: child``) for a child,
    every other module (``Psychosocial care: protected person``, ``Temporary relocation
    support``) for the protected person themself (``self``).

    Args:
        module: the module's name as the catalogue's packages list it.

    Returns:
        ``self``, ``partner`` or ``child``.
    """
    tail = module.rsplit(":", 1)[-1].strip().casefold() if ":" in module else ""
    if tail == "partner":
        return "partner"
    if tail in ("children", "child"):
        return "child"
    return "self"


def member_code(person: str, relation: str, number: int) -> str:
    """A household member's code: ``MEREL-P1`` for MEREL's first partner, ``MEREL-C2`` for the
    second child.

    Args:
        person: the subject's code name.
        relation: ``partner`` or ``child``.
        number: the member's number among the person's members of that relation (from 1).

    Returns:
        The code.
    """
    return f"{person}-{_MEMBER_LETTERS[relation]}{number}"


def local_day(stamp: str) -> str:
    """The Amsterdam day of a stored UTC time, as stored date text.

    Args:
        stamp: stored UTC text.

    Returns:
        ``YYYY-MM-DD``.
    """
    return from_db(stamp).astimezone(LOCAL_TZ).date().isoformat()


def _member_code(row: Mapping[str, object]) -> None:
    code, relation = row.get("code"), row.get("relation")
    found = MEMBER_CODE_PATTERN.match(code) if isinstance(code, str) else None
    if found is None or _MEMBER_LETTERS.get(str(relation)) != found[2]:
        raise BadInput(code="care_member_code", given=validate.shown(code))


def _care_day(row: Mapping[str, object]) -> None:
    """A care status's day: not after the day it was recorded (a day ahead in Amsterdam is
    still that UTC day's), at most ``CARE_BACKDATE_DAYS`` before it."""
    on, at = row.get("on_date"), row.get("recorded_at")
    if not (isinstance(on, str) and isinstance(at, str)):
        return
    recorded = from_db(at).astimezone(LOCAL_TZ).date()
    day = validate.day(date.fromisoformat(on), "on_date")
    if day > recorded:
        raise BadInput(code="care_date_ahead", on=on, today=recorded.isoformat())
    if (recorded - day).days > CARE_BACKDATE_DAYS:
        raise BadInput(code="care_backdated", on=on, days=CARE_BACKDATE_DAYS)


# Creation permissions that depend on the row ----------------------------------------------------


def _staff_create(row: Mapping[str, object]) -> str:
    return grant_action(str(row.get("role")))


def calendar_cancellation(row: Mapping[str, object]) -> bool:
    """A restriction that is the person's own calendar cancelling an event: the one restriction
    whoever may import calendars records (and only of an activity that came from a calendar,
    which the importer checks; the store's own restrictions refuse this authority).

    Args:
        row: the restriction's columns.

    Returns:
        True for a ``cancelled`` restriction with reason ``tbp_choice`` and ``CALENDAR_AUTHORITY``
        as its authority.
    """
    return (
        row.get("kind") == "cancelled"
        and row.get("reason") == "tbp_choice"
        and row.get("authority") == CALENDAR_AUTHORITY
    )


def restricted_into_past(row: Mapping[str, object]) -> str | None:
    """The time a restriction would move an activity to that had already passed when it was
    recorded, or None (R5: a restriction decides what happens next, it never rewrites what
    happened). Only a start or end it changes counts; the store checks it as it records the
    restriction and the importer a restriction received.

    Args:
        row: the restriction's stored columns (``old_start_at``, ``old_end_at``,
            ``new_start_at``, ``new_end_at``, ``recorded_at``; UTC text).

    Returns:
        The first such new time (UTC text), or None.
    """
    now = row.get("recorded_at")
    for old, new in (("old_start_at", "new_start_at"), ("old_end_at", "new_end_at")):
        moved = row.get(new)
        changed = isinstance(moved, str) and moved != row.get(old)
        if changed and isinstance(now, str) and isinstance(moved, str) and moved < now:
            return moved
    return None


def restricted_after_end(row: Mapping[str, object]) -> str | None:
    """The end of an activity that was already over when a restriction of it was recorded, or
    None (R5: a restriction decides what happens next; an activity that has ended has no next:
    cancelling, shortening or relocating it would rewrite what happened). Moving it to a time
    still ahead is the one exception (what did not take place is planned anew); a calendar's
    cancellation is the calendar's account, not a decision: not judged here.

    Args:
        row: the restriction's stored columns (``old_end_at``, ``new_start_at``,
            ``recorded_at``, ``kind``, ``reason``, ``authority``; UTC text).

    Returns:
        The activity's end then (UTC text), or None.
    """
    end, now, ahead = row.get("old_end_at"), row.get("recorded_at"), row.get("new_start_at")
    if not (isinstance(end, str) and isinstance(now, str) and end <= now):
        return None
    if row.get("kind") == "moved" and isinstance(ahead, str) and ahead >= now:
        return None
    return None if calendar_cancellation(row) else end


def corrected_into_past(old: datetime, new: datetime, now: datetime) -> bool:
    """Whether a correction moves a time of an activity that had not passed yet (``old``) to
    one that has (``new``): the past-move rule of restrictions holds for corrections too (R5);
    a time already past may be corrected to another past time (the record of what happened).

    Args:
        old: the time before, aware UTC.
        new: the time after, aware UTC.
        now: now, aware UTC.

    Returns:
        True when the time changes from one at or after ``now`` to one before it.
    """
    return new != old and new < now <= old


def _restriction_create(row: Mapping[str, object]) -> str:
    return "activity.write" if calendar_cancellation(row) else "activity.restrict"


def _signal_event_create(row: Mapping[str, object]) -> str:
    return "signal.raise" if row.get("kind") == "sighting" else "signal.process"


def _report_event_create(row: Mapping[str, object]) -> str:
    return "intel.write" if row.get("kind") == "issued" else ACKNOWLEDGE_REPORT


# The table -----------------------------------------------------------------------------------

#: Which restrictions may change which of an activity's fields (R5).
MOVES = frozenset({"moved", "shortened"})
RELOCATES = frozenset({"relocated"})
ANY_RESTRICTION = frozenset(RESTRICTION_KINDS)
#: A correction of the agenda (a mistake fixed, or the person's calendar changed it) may change
#: an activity's time and place too, recorded with its reason (``activity_correction``).
CORRECTED = "correction"
MOVES_OR_CORRECTED = MOVES | {CORRECTED}
RELOCATES_OR_CORRECTED = RELOCATES | {CORRECTED}

#: A period's start and end: read together (``CHECK (end_at > start_at)``, a longest duration).
TIMES = frozenset({"start_at", "end_at"})

KEYS = {
    "staff_qualification": ("staff_id", "qualification"),
    "report_signal": ("report_id", "signal_id"),
}

_RULES = (
    TableRule(
        "staff",
        _staff_create,
        {
            "id": ID,
            "callsign": FieldRule(CALLSIGN),
            "name": FieldRule(TEXT),
            "unit": FieldRule(validate.code, catalogue="unit"),
            "role": FieldRule(_choice(ROLES), update="staff.write"),
            "created_at": STAMP,
        },
    ),
    TableRule(
        "staff_qualification",
        _always("staff.write"),
        {
            "staff_id": _ref("staff"),
            "qualification": FieldRule(validate.code, catalogue="qualification"),
            "valid_until": FieldRule(_optional(validate.stored_date), update="staff.write"),
        },
    ),
    TableRule(
        "subject",
        _always("subject.write"),
        {
            "id": ID,
            "code": FieldRule(_pattern(SUBJECT_CODE_PATTERN, "code name")),
            "kind": FieldRule(_choice(SUBJECT_KINDS)),
            "domain": FieldRule(_choice(DOMAINS), update="subject.write"),
            "unit": FieldRule(validate.code, catalogue="unit"),
            "created_at": STAMP,
        },
        derived=frozenset({"threat_level"}),
    ),
    TableRule(
        "threat_assessment",
        _always("subject.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "level": FieldRule(_level, catalogue="threat_level"),
            "domain": FieldRule(_choice(DOMAINS)),
            "summary": FieldRule(TEXT),
            "assessed_at": STAMP,
            "assessed_by": ACTOR,
            "device": DEVICE,
        },
    ),
    TableRule(
        "activity",
        _always("activity.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "title": FieldRule(REQUIRED, update="activity.write"),
            "kind": FieldRule(_choice(ACTIVITY_KINDS), update="activity.write"),
            "start_at": FieldRule(TIME, restricted=MOVES_OR_CORRECTED),
            "end_at": FieldRule(TIME, restricted=MOVES_OR_CORRECTED),
            "location": FieldRule(TEXT, restricted=RELOCATES_OR_CORRECTED),
            "status": FieldRule(
                _choice(ACTIVITY_STATUSES), update="activity.write", restricted=ANY_RESTRICTION
            ),
            "concept": FieldRule(
                _optional(validate.code), update="activity.write", catalogue="concept", kept=True
            ),
            "review_reason": FieldRule(_optional(_choice(REVIEW_REASONS)), update="activity.write"),
            "source_uid": FieldRule(_optional(_text(max_len=1000))),
            "source_recurrence": FieldRule(_optional(_text(max_len=100))),
            "source_sequence": FieldRule(_optional(_sequence), update="activity.write"),
            "source_calendar": FieldRule(
                _optional(_text(max_len=200)), update="activity.write", kept=True
            ),
            "source_modified": FieldRule(_optional(TIME), update="activity.write"),
            "source_hash": FieldRule(
                _optional(_text(max_len=64)), update="activity.write", kept=True
            ),
            "created_at": STAMP,
            "created_by": ACTOR,
            "updated_at": FieldRule(
                TIME, update="activity.write", restricted=ANY_RESTRICTION, stamp=True
            ),
        },
        row_checks=(_ends_after_start(MAX_ACTIVITY),),
        together=TIMES,
    ),
    TableRule(
        "restriction",
        _restriction_create,
        {
            "id": ID,
            "activity_id": _ref("activity"),
            "kind": FieldRule(_choice(RESTRICTION_KINDS)),
            "reason": FieldRule(_choice(RESTRICTION_REASONS)),
            "authority": FieldRule(_text(required=True, max_len=200)),
            "note": FieldRule(TEXT),
            "old_start_at": FieldRule(TIME),
            "old_end_at": FieldRule(TIME),
            "new_start_at": FieldRule(_optional(TIME)),
            "new_end_at": FieldRule(_optional(TIME)),
            "recorded_at": STAMP,
            "recorded_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_new_times_in_order,),
    ),
    TableRule(
        "activity_correction",
        _always("activity.write"),
        {
            "id": ID,
            "activity_id": _ref("activity"),
            "reason": FieldRule(REQUIRED),
            "old_start_at": FieldRule(TIME),
            "old_end_at": FieldRule(TIME),
            "old_location": FieldRule(TEXT),
            "new_start_at": FieldRule(TIME),
            "new_end_at": FieldRule(TIME),
            "new_location": FieldRule(TEXT),
            "recorded_at": STAMP,
            "recorded_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_new_times_in_order,),
    ),
    TableRule(  # guarding posts are planned with the roster; posts.assign_post_concept re-plans one
        "standing_post",
        _always("staff.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "concept": FieldRule(validate.code, update="staff.write", catalogue="concept"),
            "start_at": FieldRule(TIME),
            "end_at": FieldRule(TIME),
            "created_at": STAMP,
        },
        row_checks=(_ends_after_start(None),),
        together=TIMES,
    ),
    TableRule(
        "shift",
        _always("staff.write"),
        {
            "id": ID,
            "staff_id": _ref("staff"),
            "start_at": FieldRule(TIME),
            "end_at": FieldRule(TIME),
            "created_at": STAMP,
        },
        row_checks=(_ends_after_start(MAX_SHIFT),),
        together=TIMES,
    ),
    TableRule(
        "deployment",
        _always("staff.write"),
        {
            "id": ID,
            "activity_id": _ref("activity"),
            "staff_id": _ref("staff"),
            "created_at": STAMP,
            "created_by": ACTOR,
        },
        delete="staff.write",
    ),
    TableRule(
        "log_entry",
        _always("log.write"),
        {
            "id": ID,
            "at": STAMP,
            "author": ACTOR,
            "device": DEVICE,
            "subject_id": _ref("subject", optional=True),
            "activity_id": _ref("activity", optional=True),
            "kind": FieldRule(_choice(LOG_KINDS)),
            "text": FieldRule(REQUIRED),
            "flagged": FieldRule(_flag),
            "supersedes": _ref("log_entry", optional=True),
        },
    ),
    TableRule(
        "log_clearance",
        _always("log.clear"),
        {
            "id": ID,
            "entry_id": _ref("log_entry"),
            "cleared_at": STAMP,
            "cleared_by": ACTOR,
            "reason": FieldRule(REQUIRED),
        },
    ),
    TableRule(
        "signal",
        _always("signal.raise"),
        {
            "id": ID,
            "raised_at": STAMP,
            "observed_at": STAMP,
            "reporter": ACTOR,
            "device": DEVICE,
            "category": FieldRule(_choice(SIGNAL_CATEGORIES)),
            "urgency": FieldRule(_choice(URGENCIES)),
            "tlp": FieldRule(_choice(TLPS)),
            "subject_id": _ref("subject", optional=True),
            "activity_id": _ref("activity", optional=True),
            "location": FieldRule(TEXT),
            "text": FieldRule(REQUIRED),
            "requests_assessment": FieldRule(_flag),
        },
    ),
    TableRule(
        "signal_event",
        _signal_event_create,
        {
            "id": ID,
            "signal_id": _ref("signal"),
            "at": STAMP,
            "actor": ACTOR,
            "device": DEVICE,
            "kind": FieldRule(_choice(SIGNAL_EVENT_KINDS)),
            "note": FieldRule(TEXT),
            "outcome": FieldRule(_optional(_choice(OUTCOMES))),
            "sighting": FieldRule(_optional(_choice(SIGHTINGS))),
        },
        row_checks=(_workflow_fields,),
    ),
    TableRule(
        "signal_report",
        _always("intel.write"),
        {
            "id": ID,
            "title": FieldRule(REQUIRED),
            "interpretation": FieldRule(TEXT, update="intel.write"),
            "created_at": STAMP,
            "created_by": ACTOR,
            "supersedes": _ref("signal_report", optional=True),
        },
    ),
    TableRule(
        "report_signal",
        _always("intel.write"),
        {"report_id": _ref("signal_report"), "signal_id": _ref("signal")},
    ),
    TableRule(
        "report_scenario",
        _always("intel.write"),
        {
            "id": ID,
            "report_id": _ref("signal_report"),
            "description": FieldRule(REQUIRED),
            "likelihood": FieldRule(TEXT),
            "indicators": FieldRule(TEXT),
            "actions": FieldRule(TEXT),
        },
    ),
    TableRule(
        "report_event",
        _report_event_create,
        {
            "id": ID,
            "report_id": _ref("signal_report"),
            "kind": FieldRule(_choice(REPORT_EVENT_KINDS)),
            "at": STAMP,
            "actor": ACTOR,
            "device": DEVICE,
            "audience": FieldRule(_optional(_choice(AUDIENCES))),
        },
        row_checks=(_issued_to_an_audience,),
    ),
    TableRule(
        "handover",
        _always("handover.sign"),
        {
            "id": ID,
            "period_start": FieldRule(TIME),
            "period_end": FieldRule(TIME),
            "content": FieldRule(_text(required=True, max_len=MAX_DOCUMENT)),
            "notes": FieldRule(TEXT),
            "signed_at": STAMP,
            "signed_by": ACTOR,
            "device": DEVICE,
            "content_hash": FieldRule(_digest),
            "supersedes": _ref("handover", optional=True),
            "supersede_reason": FieldRule(TEXT),
        },
        row_checks=(_handover_matches_its_hash, _supersedes_with_a_reason),
    ),
    TableRule(
        "handover_event",
        _always("handover.sign"),
        {
            "id": ID,
            "handover_id": _ref("handover"),
            "kind": FieldRule(_choice(HANDOVER_EVENT_KINDS)),
            "at": STAMP,
            "actor": ACTOR,
            "device": DEVICE,
            "note": FieldRule(TEXT),
        },
    ),
    TableRule(
        "handover_withdrawal",
        _always("handover.sign"),  # and only by its signer or an admin: the judge checks who
        {
            "id": ID,
            "handover_id": _ref("handover"),
            "reason": FieldRule(REQUIRED),
            "withdrawn_at": STAMP,
            "withdrawn_by": ACTOR,
            "device": DEVICE,
        },
    ),
    TableRule(
        "decision",
        _always("decision.adopt"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "step": FieldRule(_choice(DECISION_STEPS)),
            "rationale": FieldRule(REQUIRED),
            "authority": FieldRule(_text(required=True, max_len=200)),
            "document": FieldRule(_text(required=True, max_len=200)),
            "adopted_at": STAMP,
            "adopted_by": ACTOR,
            "device": DEVICE,
            "tailored": FieldRule(_optional(REQUIRED)),
            "supersedes": _ref("decision", optional=True),
        },
    ),
    TableRule(
        "activity_request",
        _always("activity.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "title": FieldRule(REQUIRED),
            "kind": FieldRule(_choice(ACTIVITY_KINDS)),
            "start_at": FieldRule(TIME),
            "end_at": FieldRule(TIME),
            "location": FieldRule(TEXT),
            "concept": FieldRule(_optional(validate.code), catalogue="concept"),
            "verdict": FieldRule(_choice(REQUEST_VERDICTS)),
            "assessment": FieldRule(_text(required=True, max_len=MAX_ASSESSMENT)),
            "requested_at": STAMP,
            "requested_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_ends_after_start(MAX_ACTIVITY), _assessment_as_written),
        together=TIMES,  # never changed after insert: judged together all the same
    ),
    TableRule(
        "request_answer",
        _always("request.answer"),  # accepting also plans an activity: its own change, judged
        {
            "id": ID,
            "request_id": _ref("activity_request"),
            "answer": FieldRule(_choice(REQUEST_ANSWERS)),
            "option": FieldRule(_optional(_sequence)),
            "activity_id": _ref("activity", optional=True),
            "reason": FieldRule(_optional(_choice(RESTRICTION_REASONS))),
            "authority": FieldRule(_optional(_text(required=True, max_len=200))),
            "answered_at": STAMP,
            "answered_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_answer_fields,),
        together=frozenset({"answer", "option", "activity_id", "reason", "authority"}),
    ),
    TableRule(
        "experience",
        _always("experience.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "activity_id": _ref("activity", optional=True),
            "week": FieldRule(_optional(_week)),
            "weight": FieldRule(_choice(EXPERIENCE_WEIGHTS)),
            "text": FieldRule(REQUIRED),
            "recorded_at": STAMP,
            "recorded_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_activity_or_week,),
        together=frozenset({"activity_id", "week"}),
    ),
    TableRule(
        "household_member",
        _always("care.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "code": FieldRule(_pattern(MEMBER_CODE_PATTERN, "member code")),
            "relation": FieldRule(_choice(HOUSEHOLD_RELATIONS)),
            "added_at": STAMP,
            "added_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_member_code,),
        together=frozenset({"code", "relation"}),
    ),
    TableRule(
        "household_end",
        _always("care.write"),
        {
            "id": ID,
            "member_id": _ref("household_member"),
            "ended_at": STAMP,
            "ended_by": ACTOR,
            "device": DEVICE,
        },
    ),
    TableRule(
        "care_record",
        _always("care.write"),
        {
            "id": ID,
            "subject_id": _ref("subject"),
            "member_id": _ref("household_member", optional=True),
            "module": FieldRule(_text(required=True, max_len=200), catalogue="care_module"),
            "status": FieldRule(_choice(CARE_STATUSES)),
            "on_date": FieldRule(validate.stored_date),
            "note": FieldRule(_text(max_len=CARE_NOTE_LENGTH)),
            "recorded_at": STAMP,
            "recorded_by": ACTOR,
            "device": DEVICE,
        },
        row_checks=(_care_day,),
        together=frozenset({"on_date", "recorded_at"}),
    ),
    TableRule(  # the admin laptop's witness of a name's first holder (``sync/clashes.py``)
        "name_claim",
        _always(CLAIM_NAME),
        {
            "id": ID,
            "tbl": FieldRule(_choice(NAMED_TABLES)),
            "name": FieldRule(_text(required=True, max_len=MAX_CLAIMED_NAME)),
            "row_id": FieldRule(_record_id),
            "claimed_at": STAMP,
            "device": DEVICE,
        },
    ),
)

#: Every synced table's rule, by table name.
TABLES: dict[str, TableRule] = {rule.name: rule for rule in _RULES}


def table(name: str) -> TableRule | None:
    """The rule for writing the table ``name``, or None for a table no person writes.

    Args:
        name: the table.

    Returns:
        The ``TableRule`` (who may write it, its fields and their checks), or None.
    """
    return TABLES.get(name)


# How large a change may be ----------------------------------------------------------------------

#: The most records one run (the fields of one row that one change set wrote) may hold: far more
#: than any table has fields, so a newer version's fields fit too.
MAX_RUN_RECORDS = 256
#: The most characters a value of a table or field this version does not know may have (a
#: newer version's): the longest any field has.
LARGEST_UNKNOWN = MAX_DOCUMENT
#: The most characters a critical field's history (``prev``: the records its writer had seen)
#: may have: some ten thousand concurrent writes.
MAX_HISTORY = 1_000_000


def largest(table: str, column: str) -> int:
    """The most characters (bytes, for a blob) a value of ``table``.``column`` may have: what the
    rule table's check of that field lets the store write (free text its limit, anything else
    ``SHORT``); a table or field this version does not know, ``LARGEST_UNKNOWN``. A received
    change over it is one no store wrote: its segment is refused before it is stored.

    Args:
        table: the synced table.
        column: the field ('' is the row's existence, which carries nothing).

    Returns:
        A count of characters (bytes for a blob): the field's limit, ``SHORT`` for the existence or
        a derived field, ``LARGEST_UNKNOWN`` for a table or field this version does not know.
    """
    rule = TABLES.get(table)
    if rule is None:
        return LARGEST_UNKNOWN
    if column == "" or column in rule.derived:
        return SHORT
    found = rule.fields.get(column)
    if found is None:
        return LARGEST_UNKNOWN
    return _SIZES.get(found.check, SHORT)


# Rules that tie a row to another row: the store refuses them (by these codes) and the judge
# refuses a received row that breaks one, with the store's reason.


def accepts_withdrawn(kind: object, withdrawn: bool) -> bool:
    """A handover event that accepts a handover withdrawn before it (``handover_withdrawn``):
    a withdrawn handover is no longer in force.

    Args:
        kind: the handover event's kind.
        withdrawn: whether its handover was withdrawn before it.

    Returns:
        True for an ``accepted`` event of a handover withdrawn before it (to be refused).
    """
    return kind == "accepted" and withdrawn


def activity_of_another(person: object, activity_person: object) -> bool:
    """A signal that names a person and an activity of another person
    (``signal_activity_of_another``).

    Args:
        person: the subject the signal names.
        activity_person: the subject of the activity it names.

    Returns:
        True when both are given and differ (to be refused); False when either is None.
    """
    return person is not None and activity_person is not None and person != activity_person


def restriction_needed(status: object) -> str | None:
    """The restriction kind an activity status follows from (R5), or None for a plain one.

    Args:
        status: the activity's status.

    Returns:
        The status itself when it is one of ``RESTRICTED_STATUSES`` (the restriction kind), else
        None.
    """
    return status if isinstance(status, str) and status in RESTRICTED_STATUSES else None


def done_before_end(status: object, end: datetime, now: datetime) -> bool:
    """Whether an activity would be ``done`` before it has ended (R5; it would hide R1).

    ``done`` holds only once an activity has ended, after every change of its status or its
    end: a done activity moved to a time not yet over would hide its re-planning flag. The
    store checks an edit by it and the importer a change of a status or an end.

    Args:
        status: the activity's status after the change.
        end: its end after the change, aware UTC.
        now: the clock the change is judged by, aware UTC.

    Returns:
        True when the change would break the rule.
    """
    return status == "done" and end > now
