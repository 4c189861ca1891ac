"""Issue 13 (third review), item 6: a record the judge lets through but a CHECK of the database
refuses is quarantined with the database's reason, visibly — never left waiting as a schema
change. Two honest laptops that move one activity's start later and its end earlier at the
same time produce one: each edit alone is valid, together the end falls before the start."""

from __future__ import annotations

from pathlib import Path

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import at
from tests.sync_team import make_team


def test_a_check_refusal_at_import_is_quarantined_with_its_reason(
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
    refused = [(q.table, q.field, q.reason) for q in receipt.quarantined]
    assert refused == [
        (
            "activity",
            "start_at",
            "refused by the database: CHECK constraint failed: end_at > start_at",
        )
    ]
    assert receipt.failed  # exit 5, named on the receipt and in `sync status`
    assert (
        b.store.one("SELECT reason FROM sync_quarantine WHERE col = 'start_at'")[0]
        == (refused[0][2])
    )
