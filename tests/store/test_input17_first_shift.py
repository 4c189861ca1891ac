"""The first shift of 1970 can hand over: its default period starts where the range opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store import handover, validate


def test_the_first_night_of_1970_starts_at_midnight_where_the_range_opens() -> None:
    start, end = handover.current_shift(datetime(1969, 12, 31, 23, 30, tzinfo=UTC))
    assert start == validate.earliest_moment() == datetime(1969, 12, 31, 23, tzinfo=UTC)
    assert end - start == timedelta(hours=7)  # 00:00–07:00 local


def test_the_last_night_of_2099_still_ends_at_midnight() -> None:
    start, end = handover.current_shift(datetime(2099, 12, 31, 22, 45, tzinfo=UTC))
    assert end == validate.latest_moment() + timedelta(seconds=1)
    assert end - start == timedelta(hours=1)
