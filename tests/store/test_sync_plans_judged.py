"""Issue 13: a bundle's planning changes are judged with the store's own checks
(``store/sync/judge_plans.py``). Two really enrolled laptops; the member laptop b writes past
its store with raw SQL (its R1 trigger switched off as only the merge may), then the real
signed export; the admin laptop a imports with the real command: exit 5, every such change
quarantined with the store's refusal code, a's tables unchanged. Each case was applied
before (the rev13d review's f1, f2, f5, f7, f12, f14, f15, f16)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from store import agenda, requests, roster, staff, subjects
from store.clock import FixedClock, to_db
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import Laptop, exchange_all, make_team, raw_change_sets, user_tables

#: raw SQL past the database's own triggers, as hostile software could write it
_raw = partial(raw_change_sets, past_triggers=True)

FUTURE = NOW + timedelta(days=3)
PAST = NOW - timedelta(days=1)


def _team(tmp_path: Path, clock: FixedClock, role: str) -> tuple[Laptop, Laptop, dict[str, str]]:
    """Admin a and a member b of ``role``: KIEVIT (local) and BEVER (national), threat level 3
    (W3, PKG-W3, persons of unit RT); an upcoming and a done activity of KIEVIT, a standing
    post, an officer with a shift, a request; all exchanged."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role=role)
    admin = a.store
    for code, domain in (("KIEVIT", "local"), ("BEVER", "national")):
        subjects.add_subject(admin, code, kind="person", domain=domain, unit="RT")
        subjects.assess_threat(admin, code, level=3)
    made = {
        "upcoming": agenda.add_activity(
            admin, person="KIEVIT", title="Zitting", start=FUTURE,
            end=FUTURE + timedelta(hours=2), concept="CP-LIGHT",
        ).id,
        "done": agenda.add_activity(
            admin, person="KIEVIT", title="Gedaan", start=PAST,
            end=PAST + timedelta(hours=1), concept="CP-LIGHT",
        ).id,
    }  # fmt: skip
    agenda.edit_activity(admin, made["done"], status="done")
    staff.add_staff(admin, "RT-0080", unit="RT")
    shift_start = NOW + timedelta(days=1)
    roster.add_shift(admin, "RT-0080", start=shift_start, end=shift_start + timedelta(hours=9))
    made["request"] = requests.request_activity(
        admin, person="KIEVIT", title="Diner", start=FUTURE + timedelta(hours=5),
        end=FUTURE + timedelta(hours=6),
    ).id  # fmt: skip
    made["subject"] = str(admin.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0])
    made["bever"] = str(admin.one("SELECT id FROM subject WHERE code = 'BEVER'")[0])
    made["staff"] = str(admin.one("SELECT id FROM staff WHERE callsign = 'RT-0080'")[0])
    made["post"] = "01a2ffff-0000-7000-8000-00000000f001"
    _raw(
        a,
        "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
        f" VALUES ('{made['post']}', '{made['subject']}', 'CP-LIGHT', '{to_db(FUTURE)}',"
        f" '{to_db(FUTURE + timedelta(hours=8))}', '{to_db(NOW)}')",
    )
    exchange_all([a, b], tmp_path / "share")
    return a, b, made


def _judged(a: Laptop, b: Laptop, tmp_path: Path) -> list[dict[str, Any]]:
    """b's bundle imported on a by the command line: exit 5, nothing of it applied; the
    quarantined row creations and field changes (not the other fields of a refused row)."""
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert user_tables(a.store) == before
    files = receipt if isinstance(receipt, list) else [receipt]
    return [
        q for found in files for q in found["quarantined"] if q["reason_code"] != "creation_refused"
    ]


def _errors(held: list[dict[str, Any]], table: str) -> list[str]:
    return sorted(
        str(q["reason_params"]["error"])
        for q in held
        if q["table"] == table and q["reason_code"] == "row_refused"
    )


