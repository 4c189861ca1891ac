"""Codes are ASCII letters, digits and hyphens; typed in lower case they are read in upper case,
but only a-z is upper-cased (issue 14, rev14g): Python's upper() made 'ß-X' into 'SS-X', 'ﬀ-X'
into 'FF-X', 'ıX' into 'IX', and a lookup of 'ſpecht' found SPECHT."""

from __future__ import annotations

import pytest

from store import staff, subjects
from store.db import Store
from store.errors import BadInput, NotFound
from store.validate import identifier


@pytest.mark.parametrize("typed", ["ß-X", "ﬀ-X", "ıX", "ſPECHT", "BEVÉR", "bevér"])
def test_a_code_with_a_letter_outside_ascii_is_refused_not_turned_into_another(
    store: Store, typed: str
) -> None:
    with pytest.raises(BadInput) as refused:
        subjects.add_subject(store, typed, kind="person", domain="local", unit="RT")
    assert refused.value.code == "not_a_code_name"
    assert store.one("SELECT count(*) FROM subject")[0] == 0
    with pytest.raises(BadInput):
        staff.add_staff(store, "rt-ſ1", unit="RT")


def test_a_lookup_with_a_letter_outside_ascii_finds_nothing(store: Store) -> None:
    subjects.add_subject(store, "specht", kind="person", domain="local", unit="RT")
    assert subjects.get_subject(store, "sPeCht").code == "SPECHT"
    with pytest.raises(NotFound):
        subjects.get_subject(store, "ſpecht")


def test_only_a_to_z_is_upper_cased() -> None:
    assert identifier(" rt-0412 ", "callsign") == "RT-0412"
    assert identifier("ß-x", "code_name") == "ß-X"
