"""Issue 14, the reviews' leftovers (hostile input), at the store: an FTE read exactly, a
recurrence rule that gives a part twice, blanks around a typed time that are not spaces, a
roster counted in records, and an activity ending at the first instant of 2100."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from store import agenda, subjects, validate
from store.capacity import Change, fte_officers
from store.clock import SystemClock, parse_date, parse_time, parse_time_on
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from store.roster import import_shifts
from store.staff import add_staff
from tests.conftest import refused_as, snapshot
from words.errors import sentence

CLOCK = SystemClock()


# FTE: the text read exactly, then at most one decimal ---------------------------------------


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("0.49999999999999999999", "must lie between 0.5 and 1000"),  # a float made it 0.5
        ("1000.00000000000000001", "must lie between 0.5 and 1000"),
        ("0.55", "has at most one decimal; 0.55 has more"),
        ("2.500000000000000001", "has at most one decimal"),
    ],
)
def test_an_fte_is_read_exactly(typed: str, why: str) -> None:
    with refused_as(BadInput, why):
        validate.tenths_text(typed, "The number of FTE", low=0.5, high=1000)
    # a change names itself and what it gives (issue 16, fresh review: the refusal named no
    # change)
    fault = "should lie between 0.5 and 1000" if "lie" in why else "should have at most one"
    with pytest.raises(BadInput) as refused:
        Change.parse(f"add-fte:{typed}:RT", None)
    assert sentence(refused.value).startswith(
        f"'add-fte:{typed}:RT' gives '{typed}' where the number"
    )
    assert fault in sentence(refused.value)


@pytest.mark.parametrize(("typed", "officers"), [("0.5", 1), ("2.50", 3), ("1000", 1000)])
def test_an_fte_in_range_counts_whole_officers(typed: str, officers: int) -> None:
    fte = validate.tenths_text(typed, "The number of FTE", low=0.5, high=1000)
    assert fte == Decimal(typed) and fte_officers(fte) == officers
    assert Change.parse(f"add-fte:{typed}:RT", None).count == officers


# A recurrence rule gives each part once -------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "part"),
    [("FREQ=DAILY;COUNT=3;FREQ=MINUTELY", "FREQ"), ("FREQ=WEEKLY;COUNT=2;COUNT=9000", "COUNT")],
)
def test_a_rule_part_given_twice_is_refused(
    store: Store, tmp_path: Path, rule: str, part: str
) -> None:
    """icalendar and dateutil both keep the last FREQ without a word (checked: neither
    reports it), so the file ran MINUTELY where its reader saw DAILY."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    path = tmp_path / "c.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e1@x\r\n"
        f"DTSTART:20270301T090000Z\r\nDURATION:PT30M\r\nSUMMARY:Zitting\r\nRRULE:{rule}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = snapshot(store.path)
    with refused_as(BadInput, rf"c\.ics: line 8: RRULE gives '{part}' more than once"):
        import_ics(
            store,
            path,
            person="BEVER",
            start=date(2027, 3, 1),
            end=date(2027, 3, 31),
        )
    assert snapshot(store.path) == before


# Typed times: only ASCII spaces around them are dropped --------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026-12-01 10:00\u00a0", "U+00A0"),
        ("\u00a02026-12-01 10:00", "U+00A0"),
        ("2026-12-01 10:00\r", "U+000D"),
        ("2026-12-01 10:00\n", "U+000A"),
        ("\t2026-12-01 10:00", "U+0009"),
        ("2026-12-01\u00a010:00", "U+00A0"),
    ],
)
def test_a_blank_that_is_not_a_space_refuses_a_time(typed: str, code: str) -> None:
    with refused_as(BadInput, re.escape(f"is not a time (it holds {code}, which is not")):
        parse_time(typed, CLOCK)


def test_ascii_spaces_around_a_time_or_date_are_dropped() -> None:
    assert parse_time("  2026-12-01 10:00 ", CLOCK) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert parse_time_on(" 10:00 ", datetime(2026, 12, 1).date(), CLOCK).hour == 9
    assert parse_date(" 2026-12-01 ", CLOCK).day == 1
    with refused_as(BadInput, "U\\+00A0"):
        parse_date("2026-12-01\u00a0", CLOCK)


# A roster: a quoted line break is one record, and its time is refused ------------------------


def test_a_roster_is_counted_in_records_not_lines(store: Store, tmp_path: Path) -> None:
    add_staff(store, "RT-0001", unit="RT")
    roster = tmp_path / "r.csv"
    roster.write_text(
        'callsign,start,end\nRT-0001,2027-01-04 08:00,"2027-01-04\n16:00"\n'
        "RT-0001,2027-01-05 08:00,2027-01-05 16:00\n",
        "utf-8",
    )
    before = snapshot(store.path)
    with pytest.raises(BadInput) as refused:  # 2 records in 3 lines: within a limit of 2
        import_shifts(store, roster, max_shifts=2)
    assert refused.value.code != "too_many_shifts"
    assert "U+000A" in sentence(refused.value)  # the line break inside the quoted time
    assert snapshot(store.path) == before
    with refused_as(BadInput, "holds 2 shifts, more than the limit of 1"):
        import_shifts(store, roster, max_shifts=1)


# The range closes at 2100-01-01 00:00 local, which an end may reach -------------------------


def test_an_activity_may_end_at_the_first_instant_of_2100(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    end = parse_time("2100-01-01 00:00", CLOCK)
    assert end == datetime(2099, 12, 31, 23, 0, tzinfo=UTC)
    made = agenda.add_activity(
        store,
        person="BEVER",
        title="Oudejaarsavond",
        start=parse_time("2099-12-31 22:00", CLOCK),
        end=end,
    )
    assert made.end_at == end
    before = snapshot(store.path)
    for start, last in (("2099-12-31 23:00", "2100-01-01 00:01"), ("2100-01-01 00:00", None)):
        with pytest.raises(BadInput):
            agenda.add_activity(
                store,
                person="BEVER",
                title="Te laat",
                start=parse_time(start, CLOCK),
                end=parse_time(last or "2100-01-01 01:00", CLOCK),
            )
    assert snapshot(store.path) == before


@pytest.mark.parametrize(
    "typed", ["2100-01-01 00:00:01", "2099-12-31T23:00:01Z", "2100-01-02 00:00"]
)
def test_nothing_after_the_closing_instant(typed: str) -> None:
    with refused_as(BadInput, "lies outside the years"):
        parse_time(typed, CLOCK)


def test_a_qualification_day_follows_the_same_rule() -> None:
    from store.staff import parse_qualification

    assert parse_qualification("close_protection: 2027-03-31 ")[1] == date(2027, 3, 31)
    with refused_as(BadInput, "last valid day"):
        parse_qualification("close_protection:2027-03-31\u00a0")
