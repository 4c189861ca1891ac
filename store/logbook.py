"""The operational log (journaal): timestamped entries by the acting person.

Entries are append-only (a trigger refuses edits); a correction is a new entry that supersedes an
old one. A flagged entry comes back in every handover until a shift leader clears it, recording
who cleared it and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from . import access, rules, validate, workflows
from .clock import to_db, with_times
from .db import Store, resolve_id, short_id
from .errors import BadInput
from .ids import uuid7
from .signers import Signers
from .subjects import get_subject

KINDS = rules.LOG_KINDS
#: A listing shows at most this many entries at once.
MAX_LIST = 1_000_000


@dataclass(frozen=True)
class LogEntry:
    """One entry of the operational log (*journaal*): never edited, only superseded.

    Attributes:
        id: the entry's id.
        at: when it was written (aware UTC).
        author: who wrote it (callsign).
        kind: ``KINDS`` (note, movement, deviation, incident, equipment …).
        text: what was written.
        person: the subject it concerns (code name), or None.
        activity_id: the activity it concerns, or None.
        flagged: whether it was flagged for the shift leader.
        supersedes: the entry it corrects, or None.
        superseded_by: the entry that corrects it, or None.
        cleared_at: when a shift leader cleared its flag (aware UTC), or None.
        cleared_by: who cleared it, or None.
        clear_reason: why, or None.
    """

    id: str
    at: datetime
    author: str
    kind: str
    text: str
    person: str | None
    activity_id: str | None
    flagged: bool
    supersedes: str | None
    superseded_by: str | None
    cleared_at: datetime | None
    cleared_by: str | None
    clear_reason: str | None
    device: str | None = None  # the laptop that wrote it
    signed_by: str | None = None  # that laptop's label, when it is not the author's own

    @property
    def open_flag(self) -> bool:
        """Flagged, not cleared and not superseded: it carries into every handover."""
        return self.flagged and self.cleared_at is None and self.superseded_by is None


_SELECT = """
SELECT e.id, e.at, e.author, e.kind, e.text, s.code AS person, e.activity_id, e.flagged,
       e.supersedes,
       (SELECT n.id FROM log_entry n WHERE n.supersedes = e.id ORDER BY n.at LIMIT 1)
           AS superseded_by,
       c.cleared_at, c.cleared_by, c.reason AS clear_reason, e.device
