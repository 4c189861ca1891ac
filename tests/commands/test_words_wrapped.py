"""Every sentence the command line says to a person goes through the translation function
(STYLE.md: words for people; issue 15 point 6): an AST scan of commands/ for text passed to
what prints it (``info``, ``created``, ``click.echo``, a prompt, click's own refusals) and
for an option's ``help=``, written outside ``_()`` / ``ngettext()``. Data is not words: a text
with no letters outside its ``{places}`` (``"{0}: {1}"``, ``"; "``) passes, as do the few
texts on ``ALLOWED``. A command's ``--help`` (its docstring) goes through ``_()`` as the
command is loaded (``cli.worded``): checked with a catalogue that marks what it translates."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from tests.source import parse_file

COMMANDS = Path(__file__).parents[2] / "commands"

#: Calls that show their text to a person: name → the positions of the text arguments.
SINKS = {
    "info": (0,),
    "created": (1,),
    "echo": (0,),
    "secho": (0,),
    "confirm": (0,),
    "prompt": (0,),
    "BadParameter": (0,),
    "UsageError": (0,),
    "ClickException": (0,),
    "Abort": (0,),
    "OneLineError": (0,),
    "fail": (0,),
    "print": (0,),
    "write": (0,),  # sys.stderr.write
    "_done": (1,),  # signals_cmd: a signal's step done, said
    "progressbar": (),
}
#: The store's errors raised in commands/: their first argument is the English said where no
#: words are known for the code (``commands/refusals.py`` words every code).
ERRORS = {"StoreError", "BadInput", "NotFound", "RuleViolation", "PermissionDenied",
          "IntegrityFailure", "MachineFault"}  # fmt: skip
#: Calls whose text is translated: their arguments are words already.
TRANSLATED = {"_", "ngettext"}
#: Texts with words built outside ``_()`` that are not said to a person as a sentence:
#: ``file: the text's start`` → why.
ALLOWED: dict[str, str] = {
    "cli.py: f'commands.{": "a module's dotted name",
    "cli.py: f'`{visible(error.ctx.command_path)} --help`'": "a command line to type",
    "jsonout.py: f'not serialisable: ": "a TypeError for the programmer (json.dumps' default)",
    "log_cmd.py: f'{entry.author} via {entry.signed_by}'": "data: a JSON field (who signed)",
    "signals_cmd.py: f'{signal.reporter} via {signal.signed_by}'": "data: a JSON field",
    "subjects_cmd.py: f'threat level {exp.rule.level}": "data: the JSON field ``rule``",
}

_PLACES = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _words(text: str) -> bool:
    """Whether a literal holds words (two letters or more outside its ``{places}``)."""
    return bool(_WORD.search(_PLACES.sub("", text)))


def _untranslated(node: ast.AST) -> list[ast.AST]:
    """The literals with words in an expression that no ``_()`` / ``ngettext()`` wraps."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and _words(node.value) else []
    if isinstance(node, ast.JoinedStr):
        found = [v for v in node.values if isinstance(v, ast.Constant) and _words(str(v.value))]
        found = found[:1]
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                found += _untranslated(value.value)
        return found
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in TRANSLATED:
            return []
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join", "strip"):
            found = _untranslated(func.value)
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found += _untranslated(arg)
            return found
    return []


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@functools.cache
def _found() -> tuple[str, ...]:
    found = []
    for path in sorted(COMMANDS.glob("*.py")):
        tree = parse_file(path)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _name(call)
            texts: list[ast.AST] = [k.value for k in call.keywords if k.arg == "help"]
            if name in SINKS:
                texts = [call.args[i] for i in SINKS[name] if i < len(call.args)]
                texts += [k.value for k in call.keywords if k.arg in ("message", "text", "label")]
            for text in texts:
                for literal in _untranslated(text):
                    where = f"{path.name}:{literal.lineno}"
                    if where not in ALLOWED:
                        found.append(f"{where} {ast.unparse(literal)[:60]}")
    return tuple(found)


