"""One output module for every listing and report: table, csv, json, md; and the exit codes
(the one table from store error to exit code).

Commands turn records into plain dicts with snake_case keys (times already as ISO-8601 with the
Amsterdam offset) and hand them to ``emit``. stdout carries only data; messages go to stderr.
"""

from __future__ import annotations

import csv
import errno
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from store.errors import (
    BadInput,
    IntegrityFailure,
    MachineFault,
    PermissionDenied,
    StoreError,
)
from store.machine import write_private
from store.validate import markdown, visible
from words import _

from .context import Env
from .exits import ExitCode

if TYPE_CHECKING:
    from store.db import Store
from .jsonout import blob_refusal, json_text
from .params import OutputPath

FORMATS = ("table", "csv", "json", "md")
F = TypeVar("F", bound=Callable[..., Any])


#: The one table from store error class to exit code; the first class an error is an instance
#: of decides (NotFound and RuleViolation are BadInput: exit 2).
EXIT_CODES: tuple[tuple[type[StoreError], ExitCode], ...] = (
    (BadInput, ExitCode.BAD_INPUT),
    (PermissionDenied, ExitCode.DENIED),
    (IntegrityFailure, ExitCode.INTEGRITY),
    (MachineFault, ExitCode.MACHINE),
)


def exit_code(error: StoreError) -> ExitCode:
    """The exit code of a store error (an unknown kind of store error is a failure, exit 1)."""
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), ExitCode.FAILURE)


def output_options(func: F) -> F:
    """Add ``--format`` and ``-o/--output`` to a command that lists or reports."""
    func = click.option(
        "-o",
        "--output",
        "output",
        type=OutputPath("the output", as_text=True),
        help=_("Write to this file (a regular file or a new name) instead of standard output."),
    )(func)
    func = click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help=_("Output format."),
    )(func)
    return func


#: OWASP CSV injection: a cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _flat(value: Any) -> str:
    """A value flattened to one string for a table, CSV or Markdown cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(
            " ".join(str(v) for v in item.values() if v is not None)
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}={_flat(v)}" for k, v in value.items())
    return str(value)


def _cell(value: Any, fmt: str = "table") -> str:
    """A cell as text the format shows literally: control and bidi characters as ``\\uXXXX``
    everywhere; in CSV a text cell that a spreadsheet would run as a formula starts with
    ``'`` (numbers, by their type, never do); in Markdown ``|`` and markup are escaped."""
    flat = _flat(value)
    number = isinstance(value, int | float | Decimal)
    if fmt == "md" and not number:
        return markdown(flat)
    text = visible(flat)
    if fmt == "csv" and not number and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _pairs(key: str, value: Any, fmt: str) -> list[list[str]]:
    """One record's field as table rows: a list of records (an activity's corrections or
    restrictions) one row each, its field named on the first, each record's fields named
    ("reason: typo; old: …"), never hundreds of characters in one cell (fix17r)."""
    if not (isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value)):
        return [[_cell(key, fmt), _cell(value, fmt)]]
    return [
        [
            _cell(key, fmt) if n == 0 else "",
            _cell(
                "; ".join(f"{k}: {_flat(v)}" for k, v in item.items() if v not in (None, "")), fmt
            ),
        ]
        for n, item in enumerate(value)
    ]


