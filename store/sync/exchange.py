"""Export and import of bundles.

Export seals pending changes, cuts this device's new changes into a signed segment, selects
every segment some peer has not acknowledged (its own and relayed ones, unchanged), and writes
an age-encrypted bundle under a temporary name, then renames it. The database records the
export only if the file was written: a full disk leaves nothing behind.

Import fails closed and writes nothing before the last check: decrypt → parse → roster
signature against the pinned admin key → manifest signature by a current team member → this
device among the recipients → every segment's hash, origin signature, chain and the origin's
role. Then one transaction merges the records, stores the segments and the roster, notes what
the sender holds (its acknowledgements), audits the merge with each origin device, and records
the bundle id, so a second import says "already applied" and changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import machine, witness
from ..db import Store, append_audit
from ..errors import BadInput
from ..ids import uuid7
from ..migrations import SCHEMA_VERSION
from . import bundle, capture, merge
from . import roster as rosters
from .bundle import Refused, canonical, sha256
from .capture import Record
from .keys import fingerprint
from .tables import forbidden_table

Progress = Callable[[str, int, int], None]
AUDIT_SAMPLE = 50


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


# Export ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    path: Path
    bundle_id: str
    changes: int
    segments: int
    recipients: int


def export(
    store: Store,
    *,
    out: Path | None = None,
    folder: Path | None = None,
    welcome: str | None = None,
    progress: Progress = _quiet,
) -> Exported:
    """Write a bundle to ``out`` or into ``folder/<device-id>/``; ``welcome`` is the request
    hash of a device being enrolled (its welcome bundle)."""
    if (out is None) == (folder is None):
        raise BadInput("Give either --out FILE or --to DIR.")
    team = rosters.require_team(store)
    me = rosters.identity(store)
    mine = team.device(store.device_id)
    if mine is None or mine["status"] != "active":
        raise BadInput("This device is not an active member of the team; it cannot send.")
    bundle_id = uuid7()
    if folder is not None:
        target_dir = folder.expanduser() / store.device_id
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise machine.os_fault(exc, folder, "use the sync folder") from None
        target = target_dir / f"{store.now().replace(':', '')}-{bundle_id}{bundle.SUFFIX}"
    else:
        assert out is not None
        target = out.expanduser()
        if target.is_dir():
            raise BadInput(f"{target} is a folder; use --to for folder mode.")
    with store.write("sync.export", bundle_id) as conn:
        store.seal()
        progress("sealing", 1, 1)
        _cut_own_segment(conn, store, me.sign_key, mine["role"])
        recipients = [d for d in team.active()]
        segments = _select_segments(conn, store.device_id, team)
        parts: list[bytes] = []
        listed = []
        changes = 0
        for number, (origin, num, first, last, header, signature) in enumerate(segments, 1):
            records = conn.execute(
                "SELECT seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change"
                " WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                (origin, first, last),
            ).fetchall()
            changes += len(records)
            parts += [bytes(header), bundle.encode_body(records), bytes(signature)]
            listed.append({"origin": origin, "number": num, "hash": sha256(bytes(header))})
            progress("packing", number, len(segments))
        manifest = canonical(
            {
                "format": bundle.FORMAT,
                "schema": SCHEMA_VERSION,
                "bundle": bundle_id,
                "kind": "welcome" if welcome else "changes",
                "welcomes": welcome,
                "sender": store.device_id,
                "created_at": store.now(),
                "recipients": [d["id"] for d in recipients],
                "vector": version_vector(conn),
                "roster_version": team.version,
                "segments": listed,
                **witness.manifest_fields(conn, store.device_id),
            }
        )
        plain = bundle.frame(
            [manifest, me.sign_key.sign(manifest), team.body, team.signature, *parts]
        )
        sealed = bundle.encrypt(plain, [d["age"] for d in recipients])
        progress("writing", 0, 1)
        bundle.write_atomically(target, sealed)
        progress("writing", 1, 1)
        conn.execute(
            "INSERT INTO sync_bundle (id, direction, peer, at, changes, file, receipt)"
            " VALUES (?, 'sent', ?, ?, ?, ?, ?)",
            (
                bundle_id,
                "team",
                store.now(),
                changes,
                str(target),
                json.dumps({"recipients": [d["id"] for d in recipients]}),
            ),
        )
    if folder is not None:
        for older in target.parent.glob(f"*{bundle.SUFFIX}"):
            if older != target:  # the newest bundle carries everything the older ones did
                older.unlink(missing_ok=True)
    return Exported(target, bundle_id, changes, len(segments), len(recipients))


def version_vector(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        origin: int(seq)
        for origin, seq in conn.execute("SELECT origin, max(seq) FROM sync_change GROUP BY origin")
    }


def _cut_own_segment(conn: sqlite3.Connection, store: Store, key: Any, role: str) -> None:
    origin = store.device_id
    row = conn.execute(
        "SELECT number, last_seq, hash FROM sync_segment WHERE origin = ?"
        " ORDER BY number DESC LIMIT 1",
        (origin,),
    ).fetchone()
    number, covered, prev = (row[0], row[1], row[2]) if row else (0, 0, "")
    last = capture.last_seq(conn, origin)
    if last <= covered:
        return
    _check_own_role(conn, origin, covered, role)
    records = conn.execute(
        "SELECT seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change"
        " WHERE origin = ? AND seq > ? ORDER BY seq",
        (origin, covered),
    ).fetchall()
    header = canonical(
        {
            "origin": origin,
            "number": number + 1,
            "first_seq": covered + 1,
            "last_seq": last,
            "count": len(records),
            "prev": prev,
            "body_sha256": sha256(bundle.encode_body(records)),
        }
    )
    conn.execute(
        "INSERT INTO sync_segment (origin, number, first_seq, last_seq, hash, header, signature)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (origin, number + 1, covered + 1, last, sha256(header), header, key.sign(header)),
    )


def _check_own_role(conn: sqlite3.Connection, origin: str, covered: int, role: str) -> None:
    """Refuse to send changes the team role of this device may not author (others would
    refuse the bundle): raw SQL can write what the store's permission checks never allow."""
    tables = conn.execute(
        "SELECT DISTINCT tbl FROM sync_change WHERE origin = ? AND seq > ?", (origin, covered)
    ).fetchall()
    table = forbidden_table(role, (t for (t,) in tables))
    if table is not None:
        raise BadInput(
            f"This device holds changes to {table} that its team role ({role}) may not "
            "author; other devices would refuse them. Ask the admin about its role."
        )


