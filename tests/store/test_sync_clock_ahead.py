"""Issue 13 (review of phase 5), item 4: a laptop whose clock is ahead — less than the day
after which its changes wait — is named, with how far ahead, in the receipt, `sync status` and
the trust findings (skew.sh). A laptop that only took in its stamps is not named."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from store import findings, logbook
from store.clock import FixedClock, epoch_ms
from store.db import Store
from store.sync import exchange, status
from tests.conftest import NOW
from tests.sync_team import Laptop, make_team
from words.findings import said as said_finding
from words.receipts import joined, said_all


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> exchange.Receipt:
    name = f"{sender.name}-{epoch_ms(sender.store.now())}-{receiver.name}.swb"
    return exchange.import_file(
        receiver.store, exchange.export(sender.store, out=folder / name).path
    )


def test_a_clock_hours_ahead_is_named_with_how_far(tmp_path: Path, clock: FixedClock) -> None:
    a, b, c = make_team(tmp_path / "team", clock)
    _send(a, b, tmp_path)  # the roster that names C
    b.store.close()
    b.store = Store(b.store.path, clock=FixedClock(NOW + timedelta(hours=23)))
    logbook.add_entry(b.store, "met de klok vooruit")
    receipt = _send(b, c, tmp_path)
    assert any("23 hours ahead" in w for w in said_all(receipt.warnings)), receipt.warnings
    (finding,) = findings.clock_ahead(c.store)
    assert (
        finding.device == b.id
        and "laptop-b" in said_finding(finding)
        and "23 hours" in said_finding(finding)
    )
    assert finding in findings.open_findings(c.store)
    peer = next(p for p in status.peers(c.store) if p.device == b.id)
    assert "clock 23 hours ahead" in joined(peer.warnings)

    clock.advance(minutes=1)
    logbook.add_entry(c.store, "C took in B's stamps")  # C's stamps follow B's clock …
    receipt = _send(c, a, tmp_path)
    # … but C's clock is right: not named as ahead; its log entry, 23 hours before its stamp,
    # passes as a pushed stamp's only by the allowance: named as clocks apart (rev13p)
    assert [w.code for w in receipt.warnings] == ["clocks_apart"]
    assert "pushed ahead by a faster laptop" in said_all(receipt.warnings)[0]
    assert findings.clock_ahead(a.store) == []