def test_standing_posts_the_store_refuses_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f16: created or changed with a concept below the level (R1), of another kind of subject
    (R3) or a pilot outside its scope (R4)."""
    a, b, made = _team(tmp_path, clock, "planner")
    insert = (
        "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
        " VALUES ('01a2ffff-0000-7000-8000-00000000f00{n}', '{subject}', '{concept}',"
        f" '{to_db(FUTURE)}', '{to_db(FUTURE + timedelta(hours=8))}', '{to_db(NOW)}')"
    )
    _raw(
        b,
        *(
            insert.format(n=n, subject=made["subject"], concept=concept)
            for n, concept in enumerate(("CAM", "OBJ-HRB", "REMOTE-CP"), 2)
        ),
        f"UPDATE standing_post SET concept = 'CAM' WHERE id = '{made['post']}'",
    )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "standing_post") == [
        "concept_below_required",
        "concept_below_required",  # the changed one: posts.assign_post_concept re-plans a post
        "concept_outside_pilot",
        "concept_wrong_kind",
    ]
    assert {q["rule"] for q in held} == {"R1", "R3", "R4"}


def test_done_activities_with_a_concept_the_store_refuses_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f1: created done with such a concept (no re-planning flag would show it); f2: a done
    activity's concept changed to one of another kind of subject (R3) or a pilot outside its
    scope (R4), not only one below the level (R1)."""
    a, b, made = _team(tmp_path, clock, "operator")
    insert = (
        "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location, status,"
        " concept, created_at, created_by, updated_at) VALUES"
        " ('01a2ffff-0000-7000-8000-00000000a00{n}', '{subject}', 'Zitting', 'work',"
        f" '{to_db(PAST)}', '{to_db(PAST + timedelta(hours=1))}', 'X', 'done', '{{concept}}',"
        f" '{to_db(NOW)}', 'OPS-B', '{to_db(NOW)}')"
    )
    concepts = ("CAM", "OBJ-HRB", "REMOTE-CP")
    _raw(
        b,
        *(insert.format(n=n, subject=made["subject"], concept=c) for n, c in enumerate(concepts)),
        *(f"UPDATE activity SET concept = '{c}' WHERE id = '{made['done']}'" for c in concepts[1:]),
    )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "activity") == [
        "concept_below_required",
        "concept_outside_pilot",
        "concept_outside_pilot",
        "concept_wrong_kind",
        "concept_wrong_kind",
    ]
    assert a.store.one("SELECT concept FROM activity WHERE id = ?", (made["done"],))[0] == (
        "CP-LIGHT"
    )


def test_a_correction_into_the_past_is_quarantined(tmp_path: Path, clock: FixedClock) -> None:
    """f7: an upcoming activity 'corrected' to a time already past (R5), also when the
    correction claims the old time was past already."""
    a, b, made = _team(tmp_path, clock, "operator")
    new_start, new_end = to_db(PAST), to_db(PAST + timedelta(hours=1))
    for n, old in enumerate(("start_at", f"'{to_db(PAST - timedelta(hours=1))}'")):
        _raw(
            b,
            "INSERT INTO activity_correction (id, activity_id, reason, old_start_at,"
            " old_end_at, old_location, new_start_at, new_end_at, new_location, recorded_at,"
            f" recorded_by, device) SELECT '01a2ffff-0000-7000-8000-00000000c00{n}', id,"
            f" 'agenda was wrong', {old}, end_at, location, '{new_start}', '{new_end}',"
            f" location, '{to_db(NOW)}', 'OPS-B', (SELECT value FROM meta WHERE"
            f" key = 'device_id') FROM activity WHERE id = '{made['upcoming']}';"
            f" UPDATE activity SET start_at = '{new_start}', end_at = '{new_end}'"
            f" WHERE id = '{made['upcoming']}'",
        )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "activity_correction") == ["correction_into_past"] * 2


