"""A console form prefilled from a record changes only what the person changed: a field left as
it was shown (control characters written out as ``\\uXXXX``) saves the record's own value, never
its on-screen form (issue 14, second review)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm
from store import agenda
from store.clock import day_bounds, today
from store.db import Store
from store.validate import visible
from tests.console.conftest import rows, settle

TITLE = "[/] \x1b]0;t\x07"
PLACE = "Hal \u202eB \x1b[2J"


async def test_editing_only_the_end_keeps_a_hostile_title_and_place(demo_store: Store) -> None:
    store = demo_store
    start = day_bounds(today(store.clock))[0] + timedelta(hours=14)
    item = agenda.add_activity(
        store,
        person=agenda.list_activities(store)[0].person,
        title=TITLE,
        location=PLACE,
        start=start,
        end=start + timedelta(hours=1),
    )
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        index = next(
            i for i, row in enumerate(rows(app, "#day-activities")) if row[2] == visible(TITLE)
        )
        app.screen.query_one("#day-activities").move_cursor(row=index)  # type: ignore[attr-defined]
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert form.query_one("#title", Input).value == visible(TITLE)
        form.query_one("#end", Input).value = "15:30"
        form.submit()
        await settle(pilot)
        move = app.screen
        assert isinstance(move, MoveForm)
        move.query_one("#why", Input).value = "Eind verkeerd genoteerd"
        move.submit()
        await settle(pilot)
    after = agenda.get_activity(store, item.id)
    assert (after.title, after.location) == (TITLE, PLACE)
    assert after.end_at == start + timedelta(hours=1, minutes=30)


async def test_a_number_in_a_form_is_written_in_digits_0_9(demo_store: Store) -> None:
    """The threat level typed as an Arabic-Indic ٣ is refused inline, as the command line
    refuses it (issue 17 review): nothing is written and the form stays open."""
    from console.screens.forms import Form
    from tests.conftest import snapshot

    before = snapshot(demo_store.path)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, Form)
        form.query_one("#level", Input).value = "\u0663"
        form.query_one("#summary", Input).value = "dreiging"
        form.submit()
        await settle(pilot)
        assert app.screen is form  # refused inline: still open
    assert snapshot(demo_store.path) == before