FROM log_entry e
LEFT JOIN subject s ON s.id = e.subject_id
LEFT JOIN log_clearance c ON c.entry_id = e.id
"""


def _entry(row: object) -> LogEntry:
    data = with_times(row, "at", "cleared_at")
    data["flagged"] = bool(data["flagged"])
    return LogEntry(**data)


def add_entry(
    store: Store,
    text: str,
    *,
    kind: str = "note",
    person: str | None = None,
    activity: str | None = None,
    flagged: bool = False,
    supersedes: str | None = None,
) -> LogEntry:
    """Write one entry in the log (*logboek*), as the acting person, now.

    Args:
        store: the database; the actor needs ``log.write``.
        text: the entry, at most 4,000 characters.
        kind: one of ``KINDS``.
        person: the subject it concerns (code name), or None.
        activity: the activity it concerns (id or unique prefix); its subject is taken when
            ``person`` is None.
        flagged: carry it into every handover until cleared or superseded.
        supersedes: the entry this one corrects (id or unique prefix); entries are never edited.

    Returns:
        The entry as written.

    Raises:
        BadInput: empty or over-long text, an unknown kind.
        NotFound: an unknown subject, activity or superseded entry.
        PermissionDenied: the actor may not write the log.
    """
    entry_id = uuid7()
    detail = {"kind": kind, "flagged": flagged}
    with store.write("log.add", entry_id, detail, require="log.write") as conn:
        body = validate.text(text, "log_entry").strip()
        if validate.blank(body):
            raise BadInput(code="log_entry_needs_text")
        if kind not in KINDS:
            raise BadInput(code="unknown_log_kind", given=validate.shown(kind), choices=list(KINDS))
        subject_id = get_subject(store, person).id if person else None
        activity_id = resolve_id(store, "activity", activity, "activity") if activity else None
        if activity_id and subject_id is None:
            row = store.one("SELECT subject_id FROM activity WHERE id = ?", (activity_id,))
            subject_id = row["subject_id"] if row else None
        replaced = resolve_id(store, "log_entry", supersedes, "log entry") if supersedes else None
        if replaced is not None and store.one(
            "SELECT 1 FROM log_entry WHERE id = ? AND flagged = 1", (replaced,)
        ):  # superseding ends a flag as clearing does: only those who may clear
            access.require(store.actor, "log.clear")
        conn.execute(
            "INSERT INTO log_entry (id, at, author, device, subject_id, activity_id, kind, text,"
            " flagged, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry_id,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                subject_id,
                activity_id,
                kind,
                body,
                int(flagged),
                replaced,
            ),
        )
    return get_entry(store, entry_id)


def get_entry(store: Store, entry_id: str) -> LogEntry:
    """One log entry.

    Args:
        store: the database.
        entry_id: the id or a unique prefix of at least 8 characters.

    Returns:
        The entry, with who cleared it and what superseded it.

    Raises:
        NotFound: no such entry.
        BadInput: the prefix matches more than one.
    """
    full = resolve_id(store, "log_entry", entry_id, "log entry")
    row = store.one(_SELECT + " WHERE e.id = ?", (full,))
    assert row is not None
    return _signed(_entry(row), Signers(store))


def list_entries(
    store: Store,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    person: str | None = None,
    open_flags_only: bool = False,
    limit: int | None = None,
) -> list[LogEntry]:
    """Log entries, newest first.

    Args:
        store: the database.
        start: only entries at or after this moment (aware), or None.
        end: only entries before this moment (aware), or None.
        person: only entries about this subject (code name), or None.
        open_flags_only: only flagged entries neither cleared nor superseded.
        limit: the most entries, 1 to 1,000,000, or None for all.

    Returns:
        The entries, ``at`` aware UTC.

    Raises:
        NotFound: an unknown subject.
        BadInput: a limit out of range.
    """
    clauses: list[str] = []
    params: list[str | int] = []
    if start is not None:
        clauses.append("e.at >= ?")
        params.append(to_db(start))
    if end is not None:
        clauses.append("e.at < ?")
        params.append(to_db(end))
    if person:
        clauses.append("e.subject_id = ?")
        params.append(get_subject(store, person).id)
    if open_flags_only:
        clauses.append(
            "e.flagged = 1 AND c.id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM log_entry n WHERE n.supersedes = e.id)"
        )
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    tail = " ORDER BY e.at DESC, e.id DESC"
    if limit is not None:
        validate.integer(limit, "limit", low=1, high=MAX_LIST)
    if limit:
        tail += " LIMIT ?"
        params.append(limit)
    signers = Signers(store)
    return [_signed(_entry(r), signers) for r in store.query(_SELECT + where + tail, params)]


def _signed(entry: LogEntry, signers: Signers) -> LogEntry:
    return replace(entry, signed_by=signers.note(entry.author, entry.device))


def clear_entry(store: Store, entry_id: str, *, reason: str) -> LogEntry:
    """A shift leader clears a flagged entry, saying why; it stops carrying into handovers.

    Args:
        store: the open database, acting as a shift leader.
        entry_id: the entry's id or a unique prefix.
        reason: why it is cleared.

    Returns:
        The entry as cleared.

    Raises:
        BadInput: ``clearance_needs_reason``, ``log_entry_not_flagged`` or
            ``log_entry_already_cleared``.
        NotFound: ``unknown_id``.
        PermissionDenied: the acting person may not clear entries.
    """
    detail: dict[str, str] = {}
    with store.write("log.clear", None, detail, require="log.clear") as conn:
        entry = get_entry(store, entry_id)
        store.target(entry.id)
        named = short_id(store, "log_entry", entry.id)
        refused = workflows.clear_refusal(
            entry.flagged, entry.cleared_by if entry.cleared_at else None, named
        )
        if refused is not None:
            raise refused
        if validate.blank(validate.text(reason, "reason")):
            raise BadInput(code="clearance_needs_reason")
        detail["reason"] = reason.strip()
        conn.execute(
            "INSERT INTO log_clearance (id, entry_id, cleared_at, cleared_by, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (uuid7(), entry.id, to_db(store.now()), store.actor.callsign, reason.strip()),
        )
    return get_entry(store, entry.id)
