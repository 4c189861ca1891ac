"""RDATE periods (RFC 5545 3.8.5.2, issue 16): an occurrence an ``RDATE;VALUE=PERIOD`` gives
keeps its own end or duration, not the series' length — exact across the spring clock change,
with a duration of days read as the same wall time that many days later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import local_iso
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import snapshot
from words.errors import sentence

ICS = Path(__file__).parent.parent / "fixtures" / "ics"


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    return store


def _spans(store: Store) -> list[tuple[str | None, str | None]]:
    return [
        (local_iso(a.start_at), local_iso(a.end_at))
        for a in agenda.list_activities(store, person="BEVER")
    ]


def test_each_period_keeps_its_own_end_or_duration(bever: Store) -> None:
    """The breaker's file: the master 1 h, a period with an end (4 h), one with PT6H."""
    import_ics(bever, ICS / "rdate_period.ics", person="BEVER", start=_day(5), end=_day(20))
    assert _spans(bever) == [
        ("2027-03-08T11:00:00+01:00", "2027-03-08T12:00:00+01:00"),
        ("2027-03-12T14:00:00+01:00", "2027-03-12T18:00:00+01:00"),
        ("2027-03-15T09:00:00+01:00", "2027-03-15T15:00:00+01:00"),
    ]


ZONED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:zoned@example
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/Amsterdam:20270322T100000
DTEND;TZID=Europe/Amsterdam:20270322T110000
RDATE;TZID=Europe/Amsterdam;VALUE=PERIOD:{periods}
SUMMARY:Nacht
END:VEVENT
END:VCALENDAR
"""


def test_zoned_periods_across_the_spring_change(bever: Store, tmp_path: Path) -> None:
    """TZID periods over the night of 28 March 2027 (02:00 → 03:00): 23:00–04:00 is four
    hours; PT6H from 23:30 ends 06:30 summer time; P1D from noon is noon the next day (23 h)."""
    path = tmp_path / "zoned.ics"
    periods = "20270327T230000/20270328T040000,20270327T233000/PT6H,20270327T120000/P1D"
    path.write_text(ZONED.format(periods=periods).replace("\n", "\r\n"))
    import_ics(bever, path, person="BEVER", start=_day(20), end=_day(31))
    assert _spans(bever) == [
        ("2027-03-22T10:00:00+01:00", "2027-03-22T11:00:00+01:00"),
        ("2027-03-27T12:00:00+01:00", "2027-03-28T12:00:00+02:00"),
        ("2027-03-27T23:00:00+01:00", "2027-03-28T04:00:00+02:00"),
        ("2027-03-27T23:30:00+01:00", "2027-03-28T06:30:00+02:00"),
    ]


def test_a_period_ending_before_it_starts_is_refused(bever: Store, tmp_path: Path) -> None:
    path = tmp_path / "backwards.ics"
    path.write_text(ZONED.format(periods="20270327T230000/20270327T220000").replace("\n", "\r\n"))
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as caught:
        import_ics(bever, path, person="BEVER", start=_day(20), end=_day(31))
    assert caught.value.code == "calendar_ends_before_start"
    assert "RDATE period" in sentence(caught.value)
    assert snapshot(bever.path) == before


def _day(n: int) -> date:
    return date(2027, 3, n)


def test_a_truncated_file_is_refused_in_one_readable_line(bever: Store, tmp_path: Path) -> None:
    """Issue 16 (s14): the sentence stays one line; issue 14 (fix14): it says what is wrong in
    our words (a BEGIN without its END), not by quoting the parser."""
    path = tmp_path / "trunc.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:t@x\r\n"
        "DTSTART:20261201T100000Z\r\nEND:VCALENDAR\r\n"
    )
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as caught:
        import_ics(bever, path, person="BEVER", start=date(2026, 12, 1), end=date(2026, 12, 31))
    text = sentence(caught.value)
    assert (caught.value.code, caught.value.params["reason"]) == ("calendar_invalid", "unclosed")
    assert "a BEGIN line has no END line" in text and "Found" not in text
    assert "\\u000a" not in text and "\n" not in text and "\r" not in text
    assert snapshot(bever.path) == before
