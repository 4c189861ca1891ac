"""Time is hard: Europe/Amsterdam, summer time, and the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store.clock import (
    FixedClock,
    day_bounds,
    from_db,
    hours_between,
    local_iso,
    local_span,
    parse_date,
    parse_time,
    parse_time_on,
    to_db,
)
from store.errors import BadInput
from tests.conftest import refused_as
from words.errors import sentence

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
    with refused_as(BadInput, r"does not exist.*explicit offset"):
        parse_time("2026-03-29 02:30", CLOCK)


def test_fall_back_time_is_ambiguous() -> None:
    with refused_as(BadInput, r"occurs twice.*\+02:00 for the first.*\+01:00 for the second"):
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
    assert sentence(info.value).endswith(".")


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
    assert local_iso(from_db("2026-07-01T12:00:00Z")) == "2026-07-01T14:00:00+02:00"
    assert local_iso(from_db("2026-12-01T12:00:00Z")) == "2026-12-01T13:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-28 14:00", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("2026-11-28T14:00", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),  # local, not refused
        ("2025-10-06T06:00", datetime(2025, 10, 6, 4, 0, tzinfo=UTC)),
        ("2026-11-28 14:00:30", datetime(2026, 11, 28, 13, 0, 30, tzinfo=UTC)),
        ("today 09:30", datetime(2026, 11, 28, 8, 30, tzinfo=UTC)),
        ("Tomorrow 10:00", datetime(2026, 11, 29, 9, 0, tzinfo=UTC)),
        ("2026-11-28T14:00:00+01:00", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("2026-11-28 13:00Z", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("2026-11-28T13:00:00.999Z", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("2026-12-01T10:00+18:00", datetime(2026, 11, 30, 16, 0, tzinfo=UTC)),
        ("2026-12-01T10:00-18:00", datetime(2026, 12, 2, 4, 0, tzinfo=UTC)),
        ("1970-01-01 00:30", datetime(1969, 12, 31, 23, 30, tzinfo=UTC)),  # a local day in range
        ("2099-12-31 23:59", datetime(2099, 12, 31, 22, 59, tzinfo=UTC)),
    ],
)
def test_exactly_the_documented_forms_are_accepted(text: str, utc: datetime) -> None:
    assert parse_time(text, CLOCK) == utc


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("06-10-2025 06:00+02:00", "the year comes first"),  # never read as 10 June
        ("06-10-2025 06:00", "the year comes first"),
        ("2026-12-01 10:00+25:00", "an offset lies between -18:00 and +18:00"),
        ("2026-12-01 10:00+18:01", "an offset lies between"),
        ("2026-12-01 10:00-18:30", "an offset lies between"),
        ("2026-11-28T10:00+0100", "is not a time"),  # basic offset with an extended date
        ("20261128T1000Z", "is not a time"),
        ("2026-11-28", "is a date; a time needs the hour too"),
        ("today", "is a date"),
        ("0001-01-01 10:00", "lies outside the years"),
        ("0999-06-01 07:00", "lies outside the years"),
        ("1969-12-31 23:59", "lies outside the years"),
        ("1970-01-01T00:30+05:00", "lies outside the years"),  # 1969 in Amsterdam
        ("2100-01-01 00:01", "lies outside the years"),
        ("9999-12-31T23:00-05:00", "lies outside the years"),
        ("2026-11-28 24:00", "is not a valid time of day"),
        ("2026-02-29 10:00", "is not a real date"),
        ("\x1b[2J 10:00", "'\\u001b[2J 10:00' is not a time"),
    ],
)
def test_anything_else_is_refused_never_guessed(text: str, why: str) -> None:
    with pytest.raises(BadInput) as refusal:
        parse_time(text, CLOCK)
    assert why in sentence(refusal.value)


def test_dates_are_strict_and_in_range() -> None:
    assert parse_date("2099-12-31", CLOCK) == date(2099, 12, 31)
    for text in ("20261128", "2026-W48-6", "28-11-2026", "1969-12-31", "2100-01-01"):
        with pytest.raises(BadInput):
            parse_date(text, CLOCK)


def test_a_huge_paste_is_not_echoed_back() -> None:
    with pytest.raises(BadInput) as refusal:
        parse_time("x" * 100_000, CLOCK)
    assert len(sentence(refusal.value)) < 400 and "(100000 characters)" in sentence(refusal.value)


def test_a_span_in_the_repeated_autumn_hour_shows_its_offsets() -> None:
    """Issue 16 (s32, s33): the first and the second 02:00 of 31 October 2027 read apart
    wherever a span is worded (open places, violations, still open); other times as before."""
    first = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)  # 02:00+02:00
    second = datetime(2027, 10, 31, 1, 0, tzinfo=UTC)  # 02:00+01:00
    eve = datetime(2027, 10, 30, 20, 0, tzinfo=UTC)  # 22:00+02:00
    assert local_span(eve, first) == "2027-10-30 22:00–2027-10-31 02:00+02:00"
    assert local_span(eve, second) == "2027-10-30 22:00–2027-10-31 02:00+01:00"
    assert local_span(first, second) == "2027-10-31 02:00+02:00–02:00+01:00"
    later = datetime(2027, 10, 31, 2, 0, tzinfo=UTC)  # 03:00+01:00: not repeated
    assert local_span(second, later) == "2027-10-31 02:00+01:00–03:00"
    assert local_span(eve, eve + timedelta(hours=1)) == "2027-10-30 22:00–23:00"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-28t14:00", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("2026-11-28T13:00:00z", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
        ("Today 10:00", datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
        ("TOMORROW 07:00", datetime(2026, 11, 29, 6, 0, tzinfo=UTC)),
        ("2026-10-25 02:30+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-11-28 13:00Z", datetime(2026, 11, 28, 13, 0, tzinfo=UTC)),
    ],
)
def test_the_forms_the_readme_names_for_case_and_space_are_accepted(
    text: str, utc: datetime
) -> None:
    """Input review: lower-case t/z, date words in any case and a space for the T before an
    offset were accepted but not documented; the README names each (this list is its)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| a time |"))
    assert f"`{text.replace('2026-11-28T13:00:00z', '…13:00:00z')}`" in row, text
    assert parse_time(text, CLOCK) == utc


