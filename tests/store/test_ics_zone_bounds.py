"""A calendar's own time zones are bounded before anything reads them (issue 14, fresh review).

The reviewer's 700-byte file: a VTIMEZONE whose STANDARD rule repeats every second from 1970
and one event in that zone hung ``import-ics`` (dateutil steps through every onset from the
rule's DTSTART whenever it reads the zone) and held the database. A zone rule that repeats
more often than yearly, has an EXRULE, or has too many onsets up to 2099 refuses the file
naming the zone; nothing is written. Every test runs under a short alarm, so a regression
fails instead of hanging. EXRULE on an event (RFC 2445, removed by RFC 5545) refuses the file
instead of being ignored.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType

import pytest
from dateutil import rrule  # type: ignore[import-untyped]

from store import ics_bounds, subjects
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import refused_as, snapshot

DECEMBER = {"start": date(2026, 12, 1), "end": date(2026, 12, 2)}


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the block takes longer than ``seconds``."""

    def late(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


def zone(tzid: str, standard: str, daylight: str = "", since: str = "19700101") -> str:
    """A VTIMEZONE: ``standard`` and ``daylight`` are extra lines of each rule."""
    rules = f"BEGIN:STANDARD\r\nDTSTART:{since}T030000\r\nTZOFFSETFROM:+0200\r\n"
    rules += f"TZOFFSETTO:+0100\r\n{standard}END:STANDARD\r\n"
    if daylight:
        rules += f"BEGIN:DAYLIGHT\r\nDTSTART:{since}T020000\r\nTZOFFSETFROM:+0100\r\n"
        rules += f"TZOFFSETTO:+0200\r\n{daylight}END:DAYLIGHT\r\n"
    return f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n{rules}END:VTIMEZONE\r\n"


def calendar(tmp_path: Path, *parts: str, tzid: str = "Evil", extra: str = "") -> Path:
    event = (
        f"BEGIN:VEVENT\r\nUID:tz@x\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;TZID={tzid}:20261201T100000\r\nDTEND;TZID={tzid}:20261201T110000\r\n"
        f"SUMMARY:Zitting\r\n{extra}END:VEVENT\r\n"
    )
    path = tmp_path / "z.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Werk\r\n"
        + "".join(parts)
        + event
        + "END:VCALENDAR\r\n"
    )
    return path


def refused(store: Store, path: Path, match: str) -> None:
    before = snapshot(store.path)
    with within(5), refused_as(BadInput, match):
        import_ics(store, path, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert snapshot(store.path) == before


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "MONTHLY"])
def test_a_zone_rule_more_frequent_than_yearly_is_refused_naming_the_zone(
    bever: Store, tmp_path: Path, freq: str
) -> None:
    path = calendar(
        tmp_path,
        zone("Evil", f"RRULE:FREQ={freq}\r\n", f"RRULE:FREQ={freq};INTERVAL=2\r\n"),
    )
    refused(bever, path, rf"z\.ics: VTIMEZONE Evil: the STANDARD rule repeats {freq}; a zone's")


def test_a_yearly_zone_rule_with_too_many_onsets_is_refused(bever: Store, tmp_path: Path) -> None:
    """Yearly, but every minute of 28 days of every month: 63 million onsets to 2099."""
    many = (
        "RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY="
        + ",".join(str(d) for d in range(1, 29))
        + ";BYHOUR="
        + ",".join(str(h) for h in range(24))
        + ";BYMINUTE="
        + ",".join(str(m) for m in range(60))
        + "\r\n"
    )
    path = calendar(tmp_path, zone("Evil2", many), tzid="Evil2")
    refused(bever, path, r"z\.ics: VTIMEZONE Evil2 has rules with about [0-9,]+ clock changes")


def test_a_zone_rule_with_an_exrule_or_a_bad_part_is_refused(bever: Store, tmp_path: Path) -> None:
    exrule = "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEXRULE:FREQ=SECONDLY\r\n"
    path = calendar(tmp_path, zone("Evil", exrule))
    refused(bever, path, r"VTIMEZONE Evil: the STANDARD rule has an EXRULE, which RFC 5545")
    path = calendar(tmp_path, zone("Evil", "RRULE:FREQ=YEARLY;BYHOUR=99\r\n"))
    refused(bever, path, r"VTIMEZONE Evil: STANDARD: RRULE BYHOUR has 99")


def test_an_outlook_zone_from_1601_is_read(bever: Store, tmp_path: Path) -> None:
    """Outlook writes its zones yearly from 1601 (about 2,000 onsets to 2099): accepted, read
    exactly (10:00 in December is 09:00 UTC)."""
    outlook = zone(
        "Custom Amsterdam",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n",
        since="16010101",
    )
    path = calendar(tmp_path, outlook, tzid="Custom Amsterdam")
    with within(10):
        result = import_ics(bever, path, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    [item] = result.items
    assert item.start == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_zone_refused_once_is_not_read_for_the_next_file(bever: Store, tmp_path: Path) -> None:
    """icalendar remembers the first VTIMEZONE of each name for the whole process (the
    console imports many files): the next file's own zone of that name is the one read."""
    hostile = calendar(tmp_path, zone("Evil", "RRULE:FREQ=SECONDLY\r\n"))
    refused(bever, hostile, r"VTIMEZONE Evil: the STANDARD rule repeats SECONDLY")
    fair = calendar(tmp_path, zone("Evil", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"))
    with within(5):
        result = import_ics(bever, fair, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    [item] = result.items
    assert item.start == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_an_event_with_an_exrule_is_refused_not_ignored(bever: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:exr@x\r\n"
        "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nRRULE:FREQ=DAILY\r\n"
        "EXRULE:FREQ=WEEKLY\r\nSUMMARY:S\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    refused(bever, path, r"x\.ics: VEVENT exr@x \(S\) has an EXRULE, which RFC 5545 removed")


def test_one_budget_bounds_every_rule_an_import_expands() -> None:
    """A budget within another shares it: the import's outer budget bounds the expansion of
    its events and of its zones together."""
    daily = rrule.rrule(rrule.DAILY, dtstart=datetime(2026, 1, 1))
    with ics_bounds.expansion_budget(50):
        list(daily[:40])
        with ics_bounds.expansion_budget(), pytest.raises(ics_bounds.ExpansionTooLong):
            list(rrule.rrule(rrule.DAILY, dtstart=datetime(2026, 1, 1), count=40))
