"""Times at the console's edge: a moment a record carries (an aware ``datetime``; records carry
no time as text) shown in Europe/Amsterdam, ``2026-11-28 14:00`` or ``14:00``."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime, timedelta
from functools import lru_cache

from store.clock import local_text, told_apart
from store.validate import EARLIEST_DAY, LATEST_DAY


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


def step_day(day: Date, step: int) -> tuple[Date, str | None]:
    """The day ``step`` days from ``day``, kept within the days a time may fall on (1970-01-01
    to 2099-12-31: the command line refuses the others), and the notice to show when the step
    stopped at an end of them (None when it did not)."""
    from words import _

    wanted = day + timedelta(days=step)
    if EARLIEST_DAY <= wanted <= LATEST_DAY:
        return wanted, None
    end = LATEST_DAY if step > 0 else EARLIEST_DAY
    return end, _("Days run from {first} to {last}; {end} is the {which} one.").format(
        first=EARLIEST_DAY.isoformat(),
        last=LATEST_DAY.isoformat(),
        end=end.isoformat(),
        which=_("last") if step > 0 else _("first"),
    )