def test_shifts_that_overlap_or_leave_too_little_rest_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f14: against the officer's shift held (07:00-16:00 local the next day); a shift moved
    onto it is refused as a move (no store function moves a shift)."""
    a, b, made = _team(tmp_path, clock, "planner")
    day = NOW + timedelta(days=1)
    insert = (
        "INSERT INTO shift (id, staff_id, start_at, end_at, created_at) VALUES"
        " ('01a2ffff-0000-7000-8000-00000000d00{n}', '{staff}', '{start}', '{end}',"
        f" '{to_db(NOW)}')"
    )
    spans = ((1, 4), (10, 16))  # hours after the held shift's start: overlaps; 1 h rest
    far = day + timedelta(days=3)
    apart = insert.format(
        n=7, staff=made["staff"], start=to_db(far), end=to_db(far + timedelta(hours=8))
    )
    _raw(b, apart)
    held_before = len(user_tables(a.store)["shift"])
    exchange_all([a, b], tmp_path / "share2")  # a shift apart from the others: applied
    assert len(user_tables(a.store)["shift"]) == held_before + 1
    _raw(
        b,
        *(
            insert.format(
                n=n, staff=made["staff"], start=to_db(day + timedelta(hours=s)),
                end=to_db(day + timedelta(hours=e)),
            )
            for n, (s, e) in enumerate(spans)
        ),
        f"UPDATE shift SET start_at = '{to_db(day + timedelta(hours=2))}', end_at ="
        f" '{to_db(day + timedelta(hours=6))}' WHERE id = '01a2ffff-0000-7000-8000-00000000d007'",
    )  # fmt: skip
    held = _judged(a, b, tmp_path)
    assert _errors(held, "shift") == ["shift_overlaps", "shift_rest"]
    # no store function moves a shift: the move is refused as such, both times (rev13f)
    moved = [q for q in held if q["table"] == "shift" and q["field"] in ("start_at", "end_at")]
    assert sorted(q["reason_code"] for q in moved) == ["never_changes"] * 2
    assert {q["rule"] for q in held} <= {"rest", "immutable"}


def test_a_decision_by_an_authority_not_competent_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f12: R6, the competent authority of the subject's domain (nctv national; prosecutor
    or mayor local)."""
    a, b, made = _team(tmp_path, clock, "authority")
    insert = (
        "INSERT INTO decision (id, subject_id, step, rationale, authority, document,"
        " adopted_at, adopted_by, device) VALUES ('01a2ffff-0000-7000-8000-00000000e00{n}',"
        " '{subject}', 'decision', 'omdat', '{authority}', 'D-1', '" + to_db(NOW) + "',"
        " 'OPS-B', (SELECT value FROM meta WHERE key = 'device_id'))"
    )
    _raw(
        b,
        insert.format(n=1, subject=made["bever"], authority="mayor"),
        insert.format(n=2, subject=made["subject"], authority="Piet"),
    )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "decision") == ["authority_not_competent"] * 2
    assert {q["rule"] for q in held} == {"R6"}


def test_requests_over_or_not_assessed_as_asked_are_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f5: a request for a time already over when it was made; one whose times are not its
    own assessment's 'as asked' option (the store assesses the request's own times)."""
    a, b, made = _team(tmp_path, clock, "operator")
    copy = (
        "INSERT INTO activity_request SELECT '01a2ffff-0000-7000-8000-00000000b00{n}',"
        " subject_id, title, kind, '{start}', '{end}', location, concept, verdict, assessment,"
        f" '{to_db(NOW)}', 'OPS-B', (SELECT value FROM meta WHERE key = 'device_id')"
        f" FROM activity_request WHERE id = '{made['request']}'"
    )
    later = FUTURE + timedelta(days=7)
    _raw(
        b,
        copy.format(n=1, start=to_db(PAST), end=to_db(PAST + timedelta(hours=1))),
        copy.format(n=2, start=to_db(later), end=to_db(later + timedelta(hours=1))),
    )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "activity_request") == ["request_not_as_asked", "request_over"]


def test_an_acceptance_after_the_request_ended_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    """f15, the bundle side: accepting a request's 'as asked' option once its time is over
    would plan an activity in the past."""
    a, b, made = _team(tmp_path, clock, "shift_leader")
    soon = requests.request_activity(
        a.store, person="KIEVIT", title="Lunch", start=NOW + timedelta(hours=2),
        end=NOW + timedelta(hours=3),
    ).id  # fmt: skip
    exchange_all([a, b], tmp_path / "share2")
    clock.advance(hours=4)  # the request has ended (still before the importing laptop's now)
    _raw(
        b,
        "INSERT INTO request_answer (id, request_id, answer, option, activity_id, reason,"
        " authority, answered_at, answered_by, device) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000b101', '{soon}', 'accepted', 1,"
        f" '{made['upcoming']}', NULL, NULL, '{to_db(clock.now())}', 'OPS-B',"
        " (SELECT value FROM meta WHERE key = 'device_id'))",
    )
    held = _judged(a, b, tmp_path)
    assert _errors(held, "request_answer") == ["request_option_over"]


def _planners(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, str]:
    """Admin a, planners b and c; KIEVIT at threat level 3 (W3); officer RT-0080; exchanged."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="planner")
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    staff.add_staff(a.store, "RT-0080", unit="RT")
    exchange_all([a, b, c], tmp_path / "share")
    return a, b, c, str(a.store.one("SELECT id FROM subject WHERE code = 'KIEVIT'")[0])


