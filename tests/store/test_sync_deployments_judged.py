"""Issue 13: a received deployment is judged with the store's own checks, against the activity
and the officer as they stood when it was made: on an activity that had ended
(``roster.check_not_over``, ``activity_over``); one ``roster.deployment_problem`` refuses (on
duty, R8, one place at a time: ``not_deployed``). Three really enrolled laptops: shift leader b
writes deployments past its store with raw SQL, then the real signed export; a imports it with
the real command (exit 5, each quarantined with the store's code, a's tables unchanged) and c
with the store (the same quarantine); an honest deployment from b still applies."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from store import agenda, requests, roster, rules, staff, staffing, subjects
from store.clock import FixedClock, to_db
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
    without_segments_of,
)

START = NOW + timedelta(days=3)
END = START + timedelta(hours=2)
PAST = NOW - timedelta(days=1)
QUALIFIED = [("close_protection", None)]


def _team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, dict[str, str]]:
    """Admin a, shift leaders b and c; KIEVIT (level 3) with two upcoming activities at the
    same time and one that has ended, all CP-LIGHT; RT-0080 (close protection) on duty and
    deployed on the first; RT-0081 (close protection) without a shift; RT-0082 on duty without
    a qualification; all exchanged."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="shift_leader")
    admin = a.store
    subjects.add_subject(admin, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(admin, "KIEVIT", level=3)
    made = {
        name: agenda.add_activity(
            admin, person="KIEVIT", title=name, start=start, end=start + timedelta(hours=2),
            location="Rechtbank", concept="CP-LIGHT",
        ).id
        for name, start in (("first", START), ("second", START), ("ended", PAST))
    }  # fmt: skip
    staff.add_staff(admin, "RT-0080", unit="RT", qualifications=QUALIFIED)
    staff.add_staff(admin, "RT-0081", unit="RT", qualifications=QUALIFIED)
    staff.add_staff(admin, "RT-0082", unit="RT")
    for callsign in ("RT-0080", "RT-0082"):
        on_duty = START - timedelta(hours=2)
        roster.add_shift(admin, callsign, start=on_duty, end=on_duty + timedelta(hours=8))
    on_duty = PAST - timedelta(hours=1)
    roster.add_shift(admin, "RT-0080", start=on_duty, end=on_duty + timedelta(hours=6))
    staffing.deploy(admin, made["first"], ["RT-0080"])
    for callsign in ("RT-0080", "RT-0081", "RT-0082"):
        made[callsign] = str(admin.one("SELECT id FROM staff WHERE callsign = ?", (callsign,))[0])
    exchange_all([a, b, c], tmp_path / "share")
    return a, b, c, made


def _deployment(n: int, activity: str, staff_id: str) -> str:
    return (
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d2{n:02d}', '{activity}', '{staff_id}',"
        f" '{to_db(NOW)}', 'OPS-B')"
    )


def test_deployments_the_store_refuses_are_quarantined_alike_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c, made = _team(tmp_path, clock)
    raw_change_sets(
        b,
        _deployment(1, made["second"], made["RT-0081"]),  # not on duty
        _deployment(2, made["second"], made["RT-0082"]),  # not qualified (R8)
        _deployment(3, made["second"], made["RT-0080"]),  # deployed on the first then
        _deployment(4, made["ended"], made["RT-0080"]),  # on an activity that has ended
    )
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert user_tables(a.store) == before
    assert {q["table"] for q in receipt["quarantined"]} == {"deployment"}
    refused = [q for q in quarantined(a.store) if q.cause.code == "row_refused"]
    found = {
        q.row_id[-2:]: (
            q.cause.params["error"],
            [p["code"] for p in q.cause.params["facts"].get("problems", [])],
            q.rule,
        )
        for q in refused
    }
    assert found == {
        "01": ("not_deployed", ["not_on_duty"], "deployment"),
        "02": ("not_deployed", ["unqualified"], "R8"),
        "03": ("not_deployed", ["one_place"], "deployment"),
        "04": ("activity_over", [], "deployment"),
    }
    before_c = user_tables(c.store)
    exchange.import_file(c.store, bundle)
    assert user_tables(c.store) == before_c
    assert held(c) == held(a) != []


def test_an_honest_deployment_still_applies(tmp_path: Path, clock: FixedClock) -> None:
    a, b, c, made = _team(tmp_path, clock)
    later = agenda.add_activity(
        b.store, person="KIEVIT", title="later", start=START + timedelta(hours=3),
        end=START + timedelta(hours=5), location="Rechtbank", concept="CP-LIGHT",
    ).id  # fmt: skip
    staffing.deploy(b.store, later, ["RT-0080"])
    bundle = Hostile(b, tmp_path).export()
    code, receipt = import_with_cli(a, bundle)
    assert code == 0, receipt
    assert receipt["quarantined"] == []
    assert user_tables(a.store)["deployment"] == user_tables(b.store)["deployment"]
    exchange.import_file(c.store, bundle)
    assert user_tables(c.store) == user_tables(a.store)
    assert made["first"] != later


def test_a_deployment_is_judged_by_the_shifts_as_they_stood_whatever_order_they_arrive_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    """c gives RT-0081 a shift; b hears of it, then deploys RT-0081. a hears of the deployment
    first (the transport lost c's file): not on duty as far as a knows, quarantined; then of the
    shift, made before the deployment: the deployment is judged again and applied."""
    a, b, c, made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    on_duty = START - timedelta(hours=1)
    roster.add_shift(c.store, "RT-0081", start=on_duty, end=on_duty + timedelta(hours=8))
    from_c = exchange.export(c.store, out=tmp_path / "from-c.swb").path
    exchange.import_file(b.store, from_c)
    clock.advance(minutes=1)
    staffing.deploy(b.store, made["second"], ["RT-0081"])
    with without_segments_of(c.id):
        from_b = exchange.export(b.store, out=tmp_path / "from-b.swb").path
    exchange.import_file(a.store, from_b)
    assert [q.table for q in quarantined(a.store)] != []  # not on duty as far as a knows
    exchange.import_file(a.store, from_c)
    assert quarantined(a.store) == []
    assert user_tables(a.store) == user_tables(b.store)


def test_a_release_after_the_activity_ended_is_quarantined_and_one_before_applies(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b releases RT-0080 from the first activity through the store while it is ahead: applied
    on a. Later, b deletes a deployment of an activity that has ended with raw SQL (the store
    refuses, ``activity_over``): quarantined alike on a and c."""
    a, b, c, made = _team(tmp_path, clock)
    roster.release(b.store, made["first"], "RT-0080", "nodig elders")
    code, receipt = import_with_cli(a, Hostile(b, tmp_path).export())
    assert code == 0, receipt
    assert user_tables(a.store)["deployment"] == user_tables(b.store)["deployment"] == []
    staffing.deploy(a.store, made["second"], ["RT-0080"])
    exchange_all([a, b, c], tmp_path / "share2")
    # the second activity ended more than a day before: a deletion records no time of its
    # own, so it is judged by the earliest its author's clock can have read (a day before its
    # stamp, ``plan_checks.PUSHED_AHEAD``), never by a stamp a fast peer pushed ahead
    clock.advance(days=5)
    raw_change_sets(b, f"DELETE FROM deployment WHERE activity_id = '{made['second']}'")
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    exchange.import_file(a.store, bundle)  # the command's clock is the real one: days behind
    assert user_tables(a.store) == before
    [one] = quarantined(a.store)
    assert (one.table, one.field, one.rule) == ("deployment", "", "deployment")
    assert one.cause.params["error"] == "activity_over"
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a)


def test_an_acceptance_whose_deployments_are_refused_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b writes a request whose second option deploys RT-0081, and accepts it with the activity
    and RT-0081's deployment in one change set, past its store: RT-0081 is not on duty, so the
    deployment is refused (``not_deployed``) and the acceptance with it: the option can no
    longer be carried out as assessed (``request_option_gone``), alike on a and c."""
    a, b, c, made = _team(tmp_path, clock)
    start, end = START + timedelta(hours=5), START + timedelta(hours=7)
    first = {
        "action": "as_asked", "what": {}, "price": {}, "feasible": False, "partial": False,
        "concept": None, "start": to_db(start), "end": to_db(end), "shift_minutes": None,
        "callsign": None, "team": [], "fact": None, "token": "as-asked",
    }  # fmt: skip
    deploying = {**first, "action": "deploy", "feasible": True, "concept": "CP-LIGHT",
                 "team": ["RT-0081"], "token": "deploy-rt-0081"}  # fmt: skip
    options = [first, deploying]
    request, planned = (
        "01a2ffff-0000-7000-8000-00000000d301",
        "01a2ffff-0000-7000-8000-00000000d302",
    )
    kievit = str(a.store.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0])
    device = b.store.device_id
    raw_change_sets(
        b,
        "INSERT INTO activity_request (id, subject_id, title, kind, start_at, end_at, location,"
        f" concept, verdict, assessment, requested_at, requested_by, device) VALUES ('{request}',"
        f" '{kievit}', 'Diner', 'work', '{to_db(start)}', '{to_db(end)}', '', NULL,"
        f" '{rules.request_verdict(options)}', '{json.dumps(options)}', '{to_db(NOW)}', 'OPS-B',"
        f" '{device}')",
        "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location, status,"
        f" concept, created_at, created_by, updated_at) VALUES ('{planned}', '{kievit}', 'Diner',"
        f" 'work', '{to_db(start)}', '{to_db(end)}', '', 'planned', 'CP-LIGHT', '{to_db(NOW)}',"
        f" 'OPS-B', '{to_db(NOW)}'); "
        + _deployment(4, planned, made["RT-0081"])
        + "; INSERT INTO request_answer (id, request_id, answer, option, activity_id, reason,"
        f" authority, answered_at, answered_by, device) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d303', '{request}', 'accepted', 2, '{planned}',"
        f" NULL, NULL, '{to_db(NOW)}', 'OPS-B', '{device}')",
    )
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    exchange.import_file(a.store, bundle)
    refused = {
        q.table: q.cause.params.get("error")
        for q in quarantined(a.store)
        if q.field == "" and q.cause.code == "row_refused"
    }
    assert refused == {"deployment": "not_deployed", "request_answer": "request_option_gone"}
    assert requests.get_request(a.store, request).answer is None
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a)
