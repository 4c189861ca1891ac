"""The ISBAR handover: every section drawn from the database, signing and acceptance by role,
carry-forward of open items until cleared, and a frozen record that detects tampering."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from store import agenda, handover, logbook, roster, signals, staff, subjects
from store.clock import to_db
from store.db import Store
from store.errors import BadInput, IntegrityFailure, PermissionDenied
from tests.conftest import as_user, at, refused_as, snapshot
from words.handover import handover_json, handover_markdown


def drafted(store: Store) -> dict:  # type: ignore[type-arg]
    """The draft as scripts read it: each item's facts and its sentence."""
    draft = handover.draft_handover(store)
    return handover_json(handover.handover_content(draft), handover.handover_facts(draft))


def section(content: dict, name: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {item["kind"]: item for item in content[name]}


@pytest.fixture
def shift(store: Store) -> dict[str, str]:
    """Saturday 28 November, 10:00: the 07–15 shift is running (clock fixed in conftest)."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    staff.add_staff(store, "RT-0100", unit="RT", role="shift_leader")
    staff.add_staff(
        store, "RT-0001", unit="RT", qualifications=[("close_protection", date(2026, 11, 30))]
    )
    roster.add_shift(
        store, "RT-0100", start=at(store, "2026-11-28 15:00"), end=at(store, "2026-11-28 23:00")
    )
    roster.add_shift(
        store, "RT-0001", start=at(store, "2026-11-28 15:00"), end=at(store, "2026-11-28 23:00")
    )
    across = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        concept="CP-LIGHT",
        start=at(store, "2026-11-28 14:00"),
        end=at(store, "2026-11-28 16:00"),
    )
    later = agenda.add_activity(
        store,
        person="BEVER",
        title="Diner",
        concept="CP-LIGHT",
        start=at(store, "2026-11-28 19:00"),
        end=at(store, "2026-11-28 21:00"),
    )
    flag = logbook.add_entry(
        store, "Onbekend voertuig bij woning", kind="incident", person="BEVER", flagged=True
    )
    signal = signals.raise_signal(
        store,
        "Drone boven de tuin",
        category="approach",
        urgency="immediate",
        tlp="amber",
        person="BEVER",
    )
    with store.write("test.sync_conflict") as conn:  # as a sync import records one
        conn.execute(
            "INSERT INTO sync_conflict (id, table_name, row_id, column_name, value_a, value_b,"
            " device_a, device_b, detected_at) VALUES ('c-1', 'activity', ?, 'start_at', ?, ?,"
            " 'laptop-a', 'laptop-b', ?)",
            (later.id, later.start_at, "2026-11-28T19:30:00Z", to_db(store.now())),
        )
    return {"across": across.id, "later": later.id, "flag": flag.id, "signal": signal.id}


def test_every_section_is_drawn_from_the_database(store: Store, shift: dict[str, str]) -> None:
    content = drafted(store)
    assert content["period"] == {
        "start": "2026-11-28T07:00:00+01:00",
        "end": "2026-11-28T15:00:00+01:00",
    }
    identify = section(content, "identify")
    assert identify["incoming"]["ids"] == ["RT-0100"]
    assert identify["subjects"]["ids"] == ["BEVER"] and identify["units"]["ids"] == ["RT"]
    situation = section(content, "situation")
    assert situation["across"]["ids"] == [shift["across"]]
    assert situation["on_duty_now"]["count"] == 0
    assert situation["on_duty_next"]["ids"] == ["RT-0001", "RT-0100"]
    assert "BEVER (RT): threat 3, requires W3, package PKG-W3" in [
        i["text"] for i in content["situation"]
    ]
    background = section(content, "background")
    assert background["activities_added"]["count"] == 2
    assert background["threat_assessments"]["count"] == 1
    assert background["signals_raised"]["ids"] == [shift["signal"]]
    assert background["log_entries"]["ids"] == [shift["flag"]]
    assessment = section(content, "assessment")
    assert assessment["gaps"]["count"] > 0
    assert set(assessment["gaps"]["ids"]) == {shift["across"], shift["later"]}
    assert assessment["replan"]["count"] == 0
    assert assessment["open_signals"]["ids"] == [shift["signal"]]
    assert assessment["flagged_log"]["ids"] == [shift["flag"]]
    assert assessment["conflicts"]["ids"] == ["c-1"]
    assert assessment["expiring"]["ids"] == ["RT-0001:close_protection"]
    # named as the catalogue names it, never by its code (issue 17)
    assert "; RT-0001 Close protection until " in assessment["expiring"]["text"]
    recommendation = section(content, "recommendation")
    assert set(recommendation) == {"gaps", "open_signals", "flagged_log", "conflicts", "expiring"}


def test_an_empty_section_counts_zero_and_never_says_all_clear(store: Store) -> None:
    content = drafted(store)
    texts = [i["text"] for i in content["assessment"]]
    assert "0 open gaps in the next shift (0.0 officer-hours short)" in texts
    assert "0 unresolved sync conflicts" in texts
    document = handover_markdown(handover.handover_facts(handover.draft_handover(store))).lower()
    assert "all clear" not in document and "fine" not in document
    assert content["recommendation"][0]["text"] == "0 open items to act on; keep monitoring"


def test_sign_and_accept_by_role(store: Store, shift: dict[str, str]) -> None:
    record = handover.sign_handover(store, notes="Let op BEVER bij vertrek")
    assert record.signed_by == "OPS-01" and record.accepted_by is None
    assert (
        section(record.content, "recommendation")["notes"]["params"]["text"]
        == "Let op BEVER bij vertrek"
    )
    operator = as_user(store, "RT-0001")
    before = snapshot(store.path)
    with refused_as(PermissionDenied, "cannot accept it"):
        handover.accept_handover(store, record.id)
    with refused_as(PermissionDenied, "Only admin, shift leader may sign and accept handovers"):
        handover.accept_handover(operator, record.id)
    with refused_as(PermissionDenied, "Only admin, shift leader may sign and accept handovers"):
        handover.sign_handover(operator)
    assert snapshot(store.path) == before
    accepted = handover.accept_handover(as_user(store, "RT-0100"), record.id, "Wie belt OvJ?")
    assert (accepted.accepted_by, accepted.questions) == ("RT-0100", "Wie belt OvJ?")
    with refused_as(BadInput, "already accepted by RT-0100"):
        handover.accept_handover(as_user(store, "RT-0100"), record.id)


def test_open_items_carry_forward_until_cleared(store: Store, shift: dict[str, str]) -> None:
    handover.sign_handover(store)
    store.clock.advance(hours=8)  # type: ignore[attr-defined]
    incoming = as_user(store, "RT-0100")
    later = section(drafted(incoming), "assessment")
    assert later["flagged_log"]["ids"] == [shift["flag"]]
    assert later["open_signals"]["ids"] == [shift["signal"]]
    assert later["conflicts"]["ids"] == ["c-1"]
    logbook.clear_entry(incoming, shift["flag"], reason="Voertuig van buren")
    with incoming.write("test.resolve") as conn:
        conn.execute(
            "UPDATE sync_conflict SET resolved_at = ?, resolved_by = 'RT-0100'",
            (to_db(incoming.now()),),
        )
    cleared = section(drafted(incoming), "assessment")
    assert (cleared["flagged_log"]["count"], cleared["conflicts"]["count"]) == (0, 0)
    assert cleared["open_signals"]["count"] == 1  # still open: it stays until closed


def test_a_signed_handover_is_frozen_and_tampering_is_detected(
    store: Store, shift: dict[str, str]
) -> None:
    record = handover.sign_handover(store)
    conn = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        conn.execute("UPDATE handover SET notes = 'x'")
    conn.execute("DROP TRIGGER handover_no_update")
    conn.execute("UPDATE handover SET content = replace(content, 'BEVER', 'OTTER')")
    conn.commit()
    conn.close()
    with refused_as(IntegrityFailure, "does not match its signature"):
        handover.get_handover(store, record.id)


def test_default_period_is_the_shift_block_now_ending(store: Store) -> None:
    night = handover.current_shift(at(store, "2026-10-25 05:00"))
    assert (night[1] - night[0]) == timedelta(hours=9)  # 23:00–07:00 over the October change
    assert handover.current_shift(at(store, "2026-11-28 15:00"))[0] == at(store, "2026-11-28 15:00")


def test_notes_typed_are_kept_unsigned_per_leader_and_signing_takes_them(
    store: Store, shift: dict[str, str]
) -> None:
    """Issue 17 (fix17n): a leader's notes are kept as typed (one audited write each time they
    change, none when unchanged), per person, until signing removes them; an operator may not
    keep any; empty notes remove the draft."""
    assert handover.draft_notes(store) == ""
    events = lambda: store.one("SELECT count(*) FROM audit_event")[0]  # noqa: E731
    before = events()
    assert handover.save_draft_notes(store, "KIEVIT: bezoek verplaatst")
    assert not handover.save_draft_notes(store, "KIEVIT: bezoek verplaatst")
    assert events() == before + 1
    assert (
        store.one("SELECT action, detail FROM audit_event ORDER BY seq DESC LIMIT 1")[0]
        == "handover.notes"
    )
    leader = as_user(store, "RT-0100")
    assert handover.draft_notes(leader) == ""  # another leader's draft is theirs
    assert handover.save_draft_notes(leader, "Mijn notities")
    assert handover.draft_notes(store) == "KIEVIT: bezoek verplaatst"
    with refused_as(PermissionDenied, "Only admin, shift leader"):
        handover.save_draft_notes(as_user(store, "RT-0001"), "x")
    record = handover.sign_handover(store, notes=handover.draft_notes(store))
    assert record.notes == "KIEVIT: bezoek verplaatst"
    assert handover.draft_notes(store) == ""
    assert handover.draft_notes(leader) == "Mijn notities"
    assert handover.save_draft_notes(leader, "  ")
    assert store.one("SELECT count(*) FROM handover_notes_draft")[0] == 0
