"""What a person should know about an import, as a fact: a code and its params.

The receipt of an import (``receipt.Receipt``) lists its warnings, alarms and gaps as
``Notice`` records; the store never words them. ``words/receipts.py`` holds one sentence per
code, for the command line and the console alike, and the JSON receipt carries the code and
the params as they are (``Notice.as_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notice:
    """One warning, alarm or gap of an import's receipt.

    Attributes:
        code: what happened (a key of ``words.receipts.SENTENCES``).
        params: the facts its words are made of: labels and numbers, aware UTC
            ``datetime``s for times, lists of names; JSON values apart from the times.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The notice as JSON values: ``{"code": ..., **params}`` (times as UTC ISO text).

        Returns:
            ``code`` and each param as JSON carries it: datetimes (also inside lists and mappings)
            as ISO text ending in ``Z`` when UTC, everything else as it is.
        """
        return {"code": self.code, **{k: _json(v) for k, v in self.params.items()}}


def notice(code: str, **params: Any) -> Notice:
    """A notice of ``code`` with ``params`` (keyword arguments read as the facts).

    Args:
        code: what happened (a key of ``words.receipts.SENTENCES``).
        **params: the facts its words are made of.

    Returns:
        The notice.
    """
    return Notice(code, params)


def _json(value: Any) -> Any:
    """A param as JSON carries it: times as UTC ISO text, inside lists and mappings too."""
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value
