"""What a third hostile review of issue 14 broke, reproduced on the command line: a change log
record whose count of records was changed by hand, DST and the edge of the accepted range in
requests' alternatives, answers to requests whose activity has ended, the csv library's own
words, and identifiers with control characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import snapshot

from .conftest import Run

ACTIVITY = ("--start", "2026-12-02 10:00", "--end", "2026-12-02 11:00")


def _last_record(db_path: Path, sql: str) -> int:
    """Change the change log's last record with ``sql`` (``?`` is its number); its number."""
    with sqlite3.connect(db_path) as conn:
        seq = int(conn.execute("SELECT max(seq) FROM sync_log").fetchone()[0])
        conn.execute(sql, (seq,))
    conn.close()
    return seq


def _team_and_activity(demo: Run) -> None:
    assert demo("team", "create", "--name", "Havenstad").exit_code == 0
    added = demo("activity", "add", "--person", "BEVER", "--title", "Zitting", *ACTIVITY)
    assert added.exit_code == 0, added.stderr


def test_a_record_whose_count_alone_was_changed_is_named_and_restored(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _team_and_activity(demo)
    seq = _last_record(db_path, "UPDATE sync_log SET n = n + 2 WHERE seq = ?")
    before = snapshot(db_path)
    refused = demo("sync", "export", "--to", str(tmp_path / "share"))
    assert refused.exit_code == 5
    assert len(refused.stderr.splitlines()) == 1
    assert f"record #{seq} of device" in refused.stderr, refused.stderr
    assert "count of records" in refused.stderr and "sync_shape" not in refused.stderr
    assert snapshot(db_path) == before
    repaired = demo("db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert f"#{seq} of device" in repaired.stderr and "Restored the count" in repaired.stderr
    assert demo("sync", "export", "--to", str(tmp_path / "share")).exit_code == 0
    shown = demo("activity", "list", "--format", "json")
    assert "Zitting" in shown.stdout


def test_a_record_whose_count_and_values_were_changed_is_set_aside_by_repair(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _team_and_activity(demo)
    seq = _last_record(db_path, "UPDATE sync_log SET n = 1, vals = '[1]' WHERE seq = ?")
    refused = demo("sync", "export", "--to", str(tmp_path / "share"))
    assert refused.exit_code == 5 and f"record #{seq} of device" in refused.stderr
    repaired = demo("db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert "Set aside 1 record" in repaired.stderr and f"#{seq}" in repaired.stderr
    assert "count of records" in repaired.stderr
    assert demo("sync", "export", "--to", str(tmp_path / "share")).exit_code == 0


def test_a_sent_record_repair_cannot_mend_is_reported_and_export_names_it(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _team_and_activity(demo)
    assert demo("sync", "export", "--to", str(tmp_path / "share")).exit_code == 0
    seq = _last_record(db_path, "UPDATE sync_log SET n = 1, vals = '[1]' WHERE seq = ?")
    repaired = demo("db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert f"Not repaired: record #{seq} of device" in repaired.stderr, repaired.stderr
    refused = demo("sync", "export", "--to", str(tmp_path / "share"))
    assert refused.exit_code == 5 and f"record #{seq} of device" in refused.stderr
    assert "sync_shape" not in refused.stderr


def test_a_request_on_the_last_evening_of_2099_is_recorded(demo: Run) -> None:
    times = ("--start", "2099-12-31 21:00", "--end", "2099-12-31 23:00")
    asked = demo("activity", "request", "--person", "BEVER", "--title", "Oudjaar", *times)
    assert asked.exit_code == 0, asked.stderr
    assert "2100" not in asked.stderr


def test_accepting_a_request_whose_time_has_ended_is_refused(
    demo: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = ("--start", "2026-11-28 11:00", "--end", "2026-11-28 12:00")
    asked = demo("activity", "request", "--person", "BEVER", "--title", "Zitting", *times)
    assert asked.exit_code == 0, asked.stderr
    monkeypatch.setenv("SCHILDWACHT_NOW", "2026-11-29T09:00:00+00:00")
    before = snapshot(db_path)
    for n in ("1", "2"):
        refused = demo("activity", "answer", asked.stdout.strip(), "--accept", n)
        assert refused.exit_code == 2, refused.stderr
        assert len(refused.stderr.splitlines()) == 1
        assert "has already ended" in refused.stderr or "would not work" in refused.stderr
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b"callsign,start,end\rOPS-01,2026-12-10 07:00,2026-12-10 15:00\r",
            "line 1 ends in a carriage return alone",
        ),
        (
            b'callsign,start,end\nOPS-01,2026-12-10 07:00,"' + b"x" * 140_000 + b'"\n',
            "line 2 holds a field longer than 131,072 characters",
        ),
        (
            b'callsign,start,end\nOPS-01,"2026-12-10 07:00"x,2026-12-10 15:00\n',
            "line 2 has a quote inside a field not quoted whole",
        ),
    ],
    ids=["cr-only", "field-over-128k", "stray-quote"],
)
def test_a_roster_csv_cannot_read_is_one_sentence_of_ours(
    demo: Run, db_path: Path, tmp_path: Path, content: bytes, said: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(content)
    before = snapshot(db_path)
    refused = demo("shift", "import", str(roster))
    assert refused.exit_code == 2
    assert refused.stderr == f"Error: roster.csv: {said}" + refused.stderr.split(said, 1)[1]
    assert len(refused.stderr.splitlines()) == 1 and len(refused.stderr) < 400
    for csv_words in ("new-line character", "field limit", "expected after", "universal"):
        assert csv_words not in refused.stderr
    assert snapshot(db_path) == before


CONTROL = ["\n", "\t", "\r", "\x1b", "\u202e", "\u200b"]


@pytest.mark.parametrize("bad", CONTROL, ids=["newline", "tab", "cr", "esc", "rlo", "zwsp"])
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("staff", "add", "RT-0901{}", "--unit", "RT"), "The callsign"),
        (("person", "add", "{}KIEVIT", "--kind", "person", "--domain", "local", "--unit", "RT"),
         "The code name"),
        (("threat", "assess", "BEVER{}", "--level", "1"), "The code name"),
        (("shift", "add", "OPS-01{}", "--start", "2026-12-02 08:00", "--end", "2026-12-02 16:00"),
         "The callsign"),
        (("staff", "add", "RT-0901", "--unit", "RT{}"), "The unit"),
        (("activity", "show", "{}"), "The id"),
    ],
    ids=["staff-add", "person-add", "threat-ref", "shift-ref", "unit", "record-id"],
)  # fmt: skip
def test_an_identifier_with_a_control_or_bidi_character_is_refused_naming_the_field(
    demo: Run, db_path: Path, args: tuple[str, ...], field: str, bad: str
) -> None:
    if args[:2] == ("activity", "show"):
        listed = demo("activity", "list", "--format", "json").stdout
        args = ("activity", "show", listed.split('"id": "', 1)[1][:36] + "{}")
    before = snapshot(db_path)
    refused = demo(*[a.replace("{}", bad) for a in args])
    assert refused.exit_code == 2, refused.stderr
    assert refused.stderr.startswith(f"Error: {field} contains a control or invisible")
    assert len(refused.stderr.splitlines()) == 1
    assert snapshot(db_path) == before


def test_init_refuses_a_callsign_with_a_trailing_newline(run: Run, db_path: Path) -> None:
    refused = run("init", "--callsign", "OPS-01\n", "--unit", "RT")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("Error: The callsign contains a control")
    assert not db_path.exists()


def test_lower_case_callsigns_and_code_names_are_read_in_upper_case(demo: Run) -> None:
    """The README's accepted input: codes are upper case wherever they are typed."""
    assert demo("staff", "add", "rt-0901", "--unit", "rt").exit_code == 0
    added = demo(
        "person", "add", "zzlower", "--kind", "person", "--domain", "local", "--unit", "RT"
    )
    assert added.exit_code == 0, added.stderr
    staff = demo("staff", "list", "--format", "json").stdout
    people = demo("person", "list", "--format", "json").stdout
    assert '"RT-0901"' in staff and "rt-0901" not in staff
    assert '"ZZLOWER"' in people and "zzlower" not in people
    assert demo("threat", "assess", "zzlower", "--level", "1").exit_code == 0
