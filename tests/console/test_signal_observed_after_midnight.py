"""rev17m f4: just after midnight (00:10 Amsterdam) an operator raising a signal about what was
seen at 23:50 types the bare time the form offers; it was read as today's 23:50 and refused
as in the future. A bare ``HH:MM`` later than now is yesterday's: a signal is seen before it
is raised."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.forms import SignalForm
from store import signals
from store.clock import FixedClock
from store.db import Store
from tests.console.conftest import error_of, settle


async def test_a_signal_seen_at_2350_is_raised_at_0010_as_yesterdays(
    demo_store: Store, clock: FixedClock
) -> None:
    clock.advance(
        seconds=(datetime(2026, 11, 28, 23, 10, tzinfo=UTC) - clock.now()).total_seconds()
    )
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SignalForm)
        assert "HH:MM (the last one)" in str(form.query_one("#observed", Input).placeholder)
        form.query_one("#text", Input).value = "Auto met draaiende motor bij woning"
        form.query_one("#observed", Input).value = "23:50"
        form.submit()
        await settle(pilot)
        assert app.screen is not form, error_of(app)
    newest = max(signals.list_signals(demo_store), key=lambda s: s.raised_at)
    assert newest.observed_at == datetime(2026, 11, 28, 22, 50, tzinfo=UTC)


async def test_a_signal_raised_on_the_signals_screen_is_selected_there(
    app: SchildwachtApp, demo_store: Store
) -> None:
    """rev17m: after raising a signal the Signals list did not select the new signal."""
    from console.screens.signals import SignalsScreen
    from console.widgets.table import RecordTable

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignalsScreen)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SignalForm)
        form.query_one("#text", Input).value = "Drone boven de woning"
        form.submit()
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen, error_of(app)
        newest = max(signals.list_signals(demo_store), key=lambda s: s.raised_at)
        assert newest.text == "Drone boven de woning"
        assert screen.query_one("#signal-list", RecordTable).cursor_key == newest.id
