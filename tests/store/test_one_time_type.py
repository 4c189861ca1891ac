"""One time type (issue 15 point 1): records and facts carry aware UTC datetimes, text only at
the edges. The clock's display helpers take datetimes (stored text is converted once, with
``from_db``); a deployment problem's times are datetimes that its JSON writes as the stored UTC
text scripts always received (tests/store/test_travel_between_deployments.py); the handover's
overlap periods are ISO with the offset (tests/store/test_handover_overlap.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from store import clock

HELPERS = (clock.local, clock.local_iso, clock.local_text, clock.local_span, clock.hours_between)


@pytest.mark.parametrize("helper", HELPERS, ids=lambda f: f.__name__)
def test_the_clock_helpers_take_datetimes_not_stored_text(helper: Callable[..., object]) -> None:
    for name, parameter in inspect.signature(helper).parameters.items():
        if name != "with_date":
            assert "str" not in str(parameter.annotation), (helper, name)


def test_json_times_writes_datetimes_as_stored_utc_text_at_any_depth() -> None:
    moment = datetime(2026, 12, 1, 6, 55, tzinfo=UTC)
    local = moment.astimezone(clock.LOCAL_TZ)  # the same instant in Amsterdam: the same text
    facts = {"at": local, "list": [moment, ("x", moment)], "n": 3, "none": None}
    assert clock.json_times(facts) == {
        "at": "2026-12-01T06:55:00Z",
        "list": ["2026-12-01T06:55:00Z", ["x", "2026-12-01T06:55:00Z"]],
        "n": 3,
        "none": None,
    }
