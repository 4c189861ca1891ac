"""A refusal's sentence filled in: its params said as people read them (lists joined, times
in local time). One function for every table of refusals (``words.errors``, ``words.person``);
it imports none of them, so each can use it at import time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from store.clock import told_apart

__all__ = ["joined", "template"]


def joined(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` ready for a sentence: each list (choices, forms, names) joined with commas
    and each time in local time (``2026-12-01 09:00``): the store gives lists as lists and
    times as aware UTC datetimes."""
    return {k: _said(v) for k, v in params.items()}


def _said(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, datetime):
        try:
            return told_apart(value)  # with its offset in the hour the clocks go back
        except (OverflowError, ValueError):  # past local time (datetime.max): as given
            return value.isoformat()
    return value


def template(text: str) -> Callable[[Mapping[str, Any]], str]:
    """A refusal's words from one sentence: ``params`` filled in as ``joined`` says them.

    Args:
        text: the sentence, already through ``_``, with ``{param}`` places.
    """
    return lambda params: text.format(**joined(params))
