"""Shift handover in ISBAR form, drawn entirely from the database.

``draft_handover`` gathers, for a period (default: the shift block now ending, 07–15, 15–23 or
23–07 local):

- *Identify*: the period, outgoing and incoming leaders, units and subjects concerned;
- *Situation*: subjects with threat level, required level and package; activities running
  across the change of shift; officers on duty now and next;
- *Background*: what changed in the period — activities added, restricted, threat
  assessments, decisions, signals raised and their progress, log entries, bundles imported;
- *Assessment*: what is open — gaps in the next shift, activities needing re-planning, signals
  not closed, flagged log entries not cleared, unresolved sync conflicts, changes of other
  laptops quarantined at sync (one item per write), signed handovers in force whose periods
  overlap (signed on two laptops before they synced), qualifications of the
  next shift's officers that lapse within a week;
- *Recommendation*: an action for every open item, and the outgoing leader's notes.

Open items are not limited to the period, so flagged log entries, open signals and conflicts
carry into every following handover until cleared, closed or resolved. Every item carries its
count and the ids it concerns; an empty section says "0 …", never "all clear". Items are
facts (a kind, a count, ids and parameters, times as aware UTC datetimes): ``words.handover``
puts them into words, so a face never parses the store's prose. One function per section builds
it; ``handover_facts`` gives it as mappings for the faces, ``handover_content`` as the JSON a
signature freezes (its own times ISO-8601 with the Amsterdam offset, a trust finding's as stored
UTC text: the shape signed since these documents were first signed), and ``read_content`` reads
a signed document back into facts.

``sign_handover`` freezes the draft with its SHA-256; ``accept_handover`` records a different
shift leader's acceptance. Both are shift leader (or admin) only; nobody accepts their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import access, machine, rules, validate, witness, workflows
from .agenda import replanned
from .clock import (
    LOCAL_TZ,
    from_db,
    json_times,
    local_iso,
    local_span,
    require_order,
    to_db,
)
from .db import Store, resolve_id, short_id
from .errors import (
    BadInput,
    IntegrityFailure,
    NotFound,
    RuleViolation,
    StoreError,
)
from .findings import KINDS as FINDING_KINDS
from .gaps import find_gaps, posts_below_required, shortfall_hours
from .ids import uuid7
from .rules import content_hash
from .signals import list_signals
from .sync import quarantine
from .sync import roster as rosters

SECTIONS = ("identify", "situation", "background", "assessment", "recommendation")
SHIFT_STARTS = (7, 15, 23)
EXPIRY_HORIZON = timedelta(days=7)
#: Quarantined writes named one by one in the assessment; the rest in one item.
QUARANTINE_ITEMS = 25


@dataclass(frozen=True)
class Item:
    """One line of a handover: a fact, what it counts and the ids it concerns.

    The store gives facts, the faces give words (``words.handover`` renders an item in the
    reader's language), so a line is never parsed back from a sentence.

    Attributes:
        kind: what the line is about (``gaps``, ``replan``, ``subject`` …; see
            ``words.handover``).
        count: how many things it counts; 0 is said, never left out.
        ids: the ids (or callsigns, codes) it concerns, complete.
        params: the facts the line is made of: JSON values, and aware UTC datetimes for
            times (``handover_content`` writes them as text).
    """

    kind: str
    count: int
    ids: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Handover:
    """The ISBAR handover of one period, drawn from the database (``draft_handover``).

    Attributes:
        start: the period's start (aware UTC).
        end: the period's end (aware UTC): the change of shift.
        next_end: the end of the next shift, as long as this one (aware UTC).
        identify: the period, outgoing and incoming leaders, units and subjects concerned.
        situation: subjects with their protection, activities across the change of shift,
            officers on duty now and next.
        background: what changed in the period.
        assessment: what is open, whatever the period: gaps in the next shift, activities to
            re-plan, open signals, flagged log entries, sync conflicts, quarantined writes,
            lapsing qualifications.
        recommendation: an action for each kind of open item, and the outgoing leader's notes.
    """

    start: datetime
    end: datetime
    next_end: datetime
    identify: tuple[Item, ...]
    situation: tuple[Item, ...]
    background: tuple[Item, ...]
    assessment: tuple[Item, ...]
    recommendation: tuple[Item, ...]

    def section(self, name: str) -> tuple[Item, ...]:
        """The items of one section by its name (one of ``SECTIONS``).

        Args:
            name: one of ``SECTIONS``.

        Returns:
            That section's items in the order drafted (empty when the section has none).

        Raises:
            KeyError: ``name`` is not one of ``SECTIONS``.
        """
        if name not in SECTIONS:
            raise KeyError(name)
        items: tuple[Item, ...] = getattr(self, name)
        return items


@dataclass(frozen=True)
class HandoverRecord:
    """A signed handover, as frozen (``sign_handover``), with its acceptance.

    Attributes:
        id: the handover's id.
        period_start: the period's start (aware UTC).
        period_end: the period's end (aware UTC).
        content: the signed document: ``handover_content`` of the draft and the signer
            laptop's audit head (``audit_head``), exactly as hashed.
        notes: the outgoing leader's notes.
        signed_at: when it was signed (aware UTC).
        signed_by: the outgoing leader's callsign.
        content_hash: the SHA-256 of ``content`` (``content_hash``).
        accepted_at: when the incoming leader accepted it (aware UTC), or None.
        accepted_by: the incoming leader's callsign, or None.
        questions: the incoming leader's questions ('' when none).
        supersedes: the id of the signed handover this one replaces, or None.
        supersede_reason: why it replaces that one ('' when it replaces none).
        superseded_by: the id of the handover that replaced this one, or None.
        superseded_by_signer: who signed the handover that replaced this one, or None.
        superseded_at: when that one was signed (aware UTC), or None.
        superseded_reason: why it replaced this one ('' when none did).
        withdrawn_at: when its signer (or an admin) withdrew it (aware UTC), or None.
        withdrawn_by: who withdrew it, or None.
        withdrawn_reason: why it was withdrawn ('' when it was not).
        device: the id of the laptop that signed it ('' when not known).
        accepted_device: the id of the laptop the acceptance was made on, or None.
        overlaps: the ids of the other handovers in force whose periods overlap this one's,
            while this one is in force (signed on laptops that had not synced; see
            ``overlapping_handovers``).
    """

    id: str
    period_start: datetime
    period_end: datetime
    content: dict[str, Any]
    notes: str
    signed_at: datetime
    signed_by: str
    content_hash: str
    accepted_at: datetime | None
    accepted_by: str | None
    questions: str
    supersedes: str | None = None
    supersede_reason: str = ""
    superseded_by: str | None = None
    superseded_by_signer: str | None = None
    superseded_at: datetime | None = None
    superseded_reason: str = ""
    overlaps: tuple[str, ...] = ()
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str = ""
    device: str = ""
    accepted_device: str | None = None


@dataclass(frozen=True)
class Overlap:
    """Two signed handovers in force (neither superseded) whose periods overlap: two leaders
    each signed their account of the same hours on laptops that had not synced yet.

    Attributes:
        ids: the two handovers' ids, the earlier signed first.
        signed_by: their signers' callsigns, in the same order.
        periods: their periods as ``(start, end)`` (aware UTC), in the same order.
    """

    ids: tuple[str, str]
    signed_by: tuple[str, str]
    periods: tuple[tuple[datetime, datetime], tuple[datetime, datetime]]


#: Handovers in force: signed, not superseded and not withdrawn.
_IN_FORCE = (
    "NOT EXISTS (SELECT 1 FROM handover n WHERE n.supersedes = {h}.id)"
    " AND NOT EXISTS (SELECT 1 FROM handover_withdrawal w WHERE w.handover_id = {h}.id)"
)


def overlapping_handovers(store: Store) -> list[Overlap]:
    """Every pair of signed handovers in force whose periods overlap (``sign_handover`` refuses
    that on one laptop; two laptops signing offline can each hold one until they sync). The
    pair stays until one of its signers supersedes their handover with a period that no
    longer overlaps the other's.

    Returns:
        The pairs, ordered by the first's signing time; the earlier signed first in each.
    """
    rows = store.query(
        "SELECT a.id AS a_id, a.signed_by AS a_by, a.period_start AS a_start,"
        " a.period_end AS a_end, b.id AS b_id, b.signed_by AS b_by,"
        " b.period_start AS b_start, b.period_end AS b_end FROM handover a JOIN handover b"
        " ON (a.signed_at, a.id) < (b.signed_at, b.id) AND a.period_start < b.period_end"
        " AND b.period_start < a.period_end"
        f" WHERE {_IN_FORCE.format(h='a')} AND {_IN_FORCE.format(h='b')}"
        " ORDER BY a.signed_at, a.id, b.signed_at, b.id"
    )
    return [
        Overlap(
            (r["a_id"], r["b_id"]),
            (r["a_by"], r["b_by"]),
            (
                (from_db(r["a_start"]), from_db(r["a_end"])),
                (from_db(r["b_start"]), from_db(r["b_end"])),
            ),
        )
        for r in rows
    ]


class AlreadySigned(BadInput):
    """The period overlaps a handover that is signed and not superseded; ``handover_id`` is
    that handover (``short``: its name, unique in the database); ``may_supersede``: whether
    the acting leader may replace it (its signer, with a reason). Its code says which:
    ``already_signed`` (the acting leader's own) or ``already_signed_by_another`` (only its
    signer may supersede it)."""

    def __init__(self, handover_id: str, short: str, *, code: str, **params: Any) -> None:
        super().__init__(code=code, handover=short, **params)
        self.handover_id = handover_id
        self.may_supersede = code == "already_signed"


def current_shift(moment: datetime) -> tuple[datetime, datetime]:
    """The standard shift block (07–15, 15–23, 23–07 local) that contains ``moment``.

    Args:
        moment: an aware datetime.

    Returns:
        The block's start and end, aware UTC (8 real hours, or 7 or 9 across a clock change);
        the last night of 2099 ends at midnight, where the accepted range closes, and the
        first night of 1970 starts at midnight, where it opens, so their shifts can hand over.
    """
    here = moment.astimezone(LOCAL_TZ)
    day = here.date()
    candidates = []
    for offset in (-1, 0):
        base = day + timedelta(days=offset)
        for hour in SHIFT_STARTS:
            start = datetime(base.year, base.month, base.day, hour, tzinfo=LOCAL_TZ)
            candidates.append(start)
    start = max(c for c in candidates if c <= here)
    index = SHIFT_STARTS.index(start.hour)
    next_hour = SHIFT_STARTS[(index + 1) % 3]
    end_day = start.date() + timedelta(days=1 if next_hour < start.hour else 0)
    end = datetime(end_day.year, end_day.month, end_day.day, next_hour, tzinfo=LOCAL_TZ)
    closing = validate.latest_moment() + timedelta(seconds=1)  # 2100-01-01 00:00 local
    opening = validate.earliest_moment()  # 1970-01-01 00:00 local
    return max(start.astimezone(UTC), opening), min(end.astimezone(UTC), closing)


@dataclass(frozen=True)
class _Period:
    """A handover's period and the next shift, with the stored forms of its bounds."""

    start: datetime
    end: datetime
    next_end: datetime

    @property
    def bounds(self) -> tuple[str, str, str]:
        """The start, end and next shift's end as stored UTC text (for SQL)."""
        return to_db(self.start), to_db(self.end), to_db(self.next_end)


def _counted(kind: str, ids: list[str] | tuple[str, ...], **params: Any) -> Item:
    """An item that counts its ids."""
    return Item(kind, len(ids), tuple(ids), params)


def draft_handover(
    store: Store, start: datetime | None = None, end: datetime | None = None, notes: str = ""
) -> Handover:
    """The ISBAR handover of a period, drawn from the database as it is now.

    Open items (gaps, re-planning, open signals, flagged log entries, conflicts, quarantined
    writes, lapsing qualifications) are not limited to the period: they carry into every
    following handover until they are dealt with.

    Args:
        store: the database.
        start: the period's start (aware); with ``end`` omitted, the shift now ending
            (``current_shift``).
        end: the period's end (aware).
        notes: the outgoing leader's notes, the last recommendation.

    Returns:
        The handover; ``handover_content`` gives its JSON.

    Raises:
        BadInput: a bound outside 1970–2099, or the end not after the start.
        IntegrityFailure: ``database_damaged``: a table of the protection chain holds a value
            of a type its column never holds (a signed handover froze a text threat level,
            rev14t H4), or an index that no longer matches it (exit 5).
    """
    store.refuse_damaged_tables(machine.CHAIN_TABLES)
    if start is None or end is None:
        start, end = current_shift(store.clock.now())
    validate.moment(start, "period_start")
    validate.moment(end, "period_end")
    require_order(start, end, "handover_period")
    period = _Period(start, end, end + (end - start))
    subjects = _subjects_concerned(store, period)
    assessment = _assessment(store, period)
    return Handover(
        start=period.start,
        end=period.end,
        next_end=period.next_end,
        identify=_identify(store, period, subjects),
        situation=_situation(store, period, subjects),
        background=_background(store, period),
        assessment=assessment,
        recommendation=_recommendation(assessment, notes),
    )


def _subjects_concerned(store: Store, period: _Period) -> list[Any]:
    """Subjects with an activity (not cancelled) in this shift or the next."""
    s, _e, n = period.bounds
    return store.query(
        "SELECT DISTINCT s.id, s.code, s.unit, s.threat_level, p.required_level, p.package"
        " FROM subject s JOIN subject_protection p ON p.subject_id = s.id"
        " JOIN activity a ON a.subject_id = s.id"
        " WHERE a.status != 'cancelled' AND a.start_at < ? AND a.end_at > ? ORDER BY s.code",
        (n, s),
    )


def _identify(store: Store, period: _Period, subjects: list[Any]) -> tuple[Item, ...]:
    """I: the period, the outgoing and incoming leaders, the units and subjects concerned."""
    _s, e, _n = period.bounds
    incoming = [
        r[0]
        for r in store.query(
            "SELECT DISTINCT p.callsign FROM shift x JOIN staff p ON p.id = x.staff_id"
            " WHERE p.role IN ('shift_leader', 'admin') AND x.start_at <= ? AND x.end_at > ?"
            " ORDER BY p.callsign",
            (e, e),
        )
    ]
    actor = store.actor
    times = {"start": period.start, "end": period.end, "next_end": period.next_end}
    return (
        Item("period", 1, (), times),
        _counted("outgoing", [actor.callsign], role=actor.role),
        _counted("incoming", incoming),
        _counted("units", sorted({r["unit"] for r in subjects})),
        _counted("subjects", [r["code"] for r in subjects]),
    )


def _situation(store: Store, period: _Period, subjects: list[Any]) -> tuple[Item, ...]:
    """S: each subject's protection, activities across the change of shift, officers on duty
    just before and just after it."""
    _s, e, _n = period.bounds
    items = [
        Item(
            "subject",
            1,
            (r["id"],),
            {
                "code": r["code"],
                "unit": r["unit"],
                "threat_level": r["threat_level"],
                "required_level": r["required_level"],
                "package": r["package"],
            },
        )
        for r in subjects
    ]
    across = store.query(
        "SELECT id, subject_code, title, end_at FROM activity_view WHERE status != 'cancelled'"
        " AND start_at < ? AND end_at > ? ORDER BY start_at",
        (e, e),
    )
    running = [
        {"person": r["subject_code"], "title": r["title"], "end": from_db(r["end_at"])}
        for r in across
    ]
    items.append(_counted("across", [r["id"] for r in across], activities=running))
    for label, moment in (
        ("now", period.end - timedelta(minutes=1)),
        ("next", period.end + timedelta(minutes=1)),
    ):
        on_duty = [
            r[0]
            for r in store.query(
                "SELECT p.callsign FROM shift x JOIN staff p ON p.id = x.staff_id"
                " WHERE x.start_at <= ? AND x.end_at > ? ORDER BY p.callsign",
                (to_db(moment), to_db(moment)),
            )
        ]
        items.append(_counted(f"on_duty_{label}", on_duty))
    return tuple(items)


#: Background: what changed in the period, per kind: the query of the ids it concerns (the
#: period's start and end bound each).
_CHANGES = {
    "activities_added": "SELECT id FROM activity WHERE created_at >= ? AND created_at < ?",
    "activities_restricted": (
        "SELECT activity_id FROM restriction WHERE recorded_at >= ? AND recorded_at < ?"
    ),
    "threat_assessments": None,  # with the subjects and levels: below
    "decisions": "SELECT id FROM decision WHERE adopted_at >= ? AND adopted_at < ?",
    "signals_raised": "SELECT id FROM signal WHERE raised_at >= ? AND raised_at < ?",
    "signals_progressed": "SELECT DISTINCT signal_id FROM signal_event WHERE at >= ? AND at < ?",
    "log_entries": "SELECT id FROM log_entry WHERE at >= ? AND at < ?",
    "bundles_imported": (
        "SELECT CAST(seq AS TEXT) FROM audit_event WHERE action = 'sync.import'"
        " AND at >= ? AND at < ?"
    ),
}


def _background(store: Store, period: _Period) -> tuple[Item, ...]:
    """B: what changed in the period (activities added and restricted, threat assessments,
    decisions, signals raised and progressed, log entries, bundles imported)."""
    s, e, _n = period.bounds
    items = []
    for kind, sql in _CHANGES.items():
        if sql is not None:
            items.append(_counted(kind, [r[0] for r in store.query(sql, (s, e))]))
            continue
        assessed = store.query(
            "SELECT a.id, x.code, a.level FROM threat_assessment a JOIN subject x ON x.id ="
            " a.subject_id WHERE a.assessed_at >= ? AND a.assessed_at < ? ORDER BY a.assessed_at",
            (s, e),
        )
        levels = [{"subject": r["code"], "level": r["level"]} for r in assessed]
        items.append(_counted(kind, [r["id"] for r in assessed], assessments=levels))
    return tuple(items)


#: Gaps named one by one in the assessment's gaps item; the rest are counted.
GAP_ITEMS = 8
#: Open items that run on (standing posts to re-plan) are named up to this moment.
_FOREVER = datetime(2100, 1, 1, tzinfo=UTC)


def _assessment(store: Store, period: _Period) -> tuple[Item, ...]:
    """A: what is open, not limited to the period (it carries forward)."""
    gaps = find_gaps(store, period.end, period.next_end)
    names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM qualification")}
    named = [
        {
            "unit": g.unit,
            "qualification": g.qualification,
            "name": names.get(g.qualification) or g.qualification,  # the catalogue's
            "shortfall": g.shortfall,
            "start": g.start,
            "end": g.end,
        }
        for g in gaps[:GAP_ITEMS]
    ]
    gap_ids = tuple(sorted({a for g in gaps for a in g.activities}))
    short = {"officer_hours": round(shortfall_hours(gaps), 1), "gaps": named}
    replan = replanned(store, start=period.start)
    posts = [p.id for p in posts_below_required(store, period.start, _FOREVER)]
    flagged = store.query(
        "SELECT e.id FROM log_entry e WHERE e.flagged = 1 AND NOT EXISTS (SELECT 1 FROM"
        " log_clearance c WHERE c.entry_id = e.id) AND NOT EXISTS (SELECT 1 FROM log_entry n"
        " WHERE n.supersedes = e.id) ORDER BY e.at"
    )
    conflicts = store.query(
        "SELECT id FROM sync_conflict WHERE resolved_at IS NULL ORDER BY detected_at"
    )
    return (
        Item("gaps", len(gaps), gap_ids, {**short, "more": len(gaps) > GAP_ITEMS}),
        _counted("replan", [r.id for r in replan]),
        _counted("replan_posts", posts),
        _counted("open_signals", [x.id for x in list_signals(store, open_only=True)]),
        _counted("flagged_log", [r[0] for r in flagged]),
        _counted("conflicts", [r[0] for r in conflicts]),
        _overlap_item(store),
        *_quarantine_items(store),
        *_finding_items(store),
        _care_item(store),
        _expiring(store, period),
    )


def _overlap_item(store: Store) -> Item:
    """Signed handovers in force that overlap (two truths about the same hours, from laptops
    that signed before they synced): open until one signer supersedes theirs."""
    pairs = overlapping_handovers(store)
    named = [
        {
            "handovers": [short_id(store, "handover", i) for i in pair.ids],
            "signed_by": list(pair.signed_by),
            "periods": [{"start": a, "end": b} for a, b in pair.periods],
        }
        for pair in pairs
    ]
    ids = tuple(dict.fromkeys(i for pair in pairs for i in pair.ids))
    return Item("overlapping_handovers", len(pairs), ids, {"pairs": named} if pairs else {})


def _care_item(store: Store) -> Item:
    """Care modules a package change added for a member already in the household (the person
    themself too), not offered yet (``care.not_offered``): open until offered. Its ids are the
    members (the person's own code for the person themself). A reader who may not read care
    (``care.read``) gets the count only: no member codes, no modules (need to know, rev20b)."""
    from . import care

    found = care.not_offered(store)
    if found and not access.may(store.actor, "care.read"):
        return Item("care_not_offered", len(found))
    named = [
        {"person": f.person, "member": f.member, "module": f.module, "since": f.since}
        for f in found
    ]
    ids = [f.person if f.member == care.SELF else f.member for f in found]
    return (
        _counted("care_not_offered", ids, modules=named) if found else Item("care_not_offered", 0)
    )


def _expiring(store: Store, period: _Period) -> Item:
    """Qualifications of the next shift's officers that lapse within ``EXPIRY_HORIZON``."""
    _s, e, n = period.bounds
    lapse = to_db(period.end + EXPIRY_HORIZON)
    expiring = store.query(
        "SELECT DISTINCT p.callsign, q.qualification, q.valid_until, c.name FROM shift x"
        " JOIN staff p ON p.id = x.staff_id JOIN staff_qualification q ON q.staff_id = p.id"
        " LEFT JOIN qualification c ON c.code = q.qualification"
        " WHERE x.start_at < ? AND x.end_at > ? AND q.valid_until IS NOT NULL"
        " AND q.valid_until <= ? ORDER BY q.valid_until, p.callsign",
        (n, e, lapse[:10]),
    )
    held = [
        {
            "callsign": r["callsign"],
            "qualification": r["qualification"],
            "until": r["valid_until"],
            "name": r["name"] or r["qualification"],  # the catalogue's, for people
        }
        for r in expiring
    ]
    ids = [f"{r['callsign']}:{r['qualification']}" for r in expiring]
    return _counted("expiring", ids, qualifications=held)


def _recommendation(assessment: tuple[Item, ...], notes: str) -> tuple[Item, ...]:
    """R: one action per kind of open item (in the assessment's order), then the notes."""
    actions = []
    for kind in dict.fromkeys(item.kind for item in assessment):
        items = [item for item in assessment if item.kind == kind and item.count]
        if items:
            concerned = tuple(i for item in items for i in item.ids)
            actions.append(Item(kind, sum(item.count for item in items), concerned))
    if not actions:
        actions.append(Item("none", 0))
    if notes.strip():
        actions.append(Item("notes", 1, (), {"text": notes.strip()}))
    return tuple(actions)


def _quarantine_items(store: Store) -> list[Item]:
    """One open item per quarantined change set (a write of another laptop the team's rules
    refused), at most ``QUARANTINE_ITEMS``, then one for the rest: not bound to the period,
    they stay until someone acts."""
    sets = quarantine.change_sets(store)
    if not sets:
        return [Item("quarantined", 0)]
    team = rosters.current(store)
    labels = {d["id"]: d["label"] for d in team.devices} if team else {}
    items = []
    for change_set in sets[:QUARANTINE_ITEMS]:
        first = change_set.changes[0]
        facts = {
            "changes": len(change_set.changes),
            "device": labels.get(change_set.device) or short_id(store, "device", change_set.device),
            "actor": change_set.actor,
            "field": f"{first.table}.{first.field}" if first.field else first.table,
            "reason": first.cause.as_dict(),  # a fact (code, params), worded by the faces
        }
        items.append(Item("quarantined", 1, (change_set.id,), facts))
    rest = sets[QUARANTINE_ITEMS:]
    if rest:
        items.append(_counted("quarantined", [c.id for c in rest], more=len(rest)))
    return items


def _finding_items(store: Store) -> list[Item]:
    """An open item per trust finding (``findings``): what stays open (secrets set by someone
    else, clashes, this laptop's refused changes) and what happened since the last signed
    handover (audit trail alarms, changes made outside Schildwacht, back-dated records). Each
    carries the finding's code and params (worded by ``words.findings``) beside its ids."""
    from . import findings

    found = findings.open_findings(store, findings.since_last_handover(store))
    if not found:
        return [Item("findings", 0)]
    return [Item(f.kind, f.count, f.ids, {"code": f.code, **f.params}) for f in found]


def handover_facts(draft: Handover) -> dict[str, Any]:
    """The handover as the faces read it: the period and each section's items as mappings
    ``{kind, count, ids, params}``, times as aware UTC datetimes (``read_content`` gives a
    signed handover in the same form).

    Args:
        draft: the handover drafted.

    Returns:
        ``{"period": {"start", "end"}, <section>: [item, …] for each of SECTIONS}``, each item
        ``{"kind", "count", "ids", "params"}``; times as aware UTC datetimes.
    """

    def items(section: tuple[Item, ...]) -> list[dict[str, Any]]:
        return [
            {"kind": i.kind, "count": i.count, "ids": list(i.ids), "params": dict(i.params)}
            for i in section
        ]

    return {
        "period": {"start": draft.start, "end": draft.end},
        **{name: items(draft.section(name)) for name in SECTIONS},
    }


def handover_content(draft: Handover) -> dict[str, Any]:
    """The handover as JSON values (what is signed and hashed, and what scripts read): the
    period and the handover's own times as ISO-8601 with the Amsterdam offset, a trust
    finding's times as stored UTC text (``json_times``), each section a list of
    ``{kind, count, ids, params}``.

    Args:
        draft: the handover drafted.

    Returns:
        The JSON document, in the shape every handover has been signed in.
    """
    return facts_as_content(handover_facts(draft))


def facts_as_content(facts: Mapping[str, Any]) -> dict[str, Any]:
    """A handover's facts (``handover_facts``, ``read_content``) as its signed JSON
    (``handover_content``): reading a signed document back and writing it gives it unchanged.

    Args:
        facts: the handover as facts.

    Returns:
        The JSON document.
    """
    return {
        name: (
            json_times(value, local_iso)
            if name not in SECTIONS
            else [json_times(i, to_db if i["kind"] in FINDING_KINDS else local_iso) for i in value]
        )
        for name, value in facts.items()
    }


#: Per item kind, where its params carry times in a signed document ("*": each element).
_TIMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "period": (("start",), ("end",), ("next_end",)),
    "across": (("activities", "*", "end"),),
    "gaps": (("gaps", "*", "start"), ("gaps", "*", "end")),
    "overlapping_handovers": (
        ("pairs", "*", "periods", "*", "start"),
        ("pairs", "*", "periods", "*", "end"),
    ),
    "secret": (("people", "*", "2"),),
    "outside": (("before",),),
    "own_stamps": (("stamped",), ("until",)),
}


