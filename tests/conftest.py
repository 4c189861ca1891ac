"""Shared fixtures: temp databases with a fixed clock; nothing touches the developer's home."""

from __future__ import annotations

import gc
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from hypothesis import settings
from textual import _wait

from store import proof, staff
from store.clock import FixedClock
from store.db import Store
from store.demo import generate_demo
from store.errors import StoreError
from store.setup import init_database
from tests.bytecode import keep_bytecode

# Property tests assert no wall-clock time either: the machines the suite runs on are shared,
# so hypothesis's per-example deadline (200 ms) would fail honest code under load.
settings.register_profile("schildwacht", deadline=None)
settings.load_profile("schildwacht")

# Textual's pilot waits after every key until the app is idle: it sleeps 20 ms, again while the
# process worked in that sleep. A console test presses hundreds of keys, so those sleeps were
# half its time (and the two cores idle). The same test with 5 ms sleeps and the same 1/20 idle
# ratio: a key still waits until the app has done its work; what a worker writes is waited for
# by ``tests/console/conftest.py: settle``, never by this sleep.
_wait.SLEEP_GRANULARITY = 0.005
_wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20


keep_bytecode()  # again here for a run without the addopts (`-p tests.bytecode`)

# The cyclic garbage collector's first generation runs every 10,000 new objects, not every 700:
# a console test builds and drops tens of thousands of Textual objects a second, and with the
# default the collector took ~6% of the suite's CPU (measured on test_review17 and
# test_sync_exchange: 3,500 collections, 1.5 s of 23.5 s; with this, ~100, 0.7 s). What it
# collects is the same, later; nothing in the tests waits for it (stores are closed explicitly).
gc.set_threshold(10_000, 10, 10)

#: argon2-cffi's profile for tests: the real Argon2id, with the least memory and time (a test
#: suite hashes hundreds of secrets); tests/store/test_proof.py checks that the program outside
#: the tests hashes with the real parameters. Set for the whole test process, here, not only
#: per test in ``isolate``: a module's or session's fixture is made before any function's
#: (``store_template``, ``demo_template``, the CLI's, test_fuzz_cli's demo with an analyst's
#: secret), and a hash keeps its parameters, so a database made with the real hasher cost
#: every later proof of its people a real verification (~0.17 s of CPU each: the fuzz
#: harness's ``--user`` examples spent most of their time there).
TEST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
proof.HASHER = TEST_HASHER

#: The fixed "now" of every test: Saturday 28 November 2026, 10:00 in Amsterdam.
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
#: Every test person's secret (the demo's).
TEST_SECRET = proof.DEMO_SECRET


