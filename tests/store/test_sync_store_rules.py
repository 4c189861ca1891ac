"""Issue 14 (review of phase 5), item 7: two store rules that tie a row to another are judged
on received changes too, from the one rule table (``rules.accepts_withdrawn``,
``rules.activity_of_another``): accepting a handover withdrawn before, and a signal whose
activity belongs to another person than the one it names. A bundle doing either is quarantined
with the store's reason, in every order of arrival."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, handover, signals, subjects
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import at
from tests.hostile import Hostile, key
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.quarantine import said as said_reason


def _quarantined(laptop: Laptop, table: str) -> list[str]:
    rows = laptop.store.tuples("SELECT reason FROM sync_quarantine WHERE tbl = ?", (table,))
    return [str(r[0]) for r in rows]


@pytest.mark.parametrize("c_hears", ["withdrawal-first", "acceptance-first"])
def test_accepting_a_withdrawn_handover_is_quarantined_in_every_order(
    tmp_path: Path, clock: FixedClock, c_hears: str
) -> None:
    a, b, c = make_team(tmp_path / "team", clock)
    share = tmp_path / "share"
    exchange_all([a, b, c], share)
    period = ("2026-11-28 07:00", "2026-11-28 09:00")
    signed = handover.sign_handover(a.store, *(at(a.store, t) for t in period), "A")
    exchange_all([a, b, c], share)
    clock.advance(minutes=10)
    handover.withdraw_handover(a.store, signed.id, "verkeerde periode")
    clock.advance(minutes=5)
    handover.accept_handover(b.store, signed.id)  # B has not heard of the withdrawal
    withdrawal = exchange.export(a.store, out=tmp_path / "a.swb").path
    acceptance = exchange.export(b.store, out=tmp_path / "b.swb").path
    order = [withdrawal, acceptance] if c_hears == "withdrawal-first" else [acceptance, withdrawal]
    for bundle in order:
        exchange.import_file(c.store, bundle)
    exchange.import_file(a.store, acceptance)
    for laptop in (a, c):
        reasons = [said_reason(r) for r in _quarantined(laptop, "handover_event")]
        assert reasons and all("withdrawn by OPS-A" in r for r in reasons), reasons
        (record,) = handover.list_handovers(laptop.store)
        assert record.withdrawn_by == "OPS-A"
        assert handover.get_handover(laptop.store, signed.id).accepted_by is None
    assert user_tables(a.store)["handover_event"] == user_tables(c.store)["handover_event"] == []


def test_a_signal_on_another_persons_activity_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    for code in ("DAS", "VALK"):
        subjects.add_subject(a.store, code, kind="person", domain="local", unit="RT")
        subjects.assess_threat(a.store, code, level=1)
    visit = agenda.add_activity(
        a.store,
        person="DAS",
        title="Werkbezoek",
        start=at(a.store, "2026-11-28 12:00"),
        end=at(a.store, "2026-11-28 14:00"),
        concept="ESCORT",
    )
    exchange_all([a, b], tmp_path / "share")
    raised = signals.raise_signal(
        b.store,
        "auto bij de ingang",
        category="vehicle",
        urgency="routine",
        tlp="amber",
        person="DAS",
        activity=visit.id,
    )
    valk = b.store.one("SELECT id FROM subject WHERE code = 'VALK'")
    assert valk is not None
    hostile = Hostile(b, tmp_path)  # B's own signal, re-made to name VALK with DAS's activity
    record = hostile.recreation("signal", raised.id)
    forged_id = "00000000-0000-7000-8000-0000000000a1"
    forged = []
    for tbl, _pk, col, val, cl, prev, actor in record:
        value = forged_id if col == "id" else valk[0] if col == "subject_id" else val
        forged.append((tbl, key(forged_id), col, value, cl, prev, actor))
    hostile.forge_raw(forged)
    receipt = exchange.import_file(a.store, hostile.export())
    assert receipt.quarantined
    reasons = [said_reason(r) for r in _quarantined(a, "signal")]
    assert reasons and all("activity of another person" in r for r in reasons), reasons
    assert a.store.one("SELECT 1 FROM signal WHERE id = ?", (forged_id,)) is None
    assert a.store.one("SELECT 1 FROM signal WHERE id = ?", (raised.id,)) is not None
