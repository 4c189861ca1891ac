"""Applying a verified bundle, in one transaction: store its new records and segments, accept a
newer roster, judge every new record by the rule table (and re-judge what a newer roster or a
late role change affects), merge what is accepted, keep the quarantine and the deferred list,
note what the sender holds (its acknowledgements), audit the merge with each origin device, and
record the bundle id, so a second import says "already applied" and changes nothing.

The transaction runs on the import's own connection (``Store.merging``), the only one whose
writes pass the R1 and append-only triggers (a merge never aborts over R1: the derived
re-planning flag shows it; un-applying a revoked device's changes may delete events); what it
writes is not captured again as this laptop's changes.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from .. import witness
from ..clock import epoch_ms, from_db, to_db
from ..db import Store, append_audit
from ..ids import uuid7
from . import capture, forks, late, log, restored, session, written
from . import quarantine as kept
from . import roster as rosters
from .change import Run
from .judge import Verdict
from .keys import fingerprint
from .notice import notice
from .receipt import Result
from .verify import Verified, too_many_waiting

Progress = Callable[[str, int, int], None]
AUDIT_SAMPLE = 50


class _OverLimit(Exception):
    """Judging took origins past the deferred limit: origin → (waiting before, waiting now,
    of those now of a newer version)."""

    def __init__(self, counts: dict[str, tuple[int, int, int]]) -> None:
        super().__init__(counts)
        self.counts = counts


def apply(store: Store, checked: Verified, progress: Progress) -> None:
    """Apply a verified bundle, all or nothing; fills in its receipt.

    Changes whose wait cannot be foreseen before judging (a row or an author not known here)
    are counted when judged, inside the import's transaction: when they would take an origin
    past ``MAX_DEFERRED_PER_ORIGIN`` the transaction is rolled back, nothing stored. The
    sender's own: the bundle is refused (exit 5, one sentence); an origin it relays: its
    segments are set aside and the rest is applied again without them.

    Args:
        checked: the bundle as ``verify.verify`` passed it (its receipt is filled in).
        progress: called with (stage, done, total).

    Raises:
        Refused: the sender's own changes would wait past ``MAX_DEFERRED_PER_ORIGIN``
            (``bundle_deferred_limit``); nothing stored.
        clashes.Unsettled: the database refused to settle a clash of names; nothing stored.
    """
    runs = [list(segment.runs) for segment in checked.segments]  # _fresh empties them
    receipt = copy.deepcopy(checked.receipt)
    try:
        with store.merging() as conn:  # local changes sealed first; R1 lets only this through
            _apply(store, conn, checked, progress)
    except _OverLimit as over:
        checked.receipt = receipt  # as it was before the attempt rolled back
        _refuse_or_set_aside(checked, over.counts)
        kept_runs = [
            (segment, found)
            for segment, found in zip(checked.segments, runs, strict=True)
            if str(segment.header["origin"]) not in over.counts
        ]
        for segment, found in kept_runs:
            segment.runs = found
        checked.segments = [segment for segment, _found in kept_runs]
        try:
            with store.merging() as conn:
                _apply(store, conn, checked, progress)
        except _OverLimit as again:  # only the origins set aside crossed it: never reached
            _refuse_or_set_aside(checked, {checked.sender: next(iter(again.counts.values()))})
    finally:
        store.forget_actor()  # the import may have changed the acting person's role
    receipt = checked.receipt
    if receipt.gaps or receipt.set_aside:
        receipt.result = Result.PARTLY_APPLIED


def rejudge(store: Store, origin: str, after: int) -> None:
    """Judge again, here and now, the held changes of ``origin`` after number ``after`` (an
    admin released a hold: ``late.release``), in the import's one transaction.

    Args:
        origin: the device id whose held changes are judged again.
        after: the sequence number after which they are.

    Raises:
        BadInput: this laptop is in no team (``roster.require_team``).
        clashes.Unsettled: the database refused to settle a clash of names; nothing stored.
        MachineFault: another import is running, or the database is busy or read-only.
    """
    team = rosters.require_team(store)
    with store.importing(), store.merging() as conn:
        session.judge_and_apply(
            conn,
            team,
            [],
            now=store.now(),
            rejudge_origins={origin: after},
        )
    store.forget_actor()


def revoke(store: Store, device: str) -> rosters.Roster:
    """Revoke a device (``roster.revoke``), then judge again what was written under the
    callsign it bound (``rejudge_authors``): its operator may act on another laptop now, as
    every importer of the new roster judges.

    Args:
        store: the database; the actor needs ``team.manage``, on the admin device.
        device: the device's label or a prefix of its id.

    Returns:
        The new roster.

    Raises:
        BadInput: as ``roster.revoke``.
        NotFound: no single device matches.
        PermissionDenied: the actor may not manage the team.
        MachineFault: another import is running, or the database is busy or read-only.
    """
    before = set(rosters.bound_callsigns(rosters.current(store)))
    updated = rosters.revoke(store, device)
    rejudge_authors(store, before - set(rosters.bound_callsigns(updated)))
    return updated


def rejudge_authors(store: Store, names: set[str]) -> None:
    """Judge again, here and now, every held change authored under ``names``: callsigns whose
    binding to a laptop this laptop's own new roster changed (``revoke`` frees its
    operator's callsign), as an import of that roster does on every other laptop
    (``judge.bound_elsewhere``), so all of them end alike.

    Args:
        names: the callsigns (upper case).

    Raises:
        BadInput: this laptop is in no team (``roster.require_team``).
        clashes.Unsettled: the database refused to settle a clash of names; nothing stored.
        MachineFault: another import is running, or the database is busy or read-only.
    """
    if not names:
        return
    team = rosters.require_team(store)
    with store.importing(), store.merging() as conn:
        session.judge_and_apply(conn, team, [], now=store.now(), rebound=names)
    store.forget_actor()


def _apply(store: Store, conn: sqlite3.Connection, checked: Verified, progress: Progress) -> None:
    receipt = checked.receipt
    moment = store.now()
    now, now_ms = to_db(moment), epoch_ms(moment)  # as rows and the sync clock carry it
    open_before = _open_conflicts(conn)
    restored.notice(conn, store.device_id, dict(checked.manifest.get("vector", {})))
    fresh = _fresh(conn, checked, store.device_id)
    log.store(conn, fresh)
    restored.close_if_filled(conn, store.device_id)
    _store_segments(conn, checked)
    bound_before = (
        set(rosters.bound_callsigns(rosters.current(store)).items())
        if checked.roster_is_new
        else None
    )
    rejudge = _accept_roster(store, conn, checked, moment)
    _admin_fork_alarm(store, conn, checked, moment)
    bound_now = set(rosters.bound_callsigns(checked.team).items())
    # bound anew, or no longer bound (unbound, moved): what was written under the name is
    # judged again by the binding now in force (``judge.bound_elsewhere``)
    rebound = set() if bound_before is None else {name for name, _b in bound_now ^ bound_before}
    for origin, cut in _keep_forks(store, conn, checked, moment).items():
        rejudge[origin] = min(cut, rejudge.get(origin, cut))
    branches = forks.take_in(conn, checked.branches, moment)
    admin = checked.team.data.get("admin_device")
    devices = [str(d["id"]) for d in checked.team.devices]
    for hold in late.take(conn, checked.manifest, checked.sender == admin, devices):
        rejudge[hold.origin] = min(hold.seq - 1, rejudge.get(hold.origin, hold.seq - 1))
    total = sum(len(r.cols) for r in fresh)
    progress("applying", 0, total)
    waiting = kept.deferred_by_origin(conn)
    moved = written.moved_by(conn, {(r.hlc, r.origin) for r in fresh})
    outcome = session.judge_and_apply(
        conn,
        checked.team,
        fresh,
        now=moment,
        rejudge_origins=rejudge,
        rebound=rebound,
        decides_holds=admin == store.device_id,
        again=moved.again,
    )
    progress("applying", total, total)
    _drop_outside(conn, checked, store.device_id)
    released = _count(conn, checked, outcome)
    _held_again(store, conn, checked)
    forks.set_aside(conn, moment)
    receipt.quarantined += kept.quarantined_branches(conn, branches)
    receipt.warnings += outcome.merged.clashes
    _name_flagged(checked, outcome, moved)
    _deferred_limit(conn, waiting)
    _note_sender(conn, checked)
    if fresh:
        capture.observe_hlc(conn, max(r.hlc for r in fresh), moment)
    _clock_warnings(conn, checked, outcome.ahead, now)
    _sender_ahead(conn, checked, now_ms, now)
    for origin, until in sorted(outcome.dated.items()):
        label = (checked.team.device(origin) or {"label": origin})["label"]
        receipt.warnings.append(notice("dated_ahead", label=label, until=from_db(until)))
    for conflict_id, table in _open_conflicts(conn).items():
        if conflict_id not in open_before:
            receipt.conflicts[table] += 1
    receipt.orphans = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    keys = {d["id"]: d["sign"] for d in checked.team.devices}
    receipt.alarms += witness.observe(
        store, conn, checked.manifest, witness.labels(store), keys, checked.signed
    )
    _audit(store, conn, checked, fresh, released)
    _record_bundle(conn, checked, total, now)


def _name_flagged(checked: Verified, outcome: session.Outcome, moved: written.Moved) -> None:
    """Warn in the receipt, per laptop, of the change sets this import flagged back-dated or
    clocks apart; those named before and judged again (``moved``) are not news."""
    for flagged in ("back_dated", "clocks_apart"):
        named = [
            (r, d)
            for r, kind, d in outcome.flags
            if kind == flagged and (r.origin, r.seq) not in moved.unflagged
        ]
        back = Counter(r.origin for r, _d in named)
        for origin, count in sorted(back.items()):
            label = (checked.team.device(origin) or {"label": origin})["label"]
            example = next(d for r, d in named if r.origin == origin)
            said = {"label": label, "count": count, "example": example}
            checked.receipt.warnings.append(
                notice("back_dated", **said)
                if flagged == "back_dated"
                else notice("clocks_apart", **said)
            )


def _drop_outside(conn: sqlite3.Connection, checked: Verified, me: str) -> None:
    """Forget the records of devices the kept roster does not list (``rosters.drop_outside``),
    judged again and taken out of the rows just before; say so in the receipt."""
    for device, count in sorted(rosters.drop_outside(conn, checked.team, me).items()):
        checked.receipt.warnings.append(notice("outside_dropped", device=device, count=count))


def _held_again(store: Store, conn: sqlite3.Connection, checked: Verified) -> None:
    """Judge the held change sets again once everything of the import is taken in: one judged
    before a role change of the same bundle (or a later one) is held now, as on a laptop that
    had the role change first."""
    again = late.held_sets(conn)
    if not again:
        return
    outcome = session.judge_and_apply(conn, checked.team, [], now=store.now(), again=again)
    more = kept.quarantined_keys(conn, sorted(outcome.became("quarantined")))
    checked.receipt.quarantined += [q for q in more if q not in checked.receipt.quarantined]


def _fresh(conn: sqlite3.Connection, checked: Verified, me: str) -> list[Run]:
    """The records of the new segments this laptop does not hold yet (in clock order); of its
    own, those a restore from a backup lost (``restored``)."""
    fresh: list[Run] = []
    for segment in checked.segments:
        if str(segment.header["origin"]) == me and restored.gap(conn) is not None:
            back, known = restored.fresh(conn, segment.runs)
            fresh += back
            checked.receipt.skipped.update(known)
            segment.runs = []
            continue
        have = capture.last_seq(conn, str(segment.header["origin"]))
        for run in segment.runs:
            if run.seq > have:
                fresh.append(run)
                continue
            checked.receipt.skipped[run.tbl] += min(have, run.last) - run.seq + 1
            if run.last > have:
                fresh.append(run.part(have + 1, run.last))
        segment.runs = []  # held in ``fresh`` from here
    fresh.sort(key=lambda r: (r.hlc, r.origin, r.seq))
    return fresh


def _store_segments(conn: sqlite3.Connection, checked: Verified) -> None:
    from .bundle import sha256

    conn.executemany(
        "INSERT INTO sync_segment (origin, number, first_seq, last_seq, hash, header,"
        " signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.header["origin"],
                s.header["number"],
                s.header["first_seq"],
                s.header["last_seq"],
                sha256(s.header_bytes),
                s.header_bytes,
                s.signature,
            )
            for s in checked.segments
        ],
    )


def _accept_roster(
    store: Store, conn: sqlite3.Connection, checked: Verified, now: datetime
) -> dict[str, int]:
    """Store a newer roster; return the devices whose changes must be judged again (from which
    number): a changed role, or a revocation."""
    if not checked.roster_is_new:
        return {}
    held = rosters.current(store)
    rosters.accept(conn, checked.team, now)
    if checked.pin:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (rosters.ADMIN_KEY, checked.pin),
        )
        checked.receipt.joined = (
            f"{checked.team.data['name']} (admin key {fingerprint(checked.pin)})"
        )
    changed: dict[str, int] = {}
    for device in checked.team.devices:
        old = held.device(device["id"]) if held else None
        if old is None:
            continue
        if old["role"] != device["role"]:
            changed[device["id"]] = 0
        elif (old["status"], old.get("revoked_after")) != (
            device["status"],
            device.get("revoked_after"),
        ):
            changed[device["id"]] = int(device.get("revoked_after") or 0)
    for device in held.devices if held else []:
        if checked.team.device(device["id"]) is None:  # only in the twin roster set aside
            changed[device["id"]] = 0
    return changed


def _admin_fork_alarm(
    store: Store, conn: sqlite3.Connection, checked: Verified, now: datetime
) -> None:
    """Keep the alarm of an admin fork (two rosters of one version) in the audit trail, once:
    ``sync status``, the handover and the console's trust findings list it."""
    admin = str(checked.team.data.get("admin_device") or "")
    if checked.admin_fork is not None:
        event = (now, store.user or "system", store.device_id)
        witness.raise_alarm(conn, event, admin, checked.admin_fork)


