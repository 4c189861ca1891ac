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
  laptops quarantined at sync (one item per write), qualifications of the
  next shift's officers that lapse within a week;
- *Recommendation*: an action for every open item, and the outgoing leader's notes.

Open items are not limited to the period, so flagged log entries, open signals and conflicts
carry into every following handover until cleared, closed or resolved. Every item carries its
count and the ids it concerns; an empty section says "0 …", never "all clear".

``sign_handover`` freezes the draft with its SHA-256; ``accept_handover`` records a different
shift leader's acceptance. Both are shift leader (or admin) only; nobody accepts their own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import access, validate, witness
from .clock import LOCAL_TZ, from_db, local_iso, local_text, to_db
from .db import Store, resolve_id
from .errors import BadInput, IntegrityFailure, PermissionDenied
from .gaps import find_gaps, shortfall_hours
from .ids import uuid7
from .signals import list_signals
from .validate import visible

SECTIONS = ("identify", "situation", "background", "assessment", "recommendation")
SHIFT_STARTS = (7, 15, 23)
EXPIRY_HORIZON = timedelta(days=7)
#: Quarantined writes named one by one in the assessment; the rest in one item.
QUARANTINE_ITEMS = 25


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    count: int
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoverRecord:
    id: str
    period_start: str
    period_end: str
    content: dict[str, Any]
    notes: str
    signed_at: str
    signed_by: str
    content_hash: str
    accepted_at: str | None
    accepted_by: str | None
    questions: str
    supersedes: str | None = None
    supersede_reason: str = ""
    superseded_by: str | None = None


class AlreadySigned(BadInput):
    """The period overlaps a handover that is signed and not superseded; ``handover_id`` is
    that handover (sign again with ``supersedes`` and a reason)."""

    def __init__(self, message: str, handover_id: str) -> None:
        super().__init__(message)
        self.handover_id = handover_id


def current_shift(moment: datetime) -> tuple[datetime, datetime]:
    """The standard shift block (07–15, 15–23, 23–07 local) that contains ``moment``."""
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
    return start.astimezone(UTC), end.astimezone(UTC)


def _period_text(start: datetime, end: datetime) -> str:
    return f"{local_text(start)}–{local_text(end, with_date=False)}"


def _names(names: list[str], limit: int = 25) -> str:
    """A readable list of names for an item's text; the item's ids stay complete."""
    if not names:
        return ""
    more = f", … {len(names) - limit} more" if len(names) > limit else ""
    return f" ({', '.join(names[:limit])}{more})"


def _item(
    kind: str, text: str, ids: list[str] | tuple[str, ...] = (), count: int | None = None
) -> Item:
    return Item(kind, text, len(ids) if count is None else count, tuple(ids))


