"""What every measure shares: a result row, timing (in process and as commands), the data sets.

Each measure is one function that returns ``Result`` rows: its figure, the peer or floor it is
compared with *in the same run*, the ratio and the target. Commands run as an installed program
does (bytecode compiled once, in the bench's own cache folder) and alternate with their peer and
floor.

Figures are medians of CPU time (user + system) of the measured process, with the wall-clock
median beside them: the code is single-threaded and reads from the page cache, so on an idle
machine the two agree, while on a busy one (the load average is printed) wall time measures the
machine more than the code. Ratios and verdicts use CPU time.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
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


@dataclass
class Timing:
    wall: float  # median seconds
    cpu: float  # median user + system seconds

    def __str__(self) -> str:
        return f"{ms(self.cpu)} (wall {ms(self.wall)})"


def timed(action: Callable[[], object], runs: int = 5) -> Timing:
    """Median CPU and wall-clock seconds of ``action`` in this process."""
    walls, cpus = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        action()
        cpus.append(time.process_time() - used)
        walls.append(time.perf_counter() - start)
    return Timing(statistics.median(walls), statistics.median(cpus))


def versus(
    measure: str, ours: Timing, reference: str, theirs: Timing, target: float, whom: str
) -> Result:
    """A row comparing ours with a peer or floor from the same run; the target is a ratio."""
    ratio = ours.cpu / theirs.cpu
    return Result(
        measure,
        str(ours),
        f"{reference}: {theirs}",
        ratio,
        f"≤ {target}× the {whom}",
        ratio <= target,
        [f"wall-clock ratio {ours.wall / theirs.wall:.2f}"],
    )


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
    reused: bool = False  # copied from a set kept by an earlier run (``--keep``)

    @property
    def rows(self) -> int:
        """Activities and shifts: the size the gap computation grows with."""
        return self.activities + self.shifts


#: Where ``--keep`` keeps the data sets between runs (``SCHILDWACHT_BENCH_DATA`` overrides).
KEPT = Path(
    os.environ.get("SCHILDWACHT_BENCH_DATA")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "schildwacht-bench"
)
#: How the bench's laptop is set up before the demo fills it (part of a kept set's key).
SETUP = {"callsign": "BENCH-01", "role": "admin", "unit": "DKDB"}


def code_version() -> str:
    """A digest of everything a data set is made by: every source, schema and resource file
    of the store (the generator, the migrations, the triggers, the change log's format) and
    this file (how the bench sets the laptop up)."""
    digest = hashlib.sha256()
    files = sorted(
        p for p in (ROOT / "store").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    for path in [*files, Path(__file__)]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def kept_key(scale: str, days: int, first_day: date) -> str:
    """The name a kept data set goes by: the generator's parameters (scale, days, its first
    day, the demo's seed and the laptop's setup) and the code version."""
    setup = "-".join(SETUP.values())
    return f"{scale}-{days}d-{first_day.isoformat()}-seed7-{setup}-{code_version()}"


def build(folder: Path, scale: str, days: int = 14, *, keep: bool = False) -> DataSet:
    """A demo set of ``scale`` holding ``days`` days of agenda and shifts from today, in
    ``folder``. With ``keep``, the set is taken from (or, the first time, built into) the kept
    sets' folder (``KEPT``), keyed by ``kept_key``, and copied into ``folder``: the measures
    may write into their copy, never into the kept one."""
    from store.clock import SystemClock, today

    path = folder / f"{scale}-{days}d.db"
    if not keep:
        return _generate(path, scale, days)
    home = KEPT / kept_key(scale, days, today(SystemClock()))
    facts = home / "set.json"
    if facts.exists():
        data = DataSet(**{**json.loads(facts.read_text()), "path": home / path.name}, reused=True)
        print(f"reusing the kept {scale} set ({home})")
    else:
        home.mkdir(parents=True, exist_ok=True)
        data = _generate(home / path.name, scale, days)
        record = {k: v for k, v in vars(data).items() if k not in ("path", "reused")}
        facts.write_text(json.dumps(record))  # written last: a set cut short is built again
    copy_database(data.path, path)
    return replace(data, path=path)


def _generate(path: Path, scale: str, days: int) -> DataSet:
    from store.demo import generate_demo
    from store.setup import init_database

    store = init_database(path, callsign=SETUP["callsign"], role=SETUP["role"], unit=SETUP["unit"])
    start = time.perf_counter()
    summary = generate_demo(store, scale=scale, days=days)
    seconds = time.perf_counter() - start
    store.close()
    print(
        f"built {scale} ({days} days): {summary.subjects} subjects, {summary.officers} officers, "
        f"{summary.activities} activities, {summary.shifts} shifts in {seconds:.1f} s"
    )
    return DataSet(scale, days, path, summary.activities, summary.shifts, seconds)


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a database (its WAL included), replacing ``target``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def workspace() -> Path:
    return Path(tempfile.mkdtemp(prefix="schildwacht-bench-"))
