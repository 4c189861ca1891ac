"""An import writes its field stamps and rebuilds its conflicts in bounded batches (issue 18:
memory); the database it leaves is the one a single batch leaves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import capture, conflicts, exchange, status
from tests.conftest import at
from tests.sync_team import conflict_set, exchange_all, make_team, user_tables

EDITED = 4  # activities both laptops edit offline: a conflict each


def _received(tmp_path: Path, clock: FixedClock) -> tuple[Path, Path]:
    """Laptop c's database closed, and a bundle from b that conflicts with c's edits of
    ``EDITED`` activities (their times and places) and of a threat level."""
    team = make_team(tmp_path / "team", clock)
    a, b, c = team
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=3)
    ids = [
        agenda.add_activity(
            a.store,
            person="BEVER",
            title=f"Zitting {n}",
            start=at(a.store, f"2026-11-30 0{n + 1}:00"),
            end=at(a.store, f"2026-11-30 1{n}:00"),
            location="Rechtbank",
        ).id
        for n in range(EDITED)
    ]
    exchange_all(team, tmp_path / "share")
    clock.advance(minutes=5)
    for laptop, hour in ((b, "07"), (c, "08")):
        for activity in ids:
            agenda.edit_activity(
                laptop.store,
                activity,
                start=at(laptop.store, f"2026-11-30 {hour}:30"),
                location=f"Zaal {hour}",
                correction="typo",
            )
        subjects.assess_threat(laptop.store, "BEVER", level=int(hour) - 3)
        clock.advance(minutes=1)
    sent = exchange.export(b.store, out=tmp_path / "b.swb").path
    path = c.store.path
    for laptop in team:
        laptop.store.close()
    return path, sent


def _imported(path: Path, bundle: Path, copy: Path, clock: FixedClock) -> Store:
    shutil.copy(path, copy)
    store = Store(copy, clock=clock)
    receipt = exchange.import_file(store, bundle)
    assert receipt.result == "applied"
    return store


def test_a_bundle_merged_in_batches_of_one_leaves_the_database_one_batch_leaves(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, bundle = _received(tmp_path, clock)
    whole = _imported(path, bundle, tmp_path / "whole.db", clock)
    monkeypatch.setattr(conflicts, "REFRESH_BATCH", 1)
    monkeypatch.setattr(capture, "CLOCK_BATCH", 1)
    batched = _imported(path, bundle, tmp_path / "batched.db", clock)

    found = status.list_conflicts(whole)
    assert len(found) >= EDITED + 1  # each activity's fields, and the threat level
    assert conflict_set(batched) == conflict_set(whole)
    assert user_tables(batched) == user_tables(whole)
    stamps = "SELECT tbl, pk, col, cl, hlc, origin FROM sync_clock ORDER BY tbl, pk, col"
    assert batched.tuples(stamps) == whole.tuples(stamps)
    assert len(whole.tuples(stamps)) > 1
