"""What sync looks like from here: per-peer status, open conflicts, and resolving one.

Resolving writes the chosen value through the ordinary rules (R1 holds: a concept below the
required level is refused) and seals it as a record that saw every concurrent value, so the
conflict closes on every device the resolution reaches.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from .. import findings, validate
from ..clock import epoch_ms, from_db, local, parse_time, parse_time_on, to_db
from ..db import Store, resolve_id
from ..errors import BadInput
from . import apply, capture, late
from . import quarantine as kept
from . import roster as rosters
from .capture import DAY_MS, hlc_wall_ms
from .change import clock_moment
from .notice import Notice, notice

#: A bare time of day, as a form takes it on a day it names.
_BARE_TIME = validate.later(r"^[0-9]{2}:[0-9]{2}\Z")

#: Who may resolve a conflict on each table: the people who may edit it.
RESOLVE_PERMISSION = {
    "activity": "activity.write",
    "deployment": "staff.write",
    "subject": "subject.write",
    "standing_post": "staff.write",
}


@dataclass(frozen=True)
class Peer:
    """Another laptop of the team, as this one knows it.

    Attributes:
        device, label, role, status: the laptop in the signed roster.
        last_sent: when this laptop last sent it a bundle (aware UTC), or None.
        last_received: when it last received one from it (aware UTC), or None.
        acknowledged: the last of this laptop's changes it acknowledged.
        not_acknowledged: how many of this laptop's changes it has not acknowledged.
        warnings: what a person should know of it (a clock far ahead, too many changes
            waiting, trust findings), as facts (``notice.Notice``, worded by ``words.receipts``).
        quarantined: its changes held here that broke a rule.
        deferred: its changes waiting here.
        deferred_since: since when the oldest waits (aware UTC), or None.
        callsign: who wrote its latest change received here ('' before any), so devices
            with the same label are told apart.
        enrolled_at: when the roster enrolled it (aware UTC), or None (a roster without a
            readable time).
    """

    device: str
    label: str
    role: str
    status: str
    last_sent: datetime | None
    last_received: datetime | None
    acknowledged: int
    not_acknowledged: int
    warnings: list[Notice]
    quarantined: int = 0  # its changes held here that broke a rule
    deferred: int = 0  # its changes waiting here
    deferred_since: datetime | None = None
    callsign: str = ""
    enrolled_at: datetime | None = None
    refused_segments: tuple[RefusedSegment, ...] = ()


@dataclass(frozen=True)
class RefusedSegment:
    """A segment of a laptop's changes this laptop refused, and does not hold in another form
    since: the bundle that carried it was refused at import (its clock runs back, its numbers
    have gaps, it does not chain, it differs from what is held …), or it is a branch of a
    laptop whose change log forked (kept aside, none of it applied). Its origin's later
    changes wait behind it.

    Attributes:
        device: the laptop that signed it.
        number: its number in that laptop's chain.
        first_seq, last_seq: the sequence numbers it carries.
        code: why, as the refusal's code (``words.errors``), or ``forked``.
        params: the refusal's facts.
        noticed_at: when this laptop refused it (aware UTC).
    """

    device: str
    number: int
    first_seq: int
    last_seq: int
    code: str
    params: dict[str, Any]
    noticed_at: datetime

    def as_notice(self, label: str) -> Notice:
        """The refusal as a peer's warning (``segment_refused``, ``words.receipts``).

        Args:
            label: the device's label.

        Returns:
            A ``segment_refused`` notice with the segment's numbers and the refusal's facts.
        """
        return notice(
            "segment_refused",
            label=label,
            number=self.number,
            first=self.first_seq,
            last=self.last_seq,
            refusal=self.code,
            facts=self.params,
        )


#: The meta key of the segments refused at import (``note_refused``): a JSON list.
REFUSED_KEY = "sync_refused_segments"
#: At most this many refused segments are kept (the latest): one more pushes out the oldest.
MAX_REFUSED = 64
#: The most characters of a refusal's text fact kept with the note.
_SHORT = 200


def note_refused(store: Store, refusal: Any) -> bool:
    """Keep the segment a refused bundle was refused for (``bundle.Refused.segment``), so
    ``sync status`` names it until the laptop holds those numbers: its own write (an audit
    event), after the import wrote nothing. A database that cannot be written keeps nothing
    (the refusal itself is still reported).

    Args:
        store: the database.
        refusal: the ``bundle.Refused`` raised by the import.

    Returns:
        Whether it was kept (False for a refusal without a segment or a read-only database).

    Raises:
        MachineFault: the database is busy or the disk is full; nothing is kept.
    """
    segment = getattr(refusal, "segment", None)
    if not isinstance(segment, dict) or store.read_only is not None:
        return False
    params = {  # facts only, each short: a refused bundle's names are the sender's choice
        k: v[:_SHORT] if isinstance(v, str) else v
        for k, v in refusal.params.items()
        if isinstance(v, str | int | float)
    }
    entry = {**segment, "code": str(refusal.code or refusal.check), "params": params}
    with store.write("sync.segment_refused", str(segment["device"])):
        held = [
            e
            for e in _noted(store.conn)
            if {k: e.get(k) for k in ("device", "number", "first", "last", "code")}
            != {k: entry[k] for k in ("device", "number", "first", "last", "code")}
        ]
        kept_entries = [*held, {**entry, "at": to_db(store.now())}][-MAX_REFUSED:]
        store.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (REFUSED_KEY, json.dumps(kept_entries, sort_keys=True)),
        )
    return True


def _noted(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The refused segments kept in ``meta`` (well-formed entries only)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (REFUSED_KEY,)).fetchone()
    try:
        found = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return [
        e
        for e in (found if isinstance(found, list) else [])
        if isinstance(e, dict)
        and isinstance(e.get("device"), str)
        and all(type(e.get(k)) is int for k in ("number", "first", "last"))
        and isinstance(e.get("code"), str)
        and isinstance(e.get("params", {}), dict)
        and isinstance(e.get("at"), str)
    ]


def refused_segments(store: Store) -> list[RefusedSegment]:
    """The segments refused here that this laptop does not hold in another form since (its
    held numbers of that laptop end before them), and the forked laptops' branches kept
    aside: by device, then number.

    Args:
        store: the database.

    Returns:
        The refused segments, the same list ``peers`` gives each laptop.
    """
    found: dict[tuple[str, int, int, str, str], RefusedSegment] = {}
    for e in _noted(store.conn):
        if capture.last_seq(store.conn, e["device"]) >= e["last"]:
            continue  # those numbers arrived since, in a form that passed every check
        when = _moment_of(e["at"])
        if when is not None:
            found[(e["device"], e["number"], e["first"], e["code"], "")] = RefusedSegment(
                e["device"], e["number"], e["first"], e["last"], e["code"], e["params"], when
            )
    for origin, digest, number, first, last, noticed in store.tuples(
        "SELECT origin, hash, number, first_seq, last_seq, noticed_at FROM sync_fork_segment"
    ):
        when = _moment_of(str(noticed))
        if when is not None:  # one per branch: the header's hash tells them apart
            key = (str(origin), int(number), int(first), "forked", str(digest))
            found[key] = RefusedSegment(
                str(origin), int(number), int(first), int(last), "forked", {"branch": digest}, when
            )
    return [found[k] for k in sorted(found)]


def _moment_of(text: str) -> datetime | None:
    """A stored UTC time, or None when it is not one."""
    try:
        return from_db(text)
    except ValueError:
        return None


def _trust_notes(
    store: Store, device: str, trust: list[findings.Finding], notes: list[Notice]
) -> list[Notice]:
    """What the trust findings say of one laptop (``peer_alarms``, ``peer_back_dated``,
    ``peer_clocks_apart``, ``peer_clock_ahead``)."""
    found = []
    alarms = sum(1 for f in trust if f.device == device and f.kind == "witness")
    if alarms:
        found.append(notice("peer_alarms", count=alarms))
    if any(f.device == device and f.kind == "back_dated" for f in trust):
        found.append(notice("peer_back_dated"))
    if any(f.device == device and f.kind == "clocks_apart" for f in trust):
        found.append(notice("peer_clocks_apart"))
    flagged = store.one(
        "SELECT detail FROM sync_flag WHERE kind = 'clock_ahead' AND origin = ?"
        " ORDER BY noticed_at DESC LIMIT 1",
        (device,),
    )
    if (
        flagged is not None
        and str(flagged[0]).isdigit()
        and not any(n.code == "peer_clock_day_ahead" for n in notes)
    ):
        found.append(notice("peer_clock_ahead", ahead_ms=int(flagged[0])))
    return found


def peers(store: Store) -> list[Peer]:
    """The team's other laptops as this one knows them.

    Args:
        store: the database.

    Returns:
        One ``Peer`` per other device in the roster, in the roster's order.

    Raises:
        BadInput: the device is in no team.
    """
    team = rosters.require_team(store)
    own = capture.last_seq(store.conn, store.device_id)
    found = []
    now_ms = epoch_ms(store.now())  # the sync clock's wall part
    quarantined = dict(store.tuples("SELECT origin, count(*) FROM sync_quarantine GROUP BY origin"))
    trust = [
        *findings.witness_alarms(store),
        *findings.back_dated(store),
        *findings.clocks_apart(store),
        *findings.clock_ahead(store),
    ]
    waiting = {w.device: w for w in kept.deferred(store)}
    refused = refused_segments(store)
    for device in team.devices:
        if device["id"] == store.device_id:
            continue
        received = store.one(
            "SELECT max(at) FROM sync_bundle WHERE direction = 'received' AND peer = ?",
            (device["id"],),
        )
        sent = store.one(
            "SELECT max(at) FROM sync_bundle WHERE direction = 'sent' AND receipt LIKE ?",
            (f'%"{device["id"]}"%',),
        )
        author = store.one(
            "SELECT l.actor FROM sync_log l JOIN sync_origin o ON o.id = l.origin "
            "WHERE o.device = ? ORDER BY l.seq DESC LIMIT 1",
            (device["id"],),
        )
        ack = store.one(
            "SELECT seq FROM sync_peer_ack WHERE peer = ? AND origin = ?",
            (device["id"], store.device_id),
        )
        acknowledged = int(ack[0]) if ack else 0
        skew = store.one("SELECT hlc FROM sync_skew WHERE origin = ?", (device["id"],))
        notes: list[Notice] = []
        if skew and hlc_wall_ms(int(skew[0])) > now_ms + DAY_MS:
            notes.append(notice("peer_clock_day_ahead", stamped=clock_moment(int(skew[0]))))
        count = waiting[device["id"]].limited if device["id"] in waiting else 0
        if count > kept.MAX_DEFERRED_PER_ORIGIN:  # those waiting for the clock do not count
            notes.append(notice("peer_over_limit", count=count, limit=kept.MAX_DEFERRED_PER_ORIGIN))
        mine = tuple(r for r in refused if r.device == device["id"])
        notes += [r.as_notice(str(device["label"])) for r in mine]
        warnings = notes + _trust_notes(store, device["id"], trust, notes)
        found.append(
            Peer(
                device["id"],
                device["label"],
                device["role"],
                device["status"],
                from_db(sent[0]) if sent and sent[0] else None,
                from_db(received[0]) if received and received[0] else None,
                acknowledged,
                max(own - acknowledged, 0),
                warnings,
                int(quarantined.get(device["id"], 0)),
                waiting[device["id"]].count if device["id"] in waiting else 0,
                waiting[device["id"]].since if device["id"] in waiting else None,
                str(author[0]) if author else "",
                rosters.enrolled_at(device),
                mine,
            )
        )
    return found


def last_sent(store: Store) -> datetime | None:
    """When this laptop last sent a bundle (aware UTC), or None.

    Returns:
        The latest ``at`` of a sent bundle as an aware UTC ``datetime``, or None before the first.
    """
    row = store.one("SELECT max(at) FROM sync_bundle WHERE direction = 'sent'")
    return from_db(row[0]) if row and row[0] else None


class Head(NamedTuple):
    """One of a conflict's concurrent values.

    Attributes:
        ref: the change that wrote it (``origin/seq``).
        value: the value as stored (a time as stored UTC text, a level as a number).
        device: the laptop that wrote it (device id).
        actor: the person who wrote it (callsign).
        at: when it was written (aware UTC; the change's clock).
    """

    ref: str
    value: Any
    device: str
    actor: str
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        """As JSON values: ``at`` as stored UTC text.

        Returns:
            ``ref``, ``value``, ``device``, ``actor`` as they are and ``at`` as stored UTC text
            (``2026-12-01T07:00:00Z``).
        """
        return {**self._asdict(), "at": to_db(self.at)}


def _heads(text: str) -> list[Head]:
    return [
        Head(str(h["ref"]), h["value"], str(h["device"]), str(h["actor"]), from_db(str(h["at"])))
        for h in json.loads(text)
    ]


@dataclass(frozen=True)
class Conflict:
    """Concurrent edits of a critical field, kept side by side until a person resolves them.

    Attributes:
        id: the conflict's id (the same on every laptop).
        table, row_id, column: the field.
        heads: the concurrent values, the one shown first.
        detected_at: when it was detected (aware UTC).
        resolved_at: when it was resolved (aware UTC), or None.
        resolved_by, resolution: who resolved it and how, or None.
        label: the record in words (an activity's title and subject, a code name).
    """

    id: str
    table: str
    row_id: str
    column: str
    heads: list[Head]
    detected_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    label: str

    def moment(self, value: Any) -> datetime | None:
        """A value of this conflict's field as an aware UTC datetime, where the field is a time
        (an ``…_at`` column: its values are stored UTC text), so no face reads stored text.

        Args:
            value: one of its heads' values, or its resolution.

        Returns:
            The moment; None for another field, or a value that is not a stored time.
        """
        if not self.column.endswith("_at") or not isinstance(value, str):
            return None
        try:
            return from_db(value)
        except ValueError:
            return None


def list_conflicts(store: Store, *, include_resolved: bool = False) -> list[Conflict]:
    """Sync conflicts: critical fields that two laptops changed concurrently, with their heads.

    Args:
        store: the database.
        include_resolved: also the resolved ones.

    Returns:
        The conflicts, oldest detected first (``detected_at``/``resolved_at`` aware UTC), each
        labelled with its activity's title and subject, or subject code.
    """
    where = "" if include_resolved else "WHERE c.resolved_at IS NULL"
    rows = store.query(
        "SELECT c.*, COALESCE(a.title || ' (' || s.code || ')', x.code, c.row_id) AS label"
        " FROM sync_conflict c"
        " LEFT JOIN activity a ON c.table_name = 'activity' AND a.id = c.row_id"
        " LEFT JOIN subject s ON s.id = a.subject_id"
        " LEFT JOIN subject x ON c.table_name = 'subject' AND x.id = c.row_id"
        f" {where} ORDER BY c.detected_at, c.id"
    )
    return [
        Conflict(
            r["id"],
            r["table_name"],
            r["row_id"],
            r["column_name"],
            _heads(r["heads"]),
            from_db(r["detected_at"]),
            from_db(r["resolved_at"]) if r["resolved_at"] else None,
            r["resolved_by"],
            r["resolution"],
            r["label"],
        )
        for r in rows
    ]


def count_open(store: Store) -> int:
    """How many sync conflicts are not resolved.

    Returns:
        The number of conflicts with no ``resolved_at`` (0 when none).
    """
    row = store.one("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")
    return int(row[0]) if row else 0


def get_conflict(store: Store, text: str) -> Conflict:
    """One sync conflict, resolved or not.

    Args:
        store: the database.
        text: its id or a unique prefix of at least 8 characters.

    Returns:
        The ``Conflict``: the field, its heads, when it was detected and, once resolved, when (aware
        UTC), by whom and how.

    Raises:
        NotFound: no such conflict.
        BadInput: the prefix matches more than one.
    """
    wanted = resolve_id(store, "sync_conflict", text, "conflict")
    for conflict in list_conflicts(store, include_resolved=True):
        if conflict.id == wanted:
            return conflict
    raise BadInput(  # pragma: no cover - resolve_id found it
        code="no_conflict", given=validate.visible(str(text))
    )


def _resolver(store: Store, resolved_by: str) -> tuple[str, str]:
    """Who resolved a conflict and on which device, as ``sync conflicts`` and the roster name
    them: the callsign and the device's label ("callsign@device id" as stored; fix17r), the
    id's start when the roster does not list it."""
    actor, _at, origin = resolved_by.partition("@")
    team = rosters.current(store)
    entry = team.device(origin) if team is not None and origin else None
    if entry is not None:
        return actor, str(entry["label"])
    return actor, origin[:8]


def resolve(
    store: Store, text: str, *, choose: int | None = None, value: str | None = None
) -> Conflict:
    """Resolve a sync conflict by choosing one of the concurrent values or entering another.

    The value goes through the same store function as an edit (times parsed and range-checked,
    R1, R3 and R4 for a concept, an assessment for a threat level), and the field is written as
    having seen every concurrent value, so the conflict closes on every laptop the resolution
    reaches. One transaction.

    Args:
        store: the database; the actor needs the right to edit the table
            (``RESOLVE_PERMISSION``).
        text: the conflict's id or a unique prefix.
        choose: which head's value: 1 = the one shown, 2 = the other, …
        value: a value to enter instead (exactly one of ``choose`` and ``value``); a time
            as ``clock.parse_time`` takes it, or a bare ``HH:MM`` on the local day of the value
            shown first.

    Returns:
        The conflict, resolved.

    Raises:
        NotFound: no such conflict.
        BadInput: already resolved; neither or both of choose and value; a number out of range;
            a conflict about a row's existence; a value the edit refuses.
        RuleViolation: the value breaks a rule (R1, R3, R4…).
        PermissionDenied: the actor may not edit that table.
    """
    detail: dict[str, object] = {"choose": choose, "value": value}
    with store.write("sync.resolve", None, detail) as conn:  # one transaction, nested writes
        conflict = get_conflict(store, text)
        store.target(conflict.id)
        if conflict.resolved_at is not None:
            by, device = _resolver(store, conflict.resolved_by or "")
            raise BadInput(
                code="conflict_resolved_already",
                conflict=conflict.id[:8],
                by=by,
                device=device,
            )
        if (choose is None) == (value is None):
            raise BadInput(code="resolve_needs_one_value")
        writer = _WRITERS.get((conflict.table, conflict.column))
        if writer is None:
            raise BadInput(
                code="conflict_on_existence" if conflict.column == "" else "conflict_not_here",
                table=conflict.table,
                field=conflict.column,
            )
        if (conflict.table, conflict.column) == ("subject", "threat_level"):
            detail["in_force"] = _level_in_force(conn, conflict.row_id)
        if choose is not None:
            if not 1 <= choose <= len(conflict.heads):
                raise BadInput(code="conflict_choice_out_of_range", count=len(conflict.heads))
            _write_kept(conn, (store, writer), conflict, conflict.heads[choose - 1].value, False)
        else:
            _write_kept(conn, (store, writer), conflict, value, True)
        store.seal()  # sealing the written field is what closes the conflict
        if get_conflict(store, conflict.id).resolved_at is None:  # the value was there already
            capture.touch(conn, conflict.table, json.dumps([conflict.row_id]), conflict.column)
        if "in_force" in detail:  # lowering a level in force is a person's recorded decision
            now = _level_in_force(conn, conflict.row_id)
            detail.update({"now": now, "lowered": _lower(now, detail["in_force"])})
    return get_conflict(store, conflict.id)


def _level_in_force(conn: sqlite3.Connection, subject_id: str) -> object:
    """A subject's threat level as it is in force here (R2; the higher one of an open
    threat-level conflict, R1)."""
    row = conn.execute("SELECT threat_level FROM subject WHERE id = ?", (subject_id,)).fetchone()
    return None if row is None else row[0]


def _lower(now: object, before: object) -> bool:
    return isinstance(now, int) and isinstance(before, int) and now < before


def _write_kept(
    conn: sqlite3.Connection,
    writer: tuple[Store, Callable[[Store, Conflict, object, bool], None]],
    conflict: Conflict,
    value: object,
    typed: bool,
) -> None:
    """The chosen value written; the value the row holds already is a decision too: the edit
    writes no field change (``nothing_changed``) and the conflict is closed all the same — for
    a time or place with a correction that keeps it, as every laptop needs one with the field
    (R5)."""
    store, write = writer
    try:
        write(store, conflict, value, typed)
    except BadInput as refused:
        if refused.code not in ("nothing_changed", "post_unchanged"):
            raise
        if conflict.column in ("start_at", "end_at", "location"):
            from ..agenda import get_activity, insert_correction

            now = get_activity(store, conflict.row_id)
            place = (to_db(now.start_at), to_db(now.end_at), now.location)
            insert_correction(conn, store, now.id, place, place, _correction(conflict))
        # sealed with the correction, in one batch: the field written as having seen every head
        capture.touch(conn, conflict.table, json.dumps([conflict.row_id]), conflict.column)


def _moment(store: Store, conflict: Conflict, value: object, typed: bool, name: str) -> datetime:
    """A time as the edit takes it: typed (the store's parser; a bare ``HH:MM`` on the local day
    of the value shown first, as a form takes a bare time on its own day), or as stored; in
    range."""
    if not typed:
        return from_db(validate.stored_time(value, name))
    shown = conflict.moment(conflict.heads[0].value) if conflict.heads else None
    try:
        if shown is not None:
            moment = _on_shown_day(str(value), local(shown), store)
        else:
            moment = parse_time(str(value), store.clock)
    except (ValueError, OverflowError):  # an offset or a date the parser cannot represent
        raise BadInput(code="conflict_not_a_time", given=validate.visible(str(value))) from None
    return validate.moment(moment, name)


def _on_shown_day(text: str, shown: datetime, store: Store) -> datetime:
    """A typed time, a bare ``HH:MM`` on the local day of the value shown (the form names that
    day). On the autumn night a bare time in the repeated hour takes the shown value's offset
    (the 02:xx the person is looking at) instead of being refused as ambiguous (fix17m)."""
    try:
        return parse_time_on(text, shown.date(), store.clock)
    except BadInput as refused:
        bare = validate.trimmed(text)
        if refused.code != "repeated_local_time" or not _BARE_TIME.match(bare):
            raise
        offset = shown.isoformat()[-6:]  # "+01:00": local() is Europe/Amsterdam, never Z
        return parse_time(f"{shown.date().isoformat()}T{bare}{offset}", store.clock)


def _correction(conflict: Conflict) -> str:
    """The reason recorded with a time or place chosen between concurrent edits (R5).

    Data on purpose (issue 15): it becomes ``activity_correction.reason``, a synced free-text
    field whose other values are people's own reasons (``--correction REASON``), shown as kept
    on every laptop, older versions too; a code there would reach them as a bare code. It names
    the conflict by id, so a reader finds it in ``sync conflicts`` and the audit trail."""
    return f"Sync conflict {conflict.id[:8]} resolved (concurrent edits on two laptops)."


def _start(store: Store, conflict: Conflict, value: object, typed: bool) -> None:
    from ..agenda import edit_activity

    edit_activity(
        store,
        conflict.row_id,
        start=_moment(store, conflict, value, typed, "start"),
        correction=_correction(conflict),
    )


def _end(store: Store, conflict: Conflict, value: object, typed: bool) -> None:
    from ..agenda import edit_activity

    edit_activity(
        store,
        conflict.row_id,
        end=_moment(store, conflict, value, typed, "end"),
        correction=_correction(conflict),
    )


def _location(store: Store, conflict: Conflict, value: object, _typed: bool) -> None:
    from ..agenda import edit_activity

    edit_activity(
        store,
        conflict.row_id,
        location=validate.text(value, "location"),
        correction=_correction(conflict),
    )


def _concept(store: Store, conflict: Conflict, value: object, _typed: bool) -> None:
    from ..agenda import assign_concept

    if value is None or not str(value).strip():
        raise BadInput(code="conflict_needs_concept")
    assign_concept(store, conflict.row_id, str(value).strip())


def _post_concept(store: Store, conflict: Conflict, value: object, _typed: bool) -> None:
    from ..posts import assign_post_concept

    if value is None or not str(value).strip():
        raise BadInput(code="conflict_needs_concept")
    assign_post_concept(store, conflict.row_id, str(value).strip())


def _assess(store: Store, conflict: Conflict, chosen: object, typed: bool) -> None:
    from ..subjects import MAX_LEVEL, assess_threat, subject_by_id

    if typed:  # the parser of ``threat assess --level``: ASCII digits only (README input table)
        level = validate.plain_whole_text(str(chosen), "threat_level", low=0, high=MAX_LEVEL)
    else:  # a value a laptop recorded: an integer, or refused as the bundle's fault
        level = validate.integer(chosen, "threat_level", low=0, high=MAX_LEVEL)
    subject = subject_by_id(store, conflict.row_id)
    # No summary: the program's English would be saved into a synced record for good; the
    # conflict record names who resolved it, when, and the levels it chose between.
    assess_threat(store, subject.code, level=level)


_WRITERS: dict[tuple[str, str], Callable[[Store, Conflict, object, bool], None]] = {
    ("activity", "start_at"): _start,
    ("activity", "end_at"): _end,
    ("activity", "location"): _location,
    ("activity", "concept"): _concept,
    ("standing_post", "concept"): _post_concept,
    ("subject", "threat_level"): _assess,
}


def release_late(store: Store, device: str, seq: int) -> late.Hold:
    """An admin releases the change set held as late that holds ``device``'s change ``seq``
    (``late.record_release``); it is judged again here at once, and on every other laptop
    when this laptop's next bundle brings the release.

    Args:
        device: the device's id, its label or a prefix of its id.
        seq: the number of one of the held change set's changes.

    Returns:
        The hold released.

    Raises:
        PermissionDenied: the acting person is no admin.
        NotFound: no such device, or no such hold.
        BadInput: this laptop is in no team (``roster.require_team``).
        clashes.Unsettled: the database refused to settle a clash the released changes
            brought (an ``IntegrityFailure``); nothing released.
    """
    hold = late.record_release(store, device, seq)
    apply.rejudge(store, hold.origin, hold.seq - 1)
    return hold
