"""How long the console's UI thread is busy showing each screen on a database (headless).

Workers load data off the UI thread; this measures what remains on it: the screen's ``show``
and the layout and paint that follow. Printed per screen; nothing is asserted.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

SCREENS = (
    ("t", "Today"),
    ("a", "Agenda"),
    ("g", "Roster & gaps"),
    ("s", "Signals"),
    ("h", "Handover"),
    ("k", "Capacity"),
    ("y", "Sync"),
)


def measure(path: Path) -> list[tuple[str, float]]:
    from console.app import SchildwachtApp
    from store.db import Store

    store = Store(path)
    results: list[tuple[str, float]] = []

    async def run() -> None:
        app = SchildwachtApp(store, remember=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            for key, name in SCREENS:
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                screen = app.screen
                start = time.perf_counter()
                screen.show(screen.data)  # type: ignore[attr-defined]
                await pilot.pause()
                results.append((name, time.perf_counter() - start))

    asyncio.run(run())
    store.close()
    return results
