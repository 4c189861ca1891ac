"""The exit codes scripts depend on, in a module of their own: the fast listing
(``commands/fast.py``) ends its process with one without importing click."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """The exit codes scripts depend on (README: Exit codes)."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    FOUND = 3
    DENIED = 4
    INTEGRITY = 5
    MACHINE = 6
    INTERRUPTED = 130  # Ctrl-C: the shell's convention (128 + SIGINT)
