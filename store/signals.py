"""Signals to the information organisation (R7).

Anyone may raise a signal. Only the information organisation (role ``info_analyst``) receives,
follows up, interprets (*duiding*) and closes it. The status is derived from append-only signal
events by workflow rank, never stored in a field, so events from two laptops can never overwrite
each other or move a signal backwards:

    submitted → received → in_follow_up → interpreted → closed (with an outcome)

A TLP:RED signal is visible only to its reporter and the information organisation; every
reporter always sees the status and outcome of their own signals. Sightings by other officers
("seen again", "not seen", "false positive") add weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import access, rules, validate, workflows
from .clock import to_db, with_times
from .db import Store, enrolled_role, resolve_id, short_id
from .errors import BadInput, RuleViolation
from .ids import uuid7
from .signers import Signers
from .subjects import get_subject

CATEGORIES = rules.SIGNAL_CATEGORIES
URGENCIES = rules.URGENCIES
TLPS = rules.TLPS
OUTCOMES = rules.OUTCOMES
SIGHTINGS = rules.SIGHTINGS
STATUSES = workflows.SIGNAL_STATUSES
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class SignalEvent:
    """One step of a signal's workflow (received, follow-up, interpreted, closed) or a
    sighting by another officer.

    Attributes:
        id: the event's id.
        at: when it happened (aware UTC).
        actor: who took it (callsign).
        kind: ``received``, ``follow_up``, ``interpreted``, ``closed`` or ``sighting``.
        note: its note ('' when none); the interpretation for ``interpreted``.
        outcome: a closed signal's outcome, else None.
        sighting: a sighting's kind (``seen_again``, ``not_seen``, ``false_positive``), else
            None.
    """

    id: str
    at: datetime
    actor: str
    kind: str
    note: str
    outcome: str | None
    sighting: str | None


@dataclass(frozen=True)
class Signal:
    """Something an officer saw, on its way through the information organisation (R7).

    Attributes:
        id: the signal's id.
        raised_at: when it was raised (aware UTC).
        observed_at: when it was seen (aware UTC), at most minutes after it was raised.
        reporter: who raised it (callsign).
        category, urgency, tlp: its classification (``CATEGORIES``, ``URGENCIES``, ``TLPS``).
        person: the subject it concerns (code name), or None.
        activity_id: the activity it concerns, or None.
        location: where it was seen ('' when not given).
        text: what was seen.
        requests_assessment: whether it asks for a new threat assessment.
        status: its workflow state (``STATUSES``), derived from its events.
        outcome: a closed signal's outcome, else None.
        interpretation: its latest interpretation (*duiding*), else None.
        sightings: how many sightings other officers added.
        events: its events, oldest first (``get_signal`` only; empty in lists).
    """

    id: str
    raised_at: datetime
    observed_at: datetime
    reporter: str
    category: str
    urgency: str
    tlp: str
    person: str | None
    activity_id: str | None
    location: str
    text: str
    requests_assessment: bool
    status: str
    outcome: str | None
    interpretation: str | None
    sightings: int
    events: tuple[SignalEvent, ...] = ()
    signed_by: str | None = None  # the laptop that sent it, when not the reporter's own


_SELECT = """
SELECT g.id, g.raised_at, g.observed_at, g.reporter, g.category, g.urgency, g.tlp,
       s.code AS person, g.activity_id, g.location, g.text, g.requests_assessment,
       COALESCE((SELECT max(CASE e.kind WHEN 'received' THEN 1 WHEN 'follow_up' THEN 2
                                       WHEN 'interpreted' THEN 3 WHEN 'closed' THEN 4 END)
                 FROM signal_event e WHERE e.signal_id = g.id AND e.kind != 'sighting'), 0)
           AS rank,
       (SELECT e.outcome FROM signal_event e WHERE e.signal_id = g.id AND e.kind = 'closed'
        ORDER BY e.at DESC, e.id DESC LIMIT 1) AS outcome,
       (SELECT e.note FROM signal_event e WHERE e.signal_id = g.id AND e.kind = 'interpreted'
        ORDER BY e.at DESC, e.id DESC LIMIT 1) AS interpretation,
       (SELECT count(*) FROM signal_event e WHERE e.signal_id = g.id AND e.kind = 'sighting')
           AS sightings,
       g.device
