"""What a fresh reviewer broke in issue 13, each attack made again by a really enrolled laptop
(its bundle signed by its own key, sent by the real export) and the receiver's database checked
exactly: the attack is quarantined or refused (exit 5 through the CLI, never 1), the rest of the
bundle and of the folder is applied, and every laptop ends the same whatever the order."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import logbook, roster
from store.clock import to_db
from store.sync import exchange
from store.sync import export as exporter
from tests.conftest import NOW, at, refused_as, snapshot
from tests.hostile import (
    Hostile,
    build_template,
    copied_team,
    deep,
    ids,
    import_with_cli,
    key,
    outsider_bundle,
    tables_with,
    texts,
)
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.receipts import said_all


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="review-template-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


def quarantined(receipt: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (q["table"], q["field"].replace("(exists)", ""), q["rule"]) for q in receipt["quarantined"]
    }


def legal_entry(b: Hostile, a: Laptop) -> dict[str, Any]:
    """One legal log entry of the hostile laptop: the admin's tables as they must end."""
    entry = logbook.add_entry(b.store, "Route verkend")
    rows = b.store.tuples("SELECT * FROM log_entry WHERE id = ?", (entry.id,))
    return tables_with(a.store, "log_entry", rows)


# 1. A creation record for a row that exists already --------------------------------------------

RECREATIONS = {
    # the reviewer's f1.json: the activity moved and planned again (written in the admin's
    # name there; here by b's own operator: someone else's name on an operator laptop is
    # refused before anything else, test_a_record_in_someone_elses_name_…)
    "an activity moved to another time and place": (
        "activity",
        "activity",
        "OPS-B",
        {
            "start_at": "2026-12-03T08:00:00Z",
            "end_at": "2026-12-03T09:00:00Z",
            "location": "Elders",
            "title": "Verplaatst",
        },
    ),
    # f2.json: an amber, priority signal made clear and routine by its own reporter
    "a signal turned clear and routine": (
        "signal",
        "signal",
        "OPS-B",
        {"tlp": "clear", "urgency": "routine", "text": "Niets bijzonders, vergissing"},
    ),
    # f3.json: a log entry rewritten; an append-only row is quarantined, never left waiting
    "a log entry rewritten": ("log_entry", "entry", "OPS-B", {"text": "Gewijzigde tekst"}),
}


@pytest.mark.parametrize("name", list(RECREATIONS))
def test_a_second_creation_of_an_existing_row_is_quarantined_with_its_fields(
    template: Path, tmp_path: Path, name: str
) -> None:
    table, which, actor, changes = RECREATIONS[name]
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        b.forge_raw(b.recreation(table, ids(b.store)[which], actor, **changes))
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert user_tables(a.store) == must_be
        found = quarantined(receipt)
        assert (table, "", "immutable") in found
        assert {f for t, f, _r in found if t == table} >= {"", *changes}
        assert receipt["deferred"] == 0


def test_a_restriction_rewritten_by_a_second_creation_is_quarantined(
    template: Path, tmp_path: Path
) -> None:
    """f6.json: the admin's restriction given another reason and the calendar as authority."""
    from store import agenda

    with copied_team(template, tmp_path / "team") as (a, b):
        activity = ids(a.store)["activity"]
        agenda.restrict_activity(
            a.store,
            activity,
            kind="relocated",
            reason="capacity",
            authority="OvJ",
            new_location="Paleis",
        )
        exchange_all([a, b.laptop], tmp_path / "share", rounds=1)
        restriction = str(a.store.one("SELECT id FROM restriction")[0])
        must_be = legal_entry(b, a)
        b.forge_raw(
            b.recreation(
                "restriction",
                restriction,
                "OPS-B",
                reason="tbp_choice",
                authority="calendar",
                recorded_by="OPS-B",
            )
        )
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and ("restriction", "", "immutable") in quarantined(receipt)
        assert user_tables(a.store) == must_be


def test_whatever_the_order_the_genuine_creation_stands_everywhere(tmp_path: Path) -> None:
    """The forged creation reaches laptop c first (b does not pass on a's own segment); when
    a's genuine one arrives, c takes the forged one out again and ends as a does."""
    from store.clock import FixedClock

    a, b_laptop, c = make_team(tmp_path / "team", FixedClock(NOW), role="operator")
    b = Hostile(b_laptop, tmp_path)
    entry = logbook.add_entry(a.store, "Kenteken genoteerd")
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a1.swb").path)
    b.forge_raw(
        b.recreation(
            "log_entry",
            entry.id,
            "OPS-B",
            author="OPS-B",
            text="Niets genoteerd",
            device=b.laptop.id,
        )
    )
    original = exporter._select_segments

    def without_a(*args: Any) -> list[tuple[Any, ...]]:
        return [s for s in original(*args) if s[0] != a.id]

    exporter._select_segments = without_a  # type: ignore[assignment]
    try:
        forged = b.export()
    finally:
        exporter._select_segments = original  # type: ignore[assignment]
    exchange.import_file(c.store, forged)
    assert c.store.one("SELECT text FROM log_entry WHERE id = ?", (entry.id,))[0] == (
        "Niets genoteerd"
    )  # c holds nothing else of this row yet
    receipt = exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a2.swb").path)
    assert c.store.one("SELECT text FROM log_entry WHERE id = ?", (entry.id,))[0] == (
        "Kenteken genoteerd"
    )
    assert {(q.table, q.rule) for q in receipt.quarantined} == {("log_entry", "immutable")}
    exchange.import_file(a.store, forged)
    assert user_tables(c.store)["log_entry"] == user_tables(a.store)["log_entry"]
    held = "SELECT origin, seq, rule FROM sync_quarantine ORDER BY origin, seq"
    assert c.store.tuples(held) == a.store.tuples(held)


D1 = "00000000-0000-7000-8000-0000000000d1"  # a deployment id of the shape a store writes


