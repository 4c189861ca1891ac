"""A hostile team member (issue 13): bundles properly signed by a really enrolled operator
laptop, carrying each change its role could not make through the store — forbidden tables,
fields and transitions, derived fields, values the store refuses, malformed records. Each is
quarantined (never applied, named in the receipt, exit 5 through the CLI), and the legal part
of the same bundle is applied exactly: the admin's laptop ends with its tables as before plus
the operator's one legal log entry, byte for byte."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import agenda, handover, logbook, signals, staff, subjects
from store.sync import exchange
from store.sync.bundle import Refused
from tests.conftest import refused_as, snapshot
from tests.hostile import (
    Hostile,
    build_template,
    copied_team,
    ids,
    import_with_cli,
    key,
    tables_with,
)
from tests.sync_team import user_tables


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="hostile-template-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


Attack = Callable[[Hostile, dict[str, str]], None]


def raw(*statements: str) -> Attack:
    """Raw SQL on the operator's own database (``{name}`` filled from ``ids``)."""

    def attack(b: Hostile, known: dict[str, str]) -> None:
        b.sql(*(s.format(**known) for s in statements))

    return attack


def forged(tbl: str, pk: str, col: str, value: object, **extra: Any) -> Attack:
    """One change record written straight into the operator's change log."""

    def attack(b: Hostile, known: dict[str, str]) -> None:
        filled = value.format(**known) if isinstance(value, str) else value
        b.forge((tbl, pk.format(**known), col, filled), **extra)

    return attack


NEW = "'01a2ffff-0000-7000-8000-{n:012d}'"

