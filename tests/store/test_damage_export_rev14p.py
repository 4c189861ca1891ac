"""rev14p F4: a bundle whose export the database refused is not left behind (issue 14): the
file is put in place last, just before the COMMIT that records it, and removed when that fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import logbook
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure
from store.sync import exchange
from tests.sync_team import make_team


def _zero_page_of(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = ?", (table,)).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as file:
        file.seek((page - 1) * size)
        file.write(bytes(size))


@pytest.mark.parametrize("how", ["out", "folder"])
def test_a_refused_export_leaves_no_bundle(tmp_path: Path, clock: FixedClock, how: str) -> None:
    team = make_team(tmp_path / "team", clock)
    b = team[1].store
    logbook.add_entry(b, "Route verkend")
    exchange.export(b, out=tmp_path / "first.swb")  # sync_bundle holds a row
    path = b.path
    b.close()
    _zero_page_of(path, "sync_bundle")
    store = Store(path, clock=clock)
    out, folder = tmp_path / "out.swb", tmp_path / "share"
    with pytest.raises((IntegrityFailure, sqlite3.DatabaseError)) as caught:  # the CLI: exit 5
        if how == "out":
            exchange.export(store, out=out)
        else:
            exchange.export(store, folder=folder)
    assert (
        "malformed" in str(caught.value) or getattr(caught.value, "code", "") == "database_damaged"
    )
    store.close()
    left = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert not out.exists() and not folder.exists()
    assert {p for p in left if p.parts[0] != "team"} == {Path("first.swb")}
