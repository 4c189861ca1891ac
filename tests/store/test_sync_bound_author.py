"""Issue 13 (rev13u H1): a change authored under a callsign the signed team roster binds to
another laptop was not made through any store (``db.bound_elsewhere`` refuses it there): every
importer quarantines it, naming the callsign and the laptop it is bound to, whatever order the
binding and the change arrive in; a revocation that frees the callsign is judged alike
everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import db as store_db
from store import logbook, subjects
from store.clock import FixedClock
from store.sync import apply, exchange
from tests.conftest import as_user
from tests.store.test_sync_callsign import joined
from tests.sync_team import Laptop, exchange_all, held, make_team, user_tables


def _as_bound(laptop: Laptop, callsign: str, monkeypatch: pytest.MonkeyPatch) -> store_db.Store:
    """Hostile software on ``laptop`` acting as ``callsign`` (bound to another laptop): its own
    store's refusal (``db.bound_elsewhere``) switched off, as a raw edit of its operator would."""
    with monkeypatch.context() as patch:
        patch.setattr(store_db, "bound_elsewhere", lambda *_args: None)
        return as_user(laptop.store, callsign)


def _levels(*laptops: Laptop) -> list[object]:
    return [
        laptop.store.one("SELECT threat_level FROM subject WHERE code = 'KIEVIT'")[0]  # type: ignore[index]
        for laptop in laptops
    ]


def _bound_reasons(laptop: Laptop) -> set[str]:
    return {h[5] for h in held(laptop) if "bound_elsewhere" in h[5]}


def test_a_change_as_another_laptops_operator_is_quarantined(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=4, summary="real")
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=5)
    forger = _as_bound(c, "OPS-A", monkeypatch)
    try:
        subjects.assess_threat(forger, "KIEVIT", level=1, summary="as OPS-A")
        logbook.add_entry(forger, "written as OPS-A on laptop-c")
    finally:
        forger.close()
    bundle = exchange.export(c.store, out=tmp_path / "c.swb").path
    result = CliRunner().invoke(cli, ["--db", str(a.store.path), "sync", "import", str(bundle)])
    assert result.exit_code == 5, result.output
    assert "the team roster binds OPS-A to laptop-a" in result.output, result.output
    exchange.import_file(b.store, bundle)
    for laptop in (a, b):
        assert _bound_reasons(laptop), held(laptop)
        assert laptop.store.tuples(
            "SELECT count(*) FROM log_entry WHERE text LIKE 'written as%'"
        ) == [(0,)]
    assert _levels(a, b) == [4, 4]


@pytest.mark.parametrize("order", ["binding-with-the-change", "binding-known-first"])
def test_a_binding_in_the_same_bundle_as_the_change(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """D joins later, bound to OPS-D. C (hostile) writes as OPS-D and its bundle brings B the
    roster that binds OPS-D, D's own records and C's change at once."""
    a, b, c = make_team(tmp_path / "team", clock)
    d_store, _welcome = joined(tmp_path / "team", a.store, "d", "OPS-D", clock)
    d = Laptop("d", d_store)
    if order == "binding-known-first":
        exchange_all([a, b, c, d], tmp_path / "first")
    else:
        exchange_all([a, c, d], tmp_path / "first")
    clock.advance(minutes=5)
    forger = _as_bound(c, "OPS-D", monkeypatch)
    try:
        logbook.add_entry(forger, "written as OPS-D on laptop-c")
    finally:
        forger.close()
    exchange.import_file(b.store, exchange.export(c.store, out=tmp_path / "c.swb").path)
    exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c2.swb").path)
    for laptop in (a, b):
        assert _bound_reasons(laptop), held(laptop)
        assert laptop.store.tuples(
            "SELECT count(*) FROM log_entry WHERE text LIKE 'written as%'"
        ) == [(0,)]


@pytest.mark.parametrize("order", ["revocation-first", "change-first"])
def test_a_revocation_that_frees_the_callsign_is_judged_alike_everywhere(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """The roster binds OPS-B to laptop B; once B is revoked the store lets OPS-B act elsewhere
    (with their secret), and the judge follows the newest roster: the admin laptop, which held
    C's change quarantined before the revocation, takes it in as every later importer does."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c", "e"))[:3]
    e = Laptop("e", store_db.Store(tmp_path / "team" / "laptop-e" / "schildwacht.db", clock=clock))
    exchange_all([a, b, c, e], tmp_path / "share")
    clock.advance(minutes=5)
    forger = _as_bound(c, "OPS-B", monkeypatch)
    try:
        logbook.add_entry(forger, "written as OPS-B on laptop-c")
    finally:
        forger.close()
    bundle = exchange.export(c.store, out=tmp_path / "c.swb").path
    exchange.import_file(a.store, bundle)
    assert _bound_reasons(a)
    clock.advance(minutes=5)
    apply.revoke(a.store, "laptop-b")
    from_a = exchange.export(a.store, out=tmp_path / "a.swb").path
    for path in [from_a, bundle] if order == "revocation-first" else [bundle, from_a]:
        exchange.import_file(e.store, path)
    for laptop in (a, e):
        assert not _bound_reasons(laptop), held(laptop)
    assert user_tables(a.store)["log_entry"] == user_tables(e.store)["log_entry"]
