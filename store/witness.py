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

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .clock import to_db
from .db import append_audit, short_id
from .errors import IntegrityFailure
from .sync.notice import Notice, notice
from .validate import json_document

if TYPE_CHECKING:
    from datetime import datetime

    from .db import Store

_HASH = re.compile(r"^[0-9a-f]{64}\Z")
#: At most this many disputed heads (two versions of one event) are passed on per bundle.
MAX_DISPUTED = 64
#: The audit action of an alarm about a device's audit trail (target: that device).
ALARM_ACTION = "audit.witness_alarm"
#: Audit actions that record a signed handover's content hash (detail "sha256").
HANDOVER_RECORDS = ("handover.sign", "handover.received")


@dataclass(frozen=True)
class Head:
    """The head of an audit chain: the last event's sequence number and hash."""

    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """The head as JSON values.

        Returns:
            ``{"seq": event number, "hash": its hex SHA-256}``.
        """
        return {"seq": self.seq, "hash": self.hash}


def own_head(conn: sqlite3.Connection) -> Head | None:
    """The head of this database's audit chain, or None before its first event.

    Returns:
        The ``Head`` (event number, hash) of the highest-numbered audit event, or None.
    """
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


# Signed heads -----------------------------------------------------------------------------------

#: The meta key prefix of the heads of a device signed by that device (a JSON list).
SIGNED_KEY = "witness_signed:"
#: Signed heads kept per device: its highest ones, and every disputed one (two versions).
KEEP_SIGNED = 8


def statement(device: str, head: Head, sent_at: int | None) -> bytes:
    """What a laptop signs about its own head: a relayed claim about it counts only with this
    signature (a member cannot put words about another laptop's trail in its own manifest).

    Args:
        device: the laptop's id.
        head: its head.
        sent_at: its clock (a hybrid logical clock stamp) when it sent the head, or None.

    Returns:
        The canonical bytes signed.
    """
    from .sync.bundle import canonical

    return canonical({"audit_head": {"device": device, **head.as_dict()}, "sent_at": sent_at})


def _signed_by(device: str, head: Head, value: object, keys: dict[str, str]) -> bool:
    """Whether a relayed head carries ``device``'s own signature of it."""
    from .sync.bundle import verified

    if not isinstance(value, dict) or device not in keys:
        return False
    sent, sig = value.get("sent_at"), value.get("sig")
    if (sent is not None and type(sent) is not int) or not isinstance(sig, str):
        return False
    try:
        signature = bytes.fromhex(sig)
    except ValueError:
        return False
    return verified(keys[device], signature, statement(device, head, sent))


def _keep_signed(
    conn: sqlite3.Connection, device: str, head: Head, sent: int | None, sig: str
) -> None:
    """Keep a head its device signed, to pass on: the highest ones and the disputed ones."""
    kept = _signed(conn, device)
    entry = {**head.as_dict(), "sent_at": sent, "sig": sig}
    if entry in kept:
        return
    kept.append(entry)
    versions: dict[int, set[str]] = {}
    for one in kept:
        versions.setdefault(int(one["seq"]), set()).add(str(one["hash"]))
    disputed = [e for e in kept if len(versions[int(e["seq"])]) > 1]
    highest = sorted(
        (e for e in kept if e not in disputed),
        key=lambda e: (int(e["seq"]), e.get("sent_at") or 0),
    )[-KEEP_SIGNED:]
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (SIGNED_KEY + device, json.dumps([*disputed[:MAX_DISPUTED], *highest], sort_keys=True)),
    )


def _signed(conn: sqlite3.Connection, device: str) -> list[dict[str, Any]]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SIGNED_KEY + device,)).fetchone()
    try:
        found = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _signature_of(conn: sqlite3.Connection, device: str, head: Head) -> dict[str, Any]:
    """The device's own signature of this head (with the clock it signed), or nothing."""
    for entry in reversed(_signed(conn, device)):
        if entry.get("seq") == head.seq and entry.get("hash") == head.hash:
            return {"sent_at": entry.get("sent_at"), "sig": entry.get("sig")}
    return {}


#: The meta key of the signed manifests that showed a laptop's trail cut or rewritten.
EVIDENCE_KEY = "witness_evidence"
#: Evidence kept and passed on (the first ones: one is enough to raise the alarm).
MAX_EVIDENCE = 8


