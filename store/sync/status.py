"""What sync looks like from here: per-peer status, open conflicts, and resolving one.

Resolving writes the chosen value through the ordinary rules (R1 holds: a concept below the
required level is refused) and seals it as a record that saw every concurrent value, so the
conflict closes on every device the resolution reaches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import access
from ..clock import to_db
from ..db import Store, resolve_id
from ..errors import BadInput
from . import capture
from . import roster as rosters
from .capture import DAY_MS, hlc_wall_ms

#: Who may resolve a conflict on each table: the people who may edit it.
RESOLVE_PERMISSION = {
    "activity": "activity.write",
    "deployment": "staff.write",
    "subject": "subject.write",
}


@dataclass(frozen=True)
class Peer:
    device: str
    label: str
    role: str
    status: str
    last_sent: str | None
    last_received: str | None
    acknowledged: int
    not_acknowledged: int
    warning: str


def peers(store: Store) -> list[Peer]:
    team = rosters.require_team(store)
    own = capture.last_seq(store.conn, store.device_id)
    found = []
    now_ms = store.now_ms()
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
        ack = store.one(
            "SELECT seq FROM sync_peer_ack WHERE peer = ? AND origin = ?",
            (device["id"], store.device_id),
        )
        acknowledged = int(ack[0]) if ack else 0
        skew = store.one("SELECT hlc FROM sync_skew WHERE origin = ?", (device["id"],))
        warning = ""
        if skew and hlc_wall_ms(int(skew[0])) > now_ms + DAY_MS:
            ahead = datetime.fromtimestamp(hlc_wall_ms(int(skew[0])) / 1000, UTC)
            warning = f"clock ahead: stamped {to_db(ahead)}"
        found.append(
            Peer(
                device["id"],
                device["label"],
                device["role"],
                device["status"],
                sent[0] if sent else None,
                received[0] if received else None,
                acknowledged,
                max(own - acknowledged, 0),
                warning,
            )
        )
    return found


def last_sent(store: Store) -> str | None:
    row = store.one("SELECT max(at) FROM sync_bundle WHERE direction = 'sent'")
    return row[0] if row else None


@dataclass(frozen=True)
class Conflict:
    id: str
    table: str
    row_id: str
    column: str
    heads: list[dict[str, Any]]
    detected_at: str
    resolved_at: str | None
    resolved_by: str | None
    resolution: str | None
    label: str


def list_conflicts(store: Store, *, include_resolved: bool = False) -> list[Conflict]:
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
            json.loads(r["heads"]),
            r["detected_at"],
            r["resolved_at"],
            r["resolved_by"],
            r["resolution"],
            r["label"],
        )
        for r in rows
    ]


def count_open(store: Store) -> int:
    row = store.one("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")
    return int(row[0]) if row else 0


def get_conflict(store: Store, text: str) -> Conflict:
    wanted = resolve_id(store, "sync_conflict", text, "conflict")
    for conflict in list_conflicts(store, include_resolved=True):
        if conflict.id == wanted:
            return conflict
    raise BadInput(f"No conflict {text}.")  # pragma: no cover - resolve_id found it


def resolve(
    store: Store, text: str, *, choose: int | None = None, value: str | None = None
) -> Conflict:
    """Resolve by choosing one of the concurrent values (1 = the one shown, 2 = the other, …)
    or entering another; the choice is written like any edit and closes the conflict."""
    conflict = get_conflict(store, text)
    if conflict.resolved_at is not None:
        raise BadInput(
            f"Conflict {conflict.id[:8]} was already resolved by {conflict.resolved_by}."
        )
    access.require(store.actor, RESOLVE_PERMISSION.get(conflict.table, "team.manage"))
    if (choose is None) == (value is None):
        raise BadInput("Choose one of the values (--choose N) or enter one (--value TEXT).")
    if choose is not None:
        if not 1 <= choose <= len(conflict.heads):
            raise BadInput(f"Choose a value between 1 and {len(conflict.heads)}.")
        chosen: object = conflict.heads[choose - 1]["value"]
    else:
        chosen = value
    pk = json.dumps([conflict.row_id])
    if conflict.column == "":
        raise BadInput("A conflict about a row's existence is resolved by editing the row.")
    if conflict.column == "threat_level":
        _assess(store, conflict, chosen)  # a threat level changes only with an assessment (R2)
        if get_conflict(store, conflict.id).resolved_at is not None:
            return get_conflict(store, conflict.id)
    with store.write("sync.resolve", conflict.id, {"value": chosen}) as conn:
        conn.execute(
            f"UPDATE {conflict.table} SET {conflict.column} = ? WHERE id = ?",
            (chosen, conflict.row_id),
        )
        capture.touch(conn, conflict.table, pk, conflict.column)
    return get_conflict(store, conflict.id)


def _assess(store: Store, conflict: Conflict, chosen: object) -> None:
    from ..subjects import assess_threat, subject_by_id

    try:
        level = int(str(chosen))
    except ValueError:
        raise BadInput(f"A threat level is a number, not {chosen!r}.") from None
    subject = subject_by_id(store, conflict.row_id)
    values = " / ".join(str(h["value"]) for h in conflict.heads)
    assess_threat(
        store,
        subject.code,
        level=level,
        summary=f"Sync conflict {conflict.id[:8]} resolved: level {level} (was {values}).",
    )
