"""Issue 16 (fix16r): every path that creates a deployment is judged by the one store function
(``staffing.deploy_officers``), so an R8 lapse is refused alike by ``deploy`` and never
offered by a suggestion."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot

ROOT = Path(__file__).resolve().parents[2]


def _night(run: Run) -> str:
    """W1 (close protection lapsing at midnight, driving) and W3 (driving) on duty for an
    ESCORT 23:00–01:00 (``test_roster_cli``'s lapse case)."""
    run("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    run("threat", "assess", "BEVER", "--level", "2")
    held = {
        "W1": ["close_protection:2026-12-01", "protective_driving"],
        "W3": ["protective_driving"],
    }
    for callsign, qualifications in held.items():
        flags = [a for q in qualifications for a in ("--qualification", q)]
        run("staff", "add", callsign, "--unit", "RT", *flags)
        run("shift", "add", callsign, "--start", "2026-12-01 20:00", "--end", "2026-12-02 04:00")
    return run(
        "activity", "add", "--person", "BEVER", "--title", "Nachtrit", "--start",
        "2026-12-01 23:00", "--end", "2026-12-02 01:00", "--concept", "ESCORT",
    ).stdout.strip()  # fmt: skip


def test_suggest_never_offers_an_officer_deploy_refuses_for_a_lapse(
    initialised: Run, db_path: Path
) -> None:
    """W3 deployed (driving); W1's close protection lapses at midnight, within the activity,
    so W1 fits no open place (rev16u F4: a place needs a qualification valid throughout):
    deploy refuses W1 (R8, naming the qualification and the hour) and ``suggest`` never
    offers W1 (the one judging function). Before W3 is deployed W1 fits the driving place:
    offered and deployable alike."""
    activity_id = _night(initialised)
    rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    assert [r for r in rows if r.get("callsign") == "W1"], rows
    assert initialised("deploy", activity_id, "W3").exit_code == 0, "W3"
    refusal = (
        "Error: Not deployed: W1 fills no open slot of the concept from 2026-12-01 23:00"
        " (already filled: Protective driving (1 of 1); Close protection lapsed 2026-12-02"
        " 00:00) (rule R8).\n"
    )
    for _ in range(2):
        rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
        assert not [r for r in rows if r.get("callsign") == "W1"], rows
        before = snapshot(db_path)
        direct = initialised("deploy", activity_id, "W1")
        assert (direct.exit_code, direct.stderr) == (2, refusal)
        assert snapshot(db_path) == before
    listed = initialised(
        "gaps", "--violations", "--from", "2026-12-01 20:00", "--to", "2026-12-02 04:00",
        "-f", "json",
    )  # fmt: skip
    assert json.loads(listed.stdout) == []


def test_one_store_function_inserts_deployments() -> None:
    """The one place in the store that writes a deployment row is ``staffing.deploy_officers``
    (sync applies received rows generically, judged by ``sync/plan_checks.py``)."""
    found = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "store").rglob("*.py"))
        if re.search(r"INSERT\s+(OR\s+\w+\s+)?INTO\s+deployment\b", p.read_text(), re.I)
    ]
    assert found == ["store/staffing.py"]
    text = (ROOT / "store" / "staffing.py").read_text()
    body = text[text.index("def deploy_officers(") :]
    body = body[: body.index("\ndef ", 1)]
    assert "INSERT INTO deployment" in body
    assert text.count("INSERT INTO deployment") == 1
