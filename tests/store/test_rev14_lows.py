"""rev14's low findings (lows.sh L1, L2, L5–L8): each refusal for the right reason, with the
facts a person needs, and a time at the end of the range read the same however it is typed."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store import validate
from store.clock import FixedClock, parse_time, require_order
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from store.roster import import_shifts
from store.sync.exchange import bundle_files
from tests.conftest import refused_as, snapshot
from words.errors import SENTENCES, sentence


def test_an_end_before_its_start_in_the_autumn_fold_shows_both_offsets() -> None:
    """L1: 02:10+01:00 → 02:50+02:00 ends 20 minutes before it starts; without offsets the
    refusal read '02:50, not after 02:10'."""
    clock = FixedClock()
    start = parse_time("2027-10-31T02:10+01:00", clock)
    end = parse_time("2027-10-31T02:50+02:00", clock)
    with pytest.raises(BadInput) as refused:
        require_order(start, end, "The activity")
    assert "ends 2027-10-31 02:50+02:00, not after its start 2027-10-31 02:10+01:00" in sentence(
        refused.value
    )
    worded = sentence(refused.value)  # the faces' words: the facts are the two datetimes
    assert "2027-10-31 02:50+02:00" in worded and "2027-10-31 02:10+01:00" in worded, worded
    with pytest.raises(BadInput) as plain:  # outside the fold: as before, no offsets
        require_order(
            parse_time("2027-10-30 12:00", clock), parse_time("2027-10-30 11:00", clock), "X"
        )
    assert "+0" not in sentence(plain.value) and "2027-10-30 12:00" in sentence(plain.value)


def test_a_number_with_too_many_decimals_is_refused_for_its_length() -> None:
    """L2: 44 decimals were 'not a number written in digits 0-9'."""
    digits = "1." + "0" * 43 + "1"
    with pytest.raises(BadInput) as refused:
        validate.number_text(digits, "--hours-per-fte", low=1, high=168)
    assert refused.value.code == "too_many_digits"
    assert "more digits than it can hold" in SENTENCES["too_many_digits"](refused.value.params)
    with pytest.raises(BadInput) as letters:
        validate.number_text("1.5x", "--hours-per-fte", low=1, high=168)
    assert letters.value.code == "not_number_digits"


def test_tomorrow_midnight_on_the_last_day_is_the_range_s_end_as_typed_in_full() -> None:
    """L7: on 2099-12-31, 'tomorrow 00:00' was refused while '2100-01-01 00:00' was read."""
    clock = FixedClock(datetime(2099, 12, 31, 11, 0, tzinfo=UTC))
    assert parse_time("tomorrow 00:00", clock) == parse_time("2100-01-01 00:00", clock)
    for late in ("tomorrow 00:01", "2100-01-01 00:01"):
        with refused_as(BadInput, "outside the years"):
            parse_time(late, clock)


def test_a_csv_record_over_two_lines_is_reported_at_its_first(
    demo_store: Store, tmp_path: Path
) -> None:
    """L5: a quoted field with a line break made the refusal name the record's last line."""
    roster = tmp_path / "fold.csv"
    roster.write_text(
        "callsign,start,end\n"
        "AM-0002,2026-12-06 07:00,2026-12-06 15:00\n"
        'AM-0002,"2026-12-07\n07:00",2026-12-07 15:00\n'
        "AM-0002,x,2026-12-08 15:00\n",
        encoding="utf-8",
    )
    before = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        import_shifts(demo_store, roster)
    assert "line 3: '2026-12-07\\u000a07:00' is not a time" in sentence(refused.value)
    assert "line 5: 'x' is not a time" in sentence(refused.value)
    assert snapshot(demo_store.path) == before


def _calendar(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "named.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"X-WR-CALNAME:{name}\r\n"
        "BEGIN:VEVENT\r\nUID:n1\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:t\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
        newline="",
    )
    return path


def test_a_calendar_s_own_name_is_one_that_could_be_typed(
    demo_store: Store, tmp_path: Path
) -> None:
    """L6: the file's X-WR-CALNAME was kept whatever it held, while --calendar refuses a name
    that cannot be told apart when typed. Control and bidi characters are kept escaped (the
    escaped text is what --calendar takes to name it again); a look-alike name is refused."""
    window = {"start": date(2026, 11, 28), "end": date(2026, 12, 28)}
    escaped = _calendar(tmp_path, "\x1b[31m[/]Cal\u202e")
    first = import_ics(demo_store, escaped, person="BEVER", **window)
    assert first.calendar == "\\u001b[31m[/]Cal\\u202e"
    again = import_ics(demo_store, escaped, person="BEVER", calendar=first.calendar, **window)
    assert (again.added, again.unchanged) == (0, 1)  # the same calendar, named when typed
    before = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        import_ics(demo_store, _calendar(tmp_path, "\u0421alendar"), person="BEVER", **window)
    assert refused.value.code == "mixed_scripts"
    assert refused.value.params["field"] == "calendar_calname"
    assert sentence(refused.value).startswith("The calendar's X-WR-CALNAME ")
    assert snapshot(demo_store.path) == before


def test_a_folder_named_as_a_bundle_is_called_a_folder(tmp_path: Path) -> None:
    """L8: a folder (or a FIFO) named *.swb in a device's folder was 'a link, a FIFO or a
    device'."""
    device = tmp_path / "laptop-b"
    device.mkdir()
    (device / "2099-12-31T000004Z-r9-dir.swb").mkdir()
    os.mkfifo(device / "2099-12-31T000005Z-r9-fifo.swb")
    found = {path.name: problem for path, problem in bundle_files(tmp_path, "mine")}
    words = {name: SENTENCES[p.code](p.params) for name, p in found.items() if p is not None}
    assert words == {
        "2099-12-31T000004Z-r9-dir.swb": "Bundle refused (file): it is a folder, not a regular "
        "file; it was not read. Nothing was changed.",
        "2099-12-31T000005Z-r9-fifo.swb": "Bundle refused (file): it is a FIFO (named pipe), not "
        "a regular file; it was not read. Nothing was changed.",
    }
