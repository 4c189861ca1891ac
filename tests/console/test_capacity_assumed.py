"""rev16r: the Capacity screen said "demand … · short …" and never how much of it is assumed
(activities without a valid concept, counted at the lightest valid concept), as `capacity`'s
rows do (``demand_assumed_hours``, ``shortfall_assumed_hours``): the summary and each unit's
row say it (the summary stays one line at 80 columns; the bars' legend says what it means)."""

from __future__ import annotations

from textual.widgets import Static

from console.app import SchildwachtApp
from store import agenda, capacity, subjects
from store.clock import day_bounds, today
from store.db import Store
from tests.conftest import at
from tests.console.conftest import settle


def _said(app: SchildwachtApp, selector: str) -> str:
    return " ".join(str(app.screen.query_one(selector, Static).render()).split())


async def test_the_capacity_screen_says_how_much_is_assumed(store: Store) -> None:
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "REIGER", level=2)
    agenda.add_activity(
        store,
        person="REIGER",
        title="Afspraak",
        start=at(store, "2026-11-29 10:00"),
        end=at(store, "2026-11-29 12:00"),
    )  # no concept: ESCORT assumed, 2 officers for 2 hours, nobody on duty
    start = day_bounds(today(store.clock))[0]
    (row,) = capacity.capacity_report(store, start, start + (at(store, "2026-12-05 00:00") - start))
    assert (row.demand_assumed_hours, row.shortfall_assumed_hours) == (4.0, 4.0)
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        summary = _said(app, "#capacity-summary")
        assert summary.startswith("From 2026-11-28 · supply 0 h · demand 4 h (4 assumed) ·")
        bars = str(app.screen.query_one("#capacity-units", Static).render())
        assert " ".join(bars.split()).endswith(
            "h assumed per unit: RT 4 assumed = demand of activities without a valid concept, "
            "counted at the lightest valid concept; of the shortfall 4 h is assumed"
        ), bars
