"""``person experience|experiences|statement``: the protected person at the centre (issue 20).
Added to the ``person`` group (``cli.LAZY_SUBCOMMANDS``)."""

from __future__ import annotations

import click

from store import experience, statement
from store.clock import local_iso
from words import _

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


SUBCOMMANDS = [person_experience, person_experiences, person_statement]
