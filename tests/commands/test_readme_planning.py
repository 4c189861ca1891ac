"""The README's planning walkthrough (``suggest`` on KIEVIT's below-required activity) run on
the `make run` demo (the ``demo`` fixture's clock, 2026-11-28 09:00 UTC): every table row the
README prints is what the command prints now, README ids mapped to the demo's through the row's
person, title and start (rev16u F6), so the walkthrough cannot go stale; and suggest's
"places to deploy" is one measure for every option (rev16u F5)."""

from __future__ import annotations

import json
import re
import shlex

from tests.commands.conftest import Run
from tests.commands.test_readme_walk import examples

FIRST = "schildwacht activity list --person KIEVIT --replan --date 2026-12-01"
LAST = "schildwacht gaps --unit RT --from 2026-12-01T09:00 --to 2026-12-01T12:00"
PREFIX = re.compile(r"\b01[0-9a-f]{6}-[0-9a-f]{4}-[0-9a-f]{4}(?:-[0-9a-f]{4}-[0-9a-f]{12})?\b")
TOKEN = re.compile(r"^(\s*\d+\s+)([0-9a-f]{8})(\s)")


def _walk() -> list[tuple[str, list[str]]]:
    steps = [c for c, _out in examples()]
    start, end = steps.index(FIRST), steps.index(LAST)
    return examples()[start:end]


def _ids(run: Run, printed: list[str], mapping: dict[str, str]) -> None:
    """README ids of ``activity list`` rows → the demo's activity with that person, title and
    start."""
    for line in printed:
        match = re.match(r"^(01[0-9a-f-]{34})\s+(\S+)\s+(.+?)\s{2,}\S+\s+(\S+)\s", line)
        if not match:
            continue
        readme, person, title, start = match.groups()
        shown = run("activity", "list", "--person", person, "--date", start[:10], "-f", "json")
        rows = json.loads(shown.stdout)
        (mine,) = [a for a in rows if (a["title"], a["start"]) == (title, start)]
        mapping[readme] = mine["id"]


def _mapped(text: str, mapping: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        found = [v for k, v in mapping.items() if k.startswith(match.group(0))]
        return found[0][: len(match.group(0))] if found else match.group(0)

    return PREFIX.sub(one, text)


def _rows(lines: list[str]) -> list[str]:
    """Table rows without the token column (a token hashes the option with its activity)."""
    rows = [TOKEN.sub(r"\1\3", line).rstrip() for line in lines if line.strip() != "…"]
    return [re.sub(r"\s+", " ", r) for r in rows if r and not r.startswith("---")]


def test_the_planning_walkthrough_prints_what_the_readme_shows(demo: Run) -> None:
    mapping: dict[str, str] = {}
    tokens: dict[str, str] = {}  # the demo's token of each option number last listed
    walked = 0
    for command, printed in _walk():
        args = shlex.split(_mapped(command, mapping))[1:]
        if "--apply" in args:
            at = args.index("--apply") + 1
            n = args[at].split(":")[0]
            args[at] = f"{n}:{tokens[n]}"
        result = demo(*args)
        out = (result.stdout + result.stderr).splitlines()
        if args[:2] == ["activity", "list"]:
            _ids(demo, printed, mapping)
        shown = {r.split(" ")[0]: r for r in _rows(out)}
        if args[0] == "suggest" and "--apply" not in args:
            tokens = {m.group(1).strip(): m.group(2) for m in map(TOKEN.match, out) if m}
        for row in _rows([_mapped(line, mapping) for line in printed]):
            key = row.split(" ")[0]
            if key.isdigit():  # an option row: the row of that number, whatever is left out
                assert shown.get(key) == row, (command, row, out)
            elif not PREFIX.match(row):  # a sentence or a header, ids aside
                assert row in [_mapped(r, mapping) for r in _rows(out)], (command, row, out)
        walked += 1
    assert walked >= 8


def test_places_to_deploy_is_one_measure_for_every_option(demo: Run) -> None:
    """rev16u F5: CP-LIGHT (2 close protection, 1 driver) is a part of CP-HEAVY (2 close
    protection, 2 HRB, 1 driver); on KIEVIT's below-required activity both options say how
    many places are still to deploy and how many of them the unit can staff, and CP-LIGHT
    never has more to deploy than CP-HEAVY."""
    listed = demo("activity", "list", "--person", "KIEVIT", "--replan", "--date", "2026-12-01",
                  "-f", "json")  # fmt: skip
    (item,) = json.loads(listed.stdout)
    options = json.loads(demo("suggest", item["id"], "-f", "json").stdout)
    said = {o["concept"]: o["reason"] for o in options if o["action"] == "assign"}
    counts = {}
    for concept in ("CP-LIGHT", "CP-HEAVY"):
        match = re.match(r"(\d+) places? to deploy \(.*\); the unit can staff", said[concept])
        assert match, said[concept]
        counts[concept] = int(match.group(1))
    assert counts["CP-LIGHT"] <= counts["CP-HEAVY"]
