"""Changes that arrive late for a role their author has lost since: held for an admin.

A person's role is judged as it was when they made a change (``judge.RoleBook``), so a laptop
whose operator was demoted could keep acting with the old role by keeping its clock back: its
changes are stamped before the demotion, however late they arrive. The rule (SYNC.md, *Roles
and clocks*): a change set that needs a permission its author's role allowed when it was
stamped but no longer allows (the author lost it by a later role change), that reaches a laptop
more than ``ALLOWANCE_MS`` after the stamp of that role change while the laptop already held the
role change, is **held**: quarantined there, with a reason, for an admin to decide.

The laptop that holds it says so, signed in every manifest it sends (``late_holds``: the change
set's origin, clock and first number), and every laptop that receives the hold quarantines the
same change set (judged again, taken out where it was applied): the outcome depends on the
held changes and holds only, so every laptop decides the same. A hold names only change sets
that need a lost role: a hold of anything else changes nothing. An admin releases a hold
(``status.release_late``); the release travels in the admin laptop's manifests and the change
set is judged again as any other.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..db import Store
from ..errors import NotFound, PermissionDenied
from .judge import ALLOWANCE_MS as ALLOWANCE_MS

#: Holds and releases declared per manifest (the latest ones).
MAX_HOLDS = 256
_HOLDS = "sync_late_holds"
_RELEASED = "sync_late_released"


@dataclass(frozen=True, order=True)
class Hold:
    """A change set held: its origin device, clock and first sequence number."""

    origin: str
    hlc: int
    seq: int

    def as_dict(self) -> dict[str, Any]:
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
    kept = sorted(set(holds))[-MAX_HOLDS:]
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (key, json.dumps([h.as_dict() for h in kept], sort_keys=True)),
    )


def held(conn: sqlite3.Connection) -> set[tuple[str, int]]:
    """The change sets (origin, clock) held and not released."""
    released = set(_read(conn, _RELEASED))
    return {(h.origin, h.hlc) for h in _read(conn, _HOLDS) if h not in released}


def keep(conn: sqlite3.Connection, holds: Iterable[Hold]) -> list[Hold]:
    """Add holds; return the ones new here."""
    before = _read(conn, _HOLDS)
    new = sorted(set(holds) - set(before))
    if new:
        _write(conn, _HOLDS, [*before, *new])
    return new


def take(
    conn: sqlite3.Connection, manifest: Mapping[str, Any], sender_is_admin: bool
) -> list[Hold]:
    """The holds (and, from an admin's laptop, the releases) a verified manifest declares;
    return the change sets whose hold changed here (to be judged again)."""
    found = manifest.get("late_holds")
    holds = [h for h in map(_parse, found[:MAX_HOLDS] if isinstance(found, list) else []) if h]
    changed = keep(conn, holds)
    gone = manifest.get("late_released")
    if sender_is_admin and isinstance(gone, list):
        before = _read(conn, _RELEASED)
        released = [h for h in map(_parse, gone[:MAX_HOLDS]) if h and h not in before]
        if released:
            _write(conn, _RELEASED, [*before, *released])
            changed += released
    return changed


def manifest_field(conn: sqlite3.Connection) -> dict[str, Any]:
    """For the signed manifest: ``late_holds`` and ``late_released`` held here (none: no
    field)."""
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

    Raises:
        PermissionDenied: not the admin laptop, or a person who may not manage the team.
        NotFound: no such device in the roster, or no such hold.
    """
    with store.write("sync.release_late", origin, {"seq": seq}, require="team.manage") as conn:
        from . import roster as rosters

        team = rosters.current(store)
        if team is None or team.data.get("admin_device") != store.device_id:
            raise PermissionDenied(
                "Only the team's admin laptop releases a change held as late.",
                bound="laptop",
                code="release_needs_admin",
            )
        origin = str(rosters.find_device(team, origin)["id"])
        found = [h for h in _read(conn, _HOLDS) if h.origin == origin and h.seq <= seq]
        runs = conn.execute(
            "SELECT l.hlc FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
            " WHERE o.device = ? AND l.seq <= ? AND l.seq + l.n > ?",
            (origin, seq, seq),
        ).fetchone()
        hold = next((h for h in found if runs is not None and h.hlc == runs[0]), None)
        if hold is None:
            raise NotFound(
                f"No held change number {seq} of that laptop.", code="no_late_hold", seq=seq
            )
        before = _read(conn, _RELEASED)
        if hold not in before:
            _write(conn, _RELEASED, [*before, hold])
    return hold
