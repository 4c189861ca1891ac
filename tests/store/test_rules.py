"""The one rule table (store/rules.py) agrees with the schema and with the store: every synced
column has its rule, the enums are the ones the CHECK constraints list, and every action the
store offers, taken by the roles that may, passes the judge on the other laptops."""

from __future__ import annotations

import re
from pathlib import Path

from store import (
    access,
    agenda,
    decisions,
    handover,
    intel,
    logbook,
    roster,
    rules,
    signals,
    staff,
    staffing,
    subjects,
)
from store.clock import FixedClock
from store.db import Store
from store.ics import import_ics
from store.sync.tables import SYNCED_TABLES, shape
from tests.conftest import as_user, at
from tests.sync_team import exchange_all, make_team

ICS = Path(__file__).parents[1] / "fixtures" / "ics"

#: (table, column) → the enum the store and the rules use for it.
ENUMS = {
    ("staff", "role"): rules.ROLES,
    ("subject", "kind"): rules.SUBJECT_KINDS,
    ("subject", "domain"): rules.DOMAINS,
    ("threat_assessment", "domain"): rules.DOMAINS,
    ("activity", "kind"): rules.ACTIVITY_KINDS,
    ("activity", "status"): rules.ACTIVITY_STATUSES,
    ("restriction", "kind"): rules.RESTRICTION_KINDS,
    ("restriction", "reason"): rules.RESTRICTION_REASONS,
    ("log_entry", "kind"): rules.LOG_KINDS,
    ("signal", "category"): rules.SIGNAL_CATEGORIES,
    ("signal", "urgency"): rules.URGENCIES,
    ("signal", "tlp"): rules.TLPS,
    ("signal_event", "kind"): rules.SIGNAL_EVENT_KINDS,
    ("report_event", "kind"): rules.REPORT_EVENT_KINDS,
    ("report_event", "audience"): rules.AUDIENCES,
    ("handover_event", "kind"): rules.HANDOVER_EVENT_KINDS,
    ("decision", "step"): rules.DECISION_STEPS,
    ("activity_request", "kind"): rules.ACTIVITY_KINDS,
    ("activity_request", "verdict"): rules.REQUEST_VERDICTS,
    ("request_answer", "answer"): rules.REQUEST_ANSWERS,
    ("experience", "weight"): rules.EXPERIENCE_WEIGHTS,
    ("household_member", "relation"): rules.HOUSEHOLD_RELATIONS,
    ("care_record", "status"): rules.CARE_STATUSES,
    ("name_claim", "tbl"): rules.NAMED_TABLES,
}


def test_the_schemas_enums_are_the_rule_tables(store: Store) -> None:
    found = {}
    for table, sql in store.tuples("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column, listed in re.findall(r"CHECK \((\w+) IN \(([^)]*)\)\)", sql or ""):
            values = tuple(v.strip().strip("'") for v in listed.replace("\n", " ").split(","))
            if table in SYNCED_TABLES and not all(v.isdigit() for v in values):
                found[(table, column)] = values
    assert {k: set(v) for k, v in found.items()} == {k: set(v) for k, v in ENUMS.items()}
    assert agenda.KINDS == rules.ACTIVITY_KINDS and signals.TLPS == rules.TLPS


def test_every_synced_column_has_its_rule_and_every_rule_a_column(store: Store) -> None:
    for table in SYNCED_TABLES:
        columns = set(shape(store.conn, table).columns)  # type: ignore[union-attr]
        rule = rules.TABLES[table]
        assert set(rule.fields) | rule.derived == columns, table
        assert set(rule.key) <= set(rule.fields)


def test_every_action_the_rules_name_is_a_permission() -> None:
    named = set()
    for rule in rules.TABLES.values():
        named |= {f.update for f in rule.fields.values() if f.update} | {rule.delete or "log.write"}
    for action in named | {rules.GRANT_ADMIN, rules.ACKNOWLEDGE_REPORT}:
        assert any(rules.allowed(role, action) for role in access.ROLES), action


def test_the_rules_hash_a_handover_as_the_store_signs_it() -> None:
    content = {"period": {"start": "x"}, "identify": [{"text": "é"}]}
    assert rules.content_hash(content) == handover.content_hash(content)


def test_every_store_action_by_the_roles_that_may_passes_the_other_laptops_judge(
    tmp_path: Path, clock: FixedClock
) -> None:
    """No honest action is quarantined anywhere: the rule table and the store agree."""
    team = make_team(tmp_path / "team", clock, names=("a", "b"), role="shift_leader")
    a, b = team
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    for callsign, role in (("IO-1", "info_analyst"), ("GZ-1", "authority"), ("RT-1", "operator")):
        staff.add_staff(a.store, callsign, unit="RT", role=role)
    staff.add_staff(a.store, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    exchange_all(team, tmp_path / "share")
    io, authority, operator = (as_user(a.store, u) for u in ("IO-1", "GZ-1", "RT-1"))
    subjects.assess_threat(io, "BEVER", level=3)
    item = agenda.add_activity(
        operator,
        person="BEVER",
        title="Zitting",
        start=at(operator, "2026-11-30 09:00"),
        end=at(operator, "2026-11-30 12:00"),
        concept="CP-LIGHT",
    )
    agenda.edit_activity(operator, item.id, title="Zitting hof", location="Hof", correction="typo")
    import_ics(operator, ICS / "outlook.ics", person="BEVER")
    import_ics(operator, ICS / "outlook-updated.ics", person="BEVER")  # cancels one: calendar
    agenda.restrict_activity(
        authority, item.id, kind="moved", reason="threat", authority="OvJ",
        new_start=at(authority, "2026-11-30 13:00"),
    )  # fmt: skip
    entry = logbook.add_entry(operator, "Let op", flagged=True, activity=item.id)
    signal = signals.raise_signal(operator, "Bus", category="vehicle", urgency="routine", tlp="red")
    signals.sight_signal(io, signal.id, "seen_again")
    signals.receive_signal(io, signal.id)
    signals.interpret_signal(io, signal.id, "Verkenning")
    signals.close_signal(io, signal.id, "confirmed")
    report = intel.draft_report(
        io, title="Verkenning", interpretation="Duiding", signals=[signal.id]
    )
    intel.add_scenario(io, report.id, description="Aanslag bij vertrek")
    intel.issue_report(io, report.id, audience="authority")
    intel.acknowledge_report(authority, report.id)
    decisions.add_decision(
        authority, person="BEVER", step="decision", rationale="Dreiging", authority="mayor",
        document="D-1",
    )  # fmt: skip
    roster.add_shift(
        a.store,
        "RT-0001",
        start=at(a.store, "2026-11-30 12:00"),
        end=at(a.store, "2026-11-30 20:00"),
    )
    staffing.deploy(a.store, item.id, ["RT-0001"])
    staff.set_role(a.store, "RT-1", "planner")
    handover.sign_handover(a.store, notes="Rustig")
    for store in (io, authority, operator):
        store.close()
    exchange_all(team, tmp_path / "share")
    signed = handover.list_handovers(b.store)[0]
    handover.accept_handover(b.store, signed.id)
    logbook.clear_entry(b.store, entry.id, reason="Besproken")
    exchange_all(team, tmp_path / "share")
    for laptop in team:
        assert laptop.store.tuples("SELECT tbl, col, reason FROM sync_quarantine") == []
        assert laptop.store.tuples("SELECT reason FROM sync_deferred") == []