def _keep_forks(
    store: Store, conn: sqlite3.Connection, checked: Verified, now: datetime
) -> dict[str, int]:
    """Keep the new fork proofs; raise an alarm against each forking laptop not revoked yet;
    return the origins whose cut moved (their records after it are judged again)."""
    before = forks.held_cuts(conn)
    new = forks.keep(conn, checked.forks)
    after = forks.held_cuts(conn)
    importer = store.user or "system"
    for proof in new:
        device = checked.team.device(proof.origin)
        if device is None or device["status"] != "active":
            continue  # revoked: its later changes are refused anyway; no more alarms
        alarm = notice(
            "alarm_chain_forked", label=device["label"], first=proof.cut + 1, segment=proof.number
        )
        if alarm not in checked.receipt.alarms:
            checked.receipt.alarms.append(alarm)
            witness.raise_alarm(conn, (now, importer, proof.origin), proof.origin, alarm)
    own = forks.note_own(conn, checked.own_forks)
    if own is not None:
        checked.receipt.alarms.append(notice("own_fork", cut=own))
    for origin, count in sorted(checked.receipt.forked.items()):
        device = checked.team.device(origin)
        if device is not None and device["status"] == "active":
            checked.receipt.warnings.append(
                notice("chain_forked", label=device["label"], count=count)
            )
    return {o: c for o, c in after.items() if before.get(o) != c}


