"""Roster and gaps from the command line: exit codes scripts gate on, JSON shape, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import snapshot


def _scenario(run: Run) -> str:
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    run("threat", "assess", "BEVER", "--level", "3")
    run(
        "staff",
        "add",
        "RT-0001",
        "--unit",
        "RT",
        "--qualification",
        "close_protection",
        "--qualification",
        "protective_driving",
    )
    run("shift", "add", "RT-0001", "--start", "2026-12-01 07:00", "--end", "2026-12-01 15:00")
    return run(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Zitting",
        "--start",
        "2026-12-01 09:00",
        "--end",
        "2026-12-01 11:00",
        "--concept",
        "CP-LIGHT",
    ).stdout.strip()


def test_gaps_json_and_fail_on_gap(initialised: Run) -> None:
    activity_id = _scenario(initialised)
    result = initialised("gaps", "--date", "2026-12-01", "--format", "json", "--fail-on-gap")
    assert result.exit_code == 3
    assert json.loads(result.stdout) == [
        {
            "start": "2026-12-01T09:00:00+01:00",
            "end": "2026-12-01T11:00:00+01:00",
            "unit": "RT",
            "qualification": "close_protection",
            "required": 2,
            "available": 1,
            "shortfall": 1,
            "activities": [activity_id],
            "posts": [],
        },
        {
            "start": "2026-12-01T09:00:00+01:00",
            "end": "2026-12-01T11:00:00+01:00",
            "unit": "RT",
            "qualification": "protective_driving",
            "required": 1,
            "available": 0,
            "shortfall": 1,
            "activities": [activity_id],
            "posts": [],
        },
    ]
    for callsign in ("RT-0002", "RT-0003"):
        initialised(
            "staff",
            "add",
            callsign,
            "--unit",
            "RT",
            "--qualification",
            "close_protection",
            "--qualification",
            "protective_driving",
        )
        initialised(
            "shift", "add", callsign, "--start", "2026-12-01 07:00", "--end", "2026-12-01 15:00"
        )
    clear = initialised("gaps", "--date", "2026-12-01", "--fail-on-gap", "-f", "json")
    assert (clear.exit_code, json.loads(clear.stdout)) == (0, [])
    assert initialised("deploy", activity_id, "RT-0001", "RT-0002", "RT-0003").exit_code == 0


def test_deploy_refusal_exits_2_and_names_the_rule(initialised: Run, db_path: Path) -> None:
    activity_id = _scenario(initialised)
    initialised("staff", "add", "RT-0004", "--unit", "RT", "--qualification", "object_guard")
    before = snapshot(db_path)
    result = initialised("deploy", activity_id, "RT-0004")
    assert result.exit_code == 2
    assert "RT-0004 is not on duty for the whole activity" in result.stderr
    assert "(rule: on duty)" in result.stderr
    assert snapshot(db_path) == before


def test_shift_import_and_list(initialised: Run, tmp_path: Path) -> None:
    initialised("staff", "add", "RT-0001", "--unit", "RT")
    roster_file = tmp_path / "rooster.csv"
    roster_file.write_text("callsign,start,end\nRT-0001,2026-10-24 22:00,2026-10-25 07:00\n")
    assert initialised("shift", "import", str(roster_file)).exit_code == 0
    (shift,) = json.loads(initialised("shift", "list", "-f", "json").stdout)
    assert (shift["start"], shift["end"], shift["hours"]) == (
        "2026-10-24T22:00:00+02:00",
        "2026-10-25T07:00:00+01:00",
        10.0,
    )


def test_suggest_lists_options_in_every_format(initialised: Run) -> None:
    activity_id = _scenario(initialised)
    rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    assert set(rows[0]) == {
        "n",
        "token",
        "option",
        "action",
        "callsign",
        "team",
        "concept",
        "changes_concept",
        "start",
        "end",
        "shift_minutes",
        "cost",
        "feasible",
        "partial",
        "reason",
        "what",
        "price",
        "why",
    }
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    # the words are made of the facts beside them: no qualification code in a sentence
    for row in rows:
        assert row["what"]["code"] and row["price"]["code"]
        assert (row["why"] is None) == (row["reason"] == "")
        for code in ("close_protection", "protective_driving"):
            assert code not in row["option"] + row["reason"]
    assert any(r["action"] == "assign" and "rule R1" in r["reason"] for r in rows)
    for fmt in ("table", "csv", "md"):
        assert initialised("suggest", activity_id, "-f", fmt).exit_code == 0


def test_suggest_apply_carries_out_option_n(initialised: Run, db_path: Path) -> None:
    activity_id = _scenario(initialised)
    for callsign in ("RT-0002", "RT-0003"):
        initialised("staff", "add", callsign, "--unit", "RT", "--qualification", "close_protection")
        initialised(
            "shift", "add", callsign, "--start", "2026-12-01 11:00", "--end", "2026-12-01 19:00"
        )
    rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    (move,) = [r for r in rows if r["action"] == "move"]
    assert (move["start"], move["shift_minutes"]) == ("2026-12-01T11:00:00+01:00", 120)
    before = snapshot(db_path)
    refused = initialised("suggest", activity_id, "--apply", str(move["n"]))
    assert refused.exit_code == 2 and "deciding authority" in refused.stderr
    missing = initialised("suggest", activity_id, "--apply", "99")
    assert missing.exit_code == 2 and "There is no option 99" in missing.stderr
    assert snapshot(db_path) == before
    done = initialised(
        "suggest",
        activity_id,
        "--apply",
        str(move["n"]),
        "--reason",
        "capacity",
        "--authority",
        "OvJ Havenstad",
    )
    assert done.exit_code == 0, done.stderr
    shown = json.loads(initialised("activity", "show", activity_id, "-f", "json").stdout)
    assert (shown["start"], shown["status"]) == ("2026-12-01T11:00:00+01:00", "moved")
    assert shown["restrictions"][0]["authority"] == "OvJ Havenstad"


def test_suggest_apply_checks_the_token_of_the_option_shown(
    initialised: Run, db_path: Path
) -> None:
    """Option N is applied only while it is the option listed with that token (issue 16): the
    list changes between showing and applying (two officers come on duty at 11:00, so the move
    goes to 11:00), and N:TOKEN of the old list is refused, nothing written; the token now
    listed applies it; N alone (a script) keeps working (test above)."""
    activity_id = _scenario(initialised)
    rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    assert len({r["token"] for r in rows}) == len(rows)  # one token per option
    again = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    assert [r["token"] for r in again] == [r["token"] for r in rows]  # stable
    (shown,) = [r for r in rows if r["action"] == "move"]
    for callsign in ("RT-0002", "RT-0003"):
        initialised("staff", "add", callsign, "--unit", "RT", "--qualification", "close_protection")
        initialised(
            "shift", "add", callsign, "--start", "2026-12-01 11:00", "--end", "2026-12-01 19:00"
        )
    now = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    (move,) = [r for r in now if r["action"] == "move"]
    assert move["token"] != shown["token"]
    before = snapshot(db_path)
    n = str(move["n"])
    authority = ("--authority", "OvJ Havenstad")
    for args in (("--apply", f"{n}:{shown['token']}"), ("--apply", n, "--expect", shown["token"])):
        refused = initialised("suggest", activity_id, *args, *authority)
        assert refused.exit_code == 2, refused.stderr
        assert refused.stderr.startswith(
            f"Error: Option {n} is no longer the one shown ({shown['token']}): it is now "
        )
        assert len(refused.stderr.strip().splitlines()) == 1
        assert snapshot(db_path) == before
    clash = initialised("suggest", activity_id, "--apply", "1:abc", "--expect", "def")
    assert clash.exit_code == 2 and "two different tokens" in clash.stderr
    # an empty token checks nothing: refused, never taken as "no token" (issue 16, 4th review)
    for args in (("--apply", f"{n}:"), ("--apply", f"{n}: "), ("--apply", n, "--expect", "")):
        empty = initialised("suggest", activity_id, *args, *authority)
        assert empty.exit_code == 2, empty.stderr
        assert empty.stderr == (
            "Error: An empty token checks nothing: give the token listed with the option.\n"
        )
        assert snapshot(db_path) == before
    done = initialised("suggest", activity_id, "--apply", f"{n}:{move['token']}", *authority)
    assert done.exit_code == 0, done.stderr
    item = json.loads(initialised("activity", "show", activity_id, "-f", "json").stdout)
    assert (item["start"], item["status"]) == ("2026-12-01T11:00:00+01:00", "moved")


def _midnight(run: Run, held: dict[str, list[str]]) -> str:
    """BEVER (W2) with an ESCORT (1 close protection + 1 driver) 23:00–01:00 across midnight,
    the officers ``held`` on duty 20:00–04:00."""
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    run("threat", "assess", "BEVER", "--level", "2")
    for callsign, qualifications in held.items():
        flags = [a for q in qualifications for a in ("--qualification", q)]
        assert run("staff", "add", callsign, "--unit", "RT", *flags).exit_code == 0
        run("shift", "add", callsign, "--start", "2026-12-01 20:00", "--end", "2026-12-02 04:00")
    return run(
        "activity", "add", "--person", "BEVER", "--title", "Nachtrit", "--start",
        "2026-12-01 23:00", "--end", "2026-12-02 01:00", "--concept", "ESCORT",
    ).stdout.strip()  # fmt: skip


def _agree(run: Run, activity_id: str) -> tuple[list[str], list[str], list[str], str]:
    """What gaps, violations, the activity's open places and suggest say of the night."""
    window = ("--from", "2026-12-01 20:00", "--to", "2026-12-02 04:00")
    gaps = json.loads(run("gaps", *window, "--unit", "RT", "-f", "json").stdout)
    violations = json.loads(run("gaps", "--violations", *window, "-f", "json").stdout)
    shown = json.loads(run("activity", "show", activity_id, "-f", "json").stdout)
    suggested = json.loads(run("suggest", activity_id, "-f", "json").stdout)
    return (
        [f"{g['qualification']} {g['start'][11:16]}" for g in gaps],
        [v["callsign"] for v in violations],
        shown["staffing_open"],
        suggested[0]["action"],
    )


