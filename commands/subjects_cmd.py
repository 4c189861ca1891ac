"""``person add|list|show`` and ``threat assess|explain``: protected subjects by code name."""

from __future__ import annotations

from typing import Any

import click

from store.agenda import replanned
from store.clock import local_iso
from store.errors import BadInput
from store.machine import CHAIN_TABLES
from store.posts import list_posts
from store.rules import DOMAINS
from store.rules import SUBJECT_KINDS as KINDS
from store.subjects import (
    MAX_LEVEL,
    add_subject,
    assess_threat,
    explain_threat,
    get_subject,
    list_subjects,
)
from words import _, counts

from .context import Env, pass_env
from .output import created, creating, emit, output_options
from .params import WholeParam
from .records import SUBJECT_COLUMNS, subject_dict


@click.group()
def person() -> None:
    """Protected subjects (persons, objects, services), by code name."""


@person.command("add")
@click.argument("code")
@click.option("--kind", type=click.Choice(KINDS), default="person", show_default=True)
@click.option(
    "--domain",
    type=click.Choice(DOMAINS),
    required=True,
    help=_("local (prosecutor, mayor) or national (NCTV)."),
)
@click.option("--unit", required=True, help=_("Responsible unit code, e.g. RT."))
@pass_env
def person_add(env: Env, code: str, kind: str, domain: str, unit: str) -> None:
    """Add a protected subject by code name."""
    with creating(env.store()):
        subject = add_subject(env.store(), code, kind=kind, domain=domain, unit=unit)
    created(
        subject.id,
        _("Added {kind} {code} ({unit}, {domain}).").format(
            kind=subject.kind, code=subject.code, unit=subject.unit, domain=subject.domain
        ),
    )


@person.command("list")
@click.option("--unit", help=_("Only this unit."))
@click.option("--kind", type=click.Choice(KINDS), help=_("Only this kind."))
@output_options
@pass_env
def person_list(env: Env, unit: str | None, kind: str | None, fmt: str, output: str | None) -> None:
    """List protected subjects with their threat level, required resistance and package."""
    rows = [subject_dict(s) for s in list_subjects(env.store(), unit=unit, kind=kind)]
    emit(rows, fmt, output, SUBJECT_COLUMNS)


@person.command("show")
@click.argument("code")
@output_options
@pass_env
def person_show(env: Env, code: str, fmt: str, output: str | None) -> None:
    """Show one protected subject."""
    store = env.store()
    store.refuse_damaged_tables(CHAIN_TABLES)  # a level shown is read from them (rev14t H4)
    emit(subject_dict(get_subject(store, code)), fmt, output)


@click.group()
def threat() -> None:
    """Threat assessments: threat level → required resistance → package (R2)."""


@threat.command("assess")
@click.argument("code")
@click.option(
    "--level",
    type=WholeParam(0, MAX_LEVEL, digits_only=True),
    required=True,
    help=_("Threat level (see catalogue threat-levels)."),
)
@click.option("--domain", type=click.Choice(DOMAINS), help=_("Change the subject's domain."))
@click.option("--summary", default="", help=_("A short summary of the assessment."))
@click.option(
    "--preview",
    is_flag=True,
    help=_(
        "Record nothing: show which activities would fall below the level, the officer-hours "
        "needed over the next 7 days and which units would go short."
    ),
)
@output_options
@pass_env
def threat_assess(
    env: Env,
    code: str,
    level: int,
    domain: str | None,
    summary: str,
    preview: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Record a threat assessment; protection follows from it deterministically."""
    store = env.store()
    if preview:
        from .previews import assessment_preview

        emit(assessment_preview(store, code, level, domain, summary), fmt, output)
        return
    for option in ("fmt", "output"):  # a report's options mean nothing to a recording
        source = click.get_current_context().get_parameter_source(option)
        if source is not click.core.ParameterSource.DEFAULT:
            shown = "--format" if option == "fmt" else "--output"
            raise BadInput(code="option_without_change", option=shown, needs="--preview")
    with creating(store):
        assessment = assess_threat(store, code, level=level, domain=domain, summary=summary)
    subject_id = get_subject(store, code).id  # those not yet ended: an ended one is not re-planned
    replan = [r for r in replanned(store, start=store.now()) if r.subject_id == subject_id]
    message = _("{subject}: threat level {level} → {required}, package {package}.").format(
        subject=assessment.subject,
        level=assessment.level,
        required=assessment.required_level,
        package=assessment.package,
    )
    if replan:
        message += " " + counts.replan_needed(len(replan))
    posts = list_posts(store, subject=assessment.subject, start=store.now(), below=True)
    if posts:
        message += " " + counts.posts_to_replan(len(posts))
    created(assessment.id, message)


@threat.command("explain")
@click.argument("code")
@output_options
@pass_env
def threat_explain(env: Env, code: str, fmt: str, output: str | None) -> None:
    """Show why a subject has the protection it has."""
    from store.signers import Signers  # who assessed a received assessment, and where

    store = env.store()
    exp = explain_threat(store, code)
    signers = Signers(store)
    data: dict[str, Any] = {
        **subject_dict(exp.subject),
        "assessed_at": local_iso(exp.assessment.assessed_at) if exp.assessment else None,
        "assessed_by": (
            signers.shown(exp.assessment.assessed_by, exp.assessment.device)
            if exp.assessment
            else None
        ),
        "summary": exp.assessment.summary if exp.assessment else None,
        "rule": (
            f"threat level {exp.rule.level} ({exp.rule.label}) → {exp.rule.resistance_level} → "
            f"{exp.rule.package}"
            if exp.rule
            else "no threat assessment yet: no protection derived"
        ),
        "package_concepts": list(exp.package.concepts) if exp.package else [],
        "care_modules": list(exp.package.care_modules) if exp.package else [],
        "history": [
            {
                "level": a.level,
                "assessed_at": local_iso(a.assessed_at),
                "assessed_by": signers.shown(a.assessed_by, a.device),
            }
            for a in exp.history
        ],
        "activities_to_replan": list(exp.activities_to_replan),
    }
    emit(data, fmt, output)


COMMANDS = [person, threat]
