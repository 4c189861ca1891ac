"""Times at the console's edge: any moment a record carries (an aware ``datetime``, or ISO text
in UTC or with an offset) shown in Europe/Amsterdam, ``2026-11-28 14:00`` or ``14:00``."""

from __future__ import annotations

from datetime import datetime

from store.clock import local_text


def at(value: datetime | str | None, *, date: bool = True) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return local_text(value, with_date=date)
