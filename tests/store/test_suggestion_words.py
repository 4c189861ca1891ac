"""Suggestions are facts the faces word (issue 17/15, plan8): what an option does, what it
costs and why it would not work carry codes and parameters; the words name qualifications as
the catalogue does, never by their code, in the command line and the console alike."""

from __future__ import annotations

import re

from store.db import Store
from store.gaps import find_gaps
from store.suggest import suggest
from tests.conftest import at
from words.facts import reason
from words.suggestions import WHAT, WHY, cost, describe

CODES = re.compile(r"\b(close_protection|protective_driving|hrb|object_guard|camera_operator)\b")


def test_every_option_of_the_demo_is_worded_without_a_qualification_code(
    demo_store: Store,
) -> None:
    found = find_gaps(
        demo_store, at(demo_store, "2026-11-28 10:00"), at(demo_store, "2026-11-30 00:00")
    )
    activities = list(dict.fromkeys(a for g in found for a in g.activities))[:4]
    assert activities
    seen: set[str] = set()
    for activity in activities:
        for option in suggest(demo_store, activity):
            assert option.what["code"] in WHAT
            words = [describe(option.what), cost(option.price), reason("", option.fact)]
            assert not any(CODES.search(w) for w in words), words
            assert (option.fact is None) == option.feasible
            if option.fact is not None and option.fact["code"] in WHY:
                seen.add(str(option.fact["code"]))
            seen.add(str(option.what["code"]))
    assert {"lend", "use_concept"} <= seen


def test_a_shortfall_is_worded_with_the_catalogue_names() -> None:
    fact = {
        "code": "partly_covers",
        "params": {
            "missing": [["hrb", 1], ["protective_driving", 2]],
            "others": True,
            "names": {
                "hrb": "High-risk protection (HRB)",
                "protective_driving": "Protective driving",
            },
        },
    }
    assert reason("", fact) == (
        "3 places to deploy (1 × High-risk protection, 2 × Protective driving); the unit can "
        "staff them; it takes officers the unit's other activities need then"
    )
    assert cost({"code": "moved", "params": {"minutes": -90}}) == "moved -1:30"
    assert cost({"code": "travel", "params": {"minutes": 50}}) == "travel 50 min"
