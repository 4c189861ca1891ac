"""Changes that arrive late for a role their author has lost since: held for an admin.

A person's role is judged as it was when they made a change (``judge.RoleBook``), so a laptop
whose operator was demoted could keep acting with the old role by keeping its clock back: its
changes are stamped before the demotion, however late they arrive. The rule (SYNC.md, *Roles
and clocks*): a change set that needs a permission its author's role allowed when it was
stamped but no longer allows (the author lost it by a later role change), that reaches a laptop
more than ``ALLOWANCE_MS`` after the stamp of that role change while the laptop already held the
role change, is **held**: quarantined there, with a reason, for an admin to decide.

Only the team's admin laptop (the signed roster's ``admin_device``) decides holds: it holds
such a change set on its first arrival there and says so, signed in every manifest it sends
(``late_holds``: the change set's origin, clock and first number). Every other laptop applies a
late change set as any other and takes it out when the admin laptop's hold reaches it (judged
again); holds in any other laptop's manifest are ignored, so no member can hold (or keep
held) another's change set. A hold counts only where the data shows its author lost, after
the change set's stamp, a role it needed (``judge.Author.may``): even the admin laptop cannot
take out the work of someone never demoted. Holds are kept per origin device, at most
``MAX_HOLDS_PER_ORIGIN`` each: one more is refused, never pushing another out. An admin
releases a hold (``status.release_late``); the release travels in the admin laptop's manifests
and the change set is judged again as any other. Whatever order the role change, the hold and
the change set arrive in, each import judges the held change sets again once all is taken in
(``held_sets``), so every laptop ends alike.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..db import Store
from ..errors import BadInput, NotFound, PermissionDenied
from .judge import ALLOWANCE_MS as ALLOWANCE_MS
from .judge import MAX_HOLDS_PER_ORIGIN

_HOLDS = "sync_late_holds"
_RELEASED = "sync_late_released"


@dataclass(frozen=True, order=True)
class Hold:
    """A change set held: its origin device, clock and first sequence number."""

    origin: str
    hlc: int
    seq: int

    def as_dict(self) -> dict[str, Any]:
        """The hold as JSON values.

        Returns:
            ``{"origin": device id, "hlc": stamp, "seq": sequence number}``.
        """
        return {"origin": self.origin, "hlc": self.hlc, "seq": self.seq}


def _parse(value: object) -> Hold | None:
    if not isinstance(value, dict):
        return None
    origin, hlc, seq = value.get("origin"), value.get("hlc"), value.get("seq")
    if not isinstance(origin, str) or len(origin) > 64 or type(hlc) is not int:
        return None
    if type(seq) is not int or seq < 1 or hlc < 0:
        return None
    return Hold(origin, hlc, seq)


def _read(conn: sqlite3.Connection, key: str) -> list[Hold]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    try:
        found = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return sorted({h for h in map(_parse, found if isinstance(found, list) else []) if h})


def _write(conn: sqlite3.Connection, key: str, holds: Iterable[Hold]) -> None:
    kept = sorted(set(holds))
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (key, json.dumps([h.as_dict() for h in kept], sort_keys=True)),
    )


def held(conn: sqlite3.Connection) -> set[tuple[str, int]]:
    """The change sets (origin, clock) held and not released.

    Returns:
        ``(origin device id, hybrid logical clock stamp)`` per change set held; empty when none.
    """
    released = set(_read(conn, _RELEASED))
    return {(h.origin, h.hlc) for h in _read(conn, _HOLDS) if h not in released}


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Origin device → how many holds of its change sets are kept here.

    Returns:
        Device id → number of holds kept (released ones included); devices with none are absent.
    """
    return dict(Counter(h.origin for h in _read(conn, _HOLDS)))


def keep(conn: sqlite3.Connection, holds: Iterable[Hold]) -> list[Hold]:
    """Add holds, at most ``MAX_HOLDS_PER_ORIGIN`` per origin device (the first ones in
    order; more are refused, none kept is pushed out); return the ones new here.

    Args:
        holds: the holds, in order.

    Returns:
        The holds added now, sorted; the ones held already and the ones over the limit are not in
        it.
    """
    before = _read(conn, _HOLDS)
    room = Counter({origin: MAX_HOLDS_PER_ORIGIN for origin in {h.origin for h in holds}})
    room.subtract(Counter(h.origin for h in before))
    new: list[Hold] = []
    for hold in sorted(set(holds) - set(before)):
        if room[hold.origin] > 0:
            room[hold.origin] -= 1
            new.append(hold)
    if new:
        _write(conn, _HOLDS, [*before, *new])
    return new


