"""Nothing from the store on the UI thread (issue 15 point 3): the UI thread's own SQLite
connection is traced while a form is opened, and no statement may reach it; the store is
read in the screen's worker only."""

from __future__ import annotations

from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.forms import StepForm
from console.screens.sync import SyncScreen, request_name
from store.db import Store
from tests.console.conftest import settle


async def test_join_a_team_names_the_request_without_asking_the_store_on_the_ui_thread(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen) and screen.data is not None
        assert screen.data.team is None  # the demo laptop is in no team: j writes a request
        demo_store.forget_actor()  # a read of the acting person now asks the database
        ui_sql: list[str] = []
        demo_store.conn.set_trace_callback(ui_sql.append)  # this (the UI) thread's connection
        try:
            await pilot.press("j")
            await pilot.pause()
        finally:
            demo_store.conn.set_trace_callback(None)
        assert ui_sql == []
        assert isinstance(app.screen, StepForm)
        typed = app.screen.query_one(Input).value
        assert typed.endswith(request_name(app.actor.callsign, screen.data.device))
