"""Issue 20/13: requests, answers and experiences from a bundle are judged as the store writes
them. A laptop that writes such rows past its store (raw SQL, then the real signed export)
has them quarantined on import, the receiving database otherwise unchanged: a request whose
assessment or verdict is not the store's (``rules.assessment_fault``), an acceptance of an
option the assessment lacks or of another person's activity, an experience about another
person's activity. A stored request that still does not read is shown ``unreadable``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from store import agenda, experience, requests, rules, subjects
from store.clock import FixedClock
from store.errors import BadInput
from store.sync import exchange
from store.sync.quarantine import quarantined
from store.sync.reason import Reason
from tests.hostile import Hostile, key
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.quarantine import said

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, dict[str, str]]:
    """Admin a, shift leader b; DAS with an activity and a request, VALK with an activity."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    made = {}
    for code in ("DAS", "VALK"):
        subjects.add_subject(a.store, code, kind="person", domain="local", unit="RT")
        subjects.assess_threat(a.store, code, level=1)
        made[code] = agenda.add_activity(
            a.store, person=code, title="Bezoek", start=START, end=START + timedelta(hours=2)
        ).id
    asked = requests.request_activity(a.store, person="DAS", title="Diner",
                                      start=START + timedelta(hours=10),
                                      end=START + timedelta(hours=12))  # fmt: skip
    made["request"] = asked.id
    exchange_all([a, b], tmp_path / "share")
    return a, b, made


