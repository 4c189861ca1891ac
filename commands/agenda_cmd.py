"""``activity add|list|show|edit|assign|restrict|import-ics|restrictions``: the agenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from store import agenda
from store import ics_bounds as ics_limits
from store.clock import local_iso, local_span, local_text
from store.validate import visible
from words import _
from words.errors import concept_why

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, printed
from .params import DATE, TIME, InputPath, WholeParam, resolve_window

ACTIVITY_COLUMNS = (
    "id",
    "person",
    "title",
    "kind",
    "start",
    "end",
    "location",
    "status",
    "concept",
    "required_level",
    "concept_level",
    "replan",
)


def activity_dict(activity: agenda.Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "person": activity.person,
        "title": activity.title,
        "kind": activity.kind,
        "start": local_iso(activity.start_at),
        "end": local_iso(activity.end_at),
        "location": activity.location,
        "status": activity.status,
        "concept": activity.concept,
        "required_level": activity.required_level,
        "concept_level": activity.concept_level,
        "replan": activity.replan_reason,
    }


@click.group()
def activity() -> None:
    """The protected person's agenda: activities, concepts, restrictions."""


F = TypeVar("F", bound=Callable[..., Any])


def new_activity_options(concept_help: str) -> Callable[[F], F]:
    """The options that describe a new activity (``activity add`` and ``activity request``)."""

    def wrap(command: F) -> F:
        for option in reversed(
            (
                click.option(
                    "--person", required=True, help=_("Code name of the protected subject.")
                ),
                click.option("--title", required=True),
                click.option(
                    "--start",
                    type=TIME,
                    required=True,
                    help=_("YYYY-MM-DD HH:MM (Amsterdam) or ISO."),
                ),
                click.option("--end", type=TIME, required=True),
                click.option("--location", default=""),
                click.option(
                    "--kind", type=click.Choice(agenda.KINDS), default="work", show_default=True
                ),
                click.option("--concept", help=concept_help),
            )
        ):
            command = option(command)
        return command

    return wrap


@activity.command("add")
@new_activity_options("Security concept (must meet the required level, R1).")
@pass_env
def activity_add(
    env: Env,
    person: str,
    title: str,
    start: datetime,
    end: datetime,
    location: str,
    kind: str,
    concept: str | None,
) -> None:
    """Add an activity to a protected person's agenda."""
    with creating(env.store()):
        item = agenda.add_activity(
            env.store(),
            person=person,
            title=title,
            start=start,
            end=end,
            location=location,
            kind=kind,
            concept=concept,
        )
    said = (
        _("Added '{title}' for {person} on {start} with {concept}.")
        if item.concept
        else _("Added '{title}' for {person} on {start} (no concept yet).")
    )
    created(
        item.id,
        said.format(
            title=item.title,
            person=item.person,
            start=local_text(item.start_at),
            concept=item.concept,
        ),
    )


@activity.command("list")
@click.option("--person", help=_("Only this subject."))
@click.option("--unit", help=_("Only subjects of this unit (an unknown unit is an error, exit 2)."))
@click.option("--date", "day", type=DATE, help=_("One local day: YYYY-MM-DD, today, tomorrow."))
@click.option("--from", "start", type=TIME, help=_("From this time."))
@click.option("--to", "end", type=TIME, help=_("Until this time."))
@click.option("--replan", is_flag=True, help=_("Only activities that need re-planning."))
@output_options
@pass_env
def activity_list(
    env: Env,
    person: str | None,
    unit: str | None,
    day: date | None,
    start: datetime | None,
    end: datetime | None,
    replan: bool,
    fmt: str,
    output: str | None,
) -> None:
    """List the agenda, with required and concept levels side by side."""
    window = resolve_window(env, day, start, end)
    items = agenda.list_activities(
        env.store(), person=person, unit=unit, start=window[0], end=window[1], replan_only=replan
    )
    emit([activity_dict(a) for a in items], fmt, output, ACTIVITY_COLUMNS)


@activity.command("show")
@click.argument("activity_id")
@output_options
@pass_env
def activity_show(env: Env, activity_id: str, fmt: str, output: str | None) -> None:
    """Show one activity with its restrictions."""
    from store.signers import Signers  # who recorded a received restriction, and where
    from words.calendar import restriction_note  # only this view words restriction notes

    store = env.store()
    item = agenda.get_activity(store, activity_id)
    data = activity_dict(item)
    signers = Signers(store)
    data["restrictions"] = [
        {
            "kind": r.kind,
            "reason": r.reason,
            "authority": r.authority,
            "note": restriction_note(r.authority, r.note),
            "recorded_at": local_iso(r.recorded_at),
            "recorded_by": signers.shown(r.recorded_by, r.device),
        }
        for r in agenda.list_restrictions(store, item.id)
    ]
    data["corrections"] = [
        {
            "reason": c.reason,
            "old": _time_and_place(c.old_start_at, c.old_end_at, c.old_location),
            "new": _time_and_place(c.new_start_at, c.new_end_at, c.new_location),
            "recorded_at": local_iso(c.recorded_at),
            "recorded_by": signers.shown(c.recorded_by, c.device),
        }
        for c in agenda.list_corrections(store, item.id)
    ]
    from store import staffing  # only this view needs the deployed group
    from words.deployments import phrase

    data["staffing_open"] = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, item.id)
    ]
    emit(data, fmt, output)


