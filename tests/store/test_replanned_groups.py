"""``agenda.replanned`` asks ``activity_view`` once per (person, concept, review flag) instead of
once per activity (issue 18): it must list exactly the activities, and the reasons, that the
view gives for each — whatever mix of reasons, review flags and statuses the window holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store import subjects
from store.agenda import Replan, replanned
from store.clock import to_db
from store.db import Store

VIEW = (
    "SELECT id, unixepoch(start_at), unixepoch(end_at), concept, subject_id, replan_reason"
    " FROM activity_view WHERE replan_reason IS NOT NULL AND end_at > ? AND start_at < ?"
    " ORDER BY start_at, id"
)


def test_replanned_lists_what_the_view_says_for_every_window(demo_store: Store) -> None:
    codes = [str(r[0]) for r in demo_store.tuples("SELECT code FROM subject ORDER BY code")]
    for code, level in zip(codes, (4, 1, 3, 2, 5), strict=False):  # raise and lower: R1 flags
        subjects.assess_threat(demo_store, code, level=level, summary="review")
    with demo_store.write("test: mixed review flags, a done and a cancelled activity") as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM activity ORDER BY start_at")]
        # the same person and concept with and without the flag: two groups, not one
        conn.execute(
            "UPDATE activity SET review_reason = 'changed_externally' WHERE id IN (?, ?, ?)",
            ids[1:4],
        )
        conn.execute("UPDATE activity SET status = 'cancelled' WHERE id = ?", (ids[5],))
    now = demo_store.clock.now()
    windows = [(None, None), (now, None), (None, now), (now - timedelta(days=1), now)]
    reasons = set()
    for start, end in windows:
        found = replanned(demo_store, start=start, end=end)
        low = "" if start is None else to_db(start)
        high = "~" if end is None else to_db(end)
        expected = [
            Replan(i, datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC), c, s, r)
            for i, a, b, c, s, r in demo_store.tuples(VIEW, (low, high))
        ]
        assert found == expected
        assert all(r.start.tzinfo is UTC and r.start < r.end for r in found)
        reasons |= {r.reason for r in found}
    assert {"below_required", "changed_externally"} <= reasons  # groups of both kinds compared
