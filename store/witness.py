"""The audit trail is witnessed: each laptop's chain head travels signed, and peers keep it.

A laptop's own audit chain (``store/audit.py``) shows edits and gaps, but not a cut-off tail or
a chain rewritten with consistent hashes: the person with the file can do both. So its head
(sequence number and hash) leaves the laptop, signed, in every bundle manifest, together with
the heads the sender has witnessed of other laptops, and inside every signed handover. Each
laptop keeps the heads it has seen per device (``audit_witness``, local).

- ``audit verify`` checks this laptop's chain against every head of it a peer or a handover
  witnessed (``check_own``): once anyone has seen the head, truncation or a rewrite is caught.
- An import flags a peer whose head went backwards (a later bundle, by the peer's own signed,
  hash-chained change log, with a lower head) or changed at a witnessed sequence number, and a
  relayed head of this laptop that its chain no longer holds: a warning on the receipt and an
  ``audit.witness_alarm`` event in the trail. The import itself goes on (the changes were
  judged on their own merits).
- A signed handover that arrives is recorded with its content hash in an audit event
  (``handover.received``); ``handover show`` checks the content against it.

Called from the exporter (``manifest_fields``) and from the import's transaction
(``observe``), after the bundle was verified.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .db import append_audit
from .errors import IntegrityFailure
from .validate import json_document

if TYPE_CHECKING:
    from .db import Store

_HASH = re.compile(r"^[0-9a-f]{64}$")
#: Audit actions that record a signed handover's content hash (detail "sha256").
HANDOVER_RECORDS = ("handover.sign", "handover.received")


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


def own_head(conn: sqlite3.Connection) -> Head | None:
    row = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else Head(int(row[0]), str(row[1]))


def _parse(value: object) -> Head | None:
    """A head from a manifest or handover; anything malformed is ignored, never a crash."""
    if not isinstance(value, dict):
        return None
    seq, digest = value.get("seq"), value.get("hash")
    if type(seq) is not int or seq < 1 or not isinstance(digest, str) or not _HASH.match(digest):
        return None
    return Head(seq, digest)


# Export ----------------------------------------------------------------------------------------


def manifest_fields(conn: sqlite3.Connection, me: str) -> dict[str, Any]:
    """``audit_head`` (this laptop's) and ``witnessed`` (the highest head seen of each other
    device), for the signed manifest of a bundle."""
    head = own_head(conn)
    witnessed = {
        device: Head(int(seq), str(digest)).as_dict()
        for device, seq, digest in conn.execute(
            "SELECT device, seq, hash FROM audit_witness w WHERE device != ? AND seq ="
            " (SELECT max(seq) FROM audit_witness WHERE device = w.device) GROUP BY device",
            (me,),
        )
    }
    for device, seq, digest in conn.execute(  # and what others saw of this laptop
        "SELECT device, seq, hash FROM audit_witness WHERE device = ? ORDER BY seq DESC LIMIT 1",
        (me,),
    ):
        witnessed[device] = Head(int(seq), str(digest)).as_dict()
    return {"audit_head": head.as_dict() if head else None, "witnessed": witnessed}


def handover_head(store: Store) -> dict[str, Any] | None:
    """The signer laptop's head, for a handover's frozen content."""
    head = own_head(store.conn)
    return None if head is None else {"device": store.device_id, **head.as_dict()}


# Import ----------------------------------------------------------------------------------------


def observe(
    store: Store, conn: sqlite3.Connection, manifest: dict[str, Any], names: dict[str, str]
) -> list[str]:
    """Keep the heads a verified bundle carries, record the signed handovers it brought, and
    return the alarms (also written to the audit trail). Inside the import's transaction."""
    me, now = store.device_id, store.now()
    sender = str(manifest["sender"])
    vector = manifest.get("vector") or {}
    position = vector.get(sender) if type(vector.get(sender)) is int else None
    alarms: list[tuple[str, str]] = []
    head = _parse(manifest.get("audit_head"))
    if head is not None:
        alarms += [(sender, a) for a in _judge(conn, sender, head, position, names)]
        _keep(conn, sender, head, sender, position, now)
    witnessed = manifest.get("witnessed")
    for device, value in witnessed.items() if isinstance(witnessed, dict) else []:
        seen = _parse(value)
        if seen is None or not isinstance(device, str) or device == sender:
            continue
        if device == me:
            held = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seen.seq,))
            row = held.fetchone()
            if row is None or row[0] != seen.hash:
                alarms.append(
                    (
                        me,
                        f"this laptop's audit trail no longer holds event {seen.seq} as "
                        f"{names.get(sender, sender)} witnessed it; run `schildwacht audit "
                        "verify`",
                    )
                )
        else:
            alarms += [(device, a) for a in _judge(conn, device, seen, None, names)]
        _keep(conn, device, seen, sender, None, now)
    importer = store.user or "system"
    for handover_id, digest, device, content in conn.execute(
        "SELECT id, content_hash, device, content FROM handover WHERE device != ? AND id NOT IN"
        " (SELECT target FROM audit_event WHERE action IN (?, ?) AND target IS NOT NULL)",
        (me, *HANDOVER_RECORDS),
    ).fetchall():
        append_audit(
            conn,
            now,
            importer,
            device,
            "handover.received",
            handover_id,
            {"sha256": digest, "via": sender},
        )
        embedded = _embedded_head(content)
        if embedded is not None and embedded[0] != me:
            signer, signed = embedded
            alarms += [(signer, a) for a in _judge(conn, signer, signed, None, names)]
            _keep(conn, signer, signed, f"handover:{handover_id}", None, now)
    for device, alarm in alarms:
        append_audit(conn, now, importer, device, "audit.witness_alarm", device, {"alarm": alarm})
    return [alarm for _device, alarm in alarms]


