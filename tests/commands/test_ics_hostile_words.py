"""Issue 14 (fix14): a calendar file's unreadable values end in Schildwacht's own sentence —
never the icalendar library's English, a raw escape sequence, a traceback or exit 1.

A scan feeds a corpus of bad values to every property the import reads (and to each RRULE
part, and to the lines around them) through the real command line, and asserts each import
is accepted (exit 0, the property ignored with a warning) or refused (exit 2, one sentence),
with no library wording and every control character made visible. Then one test per finding.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import snapshot

#: Words of the icalendar / dateutil libraries (and of Python) that must never reach a person.
LIBRARY = re.compile(
    r"Expected|ValueError|TypeError|KeyError|Invalid|[Gg]ot:|could not be parsed|encountered|"
    r"must be less than|not a valid parameter|Traceback|parent component|exactly one|vBroken|"
    r"unsupported|at least one component|unexpected failure"
)
#: Values a hostile or careless file carries.
BAD = (
    "x",
    "",
    "\x1b[31mred",
    "\x1b]0;title\x07",
    "[/]",
    "A" * 5000,
    "-1",
    "99999999999999999999",
    '"',
    ";;,",
    "\u202eevil",
    "2027",
    "20261302T250000Z",
)
#: Every property the import reads, as the line that carries a value.
PROPERTIES = (
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "SEQUENCE",
    "STATUS",
    "SUMMARY",
    "LOCATION",
    "CLASS",
    "LAST-MODIFIED",
    "DTSTAMP",
    "CREATED",
    "CATEGORIES",
    "X-SCHILDWACHT",
    "DTSTART;TZID=",
    "RRULE:FREQ=DAILY;COUNT=3;UNTIL=",
)
RRULE_PARTS = (
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTH", "BYMONTHDAY", "BYHOUR",
    "BYMINUTE", "BYSECOND", "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "WKST",
)  # fmt: skip
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
TAIL = "END:VCALENDAR\r\n"
BASE = {
    "UID": "UID:a",
    "DTSTAMP": "DTSTAMP:20261201T000000Z",
    "DTSTART": "DTSTART:20261202T100000Z",
    "DTEND": "DTEND:20261202T110000Z",
    "SUMMARY": "SUMMARY:s",
}


def _event(replace: str | None, line: str) -> str:
    lines = [v for k, v in BASE.items() if k != replace]
    return "BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in [*lines, line]) + "END:VEVENT\r\n"


def _line(prop: str, value: str) -> tuple[str | None, str]:
    """The property ``prop`` with ``value``, and which base line it replaces."""
    if prop == "DTSTART;TZID=":
        return "DTSTART", f"DTSTART;TZID={value}:20261202T100000"
    if prop.startswith("RRULE"):
        return None, f"{prop}{value}"
    if prop == "DURATION":
        return "DTEND", f"DURATION:{value}"
    if prop in BASE:
        return prop, f"{prop}:{value}"
    return None, f"{prop}:{value}"


def _assert_ours(result: object, what: str) -> None:
    exit_code, stderr = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert exit_code in (0, 2), (what, exit_code, stderr)
    assert not LIBRARY.search(stderr), (what, stderr)
    assert "\x1b" not in stderr and "\x07" not in stderr and "\u202e" not in stderr, (what, stderr)
    if exit_code == 2:
        assert stderr.startswith("Error: ") and stderr.count("\n") == 1, (what, stderr)
    for line in stderr.splitlines():
        assert len(line) < 1200, (what, line[:200])


def _import(run: Run, path: Path, text: str) -> object:
    path.write_text(text, encoding="utf-8")
    return run("activity", "import-ics", str(path), "--person", "BEVER", "--from", "2026-12-01")


def _person(run: Run) -> None:
    assert run("person", "add", "BEVER", "--domain", "local", "--unit", "RT").exit_code == 0


@pytest.mark.parametrize("prop", PROPERTIES)
def test_no_bad_value_of_a_property_reaches_a_person_in_the_library_s_words(
    initialised: Run, tmp_path: Path, prop: str
) -> None:
    _person(initialised)
    for value in BAD:
        replace, line = _line(prop, value)
        result = _import(initialised, tmp_path / "bad.ics", HEAD + _event(replace, line) + TAIL)
        _assert_ours(result, (prop, value[:40]))


@pytest.mark.parametrize("part", RRULE_PARTS)
def test_no_bad_rrule_part_reaches_a_person_in_the_library_s_words(
    initialised: Run, tmp_path: Path, part: str
) -> None:
    _person(initialised)
    for value in BAD:
        line = (
            f"RRULE:FREQ=DAILY;COUNT=3;{part}={value}" if part != "FREQ" else f"RRULE:FREQ={value}"
        )
        result = _import(initialised, tmp_path / "bad.ics", HEAD + _event(None, line) + TAIL)
        _assert_ours(result, (part, value[:40]))


#: Shapes a time property may be given in that are not one date or date-time (fix14b): a
#: period (small, and one whose duration overflows any calendar), text, a TZID given twice,
#: a TZID list, a TZID on a UTC time; each with and without a recurrence rule.
SHAPES = (
    ";VALUE=PERIOD:20261203T100000Z/PT1H",
    ";VALUE=PERIOD:20261203T100000Z/P500000W",
    ";VALUE=PERIOD:20261203T100000Z/PT999999999999S",
    ";VALUE=PERIOD:20261203/P9999999W",
    ";VALUE=PERIOD:20261203T100000Z/99991231T000000Z",
    ";VALUE=TEXT:20261203T100000Z",
    ";VALUE=TEXT:morgen",
    ";TZID=Europe/Amsterdam;TZID=Asia/Tokyo:20261203T100000",
    ";TZID=Europe/Amsterdam,Asia/Tokyo:20261203T100000",
    ";TZID=Asia/Tokyo:20261203T100000Z",
    ":20261203T100000Z\r\n{prop}:20261203T110000Z",
)


@pytest.mark.parametrize("prop", ["DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID"])
@pytest.mark.parametrize("rule", ["", "RRULE:FREQ=DAILY;COUNT=3"])
def test_no_shape_of_a_time_property_reaches_a_person_in_the_library_s_words(
    initialised: Run, tmp_path: Path, prop: str, rule: str
) -> None:
    _person(initialised)
    for shape in SHAPES:
        line = prop + shape.replace("\\r\\n", "\r\n").replace("{prop}", prop)
        lines = [line, rule] if rule else [line]
        event = _event(prop if prop in BASE else None, "\r\n".join(lines))
        result = _import(initialised, tmp_path / "shape.ics", HEAD + event + TAIL)
        _assert_ours(result, (prop, shape, rule))


# One test per finding ----------------------------------------------------------------------


def _file(path: Path, *lines: str, start: str = "DTSTART:20261202T100000Z") -> Path:
    """One event 10:00–11:00 UTC on 2 December 2026 with ``lines`` added (``DURATION`` in
    them takes DTEND's place)."""
    end = [] if any(x.startswith("DURATION") for x in lines) else ["DTEND:20261202T110000Z"]
    body = ["UID:a", "DTSTAMP:20261201T000000Z", start, *end, "SUMMARY:s", *lines]
    path.write_text(
        HEAD + "BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in body) + "END:VEVENT\r\n" + TAIL
    )
    return path


def _refused(run: Run, path: Path, db_path: Path) -> str:
    before = snapshot(db_path)
    result = run("activity", "import-ics", str(path), "--person", "BEVER", "-f", "json")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert snapshot(db_path) == before  # nothing half-imported
    _assert_ours(result, str(path))
    return result.stderr


def _accepted(run: Run, path: Path) -> str:
    result = run("activity", "import-ics", str(path), "--person", "BEVER", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [row["action"] for row in json.loads(result.stdout)] == ["added"]
    _assert_ours(result, str(path))
    return result.stderr


def test_a_bad_duration_refuses_the_file_in_our_words(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    _person(initialised)
    said = _refused(initialised, _file(tmp_path / "d.ics", "DURATION:PTXH"), db_path)
    assert (
        "Error: d.ics: VEVENT a (s), property DURATION: 'PTXH' is not a duration as iCalendar "
        "writes them (such as PT1H30M, P1D or P1W); nothing was imported." in said
    )
    said = _refused(initialised, _file(tmp_path / "e.ics", "DURATION:1H"), db_path)
    assert "property DURATION: '1H' is not a duration" in said


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("FREQ=WEEKLY;UNTIL=2027", "RRULE part UNTIL: '2027' is not a date or a date-time"),
        ("FREQ=FORTNIGHTLY", "RRULE part FREQ: 'FORTNIGHTLY' is not one of SECONDLY, MINUTELY"),
        ("FREQ=DAILY;COUNT=ten", "RRULE part COUNT: 'ten' is not a whole number"),
        ("FREQ=DAILY;INTERVAL=2x", "RRULE part INTERVAL: '2x' is not a whole number"),
        ("FREQ=WEEKLY;BYDAY=MA,DI", "RRULE part BYDAY: 'MA,DI' is not weekdays separated by"),
        ("FREQ=DAILY;BYHOUR=9h", "RRULE part BYHOUR: '9h' is not whole numbers separated"),
        ("FREQ=MONTHLY;BYMONTHDAY=x", "RRULE part BYMONTHDAY: 'x' is not whole numbers"),
        ("FREQ=WEEKLY;WKST=MAANDAG", "RRULE part WKST: 'MAANDAG' is not a weekday (MO, TU"),
        ("FREQ=DAILY;BYSETPOS=\x1b[2J", "RRULE part BYSETPOS: '\\u001b[2J' is not whole numbers"),
    ],
)
def test_a_bad_rrule_part_refuses_the_file_naming_the_part(
    initialised: Run, tmp_path: Path, db_path: Path, rule: str, said: str
) -> None:
    _person(initialised)
    stderr = _refused(initialised, _file(tmp_path / "r.ics", f"RRULE:{rule}"), db_path)
    assert stderr.startswith("Error: r.ics: VEVENT a (s), ") and said in stderr, stderr
    assert stderr.rstrip().endswith("; nothing was imported.")


@pytest.mark.parametrize("value", ["x", "-1", "99999999999999999999"])
def test_a_bad_sequence_is_ignored_with_a_warning(
    initialised: Run, tmp_path: Path, value: str
) -> None:
    _person(initialised)
    said = _accepted(initialised, _file(tmp_path / "s.ics", f"SEQUENCE:{value}"))
    assert (
        f"Warning: VEVENT a (s), property SEQUENCE: '{value}' is not a whole number from 0 to "
        "2147483647; ignored (read as 0" in said
    )


@pytest.mark.parametrize("prop", ["DTSTAMP", "LAST-MODIFIED", "CREATED"])
def test_a_bad_stamp_is_ignored_with_a_warning_and_its_escape_made_visible(
    initialised: Run, tmp_path: Path, prop: str
) -> None:
    """The reviewer's DTSTAMP warning printed the value's escape sequence as the library
    quoted it ("Expected time, got: …")."""
    _person(initialised)
    said = _accepted(initialised, _file(tmp_path / "t.ics", f"{prop}:\x1b[31mrood"))
    assert (
        f"Warning: VEVENT a (s), property {prop}: '\\u001b[31mrood' is not a date-time as "
        "iCalendar writes them (20261202T100000Z); ignored (versions of the event are compared "
        "without it)." in said
    )


def test_a_long_bad_value_is_cut_with_an_ellipsis(initialised: Run, tmp_path: Path) -> None:
    _person(initialised)
    said = _accepted(initialised, _file(tmp_path / "l.ics", "GEO:" + "9" * 3000))
    assert "property GEO: '" + "9" * 60 + "… (3000 characters)' cannot be read; ignored" in said


def test_an_unreadable_line_is_ignored_or_refused_by_what_it_names(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    _person(initialised)
    said = _accepted(initialised, _file(tmp_path / "a.ics", 'ATTENDEE;CN="Jan:mailto:j@x'))
    assert (
        "Warning: VEVENT a (s): the line 'ATTENDEE;CN=\"Jan:mailto:j@x' cannot be read as an "
        "iCalendar property (NAME;PARAMETER=value:value); ignored (no part of an activity comes "
        "from ATTENDEE)." in said
    )
    said = _refused(initialised, _file(tmp_path / "b.ics", 'LOCATION;ALTREP="x:Den Haag'), db_path)
    assert "VEVENT a (s): the line 'LOCATION;ALTREP=\"x:Den Haag' cannot be read" in said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("hello world\r\n", "the line 'hello world' is not an iCalendar line"),
        (HEAD + "END:VEVENT\r\n" + TAIL, "an END line has no BEGIN line before it"),
        (HEAD + TAIL + "X-A:1\r\n", "the property 'X-A' stands outside BEGIN:VCALENDAR"),
        (HEAD + "BEGIN:VEVENT\r\nUID:a\r\n", "a BEGIN line has no END line (the file may be cut"),
        (
            HEAD + "BEGIN:VTIMEZONE\r\nTZID:Eigen\r\nBEGIN:STANDARD\r\nDTSTART:xx\r\n"
            "TZOFFSETFROM:+9999\r\nTZOFFSETTO:abc\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Eigen:20261202T100000\r\n"
            "DTEND;TZID=Eigen:20261202T110000\r\nEND:VEVENT\r\n" + TAIL,
            "a VTIMEZONE in it has no readable STANDARD or DAYLIGHT rule",
        ),
    ],
)
def test_a_file_the_parser_cannot_read_says_why_in_our_words(
    initialised: Run, tmp_path: Path, db_path: Path, text: str, said: str
) -> None:
    _person(initialised)
    path = tmp_path / "f.ics"
    path.write_text(text)
    stderr = _refused(initialised, path, db_path)
    assert stderr.startswith("Error: f.ics is not a valid iCalendar file: ") and said in stderr


