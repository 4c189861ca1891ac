"""A calendar's own zones at the edges of Python's dates, and a TZID defined twice (issue 14,
second fresh review). A zone rule's UNTIL in year 9999 made ``import-ics`` exit 1 (an
OverflowError adding a day to it); two VTIMEZONEs with one TZID and different rules let the last
one win without a word. Now the first is read exactly, the second refuses the file naming the
zone (identical duplicates, as some exporters write, pass)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import subjects
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.store.test_ics_zone_bounds import DECEMBER, calendar, refused, within, zone

DAYLIGHT = "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


@pytest.mark.parametrize(
    ("until", "since"),
    [
        ("99991231T000000Z", "19700101"),
        ("99991231T235959Z", "19700101"),
        ("99991231", "19700101"),
        ("00010101T000000Z", "00010101"),
        ("20501025T010000Z", "99991231"),
    ],
)
def test_a_zone_rule_ending_at_the_edge_of_time_is_read_or_refused_in_words(
    bever: Store, tmp_path: Path, until: str, since: str
) -> None:
    """UNTIL (and DTSTART) near year 1 or 9999: never an exit 1; the usual zone reads 10:00 in
    December as 09:00 UTC."""
    standard = f"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL={until}\r\n"
    path = calendar(tmp_path, zone("Edge", standard, DAYLIGHT, since=since), tzid="Edge")
    try:
        with within(10):
            result = import_ics(bever, path, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    except BadInput as refusal:
        assert "Edge" in str(refusal)
        return
    [item] = result.items
    if until.startswith("9999") and since == "19700101":
        assert item.start == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_tzid_defined_twice_differently_is_refused_naming_it(
    bever: Store, tmp_path: Path
) -> None:
    standard = "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    first = zone("Z1", standard, DAYLIGHT)
    second = first.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0500")
    refused(
        bever,
        calendar(tmp_path, first, second, tzid="Z1"),
        r"z\.ics: the file defines time zone 'Z1' twice, differently, so which one VEVENT",
    )
    with within(10):
        result = import_ics(
            bever,
            calendar(tmp_path, first, first, tzid="Z1"),
            person="BEVER",
            **DECEMBER,  # type: ignore[arg-type]
        )
    assert [item.start for item in result.items] == [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]


@pytest.mark.parametrize("duration", ["P999999999D", "-P999999999D", "PT9999999999999S", "P99999W"])
def test_a_huge_duration_is_refused_in_words(bever: Store, tmp_path: Path, duration: str) -> None:
    path = calendar(tmp_path, tzid="Europe/Amsterdam")
    text = path.read_text().replace(
        "DTEND;TZID=Europe/Amsterdam:20261201T110000", f"DURATION:{duration}"
    )
    path.write_text(text)
    refused(bever, path, r"z\.ics")
