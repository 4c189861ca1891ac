"""A laptop whose change log forked: two different segments it signed for one place in its chain.

A laptop restored from an old copy of its database numbers its new changes from where the copy
stopped, so it signs segments under numbers (and sequence numbers) its peers already hold with
other content. Two headers signed by one origin that cannot both be true are a *fork proof*:
the same segment number with different content, or a segment whose ``prev`` is not the hash of
the one it follows (or does not start right after it).

A proof is kept (``meta``, local) and travels in every manifest, so every laptop learns it,
whichever branch it saw first. The forking laptop's records are accepted up to the *cut*, the
lowest number before any proof of it (a pure function of the proofs, so laptops that hold the
same proofs keep the same records), while everything else in a bundle applies.

Its segments after the cut — every *branch*, the one a laptop held first and the ones it learns
of later — are kept aside as signed (``sync_fork_segment``, keyed by the header's hash) and
relayed in every bundle (``branch_parts``), so every laptop ends holding all of them whatever
order they arrived in. A laptop that applied a branch before it learnt of the fork takes it out
(``judge.py`` quarantines it, the rows are rebuilt) and moves it from its change log to the
branches (``set_aside``). Each branch's records are quarantined under their own key (origin,
number, branch = the header's hash), rule ``forked``: both branches' work is visible to the
admin (``sync quarantine``) and to be entered again by hand; none of it is applied.

Each proof raises an alarm against the forking laptop (an ``audit.witness_alarm`` event:
``sync status``, the handover and the console's trust findings show it) until the admin revokes
it and enrols it again. Nothing here trusts the bundle that carries a proof: both headers must
verify against the origin's own key.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..clock import to_db
from ..validate import json_document
from . import bundle, log
from .bundle import sha256
from .change import Run
from .judge import FORKED

#: The meta key of the proofs held here (a JSON list of ``Proof.as_dict``).
FORKS_KEY = "sync_forks"
#: The meta key of what this laptop learnt of its own fork (``note_own``): its cut, as JSON.
OWN_FORK_KEY = "sync_own_fork"
#: At most this many proofs are kept per origin, and read from a manifest (the first is enough
#: to cut; more only lower the cut).
MAX_PROOFS = 16
#: At most this many branch segments are kept per forking origin: the lowest (number, hash)
#: ones, so every laptop keeps the same ones whatever order they arrived in.
MAX_BRANCH_SEGMENTS = 16
#: A branch segment whose records are larger than this (its signed ``body_bytes``) is not kept
#: (on every laptop alike): every bundle relays the branches, and a forking laptop must not be
#: able to make the team's bundles too large to be read.
MAX_BRANCH_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Proof:
    """Two segment headers one origin signed that cannot both belong to one chain.

    Attributes:
        origin: the forking device.
        first, second: the headers as signed (the lower number first).
        first_sig, second_sig: the origin's signatures of them.
    """

    origin: str
    first: bytes
    first_sig: bytes
    second: bytes
    second_sig: bytes

    @property
    def cut(self) -> int:
        """The last of the origin's numbers kept: before either segment."""
        return min(_head(self.first)["first_seq"], _head(self.second)["first_seq"]) - 1

    @property
    def number(self) -> int:
        """The segment number in dispute (the lower one)."""
        return int(_head(self.first)["number"])

    def key(self) -> tuple[str, str, str]:
        """(origin, hash of one version, hash of the other): the same proof, however it came.

        Returns:
            ``(origin, sha256 of first, sha256 of second)``, hex digests.
        """
        return (self.origin, sha256(self.first), sha256(self.second))

    def as_dict(self) -> dict[str, str]:
        """The proof as JSON values (both signed headers and signatures).

        Returns:
            ``origin``, ``first`` and ``second`` (the headers as text) and ``first_sig``,
            ``second_sig`` (the signatures as hex).
        """
        return {
            "origin": self.origin,
            "first": self.first.decode(),
            "first_sig": self.first_sig.hex(),
            "second": self.second.decode(),
            "second_sig": self.second_sig.hex(),
        }


def _head(header: bytes) -> dict[str, Any]:
    found = json_document(header, "a segment header", max_depth=4)
    if not isinstance(found, dict):
        raise ValueError("a segment header is an object")
    for name in ("number", "first_seq", "last_seq"):
        if type(found.get(name)) is not int:
            raise ValueError(f"a segment header's {name} is a number")
    return found