def read_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """A signed handover's document read back as facts (``handover_facts``' form): its times
    as aware UTC datetimes. What an older version signed in another shape (a period as text,
    an item as its sentence) is kept as it was signed, for the faces to show as it is.

    Args:
        content: the signed document (``HandoverRecord.content``).

    Returns:
        The document with its times as datetimes; the signer laptop's audit head as signed.
    """
    read: dict[str, Any] = dict(content)
    if isinstance(content.get("period"), Mapping):
        read["period"] = {k: _read_time(v) for k, v in content["period"].items()}
    for name in SECTIONS:
        read[name] = [_read_item(item) for item in content.get(name, [])]
    return read


def _read_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """One signed item with the times its kind carries (``_TIMES``) read back."""
    found = dict(item)
    params = item.get("params")
    if isinstance(params, Mapping):
        for path in _TIMES.get(str(item.get("kind")), ()):
            params = _read_at(params, path)
        found["params"] = params
    return found


def _read_at(value: Any, path: tuple[str, ...]) -> Any:
    """``value`` with the time at ``path`` read back (a copy; any other shape as it is)."""
    if not path:
        return _read_time(value)
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(value, list):
        return [_read_at(v, rest) for v in value]
    if isinstance(value, list) and head.isdigit() and int(head) < len(value):
        return [_read_at(v, rest) if n == int(head) else v for n, v in enumerate(value)]
    if isinstance(value, Mapping) and head in value:
        return {**value, head: _read_at(value[head], rest)}
    return value


