"""The audit trail is witnessed (issue 13, item 8): a cut-off tail or a chain rewritten with
consistent hashes passes the chain check alone, and is caught once a peer or a handover has seen
the head; an import flags a peer whose head went backwards; a signed handover whose content and
content_hash were both rewritten is caught against the hash its audit event recorded."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store import audit, handover, logbook, subjects
from store.clock import FixedClock, epoch_ms
from store.db import GENESIS_HASH, Store, audit_hash
from store.errors import IntegrityFailure
from store.sync import exchange
from tests.conftest import refused_as
from tests.sync_team import Laptop, make_team
from words.receipts import said_all


@pytest.fixture
def pair(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop]:
    a, b = make_team(tmp_path / "team", clock, ("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    logbook.add_entry(a.store, "Dienst begonnen")
    return a, b


def send(sender: Laptop, receiver: Laptop, folder: Path) -> exchange.Receipt:
    sent = exchange.export(
        sender.store, out=folder / f"{sender.name}-{epoch_ms(sender.store.now())}.swb"
    )
    (receipt,) = exchange.import_path(receiver.store, sent.path)
    return receipt


def head(store: Store) -> tuple[int, str]:
    row = store.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    assert row is not None
    return int(row[0]), str(row[1])


def tamper(
    laptop: Laptop, *statements: str | tuple[str, tuple[str, ...]], rewrite_from: int | None = None
) -> Store:
    """What root with the file can do: drop the guards, change the trail (optionally recomputing
    every hash so the chain is consistent again), then have `db repair` put the guards back."""
    path = laptop.store.path
    laptop.store.close()
    conn = sqlite3.connect(path)
    for name in ("audit_event_no_update", "audit_event_no_delete", "handover_no_update"):
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        sql, params = statement if isinstance(statement, tuple) else (statement, ())
        conn.execute(sql, params)
    if rewrite_from is not None:
        previous = GENESIS_HASH
        for seq, at, actor, device, action, target, detail in conn.execute(
            "SELECT seq, at, actor, device, action, target, detail FROM audit_event ORDER BY seq"
        ).fetchall():
            digest = audit_hash(previous, at, actor, device, action, target, detail)
            conn.execute(
                "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?",
                (previous, digest, seq),
            )
            previous = digest
    conn.commit()
    conn.close()
    Store(path, clock=laptop.store.clock, repair=True).close()
    laptop.store = Store(path, clock=laptop.store.clock)
    return laptop.store


def test_a_cut_tail_passes_alone_and_is_caught_once_a_peer_witnessed_the_head(
    pair: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    a, b = pair
    send(a, b, tmp_path)  # b has seen a's head …
    witnessed = b.store.one(
        "SELECT max(seq) FROM audit_witness WHERE device = ? AND via = ?", (a.id, a.id)
    )[0]  # type: ignore[index]
    assert witnessed is not None and witnessed < head(a.store)[0]  # (the export event is later)
    send(b, a, tmp_path)  # … and tells a so
    assert audit.verify_audit(a.store) > 0
    store = tamper(a, f"DELETE FROM audit_event WHERE seq >= {witnessed - 1}")
    with refused_as(IntegrityFailure, f"cut short: laptop-b witnessed event {witnessed}"):
        audit.verify_audit(store)


def test_a_consistently_rewritten_chain_is_caught_at_the_witnessed_head(
    pair: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    a, b = pair
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    store = tamper(a, "UPDATE audit_event SET actor = 'SOMEONE-ELSE' WHERE seq = 3", rewrite_from=1)
    with refused_as(IntegrityFailure, r"rewritten: event .* differs from .* laptop-b"):
        audit.verify_audit(store)


def test_without_a_witness_the_cut_is_invisible_as_before(pair: tuple[Laptop, Laptop]) -> None:
    """The limit, stated: a head no one has seen cannot be checked."""
    a, _b = pair
    store = tamper(a, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    assert audit.verify_audit(store) > 0


def test_an_import_flags_a_peer_whose_head_went_backwards(
    pair: tuple[Laptop, Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    a, b = pair
    send(a, b, tmp_path)
    store = tamper(a, "DELETE FROM audit_event WHERE seq > 4")
    clock.advance(minutes=5)
    logbook.add_entry(store, "Na het knippen")  # a later change: its change log moved on
    receipt = send(a, b, tmp_path)
    assert any("went backwards" in w for w in said_all(receipt.alarms)), receipt.alarms
    alarm = b.store.one(
        "SELECT device, detail FROM audit_event WHERE action = 'audit.witness_alarm'"
    )
    assert alarm is not None and alarm[0] == a.id
    assert json.loads(alarm[1]) == {  # kept as a fact: its code and params, no words
        "code": "alarm_trail_backwards",
        "params": {"label": "laptop-a", "before": 7, "seq": 6},
    }


def test_a_late_old_bundle_is_not_an_alarm(
    pair: tuple[Laptop, Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    a, b = pair
    first = exchange.export(a.store, out=tmp_path / "first.swb")
    clock.advance(minutes=5)
    logbook.add_entry(a.store, "Later")
    second = exchange.export(a.store, out=tmp_path / "second.swb")
    (newer,) = exchange.import_path(b.store, second.path)
    (older,) = exchange.import_path(b.store, first.path)
    assert not newer.alarms and not older.alarms


def test_a_relayed_witness_tells_a_laptop_its_own_trail_changed(
    pair: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    a, b = pair
    send(a, b, tmp_path)
    tamper(a, "UPDATE audit_event SET actor = 'SOMEONE-ELSE' WHERE seq = 2", rewrite_from=1)
    receipt = send(b, a, tmp_path)
    assert any("this laptop's audit trail no longer holds" in w for w in said_all(receipt.alarms))


def test_a_rewritten_handover_is_caught_on_the_signer_and_on_the_receiver(
    pair: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    a, b = pair
    signed = handover.sign_handover(a.store, notes="Let op BEVER")
    assert signed.content["audit_head"]["device"] == a.id
    send(a, b, tmp_path)
    received = handover.get_handover(b.store, signed.id)  # recorded when it arrived
    assert received.content_hash == signed.content_hash
    assert b.store.one(
        "SELECT 1 FROM audit_witness WHERE device = ? AND via = ?", (a.id, f"handover:{signed.id}")
    )
    for laptop in (a, b):
        content = dict(signed.content)
        content["recommendation"] = [
            {"kind": "none", "text": "Alles rustig", "count": 0, "ids": []}
        ]
        forged = handover.content_hash(content)
        update = "UPDATE handover SET content = ?, content_hash = ?"
        store = tamper(laptop, (update, (json.dumps(content), forged)))
        with refused_as(IntegrityFailure, "does not match the hash the audit trail"):
            handover.get_handover(store, signed.id)
