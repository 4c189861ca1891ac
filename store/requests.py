"""Requested activities, assessed at once and answered (issue 20: *wat kan wél?*).

A protected person asks for an activity before it is planned. ``request_activity`` records the
request and assesses it in the same transaction: the activity is planned *hypothetically*
(``agenda.add_activity`` inside a SAVEPOINT, so every check of ``activity add`` holds), the
options of ``suggest.suggest`` are taken for it, and the SAVEPOINT is rolled back: nothing of
the trial stays. The verdict is ``as_asked`` (covered at the time and place asked with the
concept asked, or the lightest valid one when none was asked), ``with_changes`` (at least one
option of ``suggest`` is feasible: another concept, another time, other officers — every one at
or above the required level, as ``suggest`` guarantees) or ``not_feasible`` (none is: the
options say why; the nearest later day within ``LATER_DAYS`` on which it would be covered at the
same local time is offered as an option marked ``nearest``).

``answer_request`` accepts option N (the activity is planned through ``agenda.add_activity``
and, for a deployment, ``suggest.apply_option``, so R1, R3, R4 and the deployment rules hold
again at the moment of answering) or refuses the request: a facilitation restriction (R5) with
its reason and deciding authority. A request is answered once; the answer, who gave it and when
are recorded, and the waiting time is measured from the request to the answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from . import rules, validate, workflows
from .agenda import Activity, add_activity, check_decision, concept_options, lightest_valid_concept
from .catalogue import get_concept, list_concepts
from .clock import days_later, from_db, json_times, to_db
from .db import Store, resolve_id
from .errors import BadInput, NotFound, RuleViolation
from .gaps import find_gaps
from .ids import uuid7
from .rules import (
    MAX_OPTIONS,
    REQUEST_ANSWERS,
    REQUEST_VERDICTS,
    read_assessment,
    request_option_coverable,
    request_verdict,
)
from .staffing import deploy
from .subjects import get_subject
from .suggest import Option, apply_option, suggest

VERDICTS = REQUEST_VERDICTS
ANSWERS = REQUEST_ANSWERS
#: The verdict a stored request is shown with when its assessment is not one the store writes
#: (``rules.assessment_fault``: a row from before the check, or a database edited by hand).
UNREADABLE = "unreadable"
#: The params of an option's facts (``what``, ``price``, ``fact``, and a deployment problem
#: inside one) that are times: aware UTC in a ``RequestOption``, stored UTC text in its JSON.
TIME_PARAMS = frozenset(
    {"start", "end", "since", "by", "ends", "starts", "other_start", "other_end"}
)


def _fact_times(value: Any, key: str | None = None) -> Any:
    """A fact read from an assessment's JSON: its time params (``TIME_PARAMS``) as aware UTC
    datetimes; one that does not read as stored UTC text stays text (the words then fall back
    to the option's action, as for any fact they cannot word)."""
    if isinstance(value, dict):
        return {str(k): _fact_times(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_fact_times(v) for v in value]
    if key in TIME_PARAMS and isinstance(value, str):
        try:
            return from_db(value)
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class RequestOption:
    """One option of a request's assessment, numbered from 1 in ``Request.options``.

    Attributes:
        action: ``as_asked``, or an action of ``suggest`` (``deploy``, ``assign``, ``combine``,
            ``move``).
        what: what it does, a fact ``{code, params}`` (``words.suggestions``); times aware UTC.
        price: what it costs the person, a fact (``none``, ``travel``, ``moved``).
        feasible: ``suggest`` calls it feasible (as asked: the officers on duty cover it).
        partial: it helps but leaves the activity short; it may still be accepted.
        concept: the concept the activity carries after it, or None.
        start: the activity's start after it (aware UTC), or None when not given.
        end: the activity's end after it (aware UTC), or None when not given.
        shift_minutes: minutes a move shifts the activity (later positive), else None.
        callsign: the officer it deploys, else None.
        team: the callsigns a combine or a move deploys.
        fact: why it would not work or only partly, a fact (times aware UTC), or None.
        token: ``suggest``'s token for the option (``as-asked``, ``later-N``).
        coverable: planned so, the officers on duty cover the activity; None where the
            assessment does not say (as asked, the nearest later day).
        nearest: the nearest later day it would be covered (a not-feasible request), or None.
    """

    action: str
    what: Mapping[str, Any]
    price: Mapping[str, Any]
    feasible: bool
    partial: bool
    concept: str | None
    start: datetime | None
    end: datetime | None
    shift_minutes: int | None
    callsign: str | None
    team: tuple[str, ...] = field(default=())
    fact: Mapping[str, Any] | None = None
    token: str = ""
    coverable: bool | None = None
    nearest: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The option as the assessment's JSON keeps it (times as stored UTC text; ``coverable``
        and ``nearest`` only where said), the shape ``rules.read_assessment`` checks.

        Returns:
            A JSON object.
        """
        found: dict[str, Any] = json_times(
            {
                "action": self.action,
                "what": dict(self.what),
                "price": dict(self.price),
                "feasible": self.feasible,
                "partial": self.partial,
                "concept": self.concept,
                "start": self.start,
                "end": self.end,
                "shift_minutes": self.shift_minutes,
                "callsign": self.callsign,
                "team": list(self.team),
                "fact": None if self.fact is None else dict(self.fact),
                "token": self.token,
            }
        )
        if self.coverable is not None:
            found["coverable"] = self.coverable
        if self.nearest is not None:
            found["nearest"] = self.nearest
        return found

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> RequestOption:
        """An option from the assessment's JSON, as ``rules.read_assessment`` passed it.

        Args:
            value: one option of a read assessment (fields and kinds checked).

        Returns:
            The option, its times aware UTC.
        """
        start, end = value["start"], value["end"]
        return cls(
            action=str(value["action"]),
            what=_fact_times(value["what"]),
            price=_fact_times(value["price"]),
            feasible=bool(value["feasible"]),
            partial=bool(value["partial"]),
            concept=value["concept"],
            start=None if start is None else from_db(str(start)),
            end=None if end is None else from_db(str(end)),
            shift_minutes=value["shift_minutes"],
            callsign=value["callsign"],
            team=tuple(str(c) for c in value["team"]),
            fact=None if value["fact"] is None else _fact_times(value["fact"]),
            token=str(value["token"]),
            coverable=value.get("coverable"),
            nearest=value.get("nearest"),
        )


@dataclass(frozen=True)
class Request:
    """A requested activity, its assessment and its answer (if any).

    Attributes:
        id: the request's id.
        person: the subject's code name.
        title: what the person asked for.
        kind: ``work`` or ``private``.
        start: when they asked it to start (aware UTC).
        end: when they asked it to end (aware UTC).
        location: where ('' when not said).
        concept: the concept asked for, or None.
        verdict: ``as_asked``, ``with_changes`` or ``not_feasible`` (``VERDICTS``), or
            ``unreadable`` (``UNREADABLE``) when its assessment does not read: no options then.
        options: the assessment's options (``RequestOption``), numbered from 1.
        requested_at: when it was requested (aware UTC).
        requested_by: who recorded it (callsign).
        answer: ``accepted``, ``refused`` or None while open.
        option: the option accepted, or None.
        activity_id: the activity planned on acceptance, or None.
        reason: a refusal's reason (R5), or None.
        authority: a refusal's deciding authority, or None.
        answered_at: when it was answered (aware UTC), or None.
        answered_by: who answered (callsign), or None.
        fault: why the stored assessment does not read (``rules.assessment_fault``), or None.
    """

    id: str
    person: str
    title: str
    kind: str
    start: datetime
    end: datetime
    location: str
    concept: str | None
    verdict: str
    options: tuple[RequestOption, ...]
    requested_at: datetime
    requested_by: str
    answer: str | None = None
    option: int | None = None
    activity_id: str | None = None
    reason: str | None = None
    authority: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    fault: str | None = None

    def waiting(self, now: datetime) -> timedelta:
        """How long the request waited for its answer (until ``now`` while it is open).

        Args:
            now: the moment to measure an open request to (aware UTC).

        Returns:
            The time from the request to its answer, or to ``now``.
        """
        return (self.answered_at or now) - self.requested_at


def _requested(option: Option) -> RequestOption:
    """A ``suggest`` option as the assessment keeps it (coverable when feasible, until a trial
    says more)."""
    return RequestOption(
        action=option.action,
        what=option.what,
        price=option.price,
        feasible=option.feasible,
        partial=option.partial,
        concept=option.concept,
        start=option.start,
        end=option.end,
        shift_minutes=option.shift_minutes,
        callsign=option.callsign,
        team=tuple(option.team),
        fact=option.fact,
        token=option.token,
        coverable=option.feasible,
    )


def coverable(option: RequestOption) -> bool:
    """Whether carrying out an option of the assessment leaves no gap naming the activity:
    ``suggest`` calls it feasible, or (another concept, another time) the activity planned so
    is covered by the officers on duty of its unit (its places are then filled by deployment,
    as for any planned activity).

    Args:
        option: an option as the assessment keeps it (``Request.options``).

    Returns:
        True when it makes the activity plannable without a roster gap.
    """
    return request_option_coverable(option.to_json())


@contextmanager
def _on_trial(store: Store, plan: Mapping[str, Any]) -> Iterator[tuple[Activity, bool]]:
    """The activity planned inside a SAVEPOINT (as ``activity add`` plans it) and whether it is
    covered (no gap row names it: the officers on duty of its unit cover it); rolled back after
    the block, whatever happens in it."""
    conn = store.conn
    conn.execute("SAVEPOINT request_trial")
    try:
        trial = add_activity(store, **plan)
        rows = find_gaps(store, trial.start_at, trial.end_at, unit=trial.unit)
        yield trial, trial.concept is not None and not any(trial.id in g.activities for g in rows)
    finally:
        conn.execute("ROLLBACK TO request_trial")
        conn.execute("RELEASE request_trial")


def _trial(store: Store, plan: Mapping[str, Any]) -> list[RequestOption]:
    """The assessment: planning it as asked (option 1), then ``suggest``'s options for it, each
    marked ``coverable`` when the activity planned with its concept and time is covered (each
    judged on a trial rolled back: nothing of the trials stays)."""
    with _on_trial(store, plan) as (trial, covered):
        found = [o for o in suggest(store, trial.id) if o.action != "none"][: MAX_OPTIONS - 1]
    options = [_as_asked(plan, covered)]
    for option in found:
        shown = _requested(option)
        if option.action in ("assign", "move") and option.concept and option.partial:
            changed = {**plan, "concept": option.concept}
            changed.update(start=option.start or plan["start"], end=option.end or plan["end"])
            if not validate.within_years(changed["start"], changed["end"]):
                continue  # a candidate outside the years accepted is dropped, never tried
            with _on_trial(store, changed) as (_, fits):
                shown = replace(shown, coverable=fits)
        options.append(shown)
    if not covered and not any(coverable(o) for o in options):
        later = _later_day(store, plan)  # not feasible now: the nearest day it would be
        if later is not None:
            options.insert(1, later)
    return options


#: How many days ahead a request not feasible now looks for the nearest day it would be.
LATER_DAYS = 7


def _later_day(store: Store, plan: Mapping[str, Any]) -> RequestOption | None:
    """The nearest later day (up to ``LATER_DAYS``) on which the activity, at the same local
    time with the same concept, would be covered: the option of moving it there, or None."""
    if plan["concept"] is None:
        return None
    for days in range(1, LATER_DAYS + 1):
        start, end = days_later(plan["start"], plan["end"], days)  # the same wall-clock time
        if not validate.within_years(start, end):
            return None  # past the last day accepted: no later day is offered
        with _on_trial(store, {**plan, "start": start, "end": end}) as (_, covered):
            if not covered:
                continue
        minutes = int((start - plan["start"]).total_seconds() // 60)
        params = {"start": start, "end": end, "concept": None}
        return replace(
            _as_asked({**plan, "start": start, "end": end}, True),
            action="move",
            what={"code": "move_to", "params": params},
            price={"code": "moved", "params": {"minutes": minutes, "days": days}},
            shift_minutes=minutes,
            token=f"later-{days}",
            nearest=True,
        )
    return None


def _as_asked(plan: Mapping[str, Any], covered: bool) -> RequestOption:
    """The option of planning it as asked: feasible when the officers on duty cover it, else
    partial (it may still be accepted: planned as ``activity add`` would, its gap shown)."""
    return RequestOption(
        action="as_asked",
        what={"code": "as_asked", "params": {"concept": plan["concept"]}},
        price={"code": "none", "params": {}},
        feasible=covered,
        partial=not covered,
        concept=plan["concept"],
        start=plan["start"],
        end=plan["end"],
        shift_minutes=None,
        callsign=None,
        fact=None if covered else {"code": "as_asked_short", "params": {}},
        token="as-asked",
    )


def _planned_concept(store: Store, person: str, concept: str | None) -> str | None:
    """The concept the trial plans with: the one asked when it is valid for the person now,
    else (none asked) the lightest valid one; an invalid one asked is left to ``suggest``,
    which offers the valid ones (the verdict is then at best ``with_changes``)."""
    subject = get_subject(store, person)
    valid = [o.code for o in concept_options(store, subject) if o.valid]
    if concept is not None:
        wanted = get_concept(store, validate.code(concept, "concept")).code  # known, or refused
        return wanted if wanted in valid else None
    return lightest_valid_concept(list(list_concepts(store)), valid, subject.kind)


def request_activity(
    store: Store,
    *,
    person: str,
    title: str,
    start: datetime,
    end: datetime,
    location: str = "",
    kind: str = "work",
    concept: str | None = None,
) -> Request:
    """Record a requested activity and assess it at once (audited ``activity.request``).

    Args:
        store: the open database, acting as a person who may ``activity.write``.
        person: the subject's code name.
        title: what the person asks for.
        start: when it would start (aware UTC).
        end: when it would end (aware UTC).
        location: where ('' when not said).
        kind: ``work`` or ``private``.
        concept: the concept asked for, or None.

    Returns:
        The request with its assessment.

    Raises:
        PermissionDenied: the acting person may not add activities.
        NotFound: no such subject or concept.
        BadInput: as ``agenda.add_activity``; ``request_over`` for a time already past.
        RuleViolation: as ``agenda.add_activity``.
    """
    request_id = uuid7()
    detail: dict[str, Any] = {}
    with store.write("activity.request", request_id, detail, require="activity.write") as conn:
        plan: dict[str, Any] = {
            "person": person,
            "title": title,
            "start": start,
            "end": end,
            "location": location,
            "kind": kind,
        }
        if rules.request_over(end, store.clock.now()):
            raise BadInput(code="request_over")
        plan["concept"] = _planned_concept(store, person, concept)
        options = [o.to_json() for o in _trial(store, plan)]
        subject = get_subject(store, person)
        verdict = request_verdict(options)
        detail.update(person=subject.code, verdict=verdict, options=len(options))
        now = to_db(store.now())
        conn.execute(
            "INSERT INTO activity_request (id, subject_id, title, kind, start_at, end_at,"
            " location, concept, verdict, assessment, requested_at, requested_by, device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request_id,
                subject.id,
                validate.text(title, "title").strip(),
                kind,
                to_db(start),
                to_db(end),
                validate.text(location, "location").strip(),
                concept.strip().upper() if concept else None,
                verdict,
                json.dumps(options, sort_keys=True),
                now,
                store.actor.callsign,
                store.device_id,
            ),
        )
    return get_request(store, request_id)


_SELECT = """
SELECT r.*, s.code AS person, a.answer, a.option, a.activity_id, a.reason, a.authority,
       a.answered_at, a.answered_by
FROM activity_request r JOIN subject s ON s.id = r.subject_id
LEFT JOIN request_answer a ON a.id = (
    SELECT x.id FROM request_answer x WHERE x.request_id = r.id
    ORDER BY x.answered_at, x.id LIMIT 1)
"""


def _request(row: Any) -> Request:
    """A stored request; one whose assessment does not read as the store writes it (the rule
    table refuses such a row from a bundle) is shown ``unreadable``, without options."""
    options, fault = read_assessment(row["verdict"], row["assessment"])
    return Request(
        id=row["id"],
        person=row["person"],
        title=row["title"],
        kind=row["kind"],
        start=from_db(row["start_at"]),
        end=from_db(row["end_at"]),
        location=row["location"],
        concept=row["concept"],
        verdict=UNREADABLE if fault else row["verdict"],
        options=tuple(RequestOption.from_json(o) for o in options),
        requested_at=from_db(row["requested_at"]),
        requested_by=row["requested_by"],
        answer=row["answer"],
        option=row["option"],
        activity_id=row["activity_id"],
        reason=row["reason"],
        authority=row["authority"],
        answered_at=from_db(row["answered_at"]) if row["answered_at"] else None,
        answered_by=row["answered_by"],
        fault=fault,
    )


def get_request(store: Store, request_id: str) -> Request:
    """One request with its assessment and answer (the first recorded, should two laptops
    have answered it offline).

    Args:
        store: the open database.
        request_id: the id, or a unique prefix of at least 8 characters.

    Returns:
        The request.

    Raises:
        NotFound: no request has that id.
        BadInput: the prefix matches more than one request.
    """
    found = resolve_id(store, "activity_request", request_id, "request")
    row = store.one(_SELECT + " WHERE r.id = ?", (found,))
    if row is None:  # removed by another connection since the id was resolved
        raise NotFound(code="unknown_id", what="request", given=found)
    return _request(row)


def list_requests(
    store: Store,
    *,
    person: str | None = None,
    state: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Request]:
    """Requests, oldest first: open and answered (``state`` ``open`` or ``answered`` for one).

    Args:
        store: the open database.
        person: only this subject's (code name), or None for all.
        state: ``open``, ``answered`` or None for both.
        start: only requests for activities ending after it (aware UTC), or None.
        end: only requests for activities starting before it (aware UTC), or None.

    Returns:
        The requests, by request time.

    Raises:
        NotFound: no such subject.
        BadInput: an unknown state.
    """
    where, params = ["1 = 1"], []
    if person is not None:
        where.append("r.subject_id = ?")
        params.append(get_subject(store, person).id)
    if state is not None:
        validate.choice(state, "request_state", ("open", "answered"))
        where.append("a.id IS NULL" if state == "open" else "a.id IS NOT NULL")
    if start is not None:
        where.append("r.end_at > ?")
        params.append(to_db(start))
    if end is not None:
        where.append("r.start_at < ?")
        params.append(to_db(end))
    rows = store.query(
        _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY r.requested_at, r.id", params
    )
    return [_request(r) for r in rows]


def _open_request(store: Store, request_id: str) -> Request:
    current = get_request(store, request_id)
    store.target(current.id)
    answered = workflows.answered_refusal(current.id[:13], current.answer, current.answered_by)
    if answered is not None:
        raise answered
    return current


def _plan(store: Store, current: Request, n: int) -> str:
    """Carry out option ``n`` of the assessment; the planned activity's id."""
    if current.fault is not None:
        raise BadInput(
            code="request_assessment_unreadable", request=current.id[:13], fault=current.fault
        )
    if not 1 <= n <= len(current.options):
        raise BadInput(code="no_such_option", n=n, count=len(current.options))
    chosen = current.options[n - 1]
    if not (chosen.feasible or chosen.partial):
        raise BadInput(code="request_option_not_feasible", n=n)
    moved = chosen.action == "move" and chosen.start is not None and chosen.end is not None
    start = chosen.start if moved and chosen.start else current.start
    end = chosen.end if moved and chosen.end else current.end
    if end <= store.clock.now():  # stale: it would plan an activity already over
        raise RuleViolation("answer", code="request_option_over", n=n, request=current.id[:13])
    planned = add_activity(
        store,
        person=current.person,
        title=current.title,
        start=start,
        end=end,
        location=current.location,
        kind=current.kind,
        concept=chosen.concept or None,
    )
    if moved and chosen.team:  # a move that deploys: its officers, judged again now
        deploy(store, planned.id, list(chosen.team))
    if chosen.action in ("deploy", "combine"):
        fresh = {o.token: o for o in suggest(store, planned.id)}
        option = fresh.get(chosen.token)
        gone = workflows.option_gone_refusal(option is None, n)
        if gone is not None:
            raise gone
        assert option is not None
        apply_option(store, planned.id, option)
    return planned.id


def answer_request(
    store: Store,
    request_id: str,
    *,
    accept: int | None = None,
    refuse: bool = False,
    reason: str | None = None,
    authority: str | None = None,
) -> Request:
    """Answer a request once (audited ``activity.answer``): accept option ``accept`` of its
    assessment, planning the activity as that option says, or refuse it (a restriction, R5).

    Args:
        store: the open database, acting as a person who may ``request.answer`` (and, to
            accept, ``activity.write``, with ``staff.write`` for an option that deploys).
        request_id: the request's id, or a unique prefix of at least 8 characters.
        accept: the option's number (1 is the first), or None to refuse.
        refuse: refuse the request (with ``reason`` and ``authority``).
        reason: a refusal's reason: ``capacity``, ``threat`` or ``tbp_choice``.
        authority: a refusal's deciding authority.

    Returns:
        The request with its answer.

    Raises:
        PermissionDenied: the acting person may not answer requests, or not plan the option.
        NotFound: no such request.
        BadInput: neither or both of accept and refuse, no such option, one that would not
            work or can no longer be carried out, a bad reason or authority.
        RuleViolation: already answered (``request_answered``), the option chosen would plan
            an activity already over (``request_option_over``: a stale request is refused, not
            accepted), no reason or authority (R5: ``restriction_needs_reason``,
            ``restriction_needs_authority``), or a rule refuses the planning now (R1, R3, R4,
            deployment).
    """
    answer_id = uuid7()
    detail: dict[str, Any] = {"accept": accept, "refuse": refuse}
    with store.write("activity.answer", answer_id, detail, require="request.answer") as conn:
        if (accept is None) == (not refuse):
            raise BadInput(code="answer_accept_or_refuse")
        current = _open_request(store, request_id)
        detail["request"] = current.id
        activity_id, who = None, None
        if refuse:
            who = check_decision(reason, authority)
        else:
            assert accept is not None
            activity_id = _plan(store, current, accept)
        store.target(answer_id)
        conn.execute(
            "INSERT INTO request_answer (id, request_id, answer, option, activity_id, reason,"
            " authority, answered_at, answered_by, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                answer_id,
                current.id,
                "refused" if refuse else "accepted",
                accept,
                activity_id,
                reason if refuse else None,
                who,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
            ),
        )
    return get_request(store, current.id)
