"""The ``schildwacht`` command: global options, error handling, and the command groups.

Store errors become one plain sentence on stderr and the exit code of their class;
a traceback only with ``--debug``. ``schildwacht`` alone opens the console; textual is imported
only then, so scripted commands start fast.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import sys
from typing import Any

import click

from store.errors import StoreError
from store.machine import machine_fault
from store.validate import not_text, shown, visible
from words import _

from .context import Env, default_db_path
from .output import ExitCode, exit_code, output_fault
from .refusals import refusal

#: Command name → module that defines it. Modules are imported only when their command runs
#: (or help lists it), so a scripted command loads only what it needs.
LAZY_COMMANDS = {
    "init": "setup_cmds",
    "demo": "setup_cmds",
    "db": "setup_cmds",
    "catalogue": "catalogue_cmd",
    "person": "subjects_cmd",
    "care": "care_cmd",
    "threat": "subjects_cmd",
    "staff": "staff_cmd",
    "activity": "agenda_cmd",
    "log": "log_cmd",
    "capacity": "reports_cmd",
    "signal": "signals_cmd",
    "intel": "signals_cmd",
    "shift": "roster_cmd",
    "deploy": "roster_cmd",
    "gaps": "gaps_cmd",
    "post": "post_cmd",
    "suggest": "roster_cmd",
    "handover": "handover_cmd",
    "decision": "governance_cmd",
    "audit": "governance_cmd",
    "backup": "governance_cmd",
    "sync": "sync_cmd",
    "team": "sync_cmd",
    "device": "sync_cmd",
}

#: Group name → modules whose ``SUBCOMMANDS`` are added to that group when it is loaded (a group
#: whose subcommands several modules define: issue 20's requests and the person's records).
LAZY_SUBCOMMANDS = {
    "activity": ("requests_cmd",),
    "person": ("person_cmd",),
}


#: What the operating system says of a path with a NUL character (only a test or a program
#: calling the CLI in-process can pass one; a shell cannot).
NUL_IN_PATH = "embedded null byte"
NUL_SENTENCE = _("A path contains a NUL character; remove it.")


#: The commands whose help ``worded`` has put through the translation function already.
_WORDED: set[click.Command] = set()


def worded(command: click.Command) -> click.Command:
    """The command, its help and its subcommands' in the person's language, once: a command's
    docstring is its ``--help`` (click's way), so here, as the command is loaded, that text goes
    through ``_()`` as every other word of the command line does. The message id is the
    docstring as click shows it (``inspect.cleandoc``; ``pygettext -D`` extracts docstrings).

    Args:
        command: a command or group, as its module defines it.

    Returns:
        The same command.
    """
    waiting = [command]
    while waiting:
        found = waiting.pop()
        if found in _WORDED:
            continue
        _WORDED.add(found)
        if found.help:
            found.help = _(inspect.cleandoc(found.help))
        if found.short_help:
            found.short_help = _(found.short_help)
        if isinstance(found, click.Group):
            waiting.extend(found.commands.values())
    return command


class SchildwachtGroup(click.Group):
    """The root group: loads command modules lazily; maps store errors to exit codes and plain
    sentences."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = LAZY_COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        import importlib

        module = importlib.import_module(f"commands.{module_name}")
        for command in module.COMMANDS:
            if command.name == cmd_name:
                for extra in LAZY_SUBCOMMANDS.get(cmd_name, ()):
                    assert isinstance(command, click.Group)
                    for sub in importlib.import_module(f"commands.{extra}").SUBCOMMANDS:
                        command.add_command(sub)
                return worded(command)
        raise LookupError(f"commands.{module_name} does not define {cmd_name}")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:  # a shell passes bytes that are not UTF-8 as lone surrogates
            if not_text(arg):
                raise OneLineError(
                    _(
                        "{given} is not UTF-8 text; type it again or save the file it came from "
                        "as UTF-8."
                    ).format(given=shown(arg))
                )
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise OneLineError(exc) from None
        except ValueError as exc:
            if NUL_IN_PATH not in str(exc):
                raise
            raise OneLineError(NUL_SENTENCE) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            _say_read_only(ctx)
            return result
        except StoreError as exc:
            if _debug(ctx):
                raise
            click.echo(_("Error: {refusal}").format(refusal=visible(refusal(exc))), err=True)
            ctx.exit(exit_code(exc))
        except click.UsageError as exc:
            raise OneLineError(exc) from None
        except click.Abort:
            click.echo(_("Error: stopped at your answer; nothing was written."), err=True)
            ctx.exit(ExitCode.BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo(_("Interrupted; nothing more was written."), err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception as exc:
            if _debug(ctx):
                raise
            if isinstance(exc, ValueError) and NUL_IN_PATH in str(exc):
                click.echo(_("Error: {refusal}").format(refusal=NUL_SENTENCE), err=True)
                ctx.exit(ExitCode.BAD_INPUT)
            env = ctx.find_object(Env)
            if isinstance(exc, OSError) and exc.filename is None:
                # the store words its own files' faults: a bare OSError is a standard stream's
                fault: StoreError | None = output_fault(exc)
            else:
                fault = machine_fault(exc, env.db_path if env else None)
            if fault is not None:
                click.echo(_("Error: {refusal}").format(refusal=visible(refusal(fault))), err=True)
                ctx.exit(exit_code(fault))
            click.echo(
                _(
                    "Error: unexpected failure ({kind}: {text}); rerun with --debug for the "
                    "details and report it."
                ).format(kind=type(exc).__name__, text=shown(str(exc), limit=200)),
                err=True,
            )
            ctx.exit(ExitCode.FAILURE)
        finally:
            env = ctx.find_object(Env)
            if env is not None:
                env.close()


class OneLineError(click.ClickException):
    """A usage error as one sentence on stderr, like every other refusal (exit 2): what was
    wrong, and where the command's help is. Quoted input is escaped and cut short."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, error: click.UsageError | str) -> None:
        if isinstance(error, str):
            super().__init__(error)
            return
        if isinstance(error, click.MissingParameter):
            # wholly click's words about our own parameters: its layout (a list of choices on
            # indented lines) joined into the one line, nothing to escape or cut
            message = " ".join(error.format_message().split())
        else:
            message = re.sub(
                r"'([^']{61,})'", lambda m: shown(m.group(1)), visible(error.format_message())
            )
        # click names no command for some option errors ("requires an argument")
        where = _("the command's --help")
        if error.ctx:
            where = f"`{visible(error.ctx.command_path)} --help`"
        super().__init__(
            _("{message} (see {where}).").format(message=message.rstrip("."), where=where)
        )

    def show(self, file: Any = None) -> None:
        # stderr full or closed: nothing can be said, and the exit code still is 2
        with contextlib.suppress(OSError):
            click.echo(_("Error: {refusal}").format(refusal=self.message), err=True)


#: Why a database was read without writing (``Store.read_only``), for the note that says so.
READ_ONLY_CAUSES = {
    "disk_read_only": _("the disk holding it is read-only"),
    "disk_full": _("the disk holding it is full"),
    "folder_not_writable": _("its folder is read-only for this user"),
    "database_file_read_only": _("the file is read-only for this user"),
}


def _say_read_only(ctx: click.Context) -> None:
    """One line on stderr after a command that read a database it could not write beside:
    what it showed is the database as it is on disk (and nothing was written)."""
    env = ctx.find_object(Env)
    store = env.opened if env is not None else None
    if store is None or store.read_only is None or ctx.find_root().params.get("quiet"):
        return
    with contextlib.suppress(OSError):
        click.echo(
            _("Note: read as it is on disk, without writing ({cause}).").format(
                cause=READ_ONLY_CAUSES[store.read_only]
            ),
            err=True,
        )


def _debug(ctx: click.Context) -> bool:
    env = ctx.find_object(Env)
    return bool(env and env.debug)


@click.group(cls=SchildwachtGroup, invoke_without_command=True)
@click.option(
    "--db",
    "db",
    type=click.Path(path_type=str),
    envvar="SCHILDWACHT_DB",
    help=_("Database file (env SCHILDWACHT_DB; default: schildwacht.db in your data directory)."),
)
@click.option(
    "--user",
    "user",
    envvar="SCHILDWACHT_USER",
    help=_("Acting person's callsign (env SCHILDWACHT_USER; default: this device's operator)."),
)
@click.option("--quiet", "-q", is_flag=True, help=_("No messages on stderr, only data and errors."))
@click.option("--debug", is_flag=True, help=_("Show tracebacks for unexpected failures."))
@click.version_option(package_name="schildwacht")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, quiet: bool, debug: bool) -> None:
    """Schildwacht: the operations console for protective security.

    Run without a command to open the console. Every listing takes --format
    table|csv|json|md. Exit codes: 0 done, 1 unexpected failure, 2 bad input or a broken
    rule (nothing written), 3 a check found what it looks for, 4 not allowed for your role,
    5 integrity failure, 6 the machine refused (database busy, disk full, permissions;
    nothing written, try again).
    """
    import warnings
    from pathlib import Path

    if not debug:  # a library's warning is no sentence for the person: stderr stays one line
        warnings.simplefilter("ignore")
    for name, value in (("--db", db), ("--user", user)):
        if value is not None and not_text(value):  # from the environment, undecodable
            raise OneLineError(
                _("{option} {given} is not UTF-8 text.").format(option=name, given=shown(value))
            )
    if db is not None and not db.strip():  # never the default database in its place
        raise OneLineError(
            _(
                "--db names no file (it is empty); name the database file, or leave --db out "
                "for the default one."
            )
        )
    ctx.obj = Env(
        db_path=Path(db).expanduser() if db else default_db_path(), user=user, debug=debug
    )
    if ctx.invoked_subcommand is None:
        from console.app import run_console  # the only place the CLI loads textual

        run_console(ctx.obj)


worded(cli)


def main() -> None:
    """The ``schildwacht`` console script.

    A scripted command ends without the interpreter's teardown (freeing every module and
    object costs about a seventh of a short listing): by then it has closed the database and
    written its output, so only the standard streams need flushing. The console takes the
    ordinary way out. A standard stream that cannot be written (``>/dev/full``, a closed pipe)
    never ends in a traceback or exit 1: the exit code is the one the command had reached (2
    for a usage error whose sentence could not be printed), else 6 (the output was lost).
    """
    if _closed_streams():
        os._exit(ExitCode.MACHINE)
    try:
        cli(prog_name="schildwacht")
        code = 0
    except SystemExit as exc:
        if "textual" in sys.modules or not isinstance(exc.code, int | None):
            raise
        code = exc.code or 0
        if code == ExitCode.FAILURE and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            code = ExitCode.MACHINE  # click's own exit 1 for a closed pipe (``--help | :``)
    except OSError as exc:  # raised outside a command (``--help``) or while saying a refusal
        code = _stream_code(exc)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError as exc:  # Python's own exit-time flush would end with 120
            code = code or _stream_code(exc)
        except ValueError:  # a stream already closed
            code = code or ExitCode.MACHINE
    os._exit(code)


def _closed_streams() -> bool:
    """Started with a standard stream closed (``>&-``, ``2>&-``): the free descriptors 0–2
    get the null device, so no file the command opens (the database) becomes a standard stream.
    A closed standard error only loses the sentences (the exit code still tells); a closed
    standard output would lose what the command says it did, so nothing is done: True (exit 6,
    said on standard error when it is open)."""
    closed = {name: getattr(sys, name) is None for name in ("stdin", "stdout", "stderr")}
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
    for name, was_closed in closed.items():
        if was_closed:
            setattr(sys, name, open(os.devnull, "r+", encoding="utf-8"))  # noqa: SIM115
    if closed["stdout"]:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(
                _(
                    "Error: Standard output is closed, so what the command says would be lost; "
                    "nothing was done. Run it again with standard output open (>/dev/null to "
                    "discard it)."
                )
                + "\n"
            )
            sys.stderr.flush()
    return closed["stdout"]


def _stream_code(exc: OSError) -> int:
    """The exit code when a standard stream failed: the code of what was being said when it
    failed (a usage error: 2; a refusal: its own), else 6 with a sentence on stderr if it can
    still be written."""
    said = exc.__context__
    if isinstance(said, click.ClickException):
        return said.exit_code
    if isinstance(said, click.exceptions.Exit):
        return said.exit_code
    if isinstance(said, StoreError):
        return exit_code(said)
    with contextlib.suppress(OSError, ValueError):
        line = _("Error: {refusal}").format(refusal=visible(refusal(output_fault(exc))))
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    return ExitCode.MACHINE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())  # type: ignore[func-returns-value]
