"""Verifying a decrypted bundle before anything is written, failing closed.

In order: the framing; the manifest; the roster's signature against the pinned admin key; the
manifest's signature by a current team member; this device among the recipients; then every
segment's hash, its origin's signature and its place in that origin's chain. A segment this
laptop holds already is skipped; one whose predecessor is missing waits (a gap). A new segment
must carry exactly its numbered records, well-typed, with a clock that never runs backwards.

Whether each *change* is allowed is not decided here but by the judge, after this: a validly
signed segment is stored whole (so sequence numbers and relaying are unaffected) and its
changes are applied, deferred or quarantined one by one. Only an origin with more than
``MAX_DEFERRED_PER_ORIGIN`` changes waiting here is set aside (its own bundles refused) until
someone acts, and so is a segment whose records of a table or field this version does not know
would take it past that limit: it is stopped before anything is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import rules
from ..db import Store
from ..validate import json_document, visible
from . import bundle, capture, forks, log, restored
from . import quarantine as kept
from . import roster as rosters
from .bundle import Refused, sha256
from .change import EXISTENCE, Run, changes_of
from .forks import Branch, Proof
from .notice import Notice, notice
from .receipt import Receipt, Result

Progress = Callable[[str, int, int], None]


@dataclass
class Segment:
    """One verified segment of a bundle: one origin's runs of changes, signed by that origin.

    Attributes:
        header: the segment's header read (origin, number, first_seq, last_seq, prev,
            body_sha256, body_bytes).
        header_bytes: the header as signed.
        signature: the origin's Ed25519 signature of ``header_bytes``.
        runs: the change runs its body carries.
    """

    header: dict[str, Any]
    header_bytes: bytes
    signature: bytes
    runs: list[Run]


@dataclass
class Verified:
    """A bundle that passed every check of ``verify``, ready to judge and apply.

    Attributes:
        manifest: the bundle's manifest read (sender, bundle id, roster…).
        team: the roster to judge it by (the bundle's, when newer).
        roster_is_new: the bundle carries a roster newer than this device's.
        pin: the admin key to pin (a welcome bundle), or None.
        receipt: the receipt being filled.
        segments: the segments new to this device.
        forks: proofs that an origin forked its chain, new or carried (``forks.py``).
    """

    manifest: dict[str, Any]
    team: rosters.Roster
    roster_is_new: bool
    pin: str | None
    receipt: Receipt
    segments: list[Segment] = field(default_factory=list)
    forks: list[forks.Proof] = field(default_factory=list)
    #: the alarm when the bundle's roster is a twin of the one held (an admin fork)
    admin_fork: Notice | None = None
    #: proofs that this laptop itself forked its chain (``forks.note_own``)
    own_forks: list[Proof] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    signed: tuple[bytes, bytes] | None = None  # the manifest as signed, and its signature

    @property
    def sender(self) -> str:
        """The device id of the bundle's sender (its manifest)."""
        return str(self.manifest["sender"])


def verify(store: Store, plain: bytes, path: Path, progress: Progress) -> Verified:
    """Every check of a decrypted bundle before the import's transaction opens: its frame and
    manifest, the sender and the roster it carries, each new segment's signature, digest,
    sequence and clock.

    Args:
        store: the database.
        plain: the decrypted file.
        path: the file, for the receipt.
        progress: called with (stage, done, total).

    Returns:
        The bundle verified, with the segments new to this device and its receipt begun.

    Raises:
        Refused: the failed check (``Refused.check``); nothing written.
        IntegrityFailure: a welcome bundle's roster is malformed or not signed by its admin
            key (``roster.parse``); nothing written.
    """
    try:
        return _verify(store, plain, path, progress)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise Refused("format", code="bundle_malformed") from None


def _verify(store: Store, plain: bytes, path: Path, progress: Progress) -> Verified:
    parts = bundle.unframe(plain)
    if len(parts) < 4 or (len(parts) - 4) % 3:
        raise Refused("format", code="bundle_parts_incomplete")
    manifest = _manifest(parts[0])
    fork_alarm = _admin_fork(store, parts[2], parts[3])
    team, roster_is_new, pin = _check_roster(store, manifest, parts[2], parts[3])
    sender = _check_sender(store, team, manifest, parts)
    receipt = Receipt(
        str(manifest["bundle"]),
        sender["label"],
        Result.APPLIED,
        origin=sender["id"],
        file=str(path),
    )
    receipt.labels = {d["id"]: d["label"] for d in team.devices}
    checked = Verified(manifest, team, roster_is_new, pin, receipt, signed=(parts[0], parts[1]))
    if fork_alarm is not None:
        receipt.alarms.append(fork_alarm)
        checked.admin_fork = fork_alarm
    if sender["id"] == store.device_id:
        receipt.result = Result.SENT_HERE
    elif store.one(
        "SELECT 1 FROM sync_bundle WHERE id = ? AND direction = 'received'", (receipt.bundle_id,)
    ):  # authentic and already applied: nothing more to check or do
        receipt.result = Result.ALREADY_APPLIED
    else:
        checked.forks = _carried_forks(store, team, manifest)
        checked.own_forks = _own_forks(store, team, manifest)
        checked.segments = _new_segments(store, checked, parts, progress)
    return checked


def _manifest(part: bytes) -> dict[str, Any]:
    try:
        manifest = json_document(part, "the manifest", max_depth=8)
        fmt = int(manifest["format"])
    except (ValueError, KeyError, TypeError):
        raise Refused("format", code="bundle_manifest_unreadable") from None
    if fmt > bundle.FORMAT:
        raise Refused("format", code="bundle_newer_format", format=fmt)
    if not isinstance(manifest, dict):
        raise Refused("format", code="bundle_manifest_unreadable")
    return manifest


def _check_sender(
    store: Store, team: rosters.Roster, manifest: dict[str, Any], parts: list[bytes]
) -> dict[str, Any]:
    sender = team.device(str(manifest.get("sender")))
    if sender is None:
        raise Refused("sender", code="bundle_sender_outside")
    if not bundle.verified(sender["sign"], parts[1], parts[0]):
        raise Refused("manifest signature", code="bundle_manifest_unsigned")
    if sender["status"] != "active":
        label = visible(sender["label"])
        raise Refused("sender", code="bundle_sender_revoked", label=label)
    vector = manifest.get("vector")
    if not isinstance(vector, dict) or not all(
        isinstance(k, str) and type(v) is int for k, v in vector.items()
    ):
        raise Refused("format", code="bundle_vector_malformed")
    recipients = manifest.get("recipients")
    if not isinstance(recipients, list) or store.device_id not in recipients:
        raise Refused("recipient", code="bundle_not_recipient")
    return sender


def inner_refusal(exc: Exception) -> dict[str, Any]:
    """The facts of a refusal carried inside another one (a bundle refused because of it): its
    ``refusal`` code and params, which ``words.errors`` words; its English (``why``) only when
    it has no code (another library's error, whose text is all there is to say).

    Args:
        exc: the refusal (a ``StoreError``) or another error.

    Returns:
        The params to give the outer refusal.
    """
    code = getattr(exc, "code", None)
    facts: dict[str, Any] = {**getattr(exc, "params", {}), "refusal": code}
    if code is None:
        facts["why"] = str(exc)
    return facts


def _check_roster(
    store: Store, manifest: dict[str, Any], body: bytes, signature: bytes
) -> tuple[rosters.Roster, bool, str | None]:
    pinned = rosters.pinned_admin_key(store)
    held = rosters.current(store)
    if pinned is None:
        waiting = {r[0] for r in store.query("SELECT hash FROM sync_request")}
        offered = rosters.parse(body, signature, None)
        if manifest.get("kind") != "welcome" or offered.data.get("welcomes") not in waiting:
            raise Refused("team", code="bundle_no_team_yet")
        return offered, True, offered.data["admin"]
    try:
        offered = rosters.parse(body, signature, pinned)
    except Exception as exc:
        why = inner_refusal(exc)
        raise Refused("roster signature", code="bundle_roster_refused", **why) from None
    if held is None or offered.version > held.version:
        return offered, True, None
    if rosters.twin(held, offered):  # an admin fork: every laptop keeps the same one
        kept = rosters.preferred(held, offered)
        return kept, kept is offered, None
    return held, False, None


def _admin_fork(store: Store, body: bytes, signature: bytes) -> Notice | None:
    """The alarm when the bundle's roster and the one held here are two different rosters of
    one version, both signed by the admin (an admin fork), else None."""
    held, pinned = rosters.current(store), rosters.pinned_admin_key(store)
    if held is None or pinned is None:
        return None
    try:
        offered = rosters.parse(body, signature, pinned)
    except Exception:  # refused by ``_check_roster``, in its words
        return None
    if not rosters.twin(held, offered):
        return None
    kept = rosters.preferred(held, offered)
    other = offered if kept is held else held
    dropped = sorted(str(d["label"]) for d in other.devices if kept.device(d["id"]) is None)
    return notice(
        "alarm_admin_fork",
        version=held.version,
        fingerprint=sha256(kept.body)[:12],
        dropped=dropped,
    )


# Segments --------------------------------------------------------------------------------------


@dataclass
class _Signed:
    header: dict[str, Any]
    header_bytes: bytes
    body: bytes
    signature: bytes
    author: dict[str, Any]
    compressed: bool  # a format 2 bundle's body: zlib
    differs: bool = False  # this laptop holds another segment of the origin under its number
    branch: bool = False  # listed as a forking laptop's branch (``forks.branch_parts``)

    @property
    def origin(self) -> str:
        return str(self.header["origin"])

    @property
    def number(self) -> int:
        return int(self.header["number"])


def _new_segments(
    store: Store, checked: Verified, parts: list[bytes], progress: Progress
) -> list[Segment]:
    team, manifest, receipt = checked.team, checked.manifest, checked.receipt
    known = _known_segments(store)
    outside: list[str] = []
    signed = _signed_segments(team, manifest, parts, known, progress, store.device_id, outside)
    if outside:
        receipt.warnings.append(
            notice("outside_roster", segments=len(outside), devices=len(set(outside)))
        )
    chain = {k: v[0] for k, v in known.items()} | {
        (s.origin, s.number): sha256(s.header_bytes) for s in signed
    }
    headers = {(s.origin, s.number): (s.header_bytes, s.signature) for s in signed}
    cuts = forks.cuts([*forks.held(store.conn), *checked.forks])
    waiting = kept.deferred_by_origin(store.conn)
    newer = kept.newer_by_origin(store.conn)
    segments = []
    for segment in sorted(signed, key=lambda s: (s.origin, s.number)):
        label = visible(segment.author["label"])
        fork = _fork_of(store, segment, headers)
        if fork is not None:
            checked.forks.append(fork)
            cuts = forks.cuts([*forks.held(store.conn), *checked.forks])
        if segment.origin in cuts and segment.header["last_seq"] > cuts[segment.origin]:
            _keep_branch(store, checked, segment)
            continue  # the forking laptop's records after the fork: set aside
        if segment.branch:
            continue  # another laptop's branch of an origin not known here to fork
        if (segment.origin, segment.number) in known:
            for run in log.read(
                store.conn, segment.origin, segment.header["first_seq"], segment.header["last_seq"]
            ):
                receipt.skipped[run.tbl] += len(run.cols)
            continue
        if segment.number > 1 and (segment.origin, segment.number - 1) not in known:
            receipt.gaps.append(
                notice("segment_missing", label=segment.author["label"], number=segment.number - 1)
            )
            continue
        if waiting.get(segment.origin, 0) > kept.MAX_DEFERRED_PER_ORIGIN:
            counts = (waiting[segment.origin], 0, newer.get(segment.origin, 0))
            _too_many_waiting(segment, manifest, counts, receipt)
            continue
        previous = chain.get((segment.origin, segment.number - 1), "") if segment.number > 1 else ""
        try:
            if segment.header.get("prev") != previous:
                raise Refused(
                    "chain", code="bundle_segment_unchained", number=segment.number, label=label
                )
            runs = _checked_runs(store, segment)
        except Refused as refusal:  # named, so the refused segment is shown until it is held
            refusal.segment = {
                "device": segment.origin,
                "number": segment.number,
                "first": int(segment.header["first_seq"]),
                "last": int(segment.header["last_seq"]),
            }
            raise
        unknown = _unknown_to_this_version(runs)
        if unknown and waiting.get(segment.origin, 0) + unknown > kept.MAX_DEFERRED_PER_ORIGIN:
            # stopped before it is stored: it and the origin's later segments (then a gap)
            held = waiting.get(segment.origin, 0)
            counts = (held, unknown, newer.get(segment.origin, 0) + unknown)
            _too_many_waiting(segment, manifest, counts, receipt)
            continue
        waiting[segment.origin] = waiting.get(segment.origin, 0) + unknown
        newer[segment.origin] = newer.get(segment.origin, 0) + unknown
        segment.body = b""  # decoded: only the runs are kept
        segments.append(Segment(segment.header, segment.header_bytes, segment.signature, runs))
        known[(segment.origin, segment.number)] = (
            sha256(segment.header_bytes),
            runs[-1].last if runs else 0,
        )
    return segments


def _keep_branch(store: Store, checked: Verified, segment: _Signed) -> None:
    """A forking laptop's segment after its cut: kept aside as signed (``forks.set_aside``)
    unless it is held there already; one whose records cannot be read is dropped (on every
    laptop alike)."""
    digest = sha256(segment.header_bytes)
    held = store.one(
        "SELECT 1 FROM sync_fork_segment WHERE origin = ? AND hash = ?", (segment.origin, digest)
    )
    if held is not None or any(b.hash == digest for b in checked.branches):
        return
    checked.receipt.forked[segment.origin] = checked.receipt.forked.get(segment.origin, 0) + 1
    try:
        runs = _decode(segment)
    except Refused:
        return
    body = segment.body if segment.compressed else bundle.compressed([segment.body])[0]
    checked.branches.append(
        Branch(segment.origin, segment.header_bytes, body, segment.signature, tuple(runs))
    )


def _fork_of(
    store: Store, segment: _Signed, headers: dict[tuple[str, int], tuple[bytes, bytes]]
) -> forks.Proof | None:
    """A proof that another laptop forked its chain, if this segment contradicts one held here
    or carried beside it: another segment under its number, or a predecessor it does not
    follow."""
    if segment.origin == store.device_id:
        return None
    mine = (segment.header_bytes, segment.signature)
    for number in (segment.number, segment.number - 1):
        other = _held_header(store, segment.origin, number) or headers.get((segment.origin, number))
        if other is not None and other != mine:
            found = forks.proof(segment.origin, other, mine)
            if found is not None:
                return found
    return None


def _held_header(store: Store, origin: str, number: int) -> tuple[bytes, bytes] | None:
    row = store.one(
        "SELECT header, signature FROM sync_segment WHERE origin = ? AND number = ?",
        (origin, number),
    )
    return None if row is None else (bytes(row[0]), bytes(row[1]))


def _own_forks(store: Store, team: rosters.Roster, manifest: dict[str, Any]) -> list[forks.Proof]:
    """The fork proofs a manifest carries about this laptop itself (both headers signed by its
    own key): it was restored from an old copy and the team sets aside what it wrote after the
    cut; it is told so (``forks.note_own``). Anything else is ignored."""
    listed = manifest.get("forks", [])
    device = team.device(store.device_id)
    if not isinstance(listed, list) or device is None:
        return []
    found = [forks.parse(value) for value in listed[: forks.MAX_PROOFS * 4]]
    return [
        p
        for p in found
        if p is not None and p.origin == store.device_id and forks.verified(p, device["sign"])
    ]


def _carried_forks(
    store: Store, team: rosters.Roster, manifest: dict[str, Any]
) -> list[forks.Proof]:
    """The fork proofs a manifest carries that hold (both headers signed by the origin they
    name, and contradicting), with those they lead to here: a carried header that contradicts
    one this laptop holds is a proof of an earlier fork. Anything else is ignored."""
    listed = manifest.get("forks", [])
    found: list[forks.Proof] = []
    if not isinstance(listed, list):
        return found
    for value in listed[: forks.MAX_PROOFS * 4]:
        proof = forks.parse(value)
        device = team.device(proof.origin) if proof is not None else None
        if proof is None or device is None or proof.origin == store.device_id:
            continue
        if not forks.verified(proof, device["sign"]):
            continue
        found.append(proof)
        for header, signature in ((proof.first, proof.first_sig), (proof.second, proof.second_sig)):
            number = int(json_document(header, "a segment header", max_depth=4)["number"])
            for held_number in (number, number - 1, number + 1):
                other = _held_header(store, proof.origin, held_number)
                if other is not None and other != (header, signature):
                    more = forks.proof(proof.origin, other, (header, signature))
                    if more is not None:
                        found.append(more)
    return found


def _signed_segments(
    team: rosters.Roster,
    manifest: dict[str, Any],
    parts: list[bytes],
    known: dict[tuple[str, int], tuple[str, int]],
    progress: Progress,
    own: str,
    outside: list[str] | None = None,
) -> list[_Signed]:
    """Every segment's hash against the manifest and its origin's signature; the origins of
    segments by devices outside the roster go to ``outside`` (those are not taken in)."""
    outside = [] if outside is None else outside
    listed = manifest.get("segments", [])
    triples = [parts[i : i + 3] for i in range(4, len(parts), 3)]
    if not isinstance(listed, list) or len(listed) != len(triples):
        raise Refused("segment hash", code="bundle_segments_unlisted")
    compressed = int(manifest["format"]) >= 2
    budget = bundle.Budget()
    signed = []
    for index, ((header_bytes, body, signature), entry) in enumerate(
        zip(triples, listed, strict=True)
    ):
        if sha256(header_bytes) != entry.get("hash"):
            raise Refused("segment hash", code="bundle_segment_unlisted", segment=index + 1)
        header = _header(header_bytes, index)
        if _body_digest(header, body, compressed, budget, index) != header.get("body_sha256"):
            raise Refused("segment hash", code="bundle_segment_hash", segment=index + 1)
        author = team.device(str(header["origin"]))
        if author is None:  # never signed into this roster (an admin fork's other roster)
            outside.append(str(header["origin"]))
            continue
        if not bundle.verified(author["sign"], signature, header_bytes):
            raise Refused(
                "origin signature",
                code="bundle_segment_unsigned",
                segment=index + 1,
                label=visible(author["label"]),
            )
        held = known.get((str(header["origin"]), int(header["number"])))
        differs = held is not None and held[0] != sha256(header_bytes)
        branch = entry.get("branch") is True
        if branch and header["origin"] == own:
            continue  # this laptop's own branches: it holds its own history
        if differs and header["origin"] == own:
            raise Refused(
                "chain",
                code="bundle_own_segment_differs",
                number=header["number"],
                label=visible(author["label"]),
            )
        signed.append(
            _Signed(header, header_bytes, body, signature, author, compressed, differs, branch)
        )
        progress("verifying", index + 1, len(triples))
    return signed


def _body_digest(
    header: dict[str, Any], body: bytes, compressed: bool, budget: bundle.Budget, index: int
) -> str | None:
    """The SHA-256 of the body as encoded, decompressed in bounded chunks and never held whole
    (None: it does not decompress to the length its signed header gives)."""
    if not compressed:
        return sha256(body)
    declared = header.get("body_bytes")
    if declared is not None and declared > budget.left:
        raise Refused("size", code="bundle_segment_too_large", segment=index + 1)
    limit = budget.left if declared is None else declared
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in bundle.inflate(body, limit):
            digest.update(chunk)
            size += len(chunk)
    except bundle.TooLarge:
        if declared is None:
            raise Refused("size", code="bundle_changes_too_large") from None
        return None
    except ValueError:
        return None
    if declared is not None and size != declared:
        return None
    budget.left -= size
    return digest.hexdigest()


def _header(header_bytes: bytes, index: int) -> dict[str, Any]:
    try:
        header = json_document(header_bytes, "a segment header", max_depth=4)
        str(header["origin"]), int(header["number"])
        if type(header["first_seq"]) is not int or type(header["last_seq"]) is not int:
            raise TypeError
        declared = header.get("body_bytes")
        if declared is not None and (type(declared) is not int or declared < 0):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Refused("format", code="bundle_segment_header", segment=index + 1) from None
    if header.get("encoding", 1) not in (1, bundle.ENCODING):
        raise Refused("format", code="bundle_segment_encoding", segment=index + 1)
    return dict(header)


def _checked_runs(store: Store, segment: _Signed) -> list[Run]:
    """The new segment's runs: exactly its numbers, its clock never running backwards, and
    (for a laptop restored from a backup) the same records as any it holds already."""
    label = visible(segment.author["label"])
    runs = _decode(segment)
    _numbered(segment, runs)
    if not _agrees(store, segment.origin, runs):
        raise Refused(
            "chain", code="bundle_changes_differ", label=label, first=segment.header["first_seq"]
        )
    if not _clock_in_order(store, runs):
        raise Refused("format", code="bundle_clock_backwards", label=label)
    return runs


def _numbered(segment: _Signed, runs: list[Run]) -> None:
    """A segment's runs carry exactly its numbers, in order, else the refusal (chain)."""
    expected = segment.header["first_seq"]
    for run in runs:
        if run.seq != expected:
            break
        expected = run.last + 1
    else:
        if expected == segment.header["last_seq"] + 1:
            return
    label = visible(segment.author["label"])
    raise Refused("chain", code="bundle_segment_gaps", number=segment.number, label=label)


def as_received(
    team: rosters.Roster, header_bytes: bytes, body: bytes, signature: bytes, before: int = 0
) -> list[Run]:
    """A format 2 segment as a laptop that does not hold it yet reads it, through the checks
    ``verify`` makes: the body's length and hash against the signed header, the origin's
    signature, the runs decoded, exactly the header's numbers, a clock never running backwards
    (from ``before``, the clock of the origin's record before it). The exporter runs it on every
    segment it packs, so no laptop writes a bundle it would refuse itself.

    Args:
        team: the roster (the origin's signing key).
        header_bytes: the segment's header as signed.
        body: its body (zlib-compressed runs).
        signature: the origin's signature of the header.
        before: the clock of the origin's record before this segment (0: none).

    Returns:
        The segment's runs.

    Raises:
        Refused: the check it fails.
    """
    try:
        listed = {"format": bundle.FORMAT, "segments": [{"hash": sha256(header_bytes)}]}
        parts = [b"", b"", b"", b"", header_bytes, body, signature]
        (segment,) = _signed_segments(team, listed, parts, {}, _quietly, "")
        runs = _decode(segment)
        _numbered(segment, runs)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise Refused("format", code="bundle_malformed") from None
    for run in runs:
        if run.hlc < before:
            label = visible(segment.author["label"])
            raise Refused("format", code="bundle_clock_backwards", label=label)
        before = run.hlc
    return runs


def _quietly(_stage: str, _done: int, _total: int) -> None:
    return None


def _decode(segment: _Signed) -> list[Run]:
    try:
        chunks: Iterable[bytes] = (
            bundle.inflate(segment.body, bundle.MAX_PAYLOAD_BYTES)
            if segment.compressed
            else [segment.body]
        )
        if segment.header.get("encoding", 1) == 1:
            return bundle.runs_of_v1(chunks, segment.origin)
        return list(bundle.decode_runs(bundle.lines(chunks, bounded=True), segment.origin))
    except bundle.Oversized as too_large:
        raise _oversized(segment, too_large) from None
    except (ValueError, KeyError, TypeError):
        label = visible(segment.author["label"])
        raise Refused("format", code="bundle_segment_unreadable", label=label) from None


def _oversized(segment: _Signed, too_large: bundle.Oversized) -> Refused:
    """A segment carrying a change larger than any store writes (``bundle.Oversized``), refused
    as damaged: nothing of it is stored, so no laptop passes it on, and its origin's later
    segments wait behind it."""
    label = visible(segment.author["label"])
    table, column = visible(too_large.table), visible(too_large.column)
    return Refused(
        "damaged",
        code="bundle_change_too_large",
        label=label,
        number=segment.number,
        table=table,
        field=column,
        part=too_large.part,
        limit=too_large.limit,
    )


def _agrees(store: Store, origin: str, runs: list[Run]) -> bool:
    """Records of an unknown segment that this database already holds (its own changes not
    yet cut into a segment, when it was restored from a backup) must be the same ones."""
    have = capture.last_seq(store.conn, origin)
    if origin == store.device_id and restored.held(store.conn, origin) is not None:
        have = min(have, restored.held(store.conn, origin) or 0)  # the rest came back
    if not runs or runs[0].seq > have:
        return True
    overlap = [tuple(r) for r in changes_of(runs) if r.seq <= have]
    held = [tuple(r) for r in changes_of(log.read(store.conn, origin, runs[0].seq, have))]
    return held == overlap


def _clock_in_order(store: Store, runs: list[Run]) -> bool:
    """A device's clock never runs backwards from one change to the next (so one write's
    changes are consecutive numbers: the judge reads them as one change set)."""
    if not runs:
        return True
    last = log.hlc_at(store.conn, runs[0].origin, runs[0].seq - 1) or 0
    for run in runs:
        if run.hlc < last:
            return False
        last = run.hlc
    return True


def _unknown_to_this_version(runs: Iterable[Run]) -> int:
    """How many of these records will wait here whatever comes later: of a table or a field
    this version does not know (a newer version's), until Schildwacht is upgraded."""
    count = 0
    for run in runs:
        rule = rules.table(run.tbl)
        count += sum(1 for col in run.cols if rule is None or col not in (*rule.fields, EXISTENCE))
    return count


def _too_many_waiting(
    segment: _Signed, manifest: dict[str, Any], counts: tuple[int, int, int], receipt: Receipt
) -> None:
    """An origin whose changes pile up unapplied here (``counts``: those held waiting, those
    of this segment that would wait, never stored, and how many of all those are of a newer
    version): set aside until someone acts."""
    label = visible(segment.author["label"])
    too_many_waiting(segment.origin, label, str(manifest.get("sender")), counts, receipt)


def too_many_waiting(
    origin: str, label: str, sender: str, counts: tuple[int, int, int], receipt: Receipt
) -> None:
    """Too many of ``origin``'s changes would wait here for something only a person can bring
    (``counts``: those held waiting, those of this bundle that would wait, never stored, and
    how many of all of them are of a newer version; the rest refer to rows or people no laptop
    has sent here): the sender's own refuse the bundle (``Refused``, one sentence); a relayed
    origin's are set aside, said in a warning. Changes that wait for the clock never count.

    Args:
        origin: the device id whose changes would wait.
        label: its label.
        sender: the bundle's sender (device id).
        counts: (held waiting, of this bundle that would wait, of a newer version).
        receipt: the receipt; a relayed origin's notice goes on it.

    Raises:
        Refused: the sender's own changes: the bundle (``bundle_deferred_limit``).
    """
    label = visible(label)
    held, more, newer = counts
    facts = {"label": label, "held": held, "total": held + more, "newer": newer}
    facts["limit"] = kept.MAX_DEFERRED_PER_ORIGIN
    if origin == sender:
        raise Refused("deferred limit", code="bundle_deferred_limit", **facts)
    warning = notice("too_many_waiting", **facts)
    if warning not in receipt.warnings:
        receipt.warnings.append(warning)
        receipt.set_aside.append(origin)


def _known_segments(store: Store) -> dict[tuple[str, int], tuple[str, int]]:
    return {
        (r[0], int(r[1])): (r[2], int(r[3]))
        for r in store.tuples("SELECT origin, number, hash, last_seq FROM sync_segment")
    }
