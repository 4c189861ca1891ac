"""Messages name a record by the shortest prefix of its id (at least 13 characters) that no
other record of its kind shares (``db.short_id``, issue 16 rev16d): records made in one
millisecond — the demo, one calendar import, one bundle — share their first 13, and a name
typed back must find the one meant."""

from __future__ import annotations

import pytest

from store import agenda, logbook, signals
from store.db import Store, short_id
from store.errors import BadInput, StoreError
from tests.conftest import as_user


def _shared(store: Store, table: str) -> list[str]:
    """Ids of ``table`` whose first 13 characters another id shares, by id."""
    return [
        r[0]
        for r in store.tuples(
            f"SELECT id FROM {table} WHERE substr(id, 1, 13) IN (SELECT substr(id, 1, 13)"
            f" FROM {table} GROUP BY 1 HAVING count(*) > 1) ORDER BY id"
        )
    ]


def _named(error: StoreError, key: str, full: str) -> str:
    name = str(error.params[key])
    assert full.startswith(name) and len(name) > 13
    assert name in str(error)
    return name


def test_a_log_entry_refused_is_named_alone(demo_store: Store) -> None:
    full = next(
        i for i in _shared(demo_store, "log_entry") if not logbook.get_entry(demo_store, i).flagged
    )
    with pytest.raises(BadInput) as refused:
        logbook.clear_entry(demo_store, full, reason="gezien")
    assert refused.value.code == "log_entry_not_flagged"
    assert logbook.get_entry(demo_store, _named(refused.value, "entry", full)).id == full


def test_a_signal_refused_is_named_alone(demo_store: Store) -> None:
    analyst = demo_store.tuples("SELECT callsign FROM staff WHERE role = 'info_analyst'")[0][0]
    helper = as_user(demo_store, analyst)
    for full in _shared(helper, "signal"):
        # follow-up takes a received signal or one already in follow-up: any other is refused
        if signals.get_signal(helper, full).status not in ("received", "in_follow_up"):
            with pytest.raises(BadInput) as refused:
                signals.follow_up_signal(helper, full)
            assert refused.value.code == "signal_wrong_status"
            assert signals.get_signal(helper, _named(refused.value, "signal", full)).id == full
            return
    pytest.fail("no demo signal to refuse")


def test_an_activity_already_cancelled_is_named_alone(demo_store: Store) -> None:
    full = _shared(demo_store, "activity")[1]
    agenda.restrict_activity(demo_store, full, kind="cancelled", reason="capacity", authority="OvJ")
    with pytest.raises(BadInput) as refused:
        agenda.restrict_activity(
            demo_store, full, kind="cancelled", reason="capacity", authority="OvJ"
        )
    assert refused.value.code == "already_cancelled"
    assert agenda.get_activity(demo_store, _named(refused.value, "activity", full)).id == full


def test_the_name_is_thirteen_characters_where_that_is_unique(store: Store) -> None:
    entry = logbook.add_entry(store, "Rustig op de gracht.")
    assert short_id(store, "log_entry", entry.id) == entry.id[:13]
