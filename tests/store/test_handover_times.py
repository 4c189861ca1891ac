"""A handover's facts carry aware datetimes (issue 15, rev15b): the faces word them, nothing
slices or parses ISO text. The signed document keeps the shape it has always been signed in
(its own times ISO-8601 with the Amsterdam offset, a trust finding's as stored UTC text), so
a handover signed before the change still verifies and reads as it did.

``tests/fixtures/handover-signed-eeabc7c.json`` is a handover signed by the code of eeabc7c
(the demo, seed 7, with an outside write: gaps, activities across the change, 150 secrets set
by someone else, an outside change, lapsing qualifications), with its SHA-256; the ``.md``
beside it is how that version put it into words.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from store import agenda, handover, logbook, staff, subjects
from store.db import Store
from store.rules import content_hash
from tests.conftest import at
from words.handover import handover_markdown, item_text, period_short

FIXTURES = Path(__file__).parents[1] / "fixtures"
LOCAL_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
STORED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _old() -> tuple[dict, str]:  # type: ignore[type-arg]
    kept = json.loads((FIXTURES / "handover-signed-eeabc7c.json").read_text(encoding="utf-8"))
    return kept["content"], kept["sha256"]


def test_a_handover_signed_before_reads_as_it_did_and_keeps_its_shape() -> None:
    content, digest = _old()
    assert content_hash(content) == digest  # what get_handover checks: the fixture is whole
    facts = handover.read_content(content)
    assert facts["period"]["start"] == datetime(2026, 11, 28, 22, tzinfo=UTC)
    (outside,) = [i for i in facts["assessment"] if i["kind"] == "outside"]
    assert outside["params"]["before"] == datetime(2026, 11, 28, 9, tzinfo=UTC)
    (secret,) = [i for i in facts["assessment"] if i["kind"] == "secret"]
    assert secret["params"]["people"][0][2] == datetime(2026, 11, 28, 9, tzinfo=UTC)
    (gaps,) = [i for i in facts["assessment"] if i["kind"] == "gaps"]
    assert all(isinstance(g["start"], datetime) for g in gaps["params"]["gaps"])
    # written back, the document is the one signed, byte for byte of its digest
    assert content_hash(handover.facts_as_content(facts)) == digest
    was = (FIXTURES / "handover-signed-eeabc7c.md").read_text(encoding="utf-8")
    assert handover_markdown(facts) == was


def test_text_an_older_version_signed_is_shown_as_it_was() -> None:
    """A period that was text, an item that was its sentence: kept, never parsed."""
    content, _digest = _old()
    pair = {"handovers": ["a", "b"], "signed_by": ["X", "Y"], "periods": ["28-11 07–15", "x"]}
    content["assessment"].append(
        {"kind": "overlapping_handovers", "count": 1, "ids": [], "params": {"pairs": [pair]}}
    )
    content["assessment"].append({"kind": "replan", "count": 2, "text": "2 to re-plan; a, b"})
    facts = handover.read_content(content)
    assert "a by X (28-11 07–15) and b by Y (x)" in item_text("assessment", facts["assessment"][-2])
    assert item_text("assessment", facts["assessment"][-1]) == "2 to re-plan; a, b"


def _night(store: Store) -> handover.Handover:
    """A night shift (23–07, ending on the next day) with an activity across its end, a
    secret set by someone else and a write outside Schildwacht."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    agenda.add_activity(
        store,
        person="BEVER",
        title="Vroege vlucht",
        concept="CP-LIGHT",
        start=at(store, "2026-11-29 05:00"),
        end=at(store, "2026-11-29 09:00"),
    )
    staff.add_staff(store, "RT-0001", unit="RT", secret="gezet-door-een-ander")
    raw = sqlite3.connect(store.path)
    raw.execute("UPDATE subject SET unit = unit")
    raw.commit()
    raw.close()
    logbook.add_entry(store, "Daarna")  # seals the outside write
    return handover.draft_handover(
        store, at(store, "2026-11-28 23:00"), at(store, "2026-11-29 07:00")
    )


