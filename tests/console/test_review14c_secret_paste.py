"""The third review of issue 14: a secret field kept only the first line of a paste, silently
(Textual's ``Input``; the dots hide the cut). ``SecretInput`` refuses a paste of more than one
line with a word and takes nothing; a copied line's final line break is dropped."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult

from console.widgets.inputs import SecretInput


class _Field(App[None]):
    def compose(self) -> ComposeResult:
        yield SecretInput(id="secret")


@pytest.mark.parametrize(
    ("pasted", "held", "warned"),
    [
        ("geheim\nrest", "", True),
        ("geheim\u2028rest", "", True),
        ("ge\theim\r\n", "ge\theim", False),
        ("geheim", "geheim", False),
    ],
)
async def test_a_multi_line_secret_is_refused_not_cut(pasted: str, held: str, warned: bool) -> None:
    app = _Field()
    async with app.run_test() as pilot:
        field = app.query_one("#secret", SecretInput)
        field.focus()
        field.post_message(events.Paste(pasted))
        await pilot.pause()
        assert field.value == held
        notes = [n.message for n in app._notifications]
        assert bool(notes) == warned
        if warned:
            assert notes == ["A secret is one line; the paste held 2 lines, so nothing was pasted."]
