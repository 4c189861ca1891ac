"""The third review of issue 14, small findings in the store: one moment near the edges of the
accepted years was accepted or refused by how it was written (the offset form checked the
written day, the local form the local day): ``validate.moment`` is now the one bound for every
spelling. A signal whose text is only invisible characters (zero-width, bidi marks, line and
paragraph separators) said nothing and was accepted; it is refused as empty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store import clock, signals, validate
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput
from tests.conftest import refused_as, snapshot

NOW = FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("spelling", "moment"),
    [
        ("1970-01-01 00:30", datetime(1969, 12, 31, 23, 30, tzinfo=UTC)),
        ("1969-12-31T23:30+00:00", datetime(1969, 12, 31, 23, 30, tzinfo=UTC)),
        ("1969-12-31T23:30:00Z", datetime(1969, 12, 31, 23, 30, tzinfo=UTC)),
        ("2099-12-31 23:30", datetime(2099, 12, 31, 22, 30, tzinfo=UTC)),
        ("2100-01-01T00:30+02:00", datetime(2099, 12, 31, 22, 30, tzinfo=UTC)),
    ],
)
def test_one_moment_in_range_is_accepted_however_written(spelling: str, moment: datetime) -> None:
    assert clock.parse_time(spelling, NOW) == moment


@pytest.mark.parametrize(
    "spelling",
    ["1969-12-31 23:30", "1969-12-31T22:30+00:00", "2100-01-01 00:01", "2099-12-31T23:30Z"],
)
def test_one_moment_out_of_range_is_refused_however_written(spelling: str) -> None:
    with refused_as(BadInput, "outside the years"):
        clock.parse_time(spelling, NOW)


@pytest.mark.parametrize(
    "text", ["\u200b", "\u2028\u2029\u00a0 \u200b", "\u200e\u200f\u202e\ufe0f"]
)
def test_a_signal_of_invisible_characters_only_is_refused(store: Store, text: str) -> None:
    assert validate.blank(text) and not validate.blank(text + "x")
    before = snapshot(store.path)
    with pytest.raises(BadInput) as refused:
        signals.raise_signal(store, text, category="other", urgency="routine", tlp="green")
    assert refused.value.code == "signal_needs_description"
    assert snapshot(store.path) == before
