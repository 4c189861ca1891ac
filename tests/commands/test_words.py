"""Words for the store's facts: every face words a refusal from its code and parameters, and
the words say what the store's own sentence says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import words.errors
from commands.refusals import refusal
from store import agenda, staff, subjects
from store.db import Store
from store.errors import NotFound, RuleViolation
from store.sync import roster
from words.errors import SENTENCES, sentence


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
    assert sentence(error) == refusal(error)  # every face words it alike
    assert f"rule={error.rule!r}" in str(error)  # the text, for a log, is its code and facts


def test_a_missing_name_is_worded_by_every_face_and_named_by_the_command_line(
    store: Store,
) -> None:
    """Every face says what is missing; only the command line names the command that lists
    what there is."""
    with pytest.raises(NotFound) as subject:
        subjects.get_subject(store, "niemand")
    with pytest.raises(NotFound) as person:
        staff.get_staff(store, "niemand")
    with pytest.raises(NotFound) as device:
        roster.find_device(roster.Roster(b"", b"", {"devices": []}), "laptop-x")
    for refused, code, command in (
        (subject, "unknown_subject", "`schildwacht person list`"),
        (person, "unknown_staff", "`schildwacht staff list`"),
        (device, "no_single_device", "`team show`"),
    ):
        error = refused.value
        assert error.code == code
        assert error.code in SENTENCES and "`" not in sentence(error)
        assert refusal(error).startswith(sentence(error)[:-1]) and command in refusal(error)


def test_the_words_for_every_face_name_no_option_and_no_command() -> None:
    """``words.errors`` serves the console too, which has neither."""
    source = Path(words.errors.__file__).read_text(encoding="utf-8")
    texts = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert len(texts) > 30  # the walk found the sentences
    named = re.compile(r"(?<![\w-])--[a-z]|`(?:schildwacht [a-z]|[a-z]+ [a-z])")
    assert [t for t in texts if named.search(t)] == []
