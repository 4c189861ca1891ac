"""Scripted JSON listings without click: ``schildwacht [--db PATH] [--quiet] person list
--format json`` runs here, in about the time of bare Python doing the same query, and so does
``schildwacht [--db PATH] --quiet gaps --from T --to T --format json`` (issue 18).

Importing click, its parameter types and the command modules costs more than the listing
itself (click alone is as much again as Python + sqlite3 + json). A script polling a listing
pays that on every call, so the exact forms below skip it: the same store call, the same
record dicts (``records.py``) and the same JSON (``jsonout.py``), hence the same bytes.

Anything else — another option, ``--user``, ``--debug``, a fixed clock or an acting person in
the environment, no database named, text that is not UTF-8 — and any failure before output is
written goes the ordinary way (``cli.py``), which then says what was wrong exactly as it always
did: a listing writes nothing to the database, so running it again there is safe.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # as typing's, without importing typing at run time
if TYPE_CHECKING:
    from pathlib import Path  # imported by ``parse``, after ``run`` deferred what it need not load

#: Environment that changes what the ordinary path does (a person to prove, a clock to honour
#: or warn about): with any of it set, the ordinary path runs.
ORDINARY_ENVIRONMENT = ("SCHILDWACHT_USER", "SCHILDWACHT_NOW")


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not yet imported; the first attribute asked of it
    imports the real module (which then replaces it there) and answers from it, as does every
    later one. (``importlib.util.LazyLoader`` does not help: a second ``import`` of a lazy
    module reads its ``__spec__``, which loads it.)"""

    def __getattr__(self, attr: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


def _defer(*names: str) -> None:
    """Import the modules ``names`` only when something uses them: ``dataclasses`` imports
    ``inspect`` (with ``ast``, ``dis``, ``tokenize``: about 7 ms, a sixth of a listing) and calls
    it only for a class without a docstring, ``urllib.parse`` (imported by ``pathlib``) imports
    ``ipaddress`` for URLs naming a host by address. A listing calls neither; whatever does gets
    the real module."""
    for name in names:
        if name not in sys.modules:
            sys.modules[name] = _Deferred(name)


def _undefer() -> None:
    """Take the stand-ins out of ``sys.modules``: what is imported later gets the real modules
    (those that got a stand-in keep it; it answers from the real module)."""
    for name, module in list(sys.modules.items()):
        if isinstance(module, _Deferred):
            del sys.modules[name]


def _person_list(path: Path) -> str:
    from store.db import Store
    from store.subjects import list_subjects

    from .jsonout import json_text
    from .records import subject_dict

    store = Store(path, passphrase=os.environ.get("SCHILDWACHT_PASSPHRASE") or None)
    try:
        return json_text([subject_dict(s) for s in list_subjects(store)])
    finally:
        store.close()


def _gaps(path: Path, start_text: str, end_text: str) -> str:
    """``gaps --from T --to T --format json`` as ``gaps_cmd.gaps`` runs it: the times read as
    ``--from``/``--to`` read them, the same period check, computation and rows."""
    from store.clock import SystemClock, parse_time
    from store.db import Store
    from store.gaps import find_gaps
    from store.machine import GAP_TABLES
    from store.validate import period

    from .jsonout import json_text
    from .records import gap_dicts

    clock = SystemClock()
    start, end = parse_time(start_text, clock), parse_time(end_text, clock)
    store = Store(path, passphrase=os.environ.get("SCHILDWACHT_PASSPHRASE") or None)
    try:
        store.refuse_damaged_tables(GAP_TABLES)  # the ordinary path's check (gaps_cmd)
        start, end = period(start, end, names=("--from", "--to"))
        return json_text(gap_dicts(find_gaps(store, start, end)))
    finally:
        store.close()


def _options(rest: Sequence[str], names: tuple[str, ...]) -> dict[str, str] | None:
    """The options after a command's words as ``{name: value}``, when every one is among
    ``names`` or ``--format``/``-f``, given once, with a value (``--name value`` or
    ``--name=value``) that does not start with a dash, and the format is ``json``; else None."""
    found: dict[str, str] = {}
    args = list(rest)
    while args:
        name, eq, value = args.pop(0).partition("=")
        if name == "-f" and not eq:
            name = "--format"
        if name not in (*names, "--format") or name in found:
            return None
        if not eq:
            if not args:
                return None
            value = args.pop(0)
        if not value or value.startswith("-"):
            return None
        found[name] = value
    return found if found.pop("--format", None) == "json" else None


def _person_list_form(rest: Sequence[str], quiet: bool) -> Callable[[Path], str] | None:
    return _person_list if _options(rest, ()) == {} else None


def _gaps_form(rest: Sequence[str], quiet: bool) -> Callable[[Path], str] | None:
    """Only with ``--quiet``: without it, ``gaps`` counts for the person what it did not list."""
    found = _options(rest, ("--from", "--to"))
    if not quiet or found is None or found.keys() != {"--from", "--to"}:
        return None
    return lambda path: _gaps(path, found["--from"], found["--to"])


#: The listings with a fast path: the command's words → what reads the rest of the command
#: line (and whether ``--quiet`` was given) into the listing as JSON text, or None.
LISTINGS: dict[tuple[str, ...], Callable[[Sequence[str], bool], Callable[[Path], str] | None]] = {
    ("person", "list"): _person_list_form,
    ("gaps",): _gaps_form,
}


def parse(argv: Sequence[str]) -> tuple[Path, Callable[[Path], str]] | None:
    """The database and the listing, when ``argv`` is exactly a form this module runs."""
    from pathlib import Path

    from store.validate import not_text

    args = list(argv)
    if any(not_text(a) or "\0" in a for a in args):
        return None
    db = os.environ.get("SCHILDWACHT_DB") or None
    quiet = False
    while args and args[0].startswith("-"):
        head = args.pop(0)
        if head in ("--quiet", "-q"):
            quiet = True
        elif head == "--db" and args:
            db = args.pop(0)
        elif head.startswith("--db=") and len(head) > len("--db="):
            db = head[len("--db=") :]
        else:
            return None
    if not db or any(os.environ.get(name) for name in ORDINARY_ENVIRONMENT):
        return None
    for words, form in LISTINGS.items():
        if tuple(args[: len(words)]) == words:
            listing = form(args[len(words) :], quiet)
            return None if listing is None else (Path(db).expanduser(), listing)
    return None


def run(argv: Sequence[str]) -> tuple[Path, str] | None:
    """The database and the listing's JSON text, or None: the ordinary path is to run (see the
    module's doc)."""
    _defer("inspect", "ipaddress")  # before the store is imported
    found = parse(argv)
    if found is None:
        return None
    path, listing = found
    import warnings

    warnings.simplefilter("ignore")  # as the ordinary path without --debug
    try:
        return path, listing(path)
    except Exception:  # the ordinary path reports it, exactly as it always has
        return None


def main() -> None:
    """The ``schildwacht`` console script: a fast listing when the arguments are one, else the
    ordinary command line (``cli.main``)."""

    import gc

    gc.disable()  # a listing builds acyclic rows and ends the process: no cycles to collect
    done = run(sys.argv[1:])
    if done is None:
        gc.enable()
        _undefer()
        from .cli import main as ordinary

        ordinary()
        return
    _path, text = done
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:  # a closed pipe, a full disk: said as the ordinary path says it
        from store.validate import visible
        from words import _

        from .output import exit_code, output_fault
        from .refusals import refusal

        fault = output_fault(exc)  # the output failed, not the database
        print(_("Error: {refusal}").format(refusal=visible(refusal(fault))), file=sys.stderr)
        os._exit(exit_code(fault))
    from .exits import ExitCode

    os._exit(ExitCode.OK)  # no interpreter teardown, as ``cli.main`` ends a scripted command