def test_an_officer_fits_the_place_his_qualification_valid_throughout_needs(
    initialised: Run,
) -> None:
    """rev16u F4 (r8_midnight): RT-X1 holds close protection until midnight and driving
    throughout: deploy takes him for the driving place (gaps.bind keeps him there); RT-X3,
    whose only qualification lapses at midnight, fits none and is refused naming it and the
    hour; RT-X2 then protects. gaps, violations, the open places and suggest agree."""
    activity_id = _midnight(
        initialised,
        {
            "RT-X1": ["close_protection:2026-12-01", "protective_driving"],
            "RT-X2": ["close_protection", "protective_driving"],
            "RT-X3": ["protective_driving:2026-12-01"],
        },
    )
    first = initialised("deploy", activity_id, "RT-X1")
    assert first.exit_code == 0, first.stderr
    assert "close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00" in first.stderr
    refused = initialised("deploy", activity_id, "RT-X3")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Error: Not deployed: RT-X3: protective_driving lapses 2026-12-02 00:00, within the"
        " activity 2026-12-01 23:00–2026-12-02 01:00 (rule R8).\n",
    )
    gaps, violations, open_, action = _agree(initialised, activity_id)
    assert (gaps, violations, action) == ([], [], "deploy")
    assert open_ == ["close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00"]
    assert initialised("deploy", activity_id, "RT-X2").exit_code == 0
    assert _agree(initialised, activity_id) == ([], [], [], "none")