def test_signed_now_in_the_same_shape_and_verified_by_show(store: Store) -> None:
    draft = _night(store)
    facts = handover.handover_facts(draft)
    (period,) = [i for i in draft.identify if i.kind == "period"]
    assert period.params["end"] == at(store, "2026-11-29 07:00")  # facts: datetimes
    record = handover.sign_handover(
        store, at(store, "2026-11-28 23:00"), at(store, "2026-11-29 07:00"), "n"
    )
    shown = handover.get_handover(store, record.id)  # checks the digest, as `handover show`
    content = shown.content
    assert LOCAL_ISO.match(content["period"]["end"])
    (signed_period,) = [i for i in content["identify"] if i["kind"] == "period"]
    assert all(LOCAL_ISO.match(v) for v in signed_period["params"].values())
    (across,) = [i for i in content["situation"] if i["kind"] == "across"]
    assert LOCAL_ISO.match(across["params"]["activities"][0]["end"])
    (outside,) = [i for i in content["assessment"] if i["kind"] == "outside"]
    assert STORED.match(outside["params"]["before"])
    (secret,) = [i for i in content["assessment"] if i["kind"] == "secret"]
    assert STORED.match(secret["params"]["people"][0][2])
    read = handover.read_content(content)
    assert read["period"] == facts["period"]
    assert read["situation"] == facts["situation"]
    assert handover_markdown(read) == handover_markdown(
        {**facts, "recommendation": read["recommendation"]}
    )


def test_the_console_heads_a_night_shift_with_the_day_it_ends(store: Store) -> None:
    """rev15b: the console sliced the end's hour off its ISO text, dropping its date."""
    from console.screens.handover import fetch_handover, render_document

    facts = handover.handover_facts(_night(store))
    head = render_document(facts).plain.splitlines()[0]
    assert head == "Handover 2026-11-28 23:00 – 11-29 07:00"
    handover.sign_handover(store, at(store, "2026-11-28 23:00"), at(store, "2026-11-29 07:00"))
    (row,) = fetch_handover(store).history_rows
    assert row.cells[0].plain == "11-28 23:00–07:00+1"  # the list of signed handovers
    assert period_short(at(store, "2026-11-28 07:00"), at(store, "2026-11-28 15:00")) == (
        "11-28 07:00–15:00"
    )
    assert period_short(at(store, "2026-11-28 15:00"), at(store, "2026-11-29 00:00")) == (
        "11-28 15:00–00:00"
    )
    assert period_short(at(store, "2026-12-31 23:00"), at(store, "2027-01-02 07:00")) == (
        "12-31 23:00–07:00+2"
    )
    (across,) = [i for i in facts["situation"] if i["kind"] == "across"]
    assert "'Vroege vlucht' until 11-29 09:00" in item_text("situation", across)


def test_events_before_the_last_signed_handover_leave_the_next(store: Store) -> None:
    """``findings.*(since)`` take a datetime: the last signature's, as the store reads it."""
    from store import findings

    _night(store)
    assert findings.since_last_handover(store) is None
    assert len(findings.outside_changes(store)) == 1
    store.clock.advance(minutes=1)  # type: ignore[attr-defined]
    handover.sign_handover(store, at(store, "2026-11-28 23:00"), at(store, "2026-11-29 07:00"))
    since = findings.since_last_handover(store)
    assert since == store.clock.now()
    assert findings.outside_changes(store, since) == []
    draft = handover.draft_handover(
        store, at(store, "2026-11-29 07:00"), at(store, "2026-11-29 15:00")
    )
    assert [i.kind for i in draft.assessment if i.count and i.kind == "outside"] == []
    assert [i.kind for i in draft.assessment if i.kind == "secret"] == ["secret"]  # still open
