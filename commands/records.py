"""Store records as the plain dicts every output format renders (no click here: the fast path of
scripted listings, ``fast.py``, shares them with the commands)."""

from __future__ import annotations

from store.clock import local_iso

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from store.gaps import Gap
    from store.subjects import Subject

SUBJECT_COLUMNS = ("code", "kind", "domain", "unit", "threat_level", "required_level", "package")


def subject_dict(subject: Subject) -> dict[str, Any]:
    """A protected subject as a listing shows it."""
    return {
        "code": subject.code,
        "kind": subject.kind,
        "domain": subject.domain,
        "unit": subject.unit,
        "threat_level": subject.threat_level,
        "required_level": subject.required_level,
        "package": subject.package,
    }


GAP_COLUMNS = (
    "start",
    "end",
    "unit",
    "qualification",
    "required",
    "available",
    "shortfall",
    "activities",
)


def gap_dicts(found: list[Gap]) -> list[dict[str, Any]]:
    """Gaps as ``gaps`` lists them; each moment is converted to Amsterdam time once (rows share
    edges)."""
    shown: dict[datetime, str] = {}

    def local(moment: datetime) -> str:
        text = shown.get(moment)
        if text is None:
            text = shown[moment] = str(local_iso(moment))
        return text

    return [
        {
            "start": local(gap.start),
            "end": local(gap.end),
            "unit": gap.unit,
            "qualification": gap.qualification,
            "required": gap.required,
            "available": gap.available,
            "shortfall": gap.shortfall,
            "activities": list(gap.activities),
            "posts": list(gap.posts),
        }
        for gap in found
    ]
