"""One export or import in this fresh process, and the memory it added: ``python -m
bench.sync_memory export|import DATABASE BUNDLE [--python]`` prints one JSON line.

The resident size is taken after the store is open and the sync modules are imported, and the
peak (the high-water mark ``VmHWM`` of this process's memory: ``ru_maxrss`` would carry the
parent's over from before ``exec``) after the export or import: their difference is what the
work itself held at its peak, Python objects, SQLite's caches and freed-but-kept memory alike.
With ``--python`` (a separate run: tracing slows the work and adds its own memory) the peak of
the Python objects alone is taken with ``tracemalloc``, so the table can say how much of the
resident peak the objects the code builds account for.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tracemalloc
from pathlib import Path


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def high_water() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(mode: str, database: Path, bundle_path: Path, python: bool = False) -> None:
    from store.db import Store
    from store.sync import apply, exchange, export, session, verify  # noqa: F401
    from store.sync import roster as rosters

    store = Store(database)
    rosters.current(store)
    rosters.identity(store)
    gc.collect()
    if python:
        tracemalloc.start()
    before = resident()
    if mode == "export":
        exchange.export(store, out=bundle_path)
    else:
        exchange.import_file(store, bundle_path)
    if python:
        print(json.dumps({"python_peak": tracemalloc.get_traced_memory()[1]}))
        return
    peak = high_water()
    print(json.dumps({"before": before, "peak": peak, "added": peak - before}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), "--python" in sys.argv[4:])
