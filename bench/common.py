"""What every measure shares: a result row, timing (in process and as commands), the data sets.

Each measure is one function that returns ``Result`` rows: its figure, the peer or floor it is
compared with *in the same run*, the ratio and the target. Commands run as an installed program
does (bytecode compiled once, in the bench's own cache folder) and alternate with their peer and
floor, so a busy machine slows all of them alike; figures are medians of wall-clock time, and
the CPU-time ratio is printed beside the wall-clock one.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    """One line of the summary table."""

    measure: str
    figure: str
    reference: str = "—"  # the peer or floor and its figure
    ratio: float | None = None
    target: str = "—"
    met: bool | None = None  # None: no target in this phase
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "—"}[self.met]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def timed(action: Callable[[], object], runs: int = 5) -> float:
    """Median wall-clock seconds of ``action`` in this process."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@dataclass
class Timing:
    wall: float  # median seconds
    cpu: float  # median user + system seconds


class Commands:
    """Runs commands as an installed program would: with compiled bytecode (kept in the
    bench's folder, whatever PYTHONDONTWRITEBYTECODE says), output to a pipe that is read."""

    def __init__(self, folder: Path) -> None:
        self.env = {**os.environ, "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "store", "commands"],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def output(self, args: Sequence[str]) -> bytes:
        done = subprocess.run(args, env=self.env, capture_output=True, check=True)
        return done.stdout

    def compare(self, commands: Sequence[Sequence[str]], rounds: int = 9) -> list[Timing]:
        """Median wall and CPU time of each command, run in turn ``rounds`` times."""
        walls: list[list[float]] = [[] for _ in commands]
        cpus: list[list[float]] = [[] for _ in commands]
        for args in commands:  # warm the page cache and the bytecode cache
            self.output(args)
        for _ in range(rounds):
            for index, args in enumerate(commands):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(args, env=self.env, stdout=subprocess.PIPE, check=True)
                walls[index].append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus[index].append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
        return [
            Timing(statistics.median(w), statistics.median(c))
            for w, c in zip(walls, cpus, strict=True)
        ]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


@dataclass
class DataSet:
    scale: str
    days: int
    path: Path
    activities: int
    shifts: int
    build_seconds: float

    @property
    def rows(self) -> int:
        """Activities and shifts: the size the gap computation grows with."""
        return self.activities + self.shifts


def build(folder: Path, scale: str, days: int = 14) -> DataSet:
    """A demo set of ``scale`` holding ``days`` days of agenda and shifts from today."""
    from store.demo import generate_demo
    from store.setup import init_database

    path = folder / f"{scale}-{days}d.db"
    store = init_database(path, callsign="BENCH-01", role="admin", unit="DKDB")
    start = time.perf_counter()
    summary = generate_demo(store, scale=scale, days=days)
    seconds = time.perf_counter() - start
    store.close()
    print(
        f"built {scale} ({days} days): {summary.subjects} subjects, {summary.officers} officers, "
        f"{summary.activities} activities, {summary.shifts} shifts in {seconds:.1f} s"
    )
    return DataSet(scale, days, path, summary.activities, summary.shifts, seconds)


def workspace() -> Path:
    return Path(tempfile.mkdtemp(prefix="schildwacht-bench-"))