def _read_time(value: Any) -> Any:
    """A signed time (ISO-8601 with an offset, or stored UTC text) as an aware UTC datetime;
    text in any other shape (signed by an older version) as it is."""
    if not isinstance(value, str):
        return value
    try:
        moment = from_db(value) if value.endswith("Z") else datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.astimezone(UTC) if moment.tzinfo is not None else value


def sign_handover(
    store: Store,
    start: datetime | None = None,
    end: datetime | None = None,
    notes: str = "",
    *,
    supersedes: str | None = None,
    reason: str = "",
) -> HandoverRecord:
    """The outgoing shift leader freezes the draft, with notes, and signs it; the leader's notes
    kept as typed (``save_draft_notes``) are removed with it.

    A period is signed once: when a signed handover that is not superseded overlaps it, this
    raises ``AlreadySigned`` unless ``supersedes`` names that handover and ``reason`` says why
    it is replaced. Nothing is written on a refusal.

    Args:
        start: aware UTC, the period's start (None with ``end``: the current shift).
        end: aware UTC, its end.
        notes: the outgoing leader's notes.
        supersedes: the id (or prefix) of the signed handover it replaces, or None.
        reason: why it replaces that one.

    Returns:
        The signed handover as read back by ``get_handover``: its content (``handover_content`` and
        the signer laptop's ``audit_head``), hash and period (aware UTC).

    Raises:
        PermissionDenied: the acting person's role (or this laptop's) may not sign handovers.
        AlreadySigned: a handover in force overlaps the period and ``supersedes`` does not name it
            (``may_supersede`` says whether the acting leader signed it).
        BadInput: notes too long or with a NUL; ``supersedes`` without a reason
            (``supersede_needs_reason``) or naming no handover in force of an overlapping period
            (``supersede_not_in_force``).
        NotFound: ``supersedes`` names no handover.
        RuleViolation: the handover to supersede was signed by someone else
            (``supersede_not_yours``).
    """
    handover_id = uuid7()
    detail: dict[str, Any] = {}
    with store.write("handover.sign", handover_id, detail, require="handover.sign") as conn:
        notes = validate.text(notes, "notes")
        if start is None or end is None:
            start, end = current_shift(store.clock.now())
        content = handover_content(draft_handover(store, start, end, notes))  # true as signed
        replaced = _check_signed_once(store, start, end, supersedes, reason)
        content["audit_head"] = witness.handover_head(store)  # the signer laptop's, witnessed
        digest = detail["sha256"] = content_hash(content)
        conn.execute(
            "INSERT INTO handover (id, period_start, period_end, content, notes, signed_at,"
            " signed_by, device, content_hash, supersedes, supersede_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                handover_id,
                to_db(start),
                to_db(end),
                json.dumps(content, ensure_ascii=False),
                notes.strip(),
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                digest,
                replaced,
                reason.strip() if replaced else "",
            ),
        )
        # the notes kept as typed were for this handover: signed, they are no longer a draft
        conn.execute("DELETE FROM handover_notes_draft WHERE callsign = ?", (store.actor.callsign,))
    return get_handover(store, handover_id)


