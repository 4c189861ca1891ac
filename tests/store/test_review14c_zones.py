"""The third review of issue 14, calendar zones: a zone name is read only when it is an IANA
zone of the calendar's world. ``localtime`` (the importing machine's zone), ``posixrules``,
``Factory`` and the ``right/`` (leap-second clocks: an hour off in December) and ``posix/``
copies resolved through zoneinfo and gave wrong or machine-dependent times; they are unknown
zones now, as TZID and as X-WR-TIMEZONE, and nothing is written. A VTIMEZONE of the file under
an IANA name is not read: the IANA zone is (README, "Time zones")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import subjects
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics, known_zone
from tests.conftest import snapshot
from tests.store.test_ics_zone_bounds import DECEMBER, calendar
from tests.store.test_review14b_small import _calendar

NOT_ZONES = [
    "localtime",
    "posixrules",
    "Factory",
    "right/Europe/Amsterdam",
    "posix/Europe/Amsterdam",
]


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


@pytest.mark.parametrize("name", NOT_ZONES)
def test_a_machine_or_leap_second_zone_name_is_unknown(name: str) -> None:
    assert known_zone(name) is None
    assert known_zone("Europe/Amsterdam") is not None and known_zone("UTC") is not None


@pytest.mark.parametrize("name", ["localtime", "right/Europe/Amsterdam", "posixrules"])
def test_such_a_tzid_refuses_the_file(bever: Store, tmp_path: Path, name: str) -> None:
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, _calendar(tmp_path, "", name), person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert refused.value.code == "calendar_unknown_zone"
    assert snapshot(bever.path) == before


@pytest.mark.parametrize("name", ["localtime", "right/Europe/Amsterdam", "posixrules"])
def test_such_a_declared_zone_refuses_floating_times(
    bever: Store, tmp_path: Path, name: str
) -> None:
    before = snapshot(bever.path)
    path = _calendar(tmp_path, f"X-WR-TIMEZONE:{name}\r\n")
    with pytest.raises(BadInput) as refused:
        import_ics(bever, path, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert refused.value.code == "calendar_floating_unknown_zone"
    assert snapshot(bever.path) == before


def test_a_files_own_rules_under_an_iana_name_give_way_to_iana(
    bever: Store, tmp_path: Path
) -> None:
    odd = (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    path = calendar(tmp_path, odd, tzid="Europe/Amsterdam")
    result = import_ics(bever, path, person="BEVER", **DECEMBER)  # type: ignore[arg-type]
    assert [item.start for item in result.items] == [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