def _select_segments(
    conn: sqlite3.Connection, me: str, team: rosters.Roster
) -> list[tuple[Any, ...]]:
    peers = [d["id"] for d in team.active() if d["id"] != me]
    acked: dict[str, dict[str, int]] = {p: {} for p in peers}
    for peer, origin, seq in conn.execute("SELECT peer, origin, seq FROM sync_peer_ack"):
        if peer in acked:
            acked[peer][origin] = int(seq)
    limits = {d["id"]: d["revoked_after"] for d in team.devices if d["status"] == "revoked"}
    chosen = []
    for segment in conn.execute(
        "SELECT origin, number, first_seq, last_seq, header, signature FROM sync_segment"
        " ORDER BY origin, number"
    ):
        origin, last = segment[0], segment[3]
        if origin in limits and last > (limits[origin] or 0):
            continue  # a revoked device's changes after its revocation are not passed on
        floor = min((acked[p].get(origin, 0) for p in peers), default=last)
        if last > floor:
            chosen.append(tuple(segment))
    return chosen


# Import ----------------------------------------------------------------------------------------


@dataclass
class Receipt:
    bundle_id: str
    sender: str
    status: str  # applied | already applied | partly applied
    applied: Counter[str] = field(default_factory=Counter)
    known: Counter[str] = field(default_factory=Counter)
    deferred: Counter[str] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    gaps: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    orphans: int = 0
    file: str = ""
    joined: str | None = None  # the team name, when this was the welcome

    def as_dict(self) -> dict[str, Any]:
        tables = sorted(set(self.applied) | set(self.known) | set(self.deferred))
        return {
            "bundle": self.bundle_id,
            "sender": self.sender,
            "status": self.status,
            "file": self.file,
            "tables": [
                {
                    "table": t,
                    "applied": self.applied[t],
                    "already_known": self.known[t],
                    "deferred": self.deferred[t],
                    "in_conflict": self.conflicts[t],
                }
                for t in tables
            ],
            "gaps": self.gaps,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "orphans": self.orphans,
            "joined": self.joined,
        }