def test_no_space_before_an_offset() -> None:
    for text in ("2026-11-28 13:00 Z", "2026-11-28T13:00 +01:00"):
        with refused_as(BadInput, "is not a time"):
            parse_time(text, CLOCK)


def test_a_bare_end_not_after_the_start_falls_on_the_next_day() -> None:
    from store.clock import LOCAL_TZ, parse_end_after

    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    start = datetime(2026, 12, 3, 22, 30, tzinfo=LOCAL_TZ)
    assert parse_end_after("01:00", start, clock) == datetime(2026, 12, 4, 1, tzinfo=LOCAL_TZ)
    assert parse_end_after("23:45", start, clock) == datetime(2026, 12, 3, 23, 45, tzinfo=LOCAL_TZ)
    # a dated end is as typed (the store refuses it if it is not after the start)
    assert parse_end_after("2026-12-03 21:00", start, clock) == datetime(
        2026, 12, 3, 21, tzinfo=LOCAL_TZ
    )


def _bare_end(start: datetime, text: str) -> datetime:
    from store.clock import parse_end_after

    return parse_end_after(text, start, FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC)))


def test_a_bare_end_falls_on_the_next_day_only_within_the_overnight_bound() -> None:
    """Issue 17 (fix17): a bare end not after the start is the next day only when the span is
    then at most OVERNIGHT_BARE_END; 16:00–15:00 is a typo, not a 23-hour activity."""
    from store.clock import LOCAL_TZ, OVERNIGHT_BARE_END

    assert timedelta(hours=12) == OVERNIGHT_BARE_END
    start = datetime(2026, 12, 3, 20, tzinfo=LOCAL_TZ)
    assert _bare_end(start, "08:00") == datetime(2026, 12, 4, 8, tzinfo=LOCAL_TZ)  # 12 h: taken
    with pytest.raises(BadInput) as refused:
        _bare_end(start, "08:01")  # 12 h 1 min
    assert refused.value.code == "bare_end_too_far"
    late = datetime(2026, 12, 3, 16, tzinfo=LOCAL_TZ)
    for typo in ("15:00", "16:00"):  # 23 h, 24 h
        with pytest.raises(BadInput) as refused:
            _bare_end(late, typo)
        assert refused.value.code == "bare_end_too_far"
        assert sentence(refused.value) == (
            f"The end {typo} is not after the start 16:00, and on the next day it would be over "
            f"12 hours later; correct the time, or type the end with its date "
            f"(e.g. 2026-12-04 {typo})."
        )
    # typed with its date, the end is read as typed (the store judges the span)
    assert _bare_end(late, "2026-12-04 15:00") == datetime(2026, 12, 4, 15, tzinfo=LOCAL_TZ)


