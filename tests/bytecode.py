"""Bytecode kept for the test run; loaded as a pytest plugin (``-p tests.bytecode`` in the
addopts of pyproject.toml) so that it acts before pytest imports its other plugins."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def keep_bytecode() -> None:
    """Compile each module once per run, not once per process, when PYTHONDONTWRITEBYTECODE
    is set (as on the machines the suite runs on): the bytecode goes to .pytest_cache/pycache
    (git-ignored, out of the source tree, which is what that setting keeps clean) instead of
    nowhere. Without it, each xdist worker compiled store/, commands/, console/ and rewrote
    every test module, and every CLI test in its own process compiled what it imports
    (~0.5 s of CPU each). Set before the workers start, so they and their subprocesses
    inherit it.

    Set before pytest loads the plugins of installed packages, too: pytest rewrites the
    asserts of every module of such a package (hypothesis, syrupy, pytest-textual-snapshot:
    ~110 modules) and, with bytecode forbidden, did so anew in every run (~0.9 s of CPU
    before the first test). Idempotent: a second call finds the setting gone."""
    if not os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        return
    prefix = str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "pycache")
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    sys.pycache_prefix = prefix
    sys.dont_write_bytecode = False


keep_bytecode()
