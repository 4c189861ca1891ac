"""Issue 13: a segment refused at import (its clock runs back, its laptop's log forked) is named
by `sync status`, in text and JSON, with its device, numbers and reason, until the laptop holds
those numbers in a form that passes every check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import logbook
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange, status
from store.sync.bundle import Refused
from tests.hostile import Hostile
from tests.sync_team import Laptop, make_team

#: B's first log entry not sent yet: its clock set to 5 (before every other stamp of B).
CLOCK_BACK = (
    "UPDATE sync_log SET hlc = 5 WHERE origin = 1 AND seq ="
    " (SELECT min(seq) FROM sync_log WHERE origin = 1 AND tbl = 'log_entry')"
)


def _status(db: Path) -> tuple[int, str, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["--db", str(db), "sync", "status", "--format", "json"])
    return result.exit_code, result.stderr, json.loads(result.stdout)


def test_a_segment_whose_clock_runs_back_is_named_by_sync_status(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    logbook.add_entry(b.store, "Dienst begonnen")
    logbook.add_entry(b.store, "Auto voor de deur")
    hostile = Hostile(b, tmp_path)
    hostile.sql(CLOCK_BACK)
    first, last = b.store.one(
        "SELECT min(seq), max(seq) FROM sync_change WHERE origin = ?", (b.id,)
    )
    bundle = hostile.export()
    with pytest.raises(Refused):
        exchange.import_file(a.store, bundle)
    with pytest.raises(Refused):  # the same file again: named once
        exchange.import_file(a.store, bundle)
    (refused,) = status.refused_segments(a.store)
    assert (refused.device, refused.code) == (b.id, "bundle_clock_backwards")
    assert (refused.first_seq, refused.last_seq) == (first, last)
    a.store.close()

    code, stderr, peers = _status(a.store.path)
    assert code == 0
    (peer,) = peers
    (shown,) = peer["refused_segments"]  # type: ignore[misc]
    assert (shown["number"], shown["first_seq"], shown["last_seq"], shown["code"]) == (
        refused.number,
        first,
        last,
        "bundle_clock_backwards",
    )
    said = (
        f"Segment {refused.number} of laptop-b (changes {first}-{last}) was refused: its clock"
        " runs backwards"
    )
    assert said in shown["reason"] and said in stderr
    assert any(w["code"] == "segment_refused" for w in peer["warnings"])  # type: ignore[union-attr]
    text = CliRunner().invoke(cli, ["--db", str(a.store.path), "sync", "status"])
    assert text.exit_code == 0 and said in text.stderr


def test_a_refused_segment_is_no_longer_named_once_its_numbers_are_held(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The same numbers of B arrive in the form B signed honestly (a copy of B's database from
    before the raw edit): they pass every check, and the note is gone."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    logbook.add_entry(b.store, "Dienst begonnen")
    honest_copy = tmp_path / "honest"
    honest_copy.mkdir()
    b.store.close()
    shutil.copytree(b.store.path.parent, honest_copy, dirs_exist_ok=True)
    b = Laptop("b", Store(b.store.path, clock=clock))
    hostile = Hostile(b, tmp_path)
    hostile.sql(CLOCK_BACK)
    with pytest.raises(Refused):
        exchange.import_file(a.store, hostile.export())
    assert [r.device for r in status.refused_segments(a.store)] == [b.id]
    honest = Store(honest_copy / b.store.path.name, clock=clock)
    try:
        exchange.import_file(a.store, exchange.export(honest, out=tmp_path / "b2.swb").path)
    finally:
        honest.close()
    assert status.refused_segments(a.store) == []
    assert not [p for p in status.peers(a.store) if p.refused_segments]