def draft_notes(store: Store) -> str:
    """The acting person's handover notes as last saved and not yet signed (``save_draft_notes``).

    Args:
        store: the database.

    Returns:
        The notes, or "" when none are kept.
    """
    row = store.one(
        "SELECT notes FROM handover_notes_draft WHERE callsign = ?", (store.actor.callsign,)
    )
    return "" if row is None else str(row[0])


def save_draft_notes(store: Store, notes: str) -> bool:
    """Keep the acting leader's handover notes as typed, unsigned, on this laptop (never synced),
    so that leaving the console or a dropped session loses none of them; empty notes remove
    the draft. One audited write (``handover.notes``), none when the notes are kept as they
    are already. ``sign_handover`` removes them.

    Args:
        store: the database.
        notes: the notes as typed.

    Returns:
        True when written, False when they were kept as they are already.

    Raises:
        PermissionDenied: the acting person's role (or this laptop's) may not sign handovers.
        BadInput: notes too long or with a NUL.
    """
    notes = validate.text(notes, "notes")
    if notes == draft_notes(store):
        return False
    with store.write(
        "handover.notes", None, {"chars": len(notes)}, require="handover.sign"
    ) as conn:
        who = store.actor.callsign
        if notes.strip():
            conn.execute(
                "INSERT INTO handover_notes_draft (callsign, notes, saved_at) VALUES (?, ?, ?)"
                " ON CONFLICT (callsign) DO UPDATE SET notes = excluded.notes,"
                " saved_at = excluded.saved_at",
                (who, notes, to_db(store.now())),
            )
        else:
            conn.execute("DELETE FROM handover_notes_draft WHERE callsign = ?", (who,))
    return True


