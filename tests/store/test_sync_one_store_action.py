"""A request's answer and the activity it plans are one store action: when the answer is
quarantined (the request was answered already elsewhere), its activity is not applied on its
own (issue 13, rev13f MEDIUM 5)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from store import requests, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.sync_team import exchange_all, make_team, user_tables


def _held(store: Store) -> list[tuple[object, ...]]:
    return sorted((q.device, q.seq, q.table, q.field, q.cause.code) for q in quarantined(store))


def test_a_second_acceptance_plans_nothing_in_any_order(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    start = NOW + timedelta(days=3, hours=10)
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=1)
    asked = requests.request_activity(
        a.store, person="DAS", title="Diner", start=start, end=start + timedelta(hours=2)
    ).id
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    requests.answer_request(c.store, asked, accept=1)  # first by clock
    clock.advance(minutes=1)
    requests.answer_request(b.store, asked, accept=1)
    bundles = {
        n: exchange.export(x.store, out=tmp_path / f"{n}.swb").path for n, x in (("b", b), ("c", c))
    }
    a.store.close()
    stores = []
    for order in (("b", "c"), ("c", "b")):
        folder = tmp_path / ("a-" + "".join(order))
        shutil.copytree(tmp_path / "team" / "laptop-a", folder)
        store = Store(folder / "schildwacht.db", clock=clock)
        for name in order:
            exchange.import_file(store, bundles[name])
        stores.append(store)
    exchange.import_file(b.store, bundles["c"])
    exchange.import_file(c.store, bundles["b"])
    stores += [b.store, c.store]
    for store in stores:
        assert store.tuples("SELECT title FROM activity") == [("Diner",)]
        assert store.tuples("SELECT count(*) FROM request_answer") == [(1,)]
        assert store.tuples("PRAGMA foreign_key_check") == []
        assert user_tables(store) == user_tables(c.store)
        assert _held(store) == _held(c.store)
    assert "answer_refused_whole" in {row[4] for row in _held(c.store)}
