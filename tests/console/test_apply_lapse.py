"""fix16r item 1: the Roster screen's ``p`` on a suggestion that deploys goes through the store's
one deploy function (``staffing.deploy_officers``), so an officer whose close protection lapses
at midnight is refused there as ``deploy`` refuses him (R8, the hour), nothing written."""

from __future__ import annotations

from datetime import date

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.roster import RosterScreen
from console.widgets.table import RecordTable
from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from tests.conftest import at
from tests.console.conftest import settle, toasts
from tests.console.test_shift import press, tab_to, until


async def test_p_on_a_deployment_that_leaves_a_lapse_open_is_refused(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    held = {
        "W1": [("close_protection", date(2026, 11, 28)), ("protective_driving", None)],
        "W3": [("protective_driving", None)],
    }
    for callsign, qualifications in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=qualifications)
        roster.add_shift(
            store, callsign, start=at(store, "2026-11-28 20:00"), end=at(store, "2026-11-29 04:00")
        )
    item = agenda.add_activity(
        store, person="BEVER", title="Nachtrit", concept="ESCORT",
        start=at(store, "2026-11-28 23:00"), end=at(store, "2026-11-29 01:00"),
    )  # fmt: skip
    staffing.deploy(store, item.id, ["W3"])
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "g")
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        for _down in range(10):
            if screen.selected_activity() == item.id:
                break
            await press(pilot, "down")
        assert screen.selected_activity() == item.id
        await until(pilot, lambda: bool(screen.options))
        n = next(i for i, o in enumerate(screen.options) if o.callsign == "W1")
        assert screen.options[n].action == "deploy" and screen.options[n].partial
        await tab_to(pilot, "suggestions")
        assert app.focused is screen.query_one("#suggestions", RecordTable)
        await press(pilot, "home", *(["down"] * n), "p")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "y")
        refusal = (
            "Not deployed: close_protection: 1 slot open 2026-11-29 00:00–01:00 (W1 lapsed; "
            "rule R8)."
        )
        await until(pilot, lambda: refusal in toasts(app))
        assert refusal in toasts(app), toasts(app)
        assert [d.callsign for d in roster.list_deployments(store, item.id)] == ["W3"]
        await settle(pilot)
