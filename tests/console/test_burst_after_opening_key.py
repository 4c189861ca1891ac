"""Issue 17 (rev17h): keys typed in one burst right after the key that opens a form (or the
handover's notes box) go into its field, in order; none is taken by the screen underneath (run
as its key, or refused there with a role toast)."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from console.app import SchildwachtApp
from console.screens.handover import HandoverScreen
from store.db import Store
from store.staff import list_staff
from tests.conftest import as_user
from tests.console.conftest import settle, toasts, type_text


def _refusals(app: SchildwachtApp) -> list[str]:
    return [t for t in toasts(app) if "may not do this" in t]


async def test_a_signal_typed_in_one_burst_as_shift_leader(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await type_text(pilot, "!Man met camera bij ingang")  # no settling after the "!"
        await settle(pilot)
        field = app.screen.focused
        assert isinstance(field, Input)
        assert field.value == "Man met camera bij ingang"
        assert not _refusals(app)


async def test_an_activity_typed_in_one_burst_as_operator(demo_store: Store) -> None:
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "nOverleg over rooster")
        await settle(pilot)
        field = app.screen.focused
        assert isinstance(field, Input)
        assert field.value == "Overleg over rooster"
        assert not _refusals(app)


async def test_handover_notes_typed_in_one_burst(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await type_text(pilot, "nDienst rustig verlopen")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)  # "t" did not go to Today
        notes = app.screen.query_one("#handover-notes", TextArea)
        assert notes.text == "Dienst rustig verlopen"
        assert not _refusals(app)


async def test_a_refused_key_still_says_so(app: SchildwachtApp, demo_store: Store) -> None:
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert _refusals(app)
