"""Psychosocial care (issue 20): the household by code, the package's care modules per member
with a history of statuses, who may record and read it, every refusal writing nothing, the
database's own guards, and the handover's open item for a module a package change added."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from store import care, rules, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied, RuleViolation
from store.handover import draft_handover
from tests.conftest import as_user, snapshot

PERSON = "Psychosocial care: protected person"
PARTNER = "Psychosocial care: partner"
CHILDREN = "Psychosocial care: children"
RELOCATION = "Temporary relocation support"


def _merel(store: Store, level: int = 2) -> None:
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=level)


def test_members_by_code_never_deleted(store: Store) -> None:
    _merel(store)
    partner = care.add_member(store, "merel", "partner")
    first = care.add_member(store, "MEREL", "child")
    second = care.add_member(store, "MEREL", "child")
    assert (partner.code, first.code, second.code) == ("MEREL-P1", "MEREL-C1", "MEREL-C2")
    ended = care.end_member(store, "MEREL", "merel-c1")
    assert ended.ended_at is not None and ended.ended_by == "OPS-01"
    third = care.add_member(store, "MEREL", "child")
    assert third.code == "MEREL-C3"  # numbers are never reused: nothing is deleted
    members = care.list_members(store, "MEREL")
    assert [m.code for m in members] == ["self", "MEREL-P1", "MEREL-C1", "MEREL-C2", "MEREL-C3"]
    assert [m.relation for m in members] == ["self", "partner", "child", "child", "child"]


def test_a_module_history_is_kept_and_the_overview_shows_the_current_status(
    store: Store, clock: FixedClock
) -> None:
    _merel(store)
    care.add_member(store, "MEREL", "partner")
    today = local_today(clock)
    offered = care.record_care(store, "MEREL", member="MEREL-P1", module="partner",
                               status="offered")  # fmt: skip
    assert (offered.module, offered.member, offered.recorded_by) == (PARTNER, "MEREL-P1", "OPS-01")
    clock.advance(minutes=5)
    care.record_care(store, "MEREL", member="merel-p1", module=PARTNER, status="accepted")
    care.record_care(store, "MEREL", member="self", module="protected", status="offered",
                     on=today - timedelta(days=3), note="intake gepland")  # fmt: skip
    history = care.care_history(store, "MEREL")
    assert [(r.member, r.status) for r in history] == [
        ("self", "offered"),
        ("MEREL-P1", "offered"),
        ("MEREL-P1", "accepted"),
    ]
    overview = {(s.member, s.module): s for s in care.care_overview(store, "MEREL")}
    assert set(overview) == {("self", PERSON), ("MEREL-P1", PARTNER)}
    assert overview["MEREL-P1", PARTNER].status == "accepted"
    assert overview["MEREL-P1", PARTNER].days == {"offered": today, "accepted": today}
    assert overview["self", PERSON].status == "offered"
    assert overview["self", PERSON].days == {"offered": today - timedelta(days=3)}


def local_today(clock: FixedClock) -> date:
    from store.clock import local

    return local(clock.now()).date()


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"member": "MEREL-C9"}, NotFound, "care_no_such_member"),
        ({"module": "relocation"}, RuleViolation, "care_module_not_in_package"),  # PKG-W3
        ({"module": "care"}, BadInput, "care_module_ambiguous"),
        ({"module": PERSON}, RuleViolation, "care_module_not_for_member"),
        ({"status": "accepted"}, RuleViolation, "care_not_offered"),
        ({"status": "sought"}, BadInput, "not_a_choice"),
        ({"on": date(2026, 12, 31)}, BadInput, "care_date_ahead"),
        ({"on": date(2026, 9, 1)}, BadInput, "care_backdated"),
        ({"on": date(2026, 11, 20)}, BadInput, "care_date_before_member"),
        ({"note": "x" * 201}, BadInput, "text_too_long"),
        ({"member": "MEREL-C1", "module": CHILDREN}, RuleViolation, "care_member_ended"),
    ],
)
def test_every_refusal_writes_nothing(
    store: Store, clock: FixedClock, kwargs: dict[str, object], error: type, code: str
) -> None:
    _merel(store, level=3)
    care.add_member(store, "MEREL", "partner")
    child = care.add_member(store, "MEREL", "child")
    care.end_member(store, "MEREL", child.code)
    given: dict[str, object] = {"member": "MEREL-P1", "module": PARTNER, "status": "offered"}
    given.update(kwargs)
    before = snapshot(store.path)
    with pytest.raises(error) as refused:
        care.record_care(store, "MEREL", **given)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert snapshot(store.path) == before


def test_history_refusals_and_member_refusals_write_nothing(store: Store) -> None:
    _merel(store)
    care.add_member(store, "MEREL", "partner")
    care.record_care(store, "MEREL", member="self", module=PERSON, status="offered")
    subjects.add_subject(store, "HUIS", kind="object", domain="local", unit="RT")
    before = snapshot(store.path)
    for call, code in (
        (lambda: care.record_care(store, "MEREL", member="self", module=PERSON,
                                  status="offered"), "care_status_unchanged"),
        (lambda: care.record_care(store, "MEREL", member="self", module=PERSON,
                                  status="accepted", on=date(2026, 11, 20)),
         "care_date_before_last"),
        (lambda: care.add_member(store, "HUIS", "child"), "care_not_a_person"),
        (lambda: care.add_member(store, "MEREL", "cousin"), "not_a_choice"),
        (lambda: care.end_member(store, "MEREL", "self"), "care_self_not_ended"),
        (lambda: care.add_member(store, "NIEMAND", "child"), "unknown_subject"),
    ):  # fmt: skip
        with pytest.raises((BadInput, RuleViolation)) as refused:
            call()
        assert refused.value.code == code
    care.end_member(store, "MEREL", "MEREL-P1")
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as twice:
        care.end_member(store, "MEREL", "MEREL-P1")
    assert twice.value.code == "care_member_ended_already"
    assert snapshot(store.path) == before
    subjects.add_subject(store, "NIEUW", kind="person", domain="local", unit="RT")
    with pytest.raises(RuleViolation) as bare:  # never assessed: no package, no modules
        care.record_care(store, "NIEUW", member="self", module="protected", status="offered")
    assert bare.value.code == "care_no_package"


def test_who_may_record_and_read(store: Store) -> None:
    _merel(store)
    for callsign, role in (("OP-7", "operator"), ("PL-1", "planner"), ("IA-1", "info_analyst")):
        staff.add_staff(store, callsign, unit="RT", role=role)
    operator, analyst = as_user(store, "OP-7"), as_user(store, "IA-1")
    before = snapshot(store.path)
    with pytest.raises(PermissionDenied):
        care.add_member(operator, "MEREL", "child")
    with pytest.raises(PermissionDenied):
        care.record_care(operator, "MEREL", member="self", module=PERSON, status="offered")
    with pytest.raises(PermissionDenied):
        care.care_overview(analyst, "MEREL")
    assert snapshot(store.path) == before
    planner = as_user(store, "PL-1")
    care.add_member(planner, "MEREL", "partner")
    assert [m.code for m in care.list_members(planner, "MEREL")] == ["self", "MEREL-P1"]
    assert care.access.PERMISSIONS["care.write"] == {"shift_leader", "planner", "admin"}


def test_the_database_guards_care_records(store: Store) -> None:
    _merel(store)
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    partner = care.add_member(store, "MEREL", "partner")
    record = care.record_care(store, "MEREL", member="MEREL-P1", module=PARTNER, status="offered")
    conn = sqlite3.connect(store.path)
    das = conn.execute("SELECT id FROM subject WHERE code = 'DAS'").fetchone()[0]
    row = "'x', '2026-11-28T09:00:00Z', 'OPS-01', 'd'"
    for sql in (
        "UPDATE care_record SET status = 'declined'",
        "DELETE FROM care_record",
        "UPDATE household_member SET relation = 'child'",
        "DELETE FROM household_member",
        f"INSERT INTO care_record VALUES ('c1', '{das}', '{partner.id}', '{PARTNER}',"
        f" 'offered', '2026-11-28', {row})",  # a member of another person
        f"INSERT INTO care_record VALUES ('c2', '{das}', NULL, 'Gesprekken',"
        f" 'offered', '2026-11-28', {row})",  # no module of the catalogue
        f"INSERT INTO care_record VALUES ('c3', '{das}', NULL, '{PERSON}',"
        f" 'sought', '2026-11-28', {row})",
        f"INSERT INTO care_record VALUES ('c4', '{das}', NULL, '{PERSON}',"
        f" 'offered', '2026-12-30', {row})",  # ahead of the day it was recorded
        f"INSERT INTO household_member VALUES ('m1', '{das}', 'DAS', 'child',"
        " '2026-11-28T09:00:00Z', 'OPS-01', 'd')",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)
    conn.close()
    assert [r.id for r in care.care_history(store, "MEREL")] == [record.id]


def test_the_mapping_from_module_names() -> None:
    assert [rules.care_module_for(m) for m in (PERSON, PARTNER, CHILDREN, RELOCATION)] == [
        "self",
        "partner",
        "child",
        "self",
    ]


def test_a_module_a_package_change_adds_is_open_in_the_handover_until_offered(
    store: Store, clock: FixedClock
) -> None:
    _merel(store, level=1)  # PKG-W1: the person's own module; the first package is no change
    care.add_member(store, "MEREL", "partner")
    care.add_member(store, "MEREL", "child")
    assert care.not_offered(store) == []
    draft = draft_handover(store)
    item = next(i for i in draft.assessment if i.kind == "care_not_offered")
    assert item.count == 0
    clock.advance(minutes=5)
    subjects.assess_threat(store, "MEREL", level=3)  # PKG-W3 adds partner and children care
    found = care.not_offered(store)
    assert [(f.person, f.member, f.module) for f in found] == [
        ("MEREL", "MEREL-P1", PARTNER),
        ("MEREL", "MEREL-C1", CHILDREN),
    ]
    draft = draft_handover(store)
    item = next(i for i in draft.assessment if i.kind == "care_not_offered")
    assert item.count == 2
    assert any(r.kind == "care_not_offered" and r.count == 2 for r in draft.recommendation)
    # a child recorded after the change is no open item (the package had the module already)
    clock.advance(minutes=5)
    care.add_member(store, "MEREL", "child")
    assert len(care.not_offered(store)) == 2
    care.record_care(store, "MEREL", member="MEREL-P1", module=PARTNER, status="offered")
    assert [f.member for f in care.not_offered(store)] == ["MEREL-C1"]
    care.end_member(store, "MEREL", "MEREL-C1")  # no longer in the household: not open
    draft = draft_handover(store)
    assert next(i for i in draft.assessment if i.kind == "care_not_offered").count == 0


def test_care_is_in_no_person_statement(store: Store) -> None:
    import json

    from store import statement
    from words import statement as words

    _merel(store)
    care.add_member(store, "MEREL", "partner")
    care.record_care(store, "MEREL", member="MEREL-P1", module="partner", status="offered",
                     note="intake")  # fmt: skip
    found = statement.weekly_statement(store, "MEREL", "2026-W48")
    for text in (json.dumps(words.as_json(found)), words.as_markdown(found), words.as_html(found)):
        assert "MEREL-P1" not in text and "Psychosocial" not in text and "intake" not in text


def test_after_ended_or_declined_only_a_new_offer(store: Store, clock: FixedClock) -> None:
    _merel(store)
    today = clock.now().date()
    days = [today - timedelta(days=n) for n in (6, 5, 4, 3, 2)]
    care.record_care(store, "MEREL", member="self", module=PERSON, status="offered", on=days[0])
    care.record_care(store, "MEREL", member="self", module=PERSON, status="ended", on=days[1])
    before = snapshot(store.path)
    for status in ("accepted", "declined"):
        with pytest.raises(RuleViolation) as refused:
            care.record_care(store, "MEREL", member="self", module=PERSON, status=status,
                             on=days[2])  # fmt: skip
        assert refused.value.code == "care_offer_again"
    assert snapshot(store.path) == before
    care.record_care(store, "MEREL", member="self", module=PERSON, status="offered", on=days[2])
    care.record_care(store, "MEREL", member="self", module=PERSON, status="declined", on=days[3])
    with pytest.raises(RuleViolation, match="care"):
        care.record_care(store, "MEREL", member="self", module=PERSON, status="accepted",
                         on=days[4])  # fmt: skip


def test_a_module_that_left_the_package_may_still_be_ended_or_declined(store: Store) -> None:
    _merel(store, level=2)
    care.add_member(store, "MEREL", "partner")
    care.record_care(store, "MEREL", member="MEREL-P1", module="partner", status="offered")
    subjects.assess_threat(store, "MEREL", level=1)  # PKG-W1: no partner module
    assert PARTNER not in care.package_modules(store, subjects.get_subject(store, "MEREL"))
    with pytest.raises(RuleViolation) as refused:
        care.record_care(store, "MEREL", member="MEREL-P1", module="partner", status="accepted")
    assert refused.value.code == "care_module_not_in_package"
    care.record_care(store, "MEREL", member="MEREL-P1", module="partner", status="declined")
    with pytest.raises(RuleViolation) as never:  # a module never offered to the member
        care.record_care(store, "MEREL", member="self", module="relocation", status="ended")
    assert never.value.code == "care_module_not_in_package"
