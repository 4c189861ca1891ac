"""Shifts and deployments: the rest rule, CSV import all or nothing, and every deployment
refusal naming its rule with the database unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import hours_between
from store.db import Store
from store.errors import BadInput, PermissionDenied, RuleViolation
from tests.conftest import as_user, at, refused_as, snapshot
from words.errors import sentence


@pytest.fixture
def duty(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    staff.add_staff(
        store, "RT-0001", unit="RT", qualifications=[("close_protection", date(2026, 12, 1))]
    )
    staff.add_staff(store, "RT-0002", unit="RT", qualifications=[("object_guard", None)])
    roster.add_shift(
        store, "RT-0001", start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 15:00")
    )
    return store


def test_a_night_over_the_october_change_is_ten_hours(store: Store) -> None:
    staff.add_staff(store, "RT-0009", unit="RT")
    night = roster.add_shift(
        store, "RT-0009", start=at(store, "2026-10-24 22:00"), end=at(store, "2026-10-25 07:00")
    )
    assert hours_between(night.start_at, night.end_at) == 10.0


def test_rest_between_shifts_is_enforced(duty: Store) -> None:
    before = snapshot(duty.path)
    with refused_as(RuleViolation, "less than the required 11 hours' rest") as info:
        roster.add_shift(
            duty, "RT-0001", start=at(duty, "2026-12-02 01:00"), end=at(duty, "2026-12-02 06:00")
        )
    assert info.value.rule == "rest"
    with refused_as(RuleViolation, "overlaps"):
        roster.add_shift(
            duty, "RT-0001", start=at(duty, "2026-12-01 14:00"), end=at(duty, "2026-12-01 18:00")
        )
    with refused_as(BadInput, "at most 14 hours"):
        roster.add_shift(
            duty, "RT-0002", start=at(duty, "2026-12-01 06:00"), end=at(duty, "2026-12-01 21:00")
        )
    assert snapshot(duty.path) == before
    roster.add_shift(
        duty, "RT-0001", start=at(duty, "2026-12-02 02:00"), end=at(duty, "2026-12-02 10:00")
    )  # exactly 11 hours later


def test_csv_import_is_all_or_nothing_with_every_bad_line(duty: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "callsign,start,end\nRT-0002,2026-12-03 07:00,2026-12-03 15:00\n"
        "RT-0002,2026-12-04 07:00,2026-12-04 15:00\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "callsign,start,end\nRT-0002,2026-12-05 07:00,2026-12-05 15:00\n"
        "NOBODY,2026-12-05 07:00,2026-12-05 15:00\n"
        "RT-0002,2026-12-05 20:00,2026-12-06 02:00\n"
        "RT-0001,2027-03-28 02:30,2027-03-28 08:00\n"
    )
    before = snapshot(duty.path)
    with pytest.raises(BadInput) as info:
        roster.import_shifts(duty, bad)
    assert [line["line"] for line in info.value.params["lines"]] == [3, 4, 5]  # facts
    for message in (sentence(info.value), sentence(info.value)):  # the store's and words/'s
        check_bad_lines(message)
    assert snapshot(duty.path) == before
    assert roster.import_shifts(duty, good).imported == 2


def check_bad_lines(message: str) -> None:
    assert message.startswith("bad.csv: nothing imported, 3 bad lines: line 3: No person")
    assert ".;" not in message
    assert "line 4: RT-0002 would have less than the required 11 hours' rest" in message
    assert "line 5: '2027-03-28 02:30' does not exist" in message


def test_deployment_refusals_name_their_rule(duty: Store) -> None:
    covered = agenda.add_activity(
        duty,
        person="BEVER",
        title="Zitting",
        concept="CP-LIGHT",
        start=at(duty, "2026-12-01 09:00"),
        end=at(duty, "2026-12-01 11:00"),
    )
    late = agenda.add_activity(
        duty,
        person="BEVER",
        title="Avond",
        concept="CP-LIGHT",
        start=at(duty, "2026-12-01 14:00"),
        end=at(duty, "2026-12-01 16:00"),
    )
    bare = agenda.add_activity(
        duty,
        person="BEVER",
        title="Zonder concept",
        start=at(duty, "2026-12-01 09:00"),
        end=at(duty, "2026-12-01 10:00"),
    )
    roster.add_shift(
        duty, "RT-0002", start=at(duty, "2026-12-01 07:00"), end=at(duty, "2026-12-01 15:00")
    )
    before = snapshot(duty.path)
    cases = [
        (late.id, "RT-0001", "not on duty for the whole activity"),
        (covered.id, "RT-0002", "holds none of close_protection, protective_driving"),
        (bare.id, "RT-0001", "no concept yet"),
    ]
    for activity_id, callsign, message in cases:
        with refused_as(RuleViolation, message):
            staffing.deploy(duty, activity_id, [callsign])
    assert snapshot(duty.path) == before
    staffing.deploy(duty, covered.id, ["RT-0001"])
    overlap = agenda.add_activity(
        duty,
        person="BEVER",
        title="Tegelijk",
        concept="CP-LIGHT",
        start=at(duty, "2026-12-01 10:00"),
        end=at(duty, "2026-12-01 12:00"),
    )
    with refused_as(RuleViolation, r"already deployed on activity .* one place at a time"):
        staffing.deploy(duty, overlap.id, ["RT-0001"])
    staff.add_staff(duty, "RT-0010", unit="RT", role="operator")
    with refused_as(PermissionDenied, "may manage staff, shifts and deployments"):
        staffing.deploy(as_user(duty, "RT-0010"), covered.id, ["RT-0001"])


def test_an_expired_qualification_refuses_deployment(duty: Store) -> None:
    roster.add_shift(
        duty, "RT-0001", start=at(duty, "2026-12-02 07:00"), end=at(duty, "2026-12-02 15:00")
    )
    item = agenda.add_activity(
        duty,
        person="BEVER",
        title="Dag erna",
        concept="CP-LIGHT",
        start=at(duty, "2026-12-02 09:00"),
        end=at(duty, "2026-12-02 11:00"),
    )
    with refused_as(RuleViolation, r"close_protection expired\) \(rule R8\)"):
        staffing.deploy(duty, item.id, ["RT-0001"])
    with pytest.raises(RuleViolation) as info:
        staffing.deploy(duty, item.id, ["RT-0001"])
    assert (info.value.rule, info.value.code) == ("R8", "not_deployed")
    assert info.value.params["problems"][0]["code"] == "unqualified"


def test_deploying_lends_an_officer_to_another_unit(duty: Store) -> None:
    from store.gaps import find_gaps

    item = agenda.add_activity(
        duty,
        person="BEVER",
        title="Zitting",
        concept="CP-LIGHT",
        start=at(duty, "2026-12-01 09:00"),
        end=at(duty, "2026-12-01 11:00"),
    )
    staff.add_staff(duty, "AM-0001", unit="AM", qualifications=[("protective_driving", None)])
    roster.add_shift(
        duty, "AM-0001", start=at(duty, "2026-12-01 07:00"), end=at(duty, "2026-12-01 15:00")
    )
    window = (at(duty, "2026-12-01 00:00"), at(duty, "2026-12-02 00:00"))
    before = {(g.qualification, g.shortfall) for g in find_gaps(duty, *window, unit="RT")}
    assert ("protective_driving", 1) in before
    staffing.deploy(duty, item.id, ["AM-0001"])
    after = {(g.qualification, g.shortfall) for g in find_gaps(duty, *window, unit="RT")}
    assert ("protective_driving", 1) not in after


def test_recording_a_qualification_is_checked_and_updates_the_last_valid_day(duty: Store) -> None:
    operator = as_user(duty, "RT-0002")  # (gives RT-0002 a first secret: before the snapshot)
    before = snapshot(duty.path)
    with pytest.raises(PermissionDenied):
        staff.set_qualification(operator, "RT-0001", "close_protection", None)
    with refused_as(BadInput, "Unknown qualification 'karate'"):
        staff.set_qualification(duty, "RT-0001", "karate", None)
    with refused_as(BadInput, "between 1970-01-01 and 2099-12-31"):
        staff.set_qualification(duty, "RT-0001", "close_protection", date(2100, 1, 1))
    assert snapshot(duty.path) == before
    staff.set_qualification(duty, "RT-0001", "close_protection", date(2026, 11, 30))
    person = staff.set_qualification(duty, "RT-0001", "hrb", None)
    assert [(q.code, q.valid_until) for q in person.qualifications] == [
        ("close_protection", date(2026, 11, 30)),
        ("hrb", None),
    ]
