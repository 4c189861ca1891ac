"""One helper each: what a row key names, what a clock stamp's time is (sync/change.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from store.sync.change import COUNTER_BITS, clock_moment, clock_text, hlc_wall_ms, row_id


def test_a_row_key_names_its_one_part_and_only_that() -> None:
    assert row_id('["a1"]') == "a1"  # the usual id
    escaped = json.dumps(['say "hi"\\'])  # a quote and a backslash: read, not cut out
    assert row_id(escaped) == 'say "hi"\\'
    assert row_id("[7]") == "7"
    # Several parts name no single id (a first part alone would name another row): as given.
    assert row_id('["a","b"]') == '["a","b"]'
    assert row_id("[]") == "[]"
    # A quarantined record's malformed key names no row: as given.
    assert row_id('["a"') == '["a"'
    assert row_id("a") == "a"


def test_a_clock_stamp_reads_as_its_wall_time_or_none() -> None:
    wall = int(datetime(2026, 3, 29, 1, 30, 15, 999_000, tzinfo=UTC).timestamp() * 1000)
    stamp = (wall << COUNTER_BITS) | 5  # the counter never moves the time
    assert hlc_wall_ms(stamp) == wall
    assert clock_moment(stamp) == datetime(2026, 3, 29, 1, 30, 15, 999_000, tzinfo=UTC)
    assert clock_text(stamp) == "2026-03-29T01:30:15Z"  # whole seconds, cut not rounded
    assert clock_text(0) == "1970-01-01T00:00:00Z"
    assert clock_moment(2**80) is None and clock_text(2**80) is None  # beyond any datetime
