"""The handover's open item for secrets set by someone else counts the people its sentence
names (issue 16, fourth review: count 1, text "150 people's secrets …")."""

from __future__ import annotations

from store import staff
from store.db import Store
from store.handover import draft_handover


def test_grouped_secrets_count_their_people(store: Store) -> None:
    for n in range(1, 6):
        staff.add_staff(store, f"RT-{n:04d}", unit="RT", secret="gezet-door-een-ander")
    (item,) = [i for i in draft_handover(store).assessment if i.kind == "secret"]
    assert item.count == 5 == len(item.ids)
    assert str(item.params["text"]).startswith("5 people's secrets on this laptop were set by")