def draft_handover(
    store: Store, start: datetime | None = None, end: datetime | None = None, notes: str = ""
) -> dict[str, Any]:
    """The ISBAR handover of ``start``–``end`` as a JSON-ready dict."""
    if start is None or end is None:
        start, end = current_shift(store.clock.now())
    validate.moment(start, "The period's start")
    validate.moment(end, "The period's end")
    if end <= start:
        raise BadInput("A handover period ends after it starts.")
    nxt = end + (end - start)
    s, e, n = to_db(start), to_db(end), to_db(nxt)

    # Identify ------------------------------------------------------------------------------
    subjects = store.query(
        "SELECT DISTINCT s.id, s.code, s.unit, s.threat_level, p.required_level, p.package"
        " FROM subject s JOIN subject_protection p ON p.subject_id = s.id"
        " JOIN activity a ON a.subject_id = s.id"
        " WHERE a.status != 'cancelled' AND a.start_at < ? AND a.end_at > ? ORDER BY s.code",
        (n, s),
    )
    units = sorted({r["unit"] for r in subjects})
    incoming = [
        r[0]
        for r in store.query(
            "SELECT DISTINCT p.callsign FROM shift x JOIN staff p ON p.id = x.staff_id"
            " WHERE p.role IN ('shift_leader', 'admin') AND x.start_at <= ? AND x.end_at > ?"
            " ORDER BY p.callsign",
            (e, e),
        )
    ]
    identify = [
        _item(
            "period",
            f"Period {_period_text(start, end)}; next shift until "
            f"{local_text(nxt, with_date=False)}",
            count=1,
        ),
        _item(
            "outgoing",
            f"Outgoing: {store.actor.callsign} ({store.actor.role.replace('_', ' ')})",
            [store.actor.callsign],
        ),
        _item(
            "incoming",
            f"Incoming shift leaders on the roster: {len(incoming)}" + _names(incoming),
            incoming,
        ),
        _item(
            "units",
            f"Units concerned: {len(units)}" + _names(units),
            units,
        ),
        _item(
            "subjects",
            f"Subjects concerned: {len(subjects)}" + _names([r["code"] for r in subjects]),
            [r["code"] for r in subjects],
        ),
    ]

    # Situation -----------------------------------------------------------------------------
    situation = [
        _item(
            "subject",
            f"{r['code']} ({r['unit']}): threat {r['threat_level'] or '—'}, "
            f"requires {r['required_level'] or '—'}, package {r['package'] or '—'}",
            [r["id"]],
            count=1,
        )
        for r in subjects
    ]
    across = store.query(
        "SELECT id, subject_code, title, end_at FROM activity_view WHERE status != 'cancelled'"
        " AND start_at < ? AND end_at > ? ORDER BY start_at",
        (e, e),
    )
    situation.append(
        _item(
            "across",
            f"Activities running across the change of shift: "
            f"{len(across)}"
            + "".join(
                f"; {r['subject_code']} '{r['title']}' until "
                f"{local_text(r['end_at'], with_date=False)}"
                for r in across
            ),
            [r["id"] for r in across],
        )
    )
    for label, moment in (
        ("now", end - timedelta(minutes=1)),
        ("next", end + timedelta(minutes=1)),
    ):
        on_duty = [
            r[0]
            for r in store.query(
                "SELECT p.callsign FROM shift x JOIN staff p ON p.id = x.staff_id"
                " WHERE x.start_at <= ? AND x.end_at > ? ORDER BY p.callsign",
                (to_db(moment), to_db(moment)),
            )
        ]
        situation.append(
            _item(f"on_duty_{label}", f"Officers on duty {label}: {len(on_duty)}", on_duty)
        )

    # Background ----------------------------------------------------------------------------
    def ids(sql: str, params: tuple[str, ...]) -> list[str]:
        return [r[0] for r in store.query(sql, params)]

    added = ids("SELECT id FROM activity WHERE created_at >= ? AND created_at < ?", (s, e))
    restricted = ids(
        "SELECT activity_id FROM restriction WHERE recorded_at >= ? AND recorded_at < ?", (s, e)
    )
    assessed = store.query(
        "SELECT a.id, x.code, a.level FROM threat_assessment a JOIN subject x ON x.id ="
        " a.subject_id WHERE a.assessed_at >= ? AND a.assessed_at < ? ORDER BY a.assessed_at",
        (s, e),
    )
    decisions = ids("SELECT id FROM decision WHERE adopted_at >= ? AND adopted_at < ?", (s, e))
    raised = ids("SELECT id FROM signal WHERE raised_at >= ? AND raised_at < ?", (s, e))
    progressed = ids("SELECT DISTINCT signal_id FROM signal_event WHERE at >= ? AND at < ?", (s, e))
    logged = ids("SELECT id FROM log_entry WHERE at >= ? AND at < ?", (s, e))
    bundles = ids(
        "SELECT CAST(seq AS TEXT) FROM audit_event WHERE action = 'sync.import'"
        " AND at >= ? AND at < ?",
        (s, e),
    )
    background = [
        _item("activities_added", f"Activities added: {len(added)}", added),
        _item(
            "activities_restricted",
            f"Activities restricted (moved, shortened, cancelled): {len(restricted)}",
            restricted,
        ),
        _item(
            "threat_assessments",
            f"Threat assessments: {len(assessed)}"
            + "".join(f"; {r['code']} → level {r['level']}" for r in assessed),
            [r["id"] for r in assessed],
        ),
        _item("decisions", f"Work-process decisions: {len(decisions)}", decisions),
        _item("signals_raised", f"Signals raised: {len(raised)}", raised),
        _item("signals_progressed", f"Signals that progressed: {len(progressed)}", progressed),
        _item("log_entries", f"Log entries: {len(logged)}", logged),
        _item("bundles_imported", f"Sync bundles imported: {len(bundles)}", bundles),
    ]

    # Assessment: what is open (not limited to the period: it carries forward) --------------
    gaps = find_gaps(store, end, nxt)
    gap_ids = sorted({a for g in gaps for a in g.activities})
    replan = store.query(
        "SELECT id, subject_code, replan_reason FROM activity_view WHERE replan_reason IS NOT"
        " NULL AND end_at > ? ORDER BY start_at",
        (s,),
    )
    open_signals = [x for x in list_signals(store, open_only=True)]
    flagged = ids(
        "SELECT e.id FROM log_entry e WHERE e.flagged = 1 AND NOT EXISTS (SELECT 1 FROM"
        " log_clearance c WHERE c.entry_id = e.id) AND NOT EXISTS (SELECT 1 FROM log_entry n"
        " WHERE n.supersedes = e.id) ORDER BY e.at",
        (),
    )
    conflicts = ids(
        "SELECT id FROM sync_conflict WHERE resolved_at IS NULL ORDER BY detected_at", ()
    )
    lapse = to_db(end + EXPIRY_HORIZON)
    expiring = store.query(
        "SELECT DISTINCT p.callsign, q.qualification, q.valid_until FROM shift x"
        " JOIN staff p ON p.id = x.staff_id JOIN staff_qualification q ON q.staff_id = p.id"
        " WHERE x.start_at < ? AND x.end_at > ? AND q.valid_until IS NOT NULL"
        " AND q.valid_until <= ? ORDER BY q.valid_until, p.callsign",
        (n, e, lapse[:10]),
    )
    short_hours = shortfall_hours(gaps)
    assessment = [
        Item(
            "gaps",
            f"{len(gaps)} open gaps in the next shift ({short_hours:.1f} officer-hours"
            " short)"
            + "".join(
                f"; {g.unit} {g.qualification} −{g.shortfall} "
                f"{local_text(g.start, with_date=False)}–{local_text(g.end, with_date=False)}"
                for g in gaps[:8]
            )
            + ("; …" if len(gaps) > 8 else ""),
            len(gaps),
            tuple(gap_ids),
        ),
        _item("replan", f"{len(replan)} activities need re-planning", [r["id"] for r in replan]),
        _item(
            "open_signals",
            f"{len(open_signals)} signals not yet closed",
            [x.id for x in open_signals],
        ),
        _item("flagged_log", f"{len(flagged)} flagged log entries not cleared", flagged),
        _item("conflicts", f"{len(conflicts)} unresolved sync conflicts", conflicts),
        *_quarantine_items(store),
        *_finding_items(store),
        _item(
            "expiring",
            f"{len(expiring)} qualifications of the next shift's officers lapse "
            "within a week"
            + "".join(
                f"; {r['callsign']} {r['qualification']} until {r['valid_until']}" for r in expiring
            ),
            [f"{r['callsign']}:{r['qualification']}" for r in expiring],
        ),
    ]

    # Recommendation ------------------------------------------------------------------------
    recommendation = []
    actions = {
        "gaps": "Fill the gaps: `schildwacht suggest ACTIVITY` for each activity concerned",
        "replan": "Re-plan these activities with a valid concept (`activity options ID`)",
        "open_signals": "Check the open signals with the information organisation",
        "flagged_log": "Act on or clear the flagged log entries (`log clear ID`)",
        "conflicts": "Resolve the sync conflicts",
        "quarantined": "Ask the admin about the quarantined changes (`sync quarantine`): "
        "revoke a laptop that sends them on purpose, or correct its role",
        "expiring": "Arrange renewal or replacement for the lapsing qualifications",
        "witness": "Tell the admin: a laptop's audit trail was cut or rewritten (revoke it, "
        "or ask its user why)",
        "clash": "Check the clashing names: one person or two? Use the name each is kept as",
        "secret": "Ask each person to change the secret someone else set for them "
        "(`schildwacht staff secret`)",
        "outside": "Ask who changed the database outside Schildwacht, and why",
        "own_refused": "Ask the admin about this laptop's refused changes (`sync export` names "
        "them)",
        "back_dated": "Check the clock of the laptop that dated records back, or ask why",
        "findings": "",
    }
    for kind in dict.fromkeys(item.kind for item in assessment):  # one action per kind
        items = [item for item in assessment if item.kind == kind and item.count]
        if items:
            concerned = tuple(i for item in items for i in item.ids)
            count = sum(item.count for item in items)
            recommendation.append(Item(kind, actions[kind], count, concerned))
    if not recommendation:
        recommendation.append(Item("none", "0 open items to act on; keep monitoring", 0))
    if notes.strip():
        recommendation.append(Item("notes", notes.strip(), 1))

    def section(items: list[Item]) -> list[dict[str, Any]]:
        return [
            {"kind": i.kind, "text": i.text, "count": i.count, "ids": list(i.ids)} for i in items
        ]

    return {
        "period": {"start": local_iso(start), "end": local_iso(end)},
        "identify": section(identify),
        "situation": section(situation),
        "background": section(background),
        "assessment": section(assessment),
        "recommendation": section(recommendation),
    }


