"""The shape of the store's code: small functions (a newcomer reads one on a screen)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

STORE = Path(__file__).parents[2] / "store"
#: The longest a function in store/ may be, its signature and docstring included.
MAX_LINES = 80


def _functions(root: Path = STORE) -> list[tuple[str, int]]:
    found = []
    for path in sorted(root.rglob("*.py")):
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


def test_no_command_is_over_80_lines() -> None:
    """A command reads its options, calls the store and emits (rev15b: ``capacity scenario``
    was 87 lines doing all three inline)."""
    functions = _functions(STORE.parent / "commands")
    assert len(functions) > 100
    too_long = [f"{name} ({length} lines)" for name, length in functions if length > MAX_LINES]
    assert not too_long, "split these: " + "; ".join(too_long)


#: A command-line option: ``--user``.
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
#: A command in backticks: ```schildwacht init```, ```team revoke``` (a group and its command).
_COMMAND = re.compile(r"`(?:schildwacht [a-z]|[a-z]+ [a-z])")


#: Calls whose text reaches a person: the store's errors, and the labels given to its checks.
_WORDED = {
    "BadInput",
    "NotFound",
    "RuleViolation",
    "PermissionDenied",
    "IntegrityFailure",
    "MachineFault",
    "AlreadySigned",
    "Refused",
}


def _worded(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = func.value if isinstance(func, ast.Attribute) else None
    return name in _WORDED or (isinstance(owner, ast.Name) and owner.id == "validate")


def _messages_naming(pattern: re.Pattern[str]) -> dict[str, int]:
    """Per module: string constants in the store's errors (and the labels of its checks) that
    match ``pattern``; the strings an error's message is built from count as one message."""
    found: dict[str, int] = {}
    for path in sorted(STORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not _worded(node):
                continue
            for part in node.args + [k.value for k in node.keywords]:
                for leaf in ast.walk(part):
                    text = leaf.value if isinstance(leaf, ast.Constant) else None
                    if isinstance(text, str) and pattern.search(text):
                        name = str(path.relative_to(STORE.parent))
                        found[name] = found.get(name, 0) + 1
    return found


def test_no_store_message_names_a_command_line_option() -> None:
    """The store's refusals are facts (a code and parameters); the command line names its
    options when it words them (commands/refusals.py), the console its fields."""
    assert _messages_naming(_OPTION) == {}


def test_no_store_message_names_a_command() -> None:
    """Nor a command: the command line names it (commands/refusals.py), the console its keys."""
    assert _COMMAND.search("see `schildwacht staff list`.")  # the pattern finds one
    assert _COMMAND.search("ask the admin (`team revoke`).")
    assert not _COMMAND.search("``{bound}`` is `person`")
    assert _messages_naming(_COMMAND) == {}


def _undocumented() -> tuple[int, list[str]]:
    """How many public module-level functions and classes store/ has (with the public methods
    of those classes), and which of them have no docstring."""
    public = 0
    missing: list[str] = []
    for path in sorted(STORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_"):
                continue
            public += 1
            if ast.get_docstring(node) is None:
                missing.append(f"{path.relative_to(STORE.parent)}:{node.lineno} {node.name}")
            if isinstance(node, ast.ClassDef):  # and its public methods and properties
                for method in node.body:
                    if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                        continue
                    if method.name.startswith("_"):
                        continue
                    public += 1
                    if ast.get_docstring(method) is None:
                        where = f"{path.relative_to(STORE.parent)}:{method.lineno}"
                        missing.append(f"{where} {node.name}.{method.name}")
    return public, missing


def test_every_public_store_function_and_record_has_a_docstring() -> None:
    """Google style: arguments, units, the return shape and the errors raised (STYLE.md)."""
    public, missing = _undocumented()
    assert public > 500  # the walk found the store and its classes' methods
    assert not missing, "document these: " + "; ".join(missing)


#: Parameters an ``Args:`` section need not name: the object itself, and the database or its
#: connection a store function is handed (always the same thing, named once in the module).
OBVIOUS = {"self", "cls", "conn", "store"}


def _named_in_args(doc: str) -> set[str]:
    """The parameters an ``Args:`` section names (``name:``, ``*names:``, ``**params:``, or
    several alike in one entry: ``person, activity:``)."""
    section = re.search(r"^Args:\n((?:[ \t]+\S.*\n?|[ \t]*\n)*)", doc, re.M)
    if section is None:
        return set()
    entries = re.findall(r"^[ \t]+(\**\w+(?:, \**\w+)*)(?: \(.*?\))?:", section.group(1), re.M)
    return {name.lstrip("*") for entry in entries for name in entry.split(", ")}


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    given = function.args
    names = [a.arg for a in (*given.posonlyargs, *given.args, *given.kwonlyargs)]
    names += [a.arg for a in (given.vararg, given.kwarg) if a is not None]
    return [n for n in names if n not in OBVIOUS and not n.startswith("_")]


def _public_functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every public module-level function of store/ and public method of a public class
    (properties and setters aside: they take no arguments a caller gives)."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for path in sorted(STORE.rglob("*.py")):
        module = path.relative_to(STORE.parent).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            inside = node.body if isinstance(node, ast.ClassDef) else [node]
            if getattr(node, "name", "_").startswith("_"):
                continue
            for function in inside:
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                decorated = {ast.unparse(d).split(".")[-1] for d in function.decorator_list}
                if function.name.startswith("_") or decorated & {"property", "setter"}:
                    continue
                found.append((module, function))
    return found


def test_every_public_store_function_names_its_arguments() -> None:
    """Google style ``Args:``: each parameter named with what it is and its unit (UTC,
    minutes, hours, tenths of FTE), besides those in ``OBVIOUS``."""
    functions = _public_functions()
    assert len(functions) > 400  # the walk found the store
    missing: dict[str, list[str]] = {}
    for module, function in functions:
        wanted = set(_parameters(function))
        if wanted - _named_in_args(ast.get_docstring(function) or ""):
            missing.setdefault(module, []).append(f"{function.lineno} {function.name}")
    assert missing == {}


def test_the_args_reader_reads_google_style() -> None:
    doc = (
        "One line.\n\nArgs:\n    start: UTC.\n    *names: all of them.\n    a, b: two.\n"
        "    limit (int): at most\n        this.\n\nReturns:\n    x: not an argument.\n"
    )
    assert _named_in_args(doc) == {"start", "names", "limit", "a", "b"}
    assert _named_in_args("One line naming start: nothing.") == set()


#: Any text in store/ that names the command line: ```schildwacht audit verify```, ``schildwacht
#: init``, `` --user`` (a docstring may: it is read by developers, never shown).
_COMMAND_LINE = re.compile(
    r"`schildwacht |`[a-z]+ [a-z]+`|\bschildwacht [a-z]+\b|(?:^|\s)--[a-z][a-z-]+"
)


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _literals_naming_the_command_line() -> dict[str, list[str]]:
    """Per module: every string literal (not a docstring) that names a command or an option."""
    found: dict[str, list[str]] = {}
    for path in sorted(STORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in skip and _COMMAND_LINE.search(text):
                name = str(path.relative_to(STORE.parent))
                found.setdefault(name, []).append(f"{node.lineno}: {text!r}")
    return found


def test_no_store_text_names_the_command_line() -> None:
    """Not only errors: an alarm, a warning or a label the console shows as it is must not
    send its reader to a command (the faces name their own commands and keys)."""
    assert _COMMAND_LINE.search("run `schildwacht audit verify`")
    assert _COMMAND_LINE.search("see schildwacht status")
    assert _COMMAND_LINE.search("(`sync status`)")
    assert _COMMAND_LINE.search("--add-persons")
    assert _COMMAND_LINE.search("give --user")
    assert not _COMMAND_LINE.search("add-persons:N:LEVEL") and not _COMMAND_LINE.search("a -- b")
    found = _literals_naming_the_command_line()
    counts = {name: len(lines) for name, lines in found.items()}
    assert counts == {}, found  # none allowed: an allowance let "--from must be a date." by


def test_every_store_module_has_a_layer() -> None:
    """A module left out of the layers contract may import anything unseen (pyproject.toml)."""
    import tomllib

    config = tomllib.loads((STORE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c.get("containers") == ["store"])
    layered = {name.strip() for layer in layers for name in layer.split(":")}
    modules = {
        ".".join(path.relative_to(STORE).with_suffix("").parts)
        for path in STORE.rglob("*.py")
        if path.name != "__init__.py"
    }
    assert len(modules) > 60 and layered <= modules
    assert sorted(modules - layered) == []