def _keep_evidence(conn: sqlite3.Connection, signed: tuple[bytes, bytes]) -> None:
    """Keep a manifest whose own signed head and links showed its sender's trail cut or
    rewritten: passed on, it lets every laptop check the same thing for itself."""
    kept = _evidence(conn)
    entry = {"manifest": signed[0].decode(), "sig": signed[1].hex()}
    if entry in kept or len(kept) >= MAX_EVIDENCE:
        return
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (EVIDENCE_KEY, json.dumps([*kept, entry], sort_keys=True)),
    )


def _evidence(conn: sqlite3.Connection) -> list[dict[str, str]]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (EVIDENCE_KEY,)).fetchone()
    try:
        found = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _checked_evidence(value: object, keys: dict[str, str]) -> dict[str, Any] | None:
    """A passed-on manifest, read, when its sender's signature holds; None otherwise."""
    from .sync.bundle import verified

    if not isinstance(value, dict):
        return None
    try:
        body = str(value["manifest"]).encode()
        signature = bytes.fromhex(str(value["sig"]))
        manifest = json_document(body, "a manifest", max_depth=8)
    except (KeyError, ValueError, TypeError):
        return None
    device = manifest.get("sender") if isinstance(manifest, dict) else None
    if not isinstance(device, str) or device not in keys:
        return None
    return manifest if verified(keys[device], signature, body) else None


# Restores --------------------------------------------------------------------------------------

#: The meta key prefix of a device's declared restores (a JSON list of {seq, hash, at}).
RESTORES_KEY = "witness_restores:"
#: Restores declared per manifest and kept per device (the latest ones).
MAX_RESTORES = 8
#: The audit action of the notice that a device's trail was restored from a backup (detail:
#: its ``label`` and ``kept_up_to``, the last event the restored trail holds).
RESTORE_ACTION = "audit.witness_restore"


@dataclass(frozen=True)
class Restore:
    """A device's audit trail restored from a backup: it holds its events up to ``seq``
    (``hash``) as before; the events after it that were witnessed before ``at`` (the device's
    clock when it declared the restore; None until its first export since) are gone."""

    seq: int
    hash: str
    at: int | None
    sig: str | None = field(default=None, compare=False)  # the device's own, to pass it on

    def excuses(self, seq: int, position: int | None) -> bool:
        """Whether a witnessed head (its number, the device's clock when it sent it) belongs to
        the trail lost with the restore: after the backup's event, sent before the restore.

        Args:
            seq: the witnessed head's event number.
            position: the device's clock (a hybrid logical clock stamp) when it sent that
                head, or None.

        Returns:
            True when the head lies after this restore's event and was sent before the restore (or
            either clock is unknown); False for a head at or before it.
        """
        if seq <= self.seq:
            return False
        return self.at is None or position is None or position < self.at