def test_a_re_creation_after_a_deletion_is_judged_as_a_creation(
    template: Path, tmp_path: Path
) -> None:
    """A larger causal length is a re-creation: legal for the admin on a deletable table (a
    deployment), refused for an operator, whose role may not delete it."""
    with copied_team(template, tmp_path / "team") as (a, b):
        known = ids(a.store)
        # on duty for the activity: a deployment the store allows (``roster.check_deployments``)
        roster.add_shift(
            a.store, "RT-0001", start=at(a.store, "2026-11-30 07:00"),
            end=at(a.store, "2026-11-30 15:00"),
        )  # fmt: skip
        row = (D1, known["activity"], known["officer"], NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
        insert = (
            "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by)"
            " VALUES (?, ?, ?, ?, 'OPS-A')"
        )
        admin = Hostile(a, tmp_path)  # the admin's raw SQL: within its role
        for statement in (
            (insert, row),
            ("DELETE FROM deployment WHERE id = ?", (D1,)),
            (insert, row),
        ):
            admin.sql(statement)
            admin.seal()
        assert a.store.one("SELECT max(cl) FROM sync_clock WHERE pk = ?", (key(D1),))[0] == 3
        code, receipt = import_with_cli(
            b.laptop, exchange.export(a.store, out=tmp_path / "a.swb").path
        )
        assert code == 0 and receipt["quarantined"] == []
        assert b.store.one("SELECT count(*) FROM deployment WHERE id = ?", (D1,))[0] == 1
        b.forge_raw(
            [
                (t, k, col, val, 5, p, "OPS-B")
                for t, k, col, val, _cl, p, _a in b.recreation("deployment", D1, created_by="OPS-B")
            ]
        )
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and ("deployment", "", "role") in quarantined(receipt)


# 2. Crashes that blocked a whole folder ---------------------------------------------------------


def test_a_field_written_twice_in_one_change_set_is_quarantined(
    template: Path, tmp_path: Path
) -> None:
    """dup.json: two records of one field in one change set (a KeyError before)."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        activity = key(ids(b.store)["activity"])
        b.forge(("activity", activity, "title", "a"), ("activity", activity, "title", "b"))
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and quarantined(receipt) == {("activity", "title", "malformed")}
        assert user_tables(a.store) == must_be


@pytest.mark.parametrize("where", ["history", "key", "handover content"])
def test_deeply_nested_json_in_a_record_is_quarantined_or_refused(
    template: Path, tmp_path: Path, where: str
) -> None:
    """d1.json, m4.json, d2.json: JSON nested thousands deep where a record carries JSON (a
    RecursionError before)."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        known = ids(b.store)
        if where == "history":
            b.forge(("activity", key(known["activity"]), "location", "x"), prev=deep())
        elif where == "key":
            b.forge(("activity", deep(1000), "title", "x"))
        else:
            b.forge_raw(handover_with_content("{" + '"a":' * 3000 + "1" + "}" * 3000, b))
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and receipt["quarantined"], receipt
        assert {q["rule"] for q in receipt["quarantined"]} <= {"malformed", "value", "role"}
        assert user_tables(a.store) == must_be


def handover_with_content(content: str, b: Hostile) -> list[tuple[Any, ...]]:
    pk = key("01a2ffff-0000-7000-8000-00000000d2d2")
    values = {
        "id": "01a2ffff-0000-7000-8000-00000000d2d2",
        "period_start": "2026-11-28T06:00:00Z",
        "period_end": "2026-11-28T14:00:00Z",
        "content": content,
        "notes": "",
        "signed_at": to_db(b.store.now()),
        "signed_by": "OPS-B",
        "device": b.laptop.id,
        "content_hash": "0" * 64,
        "supersedes": None,
        "supersede_reason": "",
    }
    return [("handover", pk, "", None, 1, None, "OPS-B")] + [
        ("handover", pk, col, val, 1, None, "OPS-B") for col, val in values.items()
    ]


def test_a_deep_signed_manifest_is_refused_and_the_rest_of_the_folder_applied(
    template: Path, tmp_path: Path
) -> None:
    """hexport2.py: the member's laptop signs a manifest nested 5,000 deep; outsider.py: anyone
    with the receiver's public age recipient plants an unsigned one (parsed before any
    signature). Both are refused as ``format``; the honest file beside them is applied."""
    with copied_team(template, tmp_path / "team") as (a, b):
        share = tmp_path / "share"
        logbook.add_entry(b.store, "Eerlijk")
        honest = exchange.export(b.store, folder=share).path
        evil = b.export_with(lambda m: m.replace(b"{", b'{"x":' + deep().encode() + b",", 1))
        (share / "zz-evil").mkdir()
        shutil.copy(evil, share / "zz-evil" / "2026-11-28T090000Z-evil.swb")
        outsider_bundle(a, share / "zz-outsider" / "2026-11-28T090000Z-x.swb", deep().encode())
        before = snapshot(a.store.path)
        receipts = exchange.import_path(a.store, share)
        results = {Path(r.file).parent.name: (r.result, r.check) for r in receipts}
        assert results["zz-evil"] == ("refused", "format")
        assert results["zz-outsider"] == ("refused", "format")
        assert results[b.laptop.id][0] == "applied"
        assert snapshot(a.store.path) != before
        assert a.store.one("SELECT count(*) FROM log_entry WHERE text = 'Eerlijk'")[0] == 1
        assert honest.exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)
#: Text that looks like the structure: brackets, quotes and escapes inside and outside strings.
TRICKY = st.text(alphabet='[]{}"\\,:1a ', max_size=60)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@settings(max_examples=60, deadline=None)
@given(value=JSON, limit=st.integers(1, 5), ascii_only=st.booleans())
def test_the_bounded_parser_takes_exactly_the_documents_within_its_depth(
    value: object, limit: int, ascii_only: bool
) -> None:
    """Every parse of bundle content goes through json_document: it must take every document
    nested at most ``limit`` deep, exactly as json.loads would, and refuse every deeper one
    (brackets inside strings and escaped quotes do not count)."""
    from store.validate import json_document

    text = json.dumps(value, ensure_ascii=ascii_only)
    if depth(value) <= limit:
        assert json_document(text, "it", max_depth=limit) == value
        assert json_document(text.encode(), "it", max_depth=limit) == value
    else:
        with pytest.raises(ValueError, match="nested"):
            json_document(text, "it", max_depth=limit)


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=80) | TRICKY.map(str.encode))
def test_no_bytes_crash_the_decoder_only_its_refusals(data: bytes) -> None:
    """The parts of a bundle read before and after its signatures (frame, manifest, segment
    header, body, any record's JSON) fail only as their refusal: Refused or ValueError, never
    another exception (an exit 1)."""
    from store.sync import bundle, verify
    from store.sync.bundle import Refused
    from store.validate import json_document

    for parse in (
        bundle.unframe,
        lambda d: bundle.unframe(bundle.MAGIC + d),
        verify._manifest,
        lambda d: verify._header(d, 0),
    ):
        try:
            parse(data)
        except Refused as refusal:
            assert refusal.check == "format"
    for parse in (
        lambda d: bundle.decode_body(d, "origin"),
        lambda d: json_document(d, "it", max_depth=4),
        lambda d: json_document(d.decode("utf-8", "replace"), "it", max_depth=2),
    ):
        with contextlib.suppress(ValueError):
            parse(data)


