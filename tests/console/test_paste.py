"""A bracketed paste is the text pasted (issue 14, fresh review).

Pasting ``A␛[31mB`` into a console form stored ``^[31mBA``: Textual's terminal parser re-sent
the characters after an ESC inside a paste as key presses, ahead of the paste, and dropped BEL
and RLO. ``console.paste.ExactPasteParser`` reads the paste as text; the form then writes its
control and bidi characters as ``\\uXXXX``, as for typed text. The bytes a terminal sends are
fed to the parser (whole, split at every point, and one character at a time) and its events go
through the app's driver into the New activity form, which stores the title."""

from __future__ import annotations

import pytest
import textual._parser
from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input, Select

import console.paste
from console.app import SchildwachtApp
from console.paste import END, START, ExactPasteParser
from console.screens.forms import ActivityForm
from store.db import Store
from store.validate import visible
from tests.console.conftest import settle

PASTED = "A\x1b[31mB\x07\u202eC\x1b]52;c;aGk=\x07[/]\x00Z"
TYPED = "a" + START + PASTED + END + "b"


def parsed(*reads: str) -> list[tuple[str, str]]:
    parser = ExactPasteParser()
    found = [event for data in reads for event in parser.feed(data)]
    return [
        ("paste", event.text) if isinstance(event, events.Paste) else ("key", event.key)
        for event in found
        if isinstance(event, events.Paste | events.Key)
    ]


EXPECTED = [("key", "a"), ("paste", PASTED), ("key", "b")]


def test_a_paste_is_its_text_however_the_reads_split_it() -> None:
    assert parsed(TYPED) == EXPECTED
    for at in range(1, len(TYPED)):
        assert parsed(TYPED[:at], TYPED[at:]) == EXPECTED, at
    assert parsed(*TYPED) == EXPECTED  # one character a read


def test_textual_alone_scrambles_such_a_paste() -> None:
    """Why the parser exists: drop it when Textual reads this paste as its text."""
    parser = XTermParser()
    found = [event for event in parser.feed(TYPED) if isinstance(event, events.Paste)]
    assert [event.text for event in found] != [PASTED]


def test_a_part_of_a_start_marker_no_read_completes_is_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser = ExactPasteParser()
    keys = [event.key for event in parser.feed("ab\x1b[2") if isinstance(event, events.Key)]
    assert keys == ["a", "b"] and list(parser.tick()) == []  # held, briefly
    monkeypatch.setattr(console.paste, "monotonic", lambda: 10**9)
    assert list(parser.tick()) == []  # given to Textual's parser, which waits its own delay
    later = textual._parser.get_time() + 10
    monkeypatch.setattr(textual._parser, "get_time", lambda: later)
    rest = [event for event in parser.tick() if isinstance(event, events.Key | events.Paste)]
    assert rest and not any(isinstance(event, events.Paste) for event in rest)


def test_the_escape_key_is_still_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read of one ESC goes to Textual at once; its own delay makes it the Escape key."""
    parser = ExactPasteParser()
    assert list(parser.feed("\x1b")) == []
    later = textual._parser.get_time() + 10
    monkeypatch.setattr(textual._parser, "get_time", lambda: later)
    assert [event.key for event in parser.tick() if isinstance(event, events.Key)] == ["escape"]


async def test_a_pasted_title_is_stored_as_pasted(app: SchildwachtApp, demo_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm) and app.focused is form.query_one("#title")
        form.query_one("#person", Select).value = "OTTER"
        driver = app._driver
        assert driver is not None
        for event in ExactPasteParser().feed(START + PASTED + END):
            driver.process_message(event)
        await pilot.pause()
        assert form.query_one("#title", Input).value == visible(PASTED)
        await pilot.press("tab", *"2026-12-04 10:00", "tab", *"2026-12-04 11:00", "enter")
        await settle(pilot)
    [title] = demo_store.conn.execute(
        "SELECT title FROM activity WHERE start_at = '2026-12-04T09:00:00Z'"
    ).fetchone()
    assert title == visible(PASTED)


def test_the_console_reads_the_terminal_with_this_parser() -> None:
    from textual.drivers import linux_driver, linux_inline_driver

    console.paste.install()
    assert linux_driver.XTermParser is ExactPasteParser
    assert linux_inline_driver.XTermParser is ExactPasteParser
