"""Console fixtures: the app over a demo database with the fixed clock."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from console.app import SchildwachtApp
from store.db import Store


@pytest.fixture
def app(demo_store: Store) -> SchildwachtApp:
    return SchildwachtApp(demo_store, remember=False)


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def row_text(table: DataTable[object], index: int) -> list[str]:
    """A table row as the plain text it shows (cells are Text objects, never markup)."""
    return [str(cell) for cell in table.get_row_at(index)]