def contradicts(first: bytes, second: bytes) -> bool:
    """Whether two headers of one origin cannot both be in its chain (``first``'s number is
    the lower or the same).

    Args:
        first: a segment header as signed.
        second: another of the same origin.

    Returns:
        True for two different headers of one number, or a next number whose ``prev`` is not the
        first's hash or whose records do not follow on; False otherwise (numbers further apart prove
        nothing).

    Raises:
        ValueError: a header that is not a segment header's JSON.
    """
    a, b = _head(first), _head(second)
    if a["number"] == b["number"]:
        return first != second
    if b["number"] != a["number"] + 1:
        return False
    return b.get("prev") != sha256(first) or b["first_seq"] != a["last_seq"] + 1


def proof(origin: str, one: tuple[bytes, bytes], other: tuple[bytes, bytes]) -> Proof | None:
    """A proof from two (header, signature) pairs of ``origin``, lower number first; None when
    they agree. The signatures are checked by the caller (``verified``).

    Args:
        origin: the device id.
        one: (header, signature) of one segment.
        other: (header, signature) of another.

    Returns:
        A ``Proof`` with the lower-numbered header first, or None.

    Raises:
        ValueError: a header that does not read.
    """
    first, second = sorted((one, other), key=lambda h: (int(_head(h[0])["number"]), h[0]))
    if not contradicts(first[0], second[0]):
        return None
    return Proof(origin, first[0], first[1], second[0], second[1])


def verified(found: Proof, sign_key: str) -> bool:
    """Both headers name the origin and carry its signature, and they contradict each other.

    Args:
        found: the proof.
        sign_key: the origin's Ed25519 public key, base64.

    Returns:
        True only when both headers read, name ``found.origin``, carry valid signatures by
        ``sign_key`` and contradict each other.
    """
    try:
        heads = (_head(found.first), _head(found.second))
    except ValueError:
        return False
    return (
        all(str(h.get("origin")) == found.origin for h in heads)
        and bundle.verified(sign_key, found.first_sig, found.first)
        and bundle.verified(sign_key, found.second_sig, found.second)
        and contradicts(found.first, found.second)
    )


def parse(value: object) -> Proof | None:
    """A proof as a manifest or this laptop's meta carries it; None when malformed.

    Args:
        value: the proof as JSON values.

    Returns:
        The ``Proof``, or None for anything malformed (a missing key, bad hex, an unreadable
        header).
    """
    if not isinstance(value, dict):
        return None
    try:
        found = Proof(
            str(value["origin"]),
            str(value["first"]).encode(),
            bytes.fromhex(str(value["first_sig"])),
            str(value["second"]).encode(),
            bytes.fromhex(str(value["second_sig"])),
        )
        found.cut  # noqa: B018 - both headers readable
    except (KeyError, ValueError, TypeError):
        return None
    return found


def held(conn: sqlite3.Connection) -> list[Proof]:
    """The proofs this laptop holds.

    Returns:
        The ``Proof`` values kept in ``meta`` that read (malformed ones are skipped); empty when
        none.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (FORKS_KEY,)).fetchone()
    if row is None:
        return []
    try:
        listed = json.loads(row[0])
    except ValueError:
        return []
    return [p for p in (parse(v) for v in listed if isinstance(listed, list)) if p is not None]


def cuts(proofs: list[Proof]) -> dict[str, int]:
    """Per forking origin, the last number of its records kept (the lowest cut of its proofs).

    Args:
        proofs: the proofs.

    Returns:
        Origin → the last sequence number kept.
    """
    found: dict[str, int] = {}
    for one in proofs:
        found[one.origin] = min(one.cut, found.get(one.origin, one.cut))
    return found


def held_cuts(conn: sqlite3.Connection) -> dict[str, int]:
    """Per forking origin known here, the last number of its records kept.

    Returns:
        Device id → the last sequence number kept of it (``cuts``); empty when no fork is known.
    """
    return cuts(held(conn))


def keep(conn: sqlite3.Connection, more: list[Proof]) -> list[Proof]:
    """Add proofs to the ones held; return the ones that were new and are kept. At most
    ``MAX_PROOFS`` per origin are kept: the lowest (cut, key) ones, whatever order they arrived
    in, so laptops that saw the same proofs keep the same ones and the same cut.

    Args:
        more: the proofs to add.

    Returns:
        The proofs kept now that were not held before (empty when nothing changed).
    """
    held_now = held(conn)
    known = {p.key() for p in held_now}
    pooled = {p.key(): p for p in [*held_now, *more]}
    kept: list[Proof] = []
    for origin in sorted({p.origin for p in pooled.values()}):
        mine = sorted((p for p in pooled.values() if p.origin == origin), key=_rank)
        kept += mine[:MAX_PROOFS]
    new = [p for p in kept if p.key() not in known]
    if new or len(kept) != len(held_now):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (FORKS_KEY, json.dumps([p.as_dict() for p in kept], sort_keys=True)),
        )
    return new


def note_own(conn: sqlite3.Connection, proofs: list[Proof]) -> int | None:
    """Keep what the team proves about this laptop's own chain (it signed two versions of its
    changes: restored from an old copy): the lowest cut. Return the cut when it is new or
    lower than the one known, else None.

    Args:
        proofs: proofs about this laptop's own chain.

    Returns:
        The new cut (a sequence number of this laptop's own), or None.
    """
    if not proofs:
        return None
    cut = min(p.cut for p in proofs)
    known = own_cut(conn)
    if known is not None and known <= cut:
        return None
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET value = excluded.value",
        (OWN_FORK_KEY, json.dumps({"cut": cut})),
    )
    return cut


def own_cut(conn: sqlite3.Connection) -> int | None:
    """The last number of this laptop's own changes the team keeps, when the team proved its
    chain forked (None: no fork of it known here).

    Returns:
        A sequence number of this laptop's own, or None (also when the kept value does not read).
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (OWN_FORK_KEY,)).fetchone()
    try:
        return None if row is None else int(json.loads(row[0])["cut"])
    except (ValueError, KeyError, TypeError):
        return None


