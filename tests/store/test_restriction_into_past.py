"""A restriction decides what happens next (R5): one that would move an activity's start or
end to a time already past is refused by the store (so by every face) and quarantined when a
laptop sends one past its store (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock, local_text
from store.db import Store
from store.errors import RuleViolation
from store.sync import exchange
from tests.conftest import NOW, at, snapshot
from tests.hostile import import_with_cli
from tests.store.test_sync_review import quarantined
from tests.sync_team import exchange_all, make_team, user_tables


@pytest.fixture
def visit(store: Store) -> agenda.Activity:
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "DAS", level=3)
    return agenda.add_activity(  # the clock stands at 2026-11-28 10:00 (local)
        store,
        person="DAS",
        title="Werkbezoek",
        start=at(store, "2026-11-28 09:00"),
        end=at(store, "2026-11-28 12:00"),
        location="Haven",
    )


@pytest.mark.parametrize(
    ("kind", "start", "end", "moment"),
    [
        ("moved", "2026-11-27 09:00", None, "2026-11-27 09:00"),
        ("moved", "2026-11-28 09:30", None, "2026-11-28 09:30"),
        ("shortened", None, "2026-11-28 09:45", "2026-11-28 09:45"),
    ],
)
def test_a_restriction_into_the_past_is_refused(
    store: Store, visit: agenda.Activity, kind: str, start: str | None, end: str | None, moment: str
) -> None:
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        agenda.restrict_activity(
            store,
            visit.id,
            kind=kind,
            reason="capacity",
            authority="OvJ",
            new_start=at(store, start) if start else None,
            new_end=at(store, end) if end else None,
        )
    assert caught.value.code == "restriction_into_past"
    assert local_text(caught.value.params["moment"]) == moment  # a datetime; words format it
    assert snapshot(store.path) == before


def test_a_restriction_ahead_is_recorded(store: Store, visit: agenda.Activity) -> None:
    """Shortening a running activity to end later than now, or moving it ahead, stays legal."""
    agenda.restrict_activity(
        store,
        visit.id,
        kind="shortened",
        reason="capacity",
        authority="OvJ",
        new_end=at(store, "2026-11-28 11:00"),
    )
    moved = agenda.restrict_activity(
        store,
        visit.id,
        kind="moved",
        reason="capacity",
        authority="OvJ",
        new_start=at(store, "2026-11-29 09:00"),
    )
    assert moved.new_end_at == at(store, "2026-11-29 11:00")


def test_a_restriction_into_the_past_from_a_bundle_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shift leader's laptop whose store lacks the check (an older version) moves an activity
    to last week: the bundle's restriction is quarantined, the activity stays where it was."""
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=3)
    ahead = agenda.add_activity(
        a.store,
        person="DAS",
        title="Werkbezoek",
        start=at(a.store, "2026-12-02 09:00"),
        end=at(a.store, "2026-12-02 11:00"),
    )
    exchange_all([a, b], tmp_path / "share", rounds=1)
    must_be = user_tables(a.store)
    with monkeypatch.context() as patched:
        patched.setattr(agenda, "_check_not_into_past", lambda *_args: None)
        agenda.restrict_activity(
            b.store,
            ahead.id,
            kind="moved",
            reason="capacity",
            authority="OvJ",
            new_start=at(b.store, "2026-11-20 09:00"),
        )
    bundle = exchange.export(b.store, out=tmp_path / "b.swb").path
    code, receipt = import_with_cli(a, bundle)
    assert code == 5
    assert ("restriction", "", "R5") in quarantined(receipt)
    tables = user_tables(a.store)
    assert tables["activity"] == must_be["activity"]
    assert tables["restriction"] == must_be["restriction"] == []
