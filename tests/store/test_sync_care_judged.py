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