def _time_and_place(start: datetime, end: datetime, location: str) -> str:
    """``2026-12-01 09:30–12:00 Rechtbank`` (``clock.local_span``: the end's date too when it is
    after the next midnight; seconds when a time has them, so a correction of seconds is not
    shown as no change, rev16o)."""
    return f"{local_span(start, end)} {location}".rstrip()


@activity.command("edit")
@click.argument("activity_id")
@click.option("--title")
@click.option("--start", type=TIME)
@click.option("--end", type=TIME)
@click.option("--location")
@click.option("--kind", type=click.Choice(agenda.KINDS))
@click.option("--status", type=click.Choice(agenda.PLAIN_STATUSES))
@click.option(
    "--correction",
    metavar="REASON",
    help=_("The agenda was wrong: correct its time or place, recorded with this reason."),
)
@pass_env
def activity_edit(
    env: Env,
    activity_id: str,
    title: str | None,
    start: datetime | None,
    end: datetime | None,
    location: str | None,
    kind: str | None,
    status: str | None,
    correction: str | None,
) -> None:
    """Change an activity. Moving it (time, length, place) is a restriction: use restrict, or
    --correction REASON when the agenda was simply wrong. Cancel only with restrict; done only
    once it has ended."""
    before = agenda.get_activity(env.store(), activity_id) if correction is not None else None
    with creating(env.store()):
        item = agenda.edit_activity(
            env.store(),
            activity_id,
            title=title,
            start=start,
            end=end,
            location=location,
            kind=kind,
            status=status,
            correction=correction,
        )
    corrected = before is not None and _place_and_time(before) != _place_and_time(item)
    said = (
        _("Corrected '{title}' for {person}.")  # the console's word (rev16o)
        if corrected
        else _("Updated '{title}' for {person}.")
    )
    info(said.format(title=item.title, person=item.person))
    if before is not None and not corrected:
        info(_("Note: no time or place changed; the correction reason was not needed."))
    _double_booked(env, item.id)
    printed(item.id)


def _place_and_time(item: agenda.Activity) -> tuple[datetime, datetime, str]:
    return item.start_at, item.end_at, item.location


def _double_booked(env: Env, activity_id: str) -> None:
    """Warn of officers the change left deployed on two activities at once, or with too
    little time to travel (not refused: R5 may move an activity; ``gaps --violations`` lists
    them)."""
    from store.roster import move_problems
    from words.deployments import move_warning

    for problem in move_problems(env.store(), [activity_id]):
        info(move_warning(problem.facts()))


@activity.command("assign")
@click.argument("activity_id")
@click.argument("concept")
@pass_env
def activity_assign(env: Env, activity_id: str, concept: str) -> None:
    """Put a security concept on an activity (R1, R3, R4)."""
    with creating(env.store()):
        item = agenda.assign_concept(env.store(), activity_id, concept)
    info(
        _("{concept} ({level}) on '{title}' for {person}, who requires {required}.").format(
            concept=item.concept,
            level=item.concept_level,
            title=item.title,
            person=item.person,
            required=item.required_level,
        )
    )
    printed(item.id)


@activity.command("options")
@click.argument("activity_id")
@output_options
@pass_env
def activity_options(env: Env, activity_id: str, fmt: str, output: str | None) -> None:
    """Which concepts may go on this activity, and why the others may not (the person's
    level and package, and the officers deployed on it, judged as ``activity assign`` does)."""
    store = env.store()
    options = agenda.activity_concept_options(store, activity_id)
    rows = [
        {
            "concept": o.code,
            "level": o.level,
            "valid": o.valid,
            "reason": concept_why(o.why, o.params) if o.why else "",
        }
        for o in options
    ]
    emit(rows, fmt, output, ("concept", "level", "valid", "reason"))


