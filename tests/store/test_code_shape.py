"""The shape of the store's code: small functions (a newcomer reads one on a screen)."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from tests.source import parse_file

STORE = Path(__file__).parents[2] / "store"


@functools.cache
def _parsed() -> tuple[tuple[Path, ast.Module], ...]:
    """Every module of store/ and its syntax tree, parsed once per process (read only)."""
    return tuple((path, parse_file(path)) for path in sorted(STORE.rglob("*.py")))


#: The longest a function in store/ may be, its signature and docstring included; only the
#: ``Returns:``, ``Yields:`` and ``Raises:`` sections that
#: ``test_every_public_store_function_says_what_it_returns_and_raises`` asks for do not count
#: (saying what a function gives back must not cost it code, nor shorten its other words).
MAX_LINES = 80

#: A Google style section's heading in a docstring, and the ones that state the contract.
_HEADING = re.compile(r"^[A-Z][a-z]+(?: [a-z]+)?:$")
_CONTRACT = re.compile(r"^(?:Returns|Yields|Raises):$")


def _contract_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """How many lines of the function's docstring are its ``Returns:``, ``Yields:`` and
    ``Raises:`` sections, each with the blank line before it."""
    lines = (ast.get_docstring(function) or "").splitlines()
    counted, inside = 0, False
    for index, line in enumerate(lines):
        if _HEADING.match(line):
            was_inside, inside = inside, bool(_CONTRACT.match(line))
            if inside and not was_inside and index and not lines[index - 1].strip():
                counted += 1  # the blank line before (counted already after another section)
        counted += inside
    return counted


def test_only_the_contract_sections_are_not_counted() -> None:
    doc = "One.\n\nArgs:\n    a: x.\n\nReturns:\n    y.\n\nRaises:\n    E: z.\n"
    function = ast.parse(f"def f(a):\n    {doc!r}\n    return a\n").body[0]
    assert isinstance(function, ast.FunctionDef)
    assert _contract_lines(function) == 6  # blank, Returns:, y., blank, Raises:, E: z.
    plain = ast.parse("def g(a):\n    'One line.'\n    return a\n").body[0]
    assert isinstance(plain, ast.FunctionDef) and _contract_lines(plain) == 0


def _functions(root: Path = STORE) -> list[tuple[str, int]]:
    found = []
    trees = (
        _parsed()
        if root == STORE
        else tuple((path, parse_file(path)) for path in sorted(root.rglob("*.py")))
    )
    for path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1 - _contract_lines(node)
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
    for path, tree in _parsed():
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
    for path, tree in _parsed():
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
    for path, tree in _parsed():
        module = path.relative_to(STORE.parent).as_posix()
        for node in tree.body:
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
    for path, tree in _parsed():
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


def _raised_here() -> tuple[set[str], set[str]]:
    """The exceptions a store function may raise as its contract: every exception class
    store/ defines (its errors, ``Refused``, ``Oversized``…) and ``ValueError``, which the
    bundle's decoders raise for a body that does not fit; and the store's helpers that make
    one (``_unreadable``: a function whose return annotation is such a class)."""
    classes: dict[str, set[str]] = {}
    helpers: dict[str, str] = {}
    for _path, tree in _parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = {ast.unparse(b).split(".")[-1] for b in node.bases}
            elif isinstance(node, ast.FunctionDef) and node.returns is not None:
                helpers[node.name] = ast.unparse(node.returns).split(".")[-1]
    errors = {"Exception", "ValueError"}
    while grown := {n for n, bases in classes.items() if bases & errors and n not in errors}:
        errors |= grown
    errors = {name for name in errors if not name.startswith("_")}  # private ones are caught
    return errors, {name for name, made in helpers.items() if made in errors}


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, without those of functions and classes inside it."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            found.append(node)
            todo.extend(ast.iter_child_nodes(node))
    return found


@functools.cache
def _documented_raisers() -> frozenset[str]:
    """The store functions whose docstring lists a store error they raise (``Raises:``
    naming ``BadInput``, ``NotFound``, ``Refused``…; not a ``ValueError`` that is a programming
    error, as ``to_db``'s), by name: a name every definition of which says so (a name two
    modules define alike is followed only when both do)."""
    errors = _raised_here()[0] - {"Exception", "ValueError"}
    said: dict[str, bool] = {}
    for _path, tree in _parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node) or ""
                section = re.search(r"^Raises:\n((?:[ \t]+.*\n?)+)", doc, re.M)
                named = re.findall(r"^    (\w+)", section.group(1), re.M) if section else []
                said[node.name] = said.get(node.name, True) and bool(set(named) & errors)
    return frozenset(name for name, raises in said.items() if raises)


def _raises(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    errors: set[str],
    helpers: set[str],
    callees: frozenset[str] = frozenset(),
) -> bool:
    """Whether the function raises one of ``errors`` itself (or one a helper makes), opens a
    write (``store.write``: refused as ``PermissionDenied``, or by the rules checked in it), or
    calls a store function whose docstring says it raises (``callees``; one level deep)."""
    guarded = {  # calls inside a ``try`` that catches: the function decides what they become
        id(inner)
        for node in _own_nodes(function)
        if isinstance(node, ast.Try) and node.handlers
        for statement in node.body
        for inner in ast.walk(statement)
    }
    for node in _own_nodes(function):
        called = ast.unparse(node.func).split(".")[-1] if isinstance(node, ast.Call) else ""
        if called in callees and id(node) not in guarded:
            return True
        if isinstance(node, ast.Raise) and node.exc is not None:
            made = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = ast.unparse(made).split(".")[-1]
            if name in errors or (isinstance(node.exc, ast.Call) and name in helpers):
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "write"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "store"
        ):
            return True
    return False


def _has_section(doc: str, *names: str) -> bool:
    return any(re.search(rf"^{name}:\n[ \t]+\S", doc, re.M) for name in names)


def _without_contract() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per module: public store functions that return something but do not say what
    (``Returns:`` or ``Yields:``), and those that raise but do not say what and when."""
    errors, helpers = _raised_here()
    no_returns: dict[str, list[str]] = {}
    no_raises: dict[str, list[str]] = {}
    for module, function in _public_functions():
        doc = ast.get_docstring(function) or ""
        returned = function.returns is not None and ast.unparse(function.returns) != "None"
        if returned and not _has_section(doc, "Returns", "Yields"):
            no_returns.setdefault(module, []).append(f"{function.lineno} {function.name}")
        called = _raises(function, errors, helpers, _documented_raisers())
        if called and not _has_section(doc, "Raises"):
            no_raises.setdefault(module, []).append(f"{function.lineno} {function.name}")
    return no_returns, no_raises


