"""Applying a suggestion checks it is the option that was shown (issue 16): the console passes
the token of the row it showed; an option no longer offered is refused, nothing written."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, subjects
from store.db import Store
from store.errors import BadInput
from store.suggest import apply_suggestion, suggest
from tests.conftest import at, snapshot


def test_a_token_no_longer_offered_is_refused_and_one_offered_is_applied(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    staff.add_staff(
        store,
        "RT-0001",
        unit="RT",
        qualifications=[("close_protection", None), ("protective_driving", None)],
    )
    for callsign in ("RT-0002", "RT-0003"):
        staff.add_staff(store, callsign, unit="RT", qualifications=[("close_protection", None)])
    for callsign in ("RT-0001", "RT-0002", "RT-0003"):
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 15:00")
        )
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
    )
    options = suggest(store, item.id)
    assert len({o.token for o in options}) == len(options)
    before = snapshot(store.path)
    for token, n in (("0badc0de", None), (options[0].token, 99)):
        with pytest.raises(BadInput) as refused:
            apply_suggestion(store, item.id, n=n, token=token)
        assert refused.value.code in ("option_changed", "no_such_option")
        assert snapshot(store.path) == before
    for empty in ("", " "):  # an empty token checks nothing: refused (issue 16, 4th review)
        with pytest.raises(BadInput) as refused:
            apply_suggestion(store, item.id, n=1, token=empty)
        assert refused.value.code == "empty_token"
        assert snapshot(store.path) == before
    (cp_light,) = [o for o in options if o.action == "assign" and o.concept == "CP-LIGHT"]
    chosen, after = apply_suggestion(store, item.id, token=cp_light.token.upper())
    assert chosen == cp_light and after.concept == "CP-LIGHT"
