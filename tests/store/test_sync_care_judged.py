"""Issue 20: care records and household members from a bundle are judged as the store writes
them. A team member whose laptop sends care records no store would write (forged change records,
signed by its real export) has them quarantined on import, the receiving database otherwise
unchanged: a member of another person, a module no package has, a status not in the list, a
back-dated or future day, a module for another member, a day before its member was recorded, a
member code that is not one. The store's own records pass."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from store import care, subjects
from store.clock import FixedClock, local, to_db
from store.ids import uuid7
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.hostile import Hostile, key
from tests.sync_team import exchange_all, make_team, user_tables
from words.quarantine import said

PARTNER = "Psychosocial care: partner"
PERSON = "Psychosocial care: protected person"
RELOCATION = "Temporary relocation support"


def test_care_records_no_store_would_write_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    for code in ("DAS", "VALK"):
        subjects.add_subject(a.store, code, kind="person", domain="local", unit="RT")
        subjects.assess_threat(a.store, code, level=3)
    partner = care.add_member(a.store, "DAS", "partner")
    exchange_all([a, b], tmp_path / "share")
    ids = {r["code"]: r["id"] for r in b.store.query("SELECT id, code FROM subject ORDER BY code")}
    clock.advance(minutes=10)
    today = local(clock.now()).date()
    base = {
        "subject_id": ids["DAS"],
        "member_id": partner.id,
        "module": PARTNER,
        "status": "offered",
        "on_date": today.isoformat(),
        "note": "",
        "recorded_at": to_db(clock.now()),
        "recorded_by": "OPS-B",
        "device": b.id,
    }
    forged = {
        "another person's member": {"subject_id": ids["VALK"]},
        "no such module": {"module": "Gesprekken"},
        "no such status": {"status": "sought"},
        "back-dated": {"on_date": (today - timedelta(days=60)).isoformat()},
        "ahead": {"on_date": (today + timedelta(days=3)).isoformat()},
        "for another member": {"member_id": None, "module": PARTNER},
        "before the member": {"on_date": (today - timedelta(days=1)).isoformat()},
    }
    hostile = Hostile(b, tmp_path)
    made = {}
    for name, change in forged.items():
        made[name] = uuid7()
        row = {"id": made[name], **base, **change}
        pk = key(made[name])
        hostile.forge(("care_record", pk, "", None),
                      *(("care_record", pk, c, v) for c, v in row.items()))  # fmt: skip
    member = uuid7()
    hostile.forge(
        ("household_member", key(member), "", None),
        *(
            ("household_member", key(member), c, v)
            for c, v in {
                "id": member, "subject_id": ids["DAS"], "code": "DAS-C1", "relation": "partner",
                "added_at": to_db(clock.now()), "added_by": "OPS-B", "device": b.id,
            }.items()
        ),
    )  # fmt: skip
    before = user_tables(a.store)
    result = exchange.import_file(a.store, hostile.export())
    assert result.quarantined
    assert user_tables(a.store) == before  # nothing but the quarantine
    held = {q.row_id: q.cause for q in quarantined(a.store) if q.field == ""}
    codes = {name: held[made[name]].code for name in forged}
    assert codes == {
        "another person's member": "care_member_of_another",
        "no such module": "creation_refused",
        "no such status": "creation_refused",
        "back-dated": "row_refused",
        "ahead": "row_refused",
        "for another member": "care_module_not_for_member",
        "before the member": "care_date_before_member",
    }
    facts = {name: json.dumps(held[made[name]].params) for name in forged}
    assert '"not_in_catalogue"' in facts["no such module"]
    assert '"not_a_choice"' in facts["no such status"]
    assert '"care_backdated"' in facts["back-dated"]
    assert '"care_date_ahead"' in facts["ahead"]
    assert held[member].code == "row_refused"
    assert '"care_member_code"' in json.dumps(held[member].params)
    assert all(said(c.as_dict()) for c in held.values())
    # the store's own records pass
    own = care.record_care(b.store, "DAS", member="DAS-P1", module="partner", status="offered")
    mine = care.record_care(b.store, "DAS", member="self", module=PERSON, status="offered")
    exchange_all([a, b], tmp_path / "share")
    assert {r.id for r in care.care_history(a.store, "DAS")} == {own.id, mine.id}


def test_care_histories_no_store_would_write_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """rev20b: a bundle's care records are judged against the module's history as the store
    writes them (first offered, a new status each time, forward in time, only a new offer after
    ended or declined), a member's end not before the member, nothing of an object."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=3)
    subjects.add_subject(a.store, "PAND", kind="object", domain="local", unit="RT")
    partner = care.add_member(a.store, "DAS", "partner")
    clock.advance(minutes=10)
    today = local(clock.now()).date()
    for status, days in (("offered", 3), ("ended", 2)):
        care.record_care(a.store, "DAS", member="self", module=PERSON, status=status,
                         on=today - timedelta(days=days))  # fmt: skip
    for status in ("offered", "ended"):
        care.record_care(a.store, "DAS", member="DAS-P1", module="partner", status=status)
    exchange_all([a, b], tmp_path / "share")
    ids = {r["code"]: r["id"] for r in b.store.query("SELECT id, code FROM subject ORDER BY code")}
    clock.advance(minutes=10)
    base = {
        "subject_id": ids["DAS"], "member_id": None, "module": PERSON, "status": "offered",
        "on_date": today.isoformat(), "note": "", "recorded_at": to_db(clock.now()),
        "recorded_by": "OPS-B", "device": b.id,
    }  # fmt: skip
    forged = {
        "accepted with no offer": {"status": "accepted", "module": RELOCATION},
        "accepted after ended": {"member_id": partner.id, "module": PARTNER,
                                 "status": "accepted"},
        "ended twice": {"member_id": partner.id, "module": PARTNER, "status": "ended"},
        "dated before the last": {"on_date": (today - timedelta(days=3)).isoformat()},
    }  # fmt: skip
    hostile = Hostile(b, tmp_path)
    made = {}
    for name, change in forged.items():
        made[name] = uuid7()
        row = {"id": made[name], **base, **change}
        pk = key(made[name])
        hostile.forge(("care_record", pk, "", None),
                      *(("care_record", pk, c, v) for c, v in row.items()))  # fmt: skip
    rows = {
        "member of an object": ("household_member", {
            "subject_id": ids["PAND"], "code": "PAND-P1", "relation": "partner",
            "added_at": to_db(clock.now()), "added_by": "OPS-B", "device": b.id}),
        "care of an object": ("care_record", {**base, "subject_id": ids["PAND"]}),
        "end before the member": ("household_end", {
            "member_id": partner.id, "ended_at": "2020-01-01T00:00:00Z", "ended_by": "OPS-B",
            "device": b.id}),
    }  # fmt: skip
    for name, (table, values) in rows.items():
        made[name] = uuid7()
        pk = key(made[name])
        fields = {"id": made[name], **values}
        hostile.forge((table, pk, "", None), *((table, pk, c, v) for c, v in fields.items()))
    before = user_tables(a.store)
    exchange.import_file(a.store, hostile.export())
    assert user_tables(a.store) == before
    held = {q.row_id: q.cause for q in quarantined(a.store) if q.field == ""}
    codes = {name: held[made[name]].code for name in made}
    facts = {name: json.dumps(held[made[name]].params) for name in made}
    assert codes["member of an object"] == codes["care of an object"] == "care_not_a_person"
    assert codes["end before the member"] == "care_end_before_member"
    for name, store_code in (
        ("accepted with no offer", "care_not_offered"),
        ("accepted after ended", "care_offer_again"),
        ("ended twice", "care_status_unchanged"),
        ("dated before the last", "care_date_before_last"),
    ):
        assert store_code in facts[name], (name, codes[name], facts[name])
    # the store's own records pass: a new offer after ended
    again = care.record_care(b.store, "DAS", member="DAS-P1", module="partner", status="offered")
    exchange_all([a, b], tmp_path / "share")
    assert again.id in {r.id for r in care.care_history(a.store, "DAS")}
