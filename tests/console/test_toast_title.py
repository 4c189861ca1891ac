"""Console edit form: a new title with a relocation, recorded as a correction or a restriction.
The toast names the activity as it now is (rev16k: the restriction's named the old title), and
no empty toast is posted when the correction-or-restriction question opens."""

from __future__ import annotations

from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.console.conftest import settle, toasts


async def _run(app: SchildwachtApp, demo_store: Store, how: str) -> tuple[list[str], str]:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        now = demo_store.clock.now()
        while agenda.get_activity(demo_store, str(table.cursor_key)).end_at <= now:
            await pilot.press("down")
        old = agenda.get_activity(demo_store, str(table.cursor_key)).title
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#title", Input).value = "Nieuwe titel"
        app.screen.query_one("#location", Input).value = "Stadhuis"
        app.screen.query_one("#location", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert toasts(app) == []  # the question opened: no toast yet, not an empty one
        form = app.screen
        form.query_one("#how", Select).value = how
        if how == "restriction":
            form.query_one("#reason", Select).value = "threat"
            form.query_one("#authority", Input).value = "Burgemeester"
            form.query_one("#authority", Input).focus()
        else:
            form.query_one("#why", Input).value = "adres fout"
            form.query_one("#why", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        return toasts(app), old


async def test_a_restriction_toast_names_the_new_title(
    app: SchildwachtApp, demo_store: Store
) -> None:
    said, old = await _run(app, demo_store, "restriction")
    assert len(said) == 1
    assert said[0].startswith("Restriction recorded: 'Nieuwe titel' ")
    assert old not in said[0]


async def test_a_correction_toast_names_the_new_title(
    app: SchildwachtApp, demo_store: Store
) -> None:
    said, _old = await _run(app, demo_store, "correction")
    assert len(said) == 1
    assert said[0].startswith("Corrected 'Nieuwe titel'.")
