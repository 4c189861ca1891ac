"""When a received change set was written, by its author's own clock, as far as the held log
proves it (issue 13, rev13g f2).

A change set's stamp (HLC, ``capture.next_hlc``) is ``max(last + 1, wall)``: the author's own
wall clock when it sealed (the counter part 0), or one more than the last stamp it issued or
took in from a received change (the counter above 0). Which of the two, the log shows: a stamp
of another device in the same millisecond below it, held here, is the only thing that can
have pushed it there (``observe_hlc`` takes in only the stamps of the changes it takes in,
and a laptop holding a change holds what its author held when it sent it). So:

- ``PUSHED``: another device's stamp in that millisecond, held here, and none of the
  author's own stamps of that millisecond has the counter 0 (its clock never read it): the
  author took in a stamp ahead of its clock (a fast peer's), so its own clock may have read
  up to a day less (``observe_hlc`` takes in nothing further ahead): the time it recorded is
  trusted down to a day before the stamp, and a deletion (no time recorded) is judged a day
  before it; a time recorded within that day is not named as back-dated (the author's
  clock may be right), but more than ``rules.BACKDATE_LIMIT`` before the stamp it is named
  as clocks apart (below).
- ``CONTINUED``: no other device's stamp pushed it, but it continues a stamp of the
  author's own held here (the same millisecond, a higher counter): its clock read that
  millisecond once and has gone back since (a fast clock put right, rev13n f1: an honest
  laptop keeps stamping ahead of its clock until the clock catches up) or not moved. It keeps
  the day's allowance as a pushed stamp does: an honest laptop's work is not lost.
- ``OWN``: no held stamp explains it: the author's clock read the stamp's millisecond when it
  wrote this change set. A time it records more than ``rules.SEAL_LAG`` earlier is not when
  it wrote it (raw SQL back-dating a row, rev13g f2): the change is judged by its stamp, and
  the time is named as dated back (``back_dated``) on every laptop.

The allowance never passes anything silently (rev13p, rev13q):

- a change set that passes the planning checks only because of it (judged by its stamp, as
  ``OWN``, the store refuses it: ``plan_checks.PlanFacts.passed_eased``) is taken in and
  flagged ``clocks_apart`` with the time it counts as written and its stamp, on every laptop
  that takes it in, in any order of arrival; so is a pushed or continued record whose time
  lies more than ``rules.BACKDATE_LIMIT`` before its stamp (a pushed or continued stamp is
  never named as dated back: no record tells an honest clock from a faked one);
- its author learns it too: ``sync export`` (and ``sync status``, the handover) runs the same
  judgement on the change sets it sends and says how many will be named so elsewhere.

There is no floor from the author's earlier clock readings (rev13q f1): an honest laptop whose
fast clock was put right read later times before than it reads now, exactly as a hostile one
that fakes a correction, and a floor quarantined the honest one's work on every other laptop
while it kept it (the laptops diverged); a hostile one escaped it anyway by stamping enough
change sets by hand. The trade-off, in two sentences: a hostile laptop that fakes a push or a
correction gains at most a day for what it dates back, applied on every laptop alike and named
as clocks apart on every laptop; an honest laptop whose clock ran fast and was put right, or
whose stamps a fast peer pushed, keeps its work on every laptop, named the same way (a notice,
not an accusation). A laptop whose clock ran more than a day fast and was put right still has
its work judged a day before its stamps until its clock catches up (``own_stamps_ahead`` tells
it so).

The stamps of a millisecond can arrive late: a change set held here before the stamp of
another device that pushed it (a transport lost that device's file) was judged ``OWN`` and may
have been quarantined or named as dated back. ``moved_by`` finds those change sets when the
stamp arrives, and the import judges them again (``session.judge_and_apply(again=…)``), so a
laptop ends the same whatever order it got the bundles in.

A hostile laptop cannot make a stamp of another device it never held, nor take one in that
is further than a day ahead of its own clock; a stamp it forged ahead (its HLC set by hand)
only judges it later. What it can still do is set its own wall clock (and its HLC with it)
back before it writes, as far as just after its last change set others have seen: no record
proves the time then.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from .capture import DAY_MS
from .change import COUNTER_BITS, hlc_wall_ms

At = tuple[int, str]  # (hlc, origin)

#: How far a change's stamp may run ahead of its author's own wall clock: a laptop takes in
#: stamps up to a day ahead of its clock (``capture.observe_hlc``; a stamp further ahead
#: waits), so the stamps of an honest laptop that took in a fast peer's run up to that far
#: ahead of its own clock.
PUSHED_AHEAD = timedelta(milliseconds=DAY_MS)

OWN, PUSHED, CONTINUED = "own", "pushed", "continued"


def clock_source(conn: sqlite3.Connection, at: At) -> str:
    """Where a change set's stamp came from: ``PUSHED`` (a held stamp of another device in
    that millisecond below it, and its author's clock never read that millisecond: none of
    its own stamps there has the counter 0), ``CONTINUED`` (else a held stamp of its author's
    own in that millisecond below it: its clock had gone back, or not moved, since it read
    that millisecond) or ``OWN`` (its author's clock read it).

    Args:
        conn: the open database.
        at: (hlc, origin) of the change set.

    Returns:
        ``OWN``, ``PUSHED`` or ``CONTINUED``.
    """
    hlc, origin = at
    low = hlc_wall_ms(hlc) << COUNTER_BITS
    if hlc <= low:
        return OWN
    devices = conn.execute("SELECT id, device FROM sync_origin ORDER BY id").fetchall()
    mine = next((ident for ident, device in devices if device == origin), None)
    continued = mine is not None and low <= (_latest_below(conn, mine, hlc) or -1)
    pushers = [ident for ident, device in devices if device != origin]
    if any(low <= (_latest_below(conn, ident, hlc) or -1) for ident in pushers):
        first = None if mine is None else _after(conn, mine, _latest_below(conn, mine, low, True))
        if first != low:  # its own clock never read this millisecond
            return PUSHED
    return CONTINUED if continued else OWN


def _latest_below(conn: sqlite3.Connection, ident: int, hlc: int, seq: bool = False) -> int | None:
    """A device's latest stamp below ``hlc`` (``seq``: its number instead), or None. Its
    stamps rise along its numbers (a segment whose clock runs back is refused), so a search
    by halves over the numbers finds it with a few lookups by key."""
    first, last = (
        conn.execute(f"SELECT {which}(seq) FROM sync_log WHERE origin = ?", (ident,)).fetchone()
        for which in ("min", "max")
    )
    if first is None or first[0] is None or last is None:
        return None
    lo, hi = int(first[0]), int(last[0])
    found: tuple[int, int] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        at = conn.execute(
            "SELECT seq, hlc FROM sync_log WHERE origin = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
            (ident, mid),
        ).fetchone()
        if at is not None and int(at[1]) < hlc:
            found = (int(at[0]), int(at[1]))
            lo = mid + 1
        else:
            hi = (mid if at is None else int(at[0])) - 1
    if found is None:
        return None
    return found[0] if seq else found[1]


def _after(conn: sqlite3.Connection, ident: int, seq: int | None) -> int | None:
    """The stamp of a device's first change set after number ``seq`` (None: its first)."""
    row = conn.execute(
        "SELECT hlc FROM sync_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT 1",
        (ident, -1 if seq is None else seq),
    ).fetchone()
    return None if row is None else int(row[0])


@dataclass
class Moved:
    """What newly held stamps can change the judging of (``moved_by``).

    Attributes:
        again: (origin, number) of one record of each change set to judge again.
        unflagged: (origin, number) of the applied records whose ``back_dated`` flag was
            taken away to be judged again (the judging sets it again where it still holds).
    """

    again: list[tuple[str, int]] = field(default_factory=list)
    unflagged: set[tuple[str, int]] = field(default_factory=set)


def moved_by(conn: sqlite3.Connection, stamps: Iterable[At]) -> Moved:
    """The held change sets whose stamp's source these newly held stamps can change (issue 13,
    known leftover 1): those in the millisecond of one of them and above it, that were
    quarantined or named as dated back (``back_dated``). Judged before the stamp arrived,
    such a change set was taken as ``OWN`` (or ``CONTINUED``) and so as written later than it
    was; with the stamp held it may be ``PUSHED``: it may pass now, or not be dated back, as
    on a laptop that held the stamp first. Its judging depends on nothing else the stamp
    brings (``clock_source`` reads only the stamps of that millisecond below it). The
    ``back_dated`` flags of those named are deleted here; judging them again sets them again
    where they still hold.

    Args:
        conn: the open database, the new stamps stored already.
        stamps: (hlc, origin) of the new change sets.

    Returns:
        The change sets to judge again (``Moved.again``, in order) and the flags taken away.
    """
    held: dict[int, list[tuple[int, str, int]]] = {}
    for origin, hlc, seq in conn.execute(
        "SELECT origin, hlc, min(seq) FROM sync_quarantine WHERE branch = '' GROUP BY origin, hlc"
    ):
        held.setdefault(hlc_wall_ms(int(hlc)), []).append((int(hlc), str(origin), int(seq)))
    flagged = conn.execute(
        "SELECT f.origin, f.seq, l.hlc FROM sync_flag f JOIN sync_origin o ON o.device = f.origin"
        " JOIN sync_log l ON l.origin = o.id AND l.seq = (SELECT max(seq) FROM sync_log"
        " WHERE origin = o.id AND seq <= f.seq) WHERE f.kind = 'back_dated'"
    ).fetchall()
    for origin, seq, hlc in flagged:
        held.setdefault(hlc_wall_ms(int(hlc)), []).append((int(hlc), str(origin), int(seq)))
    if not held:
        return Moved()
    lowest: dict[int, int] = {}
    for hlc, _origin in stamps:
        ms = hlc_wall_ms(hlc)
        if ms in held and hlc < lowest.get(ms, hlc + 1):
            lowest[ms] = hlc
    moved = {
        (origin, seq)
        for ms, below in lowest.items()
        for hlc, origin, seq in held[ms]
        if hlc > below
    }
    unflagged = {(str(o), int(s)) for o, s, _hlc in flagged if (str(o), int(s)) in moved}
    conn.executemany(
        "DELETE FROM sync_flag WHERE origin = ? AND seq = ? AND kind = 'back_dated'",
        sorted(unflagged),
    )
    return Moved(sorted(moved), unflagged)