#: Functions that raise through a documented callee, in modules another helper is changing
#: now (plan19: capacity.py): their ``Raises:`` go in with that work; this list then empties.
ELSEWHERE: dict[str, list[str]] = {}


def test_every_public_store_function_says_what_it_returns_and_raises() -> None:
    """Google style ``Returns:`` (``Yields:``) for every function with a return annotation
    other than None: its shape and units (UTC, minutes, tenths of FTE); ``Raises:`` for every
    function that raises a store error, a store exception or ``ValueError`` in its own body,
    or opens a write, naming the types and when."""
    errors, helpers = _raised_here()
    assert {"NotFound", "AlreadySigned", "Refused", "Oversized", "ValueError"} <= errors
    assert "_unreadable" in helpers  # a helper that makes the error is followed
    no_returns, no_raises = _without_contract()
    assert no_returns == {}
    assert {m: f for m, f in no_raises.items() if m not in ELSEWHERE} == {}
    assert {m: f for m, f in no_raises.items() if m in ELSEWHERE} == ELSEWHERE


def test_the_contract_reader_finds_what_is_missing() -> None:
    """The scan sees a raise through a helper, a write, and a section with nothing in it."""
    errors, helpers = _raised_here()
    source = (
        "def a(store):\n    with store.write('x'):\n        pass\n"
        "def b(path):\n    raise _unreadable(path, None)\n"
        "def c():\n    def inner():\n        raise BadInput('x')\n    return inner\n"
        "def d():\n    raise errors.NotFound('x')\n"
    )
    a, b, c, d = ast.parse(source).body
    assert all(isinstance(f, ast.FunctionDef) for f in (a, b, c, d))
    found = [_raises(f, errors, helpers) for f in (a, b, c, d)]  # type: ignore[arg-type]
    assert found == [True, True, False, True]
    e = ast.parse("def e(store):\n    return agenda.get_activity(store, 'x')\n").body[0]
    assert isinstance(e, ast.FunctionDef) and "get_activity" in _documented_raisers()
    assert _raises(e, errors, helpers, _documented_raisers())  # a documented raiser it calls
    assert not _raises(e, errors, helpers)
    assert _has_section("One.\n\nReturns:\n    A list.\n", "Returns")
    assert not _has_section("One.\n\nReturns:\n\nRaises:\n    x\n", "Returns")


def _error_bases() -> dict[str, set[str]]:
    """Every exception class store/ defines, by name: the names of its bases."""
    return {
        node.name: {ast.unparse(b).split(".")[-1] for b in node.bases}
        for _path, tree in _parsed()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }


def _lineage(name: str, bases: dict[str, set[str]]) -> set[str]:
    """``name`` and every class it derives from."""
    found, todo = {name}, [name]
    while todo:
        for base in bases.get(todo.pop(), ()):
            if base not in found:
                found.add(base)
                todo.append(base)
    return found


