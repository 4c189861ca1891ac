"""The console's move question asks exactly what the store requires of the acting person
(``agenda.move_ways``, R5, fix16r item 3) and says at once, in the store's words, what is not
theirs: an operator is offered the correction and told a restriction is for a planner or shift
leader; a shift leader moving a cancelled activity is offered the correction and told it
takes no restriction."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm
from store import agenda
from store.db import Store
from store.staff import list_staff
from tests.conftest import as_user
from tests.console.conftest import error_of
from tests.console.test_bare_start import _night, _submit_start
from tests.console.test_overnight_end import _open


def _offered(form: MoveForm) -> tuple[list[str], str]:
    how = form.query_one("#how", Select)
    note = " ".join(str(n.render()) for n in form.query(".note").results(Static))
    return [value for _label, value in how._options if value != Select.BLANK], " ".join(
        note.split()
    )


async def test_an_operator_is_told_at_once_that_a_restriction_is_not_his(
    demo_store: Store,
) -> None:
    item, _start = _night(demo_store)
    operator = as_user(demo_store, list_staff(demo_store, role="operator")[0].callsign)
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot, item, "e")
        assert isinstance(app.screen, ActivityForm)
        await _submit_start(app, pilot, "23:30")
        form = app.screen
        assert isinstance(form, MoveForm), error_of(app)
        offered, note = _offered(form)
        assert offered == ["correction"]
        assert note == (
            "Changing the time or place of 'Nachtrit' is a restriction (rule R5), which your "
            "role may not record: ask a planner or shift leader to record it as a restriction, "
            "or, when the agenda was simply wrong, say why as a correction."
        )


async def test_a_cancelled_activity_is_said_to_take_no_restriction(demo_store: Store) -> None:
    item, _start = _night(demo_store)
    agenda.restrict_activity(
        demo_store, item.id, kind="cancelled", reason="capacity", authority="OvJ"
    )
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot, item, "e")
        assert isinstance(app.screen, ActivityForm)
        await _submit_start(app, pilot, "23:30")
        form = app.screen
        assert isinstance(form, MoveForm), error_of(app)
        offered, note = _offered(form)
        assert offered == ["correction"]
        assert note == (
            "'Nachtrit' is cancelled: it takes no restriction (rule R5); a change of its time "
            "or place is a correction: say why."
        )


async def test_time_and_place_at_once_is_asked_as_a_correction_naming_the_new_place(
    demo_store: Store,
) -> None:
    """rev17r: a new time and a new place at once were offered as a restriction the store
    then refused on saving; now the question says so before asking, and names the place."""
    item, _start = _night(demo_store)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open(app, pilot, item, "e")
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#location", Input).value = "Elders, zaal 2"
        await _submit_start(app, pilot, "23:30")
        form = app.screen
        assert isinstance(form, MoveForm), error_of(app)
        offered, note = _offered(form)
        assert offered == ["correction"]
        assert note == (
            "'Nachtrit' gets another time and another place at once, which is no one "
            "restriction (rule R5): change the time and the place one at a time, each its own "
            "restriction, or, when the agenda was simply wrong, say why as a correction."
        )
        assert "Elders, zaal 2" in form.heading and "a correction" in form.heading