def test_the_overnight_bound_across_the_clock_changes_and_new_year() -> None:
    from store.clock import LOCAL_TZ

    spring = datetime(2026, 3, 28, 23, tzinfo=LOCAL_TZ)  # 02:00 → 03:00 on the 29th
    autumn = datetime(2026, 10, 24, 23, tzinfo=LOCAL_TZ)  # 03:00 → 02:00 on the 25th
    for start in (spring, autumn):
        end = _bare_end(start, "01:30")  # before either change: 2.5 h real time both nights
        assert (end.astimezone(LOCAL_TZ).day, end - start) == (start.day + 1, timedelta(hours=2.5))
    # past the change the real span differs from the clock's: 3.5 h in spring, 5.5 h in autumn
    assert _bare_end(spring, "03:30") - spring == timedelta(hours=3.5)
    assert _bare_end(autumn, "03:30") - autumn == timedelta(hours=5.5)
    # the bound is real time: 20:00–08:30 is 11.5 h on the spring night, 13.5 h on the autumn one
    assert _bare_end(datetime(2026, 3, 28, 20, tzinfo=LOCAL_TZ), "08:30") - datetime(
        2026, 3, 28, 20, tzinfo=LOCAL_TZ
    ) == timedelta(hours=11.5)
    with refused_as(BadInput, r"12\.5 hours later in real time \(the clocks go back"):
        _bare_end(datetime(2026, 10, 24, 20, tzinfo=LOCAL_TZ), "07:30")  # 11.5 h on the clock
    with pytest.raises(BadInput) as skipped:
        _bare_end(spring, "02:30")  # does not exist that night
    assert skipped.value.code == "skipped_local_time"
    eve = datetime(2026, 12, 31, 23, tzinfo=LOCAL_TZ)
    assert _bare_end(eve, "01:30") == datetime(2027, 1, 1, 1, 30, tzinfo=LOCAL_TZ)


def test_a_refused_bare_end_says_when_the_clocks_change_that_night() -> None:
    """Issue 17 (rev17f): 20:00–08:00 on the autumn night is 12 h on the clock but 13 h in real
    time; the refusal says so, in the store's sentence and in words."""
    from store.clock import LOCAL_TZ
    from words.errors import sentence

    autumn = datetime(2026, 10, 24, 20, tzinfo=LOCAL_TZ)
    with pytest.raises(BadInput) as refused:
        _bare_end(autumn, "08:00")
    said = (
        "The end 08:00 is not after the start 20:00, and on the next day it would be 13 hours "
        "later in real time (the clocks go back that night), over 12; correct the time, or "
        "type the end with its date (e.g. 2026-10-25 08:00)."
    )
    assert sentence(refused.value) == said
    assert sentence(refused.value) == said
    assert refused.value.params["clock_change"] == "back"
    # an ordinary night keeps the short sentence
    with pytest.raises(BadInput) as plain:
        _bare_end(datetime(2026, 12, 1, 20, tzinfo=LOCAL_TZ), "08:01")
    assert "real time" not in sentence(plain.value)


def test_a_bare_start_before_a_known_end_is_bounded_like_a_bare_end() -> None:
    """Issue 17 (rev17f): a bare start on the board's day that would end on a later day more
    than OVERNIGHT_BARE_END later is refused, saying the date to type; within it, taken."""
    from datetime import date

    from store.clock import LOCAL_TZ, parse_span_on, parse_start_before
    from words.errors import sentence

    clock = FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    end = datetime(2026, 12, 21, 1, 30, tzinfo=LOCAL_TZ)
    day = date(2026, 12, 20)
    assert parse_start_before("22:00", day, end, clock) == datetime(
        2026, 12, 20, 22, tzinfo=LOCAL_TZ
    )
    with pytest.raises(BadInput) as refused:
        parse_start_before("00:30", day, end, clock)
    said = (
        "The start 00:30 on 2026-12-20 would make it end 25 hours later (at 2026-12-21 01:30), "
        "over 12; type the start with its date (e.g. 2026-12-21 00:30)."
    )
    assert (refused.value.code, sentence(refused.value), sentence(refused.value)) == (
        "bare_start_too_far",
        said,
        said,
    )
    # with its date, as typed; an end on the same day leaves any start on it alone
    assert parse_start_before("2026-12-20 00:30", day, end, clock).hour == 23  # UTC
    same_day = datetime(2026, 12, 20, 23, tzinfo=LOCAL_TZ)
    assert parse_start_before("00:30", day, same_day, clock) == datetime(
        2026, 12, 20, 0, 30, tzinfo=LOCAL_TZ
    )
    # the span rule: a dated end first, then the bare start within the bound of it
    with pytest.raises(BadInput):
        parse_span_on("00:30", "2026-12-21 01:30", day, clock)
    assert parse_span_on("23:00", "01:30", day, clock) == (
        datetime(2026, 12, 20, 23, tzinfo=LOCAL_TZ),
        end,
    )


