"""The garbage collector kept off the UI thread (issue 18): paused while any store call runs in a
worker, resumed by the last one to finish; what a screen shows frozen (never walked), and handed
back to the collector every ``THAW_EVERY`` loads shown."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from console import collector


@pytest.fixture(autouse=True)
def _collector_restored():  # type: ignore[no-untyped-def]
    yield
    gc.enable()
    gc.unfreeze()


def test_paused_while_any_store_call_runs_and_resumed_by_the_last() -> None:
    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def call(entered: threading.Event, leave: threading.Event) -> None:
        with collector.paused():
            entered.set()
            leave.wait(5)
            seen.append(gc.isenabled())

    leave_second = threading.Event()
    one = threading.Thread(target=call, args=(first_in, first_out))
    two = threading.Thread(target=call, args=(second_in, leave_second))
    one.start()
    two.start()
    assert first_in.wait(5) and second_in.wait(5)
    assert not gc.isenabled() and collector.running() == 2
    first_out.set()
    one.join(5)
    assert not gc.isenabled()  # the second call still runs
    leave_second.set()
    two.join(5)
    assert gc.isenabled() and collector.running() == 0
    assert seen == [False, False]


def test_a_collector_turned_off_stays_off() -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_a_failing_store_call_resumes_the_collector() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("refused")
    assert gc.isenabled() and collector.running() == 0


class Node:
    """An object in a reference cycle (only the collector frees it)."""

    def __init__(self) -> None:
        self.me = self


def test_what_is_shown_is_frozen_and_handed_back_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(collector, "THAW_EVERY", 3)
    monkeypatch.setattr(collector, "_freezes", 0)
    gc.unfreeze()
    gc.collect()
    node = Node()
    dropped = weakref.ref(node)
    collector.shown()  # the screen shows it: frozen
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert dropped() is not None  # frozen objects are never walked
    collector.shown()
    gc.collect()
    assert dropped() is not None
    collector.shown()  # the third: everything handed back and collected once, then frozen
    assert dropped() is None
    assert gc.get_freeze_count() > 0
