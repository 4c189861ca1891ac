"""Requests answered (issue 20): a requested activity is assessed at once by the same rules as
planning it (a trial of ``agenda.add_activity`` and ``suggest`` rolled back), answered once by
a role that may, and a refusal is a restriction (R5). Every refusal writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import agenda, experience, requests, roster, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.errors import BadInput, NotFound, PermissionDenied, RuleViolation
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import as_user, snapshot
from tests.sync_team import exchange_all, make_team
from words.person import option_cost, option_text

# On the demo (seed 7, small), as the demo's roster stands:
COVERED = ("KIEVIT", datetime(2026, 12, 1, 20, tzinfo=UTC))  # the officers on duty cover it
MOVABLE = ("MEREL", datetime(2026, 12, 2, 3, tzinfo=UTC))  # covered three hours later
SHORT = ("KIEVIT", datetime(2026, 12, 1, 6, tzinfo=UTC))  # nothing covers it nearby (at 09:00 a
# move to 06:00 is covered since fix16w binds only the deployed group to its own places: a
# deployed officer no longer holds a place of the pool's choosing)


def _request(store: Store, case: tuple[str, datetime], **more: object) -> requests.Request:
    person, start = case
    return requests.request_activity(
        store,
        person=person,
        title="Verzoek",
        start=start,
        end=start + timedelta(hours=2),
        kind="private",
        **more,  # type: ignore[arg-type]
    )


def test_a_request_is_assessed_at_once_and_the_trial_leaves_nothing(demo_store: Store) -> None:
    agenda_before = [a.id for a in agenda.list_activities(demo_store)]
    covered = _request(demo_store, COVERED)
    assert covered.verdict == "as_asked"
    assert covered.options[0].action == "as_asked" and covered.options[0].feasible
    movable = _request(demo_store, MOVABLE)
    assert movable.verdict == "with_changes"
    moves = [o for o in movable.options if o.action == "move" and requests.coverable(o)]
    assert moves and moves[0].shift_minutes == 180
    short = _request(demo_store, SHORT)
    assert short.verdict == "not_feasible"
    assert not short.options[0].feasible  # as asked: a roster gap, and why
    assert all(o.fact for o in short.options if not o.feasible)  # each says why not
    # every option keeps the level: a concept it plans is valid for the person (R1, R3, R4)
    for request in (covered, movable, short):
        subject = subjects.get_subject(demo_store, request.person)
        valid = {o.code for o in agenda.concept_options(demo_store, subject) if o.valid}
        planned = {o.concept for o in request.options if o.feasible or o.partial}
        assert planned - {None} <= valid
    # nothing of the trials stayed: the agenda is as it was; each request audited once
    assert [a.id for a in agenda.list_activities(demo_store)] == agenda_before
    actions = demo_store.tuples(
        "SELECT action FROM audit_event WHERE action LIKE 'activity.%' ORDER BY seq DESC LIMIT 3"
    )
    assert actions == [("activity.request",)] * 3
    listed = requests.list_requests(demo_store, state="open")
    assert [r.id for r in listed] == [covered.id, movable.id, short.id]


def test_a_concept_below_the_level_is_never_planned_as_asked(demo_store: Store) -> None:
    asked = _request(demo_store, COVERED, concept="CAM")  # W1 for KIEVIT, who requires W3
    assert asked.verdict == "with_changes" and asked.concept == "CAM"
    assert asked.options[0].concept is None  # as asked: without the concept asked
    assert all(o.concept != "CAM" for o in asked.options if o.feasible or o.partial)


def test_accepting_plans_the_option_and_the_answer_is_recorded(demo_store: Store) -> None:
    movable = _request(demo_store, MOVABLE)
    n = next(i for i, o in enumerate(movable.options, 1) if o.action == "move")
    answered = requests.answer_request(demo_store, movable.id, accept=n)
    assert (answered.answer, answered.option, answered.answered_by) == ("accepted", n, "OPS-01")
    assert answered.activity_id is not None
    planned = agenda.get_activity(demo_store, answered.activity_id)
    assert planned.start_at == MOVABLE[1] + timedelta(hours=3)
    assert planned.concept == movable.options[n - 1].concept
    assert not planned.needs_replanning
    # a move that deploys its team (rev14c: it moved the activity and deployed nobody)
    team = movable.options[n - 1].team
    assert team
    deployed = {s.callsign for s in roster.deployed_officers(demo_store, planned.id)}
    assert deployed == set(team)
    assert answered.waiting(demo_store.clock.now()) == timedelta(0)  # the fixed clock
    # answered once: nothing written the second time
    before = snapshot(demo_store.path)
    with pytest.raises(RuleViolation) as twice:
        requests.answer_request(demo_store, movable.id, refuse=True, reason="capacity",
                                authority="Burgemeester")  # fmt: skip
    assert twice.value.code == "request_answered"
    assert snapshot(demo_store.path) == before
    assert requests.list_requests(demo_store, state="open") == []


def test_a_refusal_is_a_restriction_with_reason_and_authority(
    demo_store: Store, clock: FixedClock
) -> None:
    short = _request(demo_store, SHORT)
    clock.advance(minutes=95)  # the request waits for its answer; measured, never wall-clock
    before = snapshot(demo_store.path)
    for kwargs, code in (
        ({"refuse": True, "reason": "capacity", "authority": " "}, "restriction_needs_authority"),
        ({"refuse": True, "reason": "capacity"}, "restriction_needs_authority"),
        ({"refuse": True, "authority": "OvJ"}, "restriction_needs_reason"),  # was "reason 'None'"
        ({"refuse": True, "reason": "weer", "authority": "OvJ"}, "unknown_restriction_reason"),
        ({"refuse": True, "reason": "capacity", "authority": "O\u202evJ"}, "invisible_character"),
        ({}, "answer_accept_or_refuse"),
        ({"accept": 1, "refuse": True}, "answer_accept_or_refuse"),
        ({"accept": 0}, "no_such_option"),
        ({"accept": 99}, "no_such_option"),
    ):
        with pytest.raises(BadInput) as refused:
            requests.answer_request(demo_store, short.id, **kwargs)
        assert refused.value.code == code, kwargs
    movable = _request(demo_store, MOVABLE)
    useless = next(i for i, o in enumerate(movable.options, 1) if not o.partial + o.feasible)
    before = snapshot(demo_store.path)
    with pytest.raises(BadInput) as refused:
        requests.answer_request(demo_store, movable.id, accept=useless)
    assert refused.value.code == "request_option_not_feasible"
    with pytest.raises(NotFound):
        requests.answer_request(demo_store, "ffffffff-0000", refuse=True)
    assert snapshot(demo_store.path) == before
    done = requests.answer_request(
        demo_store, short.id, refuse=True, reason="capacity", authority="Burgemeester"
    )
    assert (done.answer, done.reason, done.authority) == ("refused", "capacity", "Burgemeester")
    clock.advance(hours=5)
    assert done.waiting(clock.now()) == timedelta(minutes=95)  # answered: the wait has ended
    assert requests.get_request(demo_store, short.id).answered_by == "OPS-01"


@pytest.mark.parametrize("role", ["operator", "info_analyst", "capacity_analyst"])
def test_only_planners_shift_leaders_authorities_and_admins_answer(
    demo_store: Store, role: str
) -> None:
    request = _request(demo_store, SHORT)
    from store import staff

    staff.add_staff(demo_store, "ROLE-9", unit="RT", role=role)
    actor = as_user(demo_store, "ROLE-9")
    before = snapshot(demo_store.path)
    with pytest.raises(PermissionDenied):
        requests.answer_request(actor, request.id, accept=1)
    assert snapshot(demo_store.path) == before


def test_hostile_requests_write_nothing(demo_store: Store) -> None:
    start = SHORT[1]
    before = snapshot(demo_store.path)
    for kwargs in (
        {"person": "NIEMAND"},
        {"title": "a\x00b"},
        {"title": " "},
        {"title": "x" * 4001},
        {"end": start},
        {"end": start + timedelta(hours=80)},
        {"kind": "geheim"},
        {"concept": "BESTAAT-NIET"},
        {
            "start": datetime(2026, 11, 1, 9, tzinfo=UTC),
            "end": datetime(2026, 11, 1, 10, tzinfo=UTC),
        },
    ):
        plan = {"person": "BEVER", "title": "Verzoek", "start": start,
                "end": start + timedelta(hours=1), **kwargs}  # fmt: skip
        with pytest.raises(BadInput):
            requests.request_activity(demo_store, **plan)  # type: ignore[arg-type]
            pytest.fail(f"not refused: {kwargs}")
    assert snapshot(demo_store.path) == before


def test_a_request_syncs_and_an_answer_from_an_operator_laptop_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")  # a: admin
    share = tmp_path / "share"
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=1)
    exchange_all([a, b], share)
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    asked = requests.request_activity(b.store, person="BEVER", title="Verzoek", start=start,
                                      end=start + timedelta(hours=1))  # fmt: skip
    # b's operator laptop answers past its store (an older or altered version)
    with b.store.write("activity.answer", None, {}) as conn:
        conn.execute(
            "INSERT INTO request_answer (id, request_id, answer, reason, authority, answered_at,"
            " answered_by, device) VALUES (?, ?, 'refused', 'capacity', 'OvJ', ?, 'OPS-B', ?)",
            (
                "01a2ffff-0000-7000-8000-0000000000f2",
                asked.id,
                to_db(b.store.now()),
                b.store.device_id,
            ),
        )
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert receipt.quarantined
    assert ("request_answer", "") in {(q.table, q.field) for q in quarantined(a.store)}
    arrived = requests.get_request(a.store, asked.id)
    assert (arrived.verdict, arrived.answer) == (asked.verdict, None)  # the request, unanswered
    # the admin laptop answers; the answer reaches b, and b's operator's experience reaches a
    requests.answer_request(a.store, asked.id, refuse=True, reason="threat", authority="NCTV")
    told = experience.record_experience(b.store, "BEVER", weight="heavy", text="Gemist",
                                        week="2026-W49")  # fmt: skip
    exchange_all([a, b], share)
    assert requests.get_request(b.store, asked.id).answer == "refused"
    assert [e.id for e in experience.list_experiences(a.store, "BEVER")] == [told.id]


def test_two_laptops_answering_offline_show_the_same_first_answer(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))  # shift leaders both
    share = tmp_path / "share"
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=1)
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    asked = requests.request_activity(a.store, person="BEVER", title="Verzoek", start=start,
                                      end=start + timedelta(hours=1))  # fmt: skip
    exchange_all([a, b], share)
    requests.answer_request(b.store, asked.id, refuse=True, reason="threat", authority="NCTV")
    clock.advance(minutes=10)
    requests.answer_request(a.store, asked.id, refuse=True, reason="capacity", authority="OvJ")
    exchange_all([a, b], share)
    shown = [requests.get_request(laptop.store, asked.id) for laptop in (a, b)]
    assert shown[0] == shown[1] and (shown[0].reason, shown[0].answered_by) == ("threat", "OPS-B")


def test_not_feasible_now_offers_the_nearest_day_it_would_be(store: Store) -> None:
    """Nobody on duty on Tuesday; a driver and a bodyguard on Thursday: the request for Tuesday
    is not feasible now, and its nearest option is Thursday at the same local time (two days,
    48 hours on); accepting it plans the activity there."""
    from store import roster, staff

    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=1)  # W1: ESCORT (close protection + driving)
    thursday = datetime(2026, 12, 3, 7, tzinfo=UTC)
    for callsign, skill in (("RT-0901", "close_protection"), ("RT-0902", "protective_driving")):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(skill, None)])
        roster.add_shift(store, callsign, start=thursday, end=thursday + timedelta(hours=8))
    tuesday = datetime(2026, 12, 1, 9, tzinfo=UTC)
    asked = requests.request_activity(
        store, person="BEVER", title="Zitting", start=tuesday, end=tuesday + timedelta(hours=2)
    )
    assert asked.verdict == "not_feasible"
    nearest = [(n, o) for n, o in enumerate(asked.options, 1) if o.nearest]
    assert len(nearest) == 1
    n, option = nearest[0]
    assert option.shift_minutes == 2 * 24 * 60 and option.start == datetime(
        2026, 12, 3, 9, tzinfo=UTC
    )
    answered = requests.answer_request(store, asked.id, accept=n)
    assert answered.activity_id is not None
    planned = agenda.get_activity(store, answered.activity_id)
    assert (planned.start_at, planned.concept) == (tuesday + timedelta(days=2), "ESCORT")


def test_options_are_typed_records_with_aware_times_and_their_json_as_written(
    demo_store: Store,
) -> None:
    """An option is a ``RequestOption`` whose times (its own and its facts') are aware UTC
    datetimes (issue 15: no dicts of stored text for the words to parse); its JSON is the
    assessment exactly as stored, and words it without parsing text."""
    movable = _request(demo_store, MOVABLE)
    moves = [o for o in movable.options if o.action == "move"]
    assert moves and all(isinstance(o, requests.RequestOption) for o in movable.options)
    move = moves[0]
    assert move.start is not None and move.start.tzinfo is UTC
    assert move.what["params"]["start"] == move.start  # a fact's time: a datetime too
    stored = demo_store.one("SELECT assessment FROM activity_request WHERE id = ?", (movable.id,))
    assert stored is not None
    assert json.dumps([o.to_json() for o in movable.options], sort_keys=True) == stored[0]
    assert [requests.RequestOption.from_json(o.to_json()) for o in movable.options] == list(
        movable.options
    )
    assert option_text(move).startswith("Move to ") and option_cost(move)
