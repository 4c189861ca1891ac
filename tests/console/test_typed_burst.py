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
