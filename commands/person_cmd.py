"""``person experience|experiences|statement|household``: the protected person at the centre
(issue 20).
Added to the ``person`` group (``cli.LAZY_SUBCOMMANDS``)."""

from __future__ import annotations

import click

from store import care, experience, statement
from store.clock import local_iso
from words import _
from words.care import RELATIONS

from .context import Env, pass_env
from .jsonout import json_text
from .output import created, creating, emit, output_options, write_text
from .params import OutputPath

EXPERIENCE_COLUMNS = ("id", "recorded_at", "recorded_by", "activity", "week", "weight", "text")


@click.command("experience")
@click.argument("code")
@click.option("--activity", "activity_id", help=_("The activity it concerns (id or prefix)."))
@click.option("--week", help=_("The ISO week it concerns, YYYY-Www (default: this week)."))
@click.option(
    "--weight",
    type=click.Choice(experience.WEIGHTS),
    required=True,
    help=_("How heavily it weighed."),
)
@click.option(
    "--text", required=True, help=_("What the person said (how it weighed, what was missed).")
)
@pass_env
def person_experience(
    env: Env, code: str, activity_id: str | None, week: str | None, weight: str, text: str
) -> None:
    """Record how the protection weighed on the person, per activity or per week."""
    if activity_id is not None and week is not None:
        raise click.UsageError(_("Give --activity or --week, not both."))
    store = env.store()
    with creating(store):
        entry = experience.record_experience(
            store, code, weight=weight, text=text, activity_id=activity_id, week=week
        )
    said = (
        _("Recorded {person}'s experience of activity {about} ({weight}).")
        if entry.activity_id
        else _("Recorded {person}'s experience of week {about} ({weight}).")
    )
    about = entry.activity_id or entry.week
    created(entry.id, said.format(person=entry.person, about=about, weight=entry.weight))


@click.command("experiences")
@click.argument("code")
@click.option("--week", help=_("Only entries of this ISO week, YYYY-Www."))
@output_options
@pass_env
def person_experiences(env: Env, code: str, week: str | None, fmt: str, output: str | None) -> None:
    """The person's experience entries, newest first (shift leaders and admins)."""
    entries = experience.list_experiences(env.store(), code, week=week)
    rows = [
        {
            "id": e.id,
            "recorded_at": local_iso(e.recorded_at),
            "recorded_by": e.recorded_by,
            "activity": e.activity_id,
            "week": e.week,
            "weight": e.weight,
            "text": e.text,
        }
        for e in entries
    ]
    emit(rows, fmt, output, EXPERIENCE_COLUMNS)


@click.command("statement")
@click.argument("code")
@click.option("--week", required=True, help=_("The ISO week, YYYY-Www (Europe/Amsterdam)."))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(("md", "html", "json")),
    default="md",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=OutputPath("the output", as_text=True),
    help=_("Write to this file (a regular file or a new name) instead of standard output."),
)
@pass_env
def person_statement(env: Env, code: str, week: str, fmt: str, output: str | None) -> None:
    """The person's own week: requested and facilitated, minutes moved, cancellations by
    reason, work and private apart, what changed and why. No officers, staffing or signals."""
    from words import statement as words

    found = statement.weekly_statement(env.store(), code, week)
    if fmt == "json":
        text = json_text(words.as_json(found))
    elif fmt == "html":
        text = words.as_html(found)
    else:
        text = words.as_markdown(found)
    write_text(text, output)


HOUSEHOLD_COLUMNS = ("member", "relation", "added_at", "added_by", "ended_at", "ended_by")


@click.command("household")
@click.argument("code")
@click.option(
    "--add",
    "relation",
    type=click.Choice(care.RELATIONS),
    help=_("Record a partner or child (by code, no name); prints the member's code."),
)
@click.option("--end", "member", help=_("End this member (no longer in the household)."))
@output_options
@pass_env
def person_household(
    env: Env, code: str, relation: str | None, member: str | None, fmt: str, output: str | None
) -> None:
    """The person's household by code: list it, add a partner or child, end a member
    (nothing is deleted). Shift leaders, planners and admins."""
    if relation is not None and member is not None:
        raise click.UsageError(_("Give --add or --end, not both."))
    store = env.store()
    if relation is not None:
        added = care.add_member(store, code, relation)
        created(added.code, _("Recorded {member} ({relation}).").format(
            member=added.code, relation=RELATIONS.get(added.relation, added.relation)))  # fmt: skip
        return
    if member is not None:
        ended = care.end_member(store, code, member)
        created(ended.code, _("Ended {member}.").format(member=ended.code))
        return
    rows = [
        {
            "member": m.code,
            "relation": m.relation,
            "added_at": local_iso(m.added_at),
            "added_by": m.added_by,
            "ended_at": local_iso(m.ended_at),
            "ended_by": m.ended_by,
        }
        for m in care.list_members(store, code)
    ]
    emit(rows, fmt, output, HOUSEHOLD_COLUMNS)


SUBCOMMANDS = [person_experience, person_experiences, person_statement, person_household]
