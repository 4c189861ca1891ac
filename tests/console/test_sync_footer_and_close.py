"""Issue 17, rev17d: the Sync footer of a laptop not in a team offers creating and joining a
team, not the ways to resolve conflicts it does not have; the close form of a signal says which
signal it closes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from console.app import SchildwachtApp
from console.screens.forms import StepForm
from console.screens.signals import SignalsScreen
from console.screens.sync import SyncScreen
from console.widgets.footer import shown_keys
from store.db import Store
from store.setup import init_database
from store.staff import add_staff
from tests.conftest import as_user
from tests.console.conftest import settle, toasts


async def test_a_laptop_not_in_a_team_is_offered_create_and_join(
    tmp_path: Path, clock: object
) -> None:
    store = init_database(tmp_path / "solo.db", callsign="OPS-01", role="shift_leader",
                          unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        keys = [key for key, *_rest in shown_keys(app.screen)]
        assert "n" in keys and "j" in keys
        assert not {"1", "2", "v"} & set(keys)
        await pilot.press("1")  # said, not nothing
        await settle(pilot)
        assert toasts(app)[-1] == "No sync conflicts to resolve."


async def test_the_close_form_names_the_signal(demo_store: Store) -> None:
    add_staff(demo_store, "IO-77", unit="DKDB", role="info_analyst")
    app = SchildwachtApp(as_user(demo_store, "IO-77"), remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignalsScreen)
        item = screen.selected()
        assert item is not None
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, StepForm)
        heading = str(app.screen.query(Label).first().render())
        assert heading.startswith("Close the signal (")
        assert item.text.split()[0] in heading
