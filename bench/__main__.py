"""``make bench``: build the large demo set and time what users and scripts wait for.

Prints, for the same database in the same run:
- building the large demo set (target: under a minute);
- scripted reports (`person list`, `activity list`, `gaps`) as JSON, against the generic
  `sqlite-utils query` printing the activity table (target: ours answer faster);
- the agenda of one day over the whole set, from the store;
- a capacity report over 28 days of the large set (target: under a second), and the import
  time of the scripted CLI;
- the console on the large set: how long the UI thread is busy showing each screen;
- gaps over 7, 14 and 28 days of a large set with four weeks of agenda and shifts, to show how
  the cost grows (target: 14 days well under a second, close to linear);
- sync: export, import and re-import of 100,000 changes against plain ``executemany``
  (``bench/sync_bench.py``; target: import ≥ 50,000 changes/s, re-import near free).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(action: Callable[[], object], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def command(*args: str) -> Callable[[], object]:
    def run() -> None:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    return run


def main() -> None:
    from store.agenda import list_activities
    from store.clock import day_bounds, today
    from store.demo import generate_demo
    from store.setup import init_database

    folder = Path(tempfile.mkdtemp(prefix="schildwacht-bench-"))
    db = folder / "large.db"
    store = init_database(db, callsign="BENCH-01", role="admin", unit="DKDB")
    start = time.perf_counter()
    summary = generate_demo(store, scale="large")
    build = time.perf_counter() - start
    print(
        f"demo --scale large: {summary.subjects} subjects, {summary.officers} officers, "
        f"{summary.activities} activities, {summary.shifts} shifts in {build:.2f} s "
        f"(target < 60 s)"
    )

    day = day_bounds(today(store.clock))
    agenda_day = timed(lambda: list_activities(store, start=day[0], end=day[1]))
    print(f"store: one day's agenda over the large set: {agenda_day * 1000:.1f} ms")
    from store.gaps import find_gaps

    first = day[0]
    fortnight = timed(lambda: find_gaps(store, first, first + timedelta(days=14)), runs=3)
    print(f"store: gaps over 14 days of the large set: {fortnight * 1000:.0f} ms (target < 1 s)")
    from store.capacity import capacity_report

    month_report = timed(lambda: capacity_report(store, first, first + timedelta(days=28)), runs=3)
    print(
        f"store: capacity report over 28 days of the large set: {month_report * 1000:.0f} ms "
        "(target < 1 s)"
    )
    python = str(BIN / "python")
    cli_import = timed(command(python, "-c", "import commands.cli"))
    bare = timed(command(python, "-c", "pass"))
    print(
        f"importing the scripted CLI: {(cli_import - bare) * 1000:.0f} ms beyond a bare "
        "interpreter (textual is not loaded)"
    )

    schildwacht = str(BIN / "schildwacht")
    baseline = timed(command(str(BIN / "sqlite-utils"), "query", str(db), "select * from activity"))
    print(f"baseline: sqlite-utils query (activity table): {baseline * 1000:.0f} ms")
    for label, args in (
        ("person list --format json", ("person", "list", "--format", "json")),
        (
            "activity list --date today --format json",
            ("activity", "list", "--date", "today", "--format", "json"),
        ),
        ("gaps --format json (next 48 hours)", ("gaps", "--format", "json")),
    ):
        ours = timed(command(schildwacht, "--db", str(db), "--quiet", *args))
        print(
            f"schildwacht {label}: {ours * 1000:.0f} ms "
            f"(ratio to baseline {ours / baseline:.2f}; target < 1)"
        )
    from bench.console_screens import measure

    for name, seconds in measure(db):
        print(f"console on the large set, UI thread busy showing {name}: {seconds * 1000:.0f} ms")
    month = folder / "four-weeks.db"
    long_store = init_database(month, callsign="BENCH-01", role="admin", unit="DKDB")
    generate_demo(long_store, scale="large", days=28)
    first = day_bounds(today(long_store.clock))[0]
    per_day = {}
    for days in (7, 14, 28):
        seconds = timed(
            lambda d=days: find_gaps(long_store, first, first + timedelta(days=d)), runs=3
        )
        per_day[days] = seconds / days
        print(
            f"gaps over {days:2d} days (four-week large set): {seconds * 1000:.0f} ms "
            f"({seconds / days * 1000:.1f} ms per day)"
        )
    print(f"growth 7 → 28 days: cost per day ×{per_day[28] / per_day[7]:.2f} (1.00 = linear)")
    long_store.close()

    store.close()

    from .sync_bench import run as sync_bench

    sync_bench()


if __name__ == "__main__":
    main()
