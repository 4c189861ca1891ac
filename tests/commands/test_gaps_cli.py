"""``gaps`` and ``deploy`` on the nights that matter: a qualification lapsing at midnight inside
an activity (R8), on both clock-change nights; ``--unit`` never gives a false all-clear.

Hand-computed: CP-LIGHT needs 2 close protection + 1 protective driving. Three officers are on
duty all night: RT-0001 (close protection, lapsing after the first day), RT-0002 (close
protection and protective driving), RT-0003 (close protection). Before midnight all three fill
the team; from midnight RT-0001 counts for nothing, close protection is filled first (attribution
order), so one driver is missing until the activity ends.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import snapshot

#: (first evening, next day, the gap's start and end as scripts read them, its real hours)
NIGHTS = [
    pytest.param(
        "2026-10-24",
        "2026-10-25",
        "2026-10-25T00:00:00+02:00",
        "2026-10-25T04:00:00+01:00",
        5.0,  # the clocks go back at 03:00: four wall-clock hours last five
        id="october",
    ),
    pytest.param(
        "2027-03-27",
        "2027-03-28",
        "2027-03-28T00:00:00+01:00",
        "2027-03-28T04:00:00+02:00",
        3.0,  # the clocks go forward at 02:00: four wall-clock hours last three
        id="march",
    ),
]


def _night(run: Run, evening: str, morning: str, *, lapse: bool = True) -> str:
    """The night's activity 23:00–04:00 with three officers on 22:00–07:00; returns its id."""
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    run("threat", "assess", "BEVER", "--level", "3")
    first = f"close_protection:{evening}" if lapse else "close_protection"
    officers = {
        "RT-0001": [first],
        "RT-0002": ["close_protection", "protective_driving"],
        "RT-0003": ["close_protection"],
    }
    for callsign, quals in officers.items():
        flags = [x for q in quals for x in ("--qualification", q)]
        assert run("staff", "add", callsign, "--unit", "RT", *flags).exit_code == 0
        added = run(
            "shift", "add", callsign, "--start", f"{evening} 22:00", "--end", f"{morning} 07:00"
        )
        assert added.exit_code == 0, added.stderr
    made = run(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Nachtelijke terugreis",
        "--start",
        f"{evening} 23:00",
        "--end",
        f"{morning} 04:00",
        "--concept",
        "CP-LIGHT",
    )
    assert made.exit_code == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("evening", "morning", "start", "end", "hours"), NIGHTS)
