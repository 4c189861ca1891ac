"""One way to word a span and a local ISO time (store/clock.py), for every face and the store."""

from __future__ import annotations

from datetime import UTC, datetime

from store import clock
from store.clock import from_db
from words.errors import SENTENCES


def test_a_span_past_midnight_names_its_end_date() -> None:
    # 22:00–01:00 local on a winter night: the end is on the next day.
    assert clock.local_span(from_db("2026-12-01T21:00:00Z"), from_db("2026-12-02T00:00:00Z")) == (
        "2026-12-01 22:00–2026-12-02 01:00"
    )
    # Ending at midnight stays on the day; a span within the day gives its date once.
    assert clock.local_span(from_db("2026-12-01T22:00:00Z"), from_db("2026-12-01T23:00:00Z")) == (
        "2026-12-01 23:00–00:00"
    )
    # The night the clocks go back: 02:30 CEST to 02:30 CET is one hour, one day; a time in
    # the repeated hour shows its offset (issue 16).
    assert clock.local_span(from_db("2026-10-25T00:30:00Z"), from_db("2026-10-25T01:30:00Z")) == (
        "2026-10-25 02:30+02:00–02:30+01:00"
    )
    # New Year's Eve night: the end's date is the next year's.
    assert clock.local_span(
        datetime(2026, 12, 31, 22, tzinfo=UTC), from_db("2027-01-01T05:00:00Z")
    ) == ("2026-12-31 23:00–2027-01-01 06:00")


def test_a_refused_night_shift_is_worded_with_its_end_date() -> None:
    said = SENTENCES["shift_rest"](
        {
            "callsign": "ANKER",
            "start": from_db("2026-12-01T21:00:00Z"),
            "end": from_db("2026-12-02T05:00:00Z"),
        }
    )
    assert "the shift 2026-12-01 22:00–2026-12-02 06:00 (rule" in said


def test_a_local_iso_time_at_the_end_of_the_range_does_not_fail() -> None:
    assert clock.local_iso(from_db("2026-07-01T12:00:00Z")) == "2026-07-01T14:00:00+02:00"
    last = datetime.max.replace(tzinfo=UTC)  # past 9999 once moved to Amsterdam
    assert clock.local_iso(last) == last.isoformat()
    assert clock.local_iso(None) is None