def test_a_lapse_recorded_later_is_a_violation_only_when_it_opens_a_place(
    initialised: Run,
) -> None:
    """rev16u F4 (r8_after): RT-X1 and RT-X2 deployed; RT-X1's close protection then lapses at
    midnight. RT-X2 protects and RT-X1 drives throughout: nothing is open, nothing listed,
    suggest has nothing to do. When RT-X2's lapses too, neither holds close protection valid
    throughout the activity (R8, one rule since fix16w): the close-protection place is open for
    all of it, listed (for RT-X1), a gap from its start, and said so."""
    activity_id = _midnight(
        initialised,
        {
            "RT-X1": ["close_protection", "protective_driving"],
            "RT-X2": ["close_protection", "protective_driving"],
        },
    )
    assert initialised("deploy", activity_id, "RT-X1", "RT-X2").exit_code == 0
    initialised("staff", "qualify", "RT-X1", "close_protection:2026-12-01")
    assert _agree(initialised, activity_id) == ([], [], [], "none")
    failing = initialised(
        "gaps", "--violations", "--from", "2026-12-01 20:00", "--to", "2026-12-02 04:00",
        "--fail-on-gap",
    )  # fmt: skip
    assert failing.exit_code == 0
    initialised("staff", "qualify", "RT-X2", "close_protection:2026-12-01")
    gaps, violations, open_, _action = _agree(initialised, activity_id)
    assert (gaps, violations) == (["close_protection 23:00"], ["RT-X1"])
    assert open_ == [
        "close_protection: 1 slot open 2026-12-01 23:00–2026-12-02 01:00 (RT-X1, RT-X2 lapsed;"
        " rule R8)"
    ]