def restores(conn: sqlite3.Connection, device: str) -> list[Restore]:
    """The restores of ``device``'s trail known here (declared by it, or this laptop's own).

    Args:
        device: the device id.

    Returns:
        The ``Restore`` records kept in ``meta`` that read (malformed ones skipped); empty when
        none.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (RESTORES_KEY + device,)).fetchone()
    try:
        found = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return [r for r in map(_restore, found if isinstance(found, list) else []) if r is not None]


def _restore(value: object) -> Restore | None:
    if not isinstance(value, dict):
        return None
    seq, digest, at = value.get("seq"), value.get("hash"), value.get("at")
    if type(seq) is not int or seq < 0 or not isinstance(digest, str):
        return None
    if (seq > 0 and not _HASH.match(digest)) or (at is not None and type(at) is not int):
        return None
    sig = value.get("sig")
    return Restore(seq, digest, at, sig if isinstance(sig, str) and len(sig) <= 256 else None)


def restore_statement(device: str, restore: Restore) -> bytes:
    """What a laptop signs about a restore of its own trail (so others may pass it on).

    Args:
        device: the laptop's id.
        restore: the restore.

    Returns:
        The canonical bytes signed.
    """
    from .sync.bundle import canonical

    return canonical(
        {
            "audit_restore": {
                "device": device,
                "seq": restore.seq,
                "hash": restore.hash,
                "at": restore.at,
            }
        }
    )


def _restore_signed(device: str, restore: Restore, keys: dict[str, str]) -> bool:
    from .sync.bundle import verified

    if restore.sig is None or device not in keys:
        return False
    try:
        signature = bytes.fromhex(restore.sig)
    except ValueError:
        return False
    return verified(keys[device], signature, restore_statement(device, restore))


def _set_restores(conn: sqlite3.Connection, device: str, kept: list[Restore]) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (
            RESTORES_KEY + device,
            json.dumps([r.__dict__ for r in kept[-MAX_RESTORES:]], sort_keys=True),
        ),
    )


def _excused(found: list[Restore], seq: int, position: object) -> bool:
    at = position if type(position) is int else None
    return any(r.excuses(seq, at) for r in found)


def recognise_restore(conn: sqlite3.Connection, me: str) -> None:
    """A database restored from a backup copy (its marker, ``BACKUP_AUDIT``) declares its trail
    restored at the copy's last event: the events after it that peers witnessed are lost, not
    rewritten. Its first export since fixes when (``seal_restore``).

    Args:
        me: this device's id.
    """
    from .sync.restored import BACKUP_AUDIT

    row = conn.execute("SELECT value FROM meta WHERE key = ?", (BACKUP_AUDIT,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM meta WHERE key = ?", (BACKUP_AUDIT,))
    try:
        seq = int(row[0])
    except (TypeError, ValueError):
        return
    held = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()
    if seq > 0 and held is None:
        return  # the copy does not hold the event it names: no restore to declare
    digest = str(held[0]) if held is not None else ""
    _set_restores(conn, me, [*restores(conn, me), Restore(seq, digest, None)])


def _seal_restore(
    conn: sqlite3.Connection, me: str, clock: int, sign: Callable[[bytes], bytes] | None
) -> list[dict[str, Any]]:
    """This laptop's restores, the pending one dated ``clock`` (its first export since), each
    signed so that other laptops may pass it on."""
    found = restores(conn, me)
    if any(r.at is None or (r.sig is None and sign is not None) for r in found):
        sealed = []
        for r in found:
            dated = Restore(r.seq, r.hash, clock if r.at is None else r.at, r.sig)
            if dated.sig is None and sign is not None:
                signature = sign(restore_statement(me, dated)).hex()
                dated = Restore(dated.seq, dated.hash, dated.at, signature)
            sealed.append(dated)
        found = sealed
        _set_restores(conn, me, found)
    return [r.__dict__ for r in found]


def _relayed_restores(conn: sqlite3.Connection, me: str) -> dict[str, list[dict[str, Any]]]:
    """The signed restores of other laptops' trails kept here, to pass on."""
    found: dict[str, list[dict[str, Any]]] = {}
    for (name,) in conn.execute(
        "SELECT key FROM meta WHERE key > ? AND key < ? ORDER BY key",
        (RESTORES_KEY, RESTORES_KEY + "\uffff"),
    ).fetchall():
        device = str(name)[len(RESTORES_KEY) :]
        signed = [r.__dict__ for r in restores(conn, device) if r.sig is not None]
        if device != me and signed:
            found[device] = signed
    return found


def _declared(
    conn: sqlite3.Connection,
    manifest: dict[str, Any],
    sender: str,
    names: dict[str, str],
    keys: dict[str, str],
    context: tuple[str, str, datetime],
) -> None:
    """Keep the restores a sender declares in its signed manifest (each dated no later than the
    manifest itself), and those of other laptops it passes on (each with that laptop's own
    signature): each agreeing with the events of that trail witnessed here up to its point
    (else it is no restore, and the rewrite is judged as one). Each is noted once in the audit
    trail. ``context``: this laptop, the importing person, now."""
    me = context[0]
    sent = manifest.get("sent_at")

    def in_time(restore: Restore) -> bool:
        return type(sent) is int and restore.at is not None and restore.at <= sent

    _take_restores(conn, sender, manifest.get("audit_restores"), names, context, in_time)
    passed = manifest.get("witnessed_restores")
    for device, value in passed.items() if isinstance(passed, dict) else []:
        if not isinstance(device, str) or device in (me, sender):
            continue

        def signed(restore: Restore, by: str = device) -> bool:
            return _restore_signed(by, restore, keys)

        _take_restores(conn, device, value, names, context, signed)


