"""The help screen (``?``) as a newcomer reads it (fix17r): each key with the action's name as
the README's key table and the palette give it, then its explanation; the current screen's keys
first, on the first page at 80×24; ``tab`` once, under "Everywhere"."""

from __future__ import annotations

import io

from rich.console import Console

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.help import HelpScreen, help_tables
from store.db import Store
from tests.console.conftest import screenshot, settle


def _help_text(role: str, mode: str) -> str:
    console = Console(width=110, record=True, file=io.StringIO())
    for table in help_tables(role, mode):
        console.print(table)
    return console.export_text()


def test_each_help_line_names_the_action_as_the_readme_table_does() -> None:
    helped = _help_text("admin", "agenda")
    lines = [" ".join(line.split()) for line in helped.splitlines()]
    assert any(
        line.startswith("c Assign a security concept — only concepts that meet") for line in lines
    ), helped
    for screen in (AgendaScreen,):
        for action in screen.ACTIONS:
            assert action.title in helped, action.title


def test_tab_is_listed_once_under_everywhere() -> None:
    helped = _help_text("admin", "today")
    assert helped.count("Next pane") == 1
    titles = [line.strip() for line in helped.splitlines() if line[:1] != " "]
    assert titles[:2] == ["Today", "Everywhere"], titles
    lines = helped.splitlines()
    tab = next(i for i, line in enumerate(lines) if "Next pane" in line)
    assert (
        lines.index("Everywhere".ljust(len(lines[0])))
        < tab
        < lines.index("Agenda".ljust(len(lines[0])))
    )


async def test_help_opens_on_the_current_screens_keys_at_80x24(demo_store: Store) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        first_page = (await screenshot(pilot)).replace("&#160;", " ")
        assert "Assign a security concept" in first_page
        assert "Everywhere" not in first_page or first_page.index("Assign") < first_page.index(
            "Everywhere"
        )
