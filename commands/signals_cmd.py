"""``signal …`` and ``intel …``: signals to the information organisation, and signal reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from store import intel, signals
from store.clock import local_iso
from words import _
from words import access as access_words
from words.intel import report_markdown, who_has_it

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, printed, write_text
from .params import TIME

SIGNAL_COLUMNS = (
    "id",
    "raised_at",
    "observed_at",
    "reporter",
    "category",
    "urgency",
    "tlp",
    "person",
    "status",
    "outcome",
)


def signal_dict(signal: signals.Signal, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": signal.id,
        "raised_at": local_iso(signal.raised_at),
        "observed_at": local_iso(signal.observed_at),
        "reporter": signal.reporter
        if not signal.signed_by
        else f"{signal.reporter} via {signal.signed_by}",
        "signed_by": signal.signed_by,
        "category": signal.category,
        "urgency": signal.urgency,
        "tlp": signal.tlp,
        "person": signal.person,
        "status": signal.status,
        "outcome": signal.outcome,
        "sightings": signal.sightings,
    }
    if full:
        data.update(
            {
                "text": signal.text,
                "location": signal.location,
                "activity": signal.activity_id,
                "requests_assessment": signal.requests_assessment,
                "interpretation": signal.interpretation,
                "events": [
                    {
                        "at": local_iso(e.at),
                        "actor": e.actor,
                        "kind": e.kind,
                        "note": e.note,
                        "outcome": e.outcome,
                        "sighting": e.sighting,
                    }
                    for e in signal.events
                ],
            }
        )
    return data


def _done(signal: signals.Signal, message: str) -> None:
    info(message)
    printed(signal.id)


@click.group()
def signal() -> None:
    """Signals: anyone raises; the information organisation follows them up (R7)."""


@signal.command("raise")
@click.argument("text")
@click.option("--category", type=click.Choice(signals.CATEGORIES), required=True)
@click.option("--urgency", type=click.Choice(signals.URGENCIES), required=True)
@click.option(
    "--tlp",
    type=click.Choice(signals.TLPS),
    required=True,
    help=_("TLP 2.0 classification; red is seen only by you and the information organisation."),
)
@click.option("--person", help=_("Code name concerned."))
@click.option("--activity", "activity_id", help=_("Activity concerned."))
@click.option("--location", default="")
@click.option("--observed", type=TIME, help=_("When it was seen (default: now)."))
@click.option(
    "--request-assessment", is_flag=True, help=_("Ask for a new threat assessment of the person.")
)
@pass_env
def signal_raise(
    env: Env,
    text: str,
    category: str,
    urgency: str,
    tlp: str,
    person: str | None,
    activity_id: str | None,
    location: str,
    observed: datetime | None,
    request_assessment: bool,
) -> None:
    """Raise a signal about something suspicious."""
    with creating(env.store()):
        made = signals.raise_signal(
            env.store(),
            text,
            category=category,
            urgency=urgency,
            tlp=tlp,
            person=person,
            activity=activity_id,
            location=location,
            observed_at=observed,
            requests_assessment=request_assessment,
        )
    who = who_has_it(signals.reaches_with_export(env.store()), "schildwacht sync export")
    created(
        made.id,
        _("Signal raised ({urgency}, TLP:{tlp}); {who}").format(
            urgency=made.urgency, tlp=made.tlp.upper(), who=who
        ),
    )


@signal.command("list")
@click.option("--mine", is_flag=True, help=_("Only signals I raised."))
@click.option("--status", type=click.Choice(signals.STATUSES))
@click.option("--open", "open_only", is_flag=True, help=_("Only signals not yet closed."))
@click.option("--person")
@output_options
@pass_env
def signal_list(
    env: Env,
    mine: bool,
    status: str | None,
    open_only: bool,
    person: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Signals you may see, most urgent first."""
    rows = [
        signal_dict(s)
        for s in signals.list_signals(
            env.store(), mine=mine, status=status, open_only=open_only, person=person
        )
    ]
    emit(rows, fmt, output, (*SIGNAL_COLUMNS, "sightings"))


@signal.command("show")
@click.argument("signal_id")
@output_options
@pass_env
def signal_show(env: Env, signal_id: str, fmt: str, output: str | None) -> None:
    """One signal with its history."""
    emit(signal_dict(signals.get_signal(env.store(), signal_id), full=True), fmt, output)


@signal.command("receive")
@click.argument("signal_id")
@pass_env
def signal_receive(env: Env, signal_id: str) -> None:
    """Information organisation: receive a submitted signal."""
    with creating(env.store()):
        _done(signals.receive_signal(env.store(), signal_id), _("Signal received."))


@signal.command("follow-up")
@click.argument("signal_id")
@click.option("--note", default="")
@pass_env
def signal_follow_up(env: Env, signal_id: str, note: str) -> None:
    """Information organisation: record follow-up."""
    with creating(env.store()):
        _done(signals.follow_up_signal(env.store(), signal_id, note), _("Follow-up recorded."))


@signal.command("interpret")
@click.argument("signal_id")
@click.option("--text", required=True, help=_("The duiding: what the signal means."))
@pass_env
def signal_interpret(env: Env, signal_id: str, text: str) -> None:
    """Information organisation: give the signal its meaning (duiding)."""
    with creating(env.store()):
        _done(signals.interpret_signal(env.store(), signal_id, text), _("Duiding recorded."))


