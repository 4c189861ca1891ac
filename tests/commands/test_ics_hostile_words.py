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
    if replace == "DTEND":  # DURATION and DTEND do not go together
        pass
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
        line = f"RRULE:FREQ=DAILY;COUNT=3;{part}={value}" if part != "FREQ" else f"RRULE:FREQ={value}"
        result = _import(initialised, tmp_path / "bad.ics", HEAD + _event(None, line) + TAIL)
        _assert_ours(result, (part, value[:40]))
