"""The deferred limit counts only what it is for (issue 14, input review): a laptop whose
computer clock runs ahead wrote ~1,200 activities; the receiver deferred their records for the
clock and the per-origin limit, meant for records that wait for something only a person can
bring (a newer version's tables, rows or people no laptop has sent), refused that laptop's
bundles telling the admin to upgrade or revoke it. Records that wait for the clock are taken in
when their time comes and never count; each deferral and each refusal is worded by its cause."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import logbook
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange, status
from store.sync import quarantine as kept
from tests.conftest import NOW
from tests.sync_team import Laptop, exchange_all, make_team
from words.errors import too_many_waiting

ENTRIES = 4  # log entries of the laptop whose clock runs ahead: each is several records


def _ahead(tmp_path: Path) -> tuple[Laptop, Laptop]:
    """Admin a and shift leader b, in step; then b's computer clock runs 3 days ahead and b
    writes ENTRIES log entries (not sent yet)."""
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    exchange_all([a, b], tmp_path / "share")
    path = b.store.path
    b.store.close()
    b = Laptop("b", Store(path, clock=FixedClock(NOW + timedelta(days=3))))
    for n in range(ENTRIES):
        logbook.add_entry(b.store, f"Waarneming {n}")
    return a, b


def test_changes_waiting_for_the_clock_do_not_count_toward_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _ahead(tmp_path)
    try:
        monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", ENTRIES)  # far fewer than sent
        sent = exchange.export(b.store, out=tmp_path / "b.swb").path
        receipt = exchange.import_file(a.store, sent)
        assert receipt.result == "applied" and not receipt.set_aside
        waiting = receipt.deferred.total()
        assert waiting > ENTRIES
        [held] = kept.deferred(a.store)
        assert (held.count, held.limited, held.kinds) == (waiting, 0, (("clock", waiting),))
        assert held.until == NOW + timedelta(days=2)  # b's stamp less the day allowed
        assert kept.deferred_by_origin(a.store.conn) == {}
        peer = next(p for p in status.peers(a.store) if p.device == b.id)
        assert peer.deferred == waiting
        assert not [n for n in peer.warnings if n.code == "peer_over_limit"]
        exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b2.swb").path)
        db = str(a.store.path)
    finally:
        a.store.close()
        b.store.close()
    result = CliRunner().invoke(cli, ["--db", db, "sync", "status"])
    assert result.exit_code == 0, result.output
    assert (
        f"Deferred: {waiting} changes of laptop-b wait here since 2026-11-28T10:00:00+01:00: "
        f"{waiting} for this laptop's clock (laptop-b's clock runs ahead of it; they are taken "
        "in at the first import after 2026-11-30T10:00:00+01:00)."
    ) in result.stderr
    assert "upgrade" not in result.stderr.lower() and "revoke" not in result.stderr


def test_the_clocks_changes_come_in_when_their_time_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _ahead(tmp_path)
    try:
        monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", ENTRIES)
        exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
        assert kept.deferred(a.store)
        a.store.clock.advance(days=2, minutes=1)  # type: ignore[attr-defined]
        exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b2.swb").path)
        assert kept.deferred(a.store) == []
        texts = {r[0] for r in a.store.tuples("SELECT text FROM log_entry")}
        assert {f"Waarneming {n}" for n in range(ENTRIES)} <= texts
    finally:
        a.store.close()
        b.store.close()


@pytest.mark.parametrize(
    ("newer", "expected", "absent"),
    [
        (25, "laptop-b sent 25 changes of a newer version that cannot be applied here", ""),
        (0, "laptop-b sent 25 changes that refer to rows or people no laptop has sent", "Upgrade"),
        (10, "25 changes that cannot be applied here yet (10 of a newer version, 15 referring", ""),
    ],
)
def test_the_limits_refusal_names_its_cause(newer: int, expected: str, absent: str) -> None:
    said = too_many_waiting(
        {"label": "laptop-b", "held": 5, "total": 25, "newer": newer, "limit": 20}
    )
    assert expected in said and "revoke laptop-b" in said
    assert said.endswith("Until then its changes are not taken in.")
    if absent:
        assert absent not in said
