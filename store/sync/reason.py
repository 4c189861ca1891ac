"""Why the judge held a change back, as a fact: a code and its params.

A quarantined or deferred change keeps its reason (``sync_quarantine.reason``,
``sync_deferred.reason``) as canonical JSON text, ``{"code": ..., "params": {...}}``: the same
change judged on any laptop keeps the same text, so reasons compare and count as text, and the
faces word them (``words/quarantine.py``). A reason kept before reasons were facts is English
text; it is read as the code ``""`` with the text as its ``text`` param, and shown as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

#: Values a reason names are kept up to this many characters (the rest as "…").
LIMIT = 40


def fact(code: str, **params: Any) -> str:
    """A reason as it is kept: canonical JSON text of its code and params.

    Args:
        code: why (a key of ``words.quarantine.REASONS``).
        **params: the facts its words are made of (JSON values; values a bundle carried cut
            to ``LIMIT`` characters by ``value``).

    Returns:
        The text kept.
    """
    return json.dumps(
        {"code": code, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def value(found: object, limit: int = LIMIT) -> object:
    """A value a bundle carried, as a reason names it: numbers and None as they are, anything
    else as text cut to ``limit`` characters (the words make control characters visible).

    Args:
        found: the value.
        limit: the most characters kept.

    Returns:
        ``found`` itself for None and numbers; else text of at most ``limit`` characters, with ``…``
        when cut.
    """
    if found is None or type(found) in (int, float, bool):
        return found
    text = found if isinstance(found, str) else repr(found)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Reason:
    """A reason read back: its code ("" for English text kept before reasons were facts) and
    params (the old text as ``text``)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The reason as JSON values: ``{"code": ..., "params": {...}}``.

        Returns:
            ``{"code": code, "params": {…}}``, a copy of the params.
        """
        return {"code": self.code, "params": dict(self.params)}


def read(text: object) -> Reason:
    """A kept reason as its code and params.

    Args:
        text: the reason as kept (canonical JSON, or English text of an older version).

    Returns:
        The ``Reason``; an older version's English text comes back as code ``""`` with the text in
        ``params["text"]``.
    """
    kept = str(text or "")
    if kept.startswith('{"code":'):
        try:
            found = json.loads(kept)
        except ValueError:
            found = None
        if isinstance(found, dict) and isinstance(found.get("params"), dict):
            return Reason(str(found["code"]), found["params"])
    return Reason("", {"text": kept})