def _raised_in_body(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    errors: set[str],
    made: dict[str, str],
    anywhere: dict[str, set[str]] | None = None,
) -> set[str]:
    """The error classes a function raises in its own body: ``raise X(...)``, ``raise
    helper(...)`` (the class its return annotation names: ``made`` for its module's helpers,
    ``anywhere`` for ``module.helper(...)``, when only one class is made under that name), and
    ``PermissionDenied`` for a write that requires a permission."""
    found = set()
    for node in _own_nodes(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = ast.unparse(call).split(".")[-1]
            local = isinstance(call, ast.Name) or ast.unparse(call).startswith("self.")
            if name in errors:
                found.add(name)
            elif isinstance(node.exc, ast.Call) and local and name in made:
                found.add(made[name])
            elif (
                isinstance(node.exc, ast.Call)
                and not local
                and len((anywhere or {}).get(name, ())) == 1
            ):
                found |= (anywhere or {})[name]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "write"
            and any(k.arg == "require" for k in node.keywords)
        ):
            found.add("PermissionDenied")
    return found


def _named_in_raises(doc: str) -> set[str]:
    """The classes a docstring's ``Raises:`` section names (``clashes.Unsettled`` as
    ``Unsettled``; ``RuleViolation, BadInput: …`` as both)."""
    section = re.search(r"^Raises:\n((?:[ \t]+.*\n?|\n)*)", doc, re.M)
    if section is None:
        return set()
    entries = re.findall(
        r"^ {4}([\w.]+(?:(?:, | or )[\w.]+)*)(?: \([^)]*\))?:", section.group(1), re.M
    )
    return {name.split(".")[-1] for entry in entries for name in re.split(", | or ", entry)}


def _helpers_by_module(errors: set[str]) -> dict[Path, dict[str, str]]:
    """Per module, its functions and methods that make an error to raise: name → class."""
    found: dict[Path, dict[str, str]] = {}
    for path, tree in _parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.returns is not None:
                returned = ast.unparse(node.returns).split(".")[-1].removesuffix(" | None")
                if returned in errors - {"Exception"}:
                    found.setdefault(path, {})[node.name] = returned
    return found


def _raises_unnamed() -> list[str]:
    """Public store functions that raise an error class in their own body which their
    ``Raises:`` section does not name (nor a class it derives from)."""
    errors, _helpers = _raised_here()
    bases = _error_bases()
    helpers = _helpers_by_module(errors)
    anywhere: dict[str, set[str]] = {}
    for made in helpers.values():
        for name, error in made.items():
            anywhere.setdefault(name, set()).add(error)
    unnamed = []
    for module, function in _public_functions():
        named = _named_in_raises(ast.get_docstring(function) or "")
        made = helpers.get(STORE.parent / module, {})
        for raised in sorted(_raised_in_body(function, errors, made, anywhere)):
            # a helper that makes either of two classes (``StoreError``) is named by one of them
            if not named & _lineage(raised, bases) and not any(
                raised in _lineage(n, bases) for n in named
            ):
                unnamed.append(f"{module}:{function.lineno} {function.name} {raised}")
    return unnamed


def test_every_error_a_store_function_raises_is_named_in_its_raises_section() -> None:
    """issue 15 point 10: ``export`` raised ``IntegrityFailure`` its docstring did not name,
    so a caller reading it would not catch it; each class raised in a public function's own
    body (or made by a helper it raises, or a write that requires a permission) is named."""
    assert _raises_unnamed() == []


def test_the_raises_reader_sees_an_unnamed_error() -> None:
    errors, _helpers = _raised_here()
    source = (
        "def a(store):\n    '''A.\n\n    Raises:\n        BadInput: x.\n    '''\n"
        "    raise IntegrityFailure('x')\n"
        "def b(store):\n    '''B.\n\n    Raises:\n        clashes.Unsettled: x.\n    '''\n"
        "    with store.write('x', require='y'):\n        raise Unsettled('x')\n"
    )
    a, b = ast.parse(source).body
    assert isinstance(a, ast.FunctionDef) and isinstance(b, ast.FunctionDef)
    assert _raised_in_body(a, errors, {}) == {"IntegrityFailure"}
    assert _named_in_raises(ast.get_docstring(a) or "") == {"BadInput"}
    assert _raised_in_body(b, errors, {}) == {"PermissionDenied", "Unsettled"}
    assert _named_in_raises(ast.get_docstring(b) or "") == {"Unsettled"}
    assert _named_in_raises("X.\n\nRaises:\n    RuleViolation, BadInput: y.\n") == {
        "RuleViolation",
        "BadInput",
    }
    assert _named_in_raises("X.\n\nRaises:\n    MachineFault or BadInput: y.\n") == {
        "MachineFault",
        "BadInput",
    }
