"""Re-planning a standing post (issue 16, plan21): ``posts.assign_post_concept`` checks the
concept as assigning one to an activity does (R1, R3, R4), audited ``post.assign``, and the
change syncs: the other laptop applies it, judged as a standing post's concept change is."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import posts, subjects
from store.audit import list_audit
from store.clock import FixedClock
from store.errors import BadInput, RuleViolation
from store.gaps import posts_below_required
from store.sync import status
from store.sync.quarantine import quarantined
from tests.conftest import snapshot
from tests.store.test_sync_plans_judged import _team
from tests.sync_team import exchange_all, user_tables


def test_a_post_is_re_planned_and_synced(tmp_path: Path, clock: FixedClock) -> None:
    a, b, made = _team(tmp_path, clock, "planner")
    clock.advance(minutes=1)  # the raise after the post was planned
    subjects.assess_threat(a.store, "KIEVIT", level=4)
    exchange_all([a, b], tmp_path / "share")
    post = posts.get_post(b.store, made["post"])
    assert post.needs_replanning and post.required_level == "W4"
    assert [p.id for p in posts.list_posts(b.store, below=True)] == [made["post"]]
    before = snapshot(b.store.path)
    with pytest.raises(RuleViolation) as refused:
        posts.assign_post_concept(b.store, made["post"], "CP-LIGHT")
    assert (refused.value.code, refused.value.rule) == ("concept_below_required", "R1")
    with pytest.raises(RuleViolation) as refused:
        posts.assign_post_concept(b.store, made["post"], "OBJ-HRB")  # for objects (R3)
    assert refused.value.rule == "R3"
    assert snapshot(b.store.path) == before
    done = posts.assign_post_concept(b.store, made["post"], "CP-HEAVY")
    assert (done.concept, done.needs_replanning) == ("CP-HEAVY", False)
    event = list_audit(b.store, limit=1)[0]
    assert (event.action, event.target) == ("post.assign", made["post"])
    with pytest.raises(BadInput) as same:
        posts.assign_post_concept(b.store, made["post"], "cp-heavy")
    assert same.value.code == "post_unchanged"
    exchange_all([a, b], tmp_path / "share")
    assert posts.get_post(a.store, made["post"]).concept == "CP-HEAVY"
    assert not quarantined(a.store) and not quarantined(b.store)
    assert user_tables(a.store)["standing_post"] == user_tables(b.store)["standing_post"]


def test_a_post_re_planned_on_two_laptops_offline_is_a_conflict(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Issue 16 (plan22): a standing post's concept is critical as an activity's is: two
    laptops choosing different concepts offline keep both values as one conflict."""
    a, b, made = _team(tmp_path, clock, "planner")
    exchange_all([a, b], tmp_path / "share")
    clock.advance(minutes=1)
    posts.assign_post_concept(a.store, made["post"], "CP-HEAVY")
    for concept in ("CP-HEAVY", "CP-LIGHT"):  # b ends on another value than a
        clock.advance(minutes=1)
        posts.assign_post_concept(b.store, made["post"], concept)
    exchange_all([a, b], tmp_path / "share")
    shown = [status.list_conflicts(lap.store) for lap in (a, b)]
    assert [len(found) for found in shown] == [1, 1] and shown[0] == shown[1]
    assert sorted(h.value for h in shown[0][0].heads) == ["CP-HEAVY", "CP-LIGHT"]
    status.resolve(a.store, shown[0][0].id, choose=1)
    exchange_all([a, b], tmp_path / "share")
    assert [status.count_open(lap.store) for lap in (a, b)] == [0, 0]
    kept = {posts.get_post(lap.store, made["post"]).concept for lap in (a, b)}
    assert len(kept) == 1 and kept <= {"CP-HEAVY", "CP-LIGHT"}


def test_a_post_outside_its_package_after_a_lowering_needs_re_planning(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Issue 16 (plan22 item 2): lowered to W1, KIEVIT's CP-LIGHT post is above the level but
    outside PKG-W1 (R3): flagged as an activity would be, listed below, counted in the gaps."""
    a, _b, made = _team(tmp_path, clock, "planner")
    clock.advance(minutes=1)
    subjects.assess_threat(a.store, "KIEVIT", level=1)
    post = posts.get_post(a.store, made["post"])
    assert (post.needs_replanning, post.replan_reason) == (True, "outside_package")
    assert [p.id for p in posts.list_posts(a.store, below=True)] == [made["post"]]
    far = post.end_at + timedelta(days=1)
    assert [p.id for p in posts_below_required(a.store, post.start_at, far)] == [made["post"]]
