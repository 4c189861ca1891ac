"""Every refusal the store raises is a fact with words outside the store (issue 15, item 6).

Read from the source (AST, no database): every typed error the store builds carries
``code=``; every code it raises has a sentence in ``words/errors.py``; each sentence can be
made from the params its raise sites pass (no KeyError when a face words it) and names no
command-line option; nothing builds a store error with a sentence (store, command line,
console). Then a handful of refusals built through the real store calls: each is worded from
its facts, not said by its code.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest

from store import capacity, clock, staff, subjects, validate
from store.db import Store
from store.errors import BadInput, StoreError
from tests.conftest import snapshot
from tests.source import parse_file
from words.errors import SENTENCES, sentence

STORE = Path(__file__).resolve().parents[2] / "store"
COMMANDS = STORE.parent / "commands"
TYPED = {
    "StoreError",
    "BadInput",
    "NotFound",
    "RuleViolation",
    "PermissionDenied",
    "IntegrityFailure",
    "MachineFault",
    "Refused",
    "AlreadySigned",
}

#: Modules whose refusals do not carry codes yet: none (every store module is checked).
OWNED_BY_OTHERS: tuple[str, ...] = ()
#: Codes raised there whose raise sites do not yet pass the facts their words need.
CODES_WITHOUT_WORDS: set[str] = set()
#: Errors built without a code on purpose: caught where they are raised and listed in the
#: refusal that carries the code (``roster_bad_lines``).
INTERNAL = {("roster.py", "more fields than the columns callsign,start,end")}
#: A code passed on from another refusal or verdict whose own code is checked where it is made.
PASSED_ON = {"exc.code", "verdict.why", "error.code"}
#: What a RuleViolation and a PermissionDenied add to the params themselves.
ADDED = {
    "RuleViolation": {"rule"},
    "PermissionDenied": {"bound"},
    "Refused": {"check"},
    "AlreadySigned": {"handover"},
}


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


@functools.cache
def _modules(root: Path = STORE) -> list[tuple[str, ast.Module]]:
    """Every module under ``root`` (the store's by default), parsed once per test process."""
    return [
        (path.relative_to(root).as_posix(), parse_file(path)) for path in sorted(root.rglob("*.py"))
    ]


def _calls(tree: ast.Module) -> Iterator[tuple[ast.Call, ast.FunctionDef | None]]:
    """Every construction of a typed error, with the function it is in."""

    def visit(node: ast.AST, inside: ast.FunctionDef | None) -> Iterator[tuple[ast.Call, ...]]:
        for child in ast.iter_child_nodes(node):
            here = child if isinstance(child, ast.FunctionDef) else inside
            if isinstance(child, ast.Call) and _name(child) in TYPED:
                yield child, inside
            yield from visit(child, here)

    yield from visit(tree, None)  # type: ignore[misc]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _constants(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _codes_of(call: ast.Call, inside: ast.FunctionDef | None, tree: ast.Module) -> list[str]:
    """The codes a construction can carry: a literal, either branch of a conditional, the
    literals assigned to a local ``code``, or the literal a helper whose parameter ``code`` it
    passes on is called with."""
    node = _keyword(call, "code")
    assert node is not None
    found = _constants(node)
    if found is not None:
        return found
    if ast.unparse(node) in PASSED_ON:
        return []
    assert isinstance(node, ast.Name) and inside is not None, ast.unparse(node)
    params = [a.arg for a in inside.args.args]
    if node.id in params:  # a helper: the literals it is called with
        index = params.index(node.id)
        return [
            c.args[index].value
            for c in ast.walk(tree)
            if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Name)
            and c.func.id == inside.name
            and len(c.args) > index
            and isinstance(c.args[index], ast.Constant)
        ]
    return [
        value
        for a in ast.walk(inside)
        if isinstance(a, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)
        for value in (_constants(a.value) or [])
    ]


def _owned_by_others(module: str) -> bool:
    return module.startswith(OWNED_BY_OTHERS)


def _message(call: ast.Call) -> str:
    first = call.args[-1] if call.args else None
    return first.value if isinstance(first, ast.Constant) else ""


def test_every_typed_error_carries_a_code() -> None:
    missing = [
        f"store/{module}:{call.lineno}"
        for module, tree in _modules()
        if not _owned_by_others(module)
        for call, _inside in _calls(tree)
        if _keyword(call, "code") is None and (module, _message(call)) not in INTERNAL
    ]
    assert missing == []


#: The positionals a typed error takes before its keyword facts: none but the rule, the check,
#: and the signed handover's id and name; a sentence has no place to go (issue 15, item 6).
POSITIONALS = {"RuleViolation": 1, "Refused": 1, "AlreadySigned": 2}
FACES = ("store", "commands", "console")


def test_no_store_error_is_built_with_a_sentence() -> None:
    """Store, command line and console build a store error from a code and facts only: no
    positional beyond the rule or check (where a sentence stood), no ``message=``; the words
    are the faces' (``words/errors.py``, ``commands/refusals.py``)."""
    built = [
        (f"{face}/{module}:{call.lineno}", ast.unparse(call)[:80])
        for face in FACES
        for module, tree in _modules(STORE.parent / face)
        for call, _inside in _calls(tree)
        if len(call.args) > POSITIONALS.get(_name(call) or "", 0)
        or _keyword(call, "message") is not None
    ]
    assert built == []


