"""Python's garbage collector kept off the UI thread's back.

A full collection holds the interpreter lock while it walks every tracked object: on the large
set that took 90–190 ms, and it ran whenever a store call in a worker had built enough objects
(the gaps of a fortnight build hundreds of thousands of tuples) or a screen had shown a new
load (tens of thousands of cells), so the UI thread — waiting for the lock — froze that long
(issue 18: never blocked over 50 ms).

So: while a store call runs in a worker the automatic collector is paused (the last call to
finish resumes it), and what a screen shows is frozen once shown (``gc.freeze``: no collection
walks it). Freezing costs nothing and changes no lifetime: the rows of a load are freed by their
reference counts when the next load replaces them, as ever. What it gives up: a reference cycle
that exists at a freeze and is dropped later (the widgets of a closed form) is never collected;
so every ``THAW_EVERY`` loads shown the frozen objects are handed back and collected once (one
pause of a full collection, against one at nearly every load before).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_was_enabled = True
_freezes = 0
#: After this many loads shown, the frozen objects are collected once (dropped cycles freed).
THAW_EVERY = 200


def shown() -> None:
    """A screen shows what it loaded: no collection walks those objects (nor anything older),
    except once every ``THAW_EVERY`` calls, when they are all walked and their dropped cycles
    freed."""
    global _freezes
    _freezes += 1
    if _freezes >= THAW_EVERY and not _running:
        _freezes = 0
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection while this block runs (in any thread); nested and concurrent
    blocks count, and the collector is resumed as it was when the last one ends."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()


def running() -> int:
    """How many blocks hold the collector paused now."""
    return _running
