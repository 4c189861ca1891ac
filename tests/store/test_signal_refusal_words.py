"""A signal's workflow refusal names its statuses in words, never as codes (issue 17: the
console showed ``in_follow_up``), and writes nothing."""

from __future__ import annotations

import pytest

from store import signals
from store.db import Store
from store.errors import BadInput
from store.staff import list_staff
from tests.conftest import as_user, snapshot
from words.errors import sentence


def test_a_step_out_of_order_is_refused_in_words(demo_store: Store) -> None:
    analyst = as_user(demo_store, list_staff(demo_store, role="info_analyst")[0].callsign)
    signal = next(
        s for s in signals.list_signals(analyst, mine=False) if s.status == "in_follow_up"
    )
    before = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        signals.receive_signal(analyst, signal.id)
    words = sentence(refused.value)  # as every face says it
    assert "is in follow-up" in words and "_" not in words.replace(signal.id[:13], "")
    assert snapshot(demo_store.path) == before
