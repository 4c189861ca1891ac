"""The console on the large set (headless, 120x40): for each screen the time from its key to its
data shown — worker time included — on the first visit and on a refresh, how long the store call
took in its worker, and the longest the UI thread was blocked meanwhile, measured as the lateness
of a 10 ms timer. The peer, in the same run: a bare Textual app whose key fills a 1,000-row
``DataTable`` from a thread worker.

A screen's load is an exclusive worker and a newer load may cancel an older one: the bench waits
until no store call is pending or running. A screen that does not settle within a minute, or any
error, is reported in its row; nothing here raises.

The key is sent as the terminal sends it (``_send_key``), and the clock starts then; the bench
polls every millisecond for the data in the screen's widgets and stops the clock when they are
painted (``call_after_refresh``), for the bare app too. ``Pilot.press`` is not used for this: it
returns only once the process looks idle (``wait_for_idle``: steps of 20 ms, up to a second,
twice), so while a worker computes it waits in those coarse steps, and earlier figures measured
them (several screens came out at exactly the same times).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
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
#: Issue 18: every screen within this, key to data shown; the UI thread never blocked longer.
TARGET = 0.3
BLOCK = 0.050
TICK = 0.010
PATIENCE = 60.0


@dataclass
class Lateness:
    """A 10 ms timer on the UI thread; how late it fired at worst since the last reset."""

    worst: float = 0.0
    last: float = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        if self.last:
            self.worst = max(self.worst, now - self.last - TICK)
        self.last = now

    def reset(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()


@dataclass
class Visit:
    screen: str
    first: float | None = None  # data shown (read ahead, or read on the visit)
    fresh: float | None = None  # data read on the visit shown
    refresh: float | None = None
    worker: list[float] = field(default_factory=list)
    blocked: float = 0.0
    error: str = ""


async def _quiet(app: Any, pilot: Any) -> bool:
    """Wait until no worker is pending or running; False when that took over a minute."""
    from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while True:
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            await pilot.pause()
            return True
        left = deadline - loop.time()
        if left <= 0:
            return False
        for worker in busy:
            with contextlib.suppress(WorkerCancelled, WorkerFailed, TimeoutError):
                await asyncio.wait_for(worker.wait(), timeout=left)


def _send_key(app: Any, key: str) -> None:
    """The key as the terminal driver delivers it, without waiting for anything after it."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _shown(
    app: Any, since: float, visit: Visit | None = None, leaving: Any = None
) -> float | None:
    """Wait until the screen shows data read now (and is not ``leaving``, the screen the key
    was pressed on); seconds since ``since`` (None: not within a minute). With a visit, also
    note when it first showed any data."""
    from console.screens.base import BaseScreen

    while time.perf_counter() - since < PATIENCE:
        await asyncio.sleep(0.001)
        screen = app.screen
        if not isinstance(screen, BaseScreen) or screen.data is None or screen is leaving:
            continue
        if visit is not None and visit.first is None:
            visit.first = await _painted(app, since)
        if not screen.loading:
            return await _painted(app, since)
    return None


async def _painted(app: Any, since: float) -> float:
    """Seconds since ``since`` once what is in the widgets now is on the screen: Textual runs
    ``call_after_refresh`` callbacks after the screen's next repaint."""
    painted = asyncio.Event()
    app.call_after_refresh(painted.set)
    await painted.wait()
    return time.perf_counter() - since


def _timed_store_calls(record: Callable[[float], None]) -> Callable[[], None]:
    """Time every store call the console runs in a worker; returns the undo."""
    from console.screens.base import StoreWork

    original = StoreWork.call_store

    def call_store(self: Any, call: Any, done: Any, **kwargs: Any) -> None:
        def timed(store: Any) -> Any:
            start = time.perf_counter()
            try:
                return call(store)
            finally:
                record(time.perf_counter() - start)

        original(self, timed, done, **kwargs)

    StoreWork.call_store = call_store  # type: ignore[method-assign]

    def undo() -> None:
        StoreWork.call_store = original  # type: ignore[method-assign]

    return undo


