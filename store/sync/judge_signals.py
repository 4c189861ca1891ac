"""The judge's checks of workflow steps (R7): a signal's steps and sightings, a signal report's
scenarios, duiding, issue and acknowledgements, a handover's acceptance, a log entry's
clearance. Each received step is judged by the store's own check (``store.workflows``) against
its row as it stood when the step was made: the steps accepted before it (by clock, then
device; ``Steps``), and those of its own change set accepted before it in the judging.

A step whose verdict changes (accepted or refused now) judges again the held steps of the same
row made after it (``steps_after``), so every laptop holding the same records ends alike,
whatever order they came in.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import NamedTuple

from .. import rules, workflows
from ..errors import StoreError
from . import held, log
from .change import EXISTENCE, Run

At = tuple[int, str]  # (hlc, origin): the order in which changes were made
Key = tuple[str, int]  # (origin, seq)
#: A step the store refuses: the rule it breaks and the store's own refusal.
Refusal = tuple[str, StoreError]
#: (table, the row it is a step of, when) → the accepted steps made before then, oldest first.
StepsBefore = Callable[[str, str, At], list[Mapping[str, object]]]

#: The store refusals these checks give a received change (``sync`` scans that every refusal of
#: a synced table's write has a check in the judge).
JUDGED_CODES = frozenset(
    {
        "signal_wrong_status",
        "signal_closed",
        "signal_tlp_red",
        "sighting_of_own_signal",
        "assessment_request_needs_person",
        "report_issued",
        "report_needs_duiding",
        "report_needs_scenario",
        "acknowledge_draft",
        "report_for_others",
        "already_acknowledged",
        "supersede_draft",
        "signer_cannot_accept",
        "handover_already_accepted",
        "handover_superseded",
        "handover_withdrawn_already",
        "log_entry_not_flagged",
        "log_entry_already_cleared",
        "request_answered",
        "supersede_other_subject",
        "decision_already_superseded",
        "supersede_not_in_force",
        "supersede_not_yours",
        "care_not_offered",
        "care_status_unchanged",
        "care_date_before_last",
        "care_offer_again",
    }
)

#: Per table whose rows are steps of another row: the field naming that row, and its table.
STEPS = {
    "signal_event": ("signal_id", "signal"),
    "report_event": ("report_id", "signal_report"),
    "report_scenario": ("report_id", "signal_report"),
    "handover_event": ("handover_id", "handover"),
    "handover_withdrawal": ("handover_id", "handover"),
    # a handover that supersedes another is a step of that one (no longer in force)
    "handover": ("supersedes", "handover"),
    "log_clearance": ("entry_id", "log_entry"),
    # a decision that supersedes another is a step of that one (superseded once, by its own)
    "decision": ("supersedes", "decision"),
    # an answer is a step of its request: answered once (the first, by clock then device)
    "request_answer": ("request_id", "activity_request"),
    # a care record is a step of its person's care: a module's history per member (rev20b)
    "care_record": ("subject_id", "subject"),
}
#: The tables whose verdicts these checks read as they stood at a moment.
READ_AS_OF = frozenset({*STEPS, "signal_report"})
#: Fields of a row that change by steps judged here: a report's duiding changes only as a draft.
_DRAFT_FIELDS = {("signal_report", "interpretation")}


class Step(NamedTuple):
    """A received step as each check reads it.

    Attributes:
        values: the step row's fields.
        parent: the id of the row it is a step of (``STEPS``: a signal, report, handover or
            log entry).
        at: when it was made (clock, device).
        author: the author's callsign and role.
        device_role: the role its device was enrolled with.
    """

    values: Mapping[str, object]
    parent: str
    at: At
    author: tuple[str, str | None]
    device_role: str


def _pk(row_id: str) -> str:
    return json.dumps([row_id], ensure_ascii=False)


class Workflows:
    """The checks for one judging: what the change set being judged accepted so far, and
    where to read what was accepted before it."""

    def __init__(
        self,
        steps_before: StepsBefore,
        created_value: Callable[[str, str, str], object],
        field_as_of: Callable[[str, str, str, At], object],
        known: Callable[[str, str], bool],
    ) -> None:
        self._steps_before = steps_before
        self._created_value = created_value
        self._field_as_of = field_as_of
        self._known = known
        self._steps: dict[tuple[str, str], list[Mapping[str, object]]] = defaultdict(list)
        self._made: dict[tuple[str, str], dict[str, object]] = {}
        self._fields: dict[tuple[str, str, str], object] = {}

    def start(self) -> None:
        """A new change set: forget what the one before accepted (it is in the log now)."""
        self._steps.clear()
        self._made.clear()
        self._fields.clear()

    def accepted(self, table: str, values: Mapping[str, object]) -> None:
        """A row this change set creates was accepted: later rows of it read it.

        Args:
            table: its table.
            values: its fields.
        """
        self._made[(table, str(values.get("id")))] = dict(values)
        step = STEPS.get(table)
        if step is not None:
            self._steps[(table, str(values.get(step[0])))].append(values)

    def updated(self, table: str, row_id: str, col: str, value: object) -> None:
        """A field this change set changes was accepted.

        Args:
            table: the row's table.
            row_id: the row's id.
            col: the field.
            value: its new value.
        """
        self._fields[(table, row_id, col)] = value
        if (table, row_id) in self._made:
            self._made[(table, row_id)][col] = value

    def _steps_of(self, table: str, parent: str, at: At) -> list[Mapping[str, object]]:
        return [*self._steps_before(table, parent, at), *self._steps.get((table, parent), [])]

    def _made_value(self, table: str, row_id: str, col: str) -> object:
        made = self._made.get((table, row_id))
        if made is not None:
            return made.get(col)
        return self._created_value(table, _pk(row_id), col)

    def _issued(self, report: str, at: At) -> list[Mapping[str, object]]:
        return [e for e in self._steps_of("report_event", report, at) if e.get("kind") == "issued"]

    def on_create(
        self,
        table: str,
        values: Mapping[str, object],
        at: At,
        author: tuple[str, str | None],
        device_role: str,
    ) -> Refusal | None:
        """Why the store would refuse to create this row then, or None.

        Args:
            table: the row's table.
            values: its fields.
            at: when it was made (clock, device).
            author: the author's callsign and role.
            device_role: the role its device was enrolled with.

        Returns:
            The rule and the store's refusal, or None (also when the row it is a step of has
            not reached this laptop: the reference check defers it).
        """
        if table == "signal":
            found = workflows.assessment_request_refusal(
                values.get("requests_assessment"), values.get("subject_id")
            )
            return None if found is None else ("R7", found)
        if table == "signal_report" and values.get("supersedes") is not None:
            replaced = str(values.get("supersedes"))
            if not self._known("signal_report", _pk(replaced)):
                return None
            found = workflows.supersede_draft_refusal(bool(self._issued(replaced, at)))
            return None if found is None else ("R7", found)
        step = STEPS.get(table)
        if step is None:
            return None
        parent = str(values.get(step[0]))
        if not self._known(step[1], _pk(parent)):
            return None
        check = _CHECKS.get(table)  # a superseding handover: who may, the store's period checks
        return None if check is None else check(self, Step(values, parent, at, author, device_role))

    def on_update(self, table: str, row_id: str, col: str, at: At) -> Refusal | None:
        """Why the store would refuse to change this field then (a report's duiding once it
        is issued), or None.

        Args:
            table: the row's table.
            row_id: the row's id.
            col: the field.
            at: when the change was made (clock, device).

        Returns:
            The rule and the store's refusal, or None.
        """
        if (table, col) not in _DRAFT_FIELDS:
            return None
        found = workflows.report_issued_refusal(bool(self._issued(row_id, at)), _short(row_id))
        return None if found is None else ("R7", found)

    # One check per step table ----------------------------------------------------------------

    def _signal_event(self, step: Step) -> Refusal | None:
        name, role = step.author
        if not rules.device_allows(step.device_role, "signal.process"):
            role = step.device_role  # both roles bound what the author sees
        kind = step.values.get("kind")
        tlp, reporter = (self._made_value("signal", step.parent, c) for c in ("tlp", "reporter"))
        status = workflows.signal_status(
            e.get("kind") for e in self._steps_of("signal_event", step.parent, step.at)
        )
        found: StoreError | None = workflows.red_refusal(
            tlp, reporter, name, role, _short(step.parent)
        )
        if found is None and kind == "sighting":
            found = workflows.sighting_refusal(reporter, name, status, _short(step.parent))
        elif found is None:
            found = workflows.step_refusal(status, str(kind), _short(step.parent))
        return None if found is None else ("R7", found)

    def _care_record(self, step: Step) -> Refusal | None:
        """A care status as the store records one (``rules.history_refusal``), against the
        module's accepted history for that member made before it, by day then recording."""
        member, module = step.values.get("member_id"), step.values.get("module")
        history = sorted(
            (str(e.get("on_date")), str(e.get("recorded_at")), str(e.get("id")), e.get("status"))
            for e in self._steps_of("care_record", step.parent, step.at)
            if e.get("member_id") == member and e.get("module") == module
        )
        try:
            day = date.fromisoformat(str(step.values.get("on_date")))
            past = [(str(h[3]), date.fromisoformat(h[0])) for h in history]
        except ValueError:
            return None  # a day that is no date: the rule table's field check refuses it
        code = (
            "self" if member is None else self._made_value("household_member", str(member), "code")
        )
        found = workflows.history_refusal(
            past, str(step.values.get("status")), day, module=str(module), member=str(code)
        )
        return None if found is None else ("care", found)

    def _report_scenario(self, step: Step) -> Refusal | None:
        found = workflows.report_issued_refusal(
            bool(self._issued(step.parent, step.at)), _short(step.parent)
        )
        return None if found is None else ("R7", found)

    def _report_event(self, step: Step) -> Refusal | None:
        issued = self._issued(step.parent, step.at)
        if step.values.get("kind") == "issued":
            found: StoreError | None = workflows.report_issued_refusal(
                bool(issued), _short(step.parent)
            )
            if found is None:
                scenarios = self._steps_of("report_scenario", step.parent, step.at)
                found = workflows.issue_refusal(
                    self._duiding(step.parent, step.at), len(scenarios), step.parent
                )
            return None if found is None else ("R7", found)
        audience = issued[0].get("audience") if issued else None
        acknowledged = [
            e.get("actor")
            for e in self._steps_of("report_event", step.parent, step.at)
            if e.get("kind") == "acknowledged"
        ]
        name, role = step.author
        found = workflows.acknowledge_refusal(audience, name, role, acknowledged)
        if found is None and step.device_role != "admin":  # both roles bound who acknowledges
            found = workflows.acknowledge_refusal(audience, name, step.device_role, acknowledged)
        return None if found is None else ("R7", found)

    def _duiding(self, report: str, at: At) -> object:
        """A report's duiding when it was issued: as this change set left it, else as the
        accepted records had it just before."""
        if ("signal_report", report) in self._made:
            return self._made[("signal_report", report)].get("interpretation")
        if ("signal_report", report, "interpretation") in self._fields:
            return self._fields[("signal_report", report, "interpretation")]
        return self._field_as_of("signal_report", _pk(report), "interpretation", at)

    def _handover_event(self, step: Step) -> Refusal | None:
        if step.values.get("kind") != "accepted":
            return None
        found: StoreError | None = workflows.signer_refusal(
            self._made_value("handover", step.parent, "signed_by"), step.author[0]
        )
        if found is None:
            accepted = [
                e.get("actor")
                for e in self._steps_of("handover_event", step.parent, step.at)
                if e.get("kind") == "accepted"
            ]
            found = workflows.accepted_refusal(accepted[0] if accepted else None)
        if found is None:
            newer = self._steps_of("handover", step.parent, step.at)
            first = newer[0] if newer else {}
            found = workflows.superseded_refusal(
                _short(step.parent),
                _short(str(first["id"])) if newer else None,
                first.get("signed_by"),
                first.get("signed_at"),
            )
        return None if found is None else ("handover", found)

    def _handover_withdrawal(self, step: Step) -> Refusal | None:
        before = self._steps_of("handover_withdrawal", step.parent, step.at)
        first = before[0] if before else {}
        found = workflows.withdrawn_already_refusal(
            _short(step.parent),
            first.get("withdrawn_by"),
            first.get("withdrawn_at"),
        )
        return None if found is None else ("handover", found)

    def _log_clearance(self, step: Step) -> Refusal | None:
        flagged = self._made_value("log_entry", step.parent, "flagged")
        if flagged is None:  # its creation is not in the log (a forked branch's): not judged
            return None
        cleared = [
            e.get("cleared_by") for e in self._steps_of("log_clearance", step.parent, step.at)
        ]
        found = workflows.clear_refusal(
            flagged, cleared[0] if cleared else None, _short(step.parent)
        )
        return None if found is None else ("log", found)

    def _handover(self, step: Step) -> Refusal | None:
        """A handover superseding another, as the store refuses one: that one in force then
        (neither superseded nor withdrawn by the steps made before) for an overlapping period,
        and signed by the same person."""
        values, replaced, at = step.values, step.parent, step.at
        start, end, signer = (
            self._made_value("handover", replaced, c)
            for c in ("period_start", "period_end", "signed_by")
        )
        new_start, new_end = values.get("period_start"), values.get("period_end")
        overlaps = all(isinstance(t, str) for t in (start, end, new_start, new_end)) and (
            str(start) < str(new_end) and str(end) > str(new_start)
        )
        gone = self._steps_of("handover", replaced, at) or self._steps_of(
            "handover_withdrawal", replaced, at
        )
        me = str(values.get("signed_by"))
        accepted = [
            e.get("at")
            for e in self._steps_of("handover_event", replaced, at)
            if e.get("kind") == "accepted" and e.get("actor") == me
        ]
        found = workflows.supersede_handover_refusal(
            overlaps and not gone, _short(replaced), signer, me, accepted[0] if accepted else None
        )
        return None if found is None else ("handover", found)

    def _request_answer(self, step: Step) -> Refusal | None:
        request, at = step.parent, step.at
        before = self._steps_of("request_answer", request, at)
        first = before[0] if before else {}
        found = workflows.answered_refusal(
            _short(request), first.get("answer"), first.get("answered_by")
        )
        return None if found is None else ("answer", found)

    def _decision(self, step: Step) -> Refusal | None:
        values, replaced, at = step.values, step.parent, step.at
        before = self._steps_of("decision", replaced, at)
        same = self._made_value("decision", replaced, "subject_id") == values.get("subject_id")
        found = workflows.supersede_decision_refusal(
            same, _short(replaced), before[0].get("id") if before else None
        )
        return None if found is None else ("R6", found)


