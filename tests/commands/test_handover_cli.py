"""Handover in two commands, and the Markdown document as a golden file."""

from __future__ import annotations

import json

from tests.commands.conftest import Run, golden


def _shift(run: Run) -> None:
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    run("threat", "assess", "BEVER", "--level", "3")
    run("staff", "add", "RT-0100", "--unit", "RT", "--role", "shift_leader")
    run("shift", "add", "RT-0100", "--start", "2026-11-28 15:00", "--end", "2026-11-28 23:00")
    run(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Diner",
        "--concept",
        "CP-LIGHT",
        "--start",
        "2026-11-28 19:00",
        "--end",
        "2026-11-28 21:00",
    )
    run("log", "add", "Portofoon defect", "--kind", "equipment", "--flag")


def test_handover_markdown_golden(initialised: Run) -> None:
    _shift(initialised)
    result = initialised("handover", "draft", "--format", "md")
    assert result.exit_code == 0
    golden("handover-draft.md", result.stdout)


def test_hand_over_with_two_commands(initialised: Run) -> None:
    _shift(initialised)
    draft = json.loads(initialised("handover", "draft", "-f", "json").stdout)
    assert list(draft) == [
        "period",
        "identify",
        "situation",
        "background",
        "assessment",
        "recommendation",
    ]
    assert all({"kind", "text", "count", "ids", "params"} == set(i) for i in draft["assessment"])
    signed = initialised("handover", "sign", "--note", "Let op vertrek")
    handover_id = signed.stdout.strip()
    assert signed.exit_code == 0 and "sha256" in signed.stderr
    own = initialised("handover", "accept", handover_id)
    assert own.exit_code == 4 and "cannot accept it" in own.stderr
    assert initialised("handover", "accept", handover_id, user="RT-0100").exit_code == 0
    (listed,) = json.loads(initialised("handover", "list", "-f", "json").stdout)
    assert (listed["signed_by"], listed["accepted_by"]) == ("OPS-01", "RT-0100")
    shown = initialised("handover", "show", handover_id, "-f", "md").stdout
    assert "Accepted by RT-0100" in shown and "Let op vertrek" in shown
    table = initialised("handover", "draft").stdout
    assert table.splitlines()[0].split() == ["section", "kind", "count", "text"]


def test_a_period_is_signed_once_unless_superseded(initialised: Run) -> None:
    first = initialised("handover", "sign", "--note", "eerste")
    assert first.exit_code == 0
    first_id = first.stdout.strip().splitlines()[-1]
    again = initialised("handover", "sign", "--note", "tweede")
    assert again.exit_code == 2
    assert "already signed by OPS-01" in again.stderr
    assert f"--supersedes {first_id[:13]}" in again.stderr
    second = initialised("handover", "sign", "--supersedes", first_id, "--reason", "REIGER ontbrak")
    assert second.exit_code == 0, second.stderr
    rows = json.loads(initialised("handover", "list", "-f", "json").stdout)
    newest, older = rows
    assert (newest["supersedes"], newest["supersede_reason"]) == (first_id, "REIGER ontbrak")
    assert older["superseded_by"] == newest["id"]
