"""Issue 16 (fix16r): every path that creates a deployment is judged by the one store function
(``staffing.deploy_officers``), so an R8 lapse is refused alike by ``deploy`` and by a
suggestion applied."""

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


def test_suggest_apply_refuses_a_lapse_as_deploy_does(initialised: Run, db_path: Path) -> None:
    """W3 deployed; while W1's close protection is valid ``suggest`` offers "Deploy W1". The
    lapse is recorded after the listing: deploying W1 would leave the close-protection place
    open from midnight for W1's lapse (R8), which ``gaps --violations`` would list at once:
    refused with deploy's own sentence and exit code; the option listed before is no longer
    offered (fix16s: options pass deploy's own rule, ``staffing.trial_deploy``), so applying
    it is refused, nothing written."""
    activity_id = _night(initialised)
    assert initialised("staff", "qualify", "W1", "close_protection").exit_code == 0
    assert initialised("deploy", activity_id, "W3").exit_code == 0
    rows = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    (row,) = [r for r in rows if r["action"] == "deploy" and r["callsign"] == "W1"]
    assert initialised("staff", "qualify", "W1", "close_protection:2026-12-01").exit_code == 0
    refusal = (
        "Error: Not deployed: close_protection: 1 slot open 2026-12-02 00:00–01:00 (W1 lapsed; "
        "rule R8).\n"
    )
    direct = initialised("deploy", activity_id, "W1")
    assert (direct.exit_code, direct.stderr) == (2, refusal)
    before = snapshot(db_path)
    applied = initialised("suggest", activity_id, "--apply", f"{row['n']}:{row['token']}")
    assert applied.exit_code == 2  # that option is gone: the list is judged as deploy judges
    assert "is no longer the one shown" in applied.stderr
    assert snapshot(db_path) == before
    listed = initialised(
        "gaps", "--violations", "--from", "2026-12-01 20:00", "--to", "2026-12-02 04:00",
        "-f", "json",
    )  # fmt: skip
    assert json.loads(listed.stdout) == []
    again = json.loads(initialised("suggest", activity_id, "-f", "json").stdout)
    assert [r for r in again if r.get("callsign") == "W1"] == []


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