@signal.command("close")
@click.argument("signal_id")
@click.option("--outcome", type=click.Choice(signals.OUTCOMES), required=True)
@click.option("--note", default="")
@pass_env
def signal_close(env: Env, signal_id: str, outcome: str, note: str) -> None:
    """Information organisation: close with an outcome the reporter sees."""
    with creating(env.store()):
        _done(
            signals.close_signal(env.store(), signal_id, outcome, note),
            _("Signal closed: {outcome}.").format(outcome=outcome),
        )


@signal.command("sight")
@click.argument("signal_id")
@click.option("--type", "sighting", type=click.Choice(signals.SIGHTINGS), required=True)
@click.option("--note", default="")
@pass_env
def signal_sight(env: Env, signal_id: str, sighting: str, note: str) -> None:
    """Add a sighting to another officer's signal."""
    with creating(env.store()):
        made = signals.sight_signal(env.store(), signal_id, sighting, note)
    _done(
        made,
        _("Sighting added ({sighting}); {n} in all.").format(sighting=sighting, n=made.sightings),
    )


REPORT_COLUMNS = (
    "id",
    "title",
    "status",
    "audience",
    "issued_at",
    "issued_by",
    "signals",
    "scenarios",
    "acknowledged",
)


def report_dict(report: intel.SignalReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "title": report.title,
        "status": report.status,
        "interpretation": report.interpretation,
        "audience": report.audience,
        "created_at": local_iso(report.created_at),
        "created_by": report.created_by,
        "issued_at": local_iso(report.issued_at),
        "issued_by": report.issued_by,
        "supersedes": report.supersedes,
        "superseded_by": report.superseded_by,
        "signals": list(report.signals),
        "scenarios": [
            {
                "description": s.description,
                "likelihood": s.likelihood,
                "indicators": s.indicators,
                "actions": s.actions,
            }
            for s in report.scenarios
        ],
        "acknowledged": [
            {"actor": a.actor, "at": local_iso(a.at)} for a in report.acknowledgements
        ],
    }


@click.group(name="intel")
def intel_group() -> None:
    """Proactive signal reports of the information organisation."""


@intel_group.command("draft")
@click.option("--title", required=True)
@click.option("--interpretation", default="", help=_("The duiding."))
@click.option("--signal", "signal_ids", multiple=True, help=_("A signal it builds on (repeat)."))
@click.option("--supersedes", help=_("Id of the issued report this one replaces."))
@pass_env
def intel_draft(
    env: Env, title: str, interpretation: str, signal_ids: tuple[str, ...], supersedes: str | None
) -> None:
    """Draft a signal report."""
    with creating(env.store()):
        report = intel.draft_report(
            env.store(),
            title=title,
            interpretation=interpretation,
            signals=list(signal_ids),
            supersedes=supersedes,
        )
    created(report.id, _("Drafted '{title}'.").format(title=report.title))


@intel_group.command("scenario")
@click.argument("report_id")
@click.option("--text", required=True, help=_("What could happen."))
@click.option("--likelihood", default="")
@click.option("--indicators", default="")
@click.option("--actions", default="", help=_("Suggested courses of action."))
@pass_env
def intel_scenario(
    env: Env, report_id: str, text: str, likelihood: str, indicators: str, actions: str
) -> None:
    """Add a realistic scenario to a draft report."""
    with creating(env.store()):
        report = intel.add_scenario(
            env.store(),
            report_id,
            description=text,
            likelihood=likelihood,
            indicators=indicators,
            actions=actions,
        )
    info(_("Scenario added; {n} in all.").format(n=len(report.scenarios)))
    printed(report.id)


@intel_group.command("interpret")
@click.argument("report_id")
@click.option("--text", required=True)
@pass_env
def intel_interpret(env: Env, report_id: str, text: str) -> None:
    """Set the duiding of a draft report."""
    with creating(env.store()):
        report = intel.set_interpretation(env.store(), report_id, text)
    info(_("Duiding set."))
    printed(report.id)


@intel_group.command("issue")
@click.argument("report_id")
@click.option("--audience", type=click.Choice(intel.AUDIENCES), required=True)
@pass_env
def intel_issue(env: Env, report_id: str, audience: str) -> None:
    """Issue a report (needs a duiding and at least one scenario)."""
    with creating(env.store()):
        report = intel.issue_report(env.store(), report_id, audience=audience)
    info(_("Issued to {audience}.").format(audience=access_words.audience(audience)))
    printed(report.id)


@intel_group.command("ack")
@click.argument("report_id")
@pass_env
def intel_ack(env: Env, report_id: str) -> None:
    """Acknowledge an issued report addressed to you."""
    with creating(env.store()):
        report = intel.acknowledge_report(env.store(), report_id)
    info(_("Acknowledged."))
    printed(report.id)


@intel_group.command("list")
@output_options
@pass_env
def intel_list(env: Env, fmt: str, output: str | None) -> None:
    """Signal reports you may see."""
    rows = [report_dict(r) for r in intel.list_reports(env.store())]
    for row in rows:
        row["signals"] = len(row["signals"])
        row["scenarios"] = len(row["scenarios"])
        row["acknowledged"] = len(row["acknowledged"])
    emit(rows, fmt, output, REPORT_COLUMNS)


@intel_group.command("show")
@click.argument("report_id")
@output_options
@pass_env
def intel_show(env: Env, report_id: str, fmt: str, output: str | None) -> None:
    """One report; --format md gives the readable document."""
    report = intel.get_report(env.store(), report_id)
    if fmt == "md":  # its signals by what they are (category, person, raised), not raw ids
        write_text(report_markdown(report, intel.signal_gists(env.store(), report)), output)
        return
    emit(report_dict(report), fmt, output)


COMMANDS = [signal, intel_group]
