"""A restriction given a new title or kind with it (the console's edit form) is one store action:
every field checked before anything is written, audited once as ``activity.restrict`` (rev16j:
the relocation was written, then the title refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import agenda, audit, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput, PermissionDenied
from store.sync.quarantine import quarantined
from tests.conftest import NOW, as_user, at, refused_as, snapshot
from tests.sync_team import exchange_all, make_team, user_tables


@pytest.fixture
def upcoming(demo_store: Store) -> agenda.Activity:
    """An activity of the demo not yet over and not restricted."""
    now = demo_store.clock.now()
    return next(
        a
        for a in agenda.list_activities(demo_store)
        if a.end_at > now and a.status in ("planned", "confirmed") and a.location != "Stadhuis"
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"title": "  "}, r"title may not be empty"),
        ({"title": "x" * 5000}, r"at most 4000 characters"),
        ({"activity_kind": "leisure"}, r"[Uu]nknown kind"),
    ],
    ids=["blank-title", "long-title", "unknown-kind"],
)
def test_a_refused_field_writes_no_restriction(
    demo_store: Store, upcoming: agenda.Activity, changes: dict[str, str], words: str
) -> None:
    before = snapshot(demo_store.path)
    with refused_as(BadInput, words):
        agenda.restrict_activity(
            demo_store,
            upcoming.id,
            kind="relocated",
            reason="threat",
            authority="Burgemeester Havenstad",
            new_location="Stadhuis",
            **changes,  # type: ignore[arg-type]
        )
    assert snapshot(demo_store.path) == before


def test_restriction_and_title_are_one_audited_action(
    demo_store: Store, upcoming: agenda.Activity
) -> None:
    kind = "private" if upcoming.kind == "work" else "work"
    agenda.restrict_activity(
        demo_store,
        upcoming.id,
        kind="relocated",
        reason="threat",
        authority="Burgemeester Havenstad",
        new_location="Stadhuis",
        title="Elders",
        activity_kind=kind,
    )
    after = agenda.get_activity(demo_store, upcoming.id)
    assert (after.title, after.kind, after.location) == ("Elders", kind, "Stadhuis")
    events = [e for e in audit.list_audit(demo_store, limit=10) if e.target == upcoming.id]
    assert [e.action for e in events] == ["activity.restrict"]  # one action, no activity.edit
    assert json.loads(events[0].detail)["edited"] == ["kind", "title"]


def test_a_new_title_with_a_restriction_needs_write_rights(
    demo_store: Store, upcoming: agenda.Activity
) -> None:
    """The authority role may restrict but not write activities: not the title either."""
    staff.add_staff(demo_store, "GZ-01", unit="RT", role="authority")
    authority = as_user(demo_store, "GZ-01")
    before = snapshot(demo_store.path)
    with refused_as(PermissionDenied, r"."):
        agenda.restrict_activity(
            authority,
            upcoming.id,
            kind="relocated",
            reason="threat",
            authority="Burgemeester Havenstad",
            new_location="Stadhuis",
            title="Elders",
        )
    assert snapshot(demo_store.path) == before


def test_the_one_action_is_accepted_on_another_laptop(tmp_path: Path) -> None:
    """The restriction and the new title travel as one change set, and the other laptop's judge
    accepts it whole (nothing quarantined, the same rows there)."""
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    visit = agenda.add_activity(
        a.store,
        person="DAS",
        title="Bezoek",
        start=at(a.store, "2026-12-02 10:00"),
        end=at(a.store, "2026-12-02 11:00"),
        location="Rechtbank",
    )
    exchange_all([a, b], tmp_path / "share", rounds=1)
    agenda.restrict_activity(
        a.store,
        visit.id,
        kind="relocated",
        reason="threat",
        authority="OvJ",
        new_location="Stadhuis",
        title="Bezoek elders",
    )
    exchange_all([a, b], tmp_path / "share", rounds=1)
    assert quarantined(b.store) == []
    assert user_tables(b.store) == user_tables(a.store)
    assert agenda.get_activity(b.store, visit.id).title == "Bezoek elders"
