"""Issue 17, the breaker rev17q's findings (fix17s): a blurred table draws its cursor's row once
(no phantom duplicate at 80x24), ``e`` on an ended activity offers only what the store takes, the
words of a refused move of an ended activity, Escape+key with a drop-down open, the help's first
lines and Dutch plurals in the palette."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from console import dutch
from console.app import MAIN_SCREENS, SchildwachtApp
from console.screens.forms import ActivityForm, MoveForm, RestrictForm
from console.screens.help import help_tables
from console.widgets.table import RecordTable
from store import access
from store.clock import local_text
from tests.console.conftest import error_of, settle
from tests.console.test_move_ways_console import _offered
from tests.console.test_palette_dutch import _top


def _lines(table: RecordTable) -> list[str]:
    height = table.scrollable_content_region.height
    return ["".join(s.text for s in table.render_line(y)) for y in range(height)]


async def test_a_wrapped_row_is_drawn_once_after_the_table_loses_the_focus(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        assert app.focused is table and table.cursor_row == 0
        when = str(table.get_row_at(0)[0])
        follows = str(table.get_row_at(1)[0])
        lines = _lines(table)
        assert lines[2].strip() and when not in lines[2], lines  # wrapped: its cut cells whole
        await pilot.press("x")  # opens the log: the focus leaves the table
        await settle(pilot)
        assert app.focused is not table
        lines = _lines(table)
        assert sum(when in line for line in lines) == 1, lines  # once, not on each of its lines
        assert follows in lines[2], lines  # the next record right under it


async def test_edit_of_an_ended_activity_offers_a_restriction_only_for_a_move_ahead(
    app: SchildwachtApp,
) -> None:
    """``e`` asks ``agenda.move_ways`` about the change itself, as ``r`` asks the kinds: of an
    ended activity a new place is a correction only, said at once in the store's words; a move
    to a time ahead may still be a restriction."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        item = app.screen.selected()  # type: ignore[attr-defined]
        assert item.end_at <= app.store.clock.now() and item.status in ("planned", "confirmed")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#location", Input).value = "Elders, zaal 2"
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoveForm), error_of(app)
        offered, note = _offered(form)
        assert offered == ["correction"]
        assert note == (
            f"'{item.title}' ended at {local_text(item.end_at)}: a restriction only moves it "
            "to a time still ahead (rule R5), so this change is a correction: say what was "
            "wrong in the agenda."
        )
        await pilot.press("escape")  # back on the Agenda, the same row selected
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#start", Input).value = "23:00"  # later today: ahead
        app.screen.query_one("#end", Input).value = "23:30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveForm), error_of(app)
        assert _offered(app.screen)[0] == ["correction", "restriction"]


async def _open_list(app: SchildwachtApp, pilot: Pilot[None]) -> Select[str]:
    await pilot.press("a")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, ActivityForm)
    select = app.screen.query_one("#person", Select)
    select.focus()
    await pilot.press("space")
    await settle(pilot)
    assert select.expanded and isinstance(app.focused, OptionList)
    return select


@pytest.mark.parametrize(("key", "character"), [("alt+k", "k"), ("alt+space", " ")])
async def test_escape_and_a_key_in_one_read_with_a_list_open_close_it_then_the_key_acts(
    app: SchildwachtApp, key: str, character: str
) -> None:
    """Escape closes the open list, then the key acts as if typed after it, in its closed
    field: a letter does nothing there (it went into the open list before, moving its
    highlight, and was gone with it); Space opens the list again."""
    async with app.run_test(size=(80, 24)) as pilot:
        select = await _open_list(app, pilot)
        listed = app.focused
        assert isinstance(listed, OptionList)
        highlighted = listed.highlighted
        app._driver.send_message(events.Key(key, character))  # type: ignore[union-attr]
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)  # the Escape closed the list, not the form
        assert select.value == "EEKHOORN"
        if character == " ":
            assert select.expanded and app.focused is listed
        else:
            assert not select.expanded and app.focused is select
            assert listed.highlighted == highlighted  # the letter was not the list's


@pytest.mark.parametrize("role", access.ROLES)
def test_every_help_line_reads_key_name_and_explanation(role: str) -> None:
    """The seven screens' lines too: "a  Agenda — the day board…", not "Agenda: …" (rev17q);
    the README's key table keeps "Agenda: …" as its every row does."""
    console = Console(width=400, record=True, file=io.StringIO())
    for table in help_tables(role, "agenda"):
        console.print(table)
    titles = {"Everywhere", *(screen.TITLE for screen in MAIN_SCREENS.values())}
    rows = [line.strip() for line in console.export_text().splitlines() if line.strip()]
    keyed = [row for row in rows if row not in titles]
    assert keyed and all(" — " in row for row in keyed), [r for r in keyed if " — " not in r]
    assert any(row.split()[:3] == ["a", "Agenda", "—"] for row in keyed)


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("beperking", "beperkingen"),
        ("dienst", "diensten"),
        ("signaal", "signalen"),
        ("te beveiligen persoon", "te beveiligen personen"),
        ("eenheid", "eenheden"),
        ("beveiliger", "beveiligers"),
        ("activiteit", "activiteiten"),
        ("inzet", "inzetten"),
        ("agenda", "agenda s"),  # agenda's, as the palette reads it
        ("dreigingsniveau", "dreigingsniveaus"),
    ],
)
def test_a_glossary_word_is_named_by_its_plural(word: str, plural: str) -> None:
    assert dutch.names(word, plural) and dutch.names(word, word)
    assert not dutch.names(word, plural + "x") and not dutch.names(word, word[:-1])


#: A plural typed alone puts what its singular names first (the demo's shift leader).
PLURALS = {
    "beperkingen": "Agenda: Restrict the selected activity",
    "diensten": "Roster & gaps: Add a shift to the roster",
    "beveiligingsconcepten": "Agenda: Assign a security concept",
    "dreigingsinschattingen": "Today: Record a threat assessment (dreigingsinschatting)",
    "signaalrapporten": "Go to Signals",  # the screen's own word, before the action's plural
    "eenheden": "Go to Capacity",
}


async def test_a_plural_in_the_palette_finds_what_its_word_names(app: SchildwachtApp) -> None:
    wrong = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for word, want in PLURALS.items():
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*word)
            if (top := await _top(app, pilot, want)) != want:
                wrong[word] = top
            await pilot.press("escape")
            await pilot.pause()
    assert wrong == {}


async def test_restrict_of_an_ended_activity_starts_on_the_deciding_authority(
    app: SchildwachtApp,
) -> None:
    """Its one kind (a move) is chosen already; the authority is the first field to fill."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        item = app.screen.selected()  # type: ignore[attr-defined]
        assert item.end_at <= app.store.clock.now()
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RestrictForm)
        await pilot.press(*"OvJ")
        assert app.screen.query_one("#authority", Input).value == "OvJ"


async def test_restrict_of_an_ended_activity_asks_the_reason_and_proposes_no_past_time(
    app: SchildwachtApp,
) -> None:
    """rev17r: its new times started as its present past ones (the first save always
    refused), and its reason was the default "capacity" nobody chose (focus starts past it)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        item = app.screen.selected()  # type: ignore[attr-defined]
        assert item.end_at <= app.store.clock.now()
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RestrictForm)
        assert form.query_one("#start", Input).value == ""
        assert form.query_one("#end", Input).value == ""
        assert form.values()["reason"] == ""
        await pilot.press(*"OvJ", "enter")
        await settle(pilot)
        assert app.screen is form
        assert error_of(app) == "Choose the reason of the restriction."
        assert app.focused is form.query_one("#reason")
