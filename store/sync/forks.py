"""A laptop whose change log forked: two different segments it signed for one place in its chain.

A laptop restored from an old copy of its database numbers its new changes from where the copy
stopped, so it signs segments under numbers (and sequence numbers) its peers already hold with
other content. Two headers signed by one origin that cannot both be true are a *fork proof*:
the same segment number with different content, or a segment whose ``prev`` is not the hash of
the one it follows (or does not start right after it).

A proof is kept (``meta``, local) and travels in every manifest, so every laptop learns it,
whichever branch it saw first. The forking laptop's records are accepted up to the *cut*, the
lowest number before any proof of it (a pure function of the proofs, so laptops that hold the
same proofs keep the same records); its records after it are quarantined (``judge.py``) and its
further segments set aside, while everything else in a bundle applies. Each proof raises an
alarm against the forking laptop (an ``audit.witness_alarm`` event: ``sync status``, the
handover and the console's trust findings show it) until the admin revokes it and enrols it
again. Nothing here trusts the bundle that carries a proof: both headers must verify against
the origin's own key.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..validate import json_document
from . import bundle
from .bundle import sha256

#: The meta key of the proofs held here (a JSON list of ``Proof.as_dict``).
FORKS_KEY = "sync_forks"
#: At most this many proofs are kept per origin, and read from a manifest (the first is enough
#: to cut; more only lower the cut).
MAX_PROOFS = 16


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
        return (self.origin, sha256(self.first), sha256(self.second))

    def as_dict(self) -> dict[str, str]:
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
    the lower or the same)."""
    a, b = _head(first), _head(second)
    if a["number"] == b["number"]:
        return first != second
    if b["number"] != a["number"] + 1:
        return False
    return b.get("prev") != sha256(first) or b["first_seq"] != a["last_seq"] + 1


def proof(origin: str, one: tuple[bytes, bytes], other: tuple[bytes, bytes]) -> Proof | None:
    """A proof from two (header, signature) pairs of ``origin``, lower number first; None when
    they agree. The signatures are checked by the caller (``verified``)."""
    first, second = sorted((one, other), key=lambda h: (int(_head(h[0])["number"]), h[0]))
    if not contradicts(first[0], second[0]):
        return None
    return Proof(origin, first[0], first[1], second[0], second[1])


def verified(found: Proof, sign_key: str) -> bool:
    """Both headers name the origin and carry its signature, and they contradict each other."""
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
    """A proof as a manifest or this laptop's meta carries it; None when malformed."""
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
    """The proofs this laptop holds."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (FORKS_KEY,)).fetchone()
    if row is None:
        return []
    try:
        listed = json.loads(row[0])
    except ValueError:
        return []
    return [p for p in (parse(v) for v in listed if isinstance(listed, list)) if p is not None]


def cuts(proofs: list[Proof]) -> dict[str, int]:
    """Per forking origin, the last number of its records kept (the lowest cut of its proofs)."""
    found: dict[str, int] = {}
    for one in proofs:
        found[one.origin] = min(one.cut, found.get(one.origin, one.cut))
    return found


def held_cuts(conn: sqlite3.Connection) -> dict[str, int]:
    """Per forking origin known here, the last number of its records kept."""
    return cuts(held(conn))


def keep(conn: sqlite3.Connection, more: list[Proof]) -> list[Proof]:
    """Add proofs to the ones held; return the ones that were new (at most ``MAX_PROOFS`` per
    origin are kept, the lowest cuts first)."""
    proofs = held(conn)
    known = {p.key() for p in proofs}
    new = []
    for one in more:
        if one.key() not in known and sum(p.origin == one.origin for p in proofs) < MAX_PROOFS:
            proofs.append(one)
            known.add(one.key())
            new.append(one)
    if new:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (FORKS_KEY, json.dumps([p.as_dict() for p in proofs], sort_keys=True)),
        )
    return new


def manifest_field(conn: sqlite3.Connection) -> dict[str, Any]:
    """For the signed manifest: ``forks``, the proofs held here (none: no field)."""
    proofs = held(conn)
    return {"forks": [p.as_dict() for p in proofs]} if proofs else {}
