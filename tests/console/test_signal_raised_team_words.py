"""A signal raised in the console on a laptop in a team says it reaches the information
organisation with the next sync export, not that it has it (issue 17, rev17t
signal_claim.sh: "the information organisation has it" before any export)."""

from __future__ import annotations

from console.app import SchildwachtApp
from store import signals
from store.db import Store
from store.sync import roster as rosters
from tests.console.conftest import settle, toasts, type_text


async def test_a_team_laptop_says_the_signal_waits_for_the_export(demo_store: Store) -> None:
    rosters.create_team(demo_store, "DKDB Rotterdam")
    assert signals.reaches_with_export(demo_store)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await type_text(pilot, "Auto met draaiende motor bij woning")
        await pilot.press("enter")
        await settle(pilot)
        said = [t for t in toasts(app) if t.startswith("Signal raised")]
        assert said, toasts(app)
        assert "the information organisation has it" not in said[0]
        assert (
            "it reaches the information organisation with the next sync export (y, e)." in said[0]
        )


async def test_outside_a_team_the_information_organisation_has_it(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await type_text(pilot, "Auto bij woning")
        await pilot.press("enter")
        await settle(pilot)
        assert "Signal raised; the information organisation has it." in toasts(app)
