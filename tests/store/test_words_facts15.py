"""Issue 15 point 6, the rest of it: the store gave English as a refusal's facts (a scenario
change's ``why``, a qualification day's ``reason``); now it gives codes and values, and the one
table in words/ says them, for the command line and the console alike."""

from __future__ import annotations

import pytest

from store import capacity
from store.errors import BadInput
from store.staff import parse_qualification
from words.errors import sentence


def _english(value: object) -> bool:
    """A value that reads as a phrase (two words or more, not a value the person typed)."""
    return isinstance(value, str) and len(value.split()) > 1 and not value.startswith("'")


@pytest.mark.parametrize(
    "typed",
    ["lend:2", "lend:2:AM", "add-persons:2", "add-persons:x:4", "add-fte:1e999:RT",
     "add-officers:1:RT:hrb:extra", "remove-officers::RT", "add-persons:2:\u0664"],
)  # fmt: skip
def test_a_malformed_scenario_change_gives_a_fault_code_not_a_phrase(typed: str) -> None:
    with pytest.raises(BadInput) as refused:
        capacity.Change.parse(typed)
    facts = refused.value.params
    assert refused.value.code == "scenario_change_malformed"
    assert facts["fault"] in {"more_parts", "no_count", "no_lender", "no_receiver", "no_level",
                              "not_number", "not_number_digits", "not_whole",
                              "not_whole_digits"}  # fmt: skip
    assert not [k for k, v in facts.items() if k != "form" and _english(v)], facts
    assert sentence(refused.value) == str(refused.value)  # the words say what the store says


@pytest.mark.parametrize(
    ("typed", "inner"),
    [
        ("close_protection:2027-13-01", "not_a_real_date_field"),
        ("close_protection:2100-01-01", "out_of_years"),
        ("close_protection:31-03-2027", "stored_date_malformed"),
    ],
)
def test_a_qualification_day_refusal_carries_its_inner_refusal_as_facts(
    typed: str, inner: str
) -> None:
    with pytest.raises(BadInput) as refused:
        parse_qualification(typed)
    facts = refused.value.params
    assert (refused.value.code, facts["refusal"], facts["field"]) == (
        "qualification_day_malformed",
        inner,
        "valid_until",
    )
    assert "reason" not in facts and not [v for v in facts.values() if _english(v)], facts
    said = sentence(refused.value)
    assert said.startswith(f"'{typed}': a qualification's last valid day must be a date")
    assert "(the last valid day " in said  # the field by its words, not ``valid_until``