def _count(
    conn: sqlite3.Connection, checked: Verified, outcome: session.Outcome
) -> list[dict[str, object]]:
    """Per table, how many of the bundle's new changes were applied and how many wait, and
    to which records; the held changes that were quarantined and are applied now (judged
    again: ``written.moved_by``, a newer roster …) count as applied too, and are returned
    for the audit (device, seq, table, field)."""
    receipt = checked.receipt
    released = _released(outcome)
    for change in released:
        receipt.applied[str(change["table"])] += 1
        receipt.record("applied", str(change["table"]), str(change.pop("key")))
    for judged in outcome.judged():
        if judged.before != session.NEW:
            continue
        run, verdict = judged.run, judged.verdict
        if isinstance(verdict, Verdict) and not outcome.refused:
            if verdict.applies:
                receipt.applied[run.tbl] += len(run.cols)
                receipt.record("applied", run.tbl, run.pk)
            elif verdict.outcome == "defer":
                receipt.deferred[run.tbl] += len(run.cols)
                receipt.record("deferred", run.tbl, run.pk)
            continue
        for offset, _before, one in judged.records():
            one = outcome.refused.get((run.origin, run.seq + offset), one)
            if one.applies:
                receipt.applied[run.tbl] += 1
                receipt.record("applied", run.tbl, run.pk)
            elif one.outcome == "defer":
                receipt.deferred[run.tbl] += 1
                receipt.record("deferred", run.tbl, run.pk)
    receipt.quarantined = kept.quarantined_keys(conn, sorted(outcome.became("quarantined")))
    return released