def test_a_to_do_and_an_alarm_with_bad_values_are_skipped_in_our_words(
    initialised: Run, tmp_path: Path
) -> None:
    _person(initialised)
    path = tmp_path / "p.ics"
    path.write_text(
        HEAD + "BEGIN:VTODO\r\nUID:t\r\nDUE:morgen\r\nEND:VTODO\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261202T100000Z\r\nDTEND:20261202T110000Z\r\n"
        "BEGIN:VALARM\r\nTRIGGER:[/]\r\nEND:VALARM\r\nEND:VEVENT\r\n" + TAIL
    )
    said = _accepted(initialised, path)
    assert "Warning: VTODO t, property DUE: 'morgen' cannot be read; the VTODO was skipped" in said
    assert "Warning: VEVENT a: VALARM property TRIGGER: '[/]' cannot be read; the VALARM" in said


@pytest.mark.parametrize("shape", ["bom", "mixed line ends", "folded"])
def test_bom_line_end_mix_and_folding_are_read(
    initialised: Run, tmp_path: Path, shape: str
) -> None:
    _person(initialised)
    event = (
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261202T100000Z\r\nDTEND:20261202T110000Z\r\n"
        "SUMMARY:Werk\r\n bezoek\r\nEND:VEVENT\r\n"
    )
    text = (HEAD + event + TAIL).encode()
    if shape == "bom":
        text = b"\xef\xbb\xbf" + text
    elif shape == "mixed line ends":
        text = text.replace(b"\r\n", b"\n", 3)
    path = tmp_path / "m.ics"
    path.write_bytes(text)
    result = initialised(
        "activity", "import-ics", str(path), "--person", "BEVER", "--from", "2026-12-01",
        "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"] == "Werkbezoek"


def test_an_unreadable_rule_of_a_zone_an_event_needs_is_quoted_not_the_parser(
    initialised: Run, tmp_path: Path, db_path: Path
) -> None:
    """The refusal said the library's "Offset must be less than 24 hours, was +9999"."""
    _person(initialised)
    path = tmp_path / "z.ics"
    path.write_text(
        HEAD + "BEGIN:VTIMEZONE\r\nTZID:Eigen\r\nBEGIN:STANDARD\r\nDTSTART:19961027T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        "DTSTART:19960331T020000\r\nTZOFFSETFROM:+9999\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
        "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Eigen:20261202T100000\r\n"
        "DTEND;TZID=Eigen:20261202T110000\r\nEND:VEVENT\r\n" + TAIL
    )
    said = _refused(initialised, path, db_path)
    assert (
        "Error: z.ics: VEVENT a has DTSTART in time zone 'Eigen', whose VTIMEZONE DAYLIGHT rule "
        "cannot be read (TZOFFSETFROM: '+9999'); without it the time cannot be told" in said
    )