def runs_long(item: pytest.Function) -> bool:
    """A test that runs many cases in one call: a hypothesis test, or one marked ``runs_long``."""
    hypothesis = getattr(item.obj, "is_hypothesis_test", False)
    return bool(hypothesis or item.get_closest_marker("runs_long"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules that hold property tests (hypothesis) or a test marked ``runs_long`` (one
    call that loops over many cases) run first, each module whole and in its own order; the
    rest follows as collected.

    A property test runs its examples in one call (10-30 s of CPU), which xdist cannot split
    or steal. Collected in file order they came near the end of the second worker's queue
    (tests/store/test_sync_*), so at the end one worker ran a property test alone while the
    other had nothing left to take. First, they run while the other worker still has its own
    queue, and work-stealing evens out the short tests at the end. Whole modules, so that a
    module's fixtures (the sync templates) are still made once. Every worker collects the
    same items and sorts them alike (xdist checks)."""
    first = {
        item.module.__name__
        for item in items
        if isinstance(item, pytest.Function) and runs_long(item)
    }
    items.sort(key=lambda item: getattr(getattr(item, "module", None), "__name__", "") not in first)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every data, state and config directory at the test's own temp folder."""
    isolate(tmp_path, monkeypatch)


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of every test: its own folders, the fixed clock, the test secret."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SCHILDWACHT_STATE", str(tmp_path / "state" / "console.json"))
    monkeypatch.delenv("SCHILDWACHT_DB", raising=False)
    monkeypatch.delenv("SCHILDWACHT_USER", raising=False)
    monkeypatch.setenv("SCHILDWACHT_NOW", NOW.isoformat())
    # Every person in the tests has the demo's secret; tests of the proof override these.
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", TEST_SECRET)
    monkeypatch.setenv("SCHILDWACHT_SECRET", TEST_SECRET)
    # The tests' hasher (``TEST_HASHER``), again for this test: one that replaced it is undone.
    monkeypatch.setattr(proof, "HASHER", TEST_HASHER)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "schildwacht.db"


def _new_store(path: Path, clock: FixedClock) -> Store:
    """A fresh database whose operator is OPS-01, a shift leader in Rotterdam."""
    return init_database(
        path,
        callsign="OPS-01",
        name="Test leader",
        role="shift_leader",
        unit="RT",
        clock=clock,
        device_label="test-laptop",
        secret=TEST_SECRET,
    )


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database (``_new_store``) made once per test process, closed: ``store`` opens
    a copy (making one costs ~90 ms: the migrations, the catalogue, the keys; copying ~5 ms)."""
    root = tmp_path_factory.mktemp("store-template")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(root, monkeypatch)
        _new_store(root / "schildwacht.db", FixedClock(NOW)).close()
    return copy_database(root / "schildwacht.db", root / "template.db")


@pytest.fixture
def store(store_template: Path, db_path: Path, clock: FixedClock) -> Iterator[Store]:
    """A fresh database whose operator is OPS-01, a shift leader in Rotterdam (a copy of one
    made once per process: each test's own file, opened with the test's clock)."""
    opened = Store(copy_database(store_template, db_path), clock=clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (seed 7, small) built once per test process, closed and
    checkpointed: tests get a copy of the file (``demo_store``), never this one."""
    root = tmp_path_factory.mktemp("demo-template")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(root, monkeypatch)
        built = _new_store(root / "schildwacht.db", FixedClock(NOW))
        generate_demo(built, seed=7, scale="small")
        built.close()
    return copy_database(root / "schildwacht.db", root / "template.db")


def copy_database(source: Path, target: Path) -> Path:
    """Copy a closed database file (a WAL left behind would mean it was not closed)."""
    assert not Path(f"{source}-wal").exists() or Path(f"{source}-wal").stat().st_size == 0
    shutil.copyfile(source, target)
    shutil.copymode(source, target)  # owner-only, as the store made it
    return target


@pytest.fixture
def demo_store(demo_template: Path, db_path: Path, clock: FixedClock) -> Iterator[Store]:
    """A copy of the demo database (``store`` after ``generate_demo(seed=7, scale="small")``),
    opened by its operator with the test's clock."""
    opened = Store(copy_database(demo_template, db_path), clock=clock)
    yield opened
    opened.close()


def at(store: Store, text: str) -> datetime:
    """A time typed as a person would (Europe/Amsterdam), read with the store's clock."""
    from store.clock import parse_time

    return parse_time(text, store.clock)


def as_user(store: Store, callsign: str, secret: str = TEST_SECRET) -> Store:
    """The same database opened by another person (same clock), proven with their secret. A
    person without a secret on this laptop gets ``secret`` first from ``store``'s actor, as in
    `staff secret CALLSIGN` (which needs staff rights)."""
    if not proof.has_secret(store.conn, callsign):
        staff.set_secret(store, callsign, secret)
    return Store(store.path, clock=store.clock, user=callsign, secret=secret)


def snapshot(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every user table's rows, for asserting that a refused action changed nothing."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return [
            (t, sorted(conn.execute(f"SELECT * FROM {t}{_BUT_NOTES.get(t, '')}"), key=repr))
            for t in tables
        ]
    finally:
        conn.close()


#: What a refused import keeps of the refusal itself, left out of ``snapshot``: the segment it
#: was refused for (``status.note_refused``: the note ``sync status`` lists, and its audit
#: event), never anything the bundle carried.
_BUT_NOTES = {
    "meta": " WHERE key != 'sync_refused_segments'",
    "audit_event": " WHERE action != 'sync.segment_refused'",
}


@contextmanager
def refused_as(
    kind: type[BaseException] | tuple[type[BaseException], ...], words: str
) -> Iterator[pytest.ExceptionInfo[BaseException]]:
    """Like ``pytest.raises(kind, match=words)``, matched against the refusal as the faces
    word it (``words.errors.sentence``: the store gives facts, not sentences); another error
    (the database's own) by its text."""
    from words.errors import sentence

    with pytest.raises(kind) as caught:
        yield caught
    error = caught.value
    worded = sentence(error) if isinstance(error, StoreError) else str(error)
    assert re.search(words, worded), worded
