"""fix16r item 1, fix16s: the Roster screen offers what the store's one deploy function
(``staffing.deploy_officers``) accepts: an officer whose close protection lapses at midnight is
never offered, as ``deploy`` refuses him (R8, the hour), nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from console.app import SchildwachtApp
from console.screens.roster import RosterScreen
from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import at
from tests.console.conftest import settle
from tests.console.test_shift import press, until
from words.errors import sentence


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
        # suggest tries each deploy through deploy's own rule (fix16s): W1 is never offered
        assert not [o for o in screen.options if o.callsign == "W1" and o.action == "deploy"]
        with pytest.raises(RuleViolation) as refused:
            staffing.deploy(store, item.id, ["W1"])
        assert sentence(refused.value) == (
            "Not deployed: close_protection: 1 slot open 2026-11-29 00:00–01:00 (W1 lapsed; "
            "rule R8)."
        )
        assert [d.callsign for d in roster.list_deployments(store, item.id)] == ["W3"]
        await settle(pilot)
