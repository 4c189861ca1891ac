"""Console fixtures: the app over a demo database with the fixed clock, and helpers to drive it
by keys and read what it shows."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import SchildwachtApp
from console.widgets.table import RecordTable
from store.db import Store


@pytest.fixture
def app(demo_store: Store) -> SchildwachtApp:
    return SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish (store calls answer) and the screen repaint, until quiet."""
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


def row_text(table: RecordTable, index: int) -> list[str]:
    """A table row as the plain text it shows (cells are Text objects, never markup)."""
    return [str(cell) for cell in table.get_row_at(index)]


def rows(app: SchildwachtApp, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, RecordTable)
    return [row_text(table, i) for i in range(table.row_count)]


def shown(app: SchildwachtApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


def error_of(app: SchildwachtApp) -> str:
    """The inline refusal of the open form."""
    return str(app.screen.query_one(".error", Static).render())
