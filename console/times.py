"""Times at the console's edge: a moment a record carries (an aware ``datetime``; records carry
no time as text) shown in Europe/Amsterdam, ``2026-11-28 14:00`` or ``14:00``."""

from __future__ import annotations

from datetime import datetime

from store.clock import local_text


def at(value: datetime | None, *, date: bool = True) -> str:
    """``value`` in Europe/Amsterdam (with its date unless ``date`` is False); "" for None."""
    return "" if value is None else local_text(value, with_date=date)