def test_a_store_errors_text_is_its_code_and_facts() -> None:
    """``str(error)`` is for a log: the code and its facts, never a sentence."""
    from store.sync.bundle import Refused

    assert str(BadInput(code="unknown_unit", given="XX", known=["RT"])) == (
        "unknown_unit (given='XX', known=['RT'])"
    )
    assert str(Refused("size", code="bundle_too_big", size=9)) == (
        "bundle_too_big (check='size', size=9)"
    )
    assert str(StoreError(code="busy")) == "busy"


def test_a_code_without_words_is_said_by_its_code_and_facts() -> None:
    """Should a code have no words (the scan below keeps that from happening), the faces say
    the code and its facts rather than fail or fall back on English the store no longer has."""
    odd = BadInput(code="no_such_code_yet", given="x")
    assert sentence(odd) == "Refused: no_such_code_yet (given='x'). Nothing was changed."


def _raised() -> dict[str, list[tuple[str, set[str] | None]]]:
    """Code → (where, the params its raise site passes; None when they are spread from a
    dict) for every code raised in store/."""
    codes: dict[str, list[tuple[str, set[str] | None]]] = {}
    for module, tree in _modules():
        for call, inside in _calls(tree):
            if _keyword(call, "code") is None:
                continue
            names = {str(k.arg) for k in call.keywords if k.arg not in (None, "code")}
            code = _keyword(call, "code")
            spread = any(k.arg is None for k in call.keywords) or not isinstance(
                code, ast.Constant | ast.IfExp
            )
            given = None if spread else names | ADDED.get(_name(call) or "", set())
            for code in _codes_of(call, inside, tree):
                codes.setdefault(code, []).append((f"store/{module}:{call.lineno}", given))
    return codes


def test_every_code_raised_has_words() -> None:
    raised = _raised()
    assert len(raised) > 250  # the scan finds the store's codes
    without = sorted(set(raised) - set(SENTENCES) - CODES_WITHOUT_WORDS)
    assert without == []
    assert set(raised) - set(SENTENCES) >= CODES_WITHOUT_WORDS  # shrink it when words come
    for code in CODES_WITHOUT_WORDS:
        assert all(_owned_by_others(w.removeprefix("store/")) for w, _ in raised[code])


class _Any(str):
    """A param of any shape: text that is also a time (the clock's helpers take it as the
    moment it names), formats with any spec."""

    def __new__(cls) -> _Any:
        return super().__new__(cls, "2026-11-30T12:00:00Z")

    def __format__(self, spec: str) -> str:
        return str(self)

    def astimezone(self, zone: tzinfo | None = None) -> datetime:
        return clock.from_db(str(self)).astimezone(zone)


#: Codes whose words read params a literal cannot stand for (typed facts, a list of problems):
#: worded through the real store calls in their own tests (test_deploy*, test_suggest*).
STRUCTURED = {"not_deployed", "concept_misfits_deployed", "option_would_not_work", "option_changed"}
_OPTION = re.compile(r"(?<![\w-])--[a-z]")


def test_each_code_is_worded_from_the_params_its_raise_sites_pass() -> None:
    checked = 0
    for code, sites in sorted(_raised().items()):
        if code not in SENTENCES or code in STRUCTURED:
            continue
        for where, given in sites:
            if given is None:  # spread from a dict: worded through the real calls below
                continue
            try:
                words = SENTENCES[code]({name: _Any() for name in given})
            except KeyError as missing:
                pytest.fail(f"{where}: the words of {code} need {missing}, not passed there")
            assert words and not _OPTION.search(words), (where, words)
            checked += 1
    assert checked > 250


# Through the real store calls: each refusal worded from its facts -------------------------------


def _words_of(refusal: pytest.ExceptionInfo[StoreError]) -> str:
    error = refusal.value
    assert error.code in SENTENCES, error.code
    return sentence(error)


@pytest.mark.parametrize(
    ("start", "end", "given"),
    [
        ("2026-11-30T12:00", "2026-11-30T11:00", (False, True)),
        ("2026-11-30T12:00", "2026-11-30T12:00", (False, True)),
        ("2026-11-30T12:00", "2026-11-30T11:00", (True, False)),
        ("2026-11-30T12:00", "2026-11-30T12:00", (True, False)),
        ("2026-11-30T12:00", "2026-11-30T12:00", (True, True)),
        ("2026-11-30T12:00", "2026-11-30T11:00", (True, True)),
    ],
)
def test_a_period_refusal_in_words(start: str, end: str, given: tuple[bool, bool]) -> None:
    first, last = (datetime.fromisoformat(t).replace(tzinfo=UTC) for t in (start, end))
    with pytest.raises(BadInput) as refused:
        validate.period(first, last, names=("--from", "--to"), given=given)
    assert _words_of(refused)


