"""Issue 13 (third review), item 4: a member cannot frame another laptop's audit trail. A head
of laptop X passed on in someone else's manifest counts only with X's own signature; without
it the claim is not taken, with a false one it is an alarm against the claimant. A real
rewrite, passed on by an honest laptop, is still caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import findings, logbook
from store.clock import FixedClock
from store.sync import exchange
from store.sync.bundle import canonical
from tests.hostile import Hostile
from tests.store.test_witness import head, send, tamper
from tests.sync_team import Laptop, make_team
from words.findings import said as said_finding
from words.receipts import said_all


@pytest.fixture
def trio(tmp_path: Path, clock: FixedClock) -> list[Laptop]:
    team = make_team(tmp_path / "team", clock, ("a", "b", "c"))
    for laptop in team:
        logbook.add_entry(laptop.store, f"Dienst {laptop.name}")
    send(team[2], team[0], tmp_path)  # a has witnessed c's real head
    send(team[2], team[1], tmp_path)  # and so has b
    return team


def framed(victim: str, seq: int, sig: str | None = None):  # type: ignore[no-untyped-def]
    """b's manifest, claiming it witnessed a head of ``victim`` that ``victim`` never had."""

    def change(manifest: bytes) -> bytes:
        data = json.loads(manifest)
        claim = {"seq": seq, "hash": "f" * 64, "sent_at": 1}
        if sig is not None:
            claim["sig"] = sig
        data["witnessed"][victim] = claim
        return canonical(data)

    return change


def alarms_against(laptop: Laptop, device: str) -> list[str]:
    return [said_finding(f) for f in findings.witness_alarms(laptop.store) if f.device == device]


def test_a_member_cannot_frame_another_laptops_audit_trail(
    trio: list[Laptop], tmp_path: Path
) -> None:
    a, b, c = trio
    seq = head(c.store)[0]
    sent = Hostile(b, tmp_path).export_with(framed(c.id, seq))
    (receipt,) = exchange.import_path(a.store, sent)
    assert not receipt.alarms and not alarms_against(a, c.id)
    assert not a.store.one("SELECT 1 FROM audit_witness WHERE device = ? AND via = ?", (c.id, b.id))
    # nor this laptop's own trail: a head of a said to be by b's witnessing, unsigned by a
    sent = Hostile(b, tmp_path).export_with(framed(a.id, head(a.store)[0]))
    (receipt,) = exchange.import_path(a.store, sent)
    assert not receipt.alarms and not alarms_against(a, a.id)


def test_a_false_signature_is_an_alarm_against_the_claimant(
    trio: list[Laptop], tmp_path: Path
) -> None:
    a, b, c = trio
    sent = Hostile(b, tmp_path).export_with(framed(c.id, head(c.store)[0], sig="00" * 64))
    (receipt,) = exchange.import_path(a.store, sent)
    assert receipt.failed and not alarms_against(a, c.id)
    assert any("did not sign" in text for text in alarms_against(a, b.id))


def test_a_real_rewrite_passed_on_by_an_honest_laptop_is_still_caught(
    trio: list[Laptop], tmp_path: Path
) -> None:
    a, b, c = trio
    send(b, a, tmp_path)  # a learns b; nothing about c is wrong yet
    assert not alarms_against(a, c.id)
    store = tamper(c, "UPDATE audit_event SET actor = 'SOMEONE-ELSE' WHERE seq = 2", rewrite_from=1)
    logbook.add_entry(store, "Na het herschrijven")
    receipt = send(c, b, tmp_path)  # b sees c's rewritten head …
    assert any("rewritten" in text or "changed" in text for text in said_all(receipt.alarms))
    receipt = send(b, a, tmp_path)  # … and passes both signed versions on to a
    assert alarms_against(a, c.id), receipt.alarms