def own_set_aside(conn: sqlite3.Connection, own: str) -> dict[str, int]:
    """Per table, how many rows this laptop's own changes after its cut touched (the team
    proved its chain forked, ``note_own``): work still shown here that no other laptop holds
    (every laptop sets it aside), to be entered again once the laptop is enrolled afresh.

    Args:
        own: this laptop's device id.

    Returns:
        Rows touched per table name; empty when no fork of it is known.
    """
    cut = own_cut(conn)
    if cut is None:
        return {}
    rows: dict[str, set[str]] = {}
    for run in log.after(conn, own, cut):
        rows.setdefault(run.tbl, set()).add(run.pk)
    return {table: len(keys) for table, keys in sorted(rows.items())}


def _rank(one: Proof) -> tuple[int, tuple[str, str, str]]:
    return one.cut, one.key()


def manifest_field(conn: sqlite3.Connection) -> dict[str, Any]:
    """For the signed manifest: ``forks``, the proofs held here (none: no field).

    Returns:
        ``{"forks": [proof.as_dict(), …]}``, or ``{}`` when no proof is held.
    """
    proofs = held(conn)
    return {"forks": [p.as_dict() for p in proofs]} if proofs else {}


# Branches: the forking laptop's segments after its cut --------------------------------------


@dataclass(frozen=True)
class Branch:
    """A signed segment of a forking laptop after its cut, checked against its key.

    Attributes:
        origin: the forking device.
        header: the header as signed; body: its records, compressed (format 2);
        signature: the origin's signature of the header.
        runs: the records decoded from the body.
    """

    origin: str
    header: bytes
    body: bytes
    signature: bytes
    runs: tuple[Run, ...]

    @property
    def hash(self) -> str:
        """The SHA-256 of the branch's signed header."""
        return sha256(self.header)


def take_in(conn: sqlite3.Connection, arrived: list[Branch], now: datetime) -> list[str]:
    """Keep the branches that arrived (before the bundle's changes are judged: a change that
    refers to a row a branch created finds it known, as on a laptop that held the branch
    first); quarantine each one's records under its own key. Returns the hashes of those new
    and kept.

    Args:
        arrived: the branches a bundle carried.
        now: the time, aware UTC.

    Returns:
        The hex SHA-256 header hashes of the branches newly kept.
    """
    new = _keep(conn, arrived, to_db(now))
    held_now = {str(r[0]) for r in conn.execute("SELECT hash FROM sync_fork_segment")}
    return [h for h in new if h in held_now]


def set_aside(conn: sqlite3.Connection, now: datetime) -> None:
    """Move every segment of the change log after its origin's cut to the branches (its
    records were taken out by the judge: quarantined, rows rebuilt).

    Args:
        now: the time, aware UTC.
    """
    _keep(conn, _from_log(conn, held_cuts(conn)), to_db(now))


def _keep(conn: sqlite3.Connection, branches: list[Branch], now: str) -> list[str]:
    cut_at = held_cuts(conn)
    new = []
    for branch in branches:
        cut = cut_at.get(branch.origin)
        if cut is None or int(_head(branch.header)["last_seq"]) <= cut or _too_large(branch):
            continue
        if _keep_branch(conn, branch, cut, now):
            new.append(branch.hash)
    for origin in sorted({b.origin for b in branches}):
        _bound(conn, origin)
    return new


