"""The console's move question asks exactly what the store requires of the acting person
(``agenda.move_ways``, R5, fix16r item 3) and says at once, in the store's words, what is not
theirs: an operator is offered the correction and told a restriction is for a planner or shift
leader; a shift leader moving a cancelled activity is offered the correction and told it
takes no restriction."""

from __future__ import annotations

from textual.widgets import Select, Static

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