def _embedded_head(content: str) -> tuple[str, Head] | None:
    try:
        value = json_document(content, "a handover's content").get("audit_head")
    except (ValueError, AttributeError):
        return None
    head = _parse(value)
    device = value.get("device") if isinstance(value, dict) else None
    return (device, head) if head is not None and isinstance(device, str) else None


def _judge(
    conn: sqlite3.Connection,
    device: str,
    head: Head,
    position: int | None,
    names: dict[str, str],
) -> list[str]:
    name = names.get(device, device)
    alarms = []
    changed = conn.execute(
        "SELECT via FROM audit_witness WHERE device = ? AND seq = ? AND hash != ? LIMIT 1",
        (device, head.seq, head.hash),
    ).fetchone()
    if changed is not None:
        alarms.append(
            f"{name}'s audit trail changed: event {head.seq} differs from the one witnessed "
            "before; its history was rewritten"
        )
    if position is not None:
        later = conn.execute(
            "SELECT max(seq) FROM audit_witness WHERE device = ? AND via = ? AND position < ?"
            " AND seq > ?",
            (device, device, position, head.seq),
        ).fetchone()[0]
        if later is not None:
            alarms.append(
                f"{name}'s audit trail went backwards: it reported event {later} before and "
                f"now ends at {head.seq}; its newest events were removed"
            )
    return alarms


def _keep(
    conn: sqlite3.Connection,
    device: str,
    head: Head,
    via: str,
    position: int | None,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO audit_witness (device, seq, hash, via, position, seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (device, head.seq, head.hash, via, position, now),
    )


# Verification ------------------------------------------------------------------------------------


def witnessed_count(store: Store) -> int:
    """How many heads of this laptop's chain peers or handovers have witnessed."""
    row = store.one("SELECT count(*) FROM audit_witness WHERE device = ?", (store.device_id,))
    return int(row[0]) if row is not None else 0


def labels(store: Store) -> dict[str, str]:
    """Device id → label, from the team roster (for sentences)."""
    from .sync.roster import current

    roster = current(store)
    return {} if roster is None else {d["id"]: d["label"] for d in roster.devices}


def check_own(store: Store) -> int:
    """Check this laptop's chain against every head of it that was witnessed; return how many
    heads were checked, or raise ``IntegrityFailure`` naming the first that does not hold."""
    rows = store.tuples(
        "SELECT w.seq, w.hash, w.via, a.hash FROM audit_witness w"
        " LEFT JOIN audit_event a ON a.seq = w.seq WHERE w.device = ? ORDER BY w.seq DESC",
        (store.device_id,),
    )
    last = store.one("SELECT max(seq) FROM audit_event")
    end = int(last[0] or 0) if last is not None else 0
    names = labels(store)
    for seq, digest, via, held in rows:
        who = f"signed handover {via[9:22]}" if via.startswith("handover:") else names.get(via, via)
        if held is None:
            raise IntegrityFailure(
                f"Audit trail cut short: {who} witnessed event {seq} of this laptop, but the "
                f"trail ends at event {end}; its newest events were removed."
            )
        if held != digest:
            raise IntegrityFailure(
                f"Audit trail rewritten: event {seq} differs from the one {who} witnessed; "
                "the history of this laptop was changed after it was seen."
            )
    return len(rows)


def check_handover(store: Store, handover_id: str, digest: str) -> None:
    """A signed handover's hash must be the one its audit event recorded when it was signed
    here or arrived here; raise ``IntegrityFailure`` otherwise."""
    rows = store.tuples(
        "SELECT detail FROM audit_event WHERE target = ? AND action IN (?, ?)",
        (handover_id, *HANDOVER_RECORDS),
    )
    recorded = set()
    for (detail,) in rows:
        try:
            recorded.add(json_document(detail, "an audit event").get("sha256"))
        except (ValueError, AttributeError):
            continue
    if not recorded:
        raise IntegrityFailure(
            f"Handover {handover_id[:13]} is not in the audit trail (no event recorded its "
            "signature when it was signed or arrived); it was put in the database outside "
            "Schildwacht."
        )
    if digest not in recorded:
        raise IntegrityFailure(
            f"Handover {handover_id[:13]} does not match the hash the audit trail recorded when "
            "it was signed or arrived; its content was rewritten after signing."
        )
