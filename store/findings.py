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
- ``clocks_apart``: records a laptop's change passed only by the allowance the team gives a
  stamp pushed ahead by a faster laptop or continuing a clock put right (by its stamp alone
  the store refuses it, or it is dated more than an hour back): taken in, and named here, with
  how many minutes before its stamp it counts as written;
- ``clock_ahead``: a laptop whose clock was ahead of this one's when it wrote a bundle (its
  edits win over later ones by their stamps): named with how far ahead;
- ``own_stamps``: this laptop's own change stamps run ahead of its clock (it was set ahead
  once, or took in the stamps of a laptop whose clock was: a hybrid logical clock never goes
  back): until its clock catches up its edits win over later ones, and more than a day ahead
  every other laptop holds its changes until a day before the stamp.

The handover carries the ones still open (secrets, clashes, this laptop's refused changes) and
the events since the last signed handover (alarms, outside changes, back-dated records). Each
finding is a fact (its code and params), worded by ``words/findings.py``; its times are aware
UTC datetimes, written as stored UTC text only where it leaves as JSON (``clock.json_times``).
Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .clock import from_db, to_db
from .db import OUTSIDE_ACTION, Store
from .sync.reason import read

#: Secrets set by someone else named one by one; more are one finding.
SECRETS_ONE_BY_ONE = 3
#: The meta key keeping how many of this laptop's changes the others quarantine (``export``).
OWN_REFUSED_KEY = "sync_own_refused"
#: meta key: how many of this laptop's sent change sets the others name as clocks apart (counted
#: at each export by the others' judgement, ``export._will_be_apart``; rev13q f3).
OWN_APART_KEY = "sync_own_apart"
KINDS = (
    "witness",
    "clash",
    "secret",
    "outside",
    "own_refused",
    "back_dated",
    "clocks_apart",
    "clock_ahead",
    "own_stamps",
)


@dataclass(frozen=True)
class Finding:
    """One thing a person must look at about trust.

    Attributes:
        kind: one of ``KINDS``.
        code: what was found (a key of ``words.findings.SENTENCES``; an audit trail alarm's
            own code for a ``witness`` finding).
        params: its facts (labels, numbers, lists, aware UTC datetimes for times; as JSON
            through ``clock.json_times``), which the faces word: no sentence here, so none
            names how one face puts it right.
        ids: what it concerns (audit sequence numbers, row ids, callsigns, device ids).
        device: the laptop it concerns, where it concerns one.
        at: when it was noticed (aware UTC), where that is known.
        count: how many things it counts (the people of a grouped secret finding; else 1).
    """

    kind: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    device: str | None = None  # the laptop it concerns, where it concerns one
    at: datetime | None = None  # when it was noticed
    count: int = 1


def _at(text: object) -> datetime | None:
    """A stored UTC time as an aware datetime (None where none is known)."""
    return from_db(str(text)) if text else None


def _since(moment: datetime | None) -> str:
    """``since`` as the stored UTC text the queries compare with ("" for every event)."""
    return "" if moment is None else to_db(moment)


def _labels(store: Store) -> dict[str, str]:
    from .witness import labels

    return labels(store)


def witness_alarms(store: Store, since: datetime | None = None) -> list[Finding]:
    """Alarms raised at import about a laptop's audit trail (cut, rewritten).

    Args:
        since: only events from then on (aware), None: every one.

    Returns:
        One finding per alarm, oldest first.
    """
    from .witness import ALARM_ACTION, read_alarm

    found = []
    for seq, at, target, detail in store.tuples(
        "SELECT seq, at, target, detail FROM audit_event WHERE action = ? AND at >= ? ORDER BY seq",
        (ALARM_ACTION, _since(since)),
    ):
        alarm = read_alarm(detail)
        found.append(Finding("witness", alarm.code, alarm.params, (str(seq),), target, _at(at)))
    return found


def clashes(store: Store) -> list[Finding]:
    """Rows kept under a derived name because two laptops gave them one unique name offline
    (``sync.clashes``), one finding each; open until a person renames them.

    Returns:
        One ``clash`` finding (``clash_kept_as``) per row kept under a derived name, its params the
        table, the name asked for, the row id, the name kept as and the keeping laptop (or None);
        ids the row. Empty when there is none.
    """
    from .sync.clashes import list_clashes

    return [
        Finding(
            "clash",
            "clash_kept_as",
            {
                "table": c.table,
                "name": c.name,
                "row": c.row_id,
                "kept_as": c.shown_as,
                "keeper": c.kept_by or None,
            },
            (c.row_id,),
        )
        for c in list_clashes(store.conn)
    ]


def secrets_set_by_others(store: Store) -> list[Finding]:
    """People whose secret here was last set by someone else (a first secret given in their
    presence, or a reset): open until they change it themselves. Many at once (a demo, a
    team's people given first secrets) are one finding.

    Returns:
        One ``secret`` finding (``secret_set_by_other``) per person, with ``at`` when it was set,
        while there are at most ``SECRETS_ONE_BY_ONE``; above that, a single
        ``secrets_set_by_others`` finding naming them all (``count``: how many). Each person is
        ``[callsign, set_by, set_at]``; ids are the callsigns. Empty when every secret was set by
        its owner.
    """
    rows = store.tuples(
        "SELECT s.callsign, x.set_by, x.set_at FROM staff_secret x JOIN staff s"
        " ON s.id = x.staff_id WHERE x.set_by != s.callsign ORDER BY s.callsign"
    )
    people = [[str(c), str(b), from_db(str(t))] for c, b, t in rows]
    if len(rows) > SECRETS_ONE_BY_ONE:
        return [
            Finding(
                "secret",
                "secrets_set_by_others",
                {"people": people, "named": SECRETS_ONE_BY_ONE},
                tuple(c for c, _b, _at in rows),
                count=len(rows),
            )
        ]
    return [
        Finding("secret", "secret_set_by_other", {"people": [person]}, (str(c),), at=from_db(t))
        for person, (c, _b, t) in zip(people, rows, strict=True)
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


def outside_changes(store: Store, since: datetime | None = None) -> list[Finding]:
    """Writes made outside Schildwacht and sealed on their own at the next action.

    Args:
        since: only events from then on (aware), None: every one.

    Returns:
        One finding per sealed outside write, oldest first.
    """
    found = []
    for seq, at, detail in store.tuples(
        "SELECT seq, at, detail FROM audit_event WHERE action = ? AND at >= ? ORDER BY seq",
        (OUTSIDE_ACTION, _since(since)),
    ):
        try:
            tables = dict(json.loads(detail).get("tables", {}))
        except (ValueError, AttributeError, TypeError):
            tables = {}
        found.append(
            Finding(
                "outside",
                "outside_changed",
                {"before": from_db(str(at)), "tables": dict(sorted(tables.items()))},
                (str(seq),),
                at=_at(at),
            )
        )
    return found


def own_refused(store: Store) -> list[Finding]:
    """This laptop's changes the others quarantine (judged at each export), and its own fork
    (the team sets aside what it wrote after the cut).

    Returns:
        This laptop's fork findings (``own_fork``), then one ``own_quarantined`` finding with the
        count and at most three reasons (``reason.read(…).as_dict()``) when the others quarantine
        its changes. Empty when neither holds, or the kept count cannot be read.
    """
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
            "own_quarantined",
            {"count": count, "reasons": [read(r).as_dict() for r in reasons[:3]]},
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
    params = {"forked_at": cut, "set_aside": dict(set_aside or {})}
    return [Finding("own_refused", "own_forked", params)]


def back_dated(store: Store, since: datetime | None = None) -> list[Finding]:
    """Laptops whose records were dated well before they were written.

    Args:
        store: the open store.
        since: only events from then on (aware), None: every one.

    Returns:
        One finding per laptop.
    """
    return _flagged(store, "back_dated", since)


def clocks_apart(store: Store, since: datetime | None = None) -> list[Finding]:
    """Laptops whose changes passed only by the allowance for clocks apart (a stamp pushed
    ahead by a faster laptop, or continuing a clock put right): taken in, and named.

    Args:
        store: the open store.
        since: only events from then on (aware), None: every one.

    Returns:
        One finding per laptop.
    """
    return _flagged(store, "clocks_apart", since)


def _flagged(store: Store, kind: str, since: datetime | None) -> list[Finding]:
    """One finding (code ``kind``) per laptop with ``sync_flag`` rows of that kind since
    ``since``: how many, the first in order as the example, the latest noticed."""
    labels = _labels(store)
    return [
        Finding(
            kind,
            kind,
            {"label": labels.get(origin, origin[:13]), "count": count, "example": example},
            (origin,),
            origin,
            _at(at),
        )
        for origin, count, example, at in store.tuples(
            "SELECT origin, count(*), min(detail), max(noticed_at) FROM sync_flag"
            " WHERE kind = ? AND noticed_at >= ? GROUP BY origin ORDER BY origin",
            (kind, _since(since)),
        )
    ]


def clock_ahead(store: Store, since: datetime | None = None) -> list[Finding]:
    """Laptops whose clock was ahead of this one's when they wrote a bundle: the latest time
    each was seen ahead, and by how much.

    Args:
        since: only events from then on (aware), None: every one.

    Returns:
        One finding per laptop, by origin.
    """
    labels = _labels(store)
    found = []
    for origin, detail, at in store.tuples(
        "SELECT origin, detail, noticed_at FROM sync_flag f WHERE kind = 'clock_ahead'"
        " AND noticed_at >= ? AND noticed_at = (SELECT max(noticed_at) FROM sync_flag"
        " WHERE kind = 'clock_ahead' AND origin = f.origin) GROUP BY origin ORDER BY origin",
        (_since(since),),
    ):
        ahead = int(str(detail)) if str(detail).isdigit() else 0
        label = labels.get(str(origin), str(origin)[:13])
        found.append(
            Finding(
                "clock_ahead",
                "clock_ahead",
                {"label": label, "ahead_ms": ahead},
                (str(origin),),
                str(origin),
                _at(at),
            )
        )
    return found


def own_stamps_ahead(store: Store) -> list[Finding]:
    """This laptop's change stamps ahead of its clock by more than the allowed skew: how far,
    the stamp its next change gets, and until when the other laptops hold its changes (a day
    before that stamp, when it is more than a day ahead; their horizon is their clock plus a
    day).

    Returns:
        One ``own_stamps_ahead`` finding (``ahead_ms``, ``stamped`` and ``until``, aware UTC,
        ``until`` None when the others take its changes in at once), or none.
    """
    from .rules import CLOCK_SKEW
    from .sync.capture import DAY_MS, read_hlc
    from .sync.change import clock_moment

    stamped = clock_moment(read_hlc(store.conn))
    now = store.now()
    if stamped is None or stamped - now <= CLOCK_SKEW:
        return []
    ahead = stamped - now
    ahead_ms = int(ahead.total_seconds() * 1000)
    until = stamped - timedelta(milliseconds=DAY_MS) if ahead_ms > DAY_MS else None
    params: dict[str, Any] = {"ahead_ms": ahead_ms, "stamped": stamped, "until": until}
    apart = store.meta(OWN_APART_KEY)
    if apart and apart.isdigit() and int(apart):
        params["apart"] = int(apart)
    return [Finding("own_stamps", "own_stamps_ahead", params, (), store.device_id)]


def since_last_handover(store: Store) -> datetime | None:
    """When the latest handover was signed (aware UTC), or None: events after it go into the
    next one.

    Args:
        store: the database.

    Returns:
        The latest signing time as an aware UTC datetime; None before the first handover.
    """
    row = store.one("SELECT max(signed_at) FROM handover")
    return None if row is None or row[0] is None else from_db(str(row[0]))


def open_findings(store: Store, since: datetime | None = None) -> list[Finding]:
    """Everything still open, and the events since ``since`` (every one without it).

    Args:
        since: only events from then on (aware), None: every one.

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
        *clocks_apart(store, since),
        *clock_ahead(store, since),
        *own_stamps_ahead(store),
    ]
