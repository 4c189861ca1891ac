"""rev17m f5: Handover notes typed and not yet signed lived only in the notes box; leaving the
console (F10, ``q``, a dropped SSH session) lost them without a word. They are kept in the
store now (``handover.save_draft_notes``) once typing pauses and when the console is left,
shown again when the Handover opens, and signing takes them and removes them."""

from __future__ import annotations

from textual.widgets import TextArea

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.handover import HandoverScreen
from store import handover
from store.db import Store
from tests.console.conftest import settle, type_text


def _console(store: Store) -> SchildwachtApp:
    return SchildwachtApp(store, remember=False, watch=None, ahead=False)


async def test_notes_typed_survive_leaving_the_console_and_signing_takes_them(
    demo_store: Store,
) -> None:
    app = _console(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "KIEVIT: bezoek morgen verplaatst")
        await pilot.press("f10")  # at once: no pause in typing let the timer keep them
        await pilot.pause()
    assert handover.draft_notes(demo_store) == "KIEVIT: bezoek morgen verplaatst"
    app = _console(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        area = app.screen.query_one("#handover-notes", TextArea)
        assert area.text == "KIEVIT: bezoek morgen verplaatst"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Confirm) and "with your notes" in str(app.screen.question)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert area.text == ""
    assert handover.draft_notes(demo_store) == ""
    assert handover.list_handovers(demo_store)[0].notes == "KIEVIT: bezoek morgen verplaatst"


async def test_notes_are_kept_once_typing_pauses(demo_store: Store) -> None:
    """What a session dropped without a hang-up (a killed process) loses: at most the typing
    of the last pause's length."""
    app = _console(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        await pilot.press("n")
        await type_text(pilot, "Let op")
        await pilot.pause(screen.NOTES_KEPT_AFTER + 0.5)
        await settle(pilot)
        assert handover.draft_notes(demo_store) == "Let op"


async def test_after_switch_user_the_box_holds_the_next_leaders_own_notes(
    demo_store: Store,
) -> None:
    """The notes typed are the typist's: switching to another leader keeps them under the
    first one and shows the next one's own (none here), never saves them as the next one's."""
    from store import proof, staff
    from store.staff import list_staff
    from tests.conftest import TEST_SECRET

    me = demo_store.actor.callsign
    other = next(
        s.callsign for s in list_staff(demo_store, role="shift_leader") if s.callsign != me
    )
    if not proof.has_secret(demo_store.conn, other):
        staff.set_secret(demo_store, other, TEST_SECRET)
    app = _console(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Van de eerste")
        await pilot.press("escape", "u")
        await settle(pilot)
        await type_text(pilot, other)
        await pilot.press("tab")
        await type_text(pilot, TEST_SECRET)
        await pilot.press("enter")
        await settle(pilot)
        assert app.actor.callsign == other
        assert app.screen.query_one("#handover-notes", TextArea).text == ""
        await pilot.press("n")
        await type_text(pilot, "Van de tweede")
        await pilot.press("escape")
        await settle(pilot)
    first = Store(demo_store.path, clock=demo_store.clock)  # the laptop's own, as opened
    assert first.actor.callsign == me
    assert handover.draft_notes(first) == "Van de eerste"
    second = Store(demo_store.path, clock=demo_store.clock, user=other, secret=TEST_SECRET)
    assert handover.draft_notes(second) == "Van de tweede"


async def test_the_notes_keep_the_focus_when_typing_pauses_and_the_screen_refreshes(
    demo_store: Store,
) -> None:
    """rev17n HIGH 1: 1.5 s after typing paused the notes were kept in the store, the screen
    refreshed from the change, and a Hide Textual delivered to the box while in sight took its
    focus: the next letters typed for the notes ran as screen keys (an x signs, a q quits)."""
    app = SchildwachtApp(demo_store, remember=False, ahead=False)  # watching the database
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Poort 3 kapot")
        await pilot.pause(4.5)  # kept after 1.5 s; the refresh that follows
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.focused is app.screen.query_one("#handover-notes", TextArea)
        await type_text(pilot, " tot morgen")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
    assert handover.draft_notes(demo_store) == "Poort 3 kapot tot morgen"
