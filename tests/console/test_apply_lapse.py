"""Issue 16 (rev16r): an officer whose close protection lapses at midnight, within the
activity, is judged by the one per-officer rule (``roster.deployment_problem``): the Roster
screen's suggestions never offer him, and the deploy form neither, saying why (R8, the hour)."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from console.app import SchildwachtApp
from console.screens.deploying import deploy_on
from console.screens.forms import Form
from console.screens.roster import RosterScreen
from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from tests.conftest import at
from tests.console.conftest import settle
from tests.console.test_shift import press, until
from tests.lapses import deploy_before_the_lapse


async def test_an_officer_lapsing_within_is_never_offered_and_the_form_says_why(
    store: Store,
) -> None:
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
        await until(pilot, lambda: screen.options is not None)
        await settle(pilot)
        assert not [o for o in screen.options if o.callsign == "W1"], screen.options
        # the deploy form offers W1 neither, and says why (R8, the qualification, the hour)
        deploy_on(screen, item.id)
        await until(pilot, lambda: isinstance(app.screen, Form))
        assert isinstance(app.screen, Form)
        note = " ".join(str(app.screen.query_one(".note", Static).render()).split())
        assert (
            "Not offered: W1: close_protection lapses 2026-11-29 00:00, within the activity "
            "2026-11-28 23:00–2026-11-29 01:00 (rule R8)."
        ) in note, note
        assert "Free and qualified" not in note
        await press(pilot, "escape")
        assert [d.callsign for d in roster.list_deployments(store, item.id)] == ["W3"]
        await settle(pilot)


async def test_the_roster_names_deployments_that_break_a_rule(store: Store) -> None:
    """rev16r: a lapse recorded after the deployment was invisible on Roster & gaps ("0 gaps");
    its summary names the count and where to see them."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    staff.add_staff(
        store,
        "W1",
        unit="RT",
        qualifications=[("close_protection", date(2026, 11, 28)), ("protective_driving", None)],
    )
    staff.add_staff(store, "W6", unit="RT", qualifications=[("close_protection", None)])
    staff.add_staff(store, "W3", unit="RT", qualifications=[("protective_driving", None)])
    for callsign in ("W1", "W6", "W3"):
        roster.add_shift(
            store, callsign, start=at(store, "2026-11-28 20:00"), end=at(store, "2026-11-29 04:00")
        )
    item = agenda.add_activity(
        store, person="BEVER", title="Nachtrit", concept="ESCORT",
        start=at(store, "2026-11-28 23:00"), end=at(store, "2026-11-29 01:00"),
    )  # fmt: skip
    # W3 drives, W1 protects: from midnight the place W1 holds by close protection opens
    deploy_before_the_lapse(store, item.id, ["W1", "W3"])
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await press(pilot, "g")
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        summary = " ".join(str(screen.query_one("#roster-summary", Static).render()).split())
        assert summary.endswith("· 1 deployment breaks a rule now (gaps --violations)"), summary
