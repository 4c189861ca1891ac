"""The console on a database (headless): for each screen, the time from its key to its data shown
(worker time included), and how long the UI thread is then busy showing it again.

A screen's load is an exclusive worker, so a newer load may cancel an older one (the screen
resumes, the database changed): that is the console working as designed, not a failure of the
bench, which waits until no load is pending or running. A screen that does not settle within a
minute is reported as such; nothing here raises for a slow or cancelled load.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from .common import Result, ms

#: In the order visited; the console opens on Today, so Today is visited last, from Sync.
SCREENS = (
    ("a", "Agenda"),
    ("g", "Roster & gaps"),
    ("s", "Signals"),
    ("h", "Handover"),
    ("k", "Capacity"),
    ("y", "Sync"),
    ("t", "Today"),
)
#: Issue 18 (a later phase): every screen within this, key to data shown.
TARGET = 0.3
PATIENCE = 60.0


async def _settle(app: Any, pilot: Any) -> bool:
    """Wait until no worker is pending or running; False when that took over a minute."""
    from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while True:
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            return True
        left = deadline - loop.time()
        if left <= 0:
            return False
        for worker in busy:
            with contextlib.suppress(WorkerCancelled, WorkerFailed, TimeoutError):
                await asyncio.wait_for(worker.wait(), timeout=left)


def measure(path: Path) -> list[Result]:
    from console.app import SchildwachtApp
    from store.db import Store

    store = Store(path)
    results: list[Result] = []

    async def run() -> None:
        app = SchildwachtApp(store, remember=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(app, pilot)
            for key, name in SCREENS:
                start = time.perf_counter()
                await pilot.press(key)
                settled = await _settle(app, pilot)
                shown = time.perf_counter() - start
                screen = app.screen
                data = getattr(screen, "data", None)
                busy = "—"
                if settled and data is not None:
                    start = time.perf_counter()
                    screen.show(data)
                    await pilot.pause()
                    busy = ms(time.perf_counter() - start)
                figure = ms(shown) if settled else f"> {PATIENCE:.0f} s (did not settle)"
                print(f"console, {name}: key to data shown {figure}; UI thread showing {busy}")
                results.append(
                    Result(
                        f"console, {name}: key to data shown",
                        figure,
                        target=f"≤ {TARGET} s (later phase)",
                        notes=[f"UI thread busy showing it: {busy}"],
                    )
                )

    try:
        asyncio.run(run())
    finally:
        store.close()
    return results
