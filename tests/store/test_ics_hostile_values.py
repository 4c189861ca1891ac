"""Issue 14 (fix14): what the import does with an unreadable value, in the store — a stable
code per property kind with the value as a fact — and what the console's toast says of it.

Decisions (README, import section): a bad DURATION or RRULE refuses the file (the activity's
time would be guessed); a bad SEQUENCE, LAST-MODIFIED, DTSTAMP or CREATED is ignored with a
warning (a SEQUENCE then counts as 0, so it never makes the event newer than a version
imported before).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from console.screens.agenda import _imported
from store import agenda
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import snapshot
from tests.store.test_ics_programs import bever
from words.errors import sentence

__all__ = ["bever"]

DECEMBER = {"start": date(2026, 12, 1), "end": date(2026, 12, 31)}


def _write(path: Path, *lines: str, title: str = "Bezoek") -> Path:
    body = [
        "UID:a",
        "DTSTART:20261202T100000Z",
        *([] if any(x.startswith("DURATION") for x in lines) else ["DTEND:20261202T110000Z"]),
        f"SUMMARY:{title}",
        *lines,
    ]
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
        + "".join(f"{x}\r\n" for x in body)
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return path


@pytest.mark.parametrize(
    ("line", "code", "facts"),
    [
        ("DURATION:PTXH", "calendar_bad_duration", {"prop": "DURATION", "value": "'PTXH'"}),
        ("RRULE:FREQ=DAILY;COUNT=x", "calendar_bad_rrule", {"part": "COUNT", "value": "'x'"}),
        ("RRULE:FREQ=WEEKLY;UNTIL=2027", "calendar_bad_rrule", {"part": "UNTIL"}),
        ('SUMMARY;X="a:b', "calendar_bad_line", {"line": "'SUMMARY;X=\"a:b'"}),
    ],
)
def test_a_refusal_has_a_stable_code_and_the_value_as_a_fact(
    bever: Store, tmp_path: Path, line: str, code: str, facts: dict[str, str]
) -> None:
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as caught:
        import_ics(bever, _write(tmp_path / "x.ics", line), person="BEVER", **DECEMBER)
    assert caught.value.code == code
    assert facts.items() <= caught.value.params.items()
    assert "Expected" not in sentence(caught.value) and "got" not in sentence(caught.value)
    assert snapshot(bever.path) == before


@pytest.mark.parametrize(
    ("line", "code", "facts"),
    [
        ("SEQUENCE:x", "calendar_sequence_ignored", {"value": "'x'"}),
        ("SEQUENCE:-1", "calendar_sequence_ignored", {"value": "'-1'"}),
        (
            "DTSTAMP:\x1b[31m",
            "calendar_stamp_ignored",
            {"prop": "DTSTAMP", "value": "'\\u001b[31m'"},
        ),
        ("LAST-MODIFIED:gisteren", "calendar_stamp_ignored", {"prop": "LAST-MODIFIED"}),
        ("PRIORITY:hoog", "calendar_property_ignored", {"prop": "PRIORITY", "value": "'hoog'"}),
        ('X-ALT-DESC;FMTTYPE="text/html:<b>', "calendar_line_ignored", {"prop": "X-ALT-DESC"}),
    ],
)
def test_an_ignored_property_warns_with_a_stable_code_and_the_event_is_imported(
    bever: Store, tmp_path: Path, line: str, code: str, facts: dict[str, str]
) -> None:
    result = import_ics(bever, _write(tmp_path / "x.ics", line), person="BEVER", **DECEMBER)
    assert result.added == 1
    (warned,) = result.warnings
    assert warned.code == code and facts.items() <= warned.params.items()


def test_a_bad_sequence_never_makes_the_event_newer(bever: Store, tmp_path: Path) -> None:
    """Read as 0: a version imported before with SEQUENCE 2 stays; the file's change is not
    taken over, and the receipt says why."""
    import_ics(bever, _write(tmp_path / "a.ics", "SEQUENCE:2"), person="BEVER", **DECEMBER)
    path = _write(tmp_path / "b.ics", "SEQUENCE:drie", title="Anders")
    result = import_ics(bever, path, person="BEVER", **DECEMBER)
    assert [w.code for w in result.warnings] == [
        "calendar_sequence_ignored",
        "calendar_older_version",
    ]
    (stored,) = agenda.list_activities(bever)
    assert stored.title == "Bezoek"


def test_the_console_toast_words_an_ignored_value_as_the_command_line_does(
    bever: Store, tmp_path: Path
) -> None:
    path = _write(tmp_path / "x.ics", "DTSTAMP:[/]\x1b]0;t\x07")
    toast = _imported(import_ics(bever, path, person="BEVER", **DECEMBER))
    assert toast[1] == (
        "Warning: VEVENT a (Bezoek), property DTSTAMP: '[/]\\u001b]0;t\\u0007' is not a "
        "date-time as iCalendar writes them (20261202T100000Z); ignored (versions of the event "
        "are compared without it)."
    )


@pytest.mark.parametrize("line", ["LAST-MODIFIED:00010101T000000Z", "DTSTAMP:21500101T000000Z"])
def test_a_stamp_outside_the_years_schildwacht_keeps_is_warned_not_dropped_silently(
    bever: Store, tmp_path: Path, line: str
) -> None:
    """rev14f: a readable LAST-MODIFIED or DTSTAMP in year 1 or 2150 took no part in ordering
    versions without a word; it is ignored with a warning naming it and its value."""
    result = import_ics(bever, _write(tmp_path / "x.ics", line), person="BEVER", **DECEMBER)
    assert result.added == 1
    (warned,) = result.warnings
    prop, value = line.split(":")
    assert warned.code == "calendar_stamp_out_of_range"
    assert warned.params["prop"] == prop and value in warned.params["value"]