@dataclass
class _Verified:
    manifest: dict[str, Any]
    team: rosters.Roster
    roster_is_new: bool
    pin: str | None
    segments: list[tuple[dict[str, Any], bytes, bytes, list[Record]]]
    receipt: Receipt


def import_path(store: Store, path: Path, progress: Progress = _quiet) -> list[Receipt]:
    """Import a bundle file, or every other device's bundles in a sync folder; one import at
    a time (a second one is refused at once, exit 6)."""
    with store.importing():
        return _import_path(store, path, progress)


def _import_path(store: Store, path: Path, progress: Progress) -> list[Receipt]:
    path = path.expanduser()
    if path.is_dir():
        files = sorted(
            f
            for sub in sorted(path.iterdir())
            if sub.is_dir() and sub.name != store.device_id
            for f in sub.glob(f"*{bundle.SUFFIX}")
        )
        receipts = []
        for bundle_file in files:
            try:
                receipts.append(import_file(store, bundle_file, progress))
            except Refused as refusal:  # one bad file does not hold up the other devices'
                status = (
                    "not addressed to this device"
                    if refusal.check == "decryption"
                    else f"refused ({refusal.check})"
                )
                receipts.append(
                    Receipt(
                        "",
                        bundle_file.parent.name,
                        status,
                        file=str(bundle_file),
                        warnings=[str(refusal)],
                    )
                )
        return receipts
    if not path.exists():
        raise BadInput(f"There is no bundle at {path}.")
    return [import_file(store, path, progress)]


def import_file(store: Store, path: Path, progress: Progress = _quiet) -> Receipt:
    progress("decrypting", 0, 1)
    data = bundle.read_file(path)
    me = rosters.identity(store)
    plain = bundle.decrypt(data, me.age_identity)
    progress("decrypting", 1, 1)
    try:
        checked = _verify(store, plain, path, progress)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise Refused("format", "its contents are malformed.") from None
    receipt = checked.receipt
    if checked.manifest["sender"] == store.device_id:
        receipt.status = "sent by this device"
        return receipt
    if receipt.status == "already applied":
        return receipt
    _apply(store, checked, progress)
    return receipt


