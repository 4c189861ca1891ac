"""``make bench``: build the large demo set and time what users and scripts wait for.

Prints, for the same database in the same run:
- building the large demo set (target: under a minute);
- scripted reports (`person list`, `activity list`) as JSON, against the generic
  `sqlite-utils query` printing the activity table (target: ours answer faster);
- the agenda of one day over the whole set, from the store.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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

    schildwacht = str(BIN / "schildwacht")
    baseline = timed(command(str(BIN / "sqlite-utils"), "query", str(db), "select * from activity"))
    print(f"baseline: sqlite-utils query (activity table): {baseline * 1000:.0f} ms")
    for label, args in (
        ("person list --format json", ("person", "list", "--format", "json")),
        (
            "activity list --date today --format json",
            ("activity", "list", "--date", "today", "--format", "json"),
        ),
    ):
        ours = timed(command(schildwacht, "--db", str(db), *args))
        print(
            f"schildwacht {label}: {ours * 1000:.0f} ms "
            f"(ratio to baseline {ours / baseline:.2f}; target < 1)"
        )
    store.close()


if __name__ == "__main__":
    main()
