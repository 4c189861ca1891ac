"""A value an option carried and the store refused keeps the store's code and facts (issue 15:
the command line no longer re-raises the store's English without its code), and is said with
the option first."""

from __future__ import annotations

import click
import pytest

from commands.params import DATE, TIME
from store.errors import BadInput
from words.errors import sentence


@pytest.mark.parametrize(
    ("kind", "typed", "inner"),
    [
        (TIME, "2027-03-28 02:30", "skipped_local_time"),
        (DATE, "2100-01-02", None),
    ],
)
def test_an_options_refused_value_keeps_the_stores_code(
    kind: click.ParamType, typed: str, inner: str | None
) -> None:
    option = click.Option(["--from"])
    with pytest.raises(BadInput) as refused:
        kind.convert(typed, option, None)
    assert refused.value.code == "option_value"
    assert refused.value.params["option"] == "--from"
    assert refused.value.params["error"] and isinstance(refused.value.params["facts"], dict)
    if inner is not None:
        assert refused.value.params["error"] == inner
    said = sentence(refused.value)
    assert said.startswith("--from: ") and typed in said
