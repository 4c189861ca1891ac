"""Handovers signed in one millisecond share the first 13 characters of their ids (UUIDv7):
the store names each by its shortest unique prefix (``db.short_id``), so a refusal that names
two of them tells them apart, and each name typed back finds the one meant (issue 16)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from store import handover, staff
from store.db import Store
from store.errors import RuleViolation
from tests.conftest import as_user, snapshot
from words.errors import sentence


def test_two_handovers_of_one_millisecond_are_told_apart(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff.add_staff(store, "OPS-02", unit="RT", role="shift_leader")
    incoming = as_user(store, "OPS-02")
    # ids minted in one millisecond: the same first 13 characters
    monkeypatch.setattr("store.ids.time", SimpleNamespace(time_ns=lambda: 1_796_000_000 * 10**9))
    first = handover.sign_handover(store, notes="eerste")
    second = handover.sign_handover(store, notes="tweede", supersedes=first.id, reason="REIGER")
    assert first.id[:13] == second.id[:13]
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        handover.accept_handover(incoming, first.id)
    old, newer = refused.value.params["handover"], refused.value.params["newer"]
    assert old != newer and len(old) > 13 and len(newer) > 13
    assert first.id.startswith(old) and second.id.startswith(newer)
    assert f"Handover {old} was superseded by handover {newer}," in sentence(refused.value)
    # each name typed back finds the one meant
    assert handover.get_handover(store, old).id == first.id
    assert handover.get_handover(store, newer).id == second.id
    assert snapshot(store.path) == before
    incoming.close()
