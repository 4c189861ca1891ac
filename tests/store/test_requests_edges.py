"""Requests at the edges of time (issue 14, third review): the nearest later day keeps the
local wall-clock time across both clock changes, and a candidate the store invents outside
the years accepted is dropped instead of failing the request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store import agenda, requests, roster, staff, subjects
from store.clock import FixedClock, local
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import snapshot
from words.suggestions import cost

AMS = ZoneInfo("Europe/Amsterdam")


def _bever_with_officers_on(store: Store, shift: tuple[datetime, datetime]) -> None:
    """BEVER (W1: a bodyguard and a driver) and two officers on duty only at ``shift``."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=1)
    for callsign, skill in (("RT-0901", "close_protection"), ("RT-0902", "protective_driving")):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(skill, None)])
        roster.add_shift(store, callsign, start=shift[0], end=shift[1])


def _nearest(asked: requests.Request) -> tuple[int, requests.RequestOption]:
    found = [(n, o) for n, o in enumerate(asked.options, 1) if o.nearest]
    assert len(found) == 1, asked.options
    return found[0]


@pytest.mark.parametrize(
    "friday", [datetime(2027, 3, 26, tzinfo=AMS), datetime(2027, 10, 29, tzinfo=AMS)]
)
def test_the_nearest_later_day_keeps_the_local_time_across_a_clock_change(
    store: Store, friday: datetime
) -> None:
    monday = friday + timedelta(days=3)  # the clocks changed on the Sunday between
    shift = (monday.replace(hour=9).astimezone(UTC), monday.replace(hour=17).astimezone(UTC))
    _bever_with_officers_on(store, shift)
    start = friday.replace(hour=10).astimezone(UTC)
    asked = requests.request_activity(
        store, person="BEVER", title="Zitting", start=start, end=start + timedelta(hours=2)
    )
    n, option = _nearest(asked)
    assert option.start is not None and option.end is not None
    planned_start = local(option.start)
    planned_end = local(option.end)
    assert (planned_start.date(), planned_start.hour, planned_end.hour) == (monday.date(), 10, 12)
    assert cost(option.price) == "3 days later, same time"
    answered = requests.answer_request(store, asked.id, accept=n)
    assert answered.activity_id is not None
    activity = agenda.get_activity(store, answered.activity_id)
    assert local(activity.start_at).hour == 10


def test_a_time_the_clocks_skip_on_the_later_day_is_read_after_the_skip(store: Store) -> None:
    """02:00–03:00 does not exist on 28 March 2027: that day's option is 03:00–04:00 summer
    time (an hour long, as asked), not dropped as an empty span."""
    sunday = datetime(2027, 3, 28, tzinfo=AMS)
    _bever_with_officers_on(
        store, (sunday.astimezone(UTC), sunday.astimezone(UTC) + timedelta(hours=8))
    )
    start = datetime(2027, 3, 27, 2, tzinfo=AMS).astimezone(UTC)
    asked = requests.request_activity(
        store, person="BEVER", title="Nacht", start=start, end=start + timedelta(hours=1)
    )
    _n, option = _nearest(asked)
    assert (option.start, option.end) == (
        datetime(2027, 3, 28, 1, tzinfo=UTC),
        datetime(2027, 3, 28, 2, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "local_start", [datetime(2099, 12, 28, 10, tzinfo=AMS), datetime(2099, 12, 31, 21, tzinfo=AMS)]
)
def test_a_request_in_the_last_week_of_2099_drops_candidates_past_the_range(
    store: Store, local_start: datetime
) -> None:
    _bever_with_officers_on(
        store, (datetime(2099, 1, 5, 8, tzinfo=UTC), datetime(2099, 1, 5, 16, tzinfo=UTC))
    )
    start = local_start.astimezone(UTC)
    asked = requests.request_activity(
        store, person="BEVER", title="Oudjaar", start=start, end=start + timedelta(hours=2)
    )
    assert asked.verdict == "not_feasible"
    for option in asked.options:
        for moment in (option.start, option.end):
            if moment is not None:
                assert moment <= datetime(2099, 12, 31, 23, tzinfo=UTC)


def test_an_answer_to_a_stale_request_plans_nothing_that_has_ended(
    store: Store, clock: FixedClock, db_path: Path
) -> None:
    """Asked for Tuesday, nearest Thursday; answered on Wednesday: accepting Tuesday is
    refused (nothing written), Thursday (still ahead) may be accepted, and a stale request may
    always be refused (that closes it, planning nothing)."""
    thursday = datetime(2026, 12, 3, 7, tzinfo=UTC)
    _bever_with_officers_on(store, (thursday, thursday + timedelta(hours=8)))
    tuesday = datetime(2026, 12, 1, 9, tzinfo=UTC)
    asked = requests.request_activity(
        store, person="BEVER", title="Zitting", start=tuesday, end=tuesday + timedelta(hours=2)
    )
    other = requests.request_activity(
        store, person="BEVER", title="Overleg", start=tuesday, end=tuesday + timedelta(hours=1)
    )
    n, _option = _nearest(asked)
    clock.advance(days=4)  # Wednesday 2 December, 09:00 UTC
    before = snapshot(db_path)
    with pytest.raises(RuleViolation) as stale:
        requests.answer_request(store, asked.id, accept=1)
    assert stale.value.code == "request_option_over"
    assert snapshot(db_path) == before
    answered = requests.answer_request(store, asked.id, accept=n)
    assert answered.activity_id is not None
    refused = requests.answer_request(
        store, other.id, refuse=True, reason="capacity", authority="Burgemeester Havenstad"
    )
    assert refused.answer == "refused"