_Check = Callable[[Workflows, "Step"], Refusal | None]
_CHECKS: dict[str, _Check] = {
    "signal_event": Workflows._signal_event,
    "report_scenario": Workflows._report_scenario,
    "report_event": Workflows._report_event,
    "handover_event": Workflows._handover_event,
    "handover_withdrawal": Workflows._handover_withdrawal,
    "log_clearance": Workflows._log_clearance,
    "request_answer": Workflows._request_answer,
    "decision": Workflows._decision,
    "handover": Workflows._handover,
    "care_record": Workflows._care_record,
}


def _short(row_id: str) -> str:
    """A row's id inside a refusal, cut short (its first 13 characters)."""
    return row_id[:13]


class Steps:
    """The step rows the log holds, by the row they are steps of, read once per table per
    judging; which of them count is decided per question (the verdicts of the judging under
    way, ``now``, first)."""

    def __init__(self, conn: sqlite3.Connection, now: Mapping[Key, bool]) -> None:
        self.conn = conn
        self.now = now
        self._by: dict[str, dict[str, list[tuple[At, Key, dict[str, object]]]]] = {}

    def _load(self, table: str) -> dict[str, list[tuple[At, Key, dict[str, object]]]]:
        column = STEPS[table][0]
        by_parent: dict[str, list[tuple[At, Key, dict[str, object]]]] = {}
        for run in log.of_table(self.conn, table):
            if EXISTENCE not in run.cols or run.cl % 2 == 0:
                continue
            values = dict(zip(run.cols, run.values(), strict=True))
            key = (run.origin, run.seq + run.cols.index(EXISTENCE))
            by_parent.setdefault(str(values.get(column)), []).append(
                ((run.hlc, run.origin), key, values)
            )
        for steps in by_parent.values():
            steps.sort(key=lambda s: (s[0], s[1]))
        return by_parent

    def before(self, table: str, parent: str, at: At) -> list[Mapping[str, object]]:
        """The accepted steps of ``parent`` in ``table`` made before ``at``, oldest first.

        Args:
            table: a step table (``STEPS``).
            parent: the id of the row they are steps of.
            at: the moment (clock, device).

        Returns:
            Their fields, in the order they were made.
        """
        if table not in self._by:
            self._by[table] = self._load(table)
        mine = [s for s in self._by[table].get(parent, []) if s[0] < at]
        aside = held.states(self.conn, [s[1] for s in mine])
        return [s[2] for s in mine if self.now.get(s[1], s[1] not in aside)]