def _verify(store: Store, plain: bytes, path: Path, progress: Progress) -> _Verified:
    parts = bundle.unframe(plain)
    if len(parts) < 4 or (len(parts) - 4) % 3:
        raise Refused("format", "the bundle's parts are incomplete.")
    try:
        manifest = json.loads(parts[0])
        fmt = int(manifest["format"])
    except (ValueError, KeyError, TypeError):
        raise Refused("format", "the manifest is unreadable.") from None
    if fmt > bundle.FORMAT:
        raise Refused(
            "format", f"it was written in bundle format {fmt}; upgrade Schildwacht to read it."
        )
    team, roster_is_new, pin = _check_roster(store, manifest, parts[2], parts[3])
    sender = team.device(str(manifest.get("sender")))
    if sender is None:
        raise Refused("sender", "it was sent by a device outside this team.")
    if not bundle.verified(sender["sign"], parts[1], parts[0]):
        raise Refused("manifest signature", "the manifest is not signed by its sender.")
    if sender["status"] != "active":
        raise Refused("sender", f"its sender {sender['label']} has been revoked.")
    vector = manifest.get("vector")
    if not isinstance(vector, dict) or not all(
        isinstance(k, str) and type(v) is int for k, v in vector.items()
    ):
        raise Refused("format", "the manifest's version vector is malformed.")
    recipients = manifest.get("recipients")
    if not isinstance(recipients, list) or store.device_id not in recipients:
        raise Refused("recipient", "this device is not among its recipients.")
    receipt = Receipt(str(manifest["bundle"]), sender["label"], "applied", file=str(path))
    if store.one(
        "SELECT 1 FROM sync_bundle WHERE id = ? AND direction = 'received'", (receipt.bundle_id,)
    ):  # authentic and already applied: nothing more to check or do
        receipt.status = "already applied"
        return _Verified(manifest, team, False, None, [], receipt)
    listed = manifest.get("segments", [])
    triples = [parts[i : i + 3] for i in range(4, len(parts), 3)]
    if len(listed) != len(triples):
        raise Refused("segment hash", "the manifest does not list the segments it carries.")
    known = _known_segments(store)
    chain: dict[tuple[str, int], str] = {k: v[0] for k, v in known.items()}
    segments = []
    decoded = []
    for index, ((header_bytes, body, signature), entry) in enumerate(
        zip(triples, listed, strict=True)
    ):
        if sha256(header_bytes) != entry.get("hash"):
            raise Refused("segment hash", f"segment {index + 1} is not the one the manifest lists.")
        try:
            header = json.loads(header_bytes)
            origin, number = str(header["origin"]), int(header["number"])
            int(header["first_seq"]), int(header["last_seq"])
        except (ValueError, KeyError, TypeError):
            raise Refused("format", f"segment {index + 1} has an unreadable header.") from None
        if sha256(body) != header.get("body_sha256"):
            raise Refused("segment hash", f"segment {index + 1}'s changes do not match its hash.")
        author = team.device(origin)
        if author is None:
            raise Refused("origin", f"segment {index + 1} claims an origin outside the team.")
        if not bundle.verified(author["sign"], signature, header_bytes):
            raise Refused(
                "origin signature",
                f"segment {index + 1} is not signed by {author['label']}, the device it names.",
            )
        if (origin, number) in chain and chain[(origin, number)] != sha256(header_bytes):
            raise Refused(
                "chain", f"segment {number} of {author['label']} differs from the one held here."
            )
        chain[(origin, number)] = sha256(header_bytes)
        decoded.append((header, header_bytes, signature, body, author))
        progress("verifying", index + 1, len(triples))
    for header, header_bytes, signature, body, author in sorted(
        decoded, key=lambda d: (d[0]["origin"], d[0]["number"])
    ):
        origin, number = header["origin"], header["number"]
        if (origin, number) in known:
            for table, count in Counter(r[3] for r in _decode(body, origin, author)).items():
                receipt.known[table] += count
            continue
        previous = chain.get((origin, number - 1), "") if number > 1 else ""
        if number > 1 and (origin, number - 1) not in known:
            receipt.gaps.append(f"{author['label']}: segment {number - 1} missing")
            continue
        if header.get("prev") != previous:
            raise Refused("chain", f"segment {number} of {author['label']} does not chain.")
        if author["status"] == "revoked" and header["last_seq"] > (author["revoked_after"] or 0):
            receipt.rejected.append(f"{author['label']}: changes after its revocation")
            continue
        records = _decode(body, origin, author)
        if not _agrees(store, origin, records):
            raise Refused(
                "chain",
                f"{author['label']}'s changes from number {header['first_seq']} differ from the "
                "ones held here. If this database was restored from a backup, changes made "
                "since the restore reuse numbers the team already has: restore again and import "
                "from the team before working.",
            )
        expected = list(range(header["first_seq"], header["last_seq"] + 1))
        if [r[1] for r in records] != expected:
            raise Refused("chain", f"segment {number} of {author['label']} has gaps in it.")
        _check_role(author, records)
        segments.append((header, header_bytes, signature, records))
        known[(origin, number)] = (sha256(header_bytes), header["last_seq"])
    return _Verified(manifest, team, roster_is_new, pin, segments, receipt)


