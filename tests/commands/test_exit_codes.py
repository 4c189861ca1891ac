"""Exit codes come from one table in commands/: the store's errors carry no numbers."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import store
from commands.output import EXIT_CODES, ExitCode, exit_code
from store import errors
from tests.source import parse_file


def _store_error_classes() -> list[type[errors.StoreError]]:
    for module in pkgutil.walk_packages(store.__path__, "store."):
        importlib.import_module(module.name)
    found: list[type[errors.StoreError]] = []
    pending = [errors.StoreError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


@pytest.mark.parametrize("kind", _store_error_classes(), ids=lambda k: k.__qualname__)
def test_every_store_error_has_an_exit_code_from_the_table(kind: type[errors.StoreError]) -> None:
    assert "exit_code" not in vars(kind), "exit codes live in commands/output.py only"
    if kind is errors.StoreError:
        return
    code = next(code for base, code in EXIT_CODES if issubclass(kind, base))
    assert code not in (ExitCode.OK, ExitCode.FAILURE, ExitCode.FOUND)


def test_the_table_follows_the_contract() -> None:
    assert exit_code(errors.BadInput(code="x")) == 2
    assert exit_code(errors.NotFound(code="x")) == 2
    assert exit_code(errors.RuleViolation("R1", code="x")) == 2
    assert exit_code(errors.PermissionDenied(code="x")) == 4
    assert exit_code(errors.IntegrityFailure(code="x")) == 5
    assert exit_code(errors.MachineFault(code="x")) == 6
    assert exit_code(errors.StoreError(code="x")) == 1


def test_every_process_exit_in_commands_names_its_code() -> None:
    """Issue 15: the fast listing ended with ``os._exit(0)``; a number written out is a second
    source of truth beside ``ExitCode``. Every exit names a member or a computed code."""
    import ast
    from pathlib import Path

    literal = []
    for path in sorted((Path(__file__).parents[2] / "commands").glob("*.py")):
        for node in ast.walk(parse_file(path)):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in ("os._exit", "sys.exit", "SystemExit", "ctx.exit")
                and any(isinstance(a, ast.Constant) for a in node.args)
            ):
                literal.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert literal == [], "name the ExitCode member"
