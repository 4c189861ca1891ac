"""Each finding of issue 14 that concerns input, output and time, reproduced on the command line
(the console's crashes on [/] and [/bold] x: tests/console/test_hostile_text.py; busy, full
disk and permissions: test_machine_faults.py; file modes: test_file_modes.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import snapshot

from .conftest import Run

RAW = ("\x1b", "\x07", "\u202e")


def no_raw(text: str) -> bool:
    return not any(char in text for char in RAW)


def activity_add(
    start: str = "2026-12-01 10:00", end: str = "2026-12-01 11:00", title: str = "Zitting"
) -> tuple[str, ...]:
    return (
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        title,
        "--start",
        start,
        "--end",
        end,
    )


def add(run: Run, *extra: str, title: str = "Zitting") -> Result:
    return run(*activity_add(title=title), *extra)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (
            activity_add("0001-01-01 10:00"),
            "--start",
        ),
        (
            ("shift", "add", "RT-0001", "--start", "0999-06-01 07:00", "--end", "0999-06-01 15:00"),
            "--start",
        ),
        (
            (
                "signal",
                "raise",
                "Auto",
                "--category",
                "vehicle",
                "--urgency",
                "routine",
                "--tlp",
                "green",
                "--observed",
                "0500-01-01 10:00",
            ),
            "--observed",
        ),
    ],
    ids=["activity add", "shift add", "signal raise --observed"],
)
def test_a_time_before_1970_is_refused_and_every_listing_still_works(
    demo: Run, db_path: Path, args: tuple[str, ...], option: str
) -> None:
    before = snapshot(db_path)
    result = demo(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {option}: ") and "1970-01-01" in result.stderr
    assert snapshot(db_path) == before
    for listing in (("activity", "list"), ("shift", "list"), ("signal", "list")):
        assert demo(*listing, "--format", "json").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        activity_add("2026-12-01 10:00+25:00"),
        ("threat", "assess", "BEVER", "--level", str(2**70)),
        ("audit", "list", "--limit", "99999999999999999999"),
        ("capacity", "--hours-per-fte", "nan"),
        ("capacity", "--hours-per-fte", "inf"),
        ("capacity", "--hours-per-fte", "-1"),
        ("capacity", "scenario", "--unit", "RT", "--add-fte", "nan"),
        ("capacity", "scenario", "--unit", "RT", "--add-persons", "1000000", "--level", "3"),
        ("demo", "--seed", str(2**64)),
    ],
    ids=lambda args: " ".join(args[:4])[:60],
)
def test_numbers_and_offsets_out_of_range_are_exit_2(
    demo: Run, db_path: Path, args: tuple[str, ...]
) -> None:
    before = snapshot(db_path)
    result = demo(*args)
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert snapshot(db_path) == before


def test_a_day_first_date_is_refused_and_iso_with_t_is_local(demo: Run) -> None:
    day_first = demo(*activity_add("06-10-2025 06:00+02:00", "2025-10-06T08:00"))
    assert day_first.exit_code == 2 and "year comes first" in day_first.stderr
    accepted = demo(*activity_add("2025-10-06T06:00", "2025-10-06T08:00"))
    assert accepted.exit_code == 0, accepted.stderr
    shown = json.loads(demo("activity", "show", accepted.stdout.strip(), "--format", "json").stdout)
    assert shown["start"] == "2025-10-06T06:00:00+02:00"


def test_escape_sequences_in_a_title_are_shown_escaped_everywhere(demo: Run) -> None:
    title = "Zitting \x1b[31m\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202eTAD"
    made = add(demo, title=title)
    assert made.exit_code == 0, made.stderr  # free text keeps what was typed …
    activity = made.stdout.strip().splitlines()[-1]
    assert no_raw(made.stderr)  # … and the confirmation shows it escaped
    for fmt in ("table", "csv", "md"):
        shown = demo("activity", "show", activity, "--format", fmt)
        listed = demo("activity", "list", "--date", "2026-12-01", "--format", fmt)
        assert shown.exit_code == listed.exit_code == 0
        assert no_raw(shown.stdout) and no_raw(listed.stdout)
        assert "\\u001b" in shown.stdout and "\\u202e" in listed.stdout
    exact = json.loads(demo("activity", "show", activity, "--format", "json").stdout)
    assert exact["title"] == title


def test_a_restrictions_note_is_exact_in_json_and_escaped_in_text(demo: Run) -> None:
    """Input review: the note was made visible while the record was built, before the format
    was chosen, so JSON carried the six characters ``\\u001b`` instead of the stored ESC."""
    note = "=1+1\x1b[2J \u202eTAD | x"
    made = add(demo)
    activity = made.stdout.strip().splitlines()[-1]
    restricted = demo(
        "activity", "restrict", activity, "--kind", "relocated", "--reason", "threat",
        "--authority", "OvJ", "--note", note, "--location", "Elders",
    )  # fmt: skip
    assert restricted.exit_code == 0, restricted.stderr
    exact = json.loads(demo("activity", "show", activity, "--format", "json").stdout)
    assert exact["restrictions"][0]["note"] == note
    for fmt in ("table", "csv", "md"):
        shown = demo("activity", "show", activity, "--format", fmt)
        assert shown.exit_code == 0 and no_raw(shown.stdout), fmt
        assert "\\u001b" in shown.stdout and "\\u202e" in shown.stdout, fmt


def test_bidi_overrides_are_refused_in_code_names_callsigns_and_labels(
    demo: Run, db_path: Path
) -> None:
    before = snapshot(db_path)
    for args in (
        ("person", "add", "BEV\u202eER", "--domain", "local", "--unit", "RT"),
        ("staff", "add", "RT-\u202e01", "--unit", "RT"),
        ("staff", "add", "RT-7777", "--unit", "RT", "--name", "Jan \u202eJansen"),
        ("team", "create", "--name", "Team \u202eRT"),
        (
            "activity",
            "restrict",
            "0" * 8,
            "--kind",
            "cancelled",
            "--reason",
            "capacity",
            "--authority",
            "OvJ\x1b[2J",
        ),
    ):
        result = demo(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert no_raw(result.stderr)
    assert snapshot(db_path) == before


def test_csv_output_neutralises_formulas_and_markdown_keeps_its_table(demo: Run) -> None:
    assert (
        add(
            demo, "--location", '+HYPERLINK("https://evil.example")', title="=cmd|'/C calc'!A0"
        ).exit_code
        == 0
    )
    assert add(demo, title="links | rechts\nonder").exit_code == 0
    listing = demo("activity", "list", "--date", "2026-12-01", "--format", "csv").stdout
    assert ",'=cmd|'/C calc'!A0," in listing
    assert "'+HYPERLINK" in listing
    markdown = demo("activity", "list", "--date", "2026-12-01", "--format", "md").stdout
    row = next(line for line in markdown.splitlines() if "links" in line)
    assert "links \\| rechts\\u000aonder" in row
    assert row.replace("\\|", "").count("|") == markdown.splitlines()[0].count("|")


def test_a_roster_field_past_the_csv_limit_is_exit_2_naming_the_line(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "callsign,start,end\nOPS-01,2026-12-10 07:00,2026-12-10 15:00\n"
        + "OPS-01,"
        + "x" * 140_000
        + ",2026-12-10 15:00\n",
        encoding="utf-8",
    )
    before = snapshot(db_path)
    result = demo("shift", "import", str(roster))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: roster.csv: line 3 holds a field longer than")
    assert result.stderr.endswith("; nothing was imported.\n")
    assert len(result.stderr) < 1000  # the 140 KB field is not echoed back
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (  # a quote opened on line 3 swallows the lines after it: named where it opened
            "callsign,start,end\nOPS-01,2026-12-10 07:00,2026-12-10 15:00\n"
            'OPS-01,"2026-12-11 07:00,2026-12-11 15:00\nOPS-01,2026-12-12 07:00,'
            "2026-12-12 15:00\n",
            "the quote opened on line 3 is never closed (the file ends at line 4)",
        ),
        (  # blank lines before it are counted, and so is a header's own open quote
            'callsign,start,end\n\n\nOPS-01,"a\nb\n',
            "the quote opened on line 4 is never closed (the file ends at line 5)",
        ),
        ('callsign,"start,end\nOPS-01,a,b\n', "the quote opened on line 1 is never closed"),
        (  # text after a closing quote: the line of the record, not where csv stopped
            'callsign,start,end\n"OPS-01\nx"y,a,b\n',
            "line 2 has a quote inside a field not quoted whole",
        ),
    ],
    ids=["mid-file", "after-blank-lines", "header", "after-closing-quote"],
)
def test_a_broken_quote_in_a_roster_names_the_line_its_record_starts(
    demo: Run, db_path: Path, tmp_path: Path, text: str, said: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    before = snapshot(db_path)
    result = demo("shift", "import", str(roster))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: roster.csv: {said}"), result.stderr
    assert result.stderr.endswith("nothing was imported.\n") and result.stderr.count("\n") == 1
    assert snapshot(db_path) == before


def test_folder_names_in_a_sync_folder_are_printed_escaped(demo: Run, tmp_path: Path) -> None:
    share = tmp_path / "share"
    for name in ("\x1b]0;pwned\x07", "\u202eevil", "[/bold]"):
        (share / name).mkdir(parents=True)
        (share / name / "b.swb").write_bytes(b"not a bundle")
    for fmt in ("table", "csv", "md", "json"):
        result = demo("sync", "import", str(share), "--format", fmt)
        assert result.exit_code == 5, result.stderr  # not bundles at all: damaged, refused
        assert no_raw(result.stdout) and no_raw(result.stderr)
        assert "\\u202eevil" in result.stdout
        if fmt == "json":  # JSON stays exact: the folder's name as it is, once decoded
            senders = {r["sender"] for r in json.loads(result.stdout)}
            assert senders == {"\x1b]0;pwned\x07", "\u202eevil"}  # "[/bold]" nests: not read


def test_a_pipe_or_a_device_is_refused_not_read(initialised: Run, tmp_path: Path) -> None:
    """Reading a pipe would wait for ever: --db, a roster and a bundle must be regular files."""
    import os

    pipe = tmp_path / "roster.csv"
    os.mkfifo(pipe)
    for args in (
        ("--db", str(pipe), "person", "list"),
        ("--db", "/dev/null", "person", "list"),
        ("shift", "import", str(pipe)),
        ("sync", "import", str(pipe)),
    ):
        result = initialised(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "not a regular file" in result.stderr


def test_a_nul_in_a_path_and_a_bad_clock_pin_are_exit_2(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert initialised("backup", "copy\x00.db").exit_code == 2
    monkeypatch.setenv("SCHILDWACHT_NOW", "2026-11-28T09:00:00")  # no offset
    result = initialised("person", "list")
    assert (
        result.exit_code == 2 and "SCHILDWACHT_NOW must be a time with an offset" in result.stderr
    )


def test_bytes_that_are_not_utf8_are_exit_2(demo: Run, db_path: Path) -> None:
    """A shell hands undecodable bytes to Python as lone surrogates: SQLite and the terminal
    cannot take them, so they are refused before anything is looked up or written."""
    before = snapshot(db_path)
    for args in (
        ("log", "add", "kapot \udcff"),
        ("person", "show", "\udcff\udcfe"),
        ("backup", "copy-\udcff.db"),
    ):
        result = demo(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "is not UTF-8 text" in result.stderr and "\\udcff" in result.stderr
    assert snapshot(db_path) == before


def test_done_before_the_end_names_the_end_in_local_time(demo: Run, db_path: Path) -> None:
    """The refusal named the end as a raw UTC datetime ("2026-12-05 09:30:00+00:00"): every
    time a person reads is local (Europe/Amsterdam) text."""
    added = demo(*activity_add("2026-12-05 10:00", "2026-12-05 10:30", title="Later"))
    assert added.exit_code == 0, added.output
    (activity,) = [
        a["id"]
        for a in json.loads(demo("activity", "list", "--format", "json").stdout)
        if a["title"] == "Later"
    ]
    before = snapshot(db_path)
    result = demo("activity", "edit", activity, "--status", "done")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'Later' ends 2026-12-05 10:30; it can be marked done only once it has ended "
        "(to cancel it, restrict it).\n"
    )
    assert snapshot(db_path) == before


def test_a_short_or_empty_roster_line_says_which_field(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    """A line with fewer fields was refused as "'' is not a time", a blank callsign as "No
    person with callsign ''": each now says what is missing."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "callsign,start,end\nOPS-01,2026-12-10 07:00\nOPS-01, ,2026-12-10 15:00\n"
        ",2026-12-10 07:00,2026-12-10 15:00\n",
        encoding="utf-8",
    )
    before = snapshot(db_path)
    result = demo("shift", "import", str(roster))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: roster.csv: nothing imported, 3 bad lines: line 2: fewer fields than the "
        "columns callsign,start,end; line 3: The start may not be empty; line 4: The callsign "
        "may not be empty.\n"
    )
    assert snapshot(db_path) == before