_CLOCK = clock.FixedClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "check",
    [
        lambda: validate.text("x" * 5, "The note", max_len=4),
        lambda: validate.line("a\u202eb", "The authority"),
        lambda: validate.line("\u0441alendar", "The place"),
        lambda: validate.number(float("nan"), "The FTE", low=0, high=1),
        lambda: validate.number_text("1e-400", "The FTE", low=0, high=1),
        lambda: validate.choice("x", "The kind", ("work", "private")),
        lambda: validate.stored_time("2026-02-30T00:00:00Z", "The start"),
        lambda: clock.parse_time("2100-01-01 09:00", _CLOCK),
        lambda: clock.parse_date("31-12-2026", _CLOCK),
        lambda: clock.parse_time("2026-03-29 02:30", _CLOCK),
    ],
)
def test_an_input_check_in_words(check: object) -> None:
    with pytest.raises(BadInput) as refused:
        check()  # type: ignore[operator]
    assert _words_of(refused)


def test_store_refusals_in_words_write_nothing(store: Store, tmp_path: Path) -> None:
    before = snapshot(store.path)
    attempts = [
        lambda: staff.add_staff(store, "OPS-01", name="Twice", unit="RT"),
        lambda: subjects.add_subject(store, "bad code!", kind="person", domain="local", unit="RT"),
        lambda: capacity.check_changes(store, [capacity.Change.parse("lend:2:RT:XX")]),
        lambda: capacity.check_changes(store, [capacity.Change.parse("lend:2:RT:RT")]),
        lambda: capacity.Change.parse("lend:two:RT:AMS"),
        lambda: Store(tmp_path),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError) as refused:
            attempt()
        assert _words_of(refused)
    assert snapshot(store.path) == before


def test_the_command_line_words_a_code_its_own_way_or_not_at_all() -> None:
    """A code the command line words the same as every face is worded once (issue 15 rev15b:
    three codes were written twice): its own table holds only sentences that name options."""
    from commands.refusals import CLI_SENTENCES

    compared = 0
    for code, sites in sorted(_raised().items()):
        if code not in CLI_SENTENCES or code not in SENTENCES:
            continue
        for _where, given in sites:
            if given is None:
                continue
            params = {name: _Any() for name in given}
            assert CLI_SENTENCES[code](params) != SENTENCES[code](params), code
            compared += 1
    assert compared > 20


#: Command-line codes whose words read counts and lists: worded from real facts below.
CLI_STRUCTURED = {"sent_malformed", "import_not_clean"}


def test_the_command_lines_counted_refusals_are_worded_from_their_facts() -> None:
    from commands.refusals import refusal
    from store.errors import IntegrityFailure

    clean = dict(refused=0, files=2, quarantined=0, set_aside=0, alarms=0, over_limit=0)
    words = refusal(IntegrityFailure(code="import_not_clean", **{**clean, "refused": 1}))
    assert words == "1 of 2 bundles was refused."
    facts = {**clean, "quarantined": 3, "alarms": 1}
    words = refusal(IntegrityFailure(code="import_not_clean", **facts))
    assert words.startswith("3 changes were quarantined (never applied;")
    assert "; 1 alarm about an audit trail" in words
    records = [[7, "x"], [8, "y"], [9, "z"]]
    words = refusal(IntegrityFailure(code="sent_malformed", count=4, records=records))
    assert words.startswith("This laptop's change log holds 4 records no Schildwacht wrote (#7 (")
    assert "), #9 (" in words and " …):" in words


def test_every_refusal_the_command_line_raises_has_a_code_and_words() -> None:
    """Not only the store's: a refusal of an option, the environment or the output raised in
    commands/ carries a code, worded in commands/refusals.py or words/errors.py, so the
    command line never prints a sentence that skipped the translation (rev15b: 17 did)."""
    from commands.refusals import CLI_SENTENCES

    missing, unworded, checked = [], [], 0
    for module, tree in _modules(COMMANDS):
        for call, inside in _calls(tree):
            if _keyword(call, "code") is None:
                missing.append(f"commands/{module}:{call.lineno}")
                continue
            given = {str(k.arg) for k in call.keywords if k.arg not in (None, "code")}
            for code in _codes_of(call, inside, tree):
                checked += 1
                words = CLI_SENTENCES.get(code) or SENTENCES.get(code)
                if words is None:
                    unworded.append(f"commands/{module}:{call.lineno} {code}")
                elif code not in CLI_STRUCTURED and all(k.arg is not None for k in call.keywords):
                    words({name: _Any() for name in given})  # its params make its words
    assert missing == []
    assert unworded == []
    assert checked > 15


def test_every_code_the_console_raises_has_words() -> None:
    """The console's store errors (a refusal it makes from the store's facts) are worded like
    the store's; its forms' own refusals are ``Unfit``, already in words."""
    codes = [
        (f"console/{module}:{call.lineno}", code)
        for module, tree in _modules(STORE.parent / "console")
        for call, inside in _calls(tree)
        if _keyword(call, "code") is not None
        for code in _codes_of(call, inside, tree)
    ]
    assert codes  # the scan finds them
    assert [(where, code) for where, code in codes if code not in SENTENCES] == []
