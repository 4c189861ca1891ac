"""Click parameter types for times and dates typed in Europe/Amsterdam.

A value that cannot be used raises the store's ``BadInput``, so the person sees one sentence
naming the option (exit 2), exactly like every other refusal.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from store import validate
from store.clock import SystemClock, day_bounds, parse_date, parse_time
from store.errors import BadInput
from store.machine import check_target
from store.validate import shown
from words import _

from .context import Env


def _clock(ctx: click.Context | None) -> Any:
    env = ctx.find_object(Env) if ctx else None
    return env.command_clock() if env else SystemClock()


def _name(param: click.Parameter | None) -> str:
    return param.opts[0] if param is not None and param.opts else "time"


def _for_option(param: click.Parameter | None, exc: BadInput) -> BadInput:
    """The store's refusal of an option's value, named by the option: its code and facts kept
    (``option_value``, worded by words/errors from the store's own code)."""
    return BadInput(
        code="option_value",
        option=_name(param),
        error=exc.code,
        facts=dict(exc.params),
    )


class TimeParam(click.ParamType):
    """``YYYY-MM-DD HH:MM`` (Amsterdam), ``today HH:MM``, or ISO-8601 with an offset."""

    name = "time"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(str(value), _clock(ctx))
        except BadInput as exc:
            raise _for_option(param, exc) from None


class DateParam(click.ParamType):
    """``YYYY-MM-DD``, ``today``, ``tomorrow``."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value), _clock(ctx))
        except BadInput as exc:
            raise _for_option(param, exc) from None


class NumberParam(click.ParamType):
    """A finite number between ``low`` and ``high`` (NaN and infinities refused), typed in
    ASCII digits; a refusal shows it as typed."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return validate.number(value, _name(param), low=self.low, high=self.high)
        return validate.number_text(str(value), _name(param), low=self.low, high=self.high)


class TenthsParam(NumberParam):
    """A number with at most one decimal (an FTE), read exactly from the text typed
    (``validate.tenths_text``): a float would take ``0.49999999999999999999`` as 0.5."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return validate.tenths_text(str(value), _name(param), low=self.low, high=self.high)


class WholeParam(click.ParamType):
    """A whole number between ``low`` and ``high`` typed in ASCII digits (click's ``INT``
    would take ``١٠``, ``１０`` and ``1_0``); a refusal shows it as typed."""

    name = "integer"

    def __init__(self, low: int, high: int, *, digits_only: bool = False) -> None:
        self.low, self.high, self.digits_only = low, high, digits_only

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return validate.integer(value, _name(param), low=self.low, high=self.high)
        if self.digits_only:  # a level is written as the catalogue lists it
            return validate.plain_whole_text(str(value), _name(param), low=self.low, high=self.high)
        return validate.whole_text(str(value), _name(param), low=self.low, high=self.high)


class InputPath(click.Path):
    """A file (or, with ``dir_okay``, a folder) that exists and is read: a regular file, never
    a pipe or a device, whose reading would wait for ever or never end."""

    def __init__(self, *, dir_okay: bool = False) -> None:
        super().__init__(exists=True, dir_okay=dir_okay, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        if not (path.is_file() or (self.dir_okay and path.is_dir())):
            self.fail(
                _("{given} is not a regular file.").format(given=shown(str(value))), param, ctx
            )
        return path


class OutputPath(click.ParamType):
    """A file Schildwacht is to write (``-o``, ``--out``, ``backup FILE``), checked when the
    command line is read, before anything is done: a regular file or a new name, never a
    link, a device, a FIFO, a folder or a file of the database in use (``check_target``)."""

    name = "file"

    def __init__(self, what: str, *, as_text: bool = False) -> None:
        self.what, self.as_text = what, as_text

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        env = ctx.find_object(Env) if ctx else None
        try:
            path = check_target(
                os.fsdecode(value), self.what, database=env.db_path if env else None
            )
        except BadInput as exc:
            if not isinstance(param, click.Option):
                raise
            raise _for_option(param, exc) from None
        return str(path) if self.as_text else path


TIME = TimeParam()
DATE = DateParam()


def resolve_window(
    env: Env, day: date | None, start: datetime | None, end: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """``--date D`` or ``--from T --to T`` (never both) as a UTC window; a period given
    with both ends must end after it starts (``checked_period``)."""
    if day is not None and (start or end):
        raise BadInput(code="date_and_window")
    if day is not None:
        return day_bounds(day)
    if start is not None and end is not None:
        checked_period(start, end)
    return start, end


def checked_period(
    start: datetime, end: datetime, *, given: tuple[bool, bool] = (True, True)
) -> tuple[datetime, datetime]:
    """The one check of every command's period (``--from``/``--to``, after any default is
    filled in; ``given`` says which end the person typed): it ends after it starts, else
    exit 2 with a sentence that names the wrong end."""
    return validate.period(start, end, names=("--from", "--to"), given=given)