def _rows(laptop: Laptop, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Rows written past the store on this laptop (captured by its triggers as any write)."""
    with laptop.store.write("test.raw") as conn:
        conn.executemany(sql, rows)


def _held(receiver: Laptop, sender: Laptop, tmp_path: Path, table: str) -> dict[str, Reason]:
    """Import the sender's bundle; per row of ``table`` quarantined, why (its existence's)."""
    before = user_tables(receiver.store)
    bundle = exchange.export(sender.store, out=tmp_path / f"{sender.name}.swb").path
    assert exchange.import_file(receiver.store, bundle).quarantined
    assert user_tables(receiver.store) == before  # nothing but the quarantine
    return {
        q.row_id: q.cause for q in quarantined(receiver.store) if (q.table, q.field) == (table, "")
    }


def test_requests_whose_assessment_the_store_would_not_write_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, made = _team(tmp_path, clock)
    honest = requests.get_request(b.store, made["request"])
    written = json.dumps([o.to_json() for o in honest.options], sort_keys=True)
    bad_time = [{**honest.options[0].to_json(), "start": "garbage"}]
    extra_field = [{**honest.options[0].to_json(), "say": "x"}]
    forged = {
        "not json": (honest.verdict, "not json"),
        "a number": (honest.verdict, "5"),
        "not options": (honest.verdict, "[1,2]"),
        "no options": ("as_asked", "[]"),
        "unreadable time": (honest.verdict, json.dumps(bad_time)),
        "another field": (honest.verdict, json.dumps(extra_field)),
        "another verdict": (
            "with_changes" if honest.verdict != "with_changes" else "as_asked",
            written,
        ),
    }
    ids = {name: f"01a23100-0000-7000-8000-00000000000{n}" for n, name in enumerate(forged)}
    _rows(b, "INSERT INTO activity_request SELECT ?, subject_id, title, kind, start_at, end_at,"
             " location, concept, ?, ?, requested_at, 'OPS-B', ? FROM activity_request"
             " WHERE id = ?",
          [(ids[n], verdict, text, b.store.device_id, honest.id)
           for n, (verdict, text) in forged.items()])  # fmt: skip
    held = _held(a, b, tmp_path, "activity_request")
    faults = {name: held[ids[name]].params["facts"]["fault"] for name in forged}
    assert faults == {
        "not json": "assessment_not_json",
        "a number": "assessment_not_options",
        "not options": "option_not_object",
        "no options": "assessment_not_options",
        "unreadable time": "option_time",
        "another field": "option_fields",
        "another verdict": "verdict_mismatch",
    }
    assert all("not one the store writes" in said(json.dumps(c.as_dict())) for c in held.values())
    # the sender still shows its own forged rows, as unreadable, and cannot accept them
    shown = {r.id: r for r in requests.list_requests(b.store)}
    assert {shown[i].verdict for i in ids.values()} == {requests.UNREADABLE}
    assert all(shown[i].options == () for i in ids.values())
    assert shown[honest.id].options == honest.options
    with pytest.raises(BadInput) as refused:
        requests.answer_request(b.store, ids["not json"], accept=1)
    assert refused.value.code == "request_assessment_unreadable"


def test_an_acceptance_of_another_option_or_persons_activity_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, made = _team(tmp_path, clock)
    options = requests.get_request(b.store, made["request"]).options
    count = len(options)
    assert not (options[1].feasible or options[1].partial)  # option 2 would not work
    answers = {  # accepted: option 99 of DAS's own activity; option 1 with VALK's activity
        "01a23000-0000-7000-8000-0000000b0001": (99, made["DAS"]),
        "01a23000-0000-7000-8000-0000000b0002": (1, made["VALK"]),
        "01a23000-0000-7000-8000-0000000b0003": (2, made["DAS"]),  # would not work
    }
    _rows(b, "INSERT INTO request_answer VALUES (?, ?, 'accepted', ?, ?, NULL, NULL,"
             " '2026-11-28T09:01:00Z', 'OPS-B', ?)",
          [(i, made["request"], n, act, b.store.device_id)
           for i, (n, act) in answers.items()])  # fmt: skip
    held = _held(a, b, tmp_path, "request_answer")
    assert {i: held[i].code for i in answers} == {
        "01a23000-0000-7000-8000-0000000b0001": "answer_no_such_option",
        "01a23000-0000-7000-8000-0000000b0002": "answer_activity_of_another",
        "01a23000-0000-7000-8000-0000000b0003": "answer_option_not_feasible",
    }
    assert held["01a23000-0000-7000-8000-0000000b0001"].params == {"n": 99, "count": count}
    assert requests.get_request(a.store, made["request"]).answer is None  # still to answer
    # the store's own acceptance (its activity planned in the same change) is applied
    clock.advance(minutes=5)
    answered = requests.answer_request(a.store, made["request"], accept=1)
    exchange_all([a, b], tmp_path / "share")
    assert answered.activity_id is not None
    # an honest acceptance from b, of a new request, arrives too
    asked = requests.request_activity(b.store, person="VALK", title="Lunch",
                                      start=START + timedelta(hours=3),
                                      end=START + timedelta(hours=4))  # fmt: skip
    accepted = requests.answer_request(b.store, asked.id, accept=1)
    exchange_all([a, b], tmp_path / "share")
    assert requests.get_request(a.store, asked.id).activity_id == accepted.activity_id
    assert not [q for q in quarantined(a.store) if q.row_id == accepted.activity_id]


def test_an_experience_of_another_persons_activity_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, made = _team(tmp_path, clock)
    das = b.store.one("SELECT id FROM subject WHERE code = 'DAS'")
    assert das is not None
    forged = "01a23000-0000-7000-8000-0000000e0003"
    _rows(b, "INSERT INTO experience VALUES (?, ?, ?, NULL, 'heavy', 'zwaar',"
             " '2026-11-28T08:59:00Z', 'OPS-B', ?)",
          [(forged, das[0], made["VALK"], b.store.device_id)])  # fmt: skip
    held = _held(a, b, tmp_path, "experience")
    assert held[forged].code == "experience_activity_of_another"
    # the store's own experience of the person's own activity is applied
    own = experience.record_experience(b.store, "DAS", weight="some", text="ging goed",
                                       activity_id=made["DAS"])  # fmt: skip
    exchange_all([a, b], tmp_path / "share")
    assert [e.id for e in experience.list_experiences(a.store, "DAS")] == [own.id]


@pytest.mark.parametrize(
    ("verdict", "options", "fault"),
    [
        ("as_asked", [{"feasible": 1}], "option_field_kind"),
        ("as_asked", [{"action": "fly"}], "option_action"),
        ("as_asked", [{"team": [5]}], "option_field_kind"),
        ("as_asked", [{"end": "2100-01-01T00:00:00Z"}], "option_time"),
        ("as_asked", [{"shift_minutes": True}], "option_field_kind"),
        ("as_asked", [{"fact": "x"}], "option_field_kind"),
        ("not_feasible", [{"action": "move", "feasible": False}], "assessment_not_options"),
        ("as_asked", [{}] * (rules.MAX_OPTIONS + 2), "assessment_not_options"),
        ("not_feasible", [{"feasible": False}, {"coverable": True}], "verdict_mismatch"),
        ("as_asked", [{}, {"nearest": True, "feasible": True}], None),
        ("not_feasible", [{"feasible": False}, {"nearest": True, "feasible": True}], None),
    ],
)
def test_an_assessment_reads_only_as_the_store_writes_it(
    verdict: str, options: list[dict[str, object]], fault: str | None
) -> None:
    first = {
        "action": "as_asked", "what": {}, "price": {}, "feasible": True, "partial": False,
        "concept": None, "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z",
        "shift_minutes": None, "callsign": None, "team": [], "fact": None, "token": "as-asked",
    }  # fmt: skip
    written = [{**first, **options[0]}] + [{**first, "action": "deploy", **o} for o in options[1:]]
    assert rules.assessment_fault(verdict, json.dumps(written)) == fault


@pytest.mark.parametrize("missing", ["reason", "authority"])
def test_a_refusal_from_a_bundle_without_its_reason_or_authority_is_quarantined(
    tmp_path: Path, clock: FixedClock, missing: str
) -> None:
    """R5 for a synced answer (``rules._answer_fields``): a refusal names its reason and its
    deciding authority. A laptop that sends one without (change records no store writes: its
    own database's CHECK would refuse the row) has it quarantined by that rule, by name; the
    receiving database is otherwise unchanged and the request still open there."""
    a, b, made = _team(tmp_path, clock)
    later = requests.request_activity(a.store, person="DAS", title="Lunch",
                                      start=START + timedelta(hours=4),
                                      end=START + timedelta(hours=5))  # fmt: skip
    exchange_all([a, b], tmp_path / "share")
    honest = requests.answer_request(b.store, made["request"], refuse=True, reason="threat",
                                     authority="NCTV")  # fmt: skip
    answer_id = b.store.one("SELECT id FROM request_answer WHERE request_id = ?", (honest.id,))
    assert answer_id is not None
    hostile = Hostile(b, tmp_path)  # b's honest refusal made again for the later request
    forged_id = "01a23000-0000-7000-8000-0000000f0001"
    forged = [
        (tbl, key(forged_id), col, forged_id if col == "id" else val, cl, prev, actor)
        for tbl, _pk, col, val, cl, prev, actor in hostile.recreation(
            "request_answer", answer_id[0], **{"request_id": later.id, missing: None}
        )
    ]
    hostile.forge_raw(forged)
    before = user_tables(a.store)
    receipt = exchange.import_file(a.store, hostile.export())
    held = [q for q in quarantined(a.store) if q.row_id == forged_id]
    assert receipt.quarantined and held
    causes = {(q.cause.code, q.cause.params.get("error")) for q in held}
    assert ("row_refused", "answer_fields_mismatch") in causes  # by the rule, by name
    assert causes <= {("row_refused", "answer_fields_mismatch"), ("creation_refused", None)}
    assert requests.get_request(a.store, later.id).answer is None  # still to answer there
    after = user_tables(a.store)  # only b's honest refusal was taken in
    assert [r[0] for r in after["request_answer"]] == [answer_id[0]]
    assert {t: rows for t, rows in after.items() if t != "request_answer"} == {
        t: rows for t, rows in before.items() if t != "request_answer"
    }


def test_two_laptops_accepting_one_request_offline_keep_the_first_answer_alike(
    tmp_path: Path, clock: FixedClock
) -> None:
    """a and b, offline, each accept DAS's request (b a minute later). Before: both answers
    were applied, each planning its own activity. Now the later answer is refused as the store
    refuses it (``request_answered``) on every laptop, whatever order the bundles arrive in:
    the request keeps a's answer and activity."""
    a, b, made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    first = requests.answer_request(a.store, made["request"], accept=1)
    clock.advance(minutes=1)
    requests.answer_request(b.store, made["request"], accept=1)
    from_a = exchange.export(a.store, out=tmp_path / "from-a.swb").path
    from_b = exchange.export(b.store, out=tmp_path / "from-b.swb").path
    exchange.import_file(a.store, from_b)
    exchange.import_file(b.store, from_a)
    for laptop in (a, b):
        assert len(user_tables(laptop.store)["request_answer"]) == 1
        assert requests.get_request(laptop.store, made["request"]).activity_id == (
            first.activity_id
        )
        [held] = [
            q for q in quarantined(laptop.store) if (q.table, q.field) == ("request_answer", "")
        ]
        assert held.cause.params["error"] == "request_answered"
    assert user_tables(a.store)["request_answer"] == user_tables(b.store)["request_answer"]
