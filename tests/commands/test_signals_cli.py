"""Signals and signal reports from the command line: the workflow, exit codes, formats."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot


def _team(run: Run) -> None:
    run("staff", "add", "RT-0001", "--unit", "RT")
    run("staff", "add", "IO-01", "--unit", "DKDB", "--role", "info_analyst")
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")


def test_a_signal_travels_the_workflow(initialised: Run, db_path: Path) -> None:
    _team(initialised)
    raised = initialised(
        "signal",
        "raise",
        "Drone boven de tuin",
        "--category",
        "approach",
        "--urgency",
        "immediate",
        "--tlp",
        "red",
        "--person",
        "BEVER",
        user="RT-0001",
    )
    assert raised.exit_code == 0
    signal_id = raised.stdout.strip()
    assert "TLP:RED" in raised.stderr
    hidden = initialised("signal", "show", signal_id)
    assert hidden.exit_code == 4 and "TLP:RED" in hidden.stderr
    before = snapshot(db_path)
    wrong_role = initialised("signal", "receive", signal_id)
    assert wrong_role.exit_code == 4 and snapshot(db_path) == before
    wrong_order = initialised("signal", "close", signal_id, "--outcome", "confirmed", user="IO-01")
    assert wrong_order.exit_code == 2 and "only when interpreted" in wrong_order.stderr
    for args in (
        ("receive", signal_id),
        ("follow-up", signal_id, "--note", "Buren gesproken"),
        ("interpret", signal_id, "--text", "Verkenning"),
        ("close", signal_id, "--outcome", "confirmed"),
    ):
        assert initialised("signal", *args, user="IO-01").exit_code == 0
    mine = json.loads(initialised("signal", "list", "--mine", "-f", "json", user="RT-0001").stdout)
    assert [(s["id"], s["status"], s["outcome"]) for s in mine] == [
        (signal_id, "closed", "confirmed")
    ]
    assert set(mine[0]) >= {
        "id",
        "raised_at",
        "observed_at",
        "reporter",
        "category",
        "urgency",
        "tlp",
        "person",
        "status",
        "outcome",
    }
    assert json.loads(initialised("signal", "list", "-f", "json").stdout) == []  # red: hidden


def test_a_report_is_issued_only_with_duiding_and_scenario(initialised: Run) -> None:
    _team(initialised)
    report_id = initialised("intel", "draft", "--title", "Verkenning", user="IO-01").stdout.strip()
    refused = initialised("intel", "issue", report_id, "--audience", "authority", user="IO-01")
    assert refused.exit_code == 2 and "duiding" in refused.stderr
    initialised("intel", "interpret", report_id, "--text", "Patroon", user="IO-01")
    refused = initialised("intel", "issue", report_id, "--audience", "authority", user="IO-01")
    assert refused.exit_code == 2 and "add one with `intel scenario`." in refused.stderr
    initialised(
        "intel",
        "scenario",
        report_id,
        "--text",
        "Aanslag bij vertrek",
        "--likelihood",
        "reëel",
        "--actions",
        "Route variëren",
        user="IO-01",
    )
    assert (
        initialised(
            "intel", "issue", report_id, "--audience", "line_managers", user="IO-01"
        ).exit_code
        == 0
    )
    assert initialised("intel", "ack", report_id).exit_code == 0
    document = initialised("intel", "show", report_id, "--format", "md").stdout
    assert (
        document.startswith("# Verkenning\n")
        and "- **Courses of action:** Route variëren" in document
    )
    listed = json.loads(initialised("intel", "list", "-f", "json").stdout)
    assert [(r["status"], r["scenarios"], r["acknowledged"]) for r in listed] == [("issued", 1, 1)]
    assert initialised("intel", "draft", "--title", "x", user="RT-0001").exit_code == 4


_ABOUT = ("--category", "approach", "--urgency", "priority", "--tlp", "amber", "--person", "BEVER")


def test_a_signal_raised_on_a_team_laptop_says_it_waits_for_the_export(initialised: Run) -> None:
    """Issue 17 (rev17t signal_claim): on a laptop in a team that is not the information
    organisation's, a signal raised reaches it only with the next sync export; outside a team
    the information organisation works on this database and has it."""
    _team(initialised)
    alone = initialised("signal", "raise", "Auto bij woning", *_ABOUT, user="RT-0001")
    assert alone.exit_code == 0, alone.stderr
    assert "the information organisation has it." in alone.stderr
    assert initialised("team", "create", "--name", "DKDB Rotterdam").exit_code == 0
    raised = initialised("signal", "raise", "Auto met draaiende motor", *_ABOUT)
    assert raised.exit_code == 0
    assert "has it" not in raised.stderr
    assert (
        "it reaches the information organisation with the next sync export "
        "(schildwacht sync export)." in raised.stderr
    )
