"""The importer's "needed re-planning as of" (``session._REPLAN_AS_OF``) decides exactly as the
store's ``activity_view.replan_reason`` does for the same concept, level and review flag: the
two are still written twice (SQL cannot pass parameters to a view), so this keeps them alike."""

from __future__ import annotations

from store import subjects
from store.db import Store
from store.sync import session


def test_the_as_of_question_answers_as_the_view_for_every_activity(demo_store: Store) -> None:
    codes = [str(r[0]) for r in demo_store.tuples("SELECT code FROM subject ORDER BY code")]
    for code, level in zip(codes, (4, 1, 3, 2, 5), strict=False):  # raise and lower: R1 flags
        subjects.assess_threat(demo_store, code, level=level, summary="review")
    rows = demo_store.tuples(
        "SELECT v.concept, s.threat_level, v.review_reason, v.subject_id, v.replan_reason"
        " FROM activity_view v JOIN subject s ON s.id = v.subject_id"
        " WHERE v.status NOT IN ('cancelled', 'done')"
    )
    reasons = set()
    for concept, level, review, subject, shown in rows:
        found = demo_store.one(
            session._REPLAN_AS_OF, (concept, level, concept, concept, review, subject)
        )
        assert found is not None and found[0] == shown, (concept, level, review, shown)
        reasons.add(shown)
    assert {None, "below_required"} <= reasons  # both answers were compared