def _quarantine_items(store: Store) -> list[Item]:
    """One open item per quarantined change set (a write of another laptop the team's rules
    refused): not bound to the period, they stay until someone acts."""
    from .sync import quarantine
    from .sync import roster as rosters

    sets = quarantine.change_sets(store)
    if not sets:
        return [_item("quarantined", "0 changes from other laptops quarantined at sync", count=0)]
    team = rosters.current(store)
    labels = {d["id"]: d["label"] for d in team.devices} if team else {}
    items = []
    for change_set in sets[:QUARANTINE_ITEMS]:
        first = change_set.changes[0]
        field = f"{first.table}.{first.field}" if first.field else first.table
        items.append(
            _item(
                "quarantined",
                f"{len(change_set.changes)} changes from "
                f"{visible(labels.get(change_set.device, change_set.device[:13]))} by "
                f"{visible(change_set.actor)} quarantined at sync ({field}: {first.reason})",
                [change_set.id],
                count=1,
            )
        )
    rest = sets[QUARANTINE_ITEMS:]
    if rest:
        items.append(
            _item(
                "quarantined",
                f"… and {len(rest)} more quarantined writes (`schildwacht sync quarantine`)",
                [c.id for c in rest],
            )
        )
    return items


def _finding_items(store: Store) -> list[Item]:
    """An open item per trust finding (``findings``): what stays open (secrets set by someone
    else, clashes, this laptop's refused changes) and what happened since the last signed
    handover (audit trail alarms, changes made outside Schildwacht, back-dated records)."""
    from . import findings

    found = findings.open_findings(store, findings.since_last_handover(store))
    if not found:
        return [
            _item(
                "findings",
                "0 trust findings (audit trail alarms, names given twice, secrets set by someone "
                "else, changes outside Schildwacht, refused changes of this laptop, back-dated "
                "records)",
                count=0,
            )
        ]
    return [_item(f.kind, f.text, list(f.ids), count=1) for f in found]


