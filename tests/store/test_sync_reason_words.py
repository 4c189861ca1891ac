"""rev14m F4, F7: a quarantine reason says a value check's times in Amsterdam time, in words
(never ``activity.end_at``, never Python's ``+00:00``), and tells the two instants of the
repeated autumn hour apart."""

from __future__ import annotations

from pathlib import Path

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from store.sync.reason import fact, read
from tests.conftest import at
from tests.sync_team import make_team
from words.quarantine import said, worded


def test_a_range_refusal_of_a_bundles_time_is_said_in_amsterdam_time_and_words(
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
    with b.store.conn:  # past the range in Amsterdam time (2100-01-01 00:30), not in UTC
        b.store.conn.execute(
            "UPDATE activity SET end_at = '2099-12-31T23:30:00Z' WHERE id = ?", (activity.id,)
        )
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b1.swb").path)
    (kept,) = a.store.one("SELECT reason FROM sync_quarantine WHERE col = 'end_at'")
    assert said(kept) == (
        "activity end must lie between 1970-01-01 and 2099-12-31; 2100-01-01 00:30 does not"
    )


def test_a_range_refusal_kept_before_rev14m_reads_its_time_too() -> None:
    kept = fact(
        "value_refused",
        table="activity",
        error="out_of_years",
        facts={
            "field": "end_at",
            "earliest": "1970-01-01",
            "latest": "2099-12-31",
            "value": "2099-12-31 23:30:00+00:00",
        },
    )
    assert "2100-01-01 00:30 does not" in said(kept) and "+00:00" not in said(kept)


def test_the_repeated_autumn_hour_is_told_apart_in_a_reason() -> None:
    first, second = (
        worded(read(fact("dated_ahead", dated=f"2026-10-25T0{hour}:30:00Z"))) for hour in (0, 1)
    )
    waits = "ahead of this laptop's clock: it waits until then"
    assert first == f"dated 2026-10-25 02:30+02:00, {waits}"
    assert "dated 2026-10-25 02:30+01:00," in second
    ended = worded(read(fact("done_before_it_ends", end="2026-12-02T11:00:00Z")))
    assert ended.endswith("it ends 2026-12-02 12:00")  # in Amsterdam time, not UTC text
    moved = worded(read(fact("refers_quarantined", table="activity", column="person_id",
                             to="subject", row="01abc")))  # fmt: skip
    assert moved.startswith("activity ") and "person_id" not in moved and "." not in moved[:12]
