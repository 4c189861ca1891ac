"""What a person must look at about trust: findings the team's laptops, or this laptop's own
disk, left behind. ``db status``, ``sync status``, the Sync screen and the handover list them.

- ``witness``: another laptop's audit trail was found cut or rewritten (an import's alarm);
- ``clash``: a unique name given to two rows offline, one kept under a derived name;
- ``secret``: someone's secret on this laptop set or reset by someone else, until they change
  it themselves (whoever set it could act as them meanwhile);
- ``outside``: the database was changed outside Schildwacht (raw writes, sealed on their own);
- ``own_refused``: changes of this laptop that the other laptops quarantine;
- ``back_dated``: records a laptop dated well before it wrote them (a clock set back, or
  back-dating): taken in, and named here;
- ``clock_ahead``: a laptop whose clock was ahead of this one's when it wrote a bundle (its
  edits win over later ones by their stamps): named with how far ahead.

The handover carries the ones still open (secrets, clashes, this laptop's refused changes) and
the events since the last signed handover (alarms, outside changes, back-dated records). Facts
and one plain sentence each; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import from_db, local_text
from .db import OUTSIDE_ACTION, Store
from .validate import visible

#: Secrets set by someone else named one by one; more are one finding.
SECRETS_ONE_BY_ONE = 3
#: The meta key keeping how many of this laptop's changes the others quarantine (``export``).
OWN_REFUSED_KEY = "sync_own_refused"
KINDS = ("witness", "clash", "secret", "outside", "own_refused", "back_dated", "clock_ahead")


@dataclass(frozen=True)
class Finding:
    """One thing a person must look at about trust.

    Attributes:
        kind: one of ``KINDS``.
        text: one plain sentence, control characters made visible.
        ids: what it concerns (audit sequence numbers, row ids, callsigns, device ids).
        device: the laptop it concerns, where it concerns one.
        at: when it was noticed (aware UTC), where that is known.
        count: how many things it counts (the people of a grouped secret finding; else 1).
    """

    kind: str
    text: str
    ids: tuple[str, ...] = ()
    device: str | None = None  # the laptop it concerns, where it concerns one
    at: datetime | None = None  # when it was noticed
    count: int = 1
    #: Its facts for the faces to word (``secret``: ``people``, [callsign, set by, set at]),
    #: so no sentence here names how one face or another puts it right.
    params: dict[str, Any] = field(default_factory=dict)


def _at(text: object) -> datetime | None:
    """A stored UTC time as an aware datetime (None where none is known)."""
    return from_db(str(text)) if text else None


def _labels(store: Store) -> dict[str, str]:
    from .witness import labels

    return labels(store)


def witness_alarms(store: Store, since: str | None = None) -> list[Finding]:
    """Alarms raised at import about a laptop's audit trail (cut, rewritten).

    Args:
        since: stored UTC text: only events from then on (None: every one).

    Returns:
        One finding per alarm, oldest first.
    """
    from .witness import ALARM_ACTION

    found = []
    for seq, at, target, detail in store.tuples(
        "SELECT seq, at, target, detail FROM audit_event WHERE action = ? AND at >= ? ORDER BY seq",
        (ALARM_ACTION, since or ""),
    ):
        try:
            alarm = str(json.loads(detail).get("alarm", ""))
        except (ValueError, AttributeError):
            alarm = ""
        found.append(Finding("witness", visible(alarm), (str(seq),), target, _at(at)))
    return found


def clashes(store: Store) -> list[Finding]:
    """Rows kept under a derived name because two laptops gave them one unique name offline
    (``sync.clashes``), one finding each; open until a person renames them."""
    from .sync.clashes import list_clashes

    words = {"staff": "callsign", "subject": "code name", "activity": "calendar event"}
    return [
        Finding(
            "clash",
            visible(
                f"The {words[c.table]} {c.name} was given to two {c.table} rows offline: "
                f"{c.row_id[:13]} is kept as {c.shown_as}"
                + (f", {c.kept_by[:13]} keeps {c.name}" if c.kept_by else "")
            ),
            (c.row_id,),
        )
        for c in list_clashes(store.conn)
    ]


def secrets_set_by_others(store: Store) -> list[Finding]:
    """People whose secret here was last set by someone else (a first secret given in their
    presence, or a reset): open until they change it themselves. Many at once (a demo, a
    team's people given first secrets) are one finding."""
    rows = store.tuples(
        "SELECT s.callsign, x.set_by, x.set_at FROM staff_secret x JOIN staff s"
        " ON s.id = x.staff_id WHERE x.set_by != s.callsign ORDER BY s.callsign"
    )
    people = [[str(c), str(b), str(t)] for c, b, t in rows]
    if len(rows) > SECRETS_ONE_BY_ONE:
        named = ", ".join(f"{c} by {b}" for c, b, _at in rows[:SECRETS_ONE_BY_ONE])
        return [
            Finding(
                "secret",
                visible(
                    f"{len(rows)} people's secrets on this laptop were set by someone else "
                    f"({named}, …): until each changes theirs, whoever set it could act as "
                    "them, and what is done as them is marked so in the audit"
                ),
                tuple(c for c, _b, _at in rows),
                count=len(rows),
                params={"people": people},
            )
        ]
    return [
        Finding(
            "secret",
            visible(
                f"{callsign}'s secret on this laptop was set by {set_by} "
                f"({local_text(_at(set_at))}); until {callsign} changes it, {set_by} could act as "
                f"{callsign}, and what is done as {callsign} is marked so in the audit"
            ),
            (callsign,),
            at=_at(set_at),
            params={"people": [person]},
        )
        for person, (callsign, set_by, set_at) in zip(people, rows, strict=True)
    ]


def secret_set_by(store: Store, callsign: str) -> str | None:
    """Who last set ``callsign``'s secret here, when it was not ``callsign`` themselves.

    Args:
        callsign: the person's callsign.

    Returns:
        The callsign of who set it, or None.
    """
    row = store.one(
        "SELECT x.set_by FROM staff_secret x JOIN staff s ON s.id = x.staff_id"
        " WHERE s.callsign = ? AND x.set_by != s.callsign",
        (callsign,),
    )
    return None if row is None else str(row[0])


def outside_changes(store: Store, since: str | None = None) -> list[Finding]:
    """Writes made outside Schildwacht and sealed on their own at the next action.

    Args:
        since: stored UTC text: only events from then on (None: every one).

    Returns:
        One finding per sealed outside write, oldest first.
    """
    found = []
    for seq, at, detail in store.tuples(
        "SELECT seq, at, detail FROM audit_event WHERE action = ? AND at >= ? ORDER BY seq",
        (OUTSIDE_ACTION, since or ""),
    ):
        try:
            tables = dict(json.loads(detail).get("tables", {}))
        except (ValueError, AttributeError, TypeError):
            tables = {}
        shown = ", ".join(f"{n} {t}" for t, n in sorted(tables.items()))
        found.append(
            Finding(
                "outside",
                visible(
                    f"This database was changed outside Schildwacht before {local_text(_at(at))} "
                    f"({shown}); "
                    "those changes are in the audit trail and went to the other laptops"
                ),
                (str(seq),),
                at=_at(at),
            )
        )
    return found


def own_refused(store: Store) -> list[Finding]:
    """This laptop's changes the others quarantine (judged at each export), and its own fork
    (the team sets aside what it wrote after the cut)."""
    from .sync.forks import own_cut, own_set_aside

    forked = own_fork(own_cut(store.conn), own_set_aside(store.conn, store.device_id))
    raw = store.meta(OWN_REFUSED_KEY)
    if not raw:
        return forked
    try:
        kept = json.loads(raw)
        count, reasons = int(kept["count"]), [str(r) for r in kept["reasons"]]
    except (ValueError, KeyError, TypeError):
        return []
    if not count:
        return forked
    return [
        *forked,
        Finding(
            "own_refused",
            visible(
                f"{count} of this laptop's changes are quarantined by the other laptops: they "
                f"break the team's rules ({'; '.join(reasons[:3])}); they were written here "
                "outside the store (or its role is not the one its user has)"
            ),
        ),
    ]


def own_fork(cut: int | None, set_aside: dict[str, int] | None = None) -> list[Finding]:
    """This laptop's change log forked at ``cut`` (the team proved it): what it wrote after
    that is set aside on every other laptop, for good.

    Args:
        cut: the last number of this laptop's changes the team keeps, or None (no fork known).
        set_aside: per table, the rows that work touched here (``forks.own_set_aside``), still
            shown on this laptop.

    Returns:
        One finding, or none.
    """
    if cut is None:
        return []
    rows = ", ".join(f"{table} {count}" for table, count in (set_aside or {}).items())
    shown = (
        f" (rows still shown here but held by no other laptop: {rows}; that work is to be "
        "entered again)"
        if rows
        else ""
    )
    return [
        Finding(
            "own_refused",
            f"this laptop forked its change log at number {cut} (it was restored from an old "
            f"copy of its database): the team sets aside everything it wrote after number "
            f"{cut}{shown}; the admin revokes it and enrols it again once it is set up afresh",
            params={"forked_at": cut, "set_aside": dict(set_aside or {})},
        )
    ]


def back_dated(store: Store, since: str | None = None) -> list[Finding]:
    """Laptops whose records were dated well before they were written.

    Args:
        since: stored UTC text: only events from then on (None: every one).

    Returns:
        One finding per laptop.
    """
    labels = _labels(store)
    return [
        Finding(
            "back_dated",
            visible(
                f"{labels.get(origin, origin[:13])} sent {count} records dated more than an hour "
                f"before they were written (e.g. {example}): its clock was set back, or they "
                "were back-dated; they were taken in"
            ),
            (origin,),
            origin,
            _at(at),
        )
        for origin, count, example, at in store.tuples(
            "SELECT origin, count(*), min(detail), max(noticed_at) FROM sync_flag"
            " WHERE kind = 'back_dated' AND noticed_at >= ? GROUP BY origin ORDER BY origin",
            (since or "",),
        )
    ]


def ahead_words(ms: int) -> str:
    """How far a clock is ahead, for people: minutes below two hours, else hours.

    Args:
        ms: how far ahead, in milliseconds.
    """
    minutes = ms // 60_000
    return f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"


def clock_ahead(store: Store, since: str | None = None) -> list[Finding]:
    """Laptops whose clock was ahead of this one's when they wrote a bundle: the latest time
    each was seen ahead, and by how much.

    Args:
        since: stored UTC text: only events from then on (None: every one).

    Returns:
        One finding per laptop, by origin.
    """
    labels = _labels(store)
    found = []
    for origin, detail, at in store.tuples(
        "SELECT origin, detail, noticed_at FROM sync_flag f WHERE kind = 'clock_ahead'"
        " AND noticed_at >= ? AND noticed_at = (SELECT max(noticed_at) FROM sync_flag"
        " WHERE kind = 'clock_ahead' AND origin = f.origin) GROUP BY origin ORDER BY origin",
        (since or "",),
    ):
        ahead = int(str(detail)) if str(detail).isdigit() else 0
        found.append(
            Finding(
                "clock_ahead",
                visible(
                    f"{labels.get(str(origin), str(origin)[:13])}'s clock was "
                    f"{ahead_words(ahead)} ahead of this laptop's when it sent a bundle: its "
                    "edits win over later ones until its clock is put right"
                ),
                (str(origin),),
                str(origin),
                _at(at),
            )
        )
    return found


def since_last_handover(store: Store) -> str | None:
    """When the latest handover was signed: events after it go into the next one."""
    row = store.one("SELECT max(signed_at) FROM handover")
    return None if row is None or row[0] is None else str(row[0])


def open_findings(store: Store, since: str | None = None) -> list[Finding]:
    """Everything still open, and the events since ``since`` (every one without it).

    Args:
        since: stored UTC text: only events from then on (None: every one).

    Returns:
        The findings, audit trail alarms first.
    """
    return [
        *witness_alarms(store, since),
        *clashes(store),
        *secrets_set_by_others(store),
        *outside_changes(store, since),
        *own_refused(store),
        *back_dated(store, since),
        *clock_ahead(store, since),
    ]