ATTACKS: dict[str, tuple[Attack, set[tuple[str, str, str]]]] = {
    # derived fields (issue 13 item 1): a threat level never travels
    "threat level 1": (
        forged("subject", '["{subject}"]', "threat_level", 1),
        {("subject", "threat_level", "derived")},
    ),
    "threat level NULL": (
        forged("subject", '["{subject}"]', "threat_level", None),
        {("subject", "threat_level", "derived")},
    ),
    "threat level 99": (
        forged("subject", '["{subject}"]', "threat_level", 99),
        {("subject", "threat_level", "derived")},
    ),
    # roles (item 2)
    "own role to admin": (
        raw("UPDATE staff SET role = 'admin' WHERE callsign = 'OPS-B'"),
        {("staff", "role", "role")},
    ),
    "a new admin": (
        raw(
            "INSERT INTO staff (id, callsign, unit, role, created_at) VALUES"
            f" ({NEW.format(n=1)}, 'EVIL-1', 'RT', 'admin', '{{now}}')"
        ),
        {("staff", f, "role") for f in ("", "id", "callsign", "name", "unit", "role")}
        | {("staff", "created_at", "role")},
    ),
    "a qualification": (
        raw("INSERT INTO staff_qualification (staff_id, qualification) VALUES ('{me}', 'hrb')"),
        {("staff_qualification", f, "role") for f in ("", "staff_id", "qualification")}
        | {("staff_qualification", "valid_until", "role")},
    ),
    # the signal workflow is the information organisation's (R7)
    "signal taken through the workflow": (
        raw(
            *(
                "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, outcome)"
                f" VALUES ({NEW.format(n=10 + n)}, '{{signal}}', '{{now}}', 'OPS-B',"
                f" (SELECT value FROM meta WHERE key = 'device_id'), '{kind}', 'x', {outcome})"
                for n, (kind, outcome) in enumerate(
                    [
                        ("received", "NULL"),
                        ("follow_up", "NULL"),
                        ("interpreted", "NULL"),
                        ("closed", "'confirmed'"),
                    ]
                )
            )
        ),
        {("signal_event", "", "role")},
    ),
    # R5: cancelled, moved or shortened only with a restriction by someone who may restrict
    "cancelled without a restriction": (
        raw("UPDATE activity SET status = 'cancelled' WHERE id = '{activity}'"),
        {("activity", "status", "transition")},
    ),
    "cancelled with an operator's restriction": (
        raw(
            "INSERT INTO restriction (id, activity_id, kind, reason, authority, old_start_at,"
            f" old_end_at, recorded_at, recorded_by, device) VALUES ({NEW.format(n=20)},"
            " '{activity}', 'cancelled', 'capacity', 'OvJ', '2026-11-30T08:00:00Z',"
            " '2026-11-30T11:00:00Z', '{now}', 'OPS-B', (SELECT value FROM meta WHERE"
            " key = 'device_id'))",
            "UPDATE activity SET status = 'cancelled' WHERE id = '{activity}'",
        ),
        {("restriction", "", "role"), ("activity", "status", "transition")},
    ),
    "done before it has ended (hiding its re-planning)": (
        raw("UPDATE activity SET status = 'done' WHERE id = '{activity}'"),
        {("activity", "status", "transition")},
    ),
    # tables an operator may not write at all
    "a threat assessment": (
        raw(
            "INSERT INTO threat_assessment (id, subject_id, level, domain, assessed_at,"
            f" assessed_by, device) VALUES ({NEW.format(n=30)}, '{{subject}}', 1, 'local',"
            " '{now}', 'OPS-B', (SELECT value FROM meta WHERE key = 'device_id'))"
        ),
        {("threat_assessment", "", "role")},
    ),
    "a protected subject": (
        raw(
            "INSERT INTO subject (id, code, kind, domain, unit, created_at) VALUES"
            f" ({NEW.format(n=31)}, 'VALK', 'person', 'local', 'RT', '{{now}}')"
        ),
        {("subject", "", "role")},
    ),
    "a shift": (
        raw(
            f"INSERT INTO shift (id, staff_id, start_at, end_at, created_at) VALUES"
            f" ({NEW.format(n=32)}, '{{officer}}', '2026-11-30T06:00:00Z',"
            " '2026-11-30T14:00:00Z', '{now}')"
        ),
        {("shift", "", "role")},
    ),
    "a deployment": (
        raw(
            "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
            f" ({NEW.format(n=33)}, '{{activity}}', '{{officer}}', '{{now}}', 'OPS-B')"
        ),
        {("deployment", "", "role")},
    ),
    "a standing post": (
        raw(
            "DROP TRIGGER standing_post_r1_insert",  # root on one's own laptop may
            "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
            f" VALUES ({NEW.format(n=34)}, '{{subject}}', 'CAM', '2026-11-30T06:00:00Z',"
            " '2026-11-30T14:00:00Z', '{now}')",
        ),
        {("standing_post", "", "role")},
    ),
    "a log clearance": (
        raw(
            "INSERT INTO log_clearance (id, entry_id, cleared_at, cleared_by, reason) VALUES"
            f" ({NEW.format(n=35)}, '{{entry}}', '{{now}}', 'OPS-B', 'opgelost')"
        ),
        {("log_clearance", "", "role")},
    ),
    "a signal report": (
        raw(
            "INSERT INTO signal_report (id, title, created_at, created_by) VALUES"
            f" ({NEW.format(n=36)}, 'Duiding', '{{now}}', 'OPS-B')"
        ),
        {("signal_report", "", "role")},
    ),
    "a signed handover": (
        raw(
            "INSERT INTO handover (id, period_start, period_end, content, signed_at, signed_by,"
            f" device, content_hash) VALUES ({NEW.format(n=37)}, '2026-11-28T06:00:00Z',"
            " '2026-11-28T14:00:00Z', '{{}}', '{now}', 'OPS-B', (SELECT value FROM meta WHERE"
            " key = 'device_id'), '44136fa355b3678a1146ad16f7e8649e"
            "94fb4fc21fe77e8310c060f61caaff8a')"  # the SHA-256 of '{}'"
        ),
        {("handover", "", "role")},
    ),
    "a report issued": (
        raw(
            "INSERT INTO report_event (id, report_id, kind, at, actor, device, audience) VALUES"
            f" ({NEW.format(n=41)}, {NEW.format(n=36)}, 'issued', '{{now}}', 'OPS-B', (SELECT"
            " value FROM meta WHERE key = 'device_id'), 'authority')"
        ),
        {("report_event", "", "role")},
    ),
    "a scenario": (
        raw(
            "INSERT INTO report_scenario (id, report_id, description) VALUES"
            f" ({NEW.format(n=42)}, {NEW.format(n=36)}, 'Aanslag')"
        ),
        {("report_scenario", "", "role")},
    ),
    "a signal tied to a report": (
        raw(
            f"INSERT INTO report_signal (report_id, signal_id) VALUES ({NEW.format(n=36)},"
            " '{signal}')"
        ),
        {("report_signal", "", "role")},
    ),
    "a handover accepted": (
        raw(
            "INSERT INTO handover_event (id, handover_id, kind, at, actor, device) VALUES"
            f" ({NEW.format(n=43)}, {NEW.format(n=37)}, 'accepted', '{{now}}', 'OPS-B',"
            " (SELECT value FROM meta WHERE key = 'device_id'))"
        ),
        {("handover_event", "", "role")},
    ),
    "a signal's text rewritten": (
        raw("UPDATE signal SET text = 'Niets', urgency = 'routine' WHERE id = '{signal}'"),
        {("signal", "text", "immutable"), ("signal", "urgency", "immutable")},
    ),
    "a decision": (
        raw(
            "INSERT INTO decision (id, subject_id, step, rationale, authority, document,"
            f" adopted_at, adopted_by, device) VALUES ({NEW.format(n=38)}, '{{subject}}',"
            " 'decision', 'omdat', 'mayor', 'D-1', '{now}', 'OPS-B', (SELECT value FROM meta"
            " WHERE key = 'device_id'))"
        ),
        {("decision", "", "role")},
    ),
    # append-only rows are never deleted, fields never change once written
    "a deleted log entry": (
        raw("DROP TRIGGER log_entry_no_delete", "DELETE FROM log_entry WHERE id = '{entry}'"),
        {("log_entry", "", "append-only")},
    ),
    "a deleted threat assessment": (
        raw(
            "DROP TRIGGER threat_assessment_no_delete",
            "DELETE FROM threat_assessment WHERE id = '{assessment}'",
        ),
        {("threat_assessment", "", "append-only")},
    ),
    "a rewritten log entry": (
        raw(
            "DROP TRIGGER log_entry_no_update",
            "UPDATE log_entry SET text = 'Niets gezien', author = 'OPS-A' WHERE id = '{entry}'",
        ),
        {("log_entry", "text", "immutable"), ("log_entry", "author", "immutable")},
    ),
    "an activity moved to another person": (
        raw(
            "UPDATE activity SET subject_id = '{me}', created_by = 'OPS-B' WHERE id = '{activity}'"
        ),
        {("activity", "subject_id", "immutable"), ("activity", "created_by", "immutable")},
    ),
    # values the store refuses (issue 14): times out of range, unknown codes, huge text
    "a start in the year 1": (
        raw("UPDATE activity SET start_at = '0001-01-01T09:40:28Z' WHERE id = '{activity}'"),
        {("activity", "start_at", "value")},
    ),
    "a start of 0": (
        raw("UPDATE activity SET start_at = '0' WHERE id = '{activity}'"),
        {("activity", "start_at", "value")},
    ),
    "an unknown concept": (
        raw("UPDATE activity SET concept = 'NOPE' WHERE id = '{activity}'"),
        {("activity", "concept", "value")},
    ),
    # a transition no store action makes (rev13m): a concept is replaced, never cleared
    "a concept cleared": (
        raw("UPDATE activity SET concept = NULL WHERE id = '{activity}'"),
        {("activity", "concept", "transition")},
    ),
    "a concept emptied": (
        raw(
            "DROP TRIGGER activity_r1_update",
            "UPDATE activity SET concept = '' WHERE id = '{activity}'",
        ),
        {("activity", "concept", "value")},
    ),
    "a calendar's name cleared": (
        raw(
            "UPDATE activity SET source_calendar = 'Rechtbank' WHERE id = '{activity}'",
            "UPDATE activity SET source_calendar = NULL WHERE id = '{activity}'",
        ),
        {("activity", "source_calendar", "transition")},
    ),
    # a title longer than any store writes refuses its whole segment: test_sync_oversized.py
    "a log entry in someone else's name": (
        raw(
            "INSERT INTO log_entry (id, at, author, device, kind, text) VALUES"
            f" ({NEW.format(n=40)}, '{{now}}', 'OPS-A', (SELECT value FROM meta WHERE"
            " key = 'device_id'), 'note', 'Namens de admin')"
        ),
        {("log_entry", "author", "attribution")},
    ),
    # malformed records (item 5): quarantined, never a crash
    "a key that is not JSON": (
        forged("activity", "not json", "title", "x"),
        {("activity", "title", "malformed")},
    ),
    "a key of the wrong shape": (
        forged("activity", '{{"id": "{activity}"}}', "title", "x"),
        {("activity", "title", "malformed")},
    ),
    "an existence record without fields": (
        forged("activity", '["01a2ffff-0000-7000-8000-000000000050"]', "", None),
        {("activity", "", "malformed")},
    ),
    "a critical field without its history": (
        forged("activity", '["{activity}"]', "location", "Elders"),
        {("activity", "location", "malformed")},
    ),
    "a field of a deleted row": (
        forged("activity", '["{activity}"]', "title", "x", cl=2),
        {("activity", "title", "malformed")},
    ),
    "a table that is not synced": (
        forged("audit_event", '["1"]', "actor", "OPS-A"),
        set(),  # deferred, as a table of a newer version would be: never applied
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_each_forbidden_change_is_quarantined_and_the_legal_part_applied_exactly(
    template: Path, tmp_path: Path, name: str
) -> None:
    attack, expected = ATTACKS[name]
    with copied_team(template, tmp_path / "team") as (a, b):
        legal = logbook.add_entry(b.store, "Route verkend")
        attack(b, ids(b.store))
        bundle = b.export()
        must_be = tables_with(
            a.store,
            "log_entry",
            b.store.tuples("SELECT * FROM log_entry WHERE id = ?", (legal.id,)),
        )
        code, receipt = import_with_cli(a, bundle)
        assert user_tables(a.store) == must_be
        found = {
            (q["table"], q["field"].replace("(exists)", ""), q["rule"])
            for q in receipt["quarantined"]
        }
        if expected:
            assert code == 5 and expected <= found, receipt["quarantined"]
            assert all(q["device"] == b.laptop.id and q["seq"] > 0 for q in receipt["quarantined"])
        else:
            assert receipt["deferred"] == 1 and not found


def test_a_field_written_twice_in_one_change_set_is_quarantined_never_a_crash(
    template: Path, tmp_path: Path
) -> None:
    """No store writes one field of one row twice in one write; such a change set (which once
    stopped the import with a crash) is quarantined whole for that row, and nothing changes."""
    with copied_team(template, tmp_path / "team") as (a, b):
        known = ids(b.store)
        before = user_tables(a.store)
        activity = key(known["activity"])
        b.forge(("activity", activity, "title", "Eerst"), ("activity", activity, "title", "Dan"))
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and user_tables(a.store) == before
        assert [(q["field"], q["rule"], q["reason"]) for q in receipt["quarantined"]] == [
            ("title", "malformed", "a field written twice in one change set")
        ] * 2


def test_r1_through_a_bundle_flags_re_planning_and_the_level_stays(
    template: Path, tmp_path: Path
) -> None:
    """Issue 13 item 1: a forged threat level 1 and a concept below the real level."""
    with copied_team(template, tmp_path / "team") as (a, b):
        known = ids(b.store)
        b.forge(("subject", key(known["subject"]), "threat_level", 1))
        b.sql(  # root on one's own laptop may drop the R1 trigger there
            "DROP TRIGGER activity_r1_update",
            f"UPDATE activity SET concept = 'CAM' WHERE id = '{known['activity']}'",
        )
        code, _receipt = import_with_cli(a, b.export())
        assert code == 5
        row = a.store.one(
            "SELECT concept, required_level, replan_reason FROM activity_view WHERE id = ?",
            (known["activity"],),
        )
        assert tuple(row) == ("CAM", "W4", "below_required")  # the concept came; R1 shows it
        assert a.store.one("SELECT threat_level FROM subject")[0] == 4


@pytest.mark.parametrize("together", [False, True], ids=["one-after-the-other", "in-one-write"])
def test_a_cleared_concept_cannot_hide_an_r1_flag_behind_done(
    template: Path, tmp_path: Path, together: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rev13m concept_null_done: the operator's W4 activity gets CAM (applied, flagged
    below_required), then, after it ended, its concept is cleared and it is marked done by raw
    SQL. The clearing is quarantined (no store action clears a concept), so the 'done' is
    judged against CAM and quarantined too: the flag stays on the admin's laptop."""
    with copied_team(template, tmp_path / "team") as (a, b):
        known = ids(b.store)
        b.sql(
            "DROP TRIGGER activity_r1_update",
            f"UPDATE activity SET concept = 'CAM' WHERE id = '{known['activity']}'",
        )
        assert import_with_cli(a, b.export())[0] == 0
        clocks = {id(laptop.store.clock): laptop.store.clock for laptop in (a, b)}
        for clock in clocks.values():
            clock.advance(days=3)  # the activity (30 November) has ended
        monkeypatch.setenv("SCHILDWACHT_NOW", a.store.now().isoformat())  # the CLI's clock
        b.seal()
        clear = f"UPDATE activity SET concept = NULL WHERE id = '{known['activity']}'"
        done = f"UPDATE activity SET status = 'done' WHERE id = '{known['activity']}'"
        if together:
            b.sql(clear, done)
        else:
            b.sql(clear)
            code, receipt = import_with_cli(a, b.export())
            assert code == 5
            assert [(q["field"], q["rule"]) for q in receipt["quarantined"]] == [
                ("concept", "transition")
            ]
            b.seal()
            b.sql(done)
        code, receipt = import_with_cli(a, b.export())
        assert code == 5 and ("status", "R1") in {
            (q["field"], q["rule"]) for q in receipt["quarantined"]
        }
        row = a.store.one(
            "SELECT status, concept, replan_reason FROM activity_view WHERE id = ?",
            (known["activity"],),
        )
        assert tuple(row) == ("planned", "CAM", "below_required")


def test_a_concept_for_objects_on_a_persons_activity_arrives_flagged_not_aborted(
    template: Path, tmp_path: Path
) -> None:
    """R3 by subject kind, like the package: an operator's raw OBJ-HRB (W4, in PKG-W4, but
    for objects) on BEVER's activity is applied — the operator may set concepts — and shows
    as wrong_subject_kind for re-planning on the receiving laptop."""
    with copied_team(template, tmp_path / "team") as (a, b):
        known = ids(b.store)
        b.sql(f"UPDATE activity SET concept = 'OBJ-HRB' WHERE id = '{known['activity']}'")
        code, receipt = import_with_cli(a, b.export())
        assert (code, receipt["quarantined"]) == (0, [])
        row = a.store.one(
            "SELECT concept, replan_reason FROM activity_view WHERE id = ?", (known["activity"],)
        )
        assert tuple(row) == ("OBJ-HRB", "wrong_subject_kind")


def test_a_raw_threat_level_is_refused_on_the_laptop_itself(template: Path, tmp_path: Path) -> None:
    with copied_team(template, tmp_path / "team") as (_a, b):
        with refused_as(Exception, "R2"):
            b.sql("UPDATE subject SET threat_level = 1")
        with refused_as(Exception, "R2"):
            b.sql(
                "INSERT INTO subject (id, code, kind, domain, unit, threat_level, created_at)"
                " VALUES ('s-1', 'VALK', 'person', 'local', 'RT', 1, '2026-11-28T09:00:00Z')"
            )


def calendar(path: Path, status: str, sequence: int) -> Path:
    """A calendar with one event of BEVER's, as a person's calendar sends it."""
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:zitting-1@example.org\r\nDTSTAMP:20261127T090000Z\r\n"
        f"SEQUENCE:{sequence}\r\nSTATUS:{status}\r\nSUMMARY:Zitting\r\n"
        "DTSTART:20261201T090000Z\r\nDTEND:20261201T110000Z\r\nLOCATION:Rechtbank\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def test_a_calendar_cancellation_by_an_operator_is_legal(template: Path, tmp_path: Path) -> None:
    """The one restriction every calendar importer may record: the person's own calendar
    cancelling an event it brought (the activity's source is that calendar)."""
    from store import ics

    with copied_team(template, tmp_path / "team") as (a, b):
        window = {"start": date(2026, 11, 28), "days": 7}
        ics.import_ics(
            b.store, calendar(tmp_path / "c.ics", "CONFIRMED", 0), person="BEVER", **window
        )
        ics.import_ics(
            b.store, calendar(tmp_path / "c.ics", "CANCELLED", 1), person="BEVER", **window
        )
        code, receipt = import_with_cli(a, b.export())
        assert code == 0 and receipt["quarantined"] == []
        row = a.store.one("SELECT status FROM activity WHERE source_uid = 'zitting-1@example.org'")
        assert row[0] == "cancelled"
        assert a.store.one("SELECT authority FROM restriction")[0] == "calendar"


TABLES = ["activity", "log_entry", "subject", "staff", "signal_event", "meta", "sync_roster", ""]
COLUMNS = ["", "id", "title", "start_at", "status", "concept", "text", "threat_level", "role", "x"]
KEYS = ['["{activity}"]', '["{subject}"]', "not json", "{{}}", "[]", "[1]", '["a","b"]', "[null]"]
RECORD = st.tuples(
    st.sampled_from(TABLES),
    st.sampled_from(KEYS) | st.text(max_size=12),
    st.sampled_from(COLUMNS),
    st.none()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.binary(max_size=8)
    | st.sampled_from(["[/]", "\x1b]52;c;cHduZWQ=\x07", "\u202egnp.exe", "0001-01-01T00:00:00Z"]),
    st.integers(0, 4),
    st.none() | st.sampled_from(["[]", "not json", '["x/1"]', '{"a": 1}']),
    st.sampled_from(["OPS-B", "OPS-A", "", "GHOST", "ops-b "]),
)


def _key(pk: str, known: dict[str, str]) -> str:
    return pk.format(**known) if pk in KEYS else pk


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=st.lists(RECORD, min_size=1, max_size=5))
def test_any_malformed_record_signed_by_a_member_is_quarantined_or_refused_never_a_crash(
    template: Path, tmp_path_factory: pytest.TempPathFactory, records: list[tuple[Any, ...]]
) -> None:
    """Issue 13 item 5: whatever a member's laptop signs, the import ends with the file refused
    as ``format`` (nothing changed) or with each record applied, deferred or quarantined; the
    database stays whole and every listing still works."""
    with copied_team(template, tmp_path_factory.mktemp("fuzz") / "team") as (a, b):
        known = ids(b.store)
        b.forge_raw([(t, _key(pk, known), *rest) for t, pk, *rest in records])
        bundle = b.export()
        before = snapshot(a.store.path)
        try:
            receipt = exchange.import_file(a.store, bundle)
        except Refused as refusal:
            assert refusal.check == "format"
            assert snapshot(a.store.path) == before
            return
        held = receipt.applied.total() + receipt.deferred.total() + len(receipt.quarantined)
        assert held >= len(records)
        assert a.store.one("PRAGMA integrity_check")[0] == "ok"
        agenda.list_activities(a.store)
        logbook.list_entries(a.store)
        signals.list_signals(a.store)
        staff.list_staff(a.store)
        subjects.list_subjects(a.store)
        handover.draft_handover(a.store)