def test_a_form_time_that_is_not_a_time_lists_the_bare_hh_mm() -> None:
    """Issue 17 (rev17f): the forms take a bare HH:MM; their "not a time" sentence lists it."""
    from datetime import date

    from store.clock import parse_span_on

    clock = FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    for start, end, where in (
        ("9.30", "11:00", "'HH:MM' (on 2026-12-20), "),
        ("09:30", "elf uur", "'HH:MM' (on the start's day, or the next day within 12 hours), "),
    ):
        with pytest.raises(BadInput) as refused:
            parse_span_on(start, end, date(2026, 12, 20), clock)
        assert refused.value.code == "not_a_time"
        assert f"; use {where}'YYYY-MM-DD HH:MM'" in sentence(refused.value), sentence(
            refused.value
        )


def test_the_readme_says_where_a_bare_start_and_a_bare_end_fall() -> None:
    """Issue 17 (rev17f): the README said a time without a date is on the board's day; the end
    is on the start's day (the next within the bound). Its quoted refusals are the code's."""
    from datetime import date
    from pathlib import Path

    from store.clock import LOCAL_TZ, parse_start_before

    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "a start without a date (`09:30`) is on the board's day" in readme
    assert "an end without a date is on the start's day" in readme
    clock = FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    with pytest.raises(BadInput) as start:
        parse_start_before(
            "00:30", date(2026, 12, 20), datetime(2026, 12, 21, 1, 30, tzinfo=LOCAL_TZ), clock
        )
    assert f'refused ("{sentence(start.value)}")' in readme
    with pytest.raises(BadInput) as autumn:
        _bare_end(datetime(2026, 10, 24, 20, tzinfo=LOCAL_TZ), "08:00")
    assert sentence(autumn.value).split("; correct")[0].split(" the next day ")[1] in readme


