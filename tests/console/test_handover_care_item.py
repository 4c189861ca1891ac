"""Issue 20: a care module a package change added for a member already in the household is an
open item on the Handover screen, counted, with its advice in the document's recommendation, and
gone once it is offered."""

from __future__ import annotations

from console.app import SchildwachtApp
from store import care, subjects
from store.clock import FixedClock
from store.db import Store
from tests.console.conftest import rows, settle, shown


def _console(store: Store) -> SchildwachtApp:
    return SchildwachtApp(store, remember=False, watch=None, ahead=False)


def _care_row(app: SchildwachtApp) -> list[str]:
    found = [r for r in rows(app, "#open-items") if "care modules" in r[-1]]
    assert len(found) == 1, rows(app, "#open-items")
    return found[0]


async def test_the_handover_shows_a_care_module_not_offered(
    demo_store: Store, clock: FixedClock
) -> None:
    care.add_member(demo_store, "MEREL", "partner")
    clock.advance(minutes=5)
    subjects.assess_threat(demo_store, "MEREL", level=2)  # PKG-W2 adds the partner's care
    app = _console(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert _care_row(app)[0] == "1"
        text = shown(app, "#handover-text")
        assert "MEREL-P1 of MEREL: Psychosocial care: partner" in text
        assert "Offer the care modules the package change added" in text
    care.record_care(demo_store, "MEREL", member="MEREL-P1", module="partner", status="offered")
    app = _console(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert _care_row(app)[0] == "0"