def _released(outcome: session.Outcome) -> list[dict[str, object]]:
    """The held changes that were quarantined before this import and are applied now."""
    released: list[dict[str, object]] = []
    for judged in outcome.judged():
        if judged.before == session.NEW or kept.QUARANTINED not in (
            (judged.before,) if isinstance(judged.before, str) else judged.before
        ):
            continue
        run = judged.run
        for offset, before, verdict in judged.records():
            key = (run.origin, run.seq + offset)
            if before == kept.QUARANTINED and outcome.refused.get(key, verdict).applies:
                field = run.cols[offset]
                released.append(
                    {
                        "device": key[0],
                        "seq": key[1],
                        "table": run.tbl,
                        "field": field,
                        "key": run.pk,
                    }
                )
    return released


def _deferred_limit(conn: sqlite3.Connection, before: dict[str, int]) -> None:
    """Origins whose waiting changes this import takes past the limit: the import stops
    (``apply`` rolls it back and refuses the bundle or sets their segments aside)."""
    over = {
        origin: (before.get(origin, 0), count)
        for origin, count in kept.deferred_by_origin(conn).items()
        if count > kept.MAX_DEFERRED_PER_ORIGIN >= before.get(origin, 0)
    }
    if over:
        newer = kept.newer_by_origin(conn)
        raise _OverLimit({o: (held, now, newer.get(o, 0)) for o, (held, now) in over.items()})