async def _visit_screens(path: Path) -> list[Visit]:
    from console.app import SchildwachtApp
    from store.db import Store

    store = Store(path)
    visits: list[Visit] = []
    current: list[float] = []
    undo = _timed_store_calls(current.append)
    try:
        app = SchildwachtApp(store, remember=False, watch=None)
        async with app.run_test(size=(120, 40)) as pilot:
            late = Lateness()
            app.set_interval(TICK, late.tick)
            await _quiet(app, pilot)
            for key, name in SCREENS:
                visit = Visit(name)
                visits.append(visit)
                try:
                    await _quiet(app, pilot)  # what was read ahead is read
                    current.clear()
                    late.reset()
                    leaving = app.screen
                    start = time.perf_counter()
                    _send_key(app, key)
                    visit.fresh = await _shown(app, start, visit, leaving)
                    await _quiet(app, pilot)
                    worker = list(current)
                    current.clear()
                    start = time.perf_counter()
                    app.screen.reload()  # what every change of the database does
                    visit.refresh = await _shown(app, start)
                    await _quiet(app, pilot)
                    visit.worker = worker
                    visit.blocked = late.worst
                except Exception as exc:  # one screen failing is reported, the rest measured
                    traceback.print_exc()
                    visit.error = f"{type(exc).__name__}: {exc}"
    finally:
        undo()
        store.close()
    return visits


async def _bare_table() -> tuple[float, float]:
    """A bare Textual app: its key fills a 1,000-row DataTable from a thread worker."""
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        BINDINGS = [("x", "fill", "Fill")]

        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns(*(f"Column {i}" for i in range(8)))

        def action_fill(self) -> None:
            self.fill()

        @work(thread=True)
        def fill(self) -> None:
            rows = [[f"cell {r}.{c}" for c in range(8)] for r in range(1000)]
            self.call_from_thread(self.show, rows)

        def show(self, rows: list[list[str]]) -> None:
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(rows)

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        late = Lateness()
        app.set_interval(TICK, late.tick)
        await _quiet(app, pilot)
        late.reset()
        start = time.perf_counter()
        _send_key(app, "x")
        table = app.query_one(DataTable)
        while table.row_count < 1000 and time.perf_counter() - start < PATIENCE:
            await asyncio.sleep(0.001)
        shown = await _painted(app, start)
        await _quiet(app, pilot)
        return shown, late.worst


def _figure(value: float | None) -> str:
    return "did not settle" if value is None else ms(value)


def measure(path: Path) -> list[Result]:
    visits = asyncio.run(_visit_screens(path))
    bare_shown, bare_blocked = asyncio.run(_bare_table())
    print(
        f"bare Textual app, 1,000-row DataTable: key to data shown {ms(bare_shown)}, "
        f"UI thread blocked at most {ms(bare_blocked)}"
    )
    results = []
    for visit in visits:
        worker = ms(sum(visit.worker)) if visit.worker else "—"
        line = (
            f"console, {visit.screen}: key to data shown {_figure(visit.first)}, to data read "
            f"now {_figure(visit.fresh)} (store calls in workers {worker}), refresh "
            f"{_figure(visit.refresh)}, UI thread blocked at most {ms(visit.blocked)}"
            + (f"; failed: {visit.error}" if visit.error else "")
        )
        print(line)
        met = (
            visit.first is not None
            and visit.first <= TARGET
            and visit.fresh is not None
            and visit.fresh <= TARGET
            and visit.refresh is not None
            and visit.refresh <= TARGET
            and visit.blocked <= BLOCK
            and not visit.error
        )
        results.append(
            Result(
                f"console, {visit.screen}: key to data shown / read now / refresh",
                f"{_figure(visit.first)} / {_figure(visit.fresh)} / {_figure(visit.refresh)}",
                f"bare Textual app, 1,000-row table: {ms(bare_shown)}",
                visit.first / bare_shown if visit.first else None,
                f"≤ {TARGET} s; UI thread blocked ≤ {ms(BLOCK)}",
                met,
                [
                    f"store calls in workers {worker}; UI thread blocked at most "
                    f"{ms(visit.blocked)} (bare app: {ms(bare_blocked)})"
                    + (f"; failed: {visit.error}" if visit.error else "")
                ],
            )
        )
    settled = [v.first for v in visits if v.first is not None]
    if settled:
        print(f"console: median key to data shown {ms(statistics.median(settled))}")
    return results