def content_hash(content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def sign_handover(
    store: Store,
    start: datetime | None = None,
    end: datetime | None = None,
    notes: str = "",
    *,
    supersedes: str | None = None,
    reason: str = "",
) -> HandoverRecord:
    """The outgoing shift leader freezes the draft, with notes, and signs it.

    A period is signed once: when a signed handover that is not superseded overlaps it, this
    raises ``AlreadySigned`` unless ``supersedes`` names that handover and ``reason`` says why
    it is replaced. Nothing is written on a refusal."""
    access.require(store.actor, "handover.sign")
    notes = validate.text(notes, "The notes")
    if start is None or end is None:
        start, end = current_shift(store.clock.now())
    content = draft_handover(store, start, end, notes)
    handover_id = uuid7()
    detail: dict[str, Any] = {}
    with store.write("handover.sign", handover_id, detail) as conn:
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
                store.now(),
                store.actor.callsign,
                store.device_id,
                digest,
                replaced,
                reason.strip() if replaced else "",
            ),
        )
    return get_handover(store, handover_id)


def _check_signed_once(
    store: Store, start: datetime, end: datetime, supersedes: str | None, reason: str
) -> str | None:
    """The id of the handover this signature replaces (None: the period is not signed yet)."""
    live = store.query(
        "SELECT id, period_start, period_end, signed_by, signed_at FROM handover h"
        " WHERE period_start < ? AND period_end > ?"
        " AND NOT EXISTS (SELECT 1 FROM handover n WHERE n.supersedes = h.id)"
        " ORDER BY signed_at",
        (to_db(end), to_db(start)),
    )
    replaced = None
    if supersedes is not None:
        replaced = resolve_id(store, "handover", supersedes, "handover")
        if not reason.strip():
            raise BadInput("Superseding a signed handover needs the reason (--reason).")
        if replaced not in {r["id"] for r in live}:
            raise BadInput(
                f"Handover {replaced[:13]} is not a signed handover of an overlapping period "
                "that is still in force; see `handover list`."
            )
    for row in live:
        if row["id"] != replaced:
            period = _period_text(from_db(row["period_start"]), from_db(row["period_end"]))
            raise AlreadySigned(
                f"The period {period} was already signed by {row['signed_by']} at "
                f"{local_text(row['signed_at'])}"
                f" (handover {row['id'][:13]}); sign again only to supersede it, with a reason"
                f" (handover sign --supersedes {row['id'][:13]} --reason T).",
                row["id"],
            )
    return replaced