def render(
    data: list[dict[str, Any]] | dict[str, Any],
    fmt: str,
    columns: Sequence[str] | None = None,
) -> str:
    """Render rows (a list) or one record (a dict) in a format; returns the text."""
    if fmt == "json":
        return json_text(data)
    if (refused := blob_refusal(data)) is not None:  # never b'…' in a cell
        raise refused
    single = isinstance(data, dict)
    rows: list[dict[str, Any]] = [data] if isinstance(data, dict) else data
    keys = list(columns) if columns else (list(rows[0]) if rows else [])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(keys)
        for row in rows:
            writer.writerow([_cell(row.get(k), fmt) for k in keys])
        return buffer.getvalue()
    from tabulate import tabulate  # imported here: only tables pay for it

    tablefmt = "github" if fmt == "md" else "simple"
    if single:
        pairs = [pair for k in keys for pair in _pairs(k, rows[0].get(k), fmt)]
        return (
            tabulate(pairs, headers=["field", "value"], tablefmt=tablefmt, disable_numparse=True)
            + "\n"
        )
    if not rows:
        return tabulate([], headers=keys, tablefmt=tablefmt) + "\n" if keys else ""
    table = [[_cell(row.get(k), fmt) for k in keys] for row in rows]
    return tabulate(table, headers=keys, tablefmt=tablefmt, disable_numparse=True) + "\n"


def emit(
    data: list[dict[str, Any]] | dict[str, Any],
    fmt: str,
    output: str | Path | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Write rendered data to stdout, or atomically to ``output``."""
    write_text(render(data, fmt, columns), output)


def output_fault(exc: OSError) -> MachineFault:
    """The refusal when standard output cannot be written (a full device, a closed pipe): the
    output failed, not the database (exit 6)."""
    reason = (exc.strerror or type(exc).__name__).lower()
    if exc.errno == errno.EPIPE:  # no room is missing: the reader went away
        return MachineFault(code="output_closed", reason=reason)
    return MachineFault(code="output_failed", reason=reason)


def write_text(text: str, output: str | Path | None = None) -> None:
    """Text to stdout, or to a file (0600) written under a temporary name and renamed, so a
    failure (a full disk) leaves neither a half-written file nor a temporary one. The file is
    never anything but a regular file or a new name, and never a file of the database."""
    if output is None:
        try:
            click.echo(text, nl=False)
        except OSError as exc:
            raise output_fault(exc) from None
        return
    ctx = click.get_current_context(silent=True)
    env = ctx.find_object(Env) if ctx else None
    write_private(output, text.encode("utf-8"), "the output", database=env.db_path if env else None)


def info(message: str, *, lines: bool = False) -> None:
    """A message for the person, on stderr (never mixed into data). A line break in it is
    written as ``\\u000a`` like any control character (a title's newline cannot start a fake
    ``Error:`` line), unless ``lines``: a message of several lines whose parts were escaped."""
    if quiet():
        return
    click.echo(visible(message, keep_newlines=lines), err=True)


def quiet() -> bool:
    """True when ``--quiet`` was given: no message for the person is written."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and bool(ctx.find_root().params.get("quiet"))


#: Ids already printed inside the transaction that wrote them (``creating``).
_ANNOUNCED: set[str] = set()


@contextmanager
def creating(store: Store) -> Iterator[None]:
    """Print the id of the record the block creates inside the transaction that writes it,
    just before its COMMIT (``Store.before_commit``): when stdout cannot take it (a full disk,
    a closed pipe) the record is rolled back and exit 6 means what it says, nothing was
    written, so a script that runs the command again makes one record, not two."""

    def announce(ids: tuple[str, ...]) -> None:
        try:
            for one in ids:
                click.echo(one)
            sys.stdout.flush()
        except OSError as exc:
            raise output_fault(exc) from None
        _ANNOUNCED.update(ids)

    store.before_commit = announce
    try:
        yield
    finally:
        store.before_commit = None


def created(record_id: str, message: str) -> None:
    """Report a new record: a sentence on stderr, the id alone on the last line of stdout
    (unless ``creating`` printed it already, inside its transaction)."""
    info(message)
    printed(record_id)


def printed(record_id: str) -> None:
    """The id of a record a command wrote, alone on a line of stdout, unless ``creating``
    printed it already inside the transaction that wrote it."""
    if record_id in _ANNOUNCED:
        return
    try:
        click.echo(record_id)
    except OSError as exc:
        raise output_fault(exc) from None
