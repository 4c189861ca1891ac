"""Issue 17, found in the real terminal: keys that arrive in one read (typed fast, or batched
by an SSH link) went to the field focused when they arrived, so "16:00<Tab>17:00" filled one
field with "16:0017:00". In a form Tab now moves on before the next key is handed on."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from store import agenda
from store.clock import local_iso
from store.db import Store
from tests.console.conftest import settle, type_text


async def test_a_form_typed_in_one_burst_fills_each_field(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "n")
        await settle(pilot)
        await type_text(pilot, "Persmoment\t16:00\t17:00\tPerscentrum")  # one read, no waits
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    (added,) = [a for a in agenda.list_activities(demo_store) if a.title == "Persmoment"]
    assert (local_iso(added.start_at), local_iso(added.end_at), added.location) == (
        "2026-11-28T16:00:00+01:00",
        "2026-11-28T17:00:00+01:00",
        "Perscentrum",
    )


def _burst(app: SchildwachtApp, *keys: str) -> None:
    """Keys as a terminal delivers one read: each through the driver, none waited for. A
    word of more than one character that is no key name is typed character by character."""
    from textual import events
    from textual.app import _character_to_key

    driver = app._driver
    assert driver is not None
    for item in keys:
        typed = [item] if item in ("backspace", "left", "ctrl+u", "home", "end") else item
        for key in typed:
            char = None if len(key) > 1 else key
            event = events.Key(
                key if len(key) > 1 or key.isalnum() else _character_to_key(key), char
            )
            event.set_sender(app)
            driver.send_message(event)


async def test_a_fields_own_keys_in_a_burst_act_in_the_order_typed(app: SchildwachtApp) -> None:
    """rev17g (Textual #6605): Backspace, the arrows and ctrl+u bubbled up to the app before
    they ran, so in one burst the characters after them went in first: "RT-0080" Backspace "1"
    gave "RT-0080", "RT" Left "X" gave "RTX", "RT-008" ctrl+u "NN-0000" an empty field."""
    from textual.widgets import Input

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        for keys, expected in (
            (("RT-0080", "backspace", "1"), "RT-0081"),
            (("RT", "left", "X"), "RXT"),
            (("RT-008", "ctrl+u", "NN-0000"), "NN-0000"),
        ):
            await pilot.press("n")
            await settle(pilot)
            field = app.screen.focused
            assert isinstance(field, Input) and field.id == "callsign"
            _burst(app, *keys)
            await settle(pilot)
            assert field.value == expected, keys
            await pilot.press("escape")
            await settle(pilot)


async def test_the_notes_keys_in_a_burst_act_in_the_order_typed(app: SchildwachtApp) -> None:
    """The same in a notes box (the handover's): "abc" Backspace "d" is "abd"."""
    from console.widgets.inputs import NotesArea

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        notes = app.screen.query_one(NotesArea)
        notes.focus()
        await settle(pilot)
        _burst(app, "abc", "backspace", "d", "left", "left", "X")
        await settle(pilot)
        assert notes.text == "aXbd"
