"""Numbers from text (issue 14, review): ASCII digits only, everywhere a number or a time is
read from text; a refusal shows the number exactly as it was typed; hours per FTE within a
week; no JSON output ever holds Infinity or NaN. Every refusal is exit 2, one sentence, and
the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commands.output import render
from commands.refusals import refusal
from store.errors import BadInput
from tests.conftest import snapshot

from .conftest import Run

#: Digits that Python's int(), float() and re's \d take for ASCII ones: Arabic-Indic,
#: fullwidth, Devanagari; and the underscore int() allows between digits.
LOOK_ALIKES = {
    "arabic-indic": "١٠",
    "fullwidth": "１０",
    "devanagari": "१०",
    "underscore": "1_0",
}

#: Every option or argument part that reads a number, with a slot for the text.
NUMBER_FIELDS = {
    "--limit": ("log", "list", "--limit", "{}"),
    "--days": ("activity", "import-ics", "{cal}", "--person", "BEVER", "--days", "{}"),
    "--max-occurrences": ("activity", "import-ics", "{cal}", "--person", "BEVER",
                          "--max-occurrences", "{}"),
    "--level": ("threat", "assess", "BEVER", "--level", "{}"),
    "--hours-per-fte": ("capacity", "--hours-per-fte", "{}"),
    "--fail-above": ("capacity", "--fail-above", "{}"),
    "--change count": ("capacity", "scenario", "--change", "add-officers:{}:RT"),
    "--change level": ("capacity", "scenario", "--change", "add-persons:1:{}:RT"),
    "--change fte": ("capacity", "scenario", "--change", "add-fte:{}:RT"),
    "suggest --apply": ("suggest", "nothing", "--apply", "{}"),
}  # fmt: skip

#: Times with a look-alike digit in each part.
TIMES = {
    "hour": "2026-11-28 １０:00",
    "minute": "2026-11-28 10:٣٠",
    "date": "٢٠٢٦-11-28 10:00",
    "offset": "2026-11-28T10:00+٠١:٠٠",
    "word": "today ١٠:00",
    "superscript": "2026-11-28 1²:00",
}


def refused(result: object) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return str(lines[0])


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    path = tmp_path / "c.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    return path


@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_a_number_takes_ascii_digits_only(
    initialised: Run, db_path: Path, calendar: Path, field: str
) -> None:
    person = ("person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    assert initialised(*person).exit_code == 0
    before = snapshot(db_path)
    for text in LOOK_ALIKES.values():
        args = [a.format(text, cal=calendar) for a in NUMBER_FIELDS[field]]
        line = refused(initialised(*args))
        assert "digits 0-9" in line and repr(text) in line
    assert snapshot(db_path) == before


def test_a_time_takes_ascii_digits_only(initialised: Run) -> None:
    for text in TIMES.values():
        line = refused(initialised("activity", "list", "--from", text, "--to", "2026-12-01 10:00"))
        assert "is not a time" in line


def test_a_calendar_takes_ascii_digits_only(
    initialised: Run, db_path: Path, tmp_path: Path
) -> None:
    assert (
        initialised(
            "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT"
        ).exit_code
        == 0
    )
    for prop in ("DTSTART:2027030１T090000Z", "RRULE:FREQ=DAILY;COUNT=١٠", "SEQUENCE:٣"):
        path = tmp_path / "d.ics"
        body = f"UID:u@x\r\nDTSTART:20270301T090000Z\r\nDURATION:PT1H\r\n{prop}\r\n"
        path.write_text(
            f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        before = snapshot(db_path)
        line = refused(initialised("activity", "import-ics", str(path), "--person", "BEVER"))
        assert "d.ics: line 7: " in line and "digits 0-9" in line, line
        assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("capacity", "--hours-per-fte", "168.0000001"), "between 1 and 168; 168.0000001 does"),
        (("capacity", "--hours-per-fte", "1e-320"), "between 1 and 168; 1e-320 does not"),
        (("capacity", "--hours-per-fte", "0.5"), "between 1 and 168; 0.5 does not"),
        (("capacity", "--fail-above", "1000001"), "between 0 and 1000000; 1000001 does not"),
        (("capacity", "--fail-above", "1e400"), "a finite number, not 1e400"),
        (("capacity", "--fail-above", "nan"), "'nan' is not"),
        (
            ("capacity", "scenario", "--change", "add-officers:-5:RT"),
            "'-5' where the number should lie between 1 and 1000",
        ),
        (
            ("capacity", "scenario", "--change", "add-fte:0.4:RT"),
            "'0.4' where the number should lie between 0.5 and 1000",
        ),
        (
            ("capacity", "scenario", "--change", "add-persons:1:1001:RT"),
            "'1001' where the threat level should lie between 0 and 1000",
        ),
        (("log", "list", "--limit", "0"), "--limit must lie between 1 and"),
    ],
)
def test_a_refusal_shows_the_number_as_typed(
    initialised: Run, db_path: Path, args: tuple[str, ...], shown: str
) -> None:
    before = snapshot(db_path)
    assert shown in refused(initialised(*args))
    assert snapshot(db_path) == before


def test_hours_per_fte_within_a_week_keep_the_json_finite(demo: Run) -> None:
    for hours in ("1", "168"):
        result = demo("capacity", "--hours-per-fte", hours, "-f", "json")
        assert result.exit_code == 0, result.stderr
        rows = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(name))
        assert rows and all(isinstance(r["supply_fte"], int | float) for r in rows)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_json_output_never_holds_infinity_or_nan(value: float) -> None:
    for data in ([{"x": value}], {"report": {"x": value}}):
        with pytest.raises(BadInput) as refused:
            render(data, "json")
        assert "too large or too small to write as JSON" in refusal(refused.value)
