"""Issue 17 (plan8): the Gaps screen opened on a gap that had already ended ("ended …;
nothing to do"). Gaps not yet over come first, ended ones after them, dimmed."""

from __future__ import annotations

from console.screens.roster import fetch_roster
from store.clock import local
from store.db import Store
from store.gaps import gaps_by_hour, live_first
from store.suggest import suggest
from words.suggestions import describe


def test_the_first_gap_shown_is_one_the_shift_can_still_act_on(demo_store: Store) -> None:
    now = demo_store.clock.now()
    data = fetch_roster(demo_store, local(now).date())
    listed, _ = gaps_by_hour(demo_store, data.start, 48)
    assert any(g.end <= now for g in listed), "the demo day has an ended gap to put last"
    assert data.gaps == live_first(listed, now)
    ended = [g.end <= now for g in data.gaps]
    assert ended == sorted(ended)  # every gap not over before every ended one
    first = data.gaps[0]
    assert first.end > now
    (option, *_) = suggest(demo_store, first.activities[0])
    assert "nothing to do" not in describe(option.what)
    # an ended gap is still listed (last, dimmed), so yesterday's history is not lost
    assert (data.rows[0].style, data.rows[-1].style) == ("", "dim")