# 4. "done" judged against a value that was itself refused -------------------------------------


def history(b: Hostile, table: str, pk: str, col: str) -> str:
    """What a writer of this critical field had seen: every record of it held."""
    seen = b.store.tuples(
        "SELECT origin, seq FROM sync_change WHERE tbl = ? AND pk = ? AND col = ?"
        " AND prev IS NOT NULL",
        (table, pk, col),
    )
    return json.dumps([f"{o}/{s}" for o, s in seen])


def test_done_is_judged_against_the_end_that_stands_not_a_refused_one(
    template: Path, tmp_path: Path
) -> None:
    """f4.json: the end moved into the past without a restriction (refused, R5) and the
    activity marked done in the same write: done is judged against the end that stands (the
    activity has not ended), so it is refused too and the re-planning flag stays visible."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        pk = key(ids(b.store)["activity"])
        b.forge_raw(
            [
                (
                    "activity",
                    pk,
                    "end_at",
                    "2026-11-28T08:30:00Z",
                    1,
                    history(b, "activity", pk, "end_at"),
                    "OPS-B",
                ),
                ("activity", pk, "status", "done", 1, None, "OPS-B"),
            ]
        )
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert quarantined(receipt) == {
            ("activity", "end_at", "R5"),
            ("activity", "status", "transition"),
        }
        assert user_tables(a.store) == must_be


# 5. The calendar's authority ---------------------------------------------------------------------


def calendar_restriction(b: Hostile, activity: str, kind: str) -> list[tuple[Any, ...]]:
    """A restriction naming the calendar as its authority, and its effect on the activity."""
    pk = key("01a2ffff-0000-7000-8000-0000000ca1e0")
    values = {
        "id": "01a2ffff-0000-7000-8000-0000000ca1e0",
        "activity_id": activity,
        "kind": kind,
        "reason": "tbp_choice",
        "authority": "calendar",
        "note": "",
        "old_start_at": "2026-11-30T08:00:00Z",
        "old_end_at": "2026-11-30T11:00:00Z",
        "new_start_at": "2026-11-30T12:00:00Z" if kind == "moved" else None,
        "new_end_at": "2026-11-30T15:00:00Z" if kind == "moved" else None,
        "recorded_at": to_db(b.store.now()),
        "recorded_by": "OPS-B",
        "device": b.laptop.id,
    }
    apk = key(activity)
    effect = [("activity", apk, "status", kind, 1, None, "OPS-B")]
    if kind == "moved":
        effect += [
            (
                "activity",
                apk,
                "start_at",
                "2026-11-30T12:00:00Z",
                1,
                history(b, "activity", apk, "start_at"),
                "OPS-B",
            ),
            (
                "activity",
                apk,
                "end_at",
                "2026-11-30T15:00:00Z",
                1,
                history(b, "activity", apk, "end_at"),
                "OPS-B",
            ),
        ]
    return (
        [("restriction", pk, "", None, 1, None, "OPS-B")]
        + [("restriction", pk, col, val, 1, None, "OPS-B") for col, val in values.items()]
        + effect
    )


@pytest.mark.parametrize("kind", ["moved", "cancelled"])
def test_an_operator_cannot_move_or_cancel_with_the_calendar_as_authority(
    template: Path, tmp_path: Path, kind: str
) -> None:
    """f6.json's kind: an operator laptop moved (or cancelled) an activity that came from no
    calendar, naming the calendar as the deciding authority: only someone who may restrict
    may record that; the calendar covers the cancellation of its own events."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        b.forge_raw(calendar_restriction(b, ids(b.store)["activity"], kind))
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        found = quarantined(receipt)
        assert ("restriction", "", "role") in found
        assert ("activity", "status", "transition") in found
        assert user_tables(a.store) == must_be


# 3. Records dated ahead ------------------------------------------------------------------------


def assessment(laptop: Laptop, subject: str, level: int, at: datetime) -> list[tuple[Any, ...]]:
    """A threat assessment by the laptop's operator, dated ``at``."""
    row_id = "01a2ffff-0000-7000-8000-00000000a55e"
    pk = key(row_id)
    values = {
        "id": row_id,
        "subject_id": subject,
        "level": level,
        "domain": "local",
        "summary": "",
        "assessed_at": to_db(at),
        "assessed_by": "OPS-A",
        "device": laptop.id,
    }
    seen = laptop.store.tuples(
        "SELECT origin, seq FROM sync_change WHERE tbl = 'threat_assessment'"
        " AND col = 'subject_id' AND val = ?",
        (subject,),
    )
    return [("threat_assessment", pk, "", None, 1, None, "OPS-A")] + [
        (
            "threat_assessment",
            pk,
            col,
            val,
            1,
            json.dumps([f"{o}/{s}" for o, s in seen]) if col == "subject_id" else None,
            "OPS-A",
        )
        for col, val in values.items()
    ]


