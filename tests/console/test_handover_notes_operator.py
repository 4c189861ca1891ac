"""An operator cannot type handover notes that are never stored (issue 17, rev17t
operator_notes.sh): notes are kept only for a role that may sign, so for any other the box
takes no typing, one line under it says why, and ``n`` says the same in a toast."""

from __future__ import annotations

from textual.widgets import Static, TextArea

from console.app import SchildwachtApp
from console.screens.handover import HandoverScreen
from store import handover
from store.db import Store
from store.staff import list_staff
from tests.conftest import as_user
from tests.console.conftest import settle, toasts, type_text

WHY = "Notes are written by the shift leader who signs the handover"


async def test_an_operator_is_told_the_notes_are_not_theirs(demo_store: Store) -> None:
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        area = screen.query_one("#handover-notes", TextArea)
        why = screen.query_one("#notes-why", Static)
        assert why.display and why.region.height > 0
        assert WHY in str(why.render())
        assert area.read_only and not area.can_focus
        await pilot.press("n")
        await settle(pilot)
        assert any(WHY in text and "log entries (l)" in text for text in toasts(app))
        assert app.focused is not area
        await type_text(pilot, "BEVER kenteken")
        await settle(pilot)
        assert "BEVER" not in area.text
    assert handover.draft_notes(demo_store) == ""


async def test_a_shift_leader_still_writes_them(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert not app.screen.query_one("#notes-why", Static).display
        await pilot.press("n")
        area = app.screen.query_one("#handover-notes", TextArea)
        assert app.focused is area and not area.read_only