def _take_restores(
    conn: sqlite3.Connection,
    device: str,
    value: object,
    names: dict[str, str],
    context: tuple[str, str, datetime],
    trusted: Callable[[Restore], bool],
) -> None:
    _me, importer, now = context
    kept = restores(conn, device)
    for entry in value[:MAX_RESTORES] if isinstance(value, list) else []:
        found = _restore(entry)
        if found is None or found.at is None or not trusted(found):
            continue
        if found in kept:
            continue
        differs = conn.execute(
            "SELECT 1 FROM audit_witness WHERE device = ? AND seq = ? AND hash != ?",
            (device, found.seq, found.hash),
        ).fetchone()
        if differs is not None:
            continue
        kept.append(found)
        _set_restores(conn, device, kept)
        name = names.get(device, device)
        append_audit(
            conn,
            now,
            importer,
            device,
            RESTORE_ACTION,
            device,
            {"label": name, "kept_up_to": found.seq},  # the events after it are gone
        )


# Export ----------------------------------------------------------------------------------------


def manifest_fields(
    conn: sqlite3.Connection,
    me: str,
    peers: list[str],
    clock: int,
    sign: Callable[[bytes], bytes] | None = None,
) -> dict[str, Any]:
    """For the signed manifest of a bundle: ``audit_head`` (this laptop's), ``witnessed`` (the
    highest head seen of each other device), ``audit_links`` (this laptop's chain from the
    oldest head any peer may have witnessed up to the head, so each can check that the new
    head still descends from what it saw) and ``sent_at`` (this laptop's clock: which of its
    bundles is newer, also when nothing changed between them). ``sign`` signs this laptop's
    head (``audit_head_sig``); each relayed head carries its own device's signature where this
    laptop holds it (receivers take no head of a laptop without that laptop's signature).

    Args:
        me: this device's id.
        peers: the other devices' ids.
        clock: this laptop's clock now (a hybrid logical clock stamp).
        sign: signs with this device's key, or None (nothing signed).

    Returns:
        A JSON-ready dict: ``audit_head`` (``Head.as_dict()`` or None), ``audit_head_sig`` (hex)
        when signed, ``witnessed`` (device id → head, with any ``disputed`` heads), ``audit_links``,
        ``sent_at`` (the clock stamp), and ``witness_evidence``, ``audit_restores``,
        ``witnessed_restores`` only when there are any.
    """
    head = own_head(conn)
    witnessed: dict[str, dict[str, Any]] = {}
    lost: dict[str, list[Restore]] = {}
    for device, seq, digest, sent in conn.execute(  # the highest head seen of each device,
        "SELECT device, seq, hash, position FROM audit_witness"  # and of this laptop
        " ORDER BY device, seq DESC, position DESC"
    ):
        if device in witnessed:
            continue
        if device not in lost:
            lost[device] = restores(conn, device)
        if _excused(lost[device], int(seq), sent):
            continue  # of a trail lost with a restore: not passed on as its head
        witnessed[device] = Head(int(seq), str(digest)).as_dict()
        if device != me:  # with the device's own clock when it sent that head, where known
            witnessed[device]["sent_at"] = sent
    for device, seq, digest in conn.execute(  # the evidence of a rewrite: both versions
        "SELECT DISTINCT w.device, w.seq, w.hash FROM audit_witness w WHERE EXISTS (SELECT 1"
        " FROM audit_witness o WHERE o.device = w.device AND o.seq = w.seq AND o.hash != w.hash)"
        " ORDER BY w.device, w.seq LIMIT ?",
        (MAX_DISPUTED,),
    ):
        if device in witnessed:
            witnessed[device].setdefault("disputed", []).append({"seq": seq, "hash": digest})
    for device, value in witnessed.items():
        value.update(_signature_of(conn, device, Head(value["seq"], value["hash"])))
        for other in value.get("disputed", []):
            other.update(_signature_of(conn, device, Head(other["seq"], other["hash"])))
    recognise_restore(conn, me)
    declared = _seal_restore(conn, me, clock, sign)
    passed_on = _relayed_restores(conn, me)
    signed = {}
    if head is not None and sign is not None:
        signed = {"audit_head_sig": sign(statement(me, head, clock)).hex()}
    evidence = _evidence(conn)
    return {
        "audit_head": head.as_dict() if head else None,
        **signed,
        **({"witness_evidence": evidence} if evidence else {}),
        "witnessed": witnessed,
        "audit_links": _links(conn, me, peers, head),
        **({"audit_restores": declared} if declared else {}),
        **({"witnessed_restores": passed_on} if passed_on else {}),
        "sent_at": clock,
    }