def signing_refusal(
    store: Store, start: datetime | None = None, end: datetime | None = None
) -> AlreadySigned | None:
    """Why signing this period now would be refused because it is signed already (the
    ``AlreadySigned`` ``sign_handover`` would raise without ``supersedes``), or None: asked
    before a console asks "Sign …?", as ``acceptance_refusal`` is before "Accept …?".

    Args:
        store: the database.
        start: aware UTC, the period's start (None with ``end``: the current shift).
        end: aware UTC, its end.

    Returns:
        The refusal (returned, not raised): ``may_supersede`` says whether the acting leader
        signed the handover in force; None when the period is not signed yet.

    Raises:
        PermissionDenied: the acting person's role may not sign handovers.
    """
    access.require(store.actor, "handover.sign")
    if start is None or end is None:
        start, end = current_shift(store.clock.now())
    try:
        _check_signed_once(store, start, end, None, "")
    except AlreadySigned as refusal:
        return refusal
    return None


def _check_signed_once(
    store: Store, start: datetime, end: datetime, supersedes: str | None, reason: str
) -> str | None:
    """The id of the handover this signature replaces (None: the period is not signed yet).

    A handover is its signer's account of the shift: only its signer supersedes it, always
    with a reason — also after another leader accepted it (the new one is then accepted
    again, and both records show the reason). The leader who accepted it, or any other, does
    not replace it under their own name: they record their questions or a flagged log entry.
    """
    live = store.query(
        "SELECT h.id, h.period_start, h.period_end, h.signed_by, h.signed_at, e.actor AS"
        " accepted_by, e.at AS accepted_at FROM handover h LEFT JOIN handover_event e ON"
        " e.handover_id = h.id AND e.kind = 'accepted'"
        " WHERE h.period_start < ? AND h.period_end > ?"
        f" AND {_IN_FORCE.format(h='h')}"
        " ORDER BY h.signed_at",
        (to_db(end), to_db(start)),
    )
    me = store.actor.callsign
    replaced = None
    if supersedes is not None:
        replaced = resolve_id(store, "handover", supersedes, "handover")
        if not reason.strip():
            raise BadInput(code="supersede_needs_reason")
        found = next((r for r in live if r["id"] == replaced), None)
        refused = workflows.supersede_handover_refusal(
            found is not None,
            short_id(store, "handover", replaced),
            found["signed_by"] if found else None,
            me,
            from_db(found["accepted_at"]) if found and found["accepted_by"] == me else None,
        )
        if refused is not None:
            raise refused
    for row in live:
        if row["id"] != replaced:
            mine = row["signed_by"] == me
            name = short_id(store, "handover", row["id"])
            raise AlreadySigned(
                row["id"],
                name,
                code="already_signed" if mine else "already_signed_by_another",
                period_start=from_db(row["period_start"]),
                period_end=from_db(row["period_end"]),
                signed_by=row["signed_by"],
                signed_at=from_db(row["signed_at"]),
                me=me,
                accepted_at=from_db(row["accepted_at"]) if row["accepted_by"] == me else None,
            )
    return replaced


