"""Why the judge held a change back, as a fact: a code and its params.

A quarantined or deferred change keeps its reason (``sync_quarantine.reason``,
``sync_deferred.reason``) as canonical JSON text, ``{"code": ..., "params": {...}}``: the same
change judged on any laptop keeps the same text, so reasons compare and count as text, and the
faces word them (``words/quarantine.py``). A reason kept before reasons were facts is English
text; it is read as the code ``""`` with the text as its ``text`` param, and shown as it is.
Its times (``TIMES``, and the values of time fields, ``…_at``, that a reason names) are kept
as stored UTC text and read back as aware UTC datetimes, so no face reads stored text;
``Reason.as_dict`` writes them as text again.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clock import json_times, utc_text

#: Values a reason names are kept up to this many characters (the rest as "…").
LIMIT = 40
#: The params that are times (kept as stored UTC text, read as aware UTC datetimes).
TIMES = ("stamped", "changed", "moved_to")
#: The params that are a bundle's value, a time when it is stored UTC text (``dated_ahead``,
#: ``restricted_into_past``, ``done_before_end`` …): said in Amsterdam time (rev14m F4).
VALUE_TIMES = ("dated", "to", "end")


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
        """The reason as JSON values: ``{"code": ..., "params": {...}}`` (times as stored UTC
        text, as kept).

        Returns:
            ``{"code": code, "params": {…}}``, a copy of the params, times as stored UTC text.
        """
        return {"code": self.code, "params": json_times(dict(self.params))}


def from_dict(kept: Mapping[str, Any]) -> Reason:
    """A reason as JSON carries it (``Reason.as_dict``: in a signed handover, a finding, a
    receipt, another reason) read back as ``read`` reads it.

    Args:
        kept: ``{"code": ..., "params": {...}}``.

    Returns:
        The reason, its times as aware UTC datetimes.
    """
    return Reason(str(kept.get("code", "")), _with_times(dict(kept.get("params") or {})))


def _with_times(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with its times (``TIMES``) as aware UTC datetimes (one not readable as a
    stored time, or None, as it is)."""
    for name in TIMES:
        found = params.get(name)
        if isinstance(found, str):
            with contextlib.suppress(ValueError):
                params[name] = utc_text(found)
    for name in VALUE_TIMES:  # a bundle's value a reason names: a time when it reads as one
        if name in params:
            params[name] = _time_or_text(params[name])
    if str(params.get("column", "")).endswith("_at"):  # a time field's value (``together``)
        params["value"] = _time_or_text(params.get("value"))
    stood = params.get("stood")  # the fields read with it, as they stood (``together``)
    if isinstance(stood, dict):
        params["stood"] = {
            name: _time_or_text(value) if str(name).endswith("_at") else value
            for name, value in stood.items()
        }
    inner = params.get("facts")  # a store refusal's facts (``judge_plans.refusal_facts``)
    if isinstance(inner, dict):  # nested too: a deployment refusal's problems and their params
        params["facts"] = _times_within(inner)
    return params


def _times_within(value: object) -> Any:
    """``_time_or_text`` of every value inside dicts and lists."""
    if isinstance(value, dict):
        return {name: _times_within(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_times_within(inner) for inner in value]
    return _time_or_text(value)


#: A time as the store keeps it (``clock.to_db``).
STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
#: A time as a value check's refusal was kept before rev14m (Python's ``str`` of a UTC time).
_PYTHON_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00")


def _time_or_text(value: object) -> object:
    """A store refusal's fact: its times (kept as stored UTC text) as the store gave them,
    aware UTC datetimes; any other value as it is."""
    if isinstance(value, str) and STORED_TIME.fullmatch(value):
        with contextlib.suppress(ValueError):
            return utc_text(value)
    if isinstance(value, str) and _PYTHON_TIME.fullmatch(value):  # kept so before rev14m
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    return value


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
            return Reason(str(found["code"]), _with_times(found["params"]))
    return Reason("", {"text": kept})
