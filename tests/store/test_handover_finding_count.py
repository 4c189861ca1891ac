"""The handover's open item for secrets set by someone else counts the people its sentence
names (issue 16, fourth review: count 1, text "150 people's secrets …")."""

from __future__ import annotations

from store import findings, staff
from store.db import Store
from store.handover import draft_handover
from words.findings import said as said_finding
from words.handover import item_text


def test_grouped_secrets_count_their_people(store: Store) -> None:
    for n in range(1, 6):
        staff.add_staff(store, f"RT-{n:04d}", unit="RT", secret="gezet-door-een-ander")
    (item,) = [i for i in draft_handover(store).assessment if i.kind == "secret"]
    assert item.count == 5 == len(item.ids)
    assert item.params["code"] == "secrets_set_by_others" and "text" not in item.params
    said = item_text("assessment", {"kind": item.kind, "count": item.count, "params": item.params})
    assert said.startswith("5 people's secrets on this laptop were set by")


def test_the_secret_finding_names_no_face_and_the_handover_words_both(store: Store) -> None:
    """The store's sentence names no command of one face (issue 17); the handover words the
    finding from its facts, naming how it is put right in the console and on the command line."""
    staff.add_staff(store, "RT-0001", unit="RT", secret="gezet-door-een-ander")
    (found,) = [f for f in findings.open_findings(store) if f.kind == "secret"]
    assert "schildwacht" not in said_finding(found) and "`" not in said_finding(found)
    (item,) = [i for i in draft_handover(store).assessment if i.kind == "secret"]
    said = item_text("assessment", {"kind": item.kind, "count": item.count, "params": item.params})
    assert said.startswith("RT-0001's secret on this laptop was set by ")
    assert "(in the console: U; on the command line: `schildwacht staff secret`)" in said
