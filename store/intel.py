"""Proactive signal reports (signaalrapporten) of the information organisation (R7).

Only ``info_analyst`` drafts, adds scenarios to and issues a report. A report carries a title,
the *duiding* (interpretation), the signals it builds on and one or more realistic scenarios
(description, likelihood, indicators, suggested courses of action). Issuing without a *duiding*
or without a scenario is refused; an issued report is never edited, only superseded by a new
one. Its audience (line managers or the competent authority) acknowledges receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from . import access, rules, validate, workflows
from .clock import from_db, to_db, with_times
from .db import Store, resolve_id, short_id
from .errors import BadInput, PermissionDenied
from .ids import uuid7
from .signals import get_signal

AUDIENCES = rules.AUDIENCES
#: Who acknowledges a report, by audience.
AUDIENCE_ROLES = workflows.AUDIENCE_ROLES


@dataclass(frozen=True)
class Scenario:
    """A realistic scenario in a signal report (at least one before it is issued, R7).

    Attributes:
        id: the scenario's id.
        description: what may happen.
        likelihood, indicators, actions: how likely, what would show it coming, what to do
            ('' when not given).
    """

    id: str
    description: str
    likelihood: str
    indicators: str
    actions: str


@dataclass(frozen=True)
class Acknowledgement:
    """A recipient's confirmation that they read an issued report.

    Attributes:
        actor: who (callsign).
        at: when (aware UTC).
    """

    actor: str
    at: datetime


@dataclass(frozen=True)
class SignalReport:
    """A proactive signal report of the information organisation (R7): a *duiding* and
    scenarios for line managers or the competent authority.

    Attributes:
        id: the report's id.
        title: its title.
        interpretation: its *duiding* ('' while a draft has none).
        created_at: when the draft was made (aware UTC).
        created_by: by whom (callsign).
        supersedes: the issued report it replaces, or None.
        superseded_by: the issued report that replaced it, or None.
        issued_at: when it was issued (aware UTC), or None for a draft.
        issued_by: who issued it, or None.
        audience: ``AUDIENCES``, or None for a draft.
        signals: the ids of the signals it draws on.
        scenarios: its scenarios.
        acknowledgements: the recipients who confirmed reading it.
    """

    id: str
    title: str
    interpretation: str
    created_at: datetime
    created_by: str
    supersedes: str | None
    superseded_by: str | None
    issued_at: datetime | None
    issued_by: str | None
    audience: str | None
    signals: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    acknowledgements: tuple[Acknowledgement, ...]

    @property
    def status(self) -> str:
        """``draft``, ``issued`` or ``superseded``."""
        if self.superseded_by:
            return "superseded"
        return "issued" if self.issued_at else "draft"


def _load(store: Store, report_id: str) -> SignalReport:
    row = store.one(
        "SELECT r.id, r.title, r.interpretation, r.created_at, r.created_by, r.supersedes,"
        " (SELECT n.id FROM signal_report n WHERE n.supersedes = r.id AND EXISTS (SELECT 1 FROM"
        "   report_event e WHERE e.report_id = n.id AND e.kind = 'issued')) AS superseded_by,"
        " i.at AS issued_at, i.actor AS issued_by, i.audience"
        " FROM signal_report r LEFT JOIN report_event i"
        "   ON i.report_id = r.id AND i.kind = 'issued' WHERE r.id = ?",
        (report_id,),
    )
    assert row is not None
    signals = tuple(
        r[0]
        for r in store.query(
            "SELECT signal_id FROM report_signal WHERE report_id = ? ORDER BY signal_id",
            (report_id,),
        )
    )
    scenarios = tuple(
        Scenario(**dict(r))
        for r in store.query(
            "SELECT id, description, likelihood, indicators, actions FROM report_scenario"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
    )
    acks = tuple(
        Acknowledgement(r["actor"], from_db(r["at"]))
        for r in store.query(
            "SELECT actor, at FROM report_event WHERE report_id = ? AND kind = 'acknowledged'"
            " ORDER BY at, id",
            (report_id,),
        )
    )
    data = with_times(row, "created_at", "issued_at")
    return SignalReport(**data, signals=signals, scenarios=scenarios, acknowledgements=acks)


def get_report(store: Store, report_id: str) -> SignalReport:
    """One signal report with its signals, scenarios and acknowledgements.

    Args:
        store: the open database.
        report_id: the report's id, or a unique prefix of at least 8 characters.

    Returns:
        The report (times aware UTC).

    Raises:
        NotFound: no report has that id.
        BadInput: the prefix matches more than one report.
        PermissionDenied: it is a draft and the acting person is not of the information
            organisation (may not ``intel.write``).
    """
    report = _load(store, resolve_id(store, "signal_report", report_id, "signal report"))
    if report.issued_at is None and not access.allowed(store.actor.role, "intel.write"):
        raise PermissionDenied(code="draft_report_hidden")
    return report


def list_reports(store: Store) -> list[SignalReport]:
    """Issued reports for everyone; drafts too for the information organisation.

    Args:
        store: the open database (its acting person decides whether drafts are shown).

    Returns:
        The reports, newest draft first (by when they were drafted, then id).
    """
    ids = [r[0] for r in store.query("SELECT id FROM signal_report ORDER BY created_at DESC, id")]
    reports = [_load(store, i) for i in ids]
    if access.allowed(store.actor.role, "intel.write"):
        return reports
    return [r for r in reports if r.issued_at]


def draft_report(
    store: Store,
    *,
    title: str,
    interpretation: str = "",
    signals: list[str] | None = None,
    supersedes: str | None = None,
) -> SignalReport:
    """Draft a signal report (R7), in one audited write (``intel.draft``).

    Args:
        store: the open database, acting as a person who may ``intel.write``.
        title: the report's title (not empty).
        interpretation: its *duiding*, or '' to add it later.
        signals: ids (or unique prefixes) of the signals it draws on; duplicates count once.
        supersedes: the id (or prefix) of the issued report it replaces, or None.

    Returns:
        The draft as stored.

    Raises:
        PermissionDenied: the acting person may not write reports, or may not see a signal.
        NotFound: no such signal or report.
        BadInput: an empty title, text too long, or superseding a report not yet issued.
    """
    report_id = uuid7()
    detail: dict[str, object] = {}
    with store.write("intel.draft", report_id, detail, require="intel.write") as conn:
        if validate.blank(validate.text(title, "title")):
            raise BadInput(code="report_needs_title")
        validate.text(interpretation, "interpretation")
        signal_ids = [get_signal(store, s).id for s in (signals or [])]
        detail["signals"] = len(signal_ids)
        replaced = None
        if supersedes:
            replaced = get_report(store, supersedes)
            refused = workflows.supersede_draft_refusal(replaced.issued_at is not None)
            if refused is not None:
                raise refused
        conn.execute(
            "INSERT INTO signal_report (id, title, interpretation, created_at, created_by,"
            " supersedes) VALUES (?, ?, ?, ?, ?, ?)",
            (
                report_id,
                title.strip(),
                interpretation.strip(),
                to_db(store.now()),
                store.actor.callsign,
                replaced.id if replaced else None,
            ),
        )
        conn.executemany(
            "INSERT INTO report_signal (report_id, signal_id) VALUES (?, ?)",
            [(report_id, s) for s in dict.fromkeys(signal_ids)],
        )
    return get_report(store, report_id)


def _draft(store: Store, report_id: str) -> SignalReport:
    """Inside an open write: the report, which must still be a draft."""
    access.require(store.actor, "intel.write")
    report = get_report(store, report_id)
    store.target(report.id)
    refused = workflows.report_issued_refusal(
        report.issued_at is not None, short_id(store, "signal_report", report.id)
    )
    if refused is not None:
        raise refused
    return report


def add_scenario(
    store: Store,
    report_id: str,
    *,
    description: str,
    likelihood: str = "",
    indicators: str = "",
    actions: str = "",
) -> SignalReport:
    """Add a realistic scenario to a draft report (R7), in one audited write (``intel.scenario``).

    Args:
        store: the open database, acting as a person who may ``intel.write``.
        report_id: the draft's id, or a unique prefix of at least 8 characters.
        description: what may happen (not empty).
        likelihood: how likely ('' when not given).
        indicators: what would show it coming ('' when not given).
        actions: what to do ('' when not given).

    Returns:
        The report with the new scenario.

    Raises:
        PermissionDenied: the acting person may not write reports.
        NotFound: no report has that id.
        BadInput: an empty description, text too long, or the report is issued
            (``report_issued``).
    """
    for value, what in (
        (description, "scenario"),
        (likelihood, "likelihood"),
        (indicators, "indicators"),
        (actions, "actions"),
    ):
        validate.text(value, what)
    with store.write("intel.scenario") as conn:
        report = _draft(store, report_id)
        if validate.blank(description):
            raise BadInput(code="scenario_needs_description")
        conn.execute(
            "INSERT INTO report_scenario (id, report_id, description, likelihood, indicators,"
            " actions) VALUES (?, ?, ?, ?, ?, ?)",
            (
                uuid7(),
                report.id,
                description.strip(),
                likelihood.strip(),
                indicators.strip(),
                actions.strip(),
            ),
        )
    return get_report(store, report.id)


def set_interpretation(store: Store, report_id: str, interpretation: str) -> SignalReport:
    """Set a draft report's *duiding*, in one audited write (``intel.interpretation``).

    Args:
        store: the open database, acting as a person who may ``intel.write``.
        report_id: the draft's id, or a unique prefix of at least 8 characters.
        interpretation: the *duiding* (replaces the one before; '' clears it).

    Returns:
        The report as stored.

    Raises:
        PermissionDenied: the acting person may not write reports.
        NotFound: no report has that id.
        BadInput: text too long, or the report is issued (``report_issued``).
    """
    validate.text(interpretation, "interpretation")
    with store.write("intel.interpretation") as conn:
        report = _draft(store, report_id)
        conn.execute(
            "UPDATE signal_report SET interpretation = ? WHERE id = ?",
            (interpretation.strip(), report.id),
        )
    return get_report(store, report.id)


def issue_report(store: Store, report_id: str, *, audience: str) -> SignalReport:
    """Issue to line managers or the competent authority: needs a duiding and a scenario (R7).

    One audited write (``intel.issue``); an issued report never changes again.

    Args:
        store: the open database, acting as a person who may ``intel.write``.
        report_id: the draft's id, or a unique prefix of at least 8 characters.
        audience: ``line_managers`` or ``authority`` (``AUDIENCES``).

    Returns:
        The issued report.

    Raises:
        PermissionDenied: the acting person may not write reports.
        NotFound: no report has that id.
        BadInput: an unknown audience, no duiding, no scenario, or already issued
            (``report_issued``).
    """
    with store.write("intel.issue", None, {"audience": audience}) as conn:
        report = _draft(store, report_id)
        if audience not in AUDIENCES:
            raise BadInput(
                code="unknown_audience", given=validate.shown(audience), choices=list(AUDIENCES)
            )
        refused = workflows.issue_refusal(report.interpretation, len(report.scenarios), report.id)
        if refused is not None:
            raise refused
        conn.execute(
            "INSERT INTO report_event (id, report_id, kind, at, actor, device, audience)"
            " VALUES (?, ?, 'issued', ?, ?, ?, ?)",
            (
                uuid7(),
                report.id,
                to_db(store.now()),
                store.actor.callsign,
                store.device_id,
                audience,
            ),
        )
    return get_report(store, report.id)


def acknowledge_report(store: Store, report_id: str) -> SignalReport:
    """A recipient confirms they have read the report, in one audited write (``intel.ack``).

    Args:
        store: the open database, acting as the recipient.
        report_id: the report's id, or a unique prefix of at least 8 characters.

    Returns:
        The report with the new acknowledgement.

    Raises:
        NotFound: no report has that id.
        PermissionDenied: the report is for another audience than the acting person's role
            (``AUDIENCE_ROLES``), or it is a draft the person may not see.
        BadInput: a draft, or already acknowledged by this person.
    """
    with store.write("intel.ack") as conn:
        report = get_report(store, report_id)
        store.target(report.id)
        actor = store.actor
        refused = workflows.acknowledge_refusal(
            report.audience,
            actor.callsign,
            actor.role,
            (a.actor for a in report.acknowledgements),
        )
        if refused is not None:
            raise refused
        conn.execute(
            "INSERT INTO report_event (id, report_id, kind, at, actor, device)"
            " VALUES (?, ?, 'acknowledged', ?, ?, ?)",
            (uuid7(), report.id, to_db(store.now()), actor.callsign, store.device_id),
        )
    return get_report(store, report.id)


def unacknowledged_count(store: Store) -> int:
    """Issued reports addressed to the acting person's role that they have not acknowledged.

    Args:
        store: the open database (its acting person).

    Returns:
        How many such reports are current (superseded ones do not count).
    """
    actor = store.actor
    count = 0
    for report in list_reports(store):
        if (
            report.audience
            and actor.role in AUDIENCE_ROLES[report.audience]
            and report.status == "issued"
            and all(a.actor != actor.callsign for a in report.acknowledgements)
        ):
            count += 1
    return count


class SignalGist(NamedTuple):
    """What a signal a report draws on is, in facts: for the report's document (words/intel).

    Attributes:
        category: its category code.
        person: the code name of its person, or "".
        raised_at: when it was raised (aware UTC).
        text: its text as raised.
    """

    category: str
    person: str
    raised_at: datetime
    text: str


def signal_gists(store: Store, report: SignalReport) -> dict[str, SignalGist]:
    """What each signal the report draws on is (its category, person, when it was raised and
    its text), for the document; one the acting person may not read, or that is not on this
    laptop, is left out (the document shows its id).

    Args:
        store: the open database (its acting person).
        report: the report, as read.

    Returns:
        Signal id → its gist.
    """
    gists = {}
    for signal_id in report.signals:
        try:
            found = get_signal(store, signal_id)
        except (BadInput, PermissionDenied):  # NotFound is a BadInput
            continue
        gists[signal_id] = SignalGist(
            found.category, found.person or "", found.raised_at, found.text
        )
    return gists
