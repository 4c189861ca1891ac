"""A paste into a one-line field keeps every line (issue 14, second fresh review): Textual's
``Input`` kept only the first line of a paste (``splitlines()[0]``, which also cuts at U+0085
and U+2028) without a word. ``TextInput`` makes line breaks and tabs spaces and writes other
control characters (NUL too) as ``\\uXXXX``, as typed text is. A bare app with the widget: the
form storing what the field holds is tests/console/test_paste.py."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult

from console.widgets.inputs import TextInput


class _Field(App[None]):
    def compose(self) -> ComposeResult:
        yield TextInput(id="field")


@pytest.mark.parametrize(
    ("pasted", "held"),
    [
        ("L1\nL2\r\nL3\rL4\tT", "xL1 L2 L3 L4 Ty"),
        ("C\x9b31mD\x85E\u2028F\u2029G\x0bH\x0cI", "xC\\u009b31mD E F G H Iy"),
        ("A\x00B\x1b[31m", "xA\\u0000B\\u001b[31my"),
        ("Straat 1\n1234 AB Plaats\n", "xStraat 1 1234 AB Plaats y"),
    ],
)
async def test_a_pasted_text_keeps_every_line(pasted: str, held: str) -> None:
    app = _Field()
    async with app.run_test() as pilot:
        field = app.query_one("#field", TextInput)
        field.focus()
        await pilot.press("x", "y", "left")
        field.post_message(events.Paste(pasted))
        await pilot.pause()
        assert field.value == held
        assert "\x00" not in field.value