def _links(
    conn: sqlite3.Connection, me: str, peers: list[str], head: Head | None
) -> dict[str, Any] | None:
    """The hashes of this laptop's events from the lowest head a peer reported witnessing (the
    first event when any peer has reported none: it may have seen any head) up to the head."""
    if head is None:
        return None
    lost = restores(conn, me)
    reported: dict[str, int] = {}
    for via, seq, position in conn.execute(
        "SELECT via, seq, position FROM audit_witness WHERE device = ?", (me,)
    ):
        if not _excused(lost, int(seq), position):  # not of a trail lost with a restore
            reported[via] = max(int(seq), reported.get(via, 0))
    first = min((int(reported[p]) if p in reported else 1 for p in peers), default=head.seq)
    first = max(1, min(first, head.seq))
    hashes = [
        str(r[0])
        for r in conn.execute(
            "SELECT hash FROM audit_event WHERE seq BETWEEN ? AND ? ORDER BY seq",
            (first, head.seq),
        )
    ]
    return {"from": first, "hashes": hashes}


def handover_head(store: Store) -> dict[str, Any] | None:
    """The signer laptop's head, for a handover's frozen content.

    Returns:
        ``{"device": this device's id, "seq", "hash"}``, or None before the first audit event.
    """
    head = own_head(store.conn)
    return None if head is None else {"device": store.device_id, **head.as_dict()}


# Import ----------------------------------------------------------------------------------------


def observe(
    store: Store,
    conn: sqlite3.Connection,
    manifest: dict[str, Any],
    names: dict[str, str],
    keys: dict[str, str],
    as_signed: tuple[bytes, bytes] | None = None,
) -> list[Notice]:
    """Keep the heads a verified bundle carries, record the signed handovers it brought, and
    return the alarms (also written to the audit trail). Inside the import's transaction.
    ``keys`` (device → signing key, from the roster) check that each head another laptop's is
    said to be was signed by that laptop: a claim without its signature is not taken, and one
    with a false signature is an alarm against the sender. ``as_signed`` (the manifest as signed,
    and its signature) is kept as evidence when it shows its sender's trail cut or rewritten,
    and passed on; evidence another laptop passed on is checked here the same way.

    Args:
        manifest: the verified manifest.
        names: device id → label, for the alarms.
        keys: device id → its Ed25519 public key (base64), from the roster.
        as_signed: the manifest as signed and its signature, or None.

    Returns:
        The new alarms, as facts (each also written to the audit trail).
    """
    me, moment = store.device_id, store.now()
    now = to_db(moment)  # as the witness rows keep it
    sender = str(manifest["sender"])
    recognise_restore(conn, me)
    if sender != me:
        _declared(conn, manifest, sender, names, keys, (me, store.user or "system", moment))
    vector = manifest.get("vector") or {}
    position = vector.get(sender) if type(vector.get(sender)) is int else None
    if type(manifest.get("sent_at")) is int:  # the sender's clock: newer even if nothing changed
        position = manifest["sent_at"]
    alarms = _own_head(conn, manifest, sender, position, names, now)
    if alarms and as_signed is not None:
        _keep_evidence(conn, as_signed)
    alarms += _passed_on(conn, manifest, sender, me, names, keys, now)
    head = _parse(manifest.get("audit_head"))
    if head is not None:
        own = {"sent_at": manifest.get("sent_at"), "sig": manifest.get("audit_head_sig")}
        if _signed_by(sender, head, own, keys):
            _keep_signed(conn, sender, head, own["sent_at"], str(own["sig"]))
    alarms += _relayed(conn, manifest, sender, me, names, keys, now)
    importer = store.user or "system"
    for handover_id, digest, device, content in conn.execute(
        "SELECT id, content_hash, device, content FROM handover WHERE device != ? AND id NOT IN"
        " (SELECT target FROM audit_event WHERE action IN (?, ?) AND target IS NOT NULL)",
        (me, *HANDOVER_RECORDS),
    ).fetchall():
        append_audit(  # the importer acted, here; the signing laptop is in the detail
            conn,
            moment,
            importer,
            me,
            "handover.received",
            handover_id,
            {"sha256": digest, "via": sender, "signed_on": device},
        )
        embedded = _embedded_head(content)
        if embedded is not None and embedded[0] != me:
            signer, signed = embedded
            alarms += [(signer, a) for a in _judge(conn, signer, signed, None, names)]
            _keep(conn, signer, signed, f"handover:{handover_id}", None, now)
    return [a for d, a in alarms if raise_alarm(conn, (moment, importer, d), d, a)]


