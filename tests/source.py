"""The syntax trees of the project's own source files, parsed once per test process.

About thirty scan tests (the code-shape rules, the words outside the store, the one time type,
the Textual API use…) each walked the trees of store/, commands/, console/ and words/, and each
parsed every file again: ~1 s of CPU per package scanned, ~20 s over the suite. A file is
parsed once per process and its tree shared; it is parsed again when the file changes (its
size or modification time). The trees are read, never changed: a scan that wants to annotate
nodes copies them first (none does now)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path


def parse_file(path: Path) -> ast.Module:
    """The syntax tree of a source file (as ``ast.parse(path.read_text(encoding="utf-8"))``),
    shared by every test of the process that reads the same file unchanged."""
    resolved = path.resolve()
    seen = resolved.stat()
    return _parsed(resolved, seen.st_mtime_ns, seen.st_size)


@cache
def _parsed(path: Path, _mtime_ns: int, _size: int) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))