@activity.command("restrict")
@click.argument("activity_id")
@click.option("--kind", type=click.Choice(agenda.RESTRICTION_KINDS), required=True)
@click.option("--reason", type=click.Choice(agenda.RESTRICTION_REASONS), required=True)
@click.option("--authority", required=True, help=_("The deciding authority, e.g. 'OvJ Havenstad'."))
@click.option("--note", default="")
@click.option("--start", type=TIME, help=_("New start (moved, shortened)."))
@click.option("--end", type=TIME, help=_("New end (moved, shortened)."))
@click.option("--location", help=_("New place (relocated)."))
@pass_env
def activity_restrict(
    env: Env,
    activity_id: str,
    kind: str,
    reason: str,
    authority: str,
    note: str,
    start: datetime | None,
    end: datetime | None,
    location: str | None,
) -> None:
    """Record a facilitation restriction (R5); never lowers protection."""
    with creating(env.store()):
        record = agenda.restrict_activity(
            env.store(),
            activity_id,
            kind=kind,
            reason=reason,
            authority=authority,
            note=note,
            new_start=start,
            new_end=end,
            new_location=location,
        )
    created(
        record.id,
        _("Recorded: activity {kind} ({reason}), decided by {authority}.").format(
            kind=kind, reason=reason, authority=authority
        ),
    )
    _double_booked(env, record.activity_id)


@activity.command("restrictions")
@click.option("--person", help=_("Only this subject."))
@output_options
@pass_env
def activity_restrictions(env: Env, person: str | None, fmt: str, output: str | None) -> None:
    """How often each subject's activities were restricted, per reason."""
    rows = agenda.restriction_counts(env.store(), person=person)
    emit(rows, fmt, output, ("person", "capacity", "threat", "tbp_choice", "total"))


@activity.command("import-ics")
@click.argument("file", type=InputPath())
@click.option("--person", required=True, help=_("Code name of the protected subject."))
@click.option("--from", "first", type=DATE, help=_("First day of the window (default: today)."))
@click.option("--to", "last", type=DATE, help=_("Last day of the window (inclusive)."))
@click.option(
    "--days",
    type=WholeParam(1, ics_limits.MAX_DAYS),
    help=_("Days in the window from --from (default {default}, at most {most}).").format(
        default=ics_limits.DEFAULT_DAYS, most=ics_limits.MAX_DAYS
    ),
)
@click.option(
    "--max-occurrences",
    type=WholeParam(1, ics_limits.MAX_MAX_OCCURRENCES),
    default=ics_limits.DEFAULT_MAX_OCCURRENCES,
    show_default=True,
    help=_("Refuse a file that yields more occurrences than this in the window."),
)
@click.option(
    "--calendar",
    metavar="NAME",
    help=_(
        "Which of the person's calendars the file is (default: its X-WR-RELCALID or "
        "X-WR-CALNAME). Only this calendar's events missing from the file are removed."
    ),
)
@output_options
@pass_env
def activity_import_ics(
    env: Env,
    file: Path,
    person: str,
    first: date | None,
    last: date | None,
    days: int | None,
    max_occurrences: int,
    calendar: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Import an iCalendar agenda for the window (idempotent by UID and RECURRENCE-ID; a newer
    version by SEQUENCE, then LAST-MODIFIED/DTSTAMP, updates). Events of the same calendar gone
    from the file inside the window are cancelled as removed; an event cancelled by the
    calendar that is back is reinstated."""
    from store.ics import import_ics  # icalendar is loaded only for this command

    result = import_ics(
        env.store(),
        file,
        person=person,
        start=first,
        end=last,
        days=days,
        max_occurrences=max_occurrences,
        calendar=calendar,
    )
    from words.calendar import warning
    from words.deployments import double_booked_warning

    for notice in result.warnings:
        if notice.code == "calendar_double_booked":  # as an edit's or a restriction's
            info(visible(double_booked_warning(notice.params)))
        else:
            info(_("Warning: {warning}").format(warning=visible(warning(notice))))
    last_moment = result.window[1] - timedelta(seconds=1)
    window = f"{local_text(result.window[0])[:10]} – {local_text(last_moment)[:10]}"
    source = (
        _("calendar '{calendar}'").format(calendar=visible(result.calendar))
        if result.calendar is not None
        else _("no calendar named (--calendar), so events not in the file are kept")
    )
    info(
        _(
            "{file} ({window}, {source}): {added} added, {updated} updated, {cancelled} "
            "cancelled, {removed} removed from the calendar, {reinstated} reinstated, "
            "{unchanged} unchanged; {replan} need re-planning."
        ).format(
            file=visible(file.name),
            window=window,
            source=source,
            added=result.added,
            updated=result.updated,
            cancelled=result.cancelled,
            removed=result.removed,
            reinstated=result.reinstated,
            unchanged=result.unchanged,
            replan=len(result.replan),
        )
    )
    emit(
        [
            {
                "id": i.activity_id,
                "uid": i.uid,
                "recurrence": i.recurrence,
                "action": i.action,
                "title": i.title,
                "start": local_iso(i.start),
            }
            for i in result.items
        ],
        fmt,
        output,
        ("id", "action", "start", "title", "uid", "recurrence"),
    )


COMMANDS = [activity]