def test_an_assessment_dated_ahead_waits_and_pins_nothing(tmp_path: Path) -> None:
    """The reviewer's fa.json: an assessment of level 1 dated 23 hours ahead (inside the one-day
    horizon) would have been R2's latest valid one until then, pinning the person at level 1.
    It waits until its time; an assessment made meanwhile shows at once, and stays in force
    once the early one is taken in (the higher of two conflicting levels, until resolved)."""
    from store import subjects
    from store.clock import FixedClock

    clock = FixedClock(NOW)
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=4)
    exchange_all([a, b], tmp_path / "share")  # the admin laptop's name claims reach b too
    subject = str(a.store.one("SELECT id FROM subject")[0])
    ahead = NOW + timedelta(hours=23)
    Hostile(a, tmp_path).forge_raw(
        assessment(a, subject, 1, ahead), hlc=int(ahead.timestamp() * 1000) << 16
    )
    code, receipt = import_with_cli(b, exchange.export(a.store, out=tmp_path / "1.swb").path)
    assert code == 0 and receipt["deferred"] == 9 and receipt["applied"] == 0
    assert any("dated ahead" in w for w in texts(receipt["warnings"]))
    assert b.store.one("SELECT threat_level FROM subject")[0] == 4
    subjects.assess_threat(b.store, "BEVER", level=3)  # made meanwhile: shows at once
    assert b.store.one("SELECT threat_level FROM subject")[0] == 3
    clock.advance(hours=23)
    logbook.add_entry(a.store, "Later")
    later = exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "2.swb").path)
    assert not later.failed and not later.deferred
    assert b.store.tuples("SELECT * FROM sync_deferred") == []
    # its time has come: taken in, concurrent with the 3 made meanwhile (which never saw it), so
    # a threat-level conflict, and while it is open the higher level holds (R1, rev13m)
    assert b.store.one("SELECT threat_level FROM subject")[0] == 3
    [conflict] = b.store.tuples("SELECT value_a, value_b FROM sync_conflict")
    assert conflict == ("3", "1")


# 13. A laptop enrolled with another role than its operator's -------------------------------------


def join(
    admin: Laptop, root: Path, callsign: str, role: str, label: str, clock: Any = None
) -> tuple[Laptop, Path]:
    """A new laptop made with ``init`` for ``callsign``; its request, not enrolled yet."""
    from store.setup import init_database
    from store.sync import roster as rosters

    (root / label).mkdir()
    laptop = Laptop(
        label,
        init_database(
            root / label / "db",
            callsign=callsign,
            role=role,
            unit="RT",
            clock=clock or admin.store.clock,
            device_label=label,
        ),
    )
    request = root / f"{label}.json"
    rosters.write_request(laptop.store, request)
    return laptop, request


def welcome(admin: Laptop, laptop: Laptop, request: Path, role: str | None = None) -> None:
    from store.sync import roster as rosters

    wanted = rosters.read_request(request)
    rosters.enroll(admin.store, wanted, role)
    out = request.with_suffix(".swb")
    exchange.import_file(
        laptop.store, exchange.export(admin.store, out=out, welcome=wanted.hash).path
    )


def test_a_laptop_enrolled_below_its_operators_role_is_bounded_not_left_waiting(
    tmp_path: Path,
) -> None:
    """The reviewer's `team enroll --role operator` for a shift leader's request: the laptop's
    operator (a shift leader) and their work are taken in, bounded by both roles; what only a
    shift leader's laptop may do is quarantined; nothing waits for ever."""
    from store import staff
    from store.clock import FixedClock

    (a,) = make_team(tmp_path / "team", FixedClock(NOW), names=("a",))
    d, request = join(a, tmp_path, "RT-0090", "shift_leader", "laptop-d")
    enrolled = cli(
        a.store,
        "team",
        "enroll",
        str(request),
        "--out",
        str(tmp_path / "w.swb"),
        "--role",
        "operator",
        "--yes",
    )
    assert enrolled.exit_code == 0, enrolled.output
    assert "asked to be a shift leader and is enrolled as an operator" in enrolled.stderr
    assert "bounded by what an operator may do" in enrolled.stderr
    a.store.forget_actor()
    exchange.import_file(d.store, tmp_path / "w.swb")
    logbook.add_entry(d.store, "Dienst begonnen")
    with refused_as(Exception, "operator"):  # the laptop's role bounds it here too
        staff.add_staff(d.store, "RT-0601", unit="RT")
    Hostile(d, tmp_path).sql(  # and a raw write of it is quarantined on the other laptops
        "INSERT INTO staff (id, callsign, unit, role, created_at) VALUES"
        " ('00000000-0000-7000-8000-000000000601', 'RT-0601', 'RT', 'operator',"
        " '2026-11-28T09:00:00Z')"
    )
    code, receipt = import_with_cli(a, exchange.export(d.store, out=tmp_path / "d.swb").path)
    assert code == 5 and receipt["deferred"] == 0
    assert quarantined(receipt) == {
        ("staff", f, "role") for f in ("", "id", "callsign", "name", "unit", "role", "created_at")
    }
    assert a.store.one("SELECT role FROM staff WHERE callsign = 'RT-0090'")[0] == "shift_leader"
    assert a.store.one("SELECT count(*) FROM log_entry WHERE author = 'RT-0090'")[0] == 1
    assert a.store.one("SELECT count(*) FROM sync_deferred")[0] == 0