def _unique_prefix(full: str, ids: list[str]) -> str:
    """The shortest prefix of ``full``, at least 13 characters, that no other id starts with."""
    for length in range(13, len(full) + 1):
        if not any(i != full and i.startswith(full[:length]) for i in ids):
            return full[:length]
    return full


def test_a_restriction_or_correction_that_double_books_says_so(initialised: Run) -> None:
    """Issue 16 (s3, s21): moving an activity onto another that shares a deployed officer is
    recorded (R5), with a warning per double-booked officer; the move back says nothing."""
    activity_id = _scenario(initialised)
    initialised("person", "add", "KIEVIT", "--domain", "local", "--unit", "RT")
    initialised("threat", "assess", "KIEVIT", "--level", "3")
    initialised(
        "shift", "add", "RT-0001", "--start", "2026-12-02 07:00", "--end", "2026-12-02 15:00"
    )
    other = initialised(
        "activity", "add", "--person", "KIEVIT", "--title", "Later", "--start",
        "2026-12-02 09:00", "--end", "2026-12-02 11:00", "--concept", "CP-LIGHT",
    ).stdout.strip()  # fmt: skip
    initialised("deploy", activity_id, "RT-0001")
    initialised("deploy", other, "RT-0001")
    moved = initialised(
        "activity", "restrict", other, "--kind", "moved", "--reason", "capacity",
        "--authority", "OvJ", "--start", "2026-12-01 10:00", "--end", "2026-12-01 12:00",
    )  # fmt: skip
    assert moved.exit_code == 0
    ids = [a["id"] for a in json.loads(initialised("activity", "list", "-f", "json").stdout)]
    named, there = (_unique_prefix(i, ids) for i in (other, activity_id))
    assert (
        f"Warning: RT-0001 is deployed on activity {named} and on {there} at "
        f"once, 2026-12-01 10:00–11:00; counted at {there} only (rule: one place at "
        "a time); see gaps --violations." in moved.stderr
    )
    back = initialised(
        "activity", "edit", other, "--start", "2026-12-02 09:00", "--end", "2026-12-02 11:00",
        "--correction", "typo",
    )  # fmt: skip
    assert back.exit_code == 0 and "Warning" not in back.stderr


@pytest.mark.parametrize("cell", ['"RT-0001\n"', '"RT-0001\t"', '"RT-\u200b0001"', '"RT-0001\r"'])
def test_a_roster_callsign_with_a_line_break_or_tab_is_refused_as_when_typed(
    initialised: Run, tmp_path: Path, db_path: Path, cell: str
) -> None:
    """Issue 14 (fix14b, rev14f): a quoted cell's line break or tab was stripped and the shift
    imported, while `shift add 'RT-0001<TAB>'` refuses it; the README says never stripped."""
    initialised("staff", "add", "RT-0001", "--unit", "RT")
    typed = initialised("shift", "add", "RT-0001\t", "--start", "2026-12-26 07:00",
                        "--end", "2026-12-26 15:00")  # fmt: skip
    assert typed.exit_code == 2 and "invisible formatting character" in typed.stderr
    roster_file = tmp_path / "rooster.csv"
    roster_file.write_bytes(
        f"callsign,start,end\n{cell},2026-12-26 07:00,2026-12-26 15:00\n".encode()
    )
    before = snapshot(db_path)
    result = initialised("shift", "import", str(roster_file))
    assert result.exit_code == 2, result.stderr
    assert "line 2: The callsign contains a control or invisible formatting character" in (
        result.stderr
    ), result.stderr
    assert snapshot(db_path) == before
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("callsign,start,end\n rt-0001 ,2026-12-26 07:00,2026-12-26 15:00\n")
    assert initialised("shift", "import", str(spaced)).exit_code == 0  # spaces, case: as typed
