"""``activity request|answer|requests`` and ``person experience|experiences|statement`` (issue
20) through the CLI: ids on stdout's last line, refusals one sentence with exit 2 or 4 and
nothing written, the listings in every format."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot

ASK = ("--person", "MEREL", "--title", "Tandarts", "--kind", "private")
NIGHT = ("--start", "2026-12-02 04:00", "--end", "2026-12-02 06:00")


def test_request_answer_and_list(demo: Run, db_path: Path) -> None:
    asked = demo("activity", "request", *ASK, *NIGHT)
    assert asked.exit_code == 0, asked.stderr
    request_id = asked.stdout.strip().splitlines()[-1]
    assert "feasible with changes" in asked.stderr and "Move to 2026-12-02 07:00" in asked.stderr
    listed = json.loads(demo("activity", "requests", "--open", "--format", "json").stdout)
    assert [r["id"] for r in listed] == [request_id]
    move = next(o["n"] for o in listed[0]["options"] if o["action"] == "move")
    before = snapshot(db_path)
    for args, code, words in (
        (("--accept", str(move), "--refuse"), 2, "not both"),
        ((), 2, "--accept N"),
        (("--refuse", "--reason", "capacity"), 2, "--authority"),
        (("--refuse", "--authority", "OvJ"), 2, "--reason"),  # a refusal needs its reason (R5)
        (("--refuse", "--reason", "weer", "--authority", "OvJ"), 2, "weer"),
        (("--accept", "0"), 2, "--accept"),
        (("--accept", "1.5"), 2, "digits 0-9"),  # rev14c: click's own words leaked here
        (("--accept", "\uff12"), 2, "digits 0-9"),  # a full-width 2 was taken as option 2
    ):
        refused = demo("activity", "answer", request_id, *args)
        assert refused.exit_code == code and words in refused.stderr, (args, refused.stderr)
        assert refused.stderr.count("\n") == 1 and refused.stdout == ""
    denied = demo("activity", "answer", request_id, "--accept", str(move), user="AM-0002")
    assert denied.exit_code == 4 and "answer a requested activity" in denied.stderr
    assert snapshot(db_path) == before
    accepted = demo("activity", "answer", request_id, "--accept", str(move))
    assert accepted.exit_code == 0, accepted.stderr
    assert "Accepted option" in accepted.stderr and "waited 0 min" in accepted.stderr
    again = demo("activity", "answer", request_id, "--refuse", "--reason", "capacity",
                 "--authority", "OvJ")  # fmt: skip
    assert again.exit_code == 2 and "already accepted" in again.stderr
    both = demo("activity", "requests", "--open", "--answered")  # rev14c: both were taken
    assert both.exit_code == 2 and "not both" in both.stderr and both.stdout == ""
    for fmt in ("table", "csv", "md"):
        shown = demo("activity", "requests", "--answered", "--format", fmt)
        assert shown.exit_code == 0 and "accepted" in shown.stdout and "options" not in shown.stdout


def test_experience_and_statement(demo: Run, db_path: Path) -> None:
    before = snapshot(db_path)
    for week in ("2026-W54", "2026-W00", "0001-W01", "2027-W53"):
        bad = demo("person", "experience", "MEREL", "--week", week, "--weight", "some",
                   "--text", "Druk")  # fmt: skip
        assert bad.exit_code == 2 and bad.stderr.count("\n") == 1, bad.stderr
        assert demo("person", "statement", "MEREL", "--week", week).exit_code == 2
    assert snapshot(db_path) == before
    made = demo("person", "experience", "MEREL", "--week", "2026-W49", "--weight", "heavy",
                "--text", "Te veel <script> mensen")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    entry = made.stdout.strip().splitlines()[-1]
    listed = json.loads(demo("person", "experiences", "MEREL", "--format", "json").stdout)
    assert [(e["id"], e["weight"], e["week"]) for e in listed] == [(entry, "heavy", "2026-W49")]
    denied = demo("person", "experiences", "MEREL", user="AM-0002")
    assert denied.exit_code == 4
    md = demo("person", "statement", "MEREL", "--week", "2026-W49")
    assert md.exit_code == 0 and md.stdout.startswith("# Your week 2026-W49")
    page = demo("person", "statement", "MEREL", "--week", "2026-W49", "--format", "html")
    assert page.stdout.startswith("<!DOCTYPE html>")
    data = json.loads(
        demo("person", "statement", "MEREL", "--week", "2026-W49", "-f", "json").stdout
    )
    assert data["week"] == "2026-W49" and set(data["totals"]) == {"work", "private"}
