"""The officers the console offers to deploy (``roster.deployable``): each one listed deploys
without a refusal, one deployed is no longer offered, and nothing is offered for an activity
without a concept or cancelled."""

from __future__ import annotations

from store import agenda, roster, staffing
from store.catalogue import get_concept
from store.db import Store
from store.staff import get_staff
from tests.conftest import snapshot


def test_every_officer_offered_deploys_and_leaves_the_offer(demo_store: Store) -> None:
    items = [a for a in agenda.list_activities(demo_store) if a.concept and a.status != "cancelled"]
    item = next(a for a in items if roster.deployable(demo_store, a.id))
    offered = roster.deployable(demo_store, item.id)
    assert item.concept is not None
    needs = {s.qualification for s in get_concept(demo_store, item.concept).staffing}
    for candidate in offered:  # free, on duty, qualified for an open place: no rule refuses
        assert set(candidate.fills) <= needs
        officer = get_staff(demo_store, candidate.callsign)
        assert roster.deployment_problem(demo_store, item.id, officer) is None
    first = offered[0]
    staffing.deploy(demo_store, item.id, [first.callsign])
    assert first.callsign not in {c.callsign for c in roster.deployable(demo_store, item.id)}


def test_nothing_is_offered_without_a_concept_or_once_cancelled(demo_store: Store) -> None:
    item = next(  # not yet over: one that has ended takes no restriction (R5)
        a
        for a in agenda.list_activities(demo_store)
        if a.concept and a.status != "cancelled" and a.end_at > demo_store.clock.now()
    )
    before = snapshot(demo_store.path)
    assert roster.deployable(demo_store, item.id)
    assert snapshot(demo_store.path) == before  # a listing writes nothing
    agenda.restrict_activity(
        demo_store, item.id, kind="cancelled", reason="capacity", authority="OvJ Havenstad"
    )
    assert roster.deployable(demo_store, item.id) == []
