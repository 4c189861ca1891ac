"""A laptop restored from a backup, that learns from the team that its own changes went further
than the copy holds: it takes them back in and numbers its new changes after the team's copy.

A backup (``db.backup_database``) notes in the copy how far this laptop's own changes went when
it was made (``BACKUP_SEQ``). After a restore from it, the README says to import the team's
newest bundle before working. When that bundle's sender holds more of this laptop's own changes
than the copy (its version vector), and nothing was written here since the restore, those
numbers are the team's: this laptop notes the gap (``GAP``: held, team) and

- numbers its new changes after the team's copy (``next_after``), never reusing a number;
- cuts no segment of its own while the gap is open (it cannot chain to a segment it does not
  hold), says so on every export, and tells the team, in its version vector, how far it holds
  its own changes (``held``), so the team sends them back (``sync_peer_ack`` lowered);
- takes its own changes in when they come back (``fresh``), as any received change, and closes
  the gap; its next export cuts the segment that follows the team's copy.

When something was written here after the restore before the team's copy was seen, the
laptop's history really forks there: the fork is proven and cut where it is (``forks``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Mapping

from . import log
from .change import Run

#: In a backup copy: how far this laptop's own changes went when the copy was made.
BACKUP_SEQ = "sync_backup_seq"
#: In a backup copy: how far its audit trail went when it was made (``witness``: a laptop
#: restored from it declares its trail restored at that event).
BACKUP_AUDIT = "sync_backup_audit"
#: After a restore: {"held": the last own number held here, "team": the last the team holds}.
GAP = "sync_restored_gap"


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (key, value),
    )


def gap(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """(the last own number held here, the last the team holds) while the team holds own
    changes this laptop does not; None otherwise.

    Returns:
        ``(held, team)`` sequence numbers of this laptop's own changes, ``team > held``; None when
        there is no gap (or the kept value does not read).
    """
    text = _meta(conn, GAP)
    if text is None:
        return None
    try:
        found = json.loads(text)
        held, team = int(found["held"]), int(found["team"])
    except (ValueError, KeyError, TypeError):
        return None
    return (held, team) if team > held else None


def notice(conn: sqlite3.Connection, me: str, vector: Mapping[str, object]) -> None:
    """A received manifest's version vector: when it holds more of this laptop's own changes
    than this restored copy, and nothing was written here since the restore, open the gap.

    Args:
        me: this device's id.
        vector: the manifest's version vector: device id → highest sequence number held.
    """
    try:
        theirs = int(vector.get(me, 0))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return
    current = gap(conn)
    if current is not None:
        if theirs > current[1]:
            _set(conn, GAP, json.dumps({"held": current[0], "team": theirs}))
        return
    backup = _meta(conn, BACKUP_SEQ)
    if backup is None or not backup.isdigit():
        return
    last = log.last_seq(conn, me)
    if last != int(backup):  # written since the restore: a fork, proven and cut elsewhere
        conn.execute("DELETE FROM meta WHERE key = ?", (BACKUP_SEQ,))
        return
    if theirs > last:
        _set(conn, GAP, json.dumps({"held": last, "team": theirs}))


def next_after(conn: sqlite3.Connection, last: int) -> int:
    """The number this laptop's next own change follows: after the team's copy while the gap
    is open.

    Args:
        last: the highest number of this laptop's own changes held here.

    Returns:
        A sequence number: ``last``, or the team's last own number when the gap is open and it is
        higher.
    """
    found = gap(conn)
    return max(last, found[1]) if found is not None else last


def held(conn: sqlite3.Connection, me: str) -> int | None:
    """How far this laptop holds its own changes without a hole (its version vector's entry),
    or None when there is no gap.

    Args:
        me: this device's id.

    Returns:
        The last own sequence number before the hole, or None.
    """
    found = gap(conn)
    return None if found is None else found[0]


def fresh(conn: sqlite3.Connection, runs: list[Run]) -> tuple[list[Run], Counter[str]]:
    """Of a segment of this laptop's own changes that came back, the records of the gap (to
    take in), and per table how many others it holds (known here already).

    Args:
        runs: the segment's runs of this laptop's own changes.

    Returns:
        ``(taken, known)``: the runs cut to the gap's numbers, and table → count of records outside
        it.
    """
    found = gap(conn)
    low, high = found if found is not None else (0, 0)
    taken: list[Run] = []
    known: Counter[str] = Counter()
    for run in runs:
        first, last = max(run.seq, low + 1), min(run.last, high)
        if first <= last:
            taken.append(run.part(first, last))
        known[run.tbl] += len(run.cols) - max(0, last - first + 1)
    return taken, known


def close_if_filled(conn: sqlite3.Connection, me: str) -> None:
    """Close the gap once every own record of it is held here.

    Args:
        me: this device's id.
    """
    found = gap(conn)
    if found is None:
        return
    low, high = found
    held_count = sum(len(r.cols) for r in log.read(conn, me, low + 1, high))
    if held_count >= high - low:
        conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (GAP, BACKUP_SEQ))
