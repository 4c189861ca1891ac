"""One export or import in this fresh process, and the memory it added: ``python -m
bench.sync_memory export|import DATABASE BUNDLE [--python]`` prints one JSON line.

The resident size is taken after the store is open and the sync modules are imported, and the
peak (the high-water mark ``VmHWM`` of this process's memory: ``ru_maxrss`` would carry the
parent's over from before ``exec``) after the export or import: their difference is what the
work itself held at its peak, Python objects, SQLite's caches and freed-but-kept memory alike.
With ``--python`` (a separate run: tracing slows the work and adds its own memory) the peak of
the Python objects alone is taken with ``tracemalloc``, so the table can say how much of the
resident peak the objects the code builds account for. With ``--phases`` (also traced) it prints
the peak of the Python objects within each phase (``PHASES``): where the memory goes.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The phases of an export and of an import whose peaks ``--phases`` reports: (module, function).
PHASES = {
    "export": [
        ("store.sync.log", "read"),
        ("store.sync.session", "preview"),
        ("store.sync.export", "_pack"),
        ("store.sync.bundle", "frame"),
        ("store.sync.bundle", "encrypt"),
    ],
    "import": [
        ("store.sync.bundle", "decrypt"),
        ("store.sync.verify", "verify"),
        ("store.sync.log", "store"),
        ("store.sync.session", "_judge"),
        ("store.sync.rebuild", "merged"),
        ("store.sync.apply", "_audit"),
    ],
}


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def high_water() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _traced(peaks: dict[str, int], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, noting the highest the traced memory reached while it ran."""

    @functools.wraps(function)
    def traced(*args: Any, **kwargs: Any) -> Any:
        tracemalloc.reset_peak()
        try:
            return function(*args, **kwargs)
        finally:
            peaks[name] = max(peaks.get(name, 0), tracemalloc.get_traced_memory()[1])

    return traced


def _watch(mode: str) -> dict[str, int]:
    """Trace the phases of ``mode`` (the functions are replaced where their callers find them)."""
    peaks: dict[str, int] = {}
    for module_name, name in PHASES[mode]:
        module = importlib.import_module(module_name)
        traced = _traced(peaks, name, getattr(module, name))
        for other in [m for k, m in sys.modules.items() if k.startswith("store.sync")]:
            if getattr(other, name, None) is getattr(module, name) and other is not module:
                setattr(other, name, traced)
        setattr(module, name, traced)
    return peaks


def main(
    mode: str, database: Path, bundle_path: Path, python: bool = False, phases: bool = False
) -> None:
    from store.db import Store
    from store.sync import apply, exchange, export, session, verify  # noqa: F401
    from store.sync import roster as rosters

    store = Store(database)
    rosters.current(store)
    rosters.identity(store)
    peaks = _watch(mode) if phases else {}
    gc.collect()
    if python or phases:
        tracemalloc.start()
    before = resident()
    used = time.process_time()
    if mode == "export":
        exchange.export(store, out=bundle_path)
    else:
        exchange.import_file(store, bundle_path)
    cpu = time.process_time() - used
    if phases:
        print(json.dumps({"phases": peaks}))
        return
    if python:
        print(json.dumps({"python_peak": tracemalloc.get_traced_memory()[1]}))
        return
    peak = high_water()
    print(json.dumps({"before": before, "peak": peak, "added": peak - before, "cpu": cpu}))


if __name__ == "__main__":
    flags = sys.argv[4:]
    database, bundle_path = Path(sys.argv[2]), Path(sys.argv[3])
    main(sys.argv[1], database, bundle_path, "--python" in flags, "--phases" in flags)
