"""Time is hard: Europe/Amsterdam, summer time, and the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.clock import (
    FixedClock,
    day_bounds,
    hours_between,
    local_iso,
    parse_date,
    parse_time,
    parse_time_on,
    to_db,
)
from store.errors import BadInput

CLOCK = FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


def test_local_time_is_amsterdam_winter_and_summer() -> None:
    assert parse_time("2026-11-28 14:00", CLOCK) == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert parse_time("2026-07-01 14:00", CLOCK) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_words_and_offsets() -> None:
    assert parse_time("today 10:00", CLOCK) == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert parse_time("tomorrow 10:00", CLOCK) == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert parse_time("2026-10-25T02:30+01:00", CLOCK) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parse_time("2026-10-25T02:30:00Z", CLOCK) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert parse_date("tomorrow", CLOCK) == date(2026, 11, 29)
    assert parse_time_on("09:30", date(2026, 12, 1), CLOCK) == datetime(
        2026, 12, 1, 8, 30, tzinfo=UTC
    )


def test_spring_forward_time_does_not_exist() -> None:
    with pytest.raises(BadInput, match=r"does not exist.*explicit offset"):
        parse_time("2026-03-29 02:30", CLOCK)


def test_fall_back_time_is_ambiguous() -> None:
    with pytest.raises(
        BadInput, match=r"occurs twice.*\+02:00 for the first.*\+01:00 for the second"
    ):
        parse_time("2026-10-25 02:30", CLOCK)


def test_explicit_offsets_resolve_the_ambiguous_hour() -> None:
    first = parse_time("2026-10-25T02:30+02:00", CLOCK)
    second = parse_time("2026-10-25T02:30+01:00", CLOCK)
    assert hours_between(first, second) == 1.0


@pytest.mark.parametrize(
    "text",
    ["", "28-11-2026 10:00", "2026-11-28 25:00", "2026-02-30 10:00", "noon", "2026-11-28"],
)
def test_bad_times_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_time(text, CLOCK)
    assert str(info.value).endswith(".")


def test_night_shift_hours_across_clock_changes() -> None:
    october = hours_between(
        parse_time("2026-10-24 22:00", CLOCK), parse_time("2026-10-25 07:00", CLOCK)
    )
    march = hours_between(
        parse_time("2026-03-28 22:00", CLOCK), parse_time("2026-03-29 07:00", CLOCK)
    )
    ordinary = hours_between(
        parse_time("2026-11-27 22:00", CLOCK), parse_time("2026-11-28 07:00", CLOCK)
    )
    assert (october, march, ordinary) == (10.0, 8.0, 9.0)


def test_change_days_are_25_and_23_hours_long() -> None:
    assert hours_between(*day_bounds(date(2026, 10, 25))) == 25.0
    assert hours_between(*day_bounds(date(2026, 3, 29))) == 23.0


def test_stored_utc_shown_with_amsterdam_offset() -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert to_db(moment) == "2026-07-01T12:00:00Z"
    assert local_iso("2026-07-01T12:00:00Z") == "2026-07-01T14:00:00+02:00"
    assert local_iso("2026-12-01T12:00:00Z") == "2026-12-01T13:00:00+01:00"
