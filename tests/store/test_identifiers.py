"""Identifiers with a control or bidi character are refused wherever they enter (issue 14, third
review): typed (a trailing line break or tab was stripped away unseen) and carried by a bundle
(a pattern ending in ``$`` takes a trailing line break)."""

from __future__ import annotations

import pytest

from store import rules, validate
from store.errors import BadInput


@pytest.mark.parametrize("value", ["RT-0412\n", "RT-0412\t", "\tRT-0412", "RT\u202e-0412"])
def test_a_typed_identifier_refuses_control_characters_even_around_it(value: str) -> None:
    with pytest.raises(BadInput) as refused:
        validate.identifier(value, "callsign")
    assert refused.value.code == "invisible_character"
    assert refused.value.params["field"] == "callsign"


def test_a_typed_identifier_is_read_without_spaces_in_upper_case() -> None:
    assert validate.identifier("  rt-0412 ", "callsign") == "RT-0412"


@pytest.mark.parametrize("value", ["Burgemeester\n", "\tBurgemeester"])
def test_a_line_refuses_a_control_character_around_it(value: str) -> None:
    with pytest.raises(BadInput) as refused:
        validate.line(value, "authority")
    assert refused.value.code == "invisible_character"


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (rules.CALLSIGN, "RT-0412\n"),
        (rules._pattern(rules.SUBJECT_CODE_PATTERN, "code"), "BEVER\n"),
        (rules.CALLSIGN, "rt-0412"),  # a bundle carries codes as a store writes them: upper case
    ],
)
def test_a_bundle_record_with_a_trailing_line_break_in_a_code_is_refused(
    check: rules.Check, value: str
) -> None:
    with pytest.raises(BadInput):
        check(value, "callsign")
