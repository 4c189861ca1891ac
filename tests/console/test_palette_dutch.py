"""Issue 17 (rev17p): the palette finds screens and actions by their Dutch words (one table,
``console.dutch``, from DESIGN.md's glossary), and the entry a word names comes first, so
Enter runs it: "rooster" put Add a shift first (Enter added a shift, not Go to Gaps),
"signalen" Read the selected signal report, "capaciteit" a Capacity tab."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from console import dutch
from console.app import MAIN_SCREENS, SchildwachtApp
from console.widgets.navbar import SCREENS
from store.db import Store
from tests.console.conftest import settle, type_text
from tests.console.test_palette import acting

#: What a word typed alone puts first (the demo's operator, a shift leader).
TOP = {
    **{word: f"Go to {name}" for _key, mode, name in SCREENS for word in dutch.words_for(mode)},
    "beperking": "Agenda: Restrict the selected activity",
    "facilitering": "Agenda: Restrict the selected activity",
    "gezag": "Agenda: Restrict the selected activity",
    "beveiligingsconcept": "Agenda: Assign a security concept",
    "beveiliger": "Agenda: Deploy officers on the selected activity",
    "dienst": "Roster & gaps: Add a shift to the roster",
    "dreigingsinschatting": "Today: Record a threat assessment (dreigingsinschatting)",
    "signaalrapport": "Signals: Read the selected signal report",
}


def test_every_dutch_target_is_a_screen_or_one_of_its_actions() -> None:
    for target in dutch.WORDS:
        mode, _dot, action = target.partition(".")
        assert mode in MAIN_SCREENS, target
        if action:
            assert action in [a.action for a in MAIN_SCREENS[mode].ACTIONS], target
    for words in dutch.WORDS.values():
        assert all(w == w.lower().strip() and w for w in words)


async def _top(app: SchildwachtApp, pilot: object, want: str) -> str:
    """The palette's first entry, once it is ``want`` or after about three seconds (the
    palette searches in the background)."""
    top = ""
    for _ in range(60):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        options = app.screen.query_one("CommandList", OptionList)
        if options.option_count:
            top = str(options.get_option_at_index(0).prompt).split("\n")[0]
            if top == want:
                break
    return top


async def test_a_dutch_word_puts_what_it_names_first(app: SchildwachtApp) -> None:
    wrong = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for word, want in TOP.items():
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await type_text(pilot, word)
            if (top := await _top(app, pilot, want)) != want:
                wrong[word] = top
            await pilot.press("escape")
            await pilot.pause()
    assert wrong == {}


@pytest.mark.parametrize(
    ("word", "mode"),
    [("rooster", "roster"), ("signalen", "signals"), ("capaciteit", "capacity")],
)
async def test_enter_after_a_screens_dutch_name_goes_there(
    app: SchildwachtApp, word: str, mode: str
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, word)
        await _top(app, pilot, next(f"Go to {n}" for _k, m, n in SCREENS if m == mode))
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == mode
        assert app.screen is app.main_screen()


async def test_the_authority_role_finds_its_decision_by_maatwerk(demo_store: Store) -> None:
    """A tailored exception (maatwerk) and the competent authority (gezag) are the authority
    liaison's work-process records (Today's p), which only that role may record."""
    app = SchildwachtApp(acting(demo_store, "authority"), remember=False, watch=None, ahead=False)
    want = "Today: Record a work-process decision"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for word in ("maatwerk", "gezag"):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, word)
            assert await _top(app, pilot, want) == want, word
            await pilot.press("escape")
            await pilot.pause()


async def test_duiding_finds_interpret_for_the_information_analyst(demo_store: Store) -> None:
    """rev17q: the glossary's duiding is interpretation; the palette put "Read the selected
    signal report" first, so Enter after "duiding" read a report instead."""
    analyst = acting(demo_store, "info_analyst")
    app = SchildwachtApp(analyst, remember=False, watch=None, ahead=False)
    want = "Signals: Interpret"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "duiding")
        assert (await _top(app, pilot, want)).startswith(want)


@pytest.mark.parametrize("role", ["operator", "info_analyst"])
async def test_beperkingen_finds_the_restrictions_a_role_may_read(
    demo_store: Store, role: str
) -> None:
    """fix17t/rev17s: as an operator "beperkingen" found nothing, though "Restrictions per unit
    and week" (Capacity's r) is that role's to read; Restrict is not theirs."""
    app = SchildwachtApp(acting(demo_store, role), remember=False, watch=None, ahead=False)
    want = "Capacity: Restrictions per unit and week"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for word in ("beperkingen", "beperking"):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, word)
            assert await _top(app, pilot, want) == want, word
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "beperkingen")
        await _top(app, pilot, want)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "capacity"
