"""A team built from a demo (the admin's laptop runs `demo`, the others join and sync) raises
no alarm: the demo dates what it records as written earlier — threat assessments, signals and
their steps, log entries — within the back-dating limit, so no peer flags it, and it still
shows a history (a first assessment, then a rise)."""

from __future__ import annotations

from pathlib import Path

from store.clock import FixedClock
from store.demo import generate_demo
from tests.conftest import NOW
from tests.sync_team import exchange_all, make_team


def test_a_team_built_from_a_demo_raises_no_back_dating_alarm(tmp_path: Path) -> None:
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    generate_demo(a.store)
    exchange_all([a, b], tmp_path / "share", rounds=1)
    assert b.store.one("SELECT count(*) FROM threat_assessment")[0] > 12  # it all arrived
    assert b.store.tuples("SELECT kind, detail FROM sync_flag") == []
    history = b.store.tuples(
        "SELECT subject_id, group_concat(assessed_at, ' < ') FROM (SELECT * FROM"
        " threat_assessment ORDER BY assessed_at) GROUP BY subject_id HAVING count(*) > 1"
    )
    assert history  # some persons' threat rose after a first assessment
    for _subject, times in history:
        first, *later = str(times).split(" < ")
        assert all(first < t for t in later)


def test_a_demo_on_a_member_laptop_later_than_the_team_is_not_called_back_dated(
    tmp_path: Path,
) -> None:
    """rev13s F3: with the clock apart from the team's creation (as a real clock is: no stamp
    of the team's shares the demo's millisecond, so every stamp is the author's own clock), a
    demo on an enrolled member laptop was flagged back-dated on every peer ("dated 13 records
    back"): its history lay up to 55 minutes before the clock, and a peer names a recorded time
    more than 5 minutes before an own-clock stamp. Now it lies within those 5 minutes."""
    clock = FixedClock(NOW)
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    clock.advance(hours=3)
    generate_demo(b.store, scale="small")
    exchange_all([a, b], tmp_path / "share", rounds=1)
    assert a.store.one("SELECT count(*) FROM log_entry")[0] > 0  # it all arrived
    assert a.store.tuples("SELECT kind, detail FROM sync_flag") == []
    rose = a.store.tuples(
        "SELECT subject_id FROM threat_assessment GROUP BY subject_id HAVING count(*) > 1"
    )
    assert rose  # still a history: a first assessment, then a rise
