"""A laptop whose clock was days ahead once (rev13m clock_days_ahead_wedge): its hybrid logical
clock never goes back, so after the clock is corrected its changes are still stamped days ahead
and every peer holds them until a day before the stamp. The laptop itself is told — `sync
status`, `db status` and the Sync screen name how far its stamps run ahead, until when the
others hold its changes, and what to do — and the peers name it and the date."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from console.screens.sync import fetch_sync
from store import logbook
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import Laptop, exchange_all, make_team

UNTIL = "2026-11-30 10:00"  # NOW + 3 days - 1 day, in Amsterdam


def _cli(laptop: Laptop, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["--db", str(laptop.store.path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.fixture
def wedged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Laptop, Laptop]:
    clock = FixedClock(NOW)
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    exchange_all([a, b], tmp_path / "share")
    b.store.close()
    b = Laptop("b", Store(b.store.path, clock=FixedClock(NOW + timedelta(days=3))))
    logbook.add_entry(b.store, "klok stond verkeerd")
    b.store.close()
    clock.advance(minutes=10)
    b = Laptop("b", Store(b.store.path, clock=clock))  # the clock is put right
    logbook.add_entry(b.store, "Verdacht voertuig bij woning BEVER", flagged=True)
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b1.swb").path)
    monkeypatch.setenv("SCHILDWACHT_NOW", clock.now().isoformat())
    yield a, b
    b.store.close()


def test_the_laptop_is_told_its_stamps_run_ahead_and_until_when(
    wedged: tuple[Laptop, Laptop],
) -> None:
    a, b = wedged
    _out, said = _cli(b, "sync", "status")
    assert "this laptop's change stamps run 71 hours ahead of its clock" in said
    assert f"every other laptop holds its changes until {UNTIL}" in said
    # rev13n f1: not "nothing is lost": what it did for an activity over by then is refused
    assert f"an activity that ends before {UNTIL}" in said and "nothing is lost" not in said
    assert "Check that this laptop's clock is right" in said
    out, _err = _cli(b, "db", "status", "--format", "json")
    status = json.loads(out)
    assert f"holds its changes until {UNTIL}" in status["stamps"]
    assert status["findings"] == {"own_stamps": 1}
    screen = fetch_sync(b.store)  # the Sync screen's summary lists every finding but secrets
    assert [f.code for f in screen.findings] == ["own_stamps_ahead"]
    assert screen.findings[0].params["until"] == NOW + timedelta(days=2)
    # the peer names the laptop and the date its changes are taken in
    _out, peer = _cli(a, "sync", "status")
    assert "laptop-b" in peer and "2026-11-30T10:00:00+01:00" in peer
    assert "stamps run" not in peer  # a's own stamps are right


def test_stamps_ahead_within_a_day_say_their_edits_win_until_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(NOW)
    (a,) = make_team(tmp_path / "team", clock, names=("a",))
    a.store.close()
    fast = Laptop("a", Store(a.store.path, clock=FixedClock(NOW + timedelta(hours=2))))
    logbook.add_entry(fast.store, "twee uur vooruit")
    fast.store.close()
    a = Laptop("a", Store(a.store.path, clock=clock))
    monkeypatch.setenv("SCHILDWACHT_NOW", NOW.isoformat())
    stamps = json.loads(_cli(a, "db", "status", "--format", "json")[0])["stamps"]
    assert "run 2 hours ahead of its clock" in stamps
    assert "until 2026-11-28 12:00 its edits win over edits made later" in stamps
    assert "holds its changes" not in stamps
    a.store.close()
