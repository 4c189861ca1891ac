"""The audit trail (R9): every user action through the store is an append-only event (who,
which device, when, what, and every changed row before and after — captured by per-connection
TEMP triggers, see ``Store._install_capture``; at most 50 rows are written out per event and the
rest counted) in a SHA-256 hash chain.

``verify_audit`` recomputes every hash from the stored fields, so an event that was edited,
removed or reordered breaks the chain even when the attacker first dropped the table's
triggers. It names the first broken link. Removing the newest events, or rewriting the whole
chain with consistent hashes, leaves a chain that is consistent in itself: so it is also checked
against every head of it that a peer or a signed handover witnessed (``witness.check_own``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from . import access, fingerprint, machine, validate, witness
from .clock import with_times
from .db import GENESIS_HASH, Store, audit_hash
from .errors import IntegrityFailure

#: A listing shows at most this many events at once.
MAX_LIST = 1_000_000

#: Events whose detail only a reader with the permission may see (need to know, rev20b): the
#: event itself (who, when, what, which id) is listed for everyone, its detail is withheld.
#: A name ending in ``.`` is a prefix of actions.
NEED_TO_KNOW: dict[str, str] = {
    "care.": "care.read",
    "household.": "care.read",
    "person.experience": "experience.read",
}


def withheld_from(actor: access.Actor, action: str) -> bool:
    """Whether an event's detail is withheld from ``actor`` (``NEED_TO_KNOW``).

    Args:
        actor: whoever reads (``Store.actor``).
        action: the event's action (``care.record``).

    Returns:
        True when the action needs a read permission the actor lacks.
    """
    for name, permission in NEED_TO_KNOW.items():
        if (action.startswith(name) if name.endswith(".") else action == name) and not access.may(
            actor, permission
        ):
            return True
    return False


@dataclass(frozen=True)
class AuditEvent:
    """One event of the hash-chained audit trail (R9).

    Attributes:
        seq: its place in the chain (1, 2, 3 …).
        at: when (aware UTC).
        actor: who acted (callsign).
        device: on which laptop (device id).
        action: what, e.g. ``activity.add``.
        target: the id it concerns, or None.
        detail: the event's detail as the JSON text that was hashed.
        hash: its SHA-256 over the previous hash and its fields.
        withheld: the detail is withheld from this reader (``NEED_TO_KNOW``): ``detail`` is
            empty.
    """

    seq: int
    at: datetime
    actor: str
    device: str
    action: str
    target: str | None
    detail: str
    hash: str
    withheld: bool = False


def list_audit(store: Store, *, limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    """The audit trail, newest first. The detail of an event the reader has no need to know
    (care, household, experience: ``NEED_TO_KNOW``) is withheld, the event itself listed.

    Args:
        store: the database.
        limit: how many events at most, 1 to 1,000,000.
        action: only actions matching this name; ``*`` matches any run of characters
            (``"signal.*"``).

    Returns:
        The events, ``at`` aware UTC, highest ``seq`` first.

    Raises:
        BadInput: a limit out of range.
    """
    validate.integer(limit, "limit", low=1, high=MAX_LIST)
    where, params = "", []
    if action:
        where = " WHERE action LIKE ?"
        params.append(action.replace("*", "%"))
    rows = store.query(
        "SELECT seq, at, actor, device, action, target, detail, hash FROM audit_event"
        f"{where} ORDER BY seq DESC LIMIT ?",
        [*params, limit],
    )
    events = [AuditEvent(**with_times(r, "at")) for r in rows]
    return [
        replace(e, detail="", withheld=True) if withheld_from(store.actor, e.action) else e
        for e in events
    ]


def verify_audit(store: Store) -> int:
    """Walk the chain; return the number of events, or raise naming the first broken link.

    Args:
        store: the open database.

    Returns:
        The number of events in the trail.

    Raises:
        IntegrityFailure: ``audit_event_missing``, ``audit_event_out_of_order`` or
            ``audit_event_edited``; ``database_damaged`` for a file cut short.
    """
    if cut := machine.cut_short(store.path):  # a missing byte is no edited event (rev14p)
        where = f"the database {validate.shown(str(store.path), limit=machine.PATH_SHOWN)}"
        raise machine.damaged(where, **cut)
    previous = GENESIS_HASH
    expected_seq = None
    count = 0
    for row in store.tuples(
        "SELECT seq, at, actor, device, action, target, detail, prev_hash, hash"
        " FROM audit_event ORDER BY seq"
    ):
        seq, at, actor, device, action, target, detail, prev_hash, digest = row
        if expected_seq is not None and seq != expected_seq:
            raise IntegrityFailure(code="audit_event_missing", expected_seq=expected_seq, seq=seq)
        if prev_hash != previous:
            raise IntegrityFailure(code="audit_event_out_of_order", seq=seq, action=action, at=at)
        if audit_hash(prev_hash, at, actor, device, action, target, detail) != digest:
            raise IntegrityFailure(code="audit_event_edited", seq=seq, action=action, at=at)
        previous = digest
        expected_seq = seq + 1
        count += 1
    witness.check_own(store)
    fingerprint.check(store.conn, str(store.path))
    return count
