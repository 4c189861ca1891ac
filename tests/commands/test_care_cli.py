"""``person household`` and ``care record|list|history`` (issue 20) through the CLI: the member's
code on stdout's last line, refusals one sentence with exit 2 (bad input, a broken rule) or 4
(not allowed) and nothing written, the listings in every format; the handover's open item."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.conftest import Run
from tests.conftest import snapshot


def test_household_and_care_through_the_cli(demo: Run, db_path: Path) -> None:
    added = demo("person", "household", "MEREL", "--add", "partner")
    assert added.exit_code == 0, added.stderr
    partner = added.stdout.strip().splitlines()[-1]
    assert partner == "MEREL-P1" and "Recorded MEREL-P1 (partner)." in added.stderr
    child = demo("person", "household", "MEREL", "--add", "child").stdout.strip().splitlines()[-1]
    assert child == "MEREL-C1"
    members = json.loads(demo("person", "household", "MEREL", "--format", "json").stdout)
    assert [(m["member"], m["relation"]) for m in members] == [
        ("self", "self"),
        ("MEREL-P1", "partner"),
        ("MEREL-C1", "child"),
    ]
    assert set(members[1]) == {"member", "relation", "added_at", "added_by", "ended_at", "ended_by"}
    for fmt in ("table", "csv", "md"):
        shown = demo("person", "household", "MEREL", "--format", fmt)
        assert shown.exit_code == 0 and "MEREL-C1" in shown.stdout
    listed = json.loads(demo("care", "list", "MEREL", "--format", "json").stdout)
    assert listed[0]["member"] == "self" and listed[0]["status"] == "not_offered"
    assert set(listed[0]) == {
        "member", "relation", "module", "status", "offered", "accepted", "declined", "ended",
        "in_package",
    }  # fmt: skip
    module = listed[0]["module"]
    offered = demo("care", "record", "MEREL", "--member", "self", "--module", module,
                   "--status", "offered", "--note", "intake")  # fmt: skip
    assert offered.exit_code == 0, offered.stderr
    record_id = offered.stdout.strip().splitlines()[-1]
    history = json.loads(demo("care", "history", "MEREL", "--format", "json").stdout)
    assert [(h["id"], h["status"], h["note"]) for h in history] == [
        (record_id, "offered", "intake")
    ]
    before = snapshot(db_path)
    for args, code, words in (
        (("--member", "self", "--module", module, "--status", "offered"), 2, "already"),
        (("--member", "self", "--module", module, "--status", "sought"), 2, "--status"),
        (("--member", "MEREL-C9", "--module", module, "--status", "offered"), 2, "MEREL-C9"),
        (("--member", "self", "--module", "tuinieren", "--status", "offered"), 2, "tuinieren"),
        (("--member", "self", "--module", module, "--status", "ended", "--on", "2099-01-01"), 2,
         "after today"),
        (("--member", "MEREL-P1", "--module", module, "--status", "offered"), 2, "not for"),
    ):  # fmt: skip
        refused = demo("care", "record", "MEREL", *args)
        assert refused.exit_code == code and words in refused.stderr, (args, refused.stderr)
        assert refused.stderr.count("\n") == 1 and refused.stdout == ""
    both = demo("person", "household", "MEREL", "--add", "child", "--end", "MEREL-C1")
    assert both.exit_code == 2 and "not both" in both.stderr
    for denied in (
        demo("care", "record", "MEREL", "--member", "self", "--module", module, "--status",
             "accepted", user="AM-0002"),
        demo("person", "household", "MEREL", "--add", "child", user="AM-0002"),
        demo("care", "list", "MEREL", user="AM-0002"),
    ):  # fmt: skip
        assert denied.exit_code == 4 and "household and care" in denied.stderr, denied.stderr
    assert snapshot(db_path) == before
    ended = demo("person", "household", "MEREL", "--end", "merel-c1")
    assert ended.exit_code == 0 and ended.stdout.strip().splitlines()[-1] == "MEREL-C1"
    again = demo("person", "household", "MEREL", "--end", "MEREL-C1")
    assert again.exit_code == 2 and "Member MEREL-C1 was ended already." in again.stderr
    itself = demo("person", "household", "MEREL", "--end", "self")
    assert itself.exit_code == 2 and "themself is not a household member that ends" in itself.stderr
    assert "name self" not in itself.stderr
    assert demo("person", "add", "NIEUW", "--domain", "local", "--unit", "RT").exit_code == 0
    bare = demo("care", "record", "NIEUW", "--member", "self", "--module", "protected",
                "--status", "offered")  # fmt: skip
    assert bare.exit_code == 2 and "has no package yet" in bare.stderr, bare.stderr


def test_the_handover_names_a_module_a_package_change_added(demo: Run) -> None:
    demo("person", "household", "MEREL", "--add", "child")  # MEREL is at level 1: PKG-W1
    raised = demo("threat", "assess", "MEREL", "--level", "5")  # children's care, relocation
    assert raised.exit_code == 0, raised.stderr
    draft = json.loads(demo("handover", "draft", "--format", "json").stdout)
    items = [i for i in draft["assessment"] if i["kind"] == "care_not_offered"]
    assert [(i["count"], i["ids"]) for i in items] == [(2, ["MEREL", "MEREL-C1"])]
    text = demo("handover", "draft").stdout
    assert "MEREL themself: Temporary relocation support" in text
    assert "MEREL-C1 of MEREL: Psychosocial care: children (since 2026-" in text  # its year
    assert "Offer the care modules the package change added" in text
    for member, module in (("self", "relocation"), ("MEREL-C1", "children")):
        done = demo("care", "record", "MEREL", "--member", member, "--module", module,
                    "--status", "offered")  # fmt: skip
        assert done.exit_code == 0, done.stderr
    draft = json.loads(demo("handover", "draft", "--format", "json").stdout)
    items = [i for i in draft["assessment"] if i["kind"] == "care_not_offered"]
    assert [(i["count"], i["ids"]) for i in items] == [(0, [])]
