"""Every command in the lazy table exists, and the table lists every command module's commands."""

from __future__ import annotations

import importlib
import pkgutil

import commands
from commands.cli import LAZY_COMMANDS, LAZY_SUBCOMMANDS


def test_lazy_table_matches_the_command_modules() -> None:
    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"commands.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            defined[command.name] = info.name
    assert defined == LAZY_COMMANDS


def test_every_module_of_subcommands_is_added_to_its_group() -> None:
    extra = {
        info.name
        for info in pkgutil.iter_modules(commands.__path__)
        if hasattr(importlib.import_module(f"commands.{info.name}"), "SUBCOMMANDS")
    }
    assert extra == {m for modules in LAZY_SUBCOMMANDS.values() for m in modules}