def _bundle(laptop: Laptop, tmp_path: Path, name: str) -> Path:
    return exchange.export(laptop.store, out=tmp_path / f"{name}.swb").path


def _held_rows(laptop: Laptop, table: str) -> tuple[list[tuple[object, ...]], list[str]]:
    """The table's rows and the ids of its rows whose creation is quarantined."""
    rows = user_tables(laptop.store)[table]
    refused = sorted({q.row_id for q in quarantined(laptop.store) if q.table == table})
    return rows, refused


def test_a_standing_post_is_judged_by_the_level_as_it_stood_whatever_order_it_arrives_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b plans a standing post with CP-LIGHT (W3) a minute after a raised KIEVIT to level 4
    (W4), before hearing of it: below the level when it was made (R1). c hears of the post
    first, then of the assessment: the post is judged again and quarantined there too."""
    a, b, c, kievit = _planners(tmp_path, clock)
    clock.advance(minutes=1)
    subjects.assess_threat(a.store, "KIEVIT", level=4)
    clock.advance(minutes=1)
    post = "01a2ffff-0000-7000-8000-00000000f101"
    _raw(
        b,
        "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
        f" VALUES ('{post}', '{kievit}', 'CP-LIGHT', '{to_db(FUTURE)}',"
        f" '{to_db(FUTURE + timedelta(hours=8))}', '{to_db(clock.now())}')",
    )
    from_a, from_b = _bundle(a, tmp_path, "from-a"), _bundle(b, tmp_path, "from-b")
    exchange.import_file(a.store, from_b)
    exchange.import_file(c.store, from_b)
    assert len(user_tables(c.store)["standing_post"]) == 1  # level 3 as far as c knows
    exchange.import_file(c.store, from_a)
    assert _held_rows(c, "standing_post") == _held_rows(a, "standing_post") == ([], [post])


def test_two_planners_overlapping_shifts_end_alike_whatever_order_they_arrive_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b and c each give RT-0080 a shift, c's a minute later and overlapping b's: c's loses on
    every laptop, also where it arrived first (a), and on c itself."""
    a, b, c, _kievit = _planners(tmp_path, clock)
    day = NOW + timedelta(days=2)
    clock.advance(minutes=1)
    roster.add_shift(b.store, "RT-0080", start=day, end=day + timedelta(hours=8))
    clock.advance(minutes=1)
    later = roster.add_shift(c.store, "RT-0080", start=day + timedelta(hours=2),
                             end=day + timedelta(hours=10)).id  # fmt: skip
    from_b, from_c = _bundle(b, tmp_path, "from-b"), _bundle(c, tmp_path, "from-c")
    exchange.import_file(a.store, from_c)
    exchange.import_file(a.store, from_b)
    exchange.import_file(b.store, from_c)
    exchange.import_file(c.store, from_b)
    found = {laptop.name: _held_rows(laptop, "shift") for laptop in (a, b, c)}
    assert found["a"] == found["b"] == found["c"]
    assert found["a"][1] == [later] and len(found["a"][0]) == 1
