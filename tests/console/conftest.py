"""Console fixtures: the app over a demo database with the fixed clock, and helpers to drive it
by keys and read what it shows."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.app import _character_to_key
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import WorkerCancelled

from console.app import SchildwachtApp
from console.widgets.table import RecordTable
from store.db import Store

#: Parsed style rules shared by every app of the test process (see ``_parse_rules_once``).
_PARSED: dict[tuple[object, ...], list[RuleSet]] = {}
_parse_rules = Stylesheet._parse_rules


def _parse_rules_once(
    self: Stylesheet,
    css: str,
    read_from: CSSLocation,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[RuleSet]:
    """Textual's ``Stylesheet._parse_rules``, its cache kept for the test process, not per app.

    Every console test starts an app, and each app's style sheet parsed the same sources (the
    console's CSS and every widget's default styles, ``console/styles.preload``) from nothing:
    about a tenth of a console test's CPU. The rules a text gives depend only on the text, where
    it is read from, its scope and the sheet's variables (the theme), so they are kept under all
    of those; a text that does not parse is not kept (the app raises as before). Rules are read,
    never changed, after parsing (a new theme makes a new sheet)."""
    key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
    rules = _PARSED.get(key)
    if rules is None:
        rules = _parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            _PARSED[key] = rules
    return rules


Stylesheet._parse_rules = _parse_rules_once  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _toasts_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast stays readable for the whole test. Textual drops a toast 5 s after it is shown,
    also from ``app._notifications`` which ``toasts`` reads; on the full suite's loaded two
    cores a write and the refreshes after it took longer than that, and a test found no toast
    (test_review17's move to another day, console14)."""
    monkeypatch.setattr(SchildwachtApp, "NOTIFICATION_TIMEOUT", 300)


@pytest.fixture
def app(demo_store: Store) -> SchildwachtApp:
    return SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish (store calls answer) and the screen repaint, until quiet."""
    for _ in range(5):
        await pilot.pause()
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer call of its group took over: that one is waited for
            continue
        await pilot.pause()
        await pilot.app.animator.wait_until_complete()  # a scroll a key started ends first
        if not any(w.is_running for w in pilot.app.workers):
            await _footers_fitted(pilot)
            await _painted(pilot)
            return


async def _footers_fitted(pilot: Pilot[None]) -> None:
    """Until the footers have left out the keys that do not fit (a fit waits for the layout,
    which a busy machine makes late): at most about three seconds."""
    from console.widgets.footer import KeysFooter

    for _ in range(150):
        if not any(f.fitting for f in pilot.app.screen.query(KeysFooter)):
            return
        await pilot.pause(0.02)


async def _painted(pilot: Pilot[None]) -> None:
    """Until the screen has been painted once more: with the pilot's short idle steps a test
    could read the screen (a screenshot) before its first frame was composed."""
    painted = asyncio.Event()
    pilot.app.screen.call_after_refresh(painted.set)
    pilot.app.screen.refresh()
    await asyncio.wait_for(painted.wait(), timeout=30)


async def screenshot(pilot: Pilot[None]) -> str:
    """The screen as exported SVG text, once a whole frame is composed.

    Between a layout change and the next paint Textual's compositor can hold a cut no widget
    has drawn yet (export_screenshot then raises TypeError from inside Textual); the terminal
    never draws such a frame, so the test waits for the next paint and reads again."""
    for _ in range(10):
        try:
            return pilot.app.export_screenshot()
        except TypeError:
            await _painted(pilot)
    return pilot.app.export_screenshot()


def row_text(table: RecordTable, index: int) -> list[str]:
    """A table row as the plain text it shows (cells are Text objects, never markup)."""
    return [str(cell) for cell in table.get_row_at(index)]


def rows(app: SchildwachtApp, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, RecordTable)
    return [row_text(table, i) for i in range(table.row_count)]


def shown(app: SchildwachtApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


def toasts(app: SchildwachtApp) -> list[str]:
    """The messages of the toasts shown so far."""
    return [str(n.message) for n in app._notifications]


def error_of(app: SchildwachtApp) -> str:
    """The inline refusal of the open form."""
    return str(app.screen.query_one(".error", Static).render())


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type text into the focused field as a terminal delivers a burst of keys: one key event
    per character through the driver, as ``pilot.press`` does, without its idle wait between
    keys (which costs ~50 ms a key and made a typed shift take a minute)."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()


def dialog_problems(screen: Screen[Any]) -> list[str]:
    """What is wrong with an open form's or question's layout, in words (empty when nothing):
    a field or button squeezed to no height, or anything running past the terminal's edge."""
    problems = []
    edge = screen.region
    for widget in screen.query("*"):
        if not all(node.display for node in widget.ancestors_with_self if node is not screen):
            continue
        if widget.region.right > edge.right or widget.region.x < edge.x:
            problems.append(f"{widget!r} runs past the edge ({widget.region})")
        if widget.focusable and widget.region.height == 0:
            problems.append(f"{widget!r} has no height")
    return problems
