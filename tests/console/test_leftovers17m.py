"""Issue 17 leftovers (fix17m)."""

from __future__ import annotations

from textual.widgets import Input

from console.app import SchildwachtApp
from tests.console.conftest import settle, toasts, type_text


async def test_switch_user_then_q_in_one_burst(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "uq")
        await settle(pilot)
    assert app.return_code in (None, 0)


async def test_sync_team_name_typed_in_one_burst(app: SchildwachtApp) -> None:
    """Item 2: keys typed right after ``n`` on Sync (no team yet) go into the form, the ``e``
    and ``o`` of the name too; none is taken as a hidden key on its way through the screen."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        await type_text(pilot, "nTeam Oost en Zee")
        await settle(pilot)
        field = app.screen.focused
        assert isinstance(field, Input)
        assert field.value == "Team Oost en Zee"
        assert not [t for t in toasts(app) if "No team yet" in t]


async def test_quit_while_the_switch_user_form_opens(app: SchildwachtApp) -> None:
    """Item 1: a quit that comes while a form is still opening (``u`` then ``q`` at once: the
    form's mount, and a screen's load answer, were handled after its widgets were taken down)
    ends the console cleanly, never with a NoMatches traceback."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_switch_user()  # the u key's action ran: the form is being mounted
        await app.action_quit()  # a q handled before that mount
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_while_a_screen_loads(app: SchildwachtApp) -> None:
    """Item 1: a quit right after a screen was opened (its load still on its way) ends the
    console cleanly: the load's answer is not put on a screen being taken down."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "k")
        await app.action_quit()
        await pilot.pause()
    assert app.return_code == 0
