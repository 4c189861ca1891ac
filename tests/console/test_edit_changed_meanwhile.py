"""The activity edit form writes only what the person changed, and refuses a changed field
that was also changed meanwhile (issue 17, rev17t lost_edit.sh: a form open while the CLI
changed the title and kind saved both back as they were when it opened, silently)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.conftest import snapshot
from tests.console.conftest import settle


async def _open_edit_form(pilot: Any, app: SchildwachtApp, demo_store: Store) -> agenda.Activity:
    await pilot.press("a")
    await settle(pilot)
    activity_id = app.screen.query_one("#day-activities", RecordTable).cursor_key
    assert activity_id is not None
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ActivityForm)
    return agenda.get_activity(demo_store, activity_id)


async def test_a_title_changed_meanwhile_is_refused_inline_and_nothing_written(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        item = await _open_edit_form(pilot, app, demo_store)
        kind = "private" if item.kind == "work" else "work"
        agenda.edit_activity(demo_store, item.id, title="Vertrek GEWIJZIGD", kind=kind)
        before = snapshot(demo_store.path)
        form = app.screen
        title = form.query_one("#title", Input)
        title.value = item.title + " (15 min)"
        title.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form  # still open, with what was typed
        assert title.value == item.title + " (15 min)"
        said = str(form.query_one(".error", Static).render())
        assert "The title was changed meanwhile (now 'Vertrek GEWIJZIGD')" in said
        assert "check and save again" in said
        assert snapshot(demo_store.path) == before
        now = agenda.get_activity(demo_store, item.id)
        assert (now.title, now.kind) == ("Vertrek GEWIJZIGD", kind)
        await pilot.press("enter")  # checked, and saved again: the typed title is meant
        await settle(pilot)
        assert not isinstance(app.screen, ActivityForm)
    now = agenda.get_activity(demo_store, item.id)
    assert (now.title, now.kind) == (item.title + " (15 min)", kind)  # kind left as changed


async def test_a_field_left_alone_keeps_the_change_made_meanwhile(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        item = await _open_edit_form(pilot, app, demo_store)
        kind = "private" if item.kind == "work" else "work"
        agenda.edit_activity(demo_store, item.id, kind=kind)  # the CLI, meanwhile
        title = app.screen.query_one("#title", Input)
        title.value = item.title + " (15 min)"
        title.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ActivityForm)
    now = agenda.get_activity(demo_store, item.id)
    assert now.title == item.title + " (15 min)"
    assert now.kind == kind  # not put back to what the form showed
