"""Times at the console's edge: a moment a record carries (an aware ``datetime``; records carry
no time as text) shown in Europe/Amsterdam, ``2026-11-28 14:00`` or ``14:00``."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from store.clock import local_text, told_apart


def at(value: datetime | None, *, date: bool = True) -> str:
    """``value`` in Europe/Amsterdam (with its date unless ``date`` is False); "" for None."""
    return "" if value is None else _local(value, date)


@lru_cache(maxsize=8192)
def _local(value: datetime, date: bool) -> str:
    """A moment as local text, once per moment: the rows of a load share their times (a day's
    2,400 activities on the large set start and end at a few hundred moments, issue 18)."""
    return local_text(value, with_date=date)


def told(value: datetime) -> str:
    """``value`` in Europe/Amsterdam with its date, and its offset when the wall-clock time
    occurs twice (the autumn night's repeated hour): ``2027-10-31 02:30+01:00`` is not
    ``2027-10-31 02:30+02:00``. For what a person reads about one record (a toast)."""
    return told_apart(value)
