"""Teams of laptops for sync tests: each a real database file in its own temp directory,
enrolled through the real request → enroll → welcome path."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from store.clock import FixedClock
from store.db import Store
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from store.sync.quarantine import quarantined


@dataclass
class Laptop:
    name: str
    store: Store

    @property
    def id(self) -> str:
        return self.store.device_id


#: Teams made once per test process, closed, by what made them (see ``make_team``).
_TEMPLATES: dict[tuple[object, ...], Path] = {}
#: The current test, and how many teams of each kind it made so far.
_MADE: dict[str, Counter[tuple[object, ...]]] = {}


def make_team(
    root: Path,
    clock: FixedClock,
    names: tuple[str, ...] = ("a", "b", "c"),
    role: str = "shift_leader",
    labels: tuple[str, ...] | None = None,
) -> list[Laptop]:
    """The first laptop is the team admin; every other one joins with its welcome bundle.
    ``labels`` are the laptops' device labels (default: laptop-NAME).

    A team takes ~0.4 s to make (each laptop's database, the enrolments, the welcome bundles)
    and ~90 tests make the same one: the first time, it is made in a template folder and closed;
    then ``root`` gets a copy of that folder (the databases, requests and welcome bundles), the
    laptops opened on ``clock``. Within one test the second team of a kind is made anew (its own
    devices and keys: teams within a test never share a laptop)."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    made = _MADE.setdefault(test, Counter()) if test else Counter()
    if test and len(_MADE) > 1:
        for other in [t for t in _MADE if t != test]:
            del _MADE[other]
    kind = (clock.now(), names, role, labels, made[(names, role, labels)])
    made[(names, role, labels)] += 1
    if kind not in _TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix="team-template-"))
        atexit.register(shutil.rmtree, template, True)
        for laptop in _make_team(template, FixedClock(clock.now()), names, role, labels):
            laptop.store.close()
        _TEMPLATES[kind] = template
    shutil.copytree(_TEMPLATES[kind], root, dirs_exist_ok=True)
    return [Laptop(n, Store(root / f"laptop-{n}" / "schildwacht.db", clock=clock)) for n in names]


def _make_team(
    root: Path,
    clock: FixedClock,
    names: tuple[str, ...],
    role: str,
    labels: tuple[str, ...] | None,
) -> list[Laptop]:
    """``make_team`` itself: the databases made and enrolled through the real path."""
    laptops = []
    for index, name in enumerate(names):
        folder = root / f"laptop-{name}"
        folder.mkdir(parents=True)
        store = init_database(
            folder / "schildwacht.db",
            callsign=f"OPS-{name.upper()}",
            role="admin" if index == 0 else role,
            unit="RT",
            clock=clock,
            device_label=labels[index] if labels else f"laptop-{name}",
        )
        laptops.append(Laptop(name, store))
    admin = laptops[0].store
    rosters.create_team(admin, "DKDB Rotterdam")
    for laptop in laptops[1:]:
        request_file = root / f"request-{laptop.name}.json"
        rosters.write_request(laptop.store, request_file)
        request = rosters.read_request(request_file)
        rosters.enroll(admin, request)
        welcome = exchange.export(
            admin, out=root / f"welcome-{laptop.name}.swb", welcome=request.hash
        )
        exchange.import_file(laptop.store, welcome.path)
    return laptops


def exchange_all(laptops: list[Laptop], folder: Path, rounds: int = 2) -> None:
    """Every laptop exports to the shared folder and imports the others', ``rounds`` times."""
    for _ in range(rounds):
        for laptop in laptops:
            exchange.export(laptop.store, folder=folder)
        for laptop in laptops:
            for receipt in exchange.import_path(laptop.store, folder):
                assert not receipt.status.startswith("refused"), receipt.warnings


def user_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every synced table's rows, sorted: what must be equal on converged laptops."""
    from store.sync.tables import SYNCED_TABLES

    return {
        table: sorted(store.tuples(f"SELECT * FROM {table}"), key=repr) for table in SYNCED_TABLES
    }


def conflict_set(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        store.tuples(
            "SELECT id, table_name, row_id, column_name, heads, resolved_at IS NULL"
            " FROM sync_conflict"
        )
    )


@contextmanager
def copied_laptops(template: Path, work: Path, names: str) -> Iterator[list[Laptop]]:
    """A fresh copy of a closed template team (``template/laptop-NAME/schildwacht.db``), the
    laptops open on one fixed clock, closed afterwards."""
    from tests.conftest import NOW

    shutil.copytree(template, work)
    clock = FixedClock(NOW)
    laptops = [
        Laptop(name, Store(work / f"laptop-{name}" / "schildwacht.db", clock=clock))
        for name in names
    ]
    try:
        yield laptops
    finally:
        for laptop in laptops:
            laptop.store.close()


@contextmanager
def without_segments_of(origin: str) -> Iterator[None]:
    """Exports that leave out ``origin``'s segments: a transport that lost its file."""
    from store.sync import export as exporting

    every = exporting._select_segments
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            exporting,
            "_select_segments",
            lambda conn, me, team: [s for s in every(conn, me, team) if s[0] != origin],
        )
        yield


def copy_database(laptop: Laptop, source: Path, target: Path) -> None:
    """Copy a laptop's database file as ``cp`` would (closed first, reopened after): a backup
    taken (``source`` its own file) or an old copy restored over it (``target`` its file)."""
    path, clock = laptop.store.path, laptop.store.clock
    laptop.store.close()
    shutil.copy(source, target)
    if target == path:
        for extra in ("-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)
    laptop.store = Store(path, clock=clock)


def raw_change_sets(laptop: Laptop, *statements: str, past_triggers: bool = False) -> None:
    """Each statement its own change set, written through another connection (any sqlite
    tool), as a hostile laptop would before export; ``past_triggers`` also switches the
    database's own triggers off there (``schildwacht_merging``), as hostile software could."""
    raw = sqlite3.connect(laptop.store.path)
    if past_triggers:
        raw.create_function("schildwacht_merging", 0, lambda: 1)
    try:
        for statement in statements:
            raw.executescript(f"BEGIN; {statement}; COMMIT;")
            with laptop.store.write("test.seal"):  # sealed: the next is another change set
                pass
    finally:
        raw.close()


def held(laptop: Laptop) -> list[tuple[Any, ...]]:
    """What the laptop holds in quarantine: (device, seq, table, field, rule, reason,
    change set) per held change."""
    return [
        (q.device, q.seq, q.table, q.field, q.rule, q.reason, q.change_set)
        for q in quarantined(laptop.store)
    ]
