"""Two shift leaders sign the identical period on laptops that have not synced: neither can
supersede the other's (only its signer supersedes, and a new period still overlaps the
other), so the overlap stayed an open item for ever. Its signer (or an admin) withdraws
theirs with a reason (issue 16): recorded, audited, synced, shown on every laptop, and a
withdrawn handover no longer counts in overlaps or for signing the period again."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import handover
from store.clock import FixedClock, to_db
from store.errors import BadInput, RuleViolation
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import at, refused_as, snapshot
from tests.sync_team import exchange_all, make_team, user_tables


def test_a_withdrawn_handover_ends_the_overlap_on_every_laptop(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, c = make_team(tmp_path / "team", clock, names=("a", "c"))
    share = tmp_path / "share"
    exchange_all([a, c], share)
    period = ("2026-11-28 07:00", "2026-11-28 15:00")
    mine = handover.sign_handover(a.store, *(at(a.store, t) for t in period), "A")
    theirs = handover.sign_handover(c.store, *(at(c.store, t) for t in period), "C")
    exchange_all([a, c], share)
    assert len(handover.overlapping_handovers(a.store)) == 1
    # C may not withdraw A's, nor without a reason; nothing written
    before = snapshot(c.store.path)
    with refused_as(RuleViolation, r"^Only OPS-A, who signed handover"):
        handover.withdraw_handover(c.store, mine.id, "dubbel")
    with refused_as(BadInput, "needs the reason"):
        handover.withdraw_handover(c.store, theirs.id, " ")
    assert snapshot(c.store.path) == before
    withdrawn = handover.withdraw_handover(c.store, theirs.id, "A tekende dezelfde dienst")
    assert (withdrawn.withdrawn_by, withdrawn.withdrawn_reason) == (
        "OPS-C",
        "A tekende dezelfde dienst",
    )
    with refused_as(BadInput, "withdrawn already"):
        handover.withdraw_handover(c.store, theirs.id, "nog eens")
    exchange_all([a, c], share)
    for laptop in (a, c):
        assert handover.overlapping_handovers(laptop.store) == []
        shown = {r.id: (r.withdrawn_by, r.overlaps) for r in handover.list_handovers(laptop.store)}
        assert shown == {mine.id: (None, ()), theirs.id: ("OPS-C", ())}
        audit = laptop.store.query(
            "SELECT action FROM audit_event WHERE action = ?", ("handover.withdraw",)
        )
        assert len(audit) == (1 if laptop is c else 0)  # audited where it was done
    assert user_tables(a.store) == user_tables(c.store)
    # a withdrawn handover is no longer in force: nobody accepts it (issue 17); nothing written
    before = snapshot(a.store.path)
    with refused_as(RuleViolation, "withdrawn by OPS-C") as refused:
        handover.accept_handover(a.store, theirs.id)
    assert refused.value.code == "handover_withdrawn"
    assert snapshot(a.store.path) == before
    # the period is A's alone now: signing it again needs A to supersede theirs
    with pytest.raises(handover.AlreadySigned):
        handover.sign_handover(c.store, *(at(c.store, t) for t in period), "C again")


def test_an_admin_may_withdraw_and_a_forged_withdrawal_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock)  # a is the admin
    share = tmp_path / "share"
    exchange_all([a, b, c], share)
    record = handover.sign_handover(
        b.store, at(b.store, "2026-11-28 07:00"), at(b.store, "2026-11-28 15:00"), "B"
    )
    exchange_all([a, b, c], share)
    # c's laptop withdraws b's handover past its store (an older version without the check)
    with c.store.write("handover.withdraw", None, {}) as conn:
        conn.execute(
            "INSERT INTO handover_withdrawal (id, handover_id, reason, withdrawn_at,"
            " withdrawn_by, device) VALUES (?, ?, ?, ?, ?, ?)",
            ("01a2ffff-0000-7000-8000-0000000000f1", record.id, "niet van mij",
             to_db(c.store.now()), "OPS-C", c.store.device_id),
        )  # fmt: skip
    bundle = exchange.export(c.store, out=tmp_path / "c.swb")
    receipt = exchange.import_file(a.store, bundle.path)
    assert receipt.quarantined
    assert ("handover_withdrawal", "") in {(q.table, q.field) for q in quarantined(a.store)}
    assert handover.get_handover(a.store, record.id).withdrawn_at is None
    # the admin may
    done = handover.withdraw_handover(a.store, record.id, "verkeerde periode")
    assert done.withdrawn_by == "OPS-A"
    exchange_all([a, b], share)
    assert handover.get_handover(b.store, record.id).withdrawn_by == "OPS-A"
