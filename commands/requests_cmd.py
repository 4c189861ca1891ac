"""``activity request|answer|requests``: requested activities, assessed at once and answered
(issue 20, *wat kan wél?*). Added to the ``activity`` group (``cli.LAZY_SUBCOMMANDS``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from store import requests
from store.clock import local_iso, local_text
from store.errors import BadInput
from store.rules import RESTRICTION_REASONS
from store.validate import visible
from words import _
from words.person import VERDICTS, option_cost, option_text, option_why

from .agenda_cmd import new_activity_options
from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, render
from .params import WholeParam

REQUEST_COLUMNS = (
    "id",
    "person",
    "title",
    "kind",
    "start",
    "end",
    "verdict",
    "state",
    "answer",
    "answered_by",
    "waiting_minutes",
)


def _option_dict(n: int, option: requests.RequestOption) -> dict[str, Any]:
    return {
        "n": n,
        "action": option.action,
        "option": option_text(option),
        "cost": option_cost(option),
        "feasible": requests.coverable(option),
        "reason": option_why(option),
    }


def request_dict(item: requests.Request, now: datetime) -> dict[str, Any]:
    """A request as its listing and JSON show it."""
    return {
        "id": item.id,
        "person": item.person,
        "title": item.title,
        "kind": item.kind,
        "start": local_iso(item.start),
        "end": local_iso(item.end),
        "location": item.location,
        "concept": item.concept,
        "verdict": item.verdict,
        "state": "answered" if item.answer else "open",
        "requested_at": local_iso(item.requested_at),
        "requested_by": item.requested_by,
        "answer": item.answer,
        "option": item.option,
        "activity": item.activity_id,
        "reason": item.reason,
        "authority": item.authority,
        "answered_at": local_iso(item.answered_at),
        "answered_by": item.answered_by,
        "waiting_minutes": int(item.waiting(now).total_seconds() // 60),
        "options": [_option_dict(n, o) for n, o in enumerate(item.options, start=1)],
    }


@click.command("request")
@new_activity_options("Security concept asked for (the assessment keeps R1).")
@pass_env
def activity_request(
    env: Env,
    person: str,
    title: str,
    start: datetime,
    end: datetime,
    location: str,
    kind: str,
    concept: str | None,
) -> None:
    """Record an activity the person asks for and assess it at once: feasible as asked, with
    changes (another concept, time or officers, never below the level), or not now (why, and
    the nearest options). The assessment goes to stderr and the request's id alone to stdout;
    `activity requests --format json` has the options, `activity answer ID --accept N`
    carries one out."""
    store = env.store()
    with creating(store):
        item = requests.request_activity(
            store,
            person=person,
            title=title,
            start=start,
            end=end,
            location=location,
            kind=kind,
            concept=concept,
        )
    table = render(
        [_option_dict(n, o) for n, o in enumerate(item.options, start=1)],
        "table",
        ("n", "action", "option", "cost", "feasible", "reason"),
    )
    info(table.rstrip("\n"), lines=True)
    created(
        item.id,
        _("Request '{title}' for {person} on {start}: {verdict}.").format(
            title=visible(item.title),
            person=item.person,
            start=local_text(item.start),
            verdict=VERDICTS[item.verdict],
        ),
    )


@click.command("answer")
@click.argument("request_id")
@click.option(
    "--accept", "accept", type=WholeParam(1, 999, digits_only=True), help=_("Accept option N.")
)
@click.option("--refuse", is_flag=True, help=_("Refuse the request (a restriction, R5)."))
@click.option("--reason", type=click.Choice(RESTRICTION_REASONS), help=_("Why it is refused."))
@click.option("--authority", help=_("The deciding authority of a refusal (R5)."))
@pass_env
def activity_answer(
    env: Env,
    request_id: str,
    accept: int | None,
    refuse: bool,
    reason: str | None,
    authority: str | None,
) -> None:
    """Answer a request: --accept N plans option N of its assessment (every rule checked
    again); --refuse --reason R --authority A records the refusal as a restriction (R5)."""
    if accept is not None and refuse:
        raise BadInput(code="answer_accept_and_refuse")
    if accept is None and not refuse:
        raise BadInput(code="answer_neither")
    if refuse and (reason is None or authority is None):
        raise BadInput(code="answer_refusal_without_decision")
    if accept is not None and (reason is not None or authority is not None):
        raise BadInput(code="answer_decision_without_refusal")
    store = env.store()
    with creating(store):
        item = requests.answer_request(
            store, request_id, accept=accept, refuse=refuse, reason=reason, authority=authority
        )
    minutes = int(item.waiting(store.clock.now()).total_seconds() // 60)
    if item.answer == "accepted":
        message = _("Accepted option {option}: planned as activity {activity}").format(
            option=item.option, activity=item.activity_id
        )
    else:
        message = _("Refused ({reason}, decided by {authority})").format(
            reason=item.reason, authority=visible(item.authority or "")
        )
    info(
        _("{answer}; the request waited {minutes} min for its answer.").format(
            answer=message, minutes=minutes
        )
    )


@click.command("requests")
@click.option("--person", help=_("Only this subject."))
@click.option("--open", "only_open", is_flag=True, help=_("Only requests not yet answered."))
@click.option("--answered", "only_answered", is_flag=True, help=_("Only answered requests."))
@output_options
@pass_env
def activity_requests(
    env: Env,
    person: str | None,
    only_open: bool,
    only_answered: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Requests, open and answered, with their waiting time (request to answer, or to now)."""
    if only_open and only_answered:
        raise BadInput(code="requests_open_and_answered")
    state = "open" if only_open else "answered" if only_answered else None
    store = env.store()
    now = store.clock.now()
    rows = [request_dict(r, now) for r in requests.list_requests(store, person=person, state=state)]
    if fmt != "json":
        for row in rows:
            row.pop("options")
    emit(rows, fmt, output, REQUEST_COLUMNS)


SUBCOMMANDS = [activity_request, activity_answer, activity_requests]
