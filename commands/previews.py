"""``threat assess --preview``: what an assessment would change, as one report (issue 20).

The store's ``preview.preview_assessment`` decides; this module only shapes it for the four
formats: one object with the subject before and after, the officer-hours needed in the window,
the units that would go short, and the activities and posts that would fall below.
"""

from __future__ import annotations

from typing import Any

from store.clock import local_iso
from store.db import Store
from store.preview import preview_assessment


def assessment_preview(
    store: Store, code: str, level: int, domain: str | None, summary: str = ""
) -> dict[str, Any]:
    """The preview of ``threat assess CODE --level N`` as the report's one object.

    Args:
        store: the open database.
        code: the subject's code name.
        level: the threat level previewed.
        domain: the domain previewed, or None to keep it.
        summary: the summary, checked as the real assessment checks it.

    Returns:
        The report: ``subject``, ``level``/``required_level``/``package`` as ``before → after``
        pairs, ``from``/``to`` (the window, local time), ``hours_needed`` (officer-hours),
        ``units_short`` (unit codes), ``falling`` (one object per activity or post) and
        ``units`` (per unit: demand and shortfall hours before and after).

    Raises:
        StoreError: what ``preview_assessment`` raises.
    """
    seen = preview_assessment(store, code, level=level, domain=domain, summary=summary)
    before, after = seen.before, seen.after
    return {
        "subject": before.code,
        "level_before": before.threat_level,
        "level_after": after.threat_level,
        "required_level_before": before.required_level,
        "required_level_after": after.required_level,
        "package_before": before.package,
        "package_after": after.package,
        "from": local_iso(seen.start),
        "to": local_iso(seen.end),
        "hours_needed": seen.hours_needed,
        "units_short": list(seen.units_short),
        "falling": [
            {
                "kind": f.kind,
                "id": f.id,
                "start": local_iso(f.start),
                "end": local_iso(f.end),
                "concept": f.concept,
                "reason": f.reason,
            }
            for f in seen.falling
        ],
        "units": [
            {
                "unit": u.unit,
                "demand_before": u.demand_before,
                "demand_after": u.demand_after,
                "shortfall_before": u.shortfall_before,
                "shortfall_after": u.shortfall_after,
            }
            for u in seen.units
            if (u.demand_before, u.shortfall_before) != (u.demand_after, u.shortfall_after)
        ],
    }