def _refuse_or_set_aside(checked: Verified, counts: dict[str, tuple[int, int, int]]) -> None:
    """The sender's own changes over the limit refuse the bundle; a relayed origin's are set
    aside, said in a warning (``verify.too_many_waiting``)."""
    for origin, (held, now, newer) in sorted(counts.items(), key=lambda i: i[0] != checked.sender):
        label = (checked.team.device(origin) or {"label": origin})["label"]
        counted = (held, now - held, newer)
        too_many_waiting(origin, label, checked.sender, counted, checked.receipt)


def _note_sender(conn: sqlite3.Connection, checked: Verified) -> None:
    """What the sender holds: its version vector counts as its acknowledgement. Of its own
    changes it holds what it says, also less than before (restored from a backup: the team
    sends them back, ``restored``)."""
    for origin, seq in dict(checked.manifest.get("vector", {})).items():
        own = str(origin) == checked.sender
        conn.execute(
            "INSERT INTO sync_peer_ack (peer, origin, seq) VALUES (?, ?, ?) ON CONFLICT (peer,"
            " origin) DO UPDATE SET seq = CASE WHEN ? THEN excluded.seq"
            " ELSE max(seq, excluded.seq) END",
            (checked.sender, str(origin), int(seq), own),
        )


def _clock_warnings(
    conn: sqlite3.Connection, checked: Verified, ahead: dict[str, int], now: str
) -> None:
    for origin, stamp in ahead.items():
        label = (checked.team.device(origin) or {"label": origin})["label"]
        checked.receipt.warnings.append(notice("clock_day_ahead", label=label))
        conn.execute(
            "INSERT INTO sync_skew (origin, hlc, seen_at) VALUES (?, ?, ?) ON CONFLICT (origin)"
            " DO UPDATE SET hlc = excluded.hlc, seen_at = excluded.seen_at",
            (origin, stamp, now),
        )


#: A sender's clock this far ahead of this laptop's is flagged (``findings.clock_ahead``).
AHEAD_FLAGGED_MS = 5 * 60_000