def _declared(found: object, devices: Iterable[str]) -> list[Hold]:
    """The well-formed holds of a manifest field naming a device of the roster (at most
    ``MAX_HOLDS_PER_ORIGIN`` per device read)."""
    known = set(devices)
    if not isinstance(found, list):
        return []
    holds = [h for h in map(_parse, found[: MAX_HOLDS_PER_ORIGIN * len(known)]) if h]
    return [h for h in holds if h.origin in known]


def take(
    conn: sqlite3.Connection,
    manifest: Mapping[str, Any],
    sender_is_admin: bool,
    devices: Iterable[str],
) -> list[Hold]:
    """The holds and releases a verified manifest of the team's admin laptop declares (any
    other laptop's are ignored: only the admin laptop decides holds), of change sets of the
    roster's ``devices``; return the change sets whose hold changed here (to be judged
    again).

    Args:
        manifest: the verified manifest.
        sender_is_admin: whether its sender is the team's admin laptop.
        devices: the roster's device ids.

    Returns:
        The ``Hold`` values new here or newly released (empty when the sender is not the admin
        laptop).
    """
    if not sender_is_admin:
        return []
    known = list(devices)
    changed = keep(conn, _declared(manifest.get("late_holds"), known))
    before = _read(conn, _RELEASED)
    released = [h for h in _declared(manifest.get("late_released"), known) if h not in before]
    if released:
        _write(conn, _RELEASED, [*before, *released])
        changed += released
    return changed


def held_sets(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """The change sets held and not released that this laptop holds records of, as (origin,
    first number): judged again at the end of an import (a role change taken in with or
    after its hold counts for them).

    Returns:
        ``(origin device id, first sequence number)`` per held change set with records here.
    """
    released = set(_read(conn, _RELEASED))
    wanted = [h for h in _read(conn, _HOLDS) if h not in released]
    found = []
    for hold in wanted:
        row = conn.execute(
            "SELECT 1 FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
            " WHERE o.device = ? AND l.seq <= ? AND l.seq + l.n > ? AND l.hlc = ?",
            (hold.origin, hold.seq, hold.seq, hold.hlc),
        ).fetchone()
        if row is not None:
            found.append((hold.origin, hold.seq))
    return found


def manifest_field(conn: sqlite3.Connection) -> dict[str, Any]:
    """For the signed manifest: ``late_holds`` and ``late_released`` held here (none: no
    field).

    Returns:
        ``late_holds`` and ``late_released`` as lists of ``Hold.as_dict()``, each key only when it
        has any; ``{}`` when none.
    """
    holds, released = _read(conn, _HOLDS), _read(conn, _RELEASED)
    return {
        **({"late_holds": [h.as_dict() for h in holds]} if holds else {}),
        **({"late_released": [h.as_dict() for h in released]} if released else {}),
    }


def record_release(store: Store, origin: str, seq: int) -> Hold:
    """On the team's admin laptop, a person who may manage the team releases the held change
    set that holds ``origin``'s change number ``seq`` (``origin``: the device's id, its label or
    a prefix of its id): every laptop judges it again as any change (its author's role when it
    was stamped); ``status.release_late`` judges it again here at once.

    Args:
        origin: the device's id, its label or a prefix of its id.
        seq: the number of one of the held change set's changes.

    Returns:
        The hold released.

    Raises:
        PermissionDenied: not the admin laptop, or a person who may not manage the team.
        NotFound: no such device in the roster, or no such hold.
        BadInput: ``late_released_already``, that change set was released before.
    """
    with store.write("sync.release_late", origin, {"seq": seq}, require="team.manage") as conn:
        from . import roster as rosters

        team = rosters.current(store)
        if team is None or team.data.get("admin_device") != store.device_id:
            raise PermissionDenied(bound="laptop", code="release_needs_admin")
        origin = str(rosters.find_device(team, origin)["id"])
        found = [h for h in _read(conn, _HOLDS) if h.origin == origin and h.seq <= seq]
        runs = conn.execute(
            "SELECT l.hlc FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
            " WHERE o.device = ? AND l.seq <= ? AND l.seq + l.n > ?",
            (origin, seq, seq),
        ).fetchone()
        hold = next((h for h in found if runs is not None and h.hlc == runs[0]), None)
        if hold is None:
            raise NotFound(code="no_late_hold", seq=seq)
        before = _read(conn, _RELEASED)
        if hold in before:
            raise BadInput(code="late_released_already", seq=seq)
        _write(conn, _RELEASED, [*before, hold])
    return hold
