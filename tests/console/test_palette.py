"""The command palette offers exactly what the acting person's role may do, finds the daily
actions by the words people type, and every entry it offers does something: it opens a screen,
a form, a question or a document, says something, or changes what the screen shows."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList, TabbedContent

from console.app import GLOBAL_ACTIONS, MAIN_SCREENS, SchildwachtApp
from console.screens.base import BaseScreen
from store.access import ROLES
from store.db import Store
from store.staff import add_staff, list_staff
from tests.conftest import as_user
from tests.console.conftest import settle, type_text


def acting(store: Store, role: str) -> Store:
    """The demo database opened by a person of this role (one is added when the demo has
    none; an admin is the operator of a database of their own)."""
    if role == "admin":
        from store.setup import init_database
        from tests.conftest import TEST_SECRET

        return init_database(
            store.path.with_name("admin.db"),
            callsign="ADM-01",
            role="admin",
            unit="RT",
            clock=store.clock,
            secret=TEST_SECRET,
        )
    found = list_staff(store, role=role)
    callsign = found[0].callsign if found else f"{role[:3].upper()}-99"
    if not found:
        add_staff(store, callsign, unit="RT", role=role)
    return as_user(store, callsign)


def expected(role: str) -> set[str]:
    """The palette entries of the screens' actions this role may take."""
    return {
        f"{screen.TITLE}: {action.title}"
        for screen in MAIN_SCREENS.values()
        for action in screen.ACTIONS
        if action.allowed_role(role)
    }


def fingerprint(app: SchildwachtApp, said: list[str]) -> tuple[Any, ...]:
    """What a person would notice changing."""
    screen = app.screen
    base = next((s for s in reversed(app.screen_stack) if isinstance(s, BaseScreen)), None)
    tabs = base.query(TabbedContent) if base is not None else []
    return (
        app.current_mode,
        type(screen).__name__,
        len(said),
        getattr(base, "day", None),
        getattr(base, "mine", None),
        tabs.first().active if tabs else None,
        app.focused.id if app.focused else None,
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_palette_offers_what_the_role_may_do(demo_store: Store, role: str) -> None:
    app = SchildwachtApp(acting(demo_store, role), remember=False, watch=None, ahead=False)
    titles = {title for title, _help, _run in app.palette()}
    screens = {title for title in titles if ":" in title}
    assert screens == expected(role)
    assert {a.title for a in GLOBAL_ACTIONS if a.action != "app.command_palette"} <= titles
    assert len(titles) == len(app.palette())  # no entry twice


async def walk(app: SchildwachtApp, pilot: Any, skip: set[str]) -> tuple[list[str], set[str]]:
    """Run every palette entry not in ``skip`` from the screen it belongs to (the screens'
    own from their screen, the rest from Today); return those that did nothing, and all run."""
    said: list[str] = []
    original = app.notify

    def notify(message: Any, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    idle, ran = [], set()
    titles = {screen.TITLE: mode for mode, screen in MAIN_SCREENS.items()}
    for title, _help, run in sorted(app.palette(), key=lambda e: e[0], reverse=True):
        if title == "Quit" or title in skip:
            continue
        home = titles.get(title.split(":")[0], "agenda" if title == "Go to Today" else "today")
        if app.current_mode != home:
            app.action_go(home)
            await settle(pilot)
        before = fingerprint(app, said)
        done = run()
        if inspect.isawaitable(done):
            await done
        await settle(pilot)
        if fingerprint(app, said) == before:
            await settle(pilot)  # a write in a worker, then its toast
        if fingerprint(app, said) == before:
            idle.append(title)
        ran.add(title)
        while not isinstance(app.screen, BaseScreen):  # close what it opened
            await pilot.press("escape")
            await settle(pilot)
    return idle, ran


async def test_every_palette_entry_does_something(demo_store: Store) -> None:
    """Every entry of a shift leader, an information analyst and an authority liaison (each
    entry once: the others are the shift leader's too)."""
    walked: set[str] = set()
    for role in ("shift_leader", "info_analyst", "authority"):
        app = SchildwachtApp(acting(demo_store, role), remember=False, watch=None, ahead=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            idle, ran = await walk(app, pilot, walked)
            assert idle == [], (role, idle)
            walked |= ran
    assert {t for t in walked if ":" in t} == set().union(
        *(expected(r) for r in ("shift_leader", "info_analyst", "authority"))
    )


async def test_the_palette_finds_daily_actions_by_the_words_people_type(
    app: SchildwachtApp,
) -> None:
    from console.screens.forms import ActivityForm

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # and by the words of their help (rev17g): Restrict's cancel/move/shorten/relocate,
        # Sync's conflicts, U's password
        for words, entry in (
            *((w, w) for w in ("new", "restrict", "sign", "export", "flag", "team", "secret")),
            ("cancel", "agenda: restrict"),
            ("move", "agenda: restrict"),
            ("shorten", "agenda: restrict"),
            ("relocate", "agenda: restrict"),
            ("conflict", "sync: resolve"),
            ("password", "set or change a secret"),
            # rev17m: the log's title says "Operational log (journaal)"
            ("journaal", "agenda: write in the operational log"),
            ("journaal", "agenda: clear a flagged log entry"),
        ):
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await type_text(pilot, words)
            found: list[str] = []
            for _ in range(40):  # the palette searches in the background
                await pilot.pause(0.05)
                options = app.screen.query_one("CommandList", OptionList)
                found = [
                    str(options.get_option_at_index(i).prompt).lower()
                    for i in range(options.option_count)
                ]
                if any(entry in text and words in text for text in found):
                    break
            assert any(entry in text and words in text for text in found), (words, found)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.press(*"Agenda: New activity", "enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)  # chosen in the palette, done on its screen


def test_the_readme_shows_every_key_and_every_screen_as_the_console_has_them() -> None:
    from pathlib import Path

    from console.screens.help import markdown_keys

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = markdown_keys()
    assert table in readme, "README's key table: paste console.screens.help.markdown_keys()"
    for screen in MAIN_SCREENS.values():  # one line per action of each screen, with its key
        lines = [line for line in table.splitlines() if f"| {screen.TITLE} |" in line]
        assert len(lines) == len(screen.ACTIONS)
    for mode in MAIN_SCREENS:  # a screenshot of each (test_screens checks it is the console)
        assert f"](docs/{mode}.svg)" in readme
