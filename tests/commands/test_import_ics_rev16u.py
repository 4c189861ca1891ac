"""``activity import-ics`` on the calendars rev16u found wrong (issue 16), through the CLI:
an event made recurring and moved keeps its staffed activity (F1), a re-import ends as a fresh
import would (F2), an occurrence a planner moved out of the window is judged on its original
time (F3)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.conftest import Run

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
WINDOW = ("--person", "BEVER", "--from", "2027-01-01", "--to", "2027-03-31")


def _person(run: Run, level: str = "2") -> None:
    added = run("person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    assert added.exit_code == 0
    assert run("threat", "assess", "BEVER", "--level", level).exit_code == 0


def _import(run: Run, name: str) -> list[dict[str, str]]:
    result = run("activity", "import-ics", str(ICS / name), *WINDOW, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, str]] = json.loads(result.stdout)
    return rows


def _agenda(run: Run) -> list[tuple[str, str]]:
    shown = run("activity", "list", "--person", "BEVER", "--from", "2027-01-01 00:00", "--to",
                "2027-12-31 00:00", "-f", "json")  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    return [(a["start"][:16], a["status"]) for a in json.loads(shown.stdout)]


def test_an_event_made_recurring_and_moved_keeps_its_concept_and_officers(
    initialised: Run,
) -> None:
    _person(initialised)
    (added,) = _import(initialised, "google-overleg-single.ics")
    activity = added["id"]
    assert initialised("activity", "assign", activity, "ESCORT").exit_code == 0
    for callsign in ("RT-X2", "RT-X5"):
        made = initialised("staff", "add", callsign, "--unit", "RT", "--qualification",
                           "close_protection", "--qualification", "protective_driving")  # fmt: skip
        assert made.exit_code == 0, made.stderr
        shift = initialised("shift", "add", callsign, "--start", "2027-01-05 08:00", "--end",
                            "2027-01-05 16:00")  # fmt: skip
        assert shift.exit_code == 0, shift.stderr
    assert initialised("deploy", activity, "RT-X2", "RT-X5").exit_code == 0
    receipt = _import(initialised, "google-overleg-made-weekly-later.ics")
    assert sorted((r["action"], r["start"][:16]) for r in receipt) == [
        ("added", "2027-01-12T11:30"),
        ("added", "2027-01-19T11:30"),
        ("updated", "2027-01-05T11:30"),
    ]
    assert [r["id"] for r in receipt if r["action"] == "updated"] == [activity]
    shown = json.loads(initialised("activity", "show", activity, "-f", "json").stdout)
    assert (shown["start"], shown["status"], shown["concept"], shown["replan"]) == (
        "2027-01-05T11:30:00+01:00",
        "planned",
        "ESCORT",
        "changed_externally",
    )
    assert len(shown["corrections"]) == 1
    assert shown["staffing_open"] == []  # RT-X2 and RT-X5 still fill ESCORT at 11:30


def test_a_series_made_one_event_again_and_moved_keeps_the_first_occurrence(
    initialised: Run,
) -> None:
    _person(initialised)
    first = _import(initialised, "google-overleg-weekly.ics")[0]["id"]
    assert initialised("activity", "assign", first, "ESCORT").exit_code == 0
    receipt = _import(initialised, "google-overleg-single-again-later.ics")
    assert sorted((r["action"], r["start"][:16]) for r in receipt) == [
        ("removed", "2027-01-12T10:00"),
        ("removed", "2027-01-19T10:00"),
        ("updated", "2027-01-05T11:30"),
    ]
    shown = json.loads(initialised("activity", "show", first, "-f", "json").stdout)
    assert (shown["start"], shown["concept"], shown["replan"]) == (
        "2027-01-05T11:30:00+01:00",
        "ESCORT",
        "changed_externally",
    )


def test_a_reimport_with_an_exdate_over_a_kept_override_ends_as_a_fresh_import(
    initialised: Run,
) -> None:
    _person(initialised)
    _import(initialised, "outlook-series-override.ics")
    receipt = _import(initialised, "outlook-series-exdate-override-kept.ics")
    assert [(r["action"], r["start"][:16]) for r in receipt if r["action"] != "unchanged"] == [
        ("cancelled", "2027-01-19T15:00")
    ]
    again = _import(initialised, "outlook-series-exdate-override-kept.ics")
    assert {r["action"] for r in again} == {"unchanged"}
    assert [s for s, status in _agenda(initialised) if status == "planned"] == [
        "2027-01-05T10:00", "2027-01-12T10:00", "2027-01-26T10:00", "2027-02-02T10:00",
    ]  # fmt: skip


def test_an_occurrence_moved_out_of_the_window_is_removed_with_its_series(
    initialised: Run,
) -> None:
    _person(initialised)
    second = _import(initialised, "weekly-overleg.ics")[1]
    moved = initialised("activity", "restrict", second["id"], "--kind", "moved", "--reason",
                        "tbp_choice", "--authority", "OvJ", "--start", "2027-06-01 10:00",
                        "--end", "2027-06-01 11:00")  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert {r["action"] for r in _import(initialised, "weekly-overleg.ics")} == {"unchanged"}
    receipt = _import(initialised, "weekly-overleg-gone.ics")
    assert ("removed", "2027-06-01T10:00") in [(r["action"], r["start"][:16]) for r in receipt]
    assert _agenda(initialised).count(("2027-06-01T10:00", "cancelled")) == 1