def _agrees(store: Store, origin: str, records: list[Record]) -> bool:
    """Records of an unknown segment that this database already holds (its own changes not
    yet cut into a segment, when it was restored from a backup) must be the same ones."""
    have = capture.last_seq(store.conn, origin)
    overlap = [tuple(r) for r in records if r[1] <= have]
    if not overlap:
        return True
    held = store.tuples(
        "SELECT origin, seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change"
        " WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
        (origin, overlap[0][1], overlap[-1][1]),
    )
    return held == overlap


def _decode(body: bytes, origin: str, author: dict[str, Any]) -> list[Record]:
    try:
        return bundle.decode_body(body, origin)
    except (ValueError, KeyError, TypeError):
        raise Refused("format", f"a segment of {author['label']} is unreadable.") from None


def _check_role(author: dict[str, Any], records: list[Record]) -> None:
    role = author["role"]
    table = forbidden_table(role, {r[3] for r in records})
    if table is not None:
        raise Refused(
            "role",
            f"{author['label']} is a {role.replace('_', ' ')} device and may not author "
            f"changes to {table}.",
        )


def _check_roster(
    store: Store, manifest: dict[str, Any], body: bytes, signature: bytes
) -> tuple[rosters.Roster, bool, str | None]:
    pinned = rosters.pinned_admin_key(store)
    held = rosters.current(store)
    if pinned is None:
        waiting = {r[0] for r in store.query("SELECT hash FROM sync_request")}
        offered = rosters.parse(body, signature, None)
        if manifest.get("kind") != "welcome" or offered.data.get("welcomes") not in waiting:
            raise Refused(
                "team",
                "this device is in no team yet; only the welcome bundle for its own enrolment "
                "request can be imported.",
            )
        return offered, True, offered.data["admin"]
    try:
        offered = rosters.parse(body, signature, pinned)
    except Exception as exc:
        raise Refused("roster signature", str(exc)) from None
    if held is None or offered.version > held.version:
        return offered, True, None
    return held, False, None


def _known_segments(store: Store) -> dict[tuple[str, int], tuple[str, int]]:
    return {
        (r[0], int(r[1])): (r[2], int(r[3]))
        for r in store.tuples("SELECT origin, number, hash, last_seq FROM sync_segment")
    }


def _apply(store: Store, checked: _Verified, progress: Progress) -> None:
    receipt = checked.receipt
    with store.merging() as conn:  # local changes sealed first; R1 lets only this one through
        _merge_all(store, conn, checked, progress)
    if receipt.gaps:
        receipt.status = "partly applied"


