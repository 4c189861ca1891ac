"""Issue 15 point 6, the rest of it: the store gave English as a refusal's facts (a scenario
change's ``why``, a qualification day's ``reason``); now it gives codes and values, and the one
table in words/ says them, for the command line and the console alike."""

from __future__ import annotations

import pytest

from store import capacity
from store.errors import BadInput
from store.staff import parse_qualification
from tests.source import parse_file
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


def test_every_result_of_an_import_has_words_and_a_stable_value() -> None:
    import json

    from store.sync.receipt import Receipt, Result
    from words.receipts import RESULTS

    assert set(RESULTS) == set(Result)
    receipt = Receipt("b1", "laptop-b", Result.PARTLY_APPLIED, file="/share/x/y.swb")
    assert json.loads(json.dumps(receipt.as_dict()))["result"] == "partly applied"  # scripts


def test_both_faces_say_a_receipt_by_the_one_headline() -> None:
    """The command line and the console built a receipt's headline each their own way (and
    the console never said a file was only partly applied)."""
    from commands.sync_cmd import _receipt_sentence
    from console.screens.sync import _receipt_line
    from store.sync.receipt import Receipt, Result
    from words.receipts import headline

    for result, head in (
        (Result.PARTLY_APPLIED, "y.swb from laptop-b: partly applied"),
        (Result.ALREADY_APPLIED, "y.swb from laptop-b: already applied"),
        (Result.DAMAGED, "laptop-b/y.swb: damaged"),
        (Result.NOT_ADDRESSED, "laptop-b/y.swb: not addressed to this device"),
    ):
        receipt = Receipt("b1", "laptop-b", result, file="/share/x/y.swb")
        assert headline(receipt, "laptop-b") == head
        assert _receipt_sentence(receipt, {}).startswith(head)
        assert _receipt_line(receipt).lstrip("! ").startswith(head)


def _text(node: object) -> bool:
    """A text, or a tuple, list or set of texts, as written in the code."""
    import ast

    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_text(e) for e in node.elts)
    return False


def _compared_as_text() -> list[str]:
    """Code that compares a receipt's ``result`` with a text (``== "applied"``,
    ``.startswith("not addressed")``) instead of a ``Result``."""
    import ast
    from pathlib import Path

    root = Path(__file__).parents[2]
    found = []
    for package in ("store", "commands", "console", "words"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(parse_file(path)):
                if isinstance(node, ast.Compare):
                    sides = [node.left, *node.comparators]
                    by_result = any(
                        isinstance(s, ast.Attribute) and s.attr == "result" for s in sides
                    )
                    literal = [s for s in sides if _text(s)]
                    if by_result and literal:
                        found.append(f"{path.relative_to(root)}:{node.lineno}")
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "result"
                    and node.func.attr in ("startswith", "endswith")
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_face_compares_a_result_as_text() -> None:
    assert _compared_as_text() == []


def test_a_refusal_inside_a_bundles_refusal_is_carried_as_facts() -> None:
    """A bundle refused because of another refusal (a file that cannot be read, a roster that
    does not parse) carried that refusal's English as ``why``; now its code and params, the
    English only for an error with no code (another library's, all there is to say)."""
    from store.sync.bundle import Refused
    from store.sync.verify import inner_refusal

    inner = BadInput(code="bundle_unreadable", path="/share/x.swb", cause="EACCES")
    facts = inner_refusal(inner)
    assert facts == {"refusal": "bundle_unreadable", "path": "/share/x.swb", "cause": "EACCES"}
    outer = Refused("file", code="bundle_file", **facts)
    assert sentence(outer) == (
        "Bundle refused (file): Cannot read /share/x.swb: EACCES. Nothing was changed."
    )  # by the inner refusal's words, not the English it was raised with
    assert inner_refusal(ValueError("bad base64")) == {"refusal": None, "why": "bad base64"}
    foreign = Refused("roster signature", code="bundle_roster_refused",
                      **inner_refusal(ValueError("bad base64")))  # fmt: skip
    assert sentence(foreign) == "Bundle refused (roster signature): bad base64 Nothing was changed."
