"""Issue 13 (third review), item 6, and its convergence: two honest laptops move one activity's
start later and its end earlier at the same time. Each edit alone is valid; together the end
falls before the start (the table's CHECK). The later change (by its clock, then device) loses
on both laptops — quarantined with its reason, on its author's laptop undone — so the two end
with the same times, never one refusing the other's change in the judge and the other in the
database (``test_sync_together`` covers a third laptop and every such check)."""

from __future__ import annotations

from pathlib import Path

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import at
from tests.sync_team import make_team
from words.quarantine import said as said_reason


def test_a_start_and_an_end_moved_at_once_end_alike_on_both_laptops(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-12-02 09:00"),
        end=at(a.store, "2026-12-02 12:00"),
        location="Rechtbank",
    )
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a0.swb").path)
    agenda.edit_activity(
        a.store, activity.id, start=at(a.store, "2026-12-02 11:30"), correction="later"
    )
    clock.advance(minutes=1)
    agenda.edit_activity(
        b.store, activity.id, end=at(b.store, "2026-12-02 10:00"), correction="shorter"
    )
    receipt = exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a1.swb").path)
    assert not b.store.one("SELECT 1 FROM sync_deferred")  # nothing waits without a reason
    refused = [(q.device, q.table, q.field) for q in receipt.quarantined]
    # b's own later change, undone on b, with its correction record (issue 14, rev14g: the
    # correction is held back with the change it describes)
    assert [r for r in refused if r[1] != "activity_correction"] == [(b.id, "activity", "end_at")]
    assert {r[0] for r in refused} == {b.id} and len(refused) > 1
    assert not b.store.one("SELECT 1 FROM activity_correction WHERE reason = 'shorter'")
    assert receipt.failed  # exit 5, named on the receipt and in `sync status`
    reason = said_reason(b.store.one("SELECT reason FROM sync_quarantine WHERE col = 'end_at'")[0])
    assert reason == (
        "activity: the new end 2026-12-02 10:00 with the start 2026-12-02 11:30 as it stood "
        "when this change was made: the end must be after the start"
    )
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b1.swb").path)
    times = "SELECT start_at, end_at FROM activity WHERE id = ?"
    assert a.store.tuples(times, (activity.id,)) == b.store.tuples(times, (activity.id,))
    assert b.store.tuples(times, (activity.id,)) == [
        ("2026-12-02T10:30:00Z", "2026-12-02T11:00:00Z")
    ]
