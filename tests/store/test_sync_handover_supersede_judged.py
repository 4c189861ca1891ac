"""Issue 13: a received handover that supersedes another is judged with the store's own check
(``workflows.supersede_handover_refusal``, as ``handover.sign_handover`` refuses): the one it
replaces must be in force then (not superseded or withdrawn by the steps made before it) for
an overlapping period (``supersede_not_in_force``) and signed by the same person
(``supersede_not_yours``). Three really enrolled laptops: shift leader b writes such handovers
past its store with raw SQL, then the real signed export; a imports it with the real command
(exit 5, each quarantined, a's tables unchanged) and c with the store (the same quarantine);
b's honest superseding handover still applies."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from store import handover
from store.clock import FixedClock
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import exchange_all, held, make_team, raw_change_sets, user_tables

#: raw SQL past the database's own triggers, as hostile software could write it
_raw = partial(raw_change_sets, past_triggers=True)


def _copy(n: int, of: str, supersedes: str) -> str:
    """A copy of handover ``of`` (its content and hash as signed) under a new id, signed by
    OPS-B on this laptop, superseding ``supersedes``."""
    return (
        "INSERT INTO handover (id, period_start, period_end, content, notes, signed_at,"
        " signed_by, device, content_hash, supersedes, supersede_reason) SELECT"
        f" '01a2ffff-0000-7000-8000-00000000d6{n:02d}', period_start, period_end, content, notes,"
        " signed_at, 'OPS-B', (SELECT value FROM meta WHERE key = 'device_id'), content_hash,"
        f" '{supersedes}', 'mijn versie' FROM handover WHERE id = '{of}'"
    )


def test_handovers_superseding_what_the_store_refuses_are_quarantined_alike_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="shift_leader")
    start, end = NOW - timedelta(hours=8), NOW
    first = handover.sign_handover(a.store, start, end, notes="Rustig")
    clock.advance(minutes=1)
    second = handover.sign_handover(
        a.store, start, end, notes="Rustig", supersedes=first.id, reason="Incident vergeten"
    )
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    _raw(
        b,
        _copy(1, second.id, second.id),  # a's handover, in force: not b's to supersede
        _copy(2, second.id, first.id),  # superseded already
    )
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert user_tables(a.store) == before
    refused = {
        q.row_id[-2:]: (q.cause.params["error"], q.rule)
        for q in quarantined(a.store)
        if q.field == "" and q.cause.code == "row_refused"
    }
    assert refused == {
        "01": ("supersede_not_yours", "handover"),
        "02": ("supersede_not_in_force", "handover"),
    }
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a)
    assert user_tables(c.store) == user_tables(a.store)


def test_an_honest_superseding_handover_still_applies(tmp_path: Path, clock: FixedClock) -> None:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="shift_leader")
    exchange_all([a, b, c], tmp_path / "share")
    start, end = NOW - timedelta(hours=8), NOW
    mine = handover.sign_handover(b.store, start, end, notes="Rustig")
    clock.advance(minutes=1)
    handover.sign_handover(
        b.store, start, end, notes="Toch niet", supersedes=mine.id, reason="Incident vergeten"
    )
    bundle = Hostile(b, tmp_path).export()
    code, receipt = import_with_cli(a, bundle)
    assert code == 0, receipt
    assert user_tables(a.store)["handover"] == user_tables(b.store)["handover"]
    exchange.import_file(c.store, bundle)
    assert user_tables(c.store)["handover"] == user_tables(a.store)["handover"]
