"""Issue 17: on the Gaps screen ``p`` on "keep the team on" did nothing, without a word. By keys
it now asks first, keeps the adjacent activity's team on with a toast, and the gap is gone."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.roster import RosterScreen
from console.widgets.table import RecordTable
from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from tests.conftest import at
from tests.console.conftest import settle, toasts

TEAM = ("RT-0020", "RT-0021", "RT-0022")


async def test_p_keeps_the_team_on_by_keys(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    for n, callsign in enumerate(TEAM):
        quals = ("close_protection", "protective_driving") if n == 0 else ("close_protection",)
        staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in quals])
        roster.add_shift(
            store, callsign, start=at(store, "2026-11-28 08:00"), end=at(store, "2026-11-28 18:00")
        )
    first = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        concept="CP-LIGHT",
        start=at(store, "2026-11-28 13:00"),
        end=at(store, "2026-11-28 14:00"),
    )
    later = agenda.add_activity(
        store,
        person="BEVER",
        title="Uitspraak",
        concept="CP-HEAVY",
        start=at(store, "2026-11-28 14:00"),
        end=at(store, "2026-11-28 15:00"),
    )
    staffing.deploy(store, first.id, list(TEAM))
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        for _down in range(10):  # the gap of the later activity
            if screen.selected_activity() == later.id:
                break
            await pilot.press("down")
            await settle(pilot)
        assert screen.selected_activity() == later.id
        combine = next(i for i, o in enumerate(screen.options) if o.action == "combine")
        assert screen.options[combine].feasible
        table = screen.query_one("#suggestions", RecordTable)
        await pilot.press("tab", "tab")
        await settle(pilot)
        assert app.focused is table
        await pilot.press("home", *(["down"] * combine), "p")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # asked first
        assert roster.list_deployments(store, later.id) == []
        await pilot.press("y")
        await settle(pilot)
        assert {d.callsign for d in roster.list_deployments(store, later.id)} == set(TEAM)
        assert any(
            t.startswith("Done: Keep the CP-LIGHT team of 'Zitting' on") for t in toasts(app)
        )
        assert agenda.get_activity(store, later.id).concept == "CP-LIGHT"  # still W3 (R1)
        assert screen.data is not None
        assert all(later.id not in g.activities for g in screen.data.gaps)  # the gap is gone