def _merge_all(
    store: Store, conn: sqlite3.Connection, checked: _Verified, progress: Progress
) -> None:
    receipt, manifest = checked.receipt, checked.manifest
    now_ms = store.now_ms()
    open_before = {
        r[0] for r in conn.execute("SELECT id FROM sync_conflict WHERE resolved_at IS NULL")
    }
    retry = conn.execute(
        "SELECT c.origin, c.seq, c.hlc, c.tbl, c.pk, c.col, c.val, c.cl, c.prev, c.actor"
        " FROM sync_deferred d JOIN sync_change c USING (origin, seq)"
    ).fetchall()
    fresh: list[Record] = []
    for header, _hb, _sig, records in checked.segments:
        have = capture.last_seq(conn, header["origin"])
        new = [r for r in records if r[1] > have]
        for r in records[: len(records) - len(new)]:
            receipt.known[r[3]] += 1
        fresh.extend(new)
    fresh.sort(key=lambda r: (r[2], r[0], r[1]))
    progress("applying", 0, len(fresh))
    capture.store_records(conn, fresh)
    conn.execute("DELETE FROM sync_deferred")
    outcome = merge.merge(conn, [tuple(r) for r in retry] + fresh, now_ms)
    conn.executemany(
        "INSERT INTO sync_deferred (origin, seq, reason) VALUES (?, ?, ?)", outcome.deferred
    )
    progress("applying", len(fresh), len(fresh))
    tables = {(r[0], r[1]): r[3] for r in fresh}
    for r in fresh:
        receipt.applied[r[3]] += 1
    for origin, seq, _reason in outcome.deferred:
        table = tables.get((origin, seq))
        if table is not None:  # (a retried record deferred again is not news)
            receipt.applied[table] -= 1
            receipt.deferred[table] += 1
    for header, header_bytes, signature, _records in checked.segments:
        conn.execute(
            "INSERT INTO sync_segment (origin, number, first_seq, last_seq, hash, header,"
            " signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                header["origin"],
                header["number"],
                header["first_seq"],
                header["last_seq"],
                sha256(header_bytes),
                header_bytes,
                signature,
            ),
        )
    now = store.now()
    if checked.roster_is_new:
        rosters.accept(conn, checked.team, now)
        if checked.pin:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (rosters.ADMIN_KEY, checked.pin),
            )
            receipt.joined = f"{checked.team.data['name']} (admin key {fingerprint(checked.pin)})"
    sender = str(manifest["sender"])
    for origin, seq in dict(manifest.get("vector", {})).items():
        conn.execute(
            "INSERT INTO sync_peer_ack (peer, origin, seq) VALUES (?, ?, ?) ON CONFLICT (peer,"
            " origin) DO UPDATE SET seq = max(seq, excluded.seq)",
            (sender, str(origin), int(seq)),
        )
    if fresh:
        capture.observe_hlc(conn, max(r[2] for r in fresh), now_ms)
    for origin, stamp in outcome.ahead.items():
        label = (checked.team.device(origin) or {"label": origin})["label"]
        receipt.warnings.append(f"{label}'s clock is more than a day ahead; its changes wait")
        conn.execute(
            "INSERT INTO sync_skew (origin, hlc, seen_at) VALUES (?, ?, ?) ON CONFLICT (origin)"
            " DO UPDATE SET hlc = excluded.hlc, seen_at = excluded.seen_at",
            (origin, stamp, now),
        )
    for conflict_id, table in conn.execute(
        "SELECT id, table_name FROM sync_conflict WHERE resolved_at IS NULL"
    ).fetchall():
        if conflict_id not in open_before:
            receipt.conflicts[table] += 1
    receipt.orphans = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    receipt.warnings += witness.observe(store, conn, manifest, witness.labels(store))
    _audit(store, conn, checked, fresh)
    conn.execute(
        "INSERT INTO sync_bundle (id, direction, peer, at, changes, file, receipt)"
        " VALUES (?, 'received', ?, ?, ?, ?, ?)",
        (
            receipt.bundle_id if not receipt.gaps else f"{receipt.bundle_id}/{uuid7()}",
            sender,
            now,
            len(fresh),
            receipt.file,
            json.dumps(receipt.as_dict()),
        ),
    )


def _audit(store: Store, conn: sqlite3.Connection, checked: _Verified, fresh: list[Record]) -> None:
    """One audit event per origin device whose changes were merged, then one for the import."""
    now = store.now()
    importer = store.user or "system"
    by_origin: dict[str, list[Record]] = {}
    for record in fresh:
        by_origin.setdefault(record[0], []).append(record)
    for origin, records in sorted(by_origin.items()):
        actors = sorted({r[9] for r in records})
        append_audit(
            conn,
            now,
            ",".join(actors[:5]),
            origin,
            "sync.merge",
            checked.receipt.bundle_id,
            {
                "origin": origin,
                "seq": [records[0][1], records[-1][1]],
                "tables": dict(Counter(r[3] for r in records)),
                "changes": [
                    {"table": r[3], "key": r[4], "field": r[5], "value": r[6], "actor": r[9]}
                    for r in records[:AUDIT_SAMPLE]
                ],
                "changes_total": len(records),
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
        {"sender": checked.manifest["sender"], "changes": len(fresh)},
    )