def _period_text(start: datetime, end: datetime) -> str:
    return local_span(start, end)


def accept_handover(store: Store, handover_id: str, questions: str = "") -> HandoverRecord:
    """A different shift leader accepts the handover, optionally with questions.

    Args:
        handover_id: the handover's id (or prefix).
        questions: the incoming leader's questions, if any.

    Returns:
        The handover as read back by ``get_handover``, now with ``accepted_at`` (aware UTC),
        ``accepted_by`` and ``questions``.

    Raises:
        PermissionDenied: the acting person may not sign handovers, or signed this one.
        BadInput: it was accepted already, or the questions are too long.
        RuleViolation: it was withdrawn (``handover_withdrawn``) or superseded by a newer
            signed handover of its period (``handover_superseded``): no longer in force.
        NotFound: no such handover.
    """
    with store.write("handover.accept", require="handover.sign") as conn:
        questions = validate.text(questions, "questions")
        record = get_handover(store, handover_id)
        store.target(record.id)
        refusal = _acceptance_refusal(store, record)
        if refusal is not None:
            raise refusal
        conn.execute(
            "INSERT INTO handover_event (id, handover_id, kind, at, actor, device, note)"
            " VALUES (?, ?, 'accepted', ?, ?, ?, ?)",
            (
                uuid7(),
                record.id,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                questions.strip(),
            ),
        )
    return get_handover(store, record.id)


