"""A concept the deployed group does not fit names the smallest release that makes it fit
(issue 16, plan21): not every officer the matching leaves idle ("RT-0001 fills no open slot …;
release them first" named three where releasing one was enough), the same in the refusal of
``assign`` and in ``suggest``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from store.suggest import suggest
from tests.conftest import at, snapshot
from words.deployments import misfit_words
from words.errors import sentence
from words.facts import reason


def _night(store: Store, subject: str, kind: str, level: int, concept: str, held: dict) -> str:
    subjects.add_subject(store, subject, kind=kind, domain="local", unit="RT")
    subjects.assess_threat(store, subject, level=level)
    for callsign, qualifications in held.items():
        staff.add_staff(
            store, callsign, unit="RT", qualifications=[(q, None) for q in qualifications]
        )
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 07:00")
        )
    item = agenda.add_activity(
        store,
        person=subject,
        title="Nachtpost",
        start=at(store, "2026-12-01 22:00"),
        end=at(store, "2026-12-02 04:00"),
        concept=concept,
    )
    staffing.deploy(store, item.id, list(held))
    return item.id


def _object(store: Store) -> str:
    held = {"O1": ["hrb", "object_guard"], "O2": ["hrb", "object_guard"], "O3": ["object_guard"]}
    item = _night(store, "HAVEN", "object", 4, "OBJ-HRB", held)
    subjects.assess_threat(store, "HAVEN", level=2)
    return item


def _heavy(store: Store) -> str:
    held = {
        "C1": ["close_protection"],
        "C2": ["close_protection"],
        "D1": ["protective_driving"],
        "H1": ["hrb"],
        "H2": ["hrb"],
    }
    item = _night(store, "BEVER", "person", 4, "CP-HEAVY", held)
    subjects.assess_threat(store, "BEVER", level=2)
    return item


@pytest.mark.parametrize(
    ("setup", "concept", "params", "words"),
    [
        (
            _object,
            "STATIC",
            {"deployed": 3, "surplus": 1, "sets": [["O1"], ["O2"], ["O3"]]},
            "STATIC has places for 2 of the 3 officers deployed on it: release one of O1, O2, "
            "O3 first, or choose a concept they fit.",
        ),
        (
            _heavy,
            "ESCORT",
            {"deployed": 5, "surplus": 3, "sets": [["C1", "H1", "H2"], ["C2", "H1", "H2"]]},
            "ESCORT has places for 2 of the 5 officers deployed on it: release H1, H2 and one "
            "of C1, C2 first, or choose a concept they fit.",
        ),
    ],
)
def test_the_smallest_release_is_named(
    store: Store, setup: Callable[[Store], str], concept: str, params: dict, words: str
) -> None:
    item = setup(store)
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        agenda.assign_concept(store, item, concept)
    assert sentence(refused.value) == words
    assert snapshot(store.path) == before
    options = [o for o in suggest(store, item) if o.concept == concept and o.action == "assign"]
    assert options and all(not o.feasible for o in options)
    why = options[0].fact
    assert why is not None and why["code"] == "concept_misfits_deployed"
    assert {k: why["params"][k] for k in params} == params
    assert "fills no open slot" not in reason("", why)
    assert reason("", why) == words.removesuffix(", or choose a concept they fit.")
    # releasing one smallest set is enough
    for callsign in params["sets"][0]:
        roster.release(store, item, callsign, "een te veel")
    agenda.assign_concept(store, item, concept)
    assert agenda.get_activity(store, item).concept == concept


def test_sets_that_are_not_every_combination_are_listed() -> None:
    p = {
        "concept": "ESCORT",
        "deployed": 4,
        "surplus": 2,
        "sets": [["C1", "D1"], ["C1", "D2"], ["C2", "D1"], ["C2", "D2"]],
        "candidates": ["C1", "C2", "D1", "D2"],
    }
    assert misfit_words(p) == (
        "ESCORT has places for 2 of the 4 officers deployed on it: release C1 and D1, or C1 "
        "and D2, or C2 and D1, or C2 and D2"
    )
    p = {**p, "deployed": 3, "surplus": 1, "sets": [["C1"]], "candidates": ["C1"]}
    assert misfit_words(p).endswith("release C1")


def test_one_officer_deployed_is_said_in_the_singular() -> None:
    """Issue 16 (plan22 item 5): "0 of the 1 officer", not "of the 1 officers"."""
    p = {
        "concept": "REMOTE-CP",
        "deployed": 1,
        "surplus": 1,
        "sets": [["C1"]],
        "candidates": ["C1"],
    }
    assert misfit_words(p) == (
        "REMOTE-CP has places for 0 of the 1 officer deployed on it: release C1"
    )
