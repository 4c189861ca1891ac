"""Store records as the plain dicts every output format renders (no click here: the fast path of
scripted listings, ``fast.py``, shares them with the commands)."""

from __future__ import annotations

from store.subjects import Subject

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Any

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