def test_a_lapse_at_midnight_shows_as_a_gap_and_refuses_the_deployment(
    initialised: Run,
    db_path: Path,
    evening: str,
    morning: str,
    start: str,
    end: str,
    hours: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NOW", f"{evening}T09:00:00+00:00")  # not yet ended
    activity = _night(initialised, evening, morning)
    window = ("--from", f"{evening} 12:00", "--to", f"{morning} 12:00")
    result = initialised("gaps", *window, "--format", "json")
    assert json.loads(result.stdout) == [
        {
            "start": start,
            "end": end,
            "unit": "RT",
            "qualification": "protective_driving",
            "required": 1,
            "available": 0,
            "shortfall": 1,
            "activities": [activity],
            "posts": [],
        }
    ]
    elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    assert elapsed.total_seconds() / 3600 == hours
    before = snapshot(db_path)
    refused = initialised("deploy", activity, "RT-0001")
    assert refused.exit_code == 2
    assert (
        f"RT-0001: close_protection lapses {morning} 00:00, within the activity "
        f"{evening} 23:00–{morning} 04:00 (rule R8)"
    ) in refused.stderr
    assert snapshot(db_path) == before
    # the other two may work the whole night
    assert initialised("deploy", activity, "RT-0002", "RT-0003").exit_code == 0


@pytest.mark.parametrize(("evening", "morning", "start", "end", "hours"), NIGHTS)
def test_a_lapse_recorded_after_the_deployment_is_a_violation(
    initialised: Run,
    evening: str,
    morning: str,
    start: str,
    end: str,
    hours: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NOW", f"{evening}T09:00:00+00:00")  # not yet ended
    activity = _night(initialised, evening, morning, lapse=False)
    window = ("--from", f"{evening} 12:00", "--to", f"{morning} 12:00")
    assert initialised("deploy", activity, "RT-0001").exit_code == 0
    clean = initialised("gaps", *window, "--violations", "-f", "json")
    assert (clean.exit_code, json.loads(clean.stdout)) == (0, [])
    recorded = initialised("staff", "qualify", "RT-0001", f"close_protection:{evening}")
    assert recorded.exit_code == 0, recorded.stderr
    listed = initialised("gaps", *window, "--violations", "-f", "json")
    assert json.loads(listed.stdout) == [
        {
            "activity": activity,
            "callsign": "RT-0001",
            "problem": f"RT-0001: close_protection lapses {morning} 00:00, within the activity "
            f"{evening} 23:00–{morning} 04:00 (rule R8)",
        }
    ]
    elsewhere = initialised("gaps", *window, "--violations", "--unit", "AM", "-f", "json")
    assert json.loads(elsewhere.stdout) == []
    # rev16r: the gaps summary points at the violation ("0 gaps" is not the whole story);
    # --fail-on-gap still means gaps
    summary = initialised("gaps", *window, "--fail-on-gap")
    assert summary.exit_code == 3  # the gap the lapse opens (nobody else on duty)
    assert summary.stderr.endswith(
        "(gaps --unplanned); 1 deployment breaks a rule now (gaps --violations).\n"
    ), summary.stderr
    other = initialised("gaps", *window, "--unit", "AM")
    assert "breaks a rule" not in other.stderr
    # rev16o: --fail-on-gap exits 3 when violations are listed, 0 when none are
    failing = initialised("gaps", *window, "--violations", "--fail-on-gap", "-f", "json")
    assert (failing.exit_code, len(json.loads(failing.stdout))) == (3, 1)
    passing = initialised("gaps", *window, "--violations", "--unit", "AM", "--fail-on-gap")
    assert passing.exit_code == 0
    # rev16p: with --unplanned too it listed only the (empty) unplanned list and exited 0
    both = initialised("gaps", *window, "--unplanned", "--violations", "--fail-on-gap")
    assert (both.exit_code, both.stdout) == (2, "")
    assert "Give --unplanned or --violations, not both" in both.stderr


def test_an_unknown_unit_is_an_error_not_an_all_clear(initialised: Run) -> None:
    _night(initialised, "2026-12-01", "2026-12-02")
    for flags in ((), ("--unplanned",), ("--violations",)):
        result = initialised(
            "gaps", "--date", "2026-12-01", "--unit", "XX", "--fail-on-gap", *flags
        )
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "Unknown unit 'XX'" in result.stderr
        assert "gaps;" not in result.stderr


def test_the_unit_filters_unplanned_activities_and_the_summary(initialised: Run) -> None:
    planned = _night(initialised, "2026-12-01", "2026-12-02")
    initialised("person", "add", "OTTER", "--domain", "local", "--unit", "AM")
    unplanned = {}
    for code in ("BEVER", "OTTER"):
        made = initialised(
            "activity",
            "add",
            "--person",
            code,
            "--title",
            "Nog in te plannen",
            "--start",
            "2026-12-01 13:00",
            "--end",
            "2026-12-01 14:00",
        )
        unplanned[code] = made.stdout.strip().splitlines()[-1]
    day = ("--from", "2026-12-01 12:00", "--to", "2026-12-02 12:00")
    for unit, code in (("RT", "BEVER"), ("am", "OTTER")):
        listed = initialised("gaps", *day, "--unplanned", "--unit", unit, "-f", "json")
        (row,) = json.loads(listed.stdout)  # which activity: its person, title and times too
        assert (row["id"], row["person"]) == (unplanned[code], code)
        assert set(row) == {"id", "person", "title", "start", "end"}
        assert (row["title"], row["start"]) == ("Nog in te plannen", "2026-12-01T13:00:00+01:00")
    # rev16o: --fail-on-gap exits 3 when unplanned activities are listed
    failing = initialised("gaps", *day, "--unplanned", "--unit", "RT", "--fail-on-gap")
    assert failing.exit_code == 3
    every = initialised("gaps", *day, "-f", "json")
    assert every.stderr == "1 gap; 2 activities without a concept (gaps --unplanned).\n"
    rt = initialised("gaps", *day, "--unit", "rt", "-f", "json", "--fail-on-gap")
    assert (rt.exit_code, [g["activities"] for g in json.loads(rt.stdout)]) == (3, [[planned]])
    assert rt.stderr == "1 gap; 1 activity without a concept (gaps --unplanned).\n"
    am = initialised("gaps", *day, "--unit", "AM", "-f", "json", "--fail-on-gap")
    assert (am.exit_code, json.loads(am.stdout)) == (0, [])
    assert am.stderr == "0 gaps; 1 activity without a concept (gaps --unplanned).\n"
