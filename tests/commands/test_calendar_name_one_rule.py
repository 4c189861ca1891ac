"""A calendar's name follows one rule, typed (--calendar) or read from the file (X-WR-CALNAME,
X-WR-RELCALID): at most 200 characters (issue 14, rev14g). The file's name was cut at 200, so
two calendars whose names differed after that were one, and importing the second cancelled the
first's events. Control characters stay escaped (test_rev14_lows: the escaped text is a name
--calendar takes)."""

from __future__ import annotations

from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot


def _calendar(folder: Path, name: str, uid: str) -> Path:
    path = folder / f"{uid}.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"X-WR-CALNAME:{name}\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:t\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
        newline="",
    )
    return path


def test_a_file_s_calendar_name_over_200_characters_is_refused_not_cut(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    window = ("--from", "2026-11-28", "--to", "2026-12-10")
    work = _calendar(tmp_path, "c" * 200 + "-WORK", "w1")
    private = _calendar(tmp_path, "c" * 200 + "-PRIVATE", "p1")
    before = snapshot(db_path)
    refused = demo("activity", "import-ics", str(work), "--person", "BEVER", *window)
    assert refused.exit_code == 2, refused.stderr
    assert refused.stderr == (
        "Error: The calendar's X-WR-CALNAME has 205 characters, more than the 200 a calendar's "
        "name may have; nothing was imported. Name the calendar with --calendar NAME.\n"
    )
    assert snapshot(db_path) == before
    for path, name in ((work, "werk"), (private, "privé")):
        named = demo(
            "activity", "import-ics", str(path), "--person", "BEVER", "--calendar", name, *window
        )
        assert named.exit_code == 0, named.stderr
        assert "1 added, 0 updated, 0 cancelled, 0 removed" in named.stderr  # two calendars
