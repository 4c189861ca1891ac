"""The shape of the store's code: small functions (a newcomer reads one on a screen)."""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).parents[2] / "store"
#: The longest a function in store/ may be, its signature and docstring included.
MAX_LINES = 80


def _functions() -> list[tuple[str, int]]:
    found = []
    for path in sorted(STORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                where = f"{path.relative_to(STORE.parent)}:{node.lineno} {node.name}"
                found.append((where, length))
    return found


def test_no_function_in_the_store_is_over_80_lines() -> None:
    functions = _functions()
    assert len(functions) > 300  # the walk found the store
    too_long = [f"{name} ({length} lines)" for name, length in functions if length > MAX_LINES]
    assert not too_long, "split these: " + "; ".join(too_long)
