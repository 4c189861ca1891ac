"""Text a laptop's store takes, every other laptop must take too: a title or a log entry of
only zero-width or bidi characters shows nothing, so the store refuses it as empty — as the rule
table does when it judges the change on another laptop (a fresh review wrote one on laptop A,
exit 0, and laptop B quarantined it: the team diverged)."""

from __future__ import annotations

import pytest

from store import agenda, logbook, rules, subjects, validate
from store.db import Store
from store.errors import BadInput
from tests.conftest import at, refused_as, snapshot

INVISIBLE = ("\u200b", "\u200b\u2060", "\u200b\u202e", " \u2028\ufe0f ")


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_title_or_entry_that_shows_nothing_is_empty_here_as_on_every_laptop(
    store: Store, text: str
) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    made = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:30"),
        end=at(store, "2026-12-01 11:30"),
        location="Rechtbank",
    )
    before = snapshot(store.path)
    with refused_as(BadInput, r"empty|needs text"):
        agenda.add_activity(
            store,
            person="BEVER",
            title=text,
            start=at(store, "2026-12-02 09:30"),
            end=at(store, "2026-12-02 11:30"),
            location="Rechtbank",
        )
    with refused_as(BadInput, r"empty|needs text"):
        agenda.edit_activity(store, made.id, title=text)
    with refused_as(BadInput, r"empty|needs text"):
        logbook.add_entry(store, text, person="BEVER")
    assert snapshot(store.path) == before
    # the judge's check on the other laptops says the same of it
    assert validate.blank(text)
    with pytest.raises(BadInput):
        rules.REQUIRED(text, "activity.title")
