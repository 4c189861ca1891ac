"""Need to know (rev20b): a reader without ``care.read`` (``experience.read``) sees the care,
household and experience events of the audit trail listed (who, when, what) with their detail
withheld, and the handover's care item as a count only: no member codes, no modules."""

from __future__ import annotations

import json

from tests.commands.conftest import Run


def _events(demo: Run, action: str, user: str | None) -> list[dict[str, str]]:
    shown = demo("audit", "list", "--action", action, "--format", "json", user=user)
    assert shown.exit_code == 0, shown.stderr
    return list(json.loads(shown.stdout))


def test_the_audit_trail_withholds_care_and_experience_from_an_operator(demo: Run) -> None:
    assert demo("person", "household", "MEREL", "--add", "partner").exit_code == 0
    listed = json.loads(demo("care", "list", "MEREL", "--format", "json").stdout)
    done = demo("care", "record", "MEREL", "--member", "self", "--module", listed[0]["module"],
                "--status", "offered", "--note", "gesprek met Dr. P. de Vries")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    told = demo("person", "experience", "MEREL", "--weight", "heavy", "--text", "zwaar weekend",
                user="AM-0002")  # fmt: skip
    assert told.exit_code == 0, told.stderr
    for action in ("care.*", "household.*", "person.experience"):
        seen = _events(demo, action, user="AM-0002")
        assert seen and all(e["detail"] == "withheld (need to know)" for e in seen), seen
        assert all(e["actor"] and e["at"] and e["action"] for e in seen)
    table = demo("audit", "list", "--action", "care.*", user="AM-0002").stdout
    assert "withheld (need to know)" in table and "Vries" not in table
    everything = demo("audit", "list", "--limit", "1000", "--format", "csv", user="AM-0002")
    assert "Vries" not in everything.stdout and "MEREL-P1" not in everything.stdout
    assert "zwaar" not in everything.stdout
    care = _events(demo, "care.*", user=None)  # the admin may read care
    assert "Vries" in care[0]["detail"]
    assert json.loads(care[0]["detail"])["member"] == "self"


def test_the_handover_counts_care_only_for_an_operator(demo: Run) -> None:
    demo("person", "household", "MEREL", "--add", "child")
    assert demo("threat", "assess", "MEREL", "--level", "5").exit_code == 0
    draft = json.loads(demo("handover", "draft", "--format", "json", user="AM-0002").stdout)
    items = [i for i in draft["assessment"] if i["kind"] == "care_not_offered"]
    assert [(i["count"], i["ids"], i["params"]) for i in items] == [(2, [], {})]
    text = demo("handover", "draft", user="AM-0002").stdout
    assert "2 care modules a package change added are not offered yet" in text
    assert "MEREL-C1" not in text and "children" not in text
    full = demo("handover", "draft").stdout
    assert "MEREL-C1 of MEREL" in full