@pytest.mark.parametrize(
    ("now", "typed", "expected"),
    [
        # 00:10 on 2 December (CET): 23:50 was yesterday's, 00:05 today's
        (datetime(2026, 12, 1, 23, 10, tzinfo=UTC), "23:50", datetime(2026, 12, 1, 22, 50)),
        (datetime(2026, 12, 1, 23, 10, tzinfo=UTC), "00:05", datetime(2026, 12, 1, 23, 5)),
        (datetime(2026, 12, 1, 23, 10, tzinfo=UTC), "00:10", datetime(2026, 12, 1, 23, 10)),
        # the clocks go back (25 October, 03:00 CEST → 02:00 CET): at 04:00 CET, 23:50 was
        # yesterday's (CEST); 01:30 is today's, before the change (CEST)
        (datetime(2026, 10, 25, 3, 0, tzinfo=UTC), "23:50", datetime(2026, 10, 24, 21, 50)),
        (datetime(2026, 10, 25, 3, 0, tzinfo=UTC), "01:30", datetime(2026, 10, 24, 23, 30)),
        # the clocks go forward (29 March, 02:00 CET → 03:00 CEST): at 00:30 CET, 23:50 was
        # yesterday's (CET); at 03:10 CEST, 01:50 was today's (CET)
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "23:50", datetime(2026, 3, 28, 22, 50)),
        (datetime(2026, 3, 29, 1, 10, tzinfo=UTC), "01:50", datetime(2026, 3, 29, 0, 50)),
        # rev17n f6, the night the clocks go back (25 October 2026): at 02:50 CEST both of
        # today's 02:55 are ahead, so it is yesterday's; at 02:10 CET only the first (CEST) is
        # past, so it is that one
        (datetime(2026, 10, 25, 0, 50, tzinfo=UTC), "02:55", datetime(2026, 10, 24, 0, 55)),
        (datetime(2026, 10, 25, 1, 10, tzinfo=UTC), "02:55", datetime(2026, 10, 25, 0, 55)),
        # rev17n f6, the night the clocks go forward (28 March 2027): at 01:10 CET today's
        # 02:30 (which does not exist) would lie ahead in either reading: yesterday's
        (datetime(2027, 3, 28, 0, 10, tzinfo=UTC), "02:30", datetime(2027, 3, 27, 1, 30)),
        # rev17p: at 01:20 CET (29 March 2026) the clocks have not jumped past 02:10 yet,
        # though its summer-time reading (02:10+02:00 = 01:10 CET) is a moment past: it was
        # refused with that offset as a hint; it is yesterday's, as documented (also at 01:50)
        (datetime(2026, 3, 29, 0, 20, tzinfo=UTC), "02:10", datetime(2026, 3, 28, 1, 10)),
        (datetime(2026, 3, 29, 0, 50, tzinfo=UTC), "02:30", datetime(2026, 3, 28, 1, 30)),
        # a date typed is as typed, even ahead (the caller refuses the future)
        (
            datetime(2026, 12, 1, 23, 10, tzinfo=UTC),
            "2026-12-02 23:50",
            datetime(2026, 12, 2, 22, 50),
        ),
    ],
)
def test_a_bare_time_in_the_past_is_the_last_such_time(
    now: datetime, typed: str, expected: datetime
) -> None:
    """rev17m f4: a signal observed at 23:50, typed at 00:10, is yesterday's 23:50."""
    from store.clock import parse_past_time

    assert parse_past_time(typed, FixedClock(now)) == expected.replace(tzinfo=UTC)


def test_a_bare_time_in_the_hour_the_clocks_skip_or_repeat_is_refused_as_such() -> None:
    from store.clock import parse_past_time

    with pytest.raises(BadInput) as skipped:  # 02:30 on 29 March does not exist
        parse_past_time("02:30", FixedClock(datetime(2026, 3, 29, 2, 0, tzinfo=UTC)))
    assert skipped.value.code == "skipped_local_time"
    with pytest.raises(BadInput) as repeated:  # 02:30 on 25 October happens twice
        parse_past_time("02:30", FixedClock(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)))
    assert repeated.value.code == "repeated_local_time"


def test_a_refused_bare_past_time_never_suggests_a_moment_ahead() -> None:
    """rev17n f6: at 03:10 CEST on 28 March 2027, "02:30" (which does not exist) suggested
    02:30+01:00, i.e. 03:30 CEST, later than now; the offset that is past is suggested. Both
    readings past, as before, the first (+01:00)."""
    from store.clock import parse_past_time

    with pytest.raises(BadInput) as skipped:
        parse_past_time("02:30", FixedClock(datetime(2027, 3, 28, 1, 10, tzinfo=UTC)))
    assert skipped.value.code == "skipped_local_time"
    assert "2027-03-28T02:30+02:00." in sentence(skipped.value)
    with pytest.raises(BadInput) as later:
        parse_past_time("02:30", FixedClock(datetime(2027, 3, 28, 2, 0, tzinfo=UTC)))
    assert "2027-03-28T02:30+01:00." in sentence(later.value)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12- 2T07:00:00Z",
        "2026-12-02T 7:00:00Z",
        "2026- 1-02T07:00:00Z",
        "2026-12-02T07: 0:00Z",
        "2026-12-02T07:00: 0Z",
        "2026-12-+2T07:00:00Z",
        "2026-12-0\u0662T07:00:00Z",
    ],
)
def test_a_stored_time_with_a_padded_or_foreign_digit_is_damage(text: str) -> None:
    """rev14t M3: ``strptime`` read '2026-12- 2T07:00:00Z' as 2 December (exit 0 where gaps
    said damage, and a Dec 1 listing held it: in SQL it sorts before '2026-12-01')."""
    from store.clock import StoredTimeDamaged

    with pytest.raises(StoredTimeDamaged):
        from_db(text)
    assert from_db("2026-12-02T07:00:00Z") == datetime(2026, 12, 2, 7, tzinfo=UTC)
