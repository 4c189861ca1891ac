"""F10 quits on every screen, the modal ones too: help, the palette, a document, a yes/no
question (rev17h: there it did nothing, the app's binding hidden by the modal screen)."""

from __future__ import annotations

import pytest

from console.app import SchildwachtApp
from tests.console.conftest import settle


@pytest.mark.parametrize(
    "keys", [("question_mark",), ("ctrl+p",), ("h", "d"), ("h", "x"), ("a", "c")]
)
async def test_f10_quits_in_a_modal_screen(app: SchildwachtApp, keys: tuple[str, ...]) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert app.screen is not app.screen_stack[0]  # a modal screen is open
        await pilot.press("f10")
        await pilot.pause(0.3)
        assert not app.is_running
