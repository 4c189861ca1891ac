"""Issue 14 (fix14b, reviewer rev14f): a calendar's values in shapes the import did not
expect end in Schildwacht's own sentence, exit 2, with nothing imported — never exit 1, never
the library's repr stored as a title."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.commands.test_ics_hostile_words import HEAD, TAIL, _file, _person, _refused

EVENT = ("UID:o@x", "DTSTAMP:20270101T000000Z", "SUMMARY:O")


def _calendar(path: Path, *lines: str, head: str = "") -> Path:
    body = "".join(f"{x}\r\n" for x in (*EVENT, *lines))
    path.write_text(HEAD + head + "BEGIN:VEVENT\r\n" + body + "END:VEVENT\r\n" + TAIL)
    return path


TIMED = ("DTSTART:20270305T090000Z", "DTEND:20270305T100000Z")


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (
            (*TIMED, "RDATE;VALUE=PERIOD:20270310T090000Z/P500000W"),
            "RDATE period end must lie between 1970-01-01 and 2099-12-31; "
            "'20270310T090000Z/P3500000D' does not.",
        ),
        (
            (*TIMED, "RDATE;VALUE=PERIOD:20270310T090000Z/PT999999999999S"),
            "RDATE period end must lie between 1970-01-01 and 2099-12-31",
        ),
        (
            ("DTSTART;VALUE=DATE:20270305", "RDATE;VALUE=PERIOD:20270310/P9999999W"),
            "RDATE period end must lie between 1970-01-01 and 2099-12-31",
        ),
        (
            (*TIMED, "RDATE;VALUE=PERIOD:20270310T090000Z/P35000D"),
            "RDATE period end must lie between",  # was called "DTEND"
        ),
        (
            (*TIMED, "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=PERIOD:20270306T090000Z/PT1H"),
            "property EXDATE: '20270306T090000Z/PT1H' is a period (a start and an end); only an "
            "RDATE may be a period — give a date or a date-time.",
        ),
        (
            (*TIMED, "RECURRENCE-ID;VALUE=PERIOD:20270306T090000Z/PT1H"),
            "property RECURRENCE-ID: '20270306T090000Z/PT1H' is a period",
        ),
        (
            ("DTSTART;VALUE=PERIOD:20270305T090000Z/PT1H", "RRULE:FREQ=DAILY;COUNT=3"),
            "property DTSTART: '20270305T090000Z/PT1H' is a period",
        ),
        (
            ("DTSTART;VALUE=TEXT:morgen", "DTEND:20270305T100000Z"),
            "property DTSTART: 'morgen' is not a date or a date-time",
        ),
    ],
)
def test_a_time_in_a_shape_the_import_cannot_use_is_refused_in_our_words(
    initialised: Run, tmp_path: Path, db_path: Path, lines: tuple[str, ...], said: str
) -> None:
    """Finding 1: these exited 1 (OverflowError, AttributeError, TypeError); finding 7: a
    period DTSTART was called a date, an RDATE period's end was called DTEND."""
    _person(initialised)
    stderr = _refused(initialised, _calendar(tmp_path / "p.ics", *lines), db_path)
    assert stderr.startswith("Error: p.ics: VEVENT o@x (O)") and said in stderr, stderr


@pytest.mark.parametrize("prop", ["SUMMARY", "LOCATION", "STATUS", "UID", "DTSTART", "DTEND"])
def test_a_property_given_twice_that_may_occur_once_refuses_the_file(
    initialised: Run, tmp_path: Path, db_path: Path, prop: str
) -> None:
    """Finding 3: a SUMMARY or LOCATION twice was stored as the library's repr; STATUS twice
    kept the activity planned; DTSTART twice was called a date and a date-time; UID twice
    'cannot be expanded'."""
    _person(initialised)
    values = {
        "SUMMARY": ("Other",),  # the file has SUMMARY:s, UID:a, DTSTART and DTEND
        "LOCATION": ("A", "B"),
        "STATUS": ("CONFIRMED", "CANCELLED"),
        "UID": ("b",),
        "DTSTART": ("20261202T090000Z",),
        "DTEND": ("20261202T120000Z",),
    }[prop]
    path = _file(tmp_path / "t.ics", *(f"{prop}:{v}" for v in values))
    stderr = _refused(initialised, path, db_path)
    assert f"gives {prop} 2 times; it may be given once (RFC 5545)" in stderr, stderr
    assert "vText" not in stderr


def test_a_calendar_name_given_twice_refuses_the_file(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    _person(initialised)
    head = "X-WR-CALNAME:A\r\nX-WR-CALNAME:B\r\n"
    path = _calendar(tmp_path / "n.ics", *TIMED, head=head)
    stderr = _refused(initialised, path, db_path)
    assert "n.ics: the calendar gives X-WR-CALNAME 2 times" in stderr, stderr