def acceptance_refusal(store: Store, handover_id: str) -> StoreError | None:
    """Why the acting person could not accept this handover now (the refusal
    ``accept_handover`` would raise), or None: asked before a console asks "Accept …?".

    Args:
        handover_id: the handover's id (or prefix).

    Returns:
        The ``PermissionDenied``, ``RuleViolation`` or ``BadInput`` that accepting would raise
        (returned, not raised), or None when the acting person may accept it now.

    Raises:
        NotFound: no such handover.
        BadInput: the prefix matches more than one handover.
        IntegrityFailure: the record was altered after signing (``get_handover``).
    """
    return _acceptance_refusal(store, get_handover(store, handover_id))


def _acceptance_refusal(store: Store, record: HandoverRecord) -> StoreError | None:
    """Why ``store.actor`` may not accept ``record`` now (the signer, withdrawn, superseded,
    already accepted), or None: the one check behind accepting and the console's question."""
    signer = workflows.signer_refusal(record.signed_by, store.actor.callsign)
    if signer is not None:
        return signer
    if rules.accepts_withdrawn("accepted", record.withdrawn_at is not None):
        name = short_id(store, "handover", record.id)
        return RuleViolation(
            "handover",
            code="handover_withdrawn",
            handover=name,
            by=record.withdrawn_by,
            at=record.withdrawn_at,
        )
    if record.superseded_by is not None:
        return _superseded(store, record)
    return workflows.accepted_refusal(record.accepted_by)


def _superseded(store: Store, record: HandoverRecord) -> RuleViolation:
    """The refusal to accept a handover that its signer replaced: the newer one is in force."""
    assert record.superseded_by is not None and record.superseded_at is not None
    refused = workflows.superseded_refusal(
        short_id(store, "handover", record.id),
        short_id(store, "handover", record.superseded_by),
        record.superseded_by_signer,
        record.superseded_at,
    )
    assert refused is not None
    return refused