def test_a_laptop_whose_operator_the_team_knows_already_is_taken_in(tmp_path: Path) -> None:
    """The reviewer's second laptop-D, whose operator's creation waited for ever: the admin had
    added RT-0700 before RT-0700 made their own laptop. The laptop's start is taken in and so is
    its work. Since the third review (item 3) the roster binds the enrolled laptop's operator to
    RT-0700, so that row keeps it and the admin's row is kept under a derived callsign."""
    from store import staff
    from store.clock import FixedClock

    (a,) = make_team(tmp_path / "team", FixedClock(NOW), names=("a",))
    staff.add_staff(a.store, "RT-0700", unit="RT", name="Added by the admin")
    e, request = join(a, tmp_path, "RT-0700", "operator", "laptop-e")
    welcome(a, e, request)
    logbook.add_entry(e.store, "Dienst begonnen")
    code, receipt = import_with_cli(a, exchange.export(e.store, out=tmp_path / "e.swb").path)
    assert code == 0 and receipt["deferred"] == 0 and receipt["quarantined"] == []
    assert any("Clash" in w for w in texts(receipt["warnings"]))
    bound = e.store.one("SELECT id FROM staff WHERE callsign = 'RT-0700'")[0]
    assert a.store.one("SELECT id FROM staff WHERE callsign = 'RT-0700'")[0] == bound
    renamed = a.store.one("SELECT callsign FROM staff WHERE name = 'Added by the admin'")[0]
    assert renamed.startswith("RT-0700-")
    assert a.store.one("SELECT count(*) FROM log_entry WHERE author = 'RT-0700'")[0] == 1
    exchange.import_file(e.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    assert user_tables(e.store) == user_tables(a.store)


# 14. A queue or change log planted with a sqlite tool -------------------------------------------


def cli(store: Any, *args: str) -> Any:
    from click.testing import CliRunner

    from commands.cli import cli as main

    return CliRunner().invoke(main, ["--db", str(store.path), *args])


@pytest.mark.parametrize(
    "planted",
    [
        ("staff_secret", '["x"]', "insert", None),
        ("activity", "not a key", "insert", None),
        ("activity", "[" * 3000 + "]" * 3000, "update", None),
        ("activity", '["a", "b"]', "update", None),
        ("activity", '["a"]', "update", '["no_such_field"]'),
        ("activity", '["a"]', "update", "{{{"),
    ],
)
def test_a_planted_queue_row_is_an_integrity_failure_until_db_repair(
    template: Path, tmp_path: Path, planted: tuple[Any, ...]
) -> None:
    """The reviewer planted a row in the queue of changes to send: every write then failed with
    exit 1. Now every write says exit 5 and names `db repair`, which removes it and still
    captures what really changed outside Schildwacht meanwhile."""
    with copied_team(template, tmp_path / "team") as (_a, b):
        b.sql(
            ("INSERT INTO sync_pending (tbl, pk, op, cols) VALUES (?, ?, ?, ?)", planted),
            "UPDATE activity SET title = 'Zitting (raw)'",  # a real change meanwhile
        )
        b.store.close()
        before = snapshot(b.store.path)
        refused = cli(b.store, "log", "add", "Route verkend")
        assert refused.exit_code == 5 and "db repair" in refused.stderr, refused.output
        assert snapshot(b.store.path) == before
        assert cli(b.store, "db", "repair").exit_code == 0
        assert cli(b.store, "log", "add", "Route verkend").exit_code == 0
        assert (
            b.store.one(
                "SELECT count(*) FROM sync_change WHERE col = 'title' AND val = 'Zitting (raw)'"
            )[0]
            == 1
        )
        assert b.store.one("SELECT count(*) FROM sync_pending")[0] == 0


@pytest.mark.parametrize("planted", ["twice", "deep"])
def test_a_planted_record_in_the_own_change_log_is_sent_and_named_exit_5(
    template: Path, tmp_path: Path, planted: str
) -> None:
    """A root-made duplicate or deeply nested record in the laptop's own change log: its
    export does not crash (exit 1 before); it writes the bundle, exits 5 naming the record,
    and the other laptop quarantines it."""
    with copied_team(template, tmp_path / "team") as (a, b):
        pk = key(ids(b.store)["activity"])
        if planted == "twice":
            b.forge(("activity", pk, "title", "a"), ("activity", pk, "title", "b"))
        else:
            b.forge(("activity", pk, "location", "x"), prev=deep())
        result = cli(b.store, "sync", "export", "--out", str(tmp_path / "b.swb"))
        assert result.exit_code == 5, result.output
        assert "no Schildwacht wrote" in result.stderr and "#" in result.stderr
        code, receipt = import_with_cli(a, tmp_path / "b.swb")
        assert code == 5 and {q["rule"] for q in receipt["quarantined"]} == {"malformed"}


# 7. Honest work that clashed on a unique name ----------------------------------------------------


@pytest.mark.parametrize("order", ["a first", "d first"])
def test_one_name_given_twice_offline_ends_the_same_everywhere(tmp_path: Path, order: str) -> None:
    """Two shift leaders' laptops add the callsign RT-0600, make the code name VALK and import
    the same calendar event, offline. The row created first keeps the name on every
    laptop; the other is kept under a derived name (its references follow, by id); the work
    written in the name is taken in (it waited for ever before); the receipt says so."""
    from store import ics, staff, subjects
    from store.clock import FixedClock
    from store.sync.clashes import derived
    from tests.conftest import as_user
    from tests.store.test_sync_hostile import calendar

    clock = FixedClock(NOW)
    a, d = make_team(tmp_path / "team", clock, names=("a", "d"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    exchange_all([a, d], tmp_path / "share", rounds=1)
    event = calendar(tmp_path / "c.ics", "CONFIRMED", 0)
    for laptop in (a, d):
        staff.add_staff(laptop.store, "RT-0600", unit="RT", name=f"Via {laptop.name}")
        subjects.add_subject(laptop.store, "VALK", kind="person", domain="local", unit="RT")
        ics.import_ics(laptop.store, event, person="BEVER", start=date(2026, 11, 28), days=7)
        logbook.add_entry(as_user(laptop.store, "RT-0600"), f"Notitie van RT-0600 op {laptop.name}")
    first, second = (a, d) if order == "a first" else (d, a)
    receipt = exchange.import_file(
        second.store, exchange.export(first.store, out=tmp_path / "1.swb").path
    )
    assert not receipt.failed and not receipt.deferred
    assert sum("Clash" in w for w in said_all(receipt.warnings)) == 3
    exchange.import_file(first.store, exchange.export(second.store, out=tmp_path / "2.swb").path)
    assert user_tables(a.store) == user_tables(d.store)
    listed = cli(d.store, "sync", "conflicts")  # for a person to look at: one person or two?
    assert listed.exit_code == 0 and "The callsign RT-0600 was given to two" in listed.stderr
    for laptop in (a, d):
        assert laptop.store.one("SELECT count(*) FROM sync_deferred")[0] == 0
        assert laptop.store.one("SELECT count(*) FROM sync_quarantine")[0] == 0
        assert laptop.store.one("SELECT count(*) FROM log_entry WHERE author = 'RT-0600'")[0] == 2
    for table, column, name in (
        ("staff", "callsign", "RT-0600"),
        ("subject", "code", "VALK"),
        ("activity", "source_uid", "zitting-1@example.org"),
    ):
        ids_made = [  # the admin laptop's row keeps the name: it claimed it when it made it
            str(r[0])
            for r in a.store.query(
                "SELECT json_extract(pk, '$[0]') FROM sync_change WHERE tbl = ? AND col = ?"
                " AND val = ? ORDER BY origin != ?, hlc, origin",
                (table, column, name, a.id),
            )
        ]
        held = dict(
            a.store.tuples(f"SELECT id, {column} FROM {table} WHERE id IN (?, ?)", ids_made)
        )
        assert held == {ids_made[0]: name, ids_made[1]: derived(column, name, ids_made[1])}


# 8. The audit trail rewritten or cut on one's own disk --------------------------------------------


def tamper_audit(path: Path, mode: str, count: int) -> None:
    """The reviewer's audit_tamper.py: root drops the trail's guards, cuts its newest events or
    rewrites one with consistent hashes after it, and forgets what peers witnessed."""
    import sqlite3

    from store.db import GENESIS_HASH, audit_hash

    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    me = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    if mode == "cut":
        conn.execute(
            "DELETE FROM audit_event WHERE seq > (SELECT max(seq) FROM audit_event) - ?", (count,)
        )
    else:
        conn.execute(
            "UPDATE audit_event SET detail = '{\"rewritten\": true}', action = 'note'"
            " WHERE seq = ?",
            (count,),
        )
        prev = GENESIS_HASH
        for seq, *fields in conn.execute(
            "SELECT seq, at, actor, device, action, target, detail FROM audit_event ORDER BY seq"
        ).fetchall():
            digest = audit_hash(prev, *fields)
            conn.execute(
                "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq)
            )
            prev = digest
    conn.execute("DELETE FROM audit_witness WHERE device = ?", (me,))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("mode", ["rewrite", "cut"])
def test_a_rewritten_or_cut_audit_trail_is_caught_by_the_peers_and_at_home(
    template: Path, tmp_path: Path, mode: str
) -> None:
    """`rewrite:5 forget` + `db repair` + a new change, and `cut:6 forget` with no new change
    at all: the admin's laptop, which witnessed b's head, raises an alarm at import (exit 5),
    lists it in `sync status` and the handover; b's own `audit verify` fails as soon as it
    receives the admin's witness."""
    from store import handover
    from store.audit import verify_audit

    with copied_team(template, tmp_path / "team") as (a, b):
        path = b.store.path
        b.store.close()
        tamper_audit(path, mode, 5 if mode == "rewrite" else 6)
        assert cli(b.store, "db", "repair").exit_code == 0
        if mode == "rewrite":
            assert cli(b.store, "log", "add", "Na de reparatie").exit_code == 0
        assert cli(b.store, "audit", "verify").exit_code == 0  # nothing here knows better yet
        assert cli(b.store, "sync", "export", "--out", str(tmp_path / "b.swb")).exit_code == 0
        code, receipt = import_with_cli(a, tmp_path / "b.swb")
        assert code == 5, receipt
        word = "rewritten" if mode == "rewrite" else "went backwards"
        assert any(word in alarm for alarm in texts(receipt["alarms"])), receipt["alarms"]
        status = cli(a.store, "sync", "status")
        assert word in status.stderr, status.output
        items = handover.handover_content(handover.draft_handover(a.store))["assessment"]
        assert any(i["kind"] == "witness" and i["count"] for i in items)
        code, again = import_with_cli(a, tmp_path / "b.swb")  # raised once, then listed
        assert again["result"] == "already applied"
        exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
        with refused_as(Exception, r"rewritten|cut short"):
            verify_audit(b.store)


# 6. Acting as someone else; a record in someone else's name -----------------------------------


def test_a_secret_set_by_someone_else_stays_open_and_marks_what_is_done_with_it(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The laptop's operator gives RT-0001 a first secret (or resets it): they could act as
    RT-0001 from then on. Kept in person, but visible and bounded: an open item in the handover
    and `db status` until RT-0001 changes it themselves; the audit names who set it; what is
    done as RT-0001 meanwhile is marked so."""
    from store import handover
    from store.db import Store
    from store.status import database_status

    with copied_team(template, tmp_path / "team") as (a, _b):
        assert cli(a.store, "staff", "secret", "RT-0001").exit_code == 0
        setting = a.store.one(
            "SELECT actor, detail FROM audit_event WHERE action = 'staff.secret_first'"
        )
        assert setting[0] == "OPS-A" and json.loads(setting[1])["set_by"] == "OPS-A"
        assert database_status(a.store).findings == {"secret": 1}
        items = handover.handover_content(handover.draft_handover(a.store))["assessment"]
        assert [i["ids"] for i in items if i["kind"] == "secret"] == [["RT-0001"]]
        monkeypatch.setenv("SCHILDWACHT_USER", "RT-0001")
        assert cli(a.store, "log", "add", "Als RT-0001").exit_code == 0
        marked = a.store.one("SELECT actor, detail FROM audit_event WHERE action = 'log.add'")
        assert marked[0] == "RT-0001" and json.loads(marked[1])["secret_set_by"] == "OPS-A"
        monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "rt-0001-own")
        assert cli(a.store, "staff", "secret").exit_code == 0  # RT-0001 changes their own
        assert database_status(a.store).findings == {}
        monkeypatch.setenv("SCHILDWACHT_SECRET", "rt-0001-own")
        assert cli(a.store, "log", "add", "Nu echt RT-0001").exit_code == 0
        last = a.store.one("SELECT detail FROM audit_event ORDER BY seq DESC LIMIT 1")
        assert "secret_set_by" not in json.loads(last[0])
        a.store.close()
        reset = Store(a.store.path, clock=a.store.clock)
        from store import staff

        staff.set_secret(reset, "RT-0001", "opnieuw-gezet", reset=True)
        assert database_status(reset).findings == {"secret": 1}
        reset.close()


def test_a_record_in_someone_elses_name_shows_the_laptop_that_signed_it(
    template: Path, tmp_path: Path
) -> None:
    """The reviewer's f5.json: operator laptop b writes a log entry "by OPS-A" into its own
    change log. Nobody but b's operator can act on an operator laptop (secrets are local, and
    only staff rights give one), so the admin quarantines it: "author cannot act on this
    laptop", exit 5, nothing of it applied (issue 13 item 3). Where another person did act —
    RT-0001 with their own secret on the admin's laptop — laptop a stands beside the author
    wherever it is shown on b (log list, audit list); b's own operator's records show no note."""
    from tests.conftest import as_user

    with copied_team(template, tmp_path / "team") as (a, b):
        entry = "01a2ffff-0000-7000-8000-0000000000f5"
        values = {
            "id": entry,
            "at": to_db(b.store.now()),
            "author": "OPS-A",
            "device": b.laptop.id,
            "subject_id": None,
            "activity_id": None,
            "kind": "note",
            "text": "Ik (OPS-A) heb de beveiliging afgeschaald",
            "flagged": 0,
            "supersedes": None,
        }
        b.forge_raw(
            [("log_entry", key(entry), "", None, 1, None, "OPS-A")]
            + [("log_entry", key(entry), c, v, 1, None, "OPS-A") for c, v in values.items()]
        )
        before = user_tables(a.store)
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert user_tables(a.store) == before
        assert quarantined(receipt) == {("log_entry", f, "author") for f in ("", *values)}
        assert all(
            q["reason"].startswith("author cannot act on this laptop")
            for q in receipt["quarantined"]
        )
        other = as_user(a.store, "RT-0001")
        try:
            logbook.add_entry(other, "Ik (RT-0001) op laptop a")
        finally:
            other.close()
        code, _receipt = import_with_cli(
            b.laptop, exchange.export(a.store, out=tmp_path / "a.swb").path
        )
        assert code == 0
        listed = json.loads(cli(b.store, "log", "list", "--format", "json").stdout)
        by_text = {row["text"]: row for row in listed}
        theirs = by_text["Ik (RT-0001) op laptop a"]
        assert theirs["author"] == "RT-0001 via laptop-a" and theirs["signed_by"] == "laptop-a"
        assert by_text["Voertuig gezien"]["author"] == "OPS-B"  # b's operator, on b
        assert "Ik (OPS-A) heb de beveiliging afgeschaald" not in by_text
        trail = json.loads(cli(b.store, "audit", "list", "--format", "json").stdout)
        assert any(e["actor"] == "RT-0001 via laptop-a" for e in trail)


# 9. Not addressed, or damaged ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "result", "code"),
    [
        ("2026-11-28T090000Z-r{joined}-x.swb", "damaged", 5),  # written with a roster naming b
        ("2026-11-28T090000Z-r{before}-x.swb", "not addressed to this device", 0),
        ("2026-11-28T090000Z-x.swb", "damaged", 5),  # no version: written after b joined
        ("2020-01-01T000000Z-x.swb", "not addressed to this device", 0),  # before it joined
    ],
)
def test_a_file_written_after_joining_that_cannot_be_read_is_damaged(
    template: Path, tmp_path: Path, name: str, result: str, code: int
) -> None:
    """age cannot tell a file not addressed to this laptop from one whose part for this laptop
    was damaged. The name tells when it was written and with which roster: written after this
    laptop joined, it is damaged (exit 5), not "not addressed" (exit 0)."""
    from store.sync import bundle
    from store.sync import roster as rosters

    with copied_team(template, tmp_path / "team") as (a, b):
        joined = b.store.one("SELECT min(version) FROM sync_roster")[0]
        other = rosters.identity(a.store).age_recipient  # readable by the admin only
        folder = tmp_path / "share" / a.id
        folder.mkdir(parents=True)
        filled = name.format(joined=joined, before=joined - 1)
        (folder / filled).write_bytes(bundle.encrypt(b"not for b", [other]))
        done = cli(b.store, "sync", "import", str(tmp_path / "share"), "--format", "json")
        assert done.exit_code == code, done.output
        assert json.loads(done.stdout)[0]["result"] == result


# 11. R1/R2 lowered on one's own disk ------------------------------------------------------------


@pytest.mark.parametrize(
    "lowered",
    [
        "UPDATE threat_level SET resistance_level = 'W1'",
        "UPDATE concept SET level = 'W4' WHERE code = 'CAM'",
        "DELETE FROM concept_staffing",
        "UPDATE resistance_level SET rank = 0 WHERE code = 'W4'",
    ],
)
def test_a_catalogue_changed_on_disk_keeps_the_database_shut_until_repaired(
    template: Path, tmp_path: Path, lowered: str
) -> None:
    """The catalogue decides what R1 and R2 require: changed with a sqlite tool, the database
    does not open (exit 5, naming `db repair`), `audit verify` and `db status` say so, and
    `db repair` restores the catalogue shipped with Schildwacht, the one it was made with."""
    with copied_team(template, tmp_path / "team") as (_a, b):
        before = snapshot(b.store.path)
        b.store.close()
        Hostile(b.laptop, tmp_path).sql("PRAGMA foreign_keys = OFF", lowered)
        for command in (("log", "list"), ("audit", "verify"), ("db", "status")):
            refused = cli(b.store, *command)
            assert refused.exit_code == 5 and "db repair" in refused.stderr, refused.output
        repaired = cli(b.store, "db", "repair")
        assert repaired.exit_code == 0, repaired.output
        assert "restored from the catalogue shipped" in repaired.stderr
        assert cli(b.store, "audit", "verify").exit_code == 0
        after = dict(snapshot(b.store.path))
        for table in ("threat_level", "concept", "concept_staffing", "resistance_level"):
            assert after[table] == dict(before)[table]


def test_db_repair_derives_every_threat_level_again_and_says_which(
    template: Path, tmp_path: Path
) -> None:
    """A level lowered with raw SQL (the R2 triggers dropped first) stays lowered after the
    triggers are back, unless repair derives it again from the assessments: it does, and says."""
    with copied_team(template, tmp_path / "team") as (_a, b):
        b.store.close()
        Hostile(b.laptop, tmp_path).sql(
            "DROP TRIGGER subject_threat_level_update", "UPDATE subject SET threat_level = 1"
        )
        repaired = cli(b.store, "db", "repair")
        assert repaired.exit_code == 0
        assert "Threat level of BEVER re-derived from its assessments: 1 → 4" in repaired.stderr
        assert b.store.one("SELECT threat_level FROM subject")[0] == 4


def test_a_change_made_outside_schildwacht_has_an_audit_event_of_its_own(
    template: Path, tmp_path: Path
) -> None:
    """Rows written with a sqlite tool are sealed at the next store action as a change set of
    their own, with an audit event "changed outside Schildwacht", shown in `db status` and the
    next handover; the action itself is audited apart."""
    from store import handover
    from store.status import database_status

    with copied_team(template, tmp_path / "team") as (a, _b):
        Hostile(a, tmp_path).sql("UPDATE activity SET title = 'Anders'")
        logbook.add_entry(a.store, "Daarna")
        events = a.store.tuples("SELECT action, detail FROM audit_event ORDER BY seq DESC LIMIT 2")
        assert [e[0] for e in events] == ["log.add", "db.changed_outside"]
        assert json.loads(events[1][1]) == {"tables": {"activity": 1}, "rows": 1}
        assert "Anders" not in events[0][1]
        assert database_status(a.store).findings == {"outside": 1}
        items = handover.handover_content(handover.draft_handover(a.store))["assessment"]
        assert [i["kind"] for i in items if i["count"]].count("outside") == 1


# 10. Back-dating; a database with a fixed clock ---------------------------------------------------


def test_a_laptop_whose_clock_was_set_back_is_flagged_never_quarantined(
    template: Path, tmp_path: Path
) -> None:
    """A recorded time (a log entry's `at`) three hours before the change's own clock: a clock
    set back (its stamps continue its earlier ones), or back-dating; no record tells which
    (rev13q f2). Its work is taken in (nothing lost) and the laptop is named as clocks apart:
    in the receipt, `sync status` and the handover. An observation time is never flagged."""
    from store import handover, signals
    from store.clock import FixedClock

    with copied_team(template, tmp_path / "team") as (a, b):
        b.store.clock = FixedClock(NOW - timedelta(hours=3))  # its clock set back
        logbook.add_entry(b.store, "Met de klok terug")
        signals.raise_signal(b.store, "Gezien", category="vehicle", urgency="routine", tlp="green")
        code, receipt = import_with_cli(a, b.export())
        assert code == 0 and receipt["quarantined"] == [] and receipt["deferred"] == 0
        assert a.store.one("SELECT count(*) FROM log_entry WHERE text = 'Met de klok terug'")[0]
        flagged = a.store.tuples("SELECT DISTINCT detail FROM sync_flag")
        assert any("log_entry.at" in d for (d,) in flagged)
        assert not any("observed_at" in d for (d,) in flagged)
        said = texts(receipt["warnings"])
        assert any("clock and its stamps were apart" in w and "laptop-b" in w for w in said)
        assert "clock and its stamps were apart" in cli(a.store, "sync", "status").output
        items = handover.handover_content(handover.draft_handover(a.store))["assessment"]
        assert [i["ids"] for i in items if i["kind"] == "clocks_apart"] == [[b.laptop.id]]
        assert not [i for i in items if i["kind"] == "back_dated"]


def test_a_database_with_a_fixed_clock_cannot_join_a_real_team(tmp_path: Path) -> None:
    """A database made with SCHILDWACHT_NOW (tests, demos) can date its records at will: a real
    team's admin refuses its enrolment request (a test team of such databases may still form)."""
    from store.clock import FixedClock
    from store.errors import BadInput
    from store.setup import init_database
    from store.sync import roster as rosters

    (tmp_path / "admin").mkdir()
    real = init_database(tmp_path / "admin" / "db", callsign="OPS-01", role="admin", unit="RT")
    assert not real.clock_fixed
    rosters.create_team(real, "Echt")
    fixed, request = join(
        Laptop("x", real), tmp_path, "RT-0900", "operator", "laptop-fixed", FixedClock(NOW)
    )
    assert fixed.store.clock_fixed and isinstance(fixed.store.clock, FixedClock)
    with refused_as(BadInput, "fixed clock"):
        rosters.enroll(real, rosters.read_request(request))
    assert rosters.current(real).version == 1


# 12. A team built from a demo database -----------------------------------------------------------


def test_a_demo_on_a_team_laptop_passes_the_judge_whole(tmp_path: Path) -> None:
    """The demo wrote signals, their steps and log entries in other officers' names but sealed
    them as the operator's: the others quarantined them (attribution) while the sender kept
    them. Each record is now sealed as written by its nominal author, and on a laptop enrolled
    as shift leader the analysts' steps (which that laptop may not carry) are not written: the
    other laptop takes in every demo record and both end identical."""
    from store.clock import FixedClock
    from store.demo import generate_demo

    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    generate_demo(b.store, seed=7, scale="small")
    code, receipt = import_with_cli(a, exchange.export(b.store, out=tmp_path / "1.swb").path)
    assert (code, receipt["quarantined"], receipt["deferred"]) == (0, [], 0)
    assert b.store.one("SELECT count(*) FROM log_entry")[0] > 0
    exported = exchange.export(a.store, out=tmp_path / "2.swb")
    exchange.import_file(b.store, exported.path)
    assert user_tables(a.store) == user_tables(b.store)


def test_a_demo_made_before_joining_says_at_home_what_the_team_refuses(tmp_path: Path) -> None:
    """A demo made before the laptop joined holds the analysts' steps (any person may work on a
    laptop outside a team); a shift leader's laptop may not carry them in the team, so every
    other laptop quarantines them. The laptop's own export, `sync status` and the handover say
    so, at home, before anyone asks; nothing else of the demo is refused."""
    from store import handover
    from store.clock import FixedClock
    from store.demo import generate_demo
    from store.setup import init_database
    from store.sync import roster as rosters

    clock = FixedClock(NOW)
    admin, b = (
        init_database(
            tmp_path / f"{name}.db",
            callsign=f"OPS-{name.upper()}",
            role=role,
            unit="RT",
            clock=clock,
            device_label=f"laptop-{name}",
        )
        for name, role in (("a", "admin"), ("b", "shift_leader"))
    )
    generate_demo(b, seed=7, scale="small")
    steps = b.one("SELECT count(*) FROM signal_event")[0]
    assert steps > 0
    rosters.create_team(admin, "DKDB Rotterdam")
    rosters.write_request(b, tmp_path / "request.json")
    request = rosters.read_request(tmp_path / "request.json")
    rosters.enroll(admin, request)
    welcome = exchange.export(admin, out=tmp_path / "welcome.swb", welcome=request.hash)
    exchange.import_file(b, welcome.path)

    exported = exchange.export(b, out=tmp_path / "demo.swb")
    receipt = exchange.import_file(admin, exported.path)
    assert {(q.table, q.rule) for q in receipt.quarantined} == {("signal_event", "role")}
    assert {q.row_id for q in receipt.quarantined} == {
        i for (i,) in b.tuples("SELECT id FROM signal_event")
    }
    said = f"{len(receipt.quarantined)} of this laptop's changes"
    assert any(f"{said} will be quarantined" in w for w in said_all(exported.warnings)), (
        exported.warnings
    )
    assert (
        admin.one("SELECT count(*) FROM log_entry")[0] == b.one("SELECT count(*) FROM log_entry")[0]
    )
    assert f"{said} are quarantined" in cli(b, "sync", "status").stderr
    items = handover.handover_content(handover.draft_handover(b))["assessment"]
    assert [i for i in items if i["kind"] == "own_refused"]
