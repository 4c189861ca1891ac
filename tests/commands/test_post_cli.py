"""Standing posts below the required level can be re-planned (issue 16, plan21): ``gaps`` said
"re-plan them" and the handover "Re-plan the standing posts", but no command could; now
``post list|options|assign``, and ``threat assess`` says how many posts a raise left short."""

from __future__ import annotations

import json

from store.audit import list_audit
from store.db import Store
from tests.commands.conftest import Run
from tests.conftest import NOW, FixedClock


def _das_raised(run: Run) -> tuple[str, list[dict]]:
    raised = run("threat", "assess", "DAS", "--level", "4")
    assert raised.exit_code == 0, raised.stderr
    below = json.loads(run("post", "list", "--person", "DAS", "--below", "-f", "json").stdout)
    return raised.stderr, below


def test_a_raise_names_the_posts_and_post_assign_re_plans_them(demo: Run, db_path) -> None:
    before = json.loads(demo("post", "list", "--person", "DAS", "-f", "json").stdout)
    assert before and not any(p["replan"] for p in before)
    said, below = _das_raised(demo)
    assert f"{len(below)} standing posts now need re-planning (rule R1; post list --below, " in said
    assert len(below) == len(before) and all(p["replan"] for p in below)
    gaps = demo("gaps", "--from", "2026-11-28 00:00", "--to", "2027-01-01 00:00")
    assert "below the required level (re-plan them: post list --below, post assign)." in gaps.stderr
    options = json.loads(demo("post", "options", below[0]["id"], "-f", "json").stdout)
    valid = {o["concept"]: o["valid"] for o in options}
    assert valid["OBJ-HRB"] and not valid["STATIC"]
    refused = demo("post", "assign", below[0]["id"], "STATIC")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        "Error: Concept STATIC provides W2 but DAS requires W4 (rule R1); choose one of: "
        "CP-HEAVY, OBJ-HRB.\n"
    )
    done = demo("post", "assign", below[0]["id"][:30], "obj-hrb")
    assert (done.exit_code, done.stdout) == (0, below[0]["id"] + "\n"), done.stderr
    assert done.stderr.startswith("OBJ-HRB (W4) on the standing post of DAS, ")
    again = demo("post", "assign", below[0]["id"], "OBJ-HRB")
    assert again.exit_code == 2 and "already has OBJ-HRB" in again.stderr
    after = json.loads(demo("post", "list", "--person", "DAS", "--below", "-f", "json").stdout)
    assert [p["id"] for p in after] == [p["id"] for p in below[1:]]
    store = Store(db_path, clock=FixedClock(NOW))
    try:
        event = list_audit(store, limit=1)[0]
        assert (event.action, event.target) == ("post.assign", below[0]["id"])
    finally:
        store.close()


def test_an_unknown_post_is_refused(demo: Run) -> None:
    refused = demo("post", "assign", "01a2ffff-0000-7000-8000-00000000dead", "STATIC")
    assert refused.exit_code == 2, refused.stderr  # as activity assign on an unknown id
    assert "No standing post with id" in refused.stderr
