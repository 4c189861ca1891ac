"""Re-planning a standing post (issue 16, plan21): ``posts.assign_post_concept`` checks the
concept as assigning one to an activity does (R1, R3, R4), audited ``post.assign``, and the
change syncs: the other laptop applies it, judged as a standing post's concept change is."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import posts, subjects
from store.audit import list_audit
from store.clock import FixedClock
from store.errors import BadInput, RuleViolation
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
