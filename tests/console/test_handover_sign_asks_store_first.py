"""rev17g: Handover ``x`` asked "Sign the handover of …? A signed handover cannot be changed"
and only after ``y`` refused, as another shift leader had signed this shift. The store is
asked first now (``handover.signing_refusal``, as ``c``, accept, asks ``acceptance_refusal``):
refused at once, nothing asked; one's own signature goes straight to superseding it."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.forms import StepForm
from console.screens.handover import HandoverScreen
from store import handover
from store.db import Store
from store.staff import list_staff
from tests.conftest import as_user
from tests.console.conftest import settle, toasts


async def test_x_is_refused_at_once_when_another_leader_signed_the_shift(
    demo_store: Store,
) -> None:
    me = demo_store.actor.callsign
    other = next(
        s.callsign for s in list_staff(demo_store, role="shift_leader") if s.callsign != me
    )
    handover.sign_handover(as_user(demo_store, other), notes="Overdracht")
    assert handover.signing_refusal(demo_store) is not None
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen), app.screen  # no question
        (said,) = toasts(app)
        assert f"was already signed by {other}" in said and f"only {other}" in said


async def test_x_on_ones_own_signed_shift_goes_to_superseding_it(demo_store: Store) -> None:
    assert handover.signing_refusal(demo_store) is None
    handover.sign_handover(demo_store, notes="Eerste")
    refusal = handover.signing_refusal(demo_store)
    assert refusal is not None and refusal.may_supersede
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert isinstance(app.screen, StepForm) and "Supersede it?" in app.screen.heading
