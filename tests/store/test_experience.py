"""The person's experience (issue 20): per activity or per ISO week, recorded by operators,
shift leaders and planners, read by shift leaders; weeks checked as ISO weeks (week 53, New
Year); every refusal writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import agenda, experience, staff, subjects
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied
from tests.conftest import as_user, snapshot


def _person(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")


def test_entries_per_week_and_per_activity_new_year_and_week_53(store: Store) -> None:
    _person(store)
    # 2026-12-31 and 2027-01-03 lie in 2026-W53; 2027-01-04 opens 2027-W01 (Amsterdam days)
    late = agenda.add_activity(store, person="BEVER", title="Oud en nieuw",
                               start=datetime(2026, 12, 31, 22, 30, tzinfo=UTC),
                               end=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # fmt: skip
    monday = agenda.add_activity(store, person="BEVER", title="Werk",
                                 start=datetime(2027, 1, 3, 23, 30, tzinfo=UTC),
                                 end=datetime(2027, 1, 4, 1, tzinfo=UTC))  # fmt: skip
    week = experience.record_experience(store, "bever", weight="heavy", text="Zwaar",
                                        week="2026-W53")  # fmt: skip
    assert (week.person, week.week, week.activity_id) == ("BEVER", "2026-W53", None)
    on_late = experience.record_experience(store, "BEVER", weight="some", text="Druk",
                                           activity_id=late.id[:13])  # fmt: skip
    assert (on_late.activity_id, on_late.week) == (late.id, None)
    on_monday = experience.record_experience(store, "BEVER", weight="none", text="Prima",
                                             activity_id=monday.id)  # fmt: skip
    now = experience.record_experience(store, "BEVER", weight="none", text="Rustig")
    assert now.week == "2026-W48"  # the fixed clock's Saturday 28 November 2026
    in_53 = experience.list_experiences(store, "BEVER", week="2026-W53")
    assert {e.id for e in in_53} == {week.id, on_late.id}
    assert [e.id for e in experience.list_experiences(store, "BEVER", week="2027-W01")] == [
        on_monday.id
    ]
    assert len(experience.list_experiences(store, "BEVER")) == 4
    assert experience.list_experiences(store, "DAS") == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"week": "2026-W54"}, "no_such_week"),
        ({"week": "2026-W00"}, "no_such_week"),
        ({"week": "2027-W53"}, "no_such_week"),  # 2027 has 52 weeks
        ({"week": "0001-W01"}, "out_of_years"),
        ({"week": "1970-W01"}, "out_of_years"),  # begins on 1969-12-29
        ({"week": "2099-W53"}, "out_of_years"),  # ends in 2100
        ({"week": "2026-W1"}, "not_a_week"),
        ({"week": "2026-w10"}, "not_a_week"),
        ({"week": "２０２６-W10"}, "not_a_week"),
        ({"week": "2026-W10\n"}, "not_a_week"),
        ({"weight": "zwaar"}, "not_a_choice"),
        ({"text": " \u200b "}, "text_empty"),
        ({"text": "a\x00b"}, "text_with_nul"),
        ({"text": "x" * 4001}, "text_too_long"),
        ({"person": "NIEMAND"}, "unknown_subject"),
        ({"activity_id": "ffffffff-0000"}, "unknown_id"),
        ({"activity_id": "das", "week": "2026-W49"}, "experience_activity_and_week"),
        ({"activity_id": "das"}, "experience_activity_of_another"),
    ],
)
def test_hostile_entries_write_nothing(store: Store, kwargs: dict[str, str], error: str) -> None:
    _person(store)
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    other = agenda.add_activity(store, person="DAS", title="Zitting", start=start,
                                end=start + timedelta(hours=1))  # fmt: skip
    if kwargs.get("activity_id") == "das":
        kwargs = {**kwargs, "activity_id": other.id}
    entry = {"person": "BEVER", "weight": "some", "text": "Druk", **kwargs}
    before = snapshot(store.path)
    with pytest.raises(BadInput) as refused:
        experience.record_experience(store, **entry)
    assert refused.value.code == error
    assert snapshot(store.path) == before
    if error == "unknown_subject":
        assert isinstance(refused.value, NotFound)


def test_who_records_and_who_reads(store: Store) -> None:
    _person(store)
    for callsign, role in (("OP-1", "operator"), ("IA-1", "info_analyst"), ("PL-1", "planner")):
        staff.add_staff(store, callsign, unit="RT", role=role)
    operator, analyst, planner = (as_user(store, c) for c in ("OP-1", "IA-1", "PL-1"))
    experience.record_experience(operator, "BEVER", weight="some", text="Druk", week="2026-W49")
    experience.record_experience(planner, "BEVER", weight="none", text="Goed", week="2026-W49")
    before = snapshot(store.path)
    with pytest.raises(PermissionDenied):
        experience.record_experience(analyst, "BEVER", weight="some", text="x", week="2026-W49")
    assert snapshot(store.path) == before
    for reader in (operator, analyst, planner):
        with pytest.raises(PermissionDenied):
            experience.list_experiences(reader, "BEVER")
    leader = as_user(store, "OPS-01")  # the test database's operator: a shift leader
    assert [e.recorded_by for e in experience.list_experiences(leader, "BEVER")] == [
        "PL-1",
        "OP-1",
    ]
