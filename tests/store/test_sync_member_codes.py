"""rev20b: a household member's code is its own person's code and ``-P<n>`` / ``-C<n>``
(n 1..99), unique per person. A bundle carrying a name or another person's code as a member's
code is quarantined; two laptops that each record a first partner offline (both ``MEREL-P1``)
end alike: the member created first keeps the code on every laptop, the other is kept under a
derived code (``MEREL-P1-3B1F``) that every laptop can name, its care records following it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import care, subjects
from store.clock import FixedClock, to_db
from store.ids import uuid7
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.hostile import Hostile, key
from tests.sync_team import exchange_all, make_team, user_tables
from words.quarantine import said, worded


def test_member_codes_no_store_would_make_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    for code in ("DAS", "VALK"):
        subjects.add_subject(a.store, code, kind="person", domain="local", unit="RT")
        subjects.assess_threat(a.store, code, level=3)
    exchange_all([a, b], tmp_path / "share")
    das = a.store.one("SELECT id FROM subject WHERE code = 'DAS'")[0]
    clock.advance(minutes=10)
    hostile = Hostile(b, tmp_path)
    made = {}
    for code in ("PIETER-DE-VRIES-P1", "VALK-P1", "DAS-P100", "DAS-P0", "DAS-P01"):
        made[code] = uuid7()
        row = {"id": made[code], "subject_id": das, "code": code, "relation": "partner",
               "added_at": to_db(clock.now()), "added_by": "OPS-B", "device": b.id}  # fmt: skip
        pk = key(made[code])
        hostile.forge(("household_member", pk, "", None),
                      *(("household_member", pk, c, v) for c, v in row.items()))  # fmt: skip
    before = user_tables(a.store)
    result = exchange.import_file(a.store, hostile.export())
    assert result.quarantined
    assert user_tables(a.store) == before
    held = {q.row_id: q.cause for q in quarantined(a.store) if q.field == ""}
    assert {c: held[i].code for c, i in made.items()} == {
        "PIETER-DE-VRIES-P1": "care_member_code_of_another",
        "VALK-P1": "care_member_code_of_another",
        "DAS-P100": "creation_refused",
        "DAS-P0": "creation_refused",
        "DAS-P01": "creation_refused",
    }
    assert all(said(c.as_dict()) for c in held.values())
    assert "never a name" in worded(held[made["VALK-P1"]])


def test_the_database_takes_only_the_persons_own_codes(tmp_path: Path, clock: FixedClock) -> None:
    a, _b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    first = care.add_member(a.store, "DAS", "partner")
    raw = sqlite3.connect(a.store.path)
    das = raw.execute("SELECT id FROM subject WHERE code = 'DAS'").fetchone()[0]
    insert = "INSERT INTO household_member VALUES (?, ?, ?, ?, '2026-11-28T09:00:00Z', 'X', 'd')"
    try:
        for code, relation in (("PIETER-P1", "partner"), ("DAS-C1", "partner"),
                               ("DAS-P100", "partner"), (first.code, "partner")):  # fmt: skip
            with pytest.raises(sqlite3.IntegrityError):
                raw.execute(insert, (uuid7(), das, code, relation))
        raw.execute(insert, (uuid7(), das, "DAS-C99", "child"))
    finally:
        raw.rollback()
        raw.close()


def test_two_laptops_making_one_code_end_alike(tmp_path: Path, clock: FixedClock) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "MEREL", level=2)
    exchange_all([a, b], tmp_path / "share")
    clock.advance(minutes=5)
    first = care.add_member(a.store, "MEREL", "partner")
    clock.advance(minutes=1)
    later = care.add_member(b.store, "MEREL", "partner")
    mine = care.record_care(b.store, "MEREL", member="MEREL-P1", module="partner",
                            status="offered")  # fmt: skip
    assert first.code == later.code == "MEREL-P1"
    exchange_all([a, b], tmp_path / "share")
    for lap in (a, b):
        members = {m.id: m.code for m in care.list_members(lap.store, "MEREL")}
        assert members[first.id] == "MEREL-P1"
        assert members[later.id].startswith("MEREL-P1-") and len(members) == 3
        assert not quarantined(lap.store)
        history = care.care_history(lap.store, "MEREL")
        assert [(r.id, r.member) for r in history] == [(mine.id, members[later.id])]
    renamed = {m.id: m.code for m in care.list_members(b.store, "MEREL")}[later.id]
    care.record_care(b.store, "MEREL", member=renamed, module="partner", status="accepted")
    care.end_member(b.store, "MEREL", "MEREL-P1")
    care.end_member(b.store, "MEREL", renamed)
    assert care.add_member(b.store, "MEREL", "partner").code == "MEREL-P3"
    exchange_all([a, b], tmp_path / "share")
    assert not quarantined(a.store)