def _inside(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    """Why a text is no sentence built here: inside ``_()``, a store error's English (its
    first argument), or ``""`` when neither."""
    child, node = node, parents.get(node)  # type: ignore[assignment]
    while node is not None:
        if isinstance(node, ast.Call):
            name = _name(node)
            if name in TRANSLATED:
                return "translated"
            if name in ERRORS and node.args and node.args[0] is child:
                return "a store error's English"
        child, node = node, parents.get(node)  # type: ignore[assignment]
    return ""


@functools.cache
def _formatted() -> tuple[str, ...]:
    """f-strings with words anywhere in commands/ that are not inside ``_()`` (nor a store
    error's English), and not on ``ALLOWED``."""
    found = []
    for path in sorted(COMMANDS.glob("*.py")):
        tree = parse_file(path)
        parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
            if not _WORD.search(text) or _inside(node, parents):
                continue
            said = f"{path.name}: {ast.unparse(node)}"
            if not any(said.startswith(allowed) for allowed in ALLOWED):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:70]}")
    return tuple(found)


def test_every_sentence_for_a_person_goes_through_the_translation_function() -> None:
    assert list(_found()) == []


def test_no_sentence_is_built_outside_the_translation_function() -> None:
    """A sentence put together in an f-string and said later (a variable, a helper's return)
    escapes the scan of what is printed: no f-string with words outside ``_()``."""
    assert list(_formatted()) == []
    listed = {f"{p.name}: " for p in COMMANDS.glob("*.py")}
    assert all(any(a.startswith(p) for p in listed) for a in ALLOWED)  # each names a file


def test_the_scan_finds_an_untranslated_sentence() -> None:
    for code in (
        'info("Nothing to do.")',
        'info(f"{n} rows imported")',
        'click.echo("Done: " + name)',
        'info(_("x") if a else "Nothing")',
        'info("{n} left".format(n=1))',
        'click.option("--unit", help="Only this unit.")',
    ):
        call = ast.parse(code, mode="eval").body
        assert isinstance(call, ast.Call)
        said = call.keywords[0].value if call.keywords else call.args[0]
        assert _untranslated(said), code
    for code in (
        'info(_("Nothing to do."))',
        'info(f"{sender}/{name}: ")',
        'info(ngettext("{n} row", "{n} rows", n).format(n=n))',
        'info("; ".join(parts))',
        "info(said(notice))",
        'info(_("{a}: {b}").format(a=x, b=f"{y} ({z})"))',
    ):
        call = ast.parse(code, mode="eval").body
        assert isinstance(call, ast.Call) and not _untranslated(call.args[0]), code


_MARKED_HELP = r"""
import gettext, json, sys

class Marked(gettext.NullTranslations):
    def gettext(self, message):
        return "\u00ab" + message + "\u00bb"

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)

gettext.translation = lambda *args, **kwargs: Marked()
import click
from commands.cli import cli

found = []
seen = []

def walk(command, ctx):
    # a group's subcommands as ``--help`` finds them (the root's loaded lazily)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub.hidden:
                continue
            seen.append(name)
            short = sub.get_short_help_str(limit=1000)
            if short and not short.startswith("\u00ab"):
                found.append(f"{ctx.command_path} {name} (short): {short[:50]}")
            if sub.help and not sub.help.startswith("\u00ab"):
                found.append(f"{ctx.command_path} {name}: {sub.help[:50]}")
            walk(sub, click.Context(sub, info_name=name, parent=ctx))

root = click.Context(cli, info_name="schildwacht")
if not cli.help.startswith("\u00ab"):
    found.append("schildwacht: " + cli.help[:50])
walk(cli, root)
print(json.dumps({"found": found, "seen": len(seen)}))
"""


def test_every_commands_help_goes_through_the_translation_function() -> None:
    """shape15: a command's ``--help`` (its docstring) is words for a person too. With a
    catalogue that marks every text it translates, every command's help and its line in its
    group's list arrive marked (a fresh interpreter: the words are bound at import)."""
    import json
    import subprocess
    import sys

    ran = subprocess.run(
        [sys.executable, "-c", _MARKED_HELP],
        capture_output=True,
        text=True,
        check=True,
        cwd=COMMANDS.parent,
    )
    said = json.loads(ran.stdout)
    assert said["seen"] > 90  # every command and subcommand (99 now)
    assert said["found"] == []
