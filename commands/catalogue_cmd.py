"""``catalogue units|levels|packages|concepts|qualifications``: the reference catalogue."""

from __future__ import annotations

from typing import Any

import click

from store import catalogue as cat

from .context import Env, pass_env
from .output import emit, output_options

ITEMS = ("units", "levels", "packages", "concepts", "qualifications", "threat-levels")


def catalogue_rows(env: Env, item: str) -> list[dict[str, Any]]:
    store = env.store()
    if item == "units":
        return [
            {"code": u.code, "name": u.name, "organisation": u.organisation}
            for u in cat.list_units(store)
        ]
    if item == "levels":
        return [
            {"code": lv.code, "rank": lv.rank, "label": lv.label} for lv in cat.list_levels(store)
        ]
    if item == "packages":
        return [
            {
                "code": p.code,
                "name": p.name,
                "level": p.level,
                "concepts": list(p.concepts),
                "care_modules": list(p.care_modules),
            }
            for p in cat.list_packages(store)
        ]
    if item == "concepts":
        return [
            {
                "code": c.code,
                "name": c.name,
                "level": c.level,
                "pilot": c.pilot,
                "staffing": [
                    {"qualification": s.qualification, "count": s.count} for s in c.staffing
                ],
                "pilot_scope": list(c.pilot_units + c.pilot_packages),
            }
            for c in cat.list_concepts(store)
        ]
    if item == "qualifications":
        return [{"code": q.code, "name": q.name} for q in cat.list_qualifications(store)]
    return [
        {
            "level": r.level,
            "label": r.label,
            "required_level": r.resistance_level,
            "package": r.package,
        }
        for r in cat.list_threat_rules(store)
    ]


@click.command()
@click.argument("item", type=click.Choice(ITEMS))
@output_options
@pass_env
def catalogue(env: Env, item: str, fmt: str, output: str | None) -> None:
    """The reference catalogue: units, levels, packages, concepts, qualifications, threat-levels."""
    emit(catalogue_rows(env, item), fmt, output)


COMMANDS = [catalogue]