def _passed_on(
    conn: sqlite3.Connection,
    manifest: dict[str, Any],
    sender: str,
    me: str,
    names: dict[str, str],
    keys: dict[str, str],
    now: str,
) -> list[tuple[str, Notice]]:
    """Evidence another laptop passed on: manifests whose own signed head showed a trail cut
    or rewritten, each checked here as if its sender had sent it."""
    alarms: list[tuple[str, Notice]] = []
    evidence = manifest.get("witness_evidence")
    for value in evidence[:MAX_EVIDENCE] if isinstance(evidence, list) else []:
        passed = _checked_evidence(value, keys)
        if passed is None or passed["sender"] in (sender, me):
            continue
        found = _own_head(conn, passed, str(passed["sender"]), passed.get("sent_at"), names, now)
        if found:
            alarms += found
            _keep_evidence(conn, (str(value["manifest"]).encode(), bytes.fromhex(value["sig"])))
    return alarms


def _relayed(
    conn: sqlite3.Connection,
    manifest: dict[str, Any],
    sender: str,
    me: str,
    names: dict[str, str],
    keys: dict[str, str],
    now: str,
) -> list[tuple[str, Notice]]:
    """The heads of other laptops (and of this one) the sender says it witnessed: taken only
    with their own laptop's signature."""
    alarms: list[tuple[str, Notice]] = []
    for device, value, seen, disputed in _witnessed(manifest.get("witnessed")):
        if device == sender:
            continue
        if not _signed_by(device, seen, value, keys):
            if isinstance(value, dict) and value.get("sig") is not None:
                alarms.append(
                    (
                        sender,
                        notice(
                            "alarm_unsigned_head",
                            sender=names.get(sender, sender),
                            label=names.get(device, device),
                        ),
                    )
                )
            continue  # unsigned (framing, or an older version's): not taken
        assert isinstance(value, dict)
        sent = value.get("sent_at") if type(value.get("sent_at")) is int else None
        _keep_signed(conn, device, seen, sent, str(value["sig"]))
        if device == me:
            held = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seen.seq,))
            row = held.fetchone()
            lost = _excused(restores(conn, me), seen.seq, sent)
            if (row is None or row[0] != seen.hash) and not lost:
                alarms.append((me, notice("alarm_own_trail", seq=seen.seq, **_who(sender, names))))
            _keep(conn, device, seen, sender, sent, now)
            continue
        alarms += [
            (device, a) for a in _judge(conn, device, seen, None if disputed else sent, names)
        ]
        _keep(conn, device, seen, sender, None if disputed else sent, now)
    return alarms


def _own_head(
    conn: sqlite3.Connection,
    manifest: dict[str, Any],
    device: str,
    position: object,
    names: dict[str, str],
    now: str,
) -> list[tuple[str, Notice]]:
    """Judge and keep the head a device signed in its own manifest (with its links)."""
    head = _parse(manifest.get("audit_head"))
    if head is None:
        return []
    at = position if type(position) is int else None
    alarms = [(device, a) for a in _judge(conn, device, head, at, names)]
    links = manifest.get("audit_links")
    alarms += [(device, a) for a in _check_links(conn, device, head, links, names, now)]
    _keep(conn, device, head, device, at, now)
    return alarms


#: The codes of the alarms this version raises (worded by ``words.alarms``).
ALARM_CODES = frozenset(
    {
        "alarm_unsigned_head",
        "alarm_own_trail",
        "alarm_links_broken",
        "alarm_links_rewritten",
        "alarm_links_short",
        "alarm_trail_changed",
        "alarm_trail_backwards",
        "alarm_chain_forked",
        "alarm_admin_fork",
    }
)


