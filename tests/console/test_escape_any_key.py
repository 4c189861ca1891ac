"""Issue 17 (rev17p): Escape and a punctuation key or a digit in one terminal read (a fast
typist: Escape then "!", "?", "1") behave as Escape then that key, as Escape and a letter do.
Textual's parser read Escape and "!" as a bare "!" (the Escape lost) and Escape and "1" as
"¡", both typed into the open form; the palette stayed open. The bytes go through the
console's own parser (as the terminal driver's do), then to the app."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from console.app import SchildwachtApp
from console.paste import ExactPasteParser
from console.screens.base import FormScreen
from console.screens.forms import ActivityForm, SignalForm
from console.screens.help import HelpScreen
from tests.console.conftest import settle


def _read(app: SchildwachtApp, data: str) -> None:
    """One terminal read, parsed as the driver parses it, its events sent to the app."""
    parser = ExactPasteParser()
    driver = app._driver
    assert driver is not None
    for message in [*parser.feed(data), *parser.feed("")]:
        message.set_sender(app)
        driver.send_message(message)


@pytest.mark.parametrize(
    ("data", "key", "character"),
    [
        ("\x1ba", "alt+a", "a"),
        ("\x1b!", "alt+exclamation_mark", "!"),
        ("\x1b?", "alt+question_mark", "?"),
        ("\x1b]", "alt+right_square_bracket", "]"),
        ("\x1b1", "alt+1", "1"),
        ("\x1b0", "alt+0", "0"),
    ],
)
def test_the_parser_reads_escape_and_any_printable_key_as_alt(
    data: str, key: str, character: str
) -> None:
    parser = ExactPasteParser()
    events = [*parser.feed(data), *parser.feed("")]
    assert [(e.key, e.character) for e in events] == [(key, character)]  # type: ignore[attr-defined]


def test_sequences_stay_keys() -> None:
    parser = ExactPasteParser()
    events = [*parser.feed("\x1b[A\x1bOB!"), *parser.feed("")]
    assert [e.key for e in events] == ["up", "down", "exclamation_mark"]  # type: ignore[attr-defined]


async def test_escape_and_bang_close_the_form_and_raise_a_signal(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        _read(app, "\x1b!")
        await settle(pilot)
        assert isinstance(app.screen, SignalForm)
        assert not [s for s in app.screen_stack if isinstance(s, ActivityForm)]
        assert "!" not in app.screen.query_one(Input).value


@pytest.mark.parametrize("data", ["\x1b1", "\x1b0", "\x1b]"])
async def test_escape_and_a_digit_close_the_form(app: SchildwachtApp, data: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        _read(app, data)
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)


async def test_escape_and_question_mark_close_the_palette_and_open_help(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        _read(app, "\x1b?")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
