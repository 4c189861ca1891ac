"""An edit made from a form names what each changed field held when the form opened; the store
refuses it, writing nothing, when one was changed meanwhile (issue 17, fix17v) — the rule is the
store's, so every face shares it; a field name it does not know is a programming fault."""

from __future__ import annotations

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from tests.conftest import snapshot


def test_a_field_changed_meanwhile_is_refused_and_nothing_written(demo_store: Store) -> None:
    item = next(a for a in agenda.list_activities(demo_store) if a.status != "cancelled")
    seen = item.title
    agenda.edit_activity(demo_store, item.id, title="Gewijzigd door de meldkamer")
    before = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        agenda.edit_activity(demo_store, item.id, title="Mijn titel", opened={"title": seen})
    assert refused.value.code == "changed_meanwhile"
    assert snapshot(demo_store.path) == before
    with pytest.raises(ValueError):
        agenda.edit_activity(demo_store, item.id, title="Mijn titel", opened={"titel": seen})
    assert snapshot(demo_store.path) == before
    done = agenda.edit_activity(
        demo_store, item.id, title="Mijn titel", opened={"title": "Gewijzigd door de meldkamer"}
    )
    assert done.title == "Mijn titel"
