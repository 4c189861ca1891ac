"""The threat assessment form previews a level as it is typed (issue 20): the activities it
would put below, the officer-hours and the units that would go short, from the same store
function as ``threat assess --preview``; nothing is written until the button."""

from __future__ import annotations

from textual.widgets import Input, Static

from console.app import SchildwachtApp
from console.screens.forms import AssessForm
from console.widgets.table import RecordTable
from store import subjects
from store.db import Store
from store.preview import preview_assessment
from tests.conftest import snapshot
from tests.console.conftest import settle
from words.person import preview_text


async def test_the_form_previews_the_level_typed_and_writes_only_on_save(
    demo_store: Store,
) -> None:
    expected = preview_text(preview_assessment(demo_store, "MEREL", level=3))
    before = snapshot(demo_store.path)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the subjects are loaded by a worker
        table = app.screen.query_one("#subjects", RecordTable)
        assert table.move_to("MEREL")
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AssessForm)
        note = form.query_one(".note", Static)
        assert "would need re-planning" not in str(note.render())  # the level as it is
        level = form.query_one("#level", Input)
        level.value = "3"
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        shown = " ".join(str(note.render()).split())
        assert " ".join(expected.split()) in shown
        assert "RT (" in shown and "would need re-planning" in shown
        assert snapshot(demo_store.path) == before  # a preview is not a record
        level.value = "x"  # not a level: the preview goes, nothing is said as if it were one
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        assert "would need re-planning" not in str(note.render())
        level.value = "3"
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AssessForm)
    assert subjects.get_subject(demo_store, "MEREL").threat_level == 3


async def test_only_the_preview_of_what_the_fields_hold_is_shown(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the subjects are loaded by a worker
        assert app.screen.query_one("#subjects", RecordTable).move_to("MEREL")
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AssessForm)
        note = form.query_one(".note", Static)
        level = form.query_one("#level", Input)
        level.value = "3"
        await pilot.pause(AssessForm.SETTLE + 0.2)  # its preview has started
        level.value = "1"  # back to the level MEREL has, while that preview may still run
        await settle(pilot)
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        assert "At level" not in str(note.render())
        level.value = "x"  # no level: said so, no preview
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        said = str(note.render())
        assert "At level" not in said and "threat level" in said.lower()
        level.value = "999"  # a level the catalogue lacks: the store's refusal
        await pilot.pause(AssessForm.SETTLE + 0.2)
        await settle(pilot)
        assert "999" in str(note.render()) and "At level" not in str(note.render())
        await pilot.press("escape")
        await settle(pilot)
