"""Issue 14 (fix14b, reviewer rev14f): a calendar's values in shapes the import did not
expect end in Schildwacht's own sentence, exit 2, with nothing imported — never exit 1, never
the library's repr stored as a title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.commands.test_ics_hostile_words import HEAD, TAIL, _file, _person, _refused

EVENT = ("UID:o@x", "DTSTAMP:20270101T000000Z", "SUMMARY:O")


def _calendar(path: Path, *lines: str, head: str = "") -> Path:
    body = "".join(f"{x}\r\n" for x in (*EVENT, *lines))
    path.write_text(HEAD + head + "BEGIN:VEVENT\r\n" + body + "END:VEVENT\r\n" + TAIL)
    return path


AMS = "TZID=Europe/Amsterdam"
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
            # a period starting at a date is refused before its end is read (rev16n F5)
            ("DTSTART;VALUE=DATE:20270305", "RDATE;VALUE=PERIOD:20270310/P9999999W"),
            "has an RDATE period '20270310/P9999999W' of dates",
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


@pytest.mark.parametrize("summary", ["\u200b", "\u202e\u200f", "\x07", " \u200b\t"])
def test_a_title_of_invisible_characters_is_refused_as_when_typed(
    initialised: Run, tmp_path: Path, db_path: Path, summary: str
) -> None:
    """Finding 2: such a SUMMARY was stored as the title (typed, it is refused), and every
    other laptop quarantined the changes; the same check as ``activity add``, on a new event
    and on a newer version of an imported one."""
    _person(initialised)
    typed = initialised(
        "activity", "add", "--person", "BEVER", "--title", summary,
        "--start", "2026-12-02 10:00", "--end", "2026-12-02 11:00",
    )  # fmt: skip
    assert typed.exit_code == 2 and "may not be empty" in typed.stderr
    path = tmp_path / "b.ics"
    text = _file(path, "SEQUENCE:1").read_text().replace("SUMMARY:s", f"SUMMARY:{summary}")
    path.write_text(text)
    stderr = _refused(initialised, path, db_path)
    assert "SUMMARY may not be empty." in stderr, stderr
    # the update path: the event imported with a title, then a newer version without one
    first = _file(tmp_path / "u.ics", "SEQUENCE:1")
    result = initialised("activity", "import-ics", str(first), "--person", "BEVER")
    assert result.exit_code == 0, result.stderr
    newer = first.read_text().replace("SEQUENCE:1", "SEQUENCE:2")
    first.write_text(newer.replace("SUMMARY:s", f"SUMMARY:{summary}"))
    stderr = _refused(initialised, first, db_path)
    assert "SUMMARY may not be empty." in stderr, stderr
    shown = initialised("activity", "list", "--person", "BEVER", "-f", "json")
    assert [row["title"] for row in json.loads(shown.stdout)] == ["s"], shown.stdout


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (
            "DTSTART;TZID=Europe/Amsterdam;TZID=Asia/Tokyo:20261202T100000",
            "DTSTART gives TZID 2 times ('Europe/Amsterdam', 'Asia/Tokyo'); which zone the time "
            "is in cannot be told.",
        ),
        (
            "DTSTART;TZID=Asia/Tokyo;TZID=Europe/Amsterdam:20261202T100000",
            "DTSTART gives TZID 2 times ('Asia/Tokyo', 'Europe/Amsterdam')",
        ),
        (
            "DTSTART;TZID=Europe/Amsterdam,Asia/Tokyo:20261202T100000",
            "DTSTART names more than one zone in its TZID ('Europe/Amsterdam,Asia/Tokyo'); a "
            "time is in one zone.",
        ),
        (
            "DTSTART;TZID=Asia/Tokyo:20261202T100000Z",
            "DTSTART gives the zone 'Asia/Tokyo' and a time in UTC ('20261202T100000Z', ending "
            "in Z); a time is in one of the two (RFC 5545)",
        ),
    ],
)
def test_a_zone_that_would_be_guessed_is_refused_naming_the_zones(
    initialised: Run, tmp_path: Path, db_path: Path, start: str, said: str
) -> None:
    """Finding 4: a TZID given twice was read in the last zone, a TZID on a UTC time in the
    zone, without a word; a TZID list was refused blaming the time."""
    _person(initialised)
    stderr = _refused(initialised, _file(tmp_path / "z.ics", start=start), db_path)
    assert stderr.startswith("Error: z.ics: line 7: ") and said in stderr, stderr


def test_a_quoted_zone_and_a_zone_for_a_list_of_times_are_read(
    initialised: Run, tmp_path: Path
) -> None:
    _person(initialised)
    path = _file(
        tmp_path / "q.ics",
        "RRULE:FREQ=DAILY;COUNT=3",
        "EXDATE;TZID=Europe/Amsterdam:20261203T110000,20261204T110000",
        start='DTSTART;TZID="Europe/Amsterdam":20261202T110000',
    )
    result = initialised("activity", "import-ics", str(path), "--person", "BEVER", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("DTSTART;VALUE=DATE:20991231", "DTEND;VALUE=DATE:21000101"),
        (f"DTSTART;{AMS}:20991231T220000", f"DTEND;{AMS}:21000101T000000"),
        ("DTSTART:20991231T210000Z", "DTEND:20991231T230000Z"),
        ("DTSTART:20991231T220000", "DTEND:21000101T000000"),  # floating, read in Amsterdam
    ],
)  # fmt: skip
def test_an_event_may_end_at_midnight_of_new_year_2100_as_a_typed_one(
    initialised: Run, tmp_path: Path, start: str, end: str
) -> None:
    """Finding 6: these were refused ('DTEND must lie between 1970-01-01 and 2099-12-31')
    while `activity add --end "2100-01-01 00:00"` is accepted."""
    _person(initialised)
    path = _calendar(tmp_path / "ny.ics", start, end)
    result = initialised(
        "activity", "import-ics", str(path), "--person", "BEVER",
        "--from", "2099-12-01", "--to", "2099-12-31", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = initialised("activity", "list", "--person", "BEVER", "--date", "2099-12-31",
                        "-f", "json")  # fmt: skip
    (row,) = json.loads(shown.stdout)
    assert row["end"] == "2100-01-01T00:00:00+01:00", row


@pytest.mark.parametrize(
    "end",
    ["DTEND;VALUE=DATE:21000102", "DTEND:21000101T000100", "DTEND:20991231T230100Z"],
)
def test_an_end_past_midnight_of_new_year_2100_is_still_refused(
    initialised: Run, tmp_path: Path, db_path: Path, end: str
) -> None:
    _person(initialised)
    start = "DTSTART;VALUE=DATE:20991231" if "DATE:" in end else "DTSTART:20991231T210000Z"
    stderr = _refused(initialised, _calendar(tmp_path / "ny.ics", start, end), db_path)
    assert "DTEND must lie between 1970-01-01 and 2099-12-31" in stderr, stderr


E = "".join(f"{x}\r\n" for x in ("BEGIN:VEVENT", *EVENT, *TIMED))


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (E + "END:VTODO\r\n", "an END line has no BEGIN line before it"),
        (
            "BEGIN:VTODO\r\n" + E + "END:VEVENT\r\nEND:VTODO\r\n",
            "line 5: BEGIN:VEVENT stands inside the VTODO of line 4; a VEVENT stands directly "
            "in the VCALENDAR",
        ),
        (
            E + "BEGIN:VALARM\r\n" + E.replace("o@x", "p@x") + "END:VEVENT\r\nEND:VALARM\r\n"
            "END:VEVENT\r\n",
            "line 11: BEGIN:VEVENT stands inside the VALARM of line 10",
        ),
        (E + E + "END:VEVENT\r\nEND:VEVENT\r\n", "BEGIN:VEVENT stands inside the VEVENT"),
    ],
)
def test_a_component_closed_by_another_or_inside_another_refuses_the_file(
    initialised: Run, tmp_path: Path, db_path: Path, body: str, said: str
) -> None:
    """Finding 8: these were imported without a word (a VEVENT in a VALARM: two activities;
    one in a VEVENT: refused as a UID appearing twice)."""
    _person(initialised)
    path = tmp_path / "s.ics"
    path.write_text(HEAD + body + TAIL)
    stderr = _refused(initialised, path, db_path)
    assert stderr.startswith("Error: s.ics is not a valid iCalendar file: ") and said in stderr, (
        stderr
    )


def test_an_alarm_inside_an_event_is_still_read(initialised: Run, tmp_path: Path) -> None:
    _person(initialised)
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
    path = tmp_path / "a.ics"
    path.write_text(HEAD + E + alarm + "END:VEVENT\r\n" + TAIL)
    result = initialised("activity", "import-ics", str(path), "--person", "BEVER",
                         "--from", "2027-03-01")  # fmt: skip
    assert result.exit_code == 0, result.stderr


SERIES = (
    "UID:r@x\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Europe/Amsterdam:20270301T090000\r\n"
    "DTEND;TZID=Europe/Amsterdam:20270301T100000\r\nSUMMARY:R\r\nRRULE:FREQ=DAILY;COUNT=10\r\n"
)


def _series_with(path: Path, rid: str) -> Path:
    override = (
        f"UID:r@x\r\nDTSTAMP:20270101T000000Z\r\n{rid}\r\nDTSTART:20270305T120000Z\r\n"
        "DTEND:20270305T130000Z\r\nSUMMARY:Moved\r\n"
    )
    path.write_text(
        HEAD + "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in (SERIES, override)) + TAIL
    )
    return path


def test_a_date_recurrence_id_on_a_timed_series_is_refused(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    """Finding 9: RECURRENCE-ID;VALUE=DATE:20270303 on a 09:00 series was imported as an 11th
    activity beside the 3 March occurrence it meant to change, without a word."""
    _person(initialised)
    path = _series_with(tmp_path / "r.ics", "RECURRENCE-ID;VALUE=DATE:20270303")
    stderr = _refused(initialised, path, db_path)
    assert (
        "r.ics: VEVENT r@x (Moved) has a RECURRENCE-ID that is a date but its series' DTSTART "
        "is a date-time; both must be the same kind (RFC 5545)" in stderr
    ), stderr


def test_a_recurrence_id_naming_no_occurrence_is_warned_of(
    initialised: Run, tmp_path: Path
) -> None:
    """README: 'an id that names no occurrence of its series is warned of' — only a
    THISANDFUTURE one was."""
    _person(initialised)
    path = _series_with(tmp_path / "r.ics", "RECURRENCE-ID;TZID=Europe/Amsterdam:20270303T100000")
    result = initialised("activity", "import-ics", str(path), "--person", "BEVER",
                         "--from", "2027-03-01")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: VEVENT r@x (Moved): its RECURRENCE-ID 2027-03-03 10:00 names no occurrence "
        "of its series" in result.stderr
    ), result.stderr
    matched = _series_with(
        tmp_path / "m.ics", "RECURRENCE-ID;TZID=Europe/Amsterdam:20270303T090000"
    )
    result = initialised("activity", "import-ics", str(matched), "--person", "BEVER",
                         "--from", "2027-03-01")  # fmt: skip
    assert result.exit_code == 0 and "names no occurrence" not in result.stderr, result.stderr


def test_an_event_with_both_dtend_and_duration_is_refused(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    """RFC 5545 3.6.1: DTEND and DURATION MUST NOT both occur; which end wins was the
    library's choice."""
    _person(initialised)
    path = _calendar(tmp_path / "d.ics", *TIMED, "DURATION:PT3H")
    stderr = _refused(initialised, path, db_path)
    assert "d.ics: VEVENT o@x (O) gives both DTEND and DURATION; an event gives one" in stderr


@pytest.mark.parametrize("status", ["CANCELED", "geannuleerd", "\x1b[31mX"])
def test_an_unknown_status_is_read_as_planned_with_a_warning(
    initialised: Run, tmp_path: Path, status: str
) -> None:
    """A misspelt CANCELLED ('CANCELED') kept the activity planned without a word."""
    _person(initialised)
    path = _calendar(tmp_path / "s.ics", *TIMED, f"STATUS:{status}")
    result = initialised("activity", "import-ics", str(path), "--person", "BEVER",
                         "--from", "2027-03-01", "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    said = "is not TENTATIVE, CONFIRMED or CANCELLED; read as planned"
    assert "property STATUS: '" in result.stderr and said in result.stderr, result.stderr
    assert "\x1b" not in result.stderr
