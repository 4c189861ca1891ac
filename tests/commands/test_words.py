"""Words for the store's facts: every face words a refusal from its code and parameters, and
the words say what the store's own sentence says."""

from __future__ import annotations

import pytest

from commands.refusals import refusal
from store import agenda, subjects
from store.db import Store
from store.errors import RuleViolation
from words.errors import sentence


@pytest.mark.parametrize(
    ("level", "concept", "code"),
    [
        (3, "STATIC", "concept_below_required"),
        (2, "CP-HEAVY", "concept_not_in_package"),
        (3, "REMOTE-CP", "concept_outside_pilot"),
    ],
)
def test_a_concept_refusal_is_facts_that_every_face_words_alike(
    store: Store, level: int, concept: str, code: str
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=level)
    with pytest.raises(RuleViolation) as refused:
        agenda.check_concept(store, subjects.get_subject(store, "BEVER"), concept)
    error = refused.value
    assert error.code == code and error.params["concept"] == concept
    assert error.params["valid"] and concept not in error.params["valid"]
    assert sentence(error) == str(error) == refusal(error)
