"""The gap computation in process: 14 days of the large set, and how gaps and capacity grow from
the large to the extra-large set (4× the subjects and officers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .common import DataSet, Result, ms, timed

if TYPE_CHECKING:
    from store.db import Store

#: Issue 18: gaps over 14 days of a large set holding 14 days of data.
FORTNIGHT_TARGET = 0.3
#: Issue 18: cost growing at most this much faster than the data, large → xlarge.
GROWTH_TARGET = 1.1


def _opened(data: DataSet) -> tuple[Store, datetime]:
    """The set opened, and the start of its first day (today, local)."""
    from store.clock import day_bounds, today
    from store.db import Store

    store = Store(data.path)
    return store, day_bounds(today(store.clock))[0]


def _gaps(data: DataSet, days: int = 14) -> Callable[[], Sequence[object]]:
    from store.gaps import find_gaps

    store, first = _opened(data)
    return lambda: find_gaps(store, first, first + timedelta(days=days))


def _capacity(data: DataSet, days: int = 14) -> Callable[[], object]:
    from store.capacity import capacity_report

    store, first = _opened(data)
    return lambda: capacity_report(store, first, first + timedelta(days=days))


def gaps_fortnight(large: DataSet) -> list[Result]:
    """``find_gaps`` over the 14 days of the large set, every row materialised (with its
    activities), as the CLI and the console receive it."""
    run = _gaps(large)
    rows = len(run())
    timing = timed(run, runs=7)
    print(f"gaps over 14 days of the large set: {timing} ({rows} rows)")
    return [
        Result(
            "gaps, 14 days of the large set (in process)",
            f"{timing}; {rows} rows",
            target=f"≤ {FORTNIGHT_TARGET} s",
            met=timing.cpu <= FORTNIGHT_TARGET,
        )
    ]


def growth(large: DataSet, xlarge: DataSet) -> list[Result]:
    """Cost per row of data, xlarge against large, for gaps and capacity over 14 days."""
    size = xlarge.rows / large.rows
    results = []
    for name, make in (("gaps", _gaps), ("capacity", _capacity)):
        small, big = timed(make(large), runs=5), timed(make(xlarge), runs=5)
        factor = (big.cpu / small.cpu) / size
        print(
            f"{name} over 14 days: large {small}, xlarge {big} "
            f"(×{big.cpu / small.cpu:.2f} for ×{size:.2f} the rows)"
        )
        results.append(
            Result(
                f"{name}, 14 days: growth large → xlarge",
                f"{ms(small.cpu)} → {ms(big.cpu)}",
                f"rows ×{size:.2f}",
                factor,
                f"≤ {GROWTH_TARGET}× linear",
                factor <= GROWTH_TARGET,
                [f"wall-clock: {ms(small.wall)} → {ms(big.wall)}"],
            )
        )
    return results