def get_handover(store: Store, handover_id: str) -> HandoverRecord:
    """One signed handover, checked against its hash and the witnessed audit heads.

    Args:
        handover_id: the id, or a unique prefix of at least 8 characters.

    Returns:
        The ``HandoverRecord`` (times aware UTC), with who accepted, superseded or withdrew it and
        the ids of overlapping handovers in force.

    Raises:
        NotFound: no such handover.
        IntegrityFailure: the record was altered after signing.
    """
    full = resolve_id(store, "handover", handover_id, "handover")
    row = store.one(
        "SELECT h.*, e.at AS accepted_at, e.actor AS accepted_by, e.note AS questions,"
        " e.device AS accepted_device"
        " FROM handover h LEFT JOIN handover_event e ON e.handover_id = h.id"
        " AND e.kind = 'accepted' WHERE h.id = ?",
        (full,),
    )
    if row is None:
        raise NotFound(code="handover_not_found", handover=full)
    try:
        content = validate.json_document(row["content"], "handover_content")
    except ValueError:
        content = None
    if not isinstance(content, dict) or content_hash(content) != row["content_hash"]:
        name = short_id(store, "handover", full)
        raise IntegrityFailure(code="handover_signature_mismatch", handover=name)
    witness.check_handover(store, full, row["content_hash"])
    later = store.one(
        "SELECT id, signed_by, signed_at, supersede_reason FROM handover WHERE supersedes = ?",
        (full,),
    )
    withdrawn = store.one(
        "SELECT withdrawn_at, withdrawn_by, reason FROM handover_withdrawal"
        " WHERE handover_id = ? ORDER BY withdrawn_at, id LIMIT 1",
        (full,),
    )
    overlaps = (
        ()
        if later or withdrawn
        else tuple(
            r[0]
            for r in store.query(
                "SELECT h.id FROM handover h WHERE h.id != ? AND h.period_start < ?"
                f" AND h.period_end > ? AND {_IN_FORCE.format(h='h')} ORDER BY h.signed_at",
                (full, row["period_end"], row["period_start"]),
            )
        )
    )
    return HandoverRecord(
        overlaps=overlaps,
        withdrawn_at=from_db(withdrawn["withdrawn_at"]) if withdrawn else None,
        withdrawn_by=withdrawn["withdrawn_by"] if withdrawn else None,
        withdrawn_reason=withdrawn["reason"] if withdrawn else "",
        supersedes=row["supersedes"],
        supersede_reason=row["supersede_reason"],
        superseded_by=later["id"] if later else None,
        superseded_by_signer=later["signed_by"] if later else None,
        superseded_at=from_db(later["signed_at"]) if later else None,
        superseded_reason=later["supersede_reason"] if later else "",
        id=row["id"],
        period_start=from_db(row["period_start"]),
        period_end=from_db(row["period_end"]),
        content=content,
        notes=row["notes"],
        signed_at=from_db(row["signed_at"]),
        signed_by=row["signed_by"],
        content_hash=row["content_hash"],
        accepted_at=from_db(row["accepted_at"]) if row["accepted_at"] else None,
        accepted_by=row["accepted_by"],
        questions=row["questions"] or "",
        device=row["device"] or "",
        accepted_device=row["accepted_device"],
    )


def withdraw_handover(store: Store, handover_id: str, reason: str) -> HandoverRecord:
    """Withdraw a signed handover: it stays recorded, with who withdrew it, when and why, but
    is no longer in force (it overlaps nothing, and its period may be signed again). Only its
    signer, or an admin, withdraws it; once. One audited write (``handover.withdraw``),
    synced: other laptops judge it by the same rule.

    Args:
        store: the open database, acting as a shift leader or admin.
        handover_id: the id, or a unique prefix of at least 8 characters.
        reason: why it is withdrawn (required).

    Returns:
        The handover as recorded now (``withdrawn_*`` set).

    Raises:
        PermissionDenied: the acting person may not sign handovers.
        NotFound: no such handover.
        BadInput: no reason, or it was withdrawn already.
        RuleViolation: the acting person neither signed it nor is an admin.
    """
    detail: dict[str, Any] = {}
    with store.write("handover.withdraw", None, detail, require="handover.sign") as conn:
        record = get_handover(store, handover_id)
        store.target(record.id)
        if not isinstance(reason, str) or validate.blank(reason):
            raise BadInput(code="withdraw_needs_reason")
        reason = validate.text(reason, "reason").strip()
        name = short_id(store, "handover", record.id)
        withdrawn = record.withdrawn_at
        again = workflows.withdrawn_already_refusal(name, record.withdrawn_by, withdrawn)
        if again is not None:
            raise again
        me = store.actor
        if record.signed_by != me.callsign and me.role != "admin":
            raise RuleViolation(
                "handover", code="withdraw_not_yours", handover=name, signed_by=record.signed_by
            )
        detail.update({"handover": record.id, "reason": reason})
        conn.execute(
            "INSERT INTO handover_withdrawal (id, handover_id, reason, withdrawn_at,"
            " withdrawn_by, device) VALUES (?, ?, ?, ?, ?, ?)",
            (uuid7(), record.id, reason, to_db(store.now()), me.callsign, store.device_id),
        )
    return get_handover(store, record.id)


def list_handovers(store: Store) -> list[HandoverRecord]:
    """Every signed handover, newest first (each checked as by ``get_handover``).

    Returns:
        The ``HandoverRecord`` of every signed handover, newest signature first; empty when none is
        signed.

    Raises:
        IntegrityFailure: one of them was altered after signing (the whole list is refused).
    """
    return [
        get_handover(store, r[0])
        for r in store.query("SELECT id FROM handover ORDER BY signed_at DESC, id DESC")
    ]