def _sender_ahead(conn: sqlite3.Connection, checked: Verified, now_ms: int, now: str) -> None:
    """Flag a sender whose clock was ahead of this laptop's when it wrote the bundle (its
    signed ``created_at``): its edits win over later ones by their stamps. A day ahead or more
    its changes wait as well (``_clock_warnings``); less is taken in, and named: the laptop and
    how far ahead, in the receipt, ``sync status`` and the trust findings."""
    try:
        written = from_db(str(checked.manifest.get("created_at")))
    except (ValueError, TypeError):
        return
    ahead = epoch_ms(written) - now_ms
    if ahead <= AHEAD_FLAGGED_MS:
        return
    sender = checked.sender
    label = (checked.team.device(sender) or {"label": sender})["label"]
    checked.receipt.warnings.append(notice("sender_ahead", label=label, ahead_ms=ahead))
    vector = checked.manifest.get("vector")
    own = vector.get(sender) if isinstance(vector, dict) else None
    seq = own if type(own) is int else 0
    conn.execute(
        "INSERT INTO sync_flag (origin, seq, kind, detail, noticed_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (origin, seq, kind) DO UPDATE SET detail = excluded.detail,"
        " noticed_at = excluded.noticed_at",
        (sender, seq, "clock_ahead", str(ahead), now),
    )


def _open_conflicts(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT id, table_name FROM sync_conflict WHERE resolved_at IS NULL"
        ).fetchall()
    )


def _audit(
    store: Store,
    conn: sqlite3.Connection,
    checked: Verified,
    fresh: list[Run],
    released: list[dict[str, object]],
) -> None:
    """One audit event per origin device whose changes were merged, then one for the import
    (with the held changes it took out of quarantine, judged again: ``rejudged_applied``)."""
    now = store.now()
    importer = store.user or "system"
    by_origin: dict[str, list[Run]] = {}
    for run in fresh:
        by_origin.setdefault(run.origin, []).append(run)
    for origin, runs in sorted(by_origin.items()):
        runs.sort(key=lambda r: r.seq)
        actors = sorted({r.actor for r in runs})
        tables: Counter[str] = Counter()
        for run in runs:
            tables[run.tbl] += len(run.cols)
        sample: list[dict[str, object]] = []
        for run in runs:
            if len(sample) >= AUDIT_SAMPLE:
                break
            sample += [
                {"table": r.tbl, "key": r.pk, "field": r.col, "value": r.val, "actor": r.actor}
                for r in run.changes()
            ]
        append_audit(
            conn,
            now,
            ",".join(actors[:5]),
            origin,
            "sync.merge",
            checked.receipt.bundle_id,
            {
                "origin": origin,
                "seq": [runs[0].seq, runs[-1].last],
                "tables": dict(tables),
                "changes": sample[:AUDIT_SAMPLE],
                "changes_total": sum(tables.values()),
                "imported_by": importer,
            },
        )
    append_audit(
        conn,
        now,
        importer,
        store.device_id,
        "sync.import",
        checked.receipt.bundle_id,
        {
            "sender": checked.sender,
            "changes": sum(len(r.cols) for r in fresh),
            "quarantined": [
                {
                    "device": q.device,
                    "seq": q.seq,
                    "table": q.table,
                    "field": q.field,
                    "reason": q.cause.as_dict(),
                }
                for q in checked.receipt.quarantined[:AUDIT_SAMPLE]
            ],
            "quarantined_total": len(checked.receipt.quarantined),
            "rejudged_applied": released[:AUDIT_SAMPLE],
            "rejudged_applied_total": len(released),
        },
    )


def _record_bundle(conn: sqlite3.Connection, checked: Verified, changes: int, now: str) -> None:
    receipt = checked.receipt
    partial = receipt.gaps or receipt.set_aside  # may be imported again for the rest
    conn.execute(
        "INSERT INTO sync_bundle (id, direction, peer, at, changes, file, receipt)"
        " VALUES (?, 'received', ?, ?, ?, ?, ?)",
        (
            receipt.bundle_id if not partial else f"{receipt.bundle_id}/{uuid7()}",
            checked.sender,
            now,
            changes,
            receipt.file,
            json.dumps(_kept(receipt.as_dict()), default=str),
        ),
    )


def _kept(receipt: dict[str, object]) -> dict[str, object]:
    """The receipt as kept with the bundle: the quarantined changes as a sample and a count,
    like the audit event (``sync quarantine`` and the quarantine table list them all)."""
    quarantined = receipt["quarantined"]
    assert isinstance(quarantined, list)
    return {
        **receipt,
        "quarantined": quarantined[:AUDIT_SAMPLE],
        "quarantined_total": len(quarantined),
    }
