"""The console's concept picker judges the deployed group as assigning does (issue 16, plan21):
it offered ESCORT for a CP-LIGHT activity whose three officers ESCORT has no places for."""

from __future__ import annotations

from textual.widgets import OptionList

from console.app import SchildwachtApp
from console.screens.forms import ConceptPicker
from store import agenda
from store.db import Store
from tests.commands.test_misfit_options import RELEASE, _deescalated
from tests.console.conftest import settle


async def test_the_console_picker_shows_the_release(store: Store) -> None:
    item = _deescalated(store)
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ConceptPicker)
        options = picker.query_one("#concept-options", OptionList)
        escort = options.get_option("ESCORT")
        assert escort.disabled
        assert RELEASE in str(escort.prompt)
    assert agenda.get_activity(store, item).concept == "CP-LIGHT"
