"""The console's edit form moving an activity as a restriction writes the restriction and the
other fields (title, kind) as one store action: a title the form refuses leaves nothing written
(rev16j: the relocation was recorded first and the title refused afterwards)."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.conftest import snapshot
from tests.console.conftest import error_of, settle


async def _edit_and_move(
    app: SchildwachtApp, demo_store: Store, title: str, how: str
) -> tuple[str, str]:
    """Agenda ``e`` on an activity not yet over: a new title and a new place, then the move
    form answered with ``how``; returns the activity's id and the error the form shows."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        now = demo_store.clock.now()
        while agenda.get_activity(demo_store, str(table.cursor_key)).end_at <= now:
            await pilot.press("down")
        activity_id = str(table.cursor_key)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#title", Input).value = title
        app.screen.query_one("#location", Input).value = "Stadhuis"
        app.screen.query_one("#location", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoveForm)
        form.query_one("#how", Select).value = how
        if how == "restriction":
            form.query_one("#reason", Select).value = "threat"
            form.query_one("#authority", Input).value = "Burgemeester Havenstad"
            form.query_one("#authority", Input).focus()
        else:
            form.query_one("#why", Input).value = "adres fout"
            form.query_one("#why", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        error = error_of(app) if isinstance(app.screen, MoveForm) else ""
    return activity_id, error


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("   ", "The title may not be empty."),
        ("x" * 5000, "The title may hold at most 4000 characters; 5000 were given."),
    ],
    ids=["blank", "too-long"],
)
@pytest.mark.parametrize("how", ["restriction", "correction"])
async def test_a_refused_title_leaves_the_move_unwritten(
    app: SchildwachtApp, demo_store: Store, title: str, error: str, how: str
) -> None:
    before = snapshot(demo_store.path)
    activity_id, shown = await _edit_and_move(app, demo_store, title, how)
    assert shown == error  # the form stays open with the store's sentence
    assert snapshot(demo_store.path) == before  # no restriction, no correction, no new place
    assert agenda.list_restrictions(demo_store, activity_id) == []


async def test_a_restriction_with_a_new_title_is_one_action(
    app: SchildwachtApp, demo_store: Store
) -> None:
    activity_id, shown = await _edit_and_move(app, demo_store, "Etentje verplaatst", "restriction")
    assert shown == ""
    after = agenda.get_activity(demo_store, activity_id)
    assert (after.title, after.location) == ("Etentje verplaatst", "Stadhuis")
    assert [r.kind for r in agenda.list_restrictions(demo_store, activity_id)] == ["relocated"]
    events = demo_store.conn.execute(
        "SELECT action, detail FROM audit_event WHERE target = ? ORDER BY rowid", (activity_id,)
    ).fetchall()
    restricts = [json.loads(detail) for action, detail in events if action == "activity.restrict"]
    assert [e.get("edited") for e in restricts] == [["title"]]
    assert not [action for action, _detail in events if action == "activity.edit"]
