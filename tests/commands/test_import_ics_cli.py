"""``activity import-ics``: the window options, the receipt with removals, warnings on stderr,
and refusals with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.conftest import Run

ICS = Path(__file__).parent.parent / "fixtures" / "ics"


def _person(run: Run) -> None:
    added = run("person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    assert added.exit_code == 0
    assert run("threat", "assess", "BEVER", "--level", "3").exit_code == 0


def test_receipt_lists_what_was_removed_from_the_calendar(initialised: Run) -> None:
    _person(initialised)
    window = ("--from", "2027-03-01", "--to", "2027-03-31")
    first = initialised(
        "activity", "import-ics", str(ICS / "google-series.ics"), "--person", "BEVER", *window
    )
    assert first.exit_code == 0, first.stderr
    assert "(2027-03-01 – 2027-03-31, calendar 'Werk'): 5 added, 0 updated" in first.stderr
    second = initialised(
        "activity",
        "import-ics",
        str(ICS / "google-series-lunch-removed.ics"),
        "--person",
        "BEVER",
        *window,
        "-f",
        "json",
    )
    assert second.exit_code == 0, second.stderr
    assert "1 removed from the calendar, 0 reinstated, 4 unchanged" in second.stderr
    (removed,) = [r for r in json.loads(second.stdout) if r["action"] == "removed"]
    assert (removed["title"], removed["start"]) == ("Lunch redactie", "2027-03-05T14:00:00+01:00")
    # `activity show` words the restriction's note from its facts (README: restrictions)
    shown = json.loads(initialised("activity", "show", removed["id"], "-f", "json").stdout)
    (restriction,) = shown["restrictions"]
    assert (restriction["authority"], restriction["note"]) == (
        "calendar",
        "Removed from the calendar (google-series-lunch-removed.ics).",
    )


def test_warnings_go_to_stderr_and_the_events_are_imported(initialised: Run) -> None:
    _person(initialised)
    result = initialised(
        "activity",
        "import-ics",
        str(ICS / "ns-ticket-alarm.ics"),
        "--person",
        "BEVER",
        "--from",
        "2027-03-10",
        "--days",
        "1",
    )
    assert result.exit_code == 0
    assert "Warning: VEVENT ticket-8841@tickets.example.invalid" in result.stderr
    assert "1 added" in result.stderr


def test_refusals_exit_2_with_one_sentence(initialised: Run) -> None:
    _person(initialised)
    tiny = initialised(
        "activity",
        "import-ics",
        str(ICS / "google-series.ics"),
        "--person",
        "BEVER",
        "--from",
        "2027-03-01",
        "--to",
        "2027-03-31",
        "--max-occurrences",
        "3",
    )
    assert tiny.exit_code == 2
    assert "limit of 3 (--max-occurrences)" in tiny.stderr
    both = initialised(
        "activity",
        "import-ics",
        str(ICS / "google-series.ics"),
        "--person",
        "BEVER",
        "--to",
        "2027-03-31",
        "--days",
        "3",
    )
    assert (both.exit_code, both.stderr.strip()) == (2, "Error: Give --to or --days, not both.")


def test_reinstated_in_the_receipt_and_calendars_kept_apart(initialised: Run) -> None:
    _person(initialised)
    window = ("--from", "2027-03-01", "--to", "2027-03-31")

    def imported(name: str, *extra: str) -> tuple[str, list[dict[str, str]]]:
        result = initialised(
            "activity", "import-ics", str(ICS / name), "--person", "BEVER", *window, *extra,
            "-f", "json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return result.stderr, json.loads(result.stdout)

    imported("google-series.ics")
    imported("google-series-lunch-removed.ics")
    stderr, rows = imported("google-series.ics")
    assert (
        "google-series.ics (2027-03-01 – 2027-03-31, calendar 'Werk'): 0 added, 0 updated, "
        "0 cancelled, 0 removed from the calendar, 1 reinstated, 4 unchanged; "
        "0 need re-planning." in stderr
    )
    (back,) = [r for r in rows if r["action"] == "reinstated"]
    assert (back["title"], back["start"]) == ("Lunch redactie", "2027-03-05T14:00:00+01:00")
    stderr, rows = imported("google-series-lunch-removed.ics", "--calendar", "Kantoor")
    assert "calendar 'Kantoor'): 0 added" in stderr and "0 removed from the calendar" in stderr
    stderr, _rows = imported("invite-hearing.ics")
    assert "no calendar named (--calendar), so events not in the file are kept): 1 added" in stderr


def test_an_unknown_time_zone_is_refused_with_exit_2(initialised: Run) -> None:
    _person(initialised)
    result = initialised(
        "activity", "import-ics", str(ICS / "unknown-tzid.ics"), "--person", "BEVER",
        "--from", "2027-03-01", "--to", "2027-03-31",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "time zone 'Mars/Olympus', which is neither a known zone" in result.stderr


def test_a_window_refusal_names_the_option_and_the_store_names_none(initialised: Run) -> None:
    """The store names the import's values by what they are (``ics_bounds.FIELDS``); the
    command line names its options (issue 15 item 6: "--from must be a date." came from the
    store)."""
    _person(initialised)
    late = ("--from", "2099-12-01", "--days", "60")  # its last day lies past 2099
    result = initialised(
        "activity", "import-ics", str(ICS / "google-series.ics"), "--person", "BEVER", *late
    )
    assert result.exit_code == 2
    # rev14b: the window was given by --days, so the refusal names --days, not --to
    assert "--days (its last day) must lie between 1970-01-01 and 2099-12-31" in result.stderr
    late_to = ("--from", "2099-12-01", "--to", "2100-01-30")
    result = initialised(
        "activity", "import-ics", str(ICS / "google-series.ics"), "--person", "BEVER", *late_to
    )
    assert result.exit_code == 2 and "--to" in result.stderr and "--days" not in result.stderr


def _week(path: Path, twee: str) -> Path:
    """Een 10:00–12:00 and Twee at ``twee`` (UTC, 10 March 2027): one calendar, one import."""
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}@x\r\nDTSTAMP:20270301T000000Z\r\nDTSTART:20270310T{a}00Z\r\n"
        f"DTEND:20270310T{b}00Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"
        for uid, title, (a, b) in (("e1", "Een", ("0900", "1100")), ("e2", "Twee", twee.split("-")))
    )
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nX-WR-CALNAME:Werk\r\n"
    path.write_text(head + events + "END:VCALENDAR\r\n")
    return path


def test_an_import_that_double_books_warns_as_an_edit_does(
    initialised: Run, tmp_path: Path
) -> None:
    """Issue 16 (rev16c f3): the calendar moves Twee onto Een, both staffed by XX: the warning
    points to ``gaps --violations`` as an edit's or a restriction's does, and names each
    activity by a prefix that finds it alone (the two were made in one import)."""
    initialised("person", "add", "REIGER", "--domain", "local", "--unit", "RT")
    initialised("threat", "assess", "REIGER", "--level", "2")
    initialised(
        "staff", "add", "XX", "--unit", "RT",
        "--qualification", "close_protection", "--qualification", "protective_driving",
    )  # fmt: skip
    initialised("shift", "add", "XX", "--start", "2027-03-10 07:00", "--end", "2027-03-10 19:00")
    window = ("--person", "REIGER", "--from", "2027-03-01", "--to", "2027-03-31")
    first = _week(tmp_path / "w1.ics", "1300-1500")
    assert initialised("activity", "import-ics", str(first), *window).exit_code == 0
    ids = [a["id"] for a in json.loads(initialised("activity", "list", "-f", "json").stdout)]
    for activity_id in ids:
        assert initialised("activity", "assign", activity_id, "ESCORT").exit_code == 0
        assert initialised("deploy", activity_id, "XX").exit_code == 0
    moved = initialised(
        "activity", "import-ics", str(_week(tmp_path / "w2.ics", "1000-1200")), *window
    )
    assert moved.exit_code == 0, moved.stderr
    (said,) = [line for line in moved.stderr.splitlines() if line.startswith("Warning")]
    assert said.startswith("Warning: XX is deployed on activity ")
    assert said.endswith("(rule: one place at a time); see gaps --violations.")
    names = said.split("activity ")[1].split(" at once")[0].split(" and on ")
    assert sorted(
        json.loads(initialised("activity", "show", name, "-f", "json").stdout)["id"]
        for name in names
    ) == sorted(ids)


def _event(path: Path, start: str, extra: str = "") -> Path:
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        f"DTSTAMP:20261201T000000Z\r\nDTSTART:{start}\r\nDTEND:20261202T110000Z\r\n"
        f"SUMMARY:s\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return path


def test_a_date_refusal_quotes_the_value_as_written_and_names_the_property(
    initialised: Run, tmp_path: Path
) -> None:
    """Input review: an RDATE of 00010101T000000Z was quoted converted to Amsterdam's local
    mean time of year 1 (0001-01-01T00:19:32+00:19:32), and a malformed DTSTART was refused
    in the icalendar library's own words ("Expected datetime, date, or time. Got: …")."""
    _person(initialised)
    early = _event(tmp_path / "a.ics", "20261202T100000Z", "RDATE:00010101T000000Z\r\n")
    result = initialised("activity", "import-ics", str(early), "--person", "BEVER")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "RDATE must lie between 1970-01-01 and 2099-12-31; 00010101T000000Z does not." in (
        result.stderr
    )
    late = _event(tmp_path / "b.ics", "20261202T100000Z", "EXDATE;VALUE=DATE:21000101\r\n")
    result = initialised("activity", "import-ics", str(late), "--person", "BEVER")
    assert result.exit_code == 2 and "; 21000101 does not." in result.stderr
    signed = _event(tmp_path / "c.ics", "+20261202T100000Z")
    result = initialised("activity", "import-ics", str(signed), "--person", "BEVER")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert (
        "property DTSTART: '+20261202T100000Z' is not a date or a date-time as iCalendar "
        "writes them" in result.stderr
    )
    assert "Expected" not in result.stderr


def test_an_end_before_the_start_is_quoted_in_the_file_s_time_zone(
    initialised: Run, tmp_path: Path
) -> None:
    """Input review 17: the refusal quoted both times in UTC (DTEND 2026-12-05T08:00:00+00:00)."""
    _person(initialised)
    path = tmp_path / "tz.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:s\r\n"
        "DTSTAMP:20261201T000000Z\r\nDTSTART;TZID=Europe/Amsterdam:20261205T100000\r\n"
        "DTEND;TZID=Europe/Amsterdam:20261205T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = initialised("activity", "import-ics", str(path), "--person", "BEVER")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "(DTEND 2026-12-05T09:00:00+01:00 < DTSTART 2026-12-05T10:00:00+01:00)" in result.stderr
