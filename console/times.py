"""Times at the console's edge: any moment a record carries (an aware ``datetime``, or ISO text
in UTC or with an offset) shown in Europe/Amsterdam, ``2026-11-28 14:00`` or ``14:00``."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from store.clock import local_text


def at(value: datetime | str | None, *, date: bool = True) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return _local(value, date)


@lru_cache(maxsize=8192)
def _local(value: datetime, date: bool) -> str:
    """A moment as local text, once per moment: the rows of a load share their times (a day's
    2,400 activities on the large set start and end at a few hundred moments, issue 18)."""
    return local_text(value, with_date=date)
