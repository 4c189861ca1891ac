"""An RDATE of another kind than its series' DTSTART (issue 16, rev16m, MED): an
``RDATE;VALUE=DATE`` on a timed series made an activity 00:00–01:00 with no word — a time of
protection invented. Right: refused naming the event and the value (RFC 5545: an RDATE has
its DTSTART's kind), as a RECURRENCE-ID of the wrong kind is (``calendar_recurrence_kind``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.store.test_ics_programs import MARCH, bever
from words.errors import sentence

__all__ = ["bever"]


def _series(tmp_path: Path, start: str, rdate: str) -> Path:
    path = tmp_path / "rdate.ics"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN", "BEGIN:VEVENT", "UID:aa@x",
        "DTSTAMP:20270101T000000Z", f"DTSTART{start}", "RRULE:FREQ=WEEKLY;COUNT=2", rdate,
        "SUMMARY:Serie", "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("start", "rdate", "said"),
    [
        (
            ";TZID=Europe/Amsterdam:20270301T100000",
            "RDATE;VALUE=DATE:20270320",
            "rdate.ics: VEVENT aa@x (Serie) has an RDATE 20270320 that is a date but its "
            "series' DTSTART is a date-time;",
        ),
        (
            ":20270301T100000Z",
            "RDATE;VALUE=DATE:20270320,20270322",
            "rdate.ics: VEVENT aa@x (Serie) has an RDATE 20270320 that is a date but its "
            "series' DTSTART is a date-time;",
        ),
        (
            ";VALUE=DATE:20270301",
            "RDATE;TZID=Europe/Amsterdam:20270320T100000",
            "rdate.ics: VEVENT aa@x (Serie) has an RDATE 20270320T100000 that is a date-time "
            "but its series' DTSTART is a date;",
        ),
    ],
)
def test_an_rdate_of_another_kind_is_refused_naming_it(
    bever: Store, tmp_path: Path, start: str, rdate: str, said: str
) -> None:
    with pytest.raises(BadInput) as caught:
        import_ics(bever, _series(tmp_path, start, rdate), person="BEVER", **MARCH)
    assert caught.value.code == "calendar_rdate_kind"
    assert sentence(caught.value).startswith(said)
    assert agenda.list_activities(bever, person="BEVER") == []


def test_an_rdate_of_its_series_kind_is_read(bever: Store, tmp_path: Path) -> None:
    path = _series(
        tmp_path,
        ";TZID=Europe/Amsterdam:20270301T100000",
        "RDATE;TZID=Europe/Amsterdam:20270320T100000",
    )
    assert import_ics(bever, path, person="BEVER", **MARCH).count("added") == 3
