"""shape15 (issue 15): the console uses Textual's public API; what has no public way (the
terminal parser, a class's default styles before a mount, a screen's style count) lives in
console/textual_private.py alone, which names the Textual version. These scans keep it so:
no other console module imports a private Textual module, reads or writes a ``_…`` attribute
of a Textual object, or overrides one of Textual's private methods or handlers."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import re
from functools import cache
from pathlib import Path

from tests.source import parse_file

ROOT = Path(__file__).parents[2]
ONE_MODULE = "console/textual_private.py"


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(ROOT).as_posix(), parse_file(path))
        for path in sorted((ROOT / "console").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != ONE_MODULE
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_textual_module_is_imported_outside_the_one_module() -> None:
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "textual" and any(_private(p) for p in parts[1:]):
                    found.append(f"{name}:{node.lineno} {module}")
    assert not found, found


def test_no_private_attribute_of_another_object_outside_the_one_module() -> None:
    """``select._options``, ``DOMNode._css_bases(…)``, ``self.app._css_update_count``: a
    ``_…`` attribute read off anything but ``self``/``cls`` is some other class's private
    name; the console's own (``drawer._opened``) are allowed."""
    modules = _modules()
    own = {
        n.name if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) else n.attr
        for _name, tree in modules
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        or (isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store))
    }
    found = []
    for name, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
                continue
            if node.attr not in own:
                found.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    assert not found, found


@cache
def _textual_private_names(cls: type) -> frozenset[str]:
    """The private names Textual's classes among ``cls``'s bases define or set."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith("textual"):
            names |= _own_private_names(base)
    return frozenset(names)


@cache
def _own_private_names(base: type) -> frozenset[str]:
    """The private names one Textual class defines or sets, read once per class: its source
    (``inspect.getsource`` parses the class's whole module each time, and the console's ~200
    classes share a few dozen Textual bases, so reading them per console class took ~15 s)."""
    names = {n for n in vars(base) if _private(n)}
    try:
        source = inspect.getsource(base)
    except (OSError, TypeError):
        return frozenset(names)
    return frozenset(names | set(re.findall(r"self\.(_[A-Za-z]\w*)", source)))


def test_no_console_class_uses_or_overrides_a_private_name_of_its_textual_bases() -> None:
    """``self._timeout_time`` in a parser, ``def _on_paste`` in an input: a private name of a
    Textual base class, read, written or overridden from a subclass."""
    found = []
    for name, tree in _modules():
        module = importlib.import_module(name.removesuffix(".py").replace("/", "."))
        for node in ast.walk(tree):
            cls = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
            if not isinstance(node, ast.ClassDef) or not isinstance(cls, type):
                continue
            private = _textual_private_names(cls)
            for inner in ast.walk(node):
                used = None
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    used = inner.name
                elif isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
                    used = inner.attr if inner.value.id == "self" else None
                if used is not None and _private(used) and used in private:
                    found.append(f"{name}:{inner.lineno} {node.name}.{used}")
    assert not found, found


def test_no_underscore_handler_outside_textual() -> None:
    """Textual reserves ``_on_<event>`` for its own handlers (called beside ``on_<event>``):
    a console widget that defines one replaces Textual's (a mixin too, which the class scan
    above cannot see). A handler chosen with ``@on(...)`` may have any name."""
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            decorated = any(
                isinstance(d, ast.Call) and ast.unparse(d.func) == "on" for d in node.decorator_list
            )
            if re.match(r"_(on|watch|compute|validate)_", node.name) and not decorated:
                found.append(f"{name}:{node.lineno} {node.name}")
    assert not found, found


def test_the_one_module_names_the_pinned_textual_version() -> None:
    import textual

    text = (ROOT / ONE_MODULE).read_text(encoding="utf-8")
    pinned = re.search(r'"textual==([0-9.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned is not None
    assert f"Textual {pinned[1]}" in text
    assert importlib.metadata.version("textual") == pinned[1] == textual.__version__


async def test_the_what_ifs_unit_lists_follow_a_change_of_units(app: object) -> None:
    """The What-if's unit lists are set again when the units differ, read from the screen's
    own record of what it offered (Textual's ``Select`` keeps its options private): the same
    number of units, another one among them, is offered too."""
    from textual.widgets import Select

    from console.app import SchildwachtApp
    from console.screens.capacity import CapacityScreen
    from tests.console.conftest import settle

    assert isinstance(app, SchildwachtApp)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CapacityScreen)
        screen._offer_units(["RT", "KMAR-HRB"], "RT")
        screen._offer_units(["RT", "DKDB"], "RT")
        for name in ("#scenario-unit", "#scenario-to"):
            select = screen.query_one(name, Select)
            select.value = "DKDB"  # refused (InvalidSelectValueError) were it not offered
            assert select.value == "DKDB"