def accept_handover(store: Store, handover_id: str, questions: str = "") -> HandoverRecord:
    """A different shift leader accepts the handover, optionally with questions."""
    access.require(store.actor, "handover.sign")
    questions = validate.text(questions, "The questions")
    record = get_handover(store, handover_id)
    if record.signed_by == store.actor.callsign:
        raise PermissionDenied(
            f"{store.actor.callsign} signed this handover and cannot accept it;"
            " the incoming shift leader accepts it."
        )
    if record.accepted_by:
        raise BadInput(f"This handover was already accepted by {record.accepted_by}.")
    with store.write("handover.accept", record.id) as conn:
        conn.execute(
            "INSERT INTO handover_event (id, handover_id, kind, at, actor, device, note)"
            " VALUES (?, ?, 'accepted', ?, ?, ?, ?)",
            (
                uuid7(),
                record.id,
                store.now(),
                store.actor.callsign,
                store.device_id,
                questions.strip(),
            ),
        )
    return get_handover(store, record.id)


def get_handover(store: Store, handover_id: str) -> HandoverRecord:
    full = resolve_id(store, "handover", handover_id, "handover")
    row = store.one(
        "SELECT h.*, e.at AS accepted_at, e.actor AS accepted_by, e.note AS questions"
        " FROM handover h LEFT JOIN handover_event e ON e.handover_id = h.id"
        " AND e.kind = 'accepted' WHERE h.id = ?",
        (full,),
    )
    assert row is not None
    try:
        content = validate.json_document(row["content"], "the handover's content")
    except ValueError:
        content = None
    if not isinstance(content, dict) or content_hash(content) != row["content_hash"]:
        raise IntegrityFailure(
            f"Handover {full[:13]} does not match its signature; the record "
            "was altered after signing."
        )
    witness.check_handover(store, full, row["content_hash"])
    superseded_by = store.one("SELECT id FROM handover WHERE supersedes = ?", (full,))
    return HandoverRecord(
        supersedes=row["supersedes"],
        supersede_reason=row["supersede_reason"],
        superseded_by=superseded_by[0] if superseded_by else None,
        id=row["id"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        content=content,
        notes=row["notes"],
        signed_at=row["signed_at"],
        signed_by=row["signed_by"],
        content_hash=row["content_hash"],
        accepted_at=row["accepted_at"],
        accepted_by=row["accepted_by"],
        questions=row["questions"] or "",
    )


def list_handovers(store: Store) -> list[HandoverRecord]:
    return [
        get_handover(store, r[0])
        for r in store.query("SELECT id FROM handover ORDER BY signed_at DESC, id DESC")
    ]


def handover_markdown(
    content: dict[str, Any],
    record: HandoverRecord | None = None,
    max_subject_lines: int | None = None,
) -> str:
    """The handover as a readable document. ``max_subject_lines`` shortens the Situation's
    per-subject lines for a screen (the counts stay whole; the full list is in the record).
    What people typed (titles, notes, questions, names) is escaped: it reads as written and
    cannot change the document's structure."""
    md = validate.markdown
    period = content["period"]
    lines = [f"# Handover {period['start'][:16].replace('T', ' ')} – {period['end'][11:16]}", ""]
    if record is not None:
        lines.append(
            f"Signed by {md(record.signed_by)} at {local_text(record.signed_at)} "
            f"(sha256 `{record.content_hash[:16]}…`)."
            + (
                f" Accepted by {md(record.accepted_by)} at {local_text(record.accepted_at)}."
                if record.accepted_by
                else " Not yet accepted."
            )
        )
        if record.questions:
            lines.append(f"Questions: {md(record.questions)}")
        lines.append("")
    titles = {
        "identify": "I — Identify",
        "situation": "S — Situation",
        "background": "B — Background",
        "assessment": "A — Assessment",
        "recommendation": "R — Recommendation",
    }
    for name in SECTIONS:
        items = content[name]
        heading = titles[name]
        if name == "assessment":
            heading += f" — {sum(i['count'] for i in items)} open items"
        elif name == "recommendation":
            heading += f" — {sum(1 for i in items if i['count'])} actions"
        lines += [f"## {heading}", ""]
        subject_items = [i for i in items if i["kind"] == "subject"]
        shown = subject_items[:max_subject_lines] if max_subject_lines is not None else None
        for item in items:
            if shown is not None and item["kind"] == "subject" and item not in shown:
                continue
            lines.append(f"- {md(item['text'])}")
            if shown and item is shown[-1] and len(subject_items) > len(shown):
                lines.append(
                    f"- … and {len(subject_items) - len(shown)} more subjects "
                    "(the full list: `schildwacht handover draft --format md`)"
                )
        lines.append("")
    return "\n".join(lines)
