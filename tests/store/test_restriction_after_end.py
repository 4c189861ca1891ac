"""A restriction decides what happens next (R5), so an activity that is over cannot be
cancelled, shortened or relocated any more (moving what did not take place to a time ahead
stays legal), and a correction cannot move a time not yet past into the past — only a past
time to another past time (issue 16, fourth review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock, local_iso, local_text
from store.db import Store
from store.errors import RuleViolation
from store.sync import exchange
from tests.conftest import NOW, at, snapshot
from tests.hostile import import_with_cli
from tests.store.test_sync_review import quarantined
from tests.sync_team import exchange_all, make_team, user_tables
from words.errors import sentence


def _activity(store: Store, start: str, end: str) -> agenda.Activity:
    if not store.one("SELECT 1 FROM subject WHERE code = 'DAS'"):
        subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
        subjects.assess_threat(store, "DAS", level=3)
    return agenda.add_activity(  # the clock stands at 2026-11-28 10:00 (local)
        store, person="DAS", title="Overleg", start=at(store, start), end=at(store, end)
    )


@pytest.mark.parametrize(
    ("kind", "start", "end", "location"),
    [
        ("cancelled", None, None, None),
        ("shortened", None, "2026-11-27 09:30", None),
        ("relocated", None, None, "Stadhuis"),
        ("moved", "2026-11-27 07:00", None, None),  # into the past as well
    ],
)
def test_an_activity_that_is_over_is_not_restricted(
    store: Store, kind: str, start: str | None, end: str | None, location: str | None
) -> None:
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        agenda.restrict_activity(
            store, over.id, kind=kind, reason="capacity", authority="OvJ",
            new_start=at(store, start) if start else None,
            new_end=at(store, end) if end else None, new_location=location,
        )  # fmt: skip
    assert caught.value.code == "restriction_after_end"
    assert sentence(caught.value) == (
        "'Overleg' ended at 2026-11-27 10:00: a restriction may move it only to a time still "
        "ahead, and 2026-11-27 07:00 has already passed (rule R5); give a later start. When the "
        "agenda was simply wrong, say why as a correction instead (e: Edit)."
        if kind == "moved"
        else "'Overleg' ended at 2026-11-27 10:00: what has taken place is not restricted any "
        "more (rule R5); a restriction may only move it to a time still ahead. When the agenda "
        "was simply wrong, say why as a correction instead (e: Edit)."
    )  # what is wrong, and what may be done instead (rev17q)
    assert snapshot(store.path) == before
    assert agenda.restriction_counts(store) == []


def test_what_did_not_take_place_may_be_moved_ahead(store: Store) -> None:
    over = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    moved = agenda.restrict_activity(
        store, over.id, kind="moved", reason="capacity", authority="OvJ",
        new_start=at(store, "2026-11-30 09:00"),
    )  # fmt: skip
    assert local_iso(moved.new_start_at) == "2026-11-30T09:00:00+01:00"


def test_a_correction_does_not_move_a_time_not_yet_past_into_the_past(store: Store) -> None:
    ahead = _activity(store, "2026-11-30 09:00", "2026-11-30 10:00")
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        agenda.edit_activity(
            store, ahead.id, start=at(store, "2026-11-27 09:00"),
            end=at(store, "2026-11-27 10:00"), correction="typo in de datum",
        )  # fmt: skip
    assert caught.value.code == "correction_into_past"
    assert local_text(caught.value.params["moment"]) == "2026-11-27 09:00"
    assert snapshot(store.path) == before
    # a past activity's own times are corrected to other past times
    past = _activity(store, "2026-11-27 09:00", "2026-11-27 10:00")
    fixed = agenda.edit_activity(
        store, past.id, start=at(store, "2026-11-27 08:00"), end=at(store, "2026-11-27 09:30"),
        correction="begon een uur eerder",
    )  # fmt: skip
    assert local_iso(fixed.start_at) == "2026-11-27T08:00:00+01:00"


def test_a_restriction_of_an_ended_activity_from_a_bundle_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    over = _activity(a.store, "2026-11-27 09:00", "2026-11-27 10:00")
    exchange_all([a, b], tmp_path / "share", rounds=1)
    must_be = user_tables(a.store)
    with monkeypatch.context() as patched:
        patched.setattr(agenda, "_check_not_into_past", lambda *_args: None)
        agenda.restrict_activity(
            b.store, over.id, kind="cancelled", reason="capacity", authority="OvJ"
        )
    bundle = exchange.export(b.store, out=tmp_path / "b.swb").path
    code, receipt = import_with_cli(a, bundle)
    assert code == 5
    assert ("restriction", "", "R5") in quarantined(receipt)
    tables = user_tables(a.store)
    assert tables["activity"] == must_be["activity"]
    assert tables["restriction"] == must_be["restriction"] == []