FROM signal g LEFT JOIN subject s ON s.id = g.subject_id
"""


def _signal(
    row: object, events: tuple[SignalEvent, ...] = (), signers: Signers | None = None
) -> Signal:
    data = with_times(row, "raised_at", "observed_at")
    rank = data.pop("rank")
    device = data.pop("device")
    data["status"] = STATUSES[rank]
    data["requests_assessment"] = bool(data["requests_assessment"])
    signed_by = signers.note(data["reporter"], device) if signers is not None else None
    return Signal(**data, events=events, signed_by=signed_by)


def _visible_clause(actor: access.Actor) -> tuple[str, list[str]]:
    """TLP:RED only for the reporter and the information organisation."""
    if access.allowed(actor.role, "signal.process"):
        return "", []
    return "(g.tlp != 'red' OR g.reporter = ?)", [actor.callsign]


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise BadInput(
            code="unknown_signal_value",
            what=what,
            given=validate.shown(value),
            choices=list(allowed),
        )
    return value


def raise_signal(
    store: Store,
    text: str,
    *,
    category: str,
    urgency: str,
    tlp: str,
    person: str | None = None,
    activity: str | None = None,
    location: str = "",
    observed_at: datetime | None = None,
    requests_assessment: bool = False,
) -> Signal:
    """Anyone may raise a signal; it reaches the information organisation at once (R7).

    Args:
        store: the open database, acting as the reporter.
        text: what was seen (required, at most 4,000 characters).
        category, urgency, tlp: one of ``CATEGORIES``, ``URGENCIES``, ``TLPS`` (the marking).
        person, activity: the subject's code name, the id (or prefix) of its activity, or None.
        location: where, free text.
        observed_at: when it was seen (aware; not in the future), or None for now.
        requests_assessment: ask for a new threat assessment (needs ``person``).

    Returns:
        The signal as stored (``submitted``).

    Raises:
        BadInput: ``signal_needs_description``, ``unknown_signal_value``, ``observed_in_future``,
            ``assessment_request_needs_person``.
        RuleViolation: ``signal_activity_of_another``.
        NotFound: no such subject or activity.
        PermissionDenied: the acting person may not raise a signal (``signal.raise``).
    """
    signal_id = uuid7()
    detail = {"category": category, "urgency": urgency, "tlp": tlp}
    with store.write("signal.raise", signal_id, detail, require="signal.raise") as conn:
        body = validate.text(text, "signal_text").strip()
        if validate.blank(body):  # zero-width or bidi marks alone say nothing either
            raise BadInput(code="signal_needs_description")
        location = validate.text(location, "location")
        _check_marks(category, urgency, tlp, observed_at)
        now = store.clock.now()
        observed = observed_at or now
        if observed > now + CLOCK_SKEW:
            raise BadInput(code="observed_in_future")
        subject_id, activity_id = _subject_and_activity(store, person, activity)
        refused = workflows.assessment_request_refusal(requests_assessment, subject_id)
        if refused is not None:
            raise refused
        conn.execute(
            "INSERT INTO signal (id, raised_at, observed_at, reporter, device, category, urgency,"
            " tlp, subject_id, activity_id, location, text, requests_assessment)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                signal_id,
                to_db(now),
                to_db(observed),
                store.actor.callsign,
                store.device_id,
                category,
                urgency,
                tlp,
                subject_id,
                activity_id,
                location.strip(),
                body,
                int(requests_assessment),
            ),
        )
    return get_signal(store, signal_id)


def _check_marks(category: str, urgency: str, tlp: str, observed_at: datetime | None) -> None:
    """Refuse an unknown category, urgency or TLP, or an observation time out of range."""
    if observed_at is not None:
        validate.moment(observed_at, "observed_at")
    _choice(category, CATEGORIES, "category")
    _choice(urgency, URGENCIES, "urgency")
    _choice(tlp, TLPS, "TLP")


def _subject_and_activity(
    store: Store, person: str | None, activity: str | None
) -> tuple[str | None, str | None]:
    """The ids of the subject and the activity a signal names (the activity's subject when
    only the activity is named); refused when the activity belongs to another subject."""
    subject = get_subject(store, person) if person else None
    subject_id = subject.id if subject else None
    activity_id = resolve_id(store, "activity", activity, "activity") if activity else None
    if activity_id:
        row = store.one(
            "SELECT a.subject_id, s.code FROM activity a JOIN subject s ON s.id = a.subject_id"
            " WHERE a.id = ?",
            (activity_id,),
        )
        if row is not None and rules.activity_of_another(
            subject.id if subject else None, row["subject_id"]
        ):
            assert subject is not None
            raise RuleViolation(
                "signal",
                code="signal_activity_of_another",
                activity_person=row["code"],
                person=subject.code,
            )
        subject_id = row["subject_id"] if row else subject_id
    return subject_id, activity_id


def get_signal(store: Store, signal_id: str) -> Signal:
    """One signal with its events.

    Args:
        store: the database.
        signal_id: the id or a unique prefix of at least 8 characters.

    Returns:
        The signal, its events oldest first (``at`` aware UTC).

    Raises:
        NotFound: no such signal.
        BadInput: the prefix matches more than one.
        PermissionDenied: a TLP:RED signal, and the actor neither reported it nor processes
            signals.
    """
    full = resolve_id(store, "signal", signal_id, "signal")
    row = store.one(_SELECT + " WHERE g.id = ?", (full,))
    assert row is not None
    actor = store.actor
    hidden = workflows.red_refusal(
        row["tlp"], row["reporter"], actor.callsign, actor.role, short_id(store, "signal", full)
    )
    if hidden is not None:
        raise hidden
    events = tuple(
        SignalEvent(**with_times(r, "at"))
        for r in store.query(
            "SELECT id, at, actor, kind, note, outcome, sighting FROM signal_event"
            " WHERE signal_id = ? ORDER BY at, id",
            (full,),
        )
    )
    return _signal(row, events, Signers(store))


def list_signals(
    store: Store,
    *,
    mine: bool = False,
    status: str | None = None,
    open_only: bool = False,
    person: str | None = None,
) -> list[Signal]:
    """Signals the acting person may see: the inbox order is urgency, then newest first.

    Args:
        store: the open database, acting as the reader.
        mine: only the signals the acting person raised.
        status: only this status, or None.
        open_only: leave out closed signals.
        person: only this subject's (code name), or None.

    Returns:
        The signals, in inbox order (TLP:RED ones only for their reporter and the information
        organisation).

    Raises:
        NotFound: ``person`` names no protected subject (``subjects.get_subject``).
    """
    clauses, params = [], []
    visible, visible_params = _visible_clause(store.actor)
    if visible:
        clauses.append(visible)
        params.extend(visible_params)
    if mine:
        clauses.append("g.reporter = ?")
        params.append(store.actor.callsign)
    if person:
        clauses.append("g.subject_id = ?")
        params.append(get_subject(store, person).id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    order = (
        " ORDER BY CASE g.urgency WHEN 'immediate' THEN 0 WHEN 'priority' THEN 1 ELSE 2 END,"
        " g.raised_at DESC, g.id DESC"
    )
    signers = Signers(store)
    signals = [_signal(r, signers=signers) for r in store.query(_SELECT + where + order, params)]
    if status:
        _choice(status, STATUSES, "status")
        signals = [s for s in signals if s.status == status]
    if open_only:
        signals = [s for s in signals if s.status != "closed"]
    return signals


def _step(
    store: Store, signal_id: str, kind: str, *, note: str = "", outcome: str | None = None
) -> Signal:
    detail = {"outcome": outcome}
    with store.write(f"signal.{kind}", None, detail, require="signal.process") as conn:
        validate.text(note, "note")
        current = get_signal(store, signal_id)
        store.target(current.id)
        refused = workflows.step_refusal(
            current.status, kind, short_id(store, "signal", current.id)
        )
        if refused is not None:
            raise refused
        conn.execute(
            "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, outcome)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid7(),
                current.id,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                kind,
                note.strip(),
                outcome,
            ),
        )
    return get_signal(store, current.id)


def receive_signal(store: Store, signal_id: str) -> Signal:
    """Mark a submitted signal received (the first step of its workflow, ``STATUSES``).

    Args:
        store: the database; the actor needs ``signal.process``.
        signal_id: the id or a unique prefix.

    Returns:
        The signal after the step.

    Raises:
        BadInput: the signal is not in the submitted state.
        NotFound: no such signal.
        PermissionDenied: the actor may not process signals, or may not see this one.
    """
    return _step(store, signal_id, "received")


def follow_up_signal(store: Store, signal_id: str, note: str = "") -> Signal:
    """Record a follow-up on a received signal, or one already in follow-up.

    Args:
        store: the database; the actor needs ``signal.process``.
        signal_id: the id or a unique prefix.
        note: what was done, at most 4,000 characters.

    Returns:
        The signal after the step.

    Raises:
        BadInput: the signal is in no state to follow up, or the note is too long.
        NotFound: no such signal.
        PermissionDenied: the actor may not process signals, or may not see this one.
    """
    return _step(store, signal_id, "follow_up", note=note)


def interpret_signal(store: Store, signal_id: str, text: str) -> Signal:
    """Give the signal its meaning (*duiding*).

    Args:
        store: the open database, acting as the information organisation.
        signal_id: the signal's id or a unique prefix.
        text: the interpretation.

    Returns:
        The signal as it now stands.

    Raises:
        BadInput: ``duiding_needs_text``, ``signal_wrong_status``.
        NotFound: ``unknown_id``.
        PermissionDenied: the acting person may not interpret signals.
    """
    if validate.blank(validate.text(text, "interpretation")):
        raise BadInput(code="duiding_needs_text")
    return _step(store, signal_id, "interpreted", note=text)


def close_signal(store: Store, signal_id: str, outcome: str, note: str = "") -> Signal:
    """Close a signal with an outcome.

    Args:
        store: the database; the actor needs ``signal.process``.
        signal_id: the id or a unique prefix.
        outcome: one of ``OUTCOMES``.
        note: why, at most 4,000 characters.

    Returns:
        The closed signal.

    Raises:
        BadInput: an unknown outcome, a signal not yet interpreted (or already closed), a
        note too long.
        NotFound: no such signal.
        PermissionDenied: the actor may not process signals, or may not see this one.
    """
    _choice(outcome, OUTCOMES, "outcome")
    return _step(store, signal_id, "closed", note=note, outcome=outcome)


def sight_signal(store: Store, signal_id: str, sighting: str, note: str = "") -> Signal:
    """Another officer adds weight: seen again, not seen, or a false positive.

    Args:
        store: the open database, acting as an officer who did not raise it.
        signal_id: the signal's id or a unique prefix.
        sighting: one of ``SIGHTINGS``.
        note: what was seen, free text.

    Returns:
        The signal as it now stands.

    Raises:
        BadInput: ``sighting_of_own_signal``, ``signal_closed``, ``unknown_signal_value``.
        NotFound: ``unknown_id``.
        PermissionDenied: ``signal_tlp_red`` (a TLP:RED signal of another).
    """
    detail = {"sighting": sighting}
    with store.write("signal.sighting", None, detail, require="signal.raise") as conn:
        _choice(sighting, SIGHTINGS, "sighting")
        validate.text(note, "note")
        current = get_signal(store, signal_id)
        store.target(current.id)
        refused = workflows.sighting_refusal(
            current.reporter,
            store.actor.callsign,
            current.status,
            short_id(store, "signal", current.id),
        )
        if refused is not None:
            raise refused
        conn.execute(
            "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, sighting)"
            " VALUES (?, ?, ?, ?, ?, 'sighting', ?, ?)",
            (
                uuid7(),
                current.id,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                note.strip(),
                sighting,
            ),
        )
    return get_signal(store, current.id)


def unread_count(store: Store) -> int:
    """For the information organisation: signals not yet received.

    Args:
        store: the open database.

    Returns:
        The number of signals no one has received yet (0 for a role that does not process
        signals).
    """
    if not access.allowed(store.actor.role, "signal.process"):
        return 0
    row = store.one(
        "SELECT count(*) FROM signal g WHERE NOT EXISTS"
        " (SELECT 1 FROM signal_event e WHERE e.signal_id = g.id AND e.kind != 'sighting')"
    )
    return int(row[0]) if row else 0


def reaches_with_export(store: Store) -> bool:
    """Whether a signal raised here reaches the information organisation only with the next
    sync export: this laptop is in a team and is not one the information organisation works
    on (its enrolled role may not process signals). Outside a team the information
    organisation works on the same database.

    Args:
        store: the open database.

    Returns:
        True when the signal waits for an export to reach the information organisation.
    """
    if store.one("SELECT 1 FROM sync_roster LIMIT 1") is None:
        return False
    role = enrolled_role(store.conn, store.device_id)
    return role is None or not access.allowed(role, "signal.process")