def steps_after(
    conn: sqlite3.Connection, judged: Iterable[Run], covered: Callable[[Key], bool]
) -> list[Key]:
    """The held steps made after a step (or a duiding) of the same row judged now: their
    verdicts read it (``Workflows``), so they are judged again.

    Args:
        judged: the runs judged now.
        covered: whether a record (origin, seq) is judged now already.

    Returns:
        (origin, seq) of each such step's creation record.
    """
    earliest: dict[tuple[str, str], At] = {}
    for run in judged:
        if run.tbl in STEPS and EXISTENCE in run.cols and STEPS[run.tbl][0] in run.cols:
            parent = str(run.values()[run.cols.index(STEPS[run.tbl][0])])
            family = STEPS[run.tbl][1]
        elif run.tbl == "signal_report" and "interpretation" in run.cols:
            parent, family = str(json.loads(run.pk)[0]), "signal_report"
        else:
            continue
        at = (run.hlc, run.origin)
        earliest[(family, parent)] = min(at, earliest.get((family, parent), at))
    if not earliest:
        return []
    found: list[Key] = []
    for table in sorted({t for t, (_c, f) in STEPS.items() if f in {k[0] for k in earliest}}):
        column, family = STEPS[table]
        for run in log.of_table(conn, table):
            if EXISTENCE not in run.cols or column not in run.cols:
                continue
            when = earliest.get((family, str(run.values()[run.cols.index(column)])))
            key = (run.origin, run.seq + run.cols.index(EXISTENCE))
            if when is not None and when < (run.hlc, run.origin) and not covered(key):
                found.append(key)
    reports = [p for family, p in earliest if family == "signal_report"]
    for run in log.of_rows(conn, [("signal_report", _pk(p)) for p in reports]):
        if EXISTENCE in run.cols or "interpretation" not in run.cols:
            continue  # a duiding changed after the report was made: judged by its issue
        when = earliest.get(("signal_report", str(json.loads(run.pk)[0])))
        key = (run.origin, run.seq + run.cols.index("interpretation"))
        if when is not None and when < (run.hlc, run.origin) and not covered(key):
            found.append(key)
    return found
