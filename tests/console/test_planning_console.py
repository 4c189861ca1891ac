"""The console asks what the CLI asks: a moving edit is a correction or a restriction, a second
signature of a period supersedes with a reason, and a suggestion is applied by the store."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.console.conftest import settle


async def test_an_edit_that_moves_asks_correction_or_restriction(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        activity_id = table.cursor_key
        before = agenda.get_activity(demo_store, activity_id)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#location", Input).value = "Gerechtshof Havenstad"
        app.screen.query_one("#location", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoveForm)
        await pilot.press("enter")  # no reason given: refused inline, nothing written
        await settle(pilot)
        said = str(form.query_one(".error", Static).render())
        assert "reason of the correction may not be empty" in said  # a correction needs its why
        assert agenda.get_activity(demo_store, activity_id).location == before.location
        await pilot.press(*"adres verkeerd overgenomen")
        await pilot.press("enter")
        await settle(pilot)
    (fix,) = agenda.list_corrections(demo_store, activity_id)
    assert (fix.reason, fix.new_location) == ("adres verkeerd overgenomen", "Gerechtshof Havenstad")
    assert agenda.get_activity(demo_store, activity_id).location == "Gerechtshof Havenstad"


async def test_an_edit_that_moves_can_be_recorded_as_a_restriction(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        over = demo_store.clock.now()  # an activity that has ended is not restricted (R5)
        while agenda.get_activity(demo_store, str(table.cursor_key)).end_at <= over:
            await pilot.press("down")
        activity_id = table.cursor_key
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#location", Input).value = "Stadhuis"
        app.screen.query_one("#location", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoveForm)
        form.query_one("#how", Select).value = "restriction"
        form.query_one("#reason", Select).value = "threat"
        form.query_one("#authority", Input).value = "Burgemeester Havenstad"
        form.query_one("#authority", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
    (restriction,) = agenda.list_restrictions(demo_store, activity_id)
    assert (restriction.kind, restriction.reason, restriction.authority) == (
        "relocated",
        "threat",
        "Burgemeester Havenstad",
    )
    assert agenda.list_corrections(demo_store, activity_id) == []


async def test_signing_a_signed_period_again_asks_to_supersede(
    app: SchildwachtApp, demo_store: Store
) -> None:
    from console.screens.forms import StepForm
    from console.screens.handover import HandoverScreen
    from store.handover import list_handovers

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        screen.query_one("#open-items", RecordTable).focus()
        await pilot.press("x", "y")
        await settle(pilot)
        await pilot.press("x")  # signed by you already: straight to superseding, no question
        await settle(pilot)
        assert isinstance(app.screen, StepForm)
        await pilot.press("escape")  # not superseded: still one handover
        await settle(pilot)
        assert len(list_handovers(demo_store)) == 1
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"notitie vergeten")
        await pilot.press("enter")
        await settle(pilot)
    newest, first = list_handovers(demo_store)
    assert (newest.supersedes, newest.supersede_reason) == (first.id, "notitie vergeten")
