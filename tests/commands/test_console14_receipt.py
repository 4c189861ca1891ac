"""The receipt of a folder import names a refused bundle's sender by its label (console14, the
README's newcomer walk): the folder's name is a device id, which nobody knows by heart."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from commands.cli import cli
from store import logbook
from store.clock import FixedClock
from store.sync import exchange
from store.sync import roster as rosters
from tests.sync_team import make_team


def test_a_revoked_laptops_receipt_names_the_sender_by_its_label(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    share = tmp_path / "share"
    exchange.export(a.store, folder=share)
    exchange.import_path(b.store, share)
    rosters.revoke(a.store, "laptop-b")
    logbook.add_entry(a.store, "Na intrekking")
    exchange.export(a.store, folder=share)
    b.store.close()
    result = CliRunner().invoke(cli, ["--db", str(b.store.path), "sync", "import", str(share)])
    assert result.exit_code == 5, result.output
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    refused = [row for row in rows if "refused" in row]
    assert refused and all(row[0] == "laptop-a" for row in refused), result.stdout
    assert a.id not in result.stdout  # the raw device id, before


def test_the_sync_screen_names_a_refused_bundles_sender_by_its_label(
    tmp_path: Path, clock: FixedClock
) -> None:
    from console.screens.sync import _receipt_line

    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    share = tmp_path / "share"
    rosters.revoke(a.store, "laptop-b")
    exchange.export(a.store, folder=share)
    receipts = exchange.import_path(b.store, share)
    assert [r.result for r in receipts] == ["refused"]
    line = _receipt_line(receipts[0], rosters.current(b.store))
    assert line.startswith(f"! laptop-a (OPS-A, …{a.id[-7:]})/"), line  # a device id before
