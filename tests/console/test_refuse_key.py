"""Issue 17 (rev17p): a key answered at once with a refusal or a warning, nothing opened and
nothing done, drops the keys typed after it in the same burst. Only refusals said through
``refuse_key`` did; the others let the next key act: "cq" on Handover quit the console after
"0 signed handovers to accept.". ``SchildwachtApp.refuse_key`` is now the one way a key is
refused: a scan checks that no other console code warns with a bare notification."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual import events

from console.app import SchildwachtApp
from tests.console.conftest import settle, toasts
from tests.source import parse_file

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def _warnings_outside_refuse_key() -> list[str]:
    found = []
    for path in sorted(CONSOLE.rglob("*.py")):
        tree = parse_file(path)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
            ):
                continue
            severity = next((k.value for k in node.keywords if k.arg == "severity"), None)
            if severity is None or _severities(severity) <= {"information", "error"}:
                continue
            # the one way (and the app's notify, which passes on what it is given)
            if path.name == "app.py" and _innermost(tree, node) in ("refuse_key", "notify"):
                continue
            found.append(f"{path.relative_to(CONSOLE.parent)}:{node.lineno}")
    return found


def _severities(node: ast.expr) -> set[object]:
    """The severities an expression may give (a name or call: unknown, as None)."""
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _severities(node.body) | _severities(node.orelse)
    return {None}


def _innermost(tree: ast.Module, target: ast.AST) -> str | None:
    """The name of the innermost function holding ``target``."""
    holding = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(inner is target for inner in ast.walk(node))
    ]
    return max(holding, key=lambda node: node.lineno).name if holding else None


def test_no_warning_outside_refuse_key() -> None:
    """Every warning the console shows is a refused key, said by ``refuse_key`` (which drops
    the rest of the burst); a bare ``notify(..., severity="warning")`` elsewhere let the next
    key typed act."""
    assert _warnings_outside_refuse_key() == []


def _burst(app: SchildwachtApp, *keys: str) -> None:
    """Keys as one terminal read: each through the driver, none waited for."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


async def _quiet(pilot) -> None:  # type: ignore[no-untyped-def]
    """Settle, unless the console quit meanwhile (what these tests look for)."""
    if not pilot.app._exit:
        await settle(pilot)
    if not pilot.app._exit:
        await settle(pilot)


@pytest.mark.parametrize(
    ("size", "screen", "key", "said"),
    [
        ((80, 24), "h", "c", "Opened the signed handovers"),  # the drawer: press it again
        ((120, 40), "h", "c", "0 signed handovers to accept."),
        ((120, 40), "h", "w", "0 signed handovers to withdraw."),
        ((120, 40), "s", "o", "0 signal reports."),
        ((120, 40), "y", "r", "Nothing exchanged in this session yet."),
    ],
)
async def test_a_refused_key_drops_the_q_typed_after_it(
    app: SchildwachtApp, size: tuple[int, int], screen: str, key: str, said: str
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press(screen)
        await settle(pilot)
        _burst(app, key, "q")
        await _quiet(pilot)
        assert any(said in t for t in toasts(app)), toasts(app)
        assert not app._exit, f"'q' typed after the refused {key!r} quit the console"


async def test_today_open_day_without_activity_drops_the_next_key(app: SchildwachtApp) -> None:
    """Today's o on a subject with no activity today: refused, the 'a' typed after it too."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        for _ in range(screen.query_one(screen.MAIN).row_count):  # type: ignore[attr-defined]
            if not screen.data.activities.get(screen.selected_code()):  # type: ignore[attr-defined]
                break
            await pilot.press("down")
            await settle(pilot)
        _burst(app, "o", "a")
        await _quiet(pilot)
        assert any("has no activity today" in t for t in toasts(app)), toasts(app)
        assert app.current_mode == "today"


@pytest.mark.parametrize("key", ["o", "enter"])
async def test_today_open_day_without_activity_drops_a_q_typed_with_it(
    app: SchildwachtApp, key: str
) -> None:
    """rev17r: Enter does what o does on Today's subjects, but its refusal came from the
    row-selected message, handled after the q typed in the same read: the console quit."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        for _ in range(screen.query_one(screen.MAIN).row_count):  # type: ignore[attr-defined]
            if not screen.data.activities.get(screen.selected_code()):  # type: ignore[attr-defined]
                break
            await pilot.press("down")
            await settle(pilot)
        assert app.focused is screen.query_one(screen.MAIN)  # type: ignore[attr-defined]
        _burst(app, key, "q")
        await _quiet(pilot)
        assert any("has no activity today" in t for t in toasts(app)), toasts(app)
        assert not app._exit, f"'q' typed with the refused {key!r} quit the console"
        assert app.current_mode == "today"


async def test_a_key_that_does_nothing_drops_the_q_typed_after_it(app: SchildwachtApp) -> None:
    """rev17q: the Agenda's 0 on today's board ("Already on today's board") did nothing and
    answered with an information toast, so the q typed with it quit the console."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        _burst(app, "0", "q")
        await _quiet(pilot)
        assert any("Already on today's board" in t for t in toasts(app)), toasts(app)
        assert app.is_running and app.current_mode == "agenda"