def raise_alarm(
    conn: sqlite3.Connection, event: tuple[datetime, str, str], target: str, alarm: Notice
) -> bool:
    """Keep an alarm in the audit trail (an ``ALARM_ACTION`` event whose detail is its code
    and params), once: an alarm raised here before is not raised again.

    Args:
        event: the audit event's time (aware UTC), actor and device.
        target: the device the alarm concerns.
        alarm: the alarm (a code of ``ALARM_CODES`` and its params, JSON values).

    Returns:
        Whether it was new (and is kept now).
    """
    detail = {"code": alarm.code, "params": alarm.params}
    body = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    if conn.execute(
        "SELECT 1 FROM audit_event WHERE action = ? AND target = ? AND detail = ? LIMIT 1",
        (ALARM_ACTION, target, body),
    ).fetchone():
        return False
    append_audit(conn, event[0], event[1], event[2], ALARM_ACTION, target, detail)
    return True


def read_alarm(detail: object) -> Notice:
    """An alarm as the audit trail keeps it: its code and params, or (kept before alarms were
    facts, or by a later version) its words as written, as ``audit_alarm``.

    Args:
        detail: the event's detail (JSON text).

    Returns:
        A ``Notice``: the kept code and params when the code is a known alarm, else ``audit_alarm``
        with the kept words (or code) as ``alarm``.
    """
    try:
        kept = json.loads(str(detail))
    except ValueError:
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    code, params = kept.get("code"), kept.get("params")
    if code in ALARM_CODES and isinstance(params, dict):
        return Notice(str(code), params)
    return notice("audit_alarm", alarm=str(kept.get("alarm", code or "")))


def _check_links(
    conn: sqlite3.Connection,
    device: str,
    head: Head,
    links: object,
    names: dict[str, str],
    now: str,
) -> list[Notice]:
    """A new head must descend from every head of that device witnessed here: its links (the
    hashes of its chain from the oldest head any peer may have seen) must hold each witnessed
    hash at its number (else the history was rewritten) and reach down to the highest one
    (else the bundle does not show that the trail still holds it)."""
    if links is None:
        return []  # a version that sends none: only the heads are compared
    name = names.get(device, device)
    chain = _parse_links(links, head)
    if chain is None:
        return [notice("alarm_links_broken", label=name)]
    first, hashes = chain
    lost = restores(conn, device)
    for seq, digest, via, position in conn.execute(
        "SELECT seq, hash, via, position FROM audit_witness WHERE device = ?"
        " AND seq BETWEEN ? AND ? ORDER BY seq",
        (device, first, head.seq),
    ).fetchall():
        if hashes[seq - first] != digest and not _excused(lost, int(seq), position):
            contradicting = Head(int(seq), hashes[seq - first])
            _keep(conn, device, contradicting, device, None, now)
            return [notice("alarm_links_rewritten", label=name, seq=seq, **_who(via, names))]
    highest = max(
        (
            int(seq)
            for seq, position in conn.execute(
                "SELECT seq, position FROM audit_witness WHERE device = ? AND seq <= ?",
                (device, head.seq),
            )
            if not _excused(lost, int(seq), position)
        ),
        default=None,
    )
    if highest is not None and int(highest) < first:
        return [notice("alarm_links_short", label=name, seq=highest)]
    return []


def _parse_links(links: object, head: Head) -> tuple[int, list[str]] | None:
    if not isinstance(links, dict):
        return None
    first, hashes = links.get("from"), links.get("hashes")
    if type(first) is not int or not isinstance(hashes, list) or not 1 <= first <= head.seq:
        return None
    if len(hashes) != head.seq - first + 1 or hashes[-1] != head.hash:
        return None
    if not all(isinstance(h, str) and _HASH.match(h) for h in hashes):
        return None
    return first, hashes


def _who(via: str, names: dict[str, str]) -> dict[str, str]:
    """Who witnessed a head, as an alarm's params: a laptop's label, or a handover's id."""
    if via.startswith("handover:"):
        return {"handover": via[9:22]}
    return {"witness": names.get(via, via)}


