"""No public record of the store carries epoch numbers without saying so (issue 15 point 1,
issue 16): a public class whose time field is a plain ``int`` names the unit — epoch seconds —
in its docstring (``gaps.Need`` and ``gaps.Duty``, the sweep's fast internal form); every other
record carries aware UTC datetimes. The gap computation's own internal forms are private
(``gaps._Stay``, ``gaps._Run``, ``gaps._Entry``)."""

from __future__ import annotations

import ast
from pathlib import Path

from store import gaps

ROOT = Path(__file__).parents[2]
TIME_NAMES = {"start", "end", "at", "leave", "arrive", "back", "since", "until", "moment"}


def _epoch_fields(source: str) -> dict[str, tuple[list[str], str]]:
    """Per public class of ``source``: its fields typed ``int`` whose names are times, and its
    docstring."""
    found = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        names = [
            s.target.id
            for s in node.body
            if isinstance(s, ast.AnnAssign)
            and isinstance(s.target, ast.Name)
            and ast.unparse(s.annotation) == "int"
            and (s.target.id in TIME_NAMES or s.target.id.endswith(("_at", "_start", "_end")))
        ]
        if names:
            found[node.name] = (names, ast.get_docstring(node) or "")
    return found


def test_public_records_with_epoch_times_say_so() -> None:
    unsaid = []
    seen = set()
    for path in sorted((ROOT / "store").rglob("*.py")):
        for name, (fields, doc) in _epoch_fields(path.read_text(encoding="utf-8")).items():
            seen.add(name)
            if "epoch seconds" not in " ".join(doc.split()):
                unsaid.append(f"{path.relative_to(ROOT)}: {name} {fields}")
    assert not unsaid, unsaid
    assert {"Need", "Duty"} <= seen  # the scan reaches them


def test_the_scan_finds_a_record_that_does_not_say_so() -> None:
    source = 'class Leg:\n    """A trip."""\n\n    start: int\n    end: int\n'
    assert _epoch_fields(source) == {"Leg": (["start", "end"], "A trip.")}


def test_the_sweeps_internal_forms_are_private() -> None:
    assert not {"Run", "Entry", "Stay"} & set(vars(gaps))
