"""``post list|options|assign``: standing posts on objects and services, and re-planning them
when their subject's required level rose above their concept (``gaps`` names how many)."""

from __future__ import annotations

from datetime import date, datetime

import click

from store import posts
from store.clock import local_iso
from words import _
from words.errors import concept_why

from .context import Env, pass_env
from .output import creating, emit, info, output_options, printed
from .params import DATE, TIME, resolve_window

POST_COLUMNS = ("id", "person", "concept", "level", "required", "start", "end", "replan")


@click.group()
def post() -> None:
    """Standing posts on objects and services: list them, re-plan them."""


@post.command("list")
@click.option("--person", help=_("Only this subject's posts."))
@click.option("--below", is_flag=True, help=_("Only the posts that need re-planning (R1)."))
@click.option("--date", "day", type=DATE)
@click.option("--from", "start", type=TIME)
@click.option("--to", "end", type=TIME)
@output_options
@pass_env
def post_list(
    env: Env,
    person: str | None,
    below: bool,
    day: date | None,
    start: datetime | None,
    end: datetime | None,
    fmt: str,
    output: str | None,
) -> None:
    """List standing posts; `replan` says which are below their subject's required level."""
    first, last = resolve_window(env, day, start, end)
    found = posts.list_posts(env.store(), subject=person, start=first, end=last, below=below)
    rows = [
        {
            "id": p.id,
            "person": p.subject,
            "concept": p.concept,
            "level": p.concept_level,
            "required": p.required_level or "",
            "start": local_iso(p.start_at),
            "end": local_iso(p.end_at),
            "replan": p.needs_replanning,
        }
        for p in found
    ]
    emit(rows, fmt, output, POST_COLUMNS)


@post.command("options")
@click.argument("post_id")
@output_options
@pass_env
def post_options(env: Env, post_id: str, fmt: str, output: str | None) -> None:
    """Which concepts may go on this standing post, and why the others may not."""
    rows = [
        {
            "concept": o.code,
            "level": o.level,
            "valid": o.valid,
            "reason": concept_why(o.why, o.params) if o.why else "",
        }
        for o in posts.post_concept_options(env.store(), post_id)
    ]
    emit(rows, fmt, output, ("concept", "level", "valid", "reason"))


@post.command("assign")
@click.argument("post_id")
@click.argument("concept")
@pass_env
def post_assign(env: Env, post_id: str, concept: str) -> None:
    """Put another concept on a standing post (R1, R3, R4), e.g. to re-plan it."""
    with creating(env.store()):
        done = posts.assign_post_concept(env.store(), post_id, concept)
    info(
        _("{concept} ({level}) on the standing post of {person}, {start}–{end}.").format(
            concept=done.concept,
            level=done.concept_level,
            person=done.subject,
            start=local_iso(done.start_at),
            end=local_iso(done.end_at),
        )
    )
    printed(done.id)


COMMANDS = [post]
