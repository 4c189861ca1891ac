"""rev13c item 5: an admin fork (or an admin laptop to be retired) heals only if another device
can become the admin device. `team admin-handover DEVICE`: the admin signs a roster whose admin
key is that device's, the step signed by the old key; every laptop that pinned the old key
follows it, also one that missed the handover roster itself; no one else can hand over."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from store import logbook
from store.clock import FixedClock
from store.errors import BadInput, IntegrityFailure
from store.sync import exchange
from store.sync import roster as rosters
from store.sync.bundle import canonical
from tests.sync_team import exchange_all, make_team, user_tables


def test_the_admin_hands_over_and_the_new_admin_revokes_the_old_one(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock)
    exchange_all([a, b, c], tmp_path / "share", rounds=1)
    with pytest.raises(BadInput):  # only the admin device hands over, and not to itself
        rosters.admin_handover(b.store, "laptop-c")
    with pytest.raises(BadInput):
        rosters.admin_handover(a.store, "laptop-a")
    handed = rosters.admin_handover(a.store, "laptop-b")
    assert handed.data["admin_device"] == b.id
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    # b, now the admin device, revokes a; c never saw the handover roster, only b's next one
    newer = rosters.revoke(b.store, "laptop-a")
    assert newer.version == handed.version + 1
    exchange.import_file(c.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert rosters.current(c.store) == newer
    with pytest.raises(BadInput):  # a is no admin any more
        rosters.revoke(a.store, "laptop-c")
    logbook.add_entry(c.store, "Na de overdracht")
    exchange_all([b, c], tmp_path / "share2", rounds=2)
    assert user_tables(b.store) == user_tables(c.store)


def test_a_handover_step_not_signed_by_the_admin_key_is_not_followed(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    team = rosters.current(b.store)
    assert team is not None
    me = rosters.identity(b.store)  # b forges a handover to itself, signed by its own key
    data = dict(team.data, version=team.version + 1, admin=me.sign_public, admin_device=b.id)
    body = canonical(
        {
            "kind": rosters.HANDOVER_KIND,
            "team": data["team"],
            "from": team.data["admin"],
            "to": me.sign_public,
            "device": b.id,
            "version": data["version"],
        }
    )
    data["handovers"] = [
        {
            "from": team.data["admin"],
            "to": me.sign_public,
            "device": b.id,
            "version": data["version"],
            "sig": base64.b64encode(me.sign_key.sign(body)).decode(),
        }
    ]
    forged = canonical(data)
    pinned = rosters.pinned_admin_key(a.store)
    with pytest.raises(IntegrityFailure):
        rosters.parse(forged, me.sign_key.sign(forged), pinned)
    assert json.loads(forged)["admin_device"] == b.id
