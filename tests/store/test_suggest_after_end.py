"""``suggest`` offers nothing for an activity that has ended, and applying an option shown
before it ended is refused, nothing written (issue 16, fourth review: it offered officers
and ``--apply`` deployed them)."""

from __future__ import annotations

import pytest

from commands.roster_cmd import option_dict
from store import agenda, roster, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput
from store.suggest import apply_option, apply_suggestion, suggest
from tests.conftest import at, snapshot
from words.suggestions import describe


def test_an_ended_activity_gets_no_options(store: Store, clock: FixedClock) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    staff.add_staff(
        store, "RT-0001", unit="RT",
        qualifications=[("close_protection", None), ("protective_driving", None)],
    )  # fmt: skip
    staff.add_staff(store, "RT-0002", unit="RT", qualifications=[("close_protection", None)])
    for callsign in ("RT-0001", "RT-0002"):
        roster.add_shift(
            store, callsign, start=at(store, "2026-11-28 07:00"), end=at(store, "2026-11-28 15:00")
        )
    item = agenda.add_activity(
        store, person="BEVER", title="Zitting", start=at(store, "2026-11-28 11:00"),
        end=at(store, "2026-11-28 12:00"),
    )  # fmt: skip
    shown = [o for o in suggest(store, item.id) if o.feasible or o.partial]
    assert shown  # ahead of it: options (partly: nobody is deployed yet)
    clock.advance(seconds=3 * 3600)  # 13:00: it has ended
    (only,) = suggest(store, item.id)
    assert (only.action, describe(only.what)) == (
        "none",
        "'Zitting' ended at 2026-11-28 12:00; nothing to do.",
    )
    # plan22 item 4: nothing to do is no option: not feasible, and the CLI gives it no number
    assert not (only.feasible or only.partial)
    assert option_dict(1, only)["n"] is None
    before = snapshot(store.path)
    for option in shown:
        with pytest.raises(BadInput) as refused:
            apply_option(store, item.id, option)
        assert refused.value.code == "activity_over"
    with pytest.raises(BadInput):
        apply_suggestion(store, item.id, n=1)
    assert snapshot(store.path) == before