def _witnessed(witnessed: object) -> list[tuple[str, object, Head, bool]]:
    """(device, entry, head, disputed) of every head a manifest says its sender witnessed: the
    highest of each device, and the disputed ones (two versions of one event seen) as
    evidence."""
    found: list[tuple[str, object, Head, bool]] = []
    for device, value in witnessed.items() if isinstance(witnessed, dict) else []:
        head = _parse(value)
        if head is None or not isinstance(device, str):
            continue
        found.append((device, value, head, False))
        disputed = value.get("disputed") if isinstance(value, dict) else None
        for entry in disputed[:MAX_DISPUTED] if isinstance(disputed, list) else []:
            other = _parse(entry)
            if other is not None:
                found.append((device, entry, other, True))
    return found


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
) -> list[Notice]:
    name = names.get(device, device)
    alarms = []
    lost = restores(conn, device)
    changed = [
        via
        for via, seen_at in conn.execute(
            "SELECT via, position FROM audit_witness WHERE device = ? AND seq = ? AND hash != ?",
            (device, head.seq, head.hash),
        )
        if not _excused(lost, head.seq, seen_at)
    ]
    if changed and not _excused(lost, head.seq, position):
        alarms.append(notice("alarm_trail_changed", label=name, seq=head.seq))
    if position is not None:  # a later bundle of the device itself, with a lower head: a cut
        later = max(  # (heads it sent earlier, seen here or passed on by others)
            (
                int(seq)
                for seq, seen_at in conn.execute(
                    "SELECT seq, position FROM audit_witness WHERE device = ? AND position < ?"
                    " AND seq > ?",
                    (device, position, head.seq),
                )
                if not _excused(lost, int(seq), seen_at)
            ),
            default=None,
        )
        if later is not None:
            alarms.append(notice("alarm_trail_backwards", label=name, before=later, seq=head.seq))
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
    """How many heads of this laptop's chain peers or handovers have witnessed.

    Returns:
        The number of witnessed heads of this device kept here (0 when none).
    """
    row = store.one("SELECT count(*) FROM audit_witness WHERE device = ?", (store.device_id,))
    return int(row[0]) if row is not None else 0


def labels(store: Store) -> dict[str, str]:
    """Device id → label, from the team roster (for sentences).

    Returns:
        Device id → its label as the roster lists it; empty outside a team.
    """
    from .sync.roster import current

    roster = current(store)
    return {} if roster is None else {d["id"]: d["label"] for d in roster.devices}


def check_own(store: Store) -> int:
    """Check this laptop's chain against every head of it that was witnessed; return how many
    heads were checked, or raise ``IntegrityFailure`` naming the first that does not hold.

    Returns:
        How many witnessed heads were checked (those a declared restore excuses are not counted).

    Raises:
        IntegrityFailure: ``audit_cut_short`` (a witnessed event no longer exists) or
            ``audit_rewritten`` (it exists with another hash), naming the first such head from the
            newest down.
    """
    lost = restores(store.conn, store.device_id)
    rows = [
        (seq, digest, via, held)
        for seq, digest, via, held, position in store.tuples(
            "SELECT w.seq, w.hash, w.via, a.hash, w.position FROM audit_witness w"
            " LEFT JOIN audit_event a ON a.seq = w.seq WHERE w.device = ? ORDER BY w.seq DESC",
            (store.device_id,),
        )
        if not _excused(lost, int(seq), position)
    ]
    last = store.one("SELECT max(seq) FROM audit_event")
    end = int(last[0] or 0) if last is not None else 0
    names = labels(store)
    for seq, digest, via, held in rows:
        who = f"signed handover {via[9:22]}" if via.startswith("handover:") else names.get(via, via)
        if held is None:
            raise IntegrityFailure(code="audit_cut_short", who=who, seq=seq, end=end)
        if held != digest:
            raise IntegrityFailure(code="audit_rewritten", who=who, seq=seq)
    return len(rows)


def check_handover(store: Store, handover_id: str, digest: str) -> None:
    """A signed handover's hash must be the one its audit event recorded when it was signed
    here or arrived here; raise ``IntegrityFailure`` otherwise.

    Args:
        handover_id: the handover's id.
        digest: its content hash (64 hex digits).

    Raises:
        IntegrityFailure: another hash than the one recorded.
    """
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
    if digest in recorded:
        return
    name = short_id(store, "handover", handover_id)  # unique in the database
    if not recorded:
        raise IntegrityFailure(code="handover_not_witnessed", handover=name)
    raise IntegrityFailure(code="handover_rewritten", handover=name)
