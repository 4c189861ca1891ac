"""What a newcomer tripped over on the command line (fix17r)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.conftest import Run


def _activity(run: Run) -> str:
    assert run("person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    added = run(
        "activity", "add", "--person", "BEVER", "--title", "Zitting", "--start",
        "2026-12-01 09:30", "--end", "2026-12-01 12:00", "--location", "Rechtbank",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return added.stdout.strip().splitlines()[-1]


def test_activity_show_puts_each_correction_on_its_own_row(initialised: Run) -> None:
    activity = _activity(initialised)
    for n, start in enumerate(("10:00", "10:30", "11:00")):
        moved = initialised(
            "activity", "edit", activity, "--start", f"2026-12-01 {start}", "--end",
            "2026-12-01 12:30", "--correction", f"verschoven {n}",
        )  # fmt: skip
        assert moved.exit_code == 0, moved.stderr
    shown = initialised("activity", "show", activity)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    rows = [line for line in lines if "reason: verschoven" in line]
    assert len(rows) == 3, shown.stdout  # one row per correction, not one long cell
    assert rows[0].split()[0] == "corrections" and rows[1].startswith(" ")
    assert "old: 2026-12-01 09:30–12:00 Rechtbank; new: 2026-12-01 10:00–12:30" in rows[0]
    assert max(map(len, lines)) < 200, shown.stdout
    md = initialised("activity", "show", activity, "-f", "md").stdout
    assert sum("reason: verschoven" in line for line in md.splitlines()) == 3


def test_an_impossible_date_gets_the_same_hint_as_a_malformed_one(initialised: Run) -> None:
    impossible = initialised("activity", "list", "--date", "2026-13-01")
    malformed = initialised("activity", "list", "--date", "13-01-2026x")
    assert impossible.exit_code == malformed.exit_code == 2
    hint = "YYYY-MM-DD, 'today', 'tomorrow' or 'yesterday'"
    assert "'2026-13-01' is not a real date; write the date " + hint in impossible.stderr
    assert hint in malformed.stderr
    assert initialised("activity", "list", "--date", "yesterday").exit_code == 0


def test_db_status_counts_secrets_as_the_handover_does(demo: Run) -> None:
    shown = json.loads(demo("db", "status", "-f", "json").stdout)
    handover = demo("handover", "draft").stdout
    people = shown["findings"]["secret"]
    assert people > 100, shown["findings"]  # the demo's people, not one grouped finding
    assert f"{people} people's secrets on this laptop were set by someone else" in handover


def test_an_unknown_callsign_exits_2_a_missing_or_wrong_secret_4(
    demo: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As README's "Who is acting" says it."""
    monkeypatch.setenv("SCHILDWACHT_SECRET", "guess")
    unknown = demo("signal", "list", user="NOPE-01")
    assert unknown.exit_code == 2 and "No person with callsign 'NOPE-01'" in unknown.stderr
    wrong = demo("signal", "list", user="AM-0122")
    assert wrong.exit_code == 4 and "Wrong secret for AM-0122" in wrong.stderr
    monkeypatch.delenv("SCHILDWACHT_SECRET")
    missing = demo("signal", "list", user="AM-0122")
    assert missing.exit_code == 4 and "needs AM-0122's secret" in missing.stderr


def test_sync_import_leaves_the_standing_secrets_finding_to_sync_status(
    demo: Run, tmp_path: Path
) -> None:
    """The demo's 150 secrets set by OPS-01 are a standing state, not news of an import: the
    import prints its receipt only; ``sync status`` and the handover keep saying it (fix17r)."""
    assert demo("team", "create", "--name", "Team").exit_code == 0
    share = tmp_path / "share"
    assert demo("sync", "export", "--to", str(share)).exit_code == 0
    imported = demo("sync", "import", str(share))
    assert "secrets" not in imported.stderr + imported.stdout
    status = demo("sync", "status")
    assert "people's secrets on this laptop were set by someone else" in status.stdout + (
        status.stderr
    )