def _too_large(branch: Branch) -> bool:
    declared = _head(branch.header).get("body_bytes")
    size = declared if type(declared) is int else len(branch.body)
    return size > MAX_BRANCH_BYTES


def _from_log(conn: sqlite3.Connection, cut_at: dict[str, int]) -> list[Branch]:
    """The log's segments of forking origins that start after the cut, removed from the log."""
    found = []
    for origin, cut in sorted(cut_at.items()):
        rows = conn.execute(
            "SELECT number, first_seq, last_seq, header, signature FROM sync_segment"
            " WHERE origin = ? AND first_seq > ? ORDER BY number",
            (origin, cut),
        ).fetchall()
        for number, first, last, header, signature in rows:
            head = _head(bytes(header))
            runs = tuple(log.read(conn, origin, first, last))
            body, digest, _size = log.compressed_body(
                conn, origin, first, last, int(head.get("encoding", 1))
            )
            if digest == head.get("body_sha256"):  # else held in a form it did not sign
                found.append(Branch(origin, bytes(header), body, bytes(signature), runs))
            conn.execute(
                "DELETE FROM sync_segment WHERE origin = ? AND number = ?", (origin, number)
            )
        if rows:
            _forget_records(conn, origin, min(r[1] for r in rows))
    return found


def _forget_records(conn: sqlite3.Connection, origin: str, first: int) -> None:
    """Remove ``origin``'s records from ``first`` on from the change log and what was noted of
    them (quarantined, deferred, flagged): they are held as a branch now."""
    ident = log.origin_id(conn, origin)
    if ident is not None:
        conn.execute("DELETE FROM sync_log WHERE origin = ? AND seq >= ?", (ident, first))
    conn.execute(
        "DELETE FROM sync_quarantine WHERE origin = ? AND seq >= ? AND branch = ''",
        (origin, first),
    )
    for table in ("sync_deferred", "sync_flag"):
        conn.execute(f"DELETE FROM {table} WHERE origin = ? AND seq >= ?", (origin, first))


def _keep_branch(conn: sqlite3.Connection, branch: Branch, cut: int, now: str) -> int:
    head = _head(branch.header)
    added = conn.execute(
        "INSERT OR IGNORE INTO sync_fork_segment (origin, hash, number, first_seq, last_seq,"
        " header, body, signature, noticed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            branch.origin,
            branch.hash,
            head["number"],
            head["first_seq"],
            head["last_seq"],
            branch.header,
            branch.body,
            branch.signature,
            now,
        ),
    ).rowcount
    conn.executemany(
        "INSERT OR IGNORE INTO sync_quarantine (origin, seq, branch, hlc, tbl, pk, col, actor,"
        " rule, reason, noticed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run.origin,
                run.seq + i,
                branch.hash,
                run.hlc,
                run.tbl,
                run.pk,
                col,
                run.actor,
                FORKED.rule,
                FORKED.reason,
                now,
            )
            for run in branch.runs
            if run.origin == branch.origin
            for i, col in enumerate(run.cols)
            if run.seq + i > cut
        ],
    )
    return int(added)


def _bound(conn: sqlite3.Connection, origin: str) -> None:
    """Keep the lowest ``MAX_BRANCH_SEGMENTS`` (number, hash) branches of ``origin``."""
    over = conn.execute(
        "SELECT hash FROM sync_fork_segment WHERE origin = ? ORDER BY number, hash"
        " LIMIT -1 OFFSET ?",
        (origin, MAX_BRANCH_SEGMENTS),
    ).fetchall()
    for (digest,) in over:
        conn.execute(
            "DELETE FROM sync_fork_segment WHERE origin = ? AND hash = ?", (origin, digest)
        )
        conn.execute(
            "DELETE FROM sync_quarantine WHERE origin = ? AND branch = ?", (origin, digest)
        )


def branch_parts(conn: sqlite3.Connection) -> tuple[list[bytes], list[dict[str, Any]]]:
    """For a bundle: every branch held here (header, body, signature), and its manifest entry
    (marked ``branch``: a receiver keeps it aside only, never in its change log).

    Returns:
        ``(parts, listed)``: the bytes, three per branch (header, body, signature) by origin, number
        and hash; and per branch ``{"origin", "number", "hash", "branch": True}``.
    """
    parts: list[bytes] = []
    listed: list[dict[str, Any]] = []
    for origin, number, header, body, signature in conn.execute(
        "SELECT origin, number, header, body, signature FROM sync_fork_segment"
        " ORDER BY origin, number, hash"
    ):
        parts += [bytes(header), bytes(body), bytes(signature)]
        listed.append(
            {"origin": origin, "number": number, "hash": sha256(bytes(header)), "branch": True}
        )
    return parts, listed
