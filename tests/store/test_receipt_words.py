"""An import's receipt holds facts, not sentences (issue 15, item 6): read from the source.

Every warning, alarm and gap the store puts on a receipt (``receipt.warnings``,
``checked.receipt.alarms``, ``Receipt(warnings=...)``…) is a ``Notice`` built by
``notice(code, ...)``, never a string (an export's warnings too: ``Exported.warnings``,
typed so); every code built has a sentence in
``words/receipts.py`` and every sentence there a code the store builds. The receipt's own
fields are typed so (mypy holds the rest). The words themselves are checked through real
imports in the sync tests (``said_all``, the CLI's JSON ``texts``).
"""

from __future__ import annotations

import ast
import functools
import typing
from collections.abc import Iterator
from pathlib import Path

from store.sync.export import Exported
from store.sync.notice import Notice, notice
from store.sync.receipt import Receipt
from store.sync.status import Peer
from tests.source import parse_file
from words.receipts import SENTENCES, as_json, said

STORE = Path(__file__).resolve().parents[2] / "store"
ITEMS = {"warnings", "alarms", "gaps"}


@functools.cache
def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(STORE).as_posix(), parse_file(path))
        for path in sorted(STORE.rglob("*.py"))
    ]


def _receipt_item(node: ast.expr) -> bool:
    """``<…receipt…>.warnings`` (or alarms, gaps): a list on an import's receipt."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ITEMS
        and "receipt" in ast.unparse(node.value)
    )


def _added() -> Iterator[tuple[str, ast.expr]]:
    """Every value the store puts on a receipt's warnings, alarms or gaps, where."""
    for module, tree in _modules():
        for node in ast.walk(tree):
            where = f"store/{module}:{getattr(node, 'lineno', 0)}"
            if not isinstance(node, ast.Call):
                pass
            elif isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend"):
                if _receipt_item(node.func.value):
                    yield where, node.args[0]
            elif ast.unparse(node.func).split(".")[-1] == "Receipt":
                yield from ((where, k.value) for k in node.keywords if k.arg in ITEMS)
            if isinstance(node, ast.AugAssign) and _receipt_item(node.target):
                yield where, node.value


def _words(value: ast.expr) -> bool:
    """Whether an expression builds text: a literal, an f-string, a concatenation, ``str()``,
    ``join`` — or a list or generator of such."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(value, ast.Call):
        name = value.func.id if isinstance(value.func, ast.Name) else ""
        attr = value.func.attr if isinstance(value.func, ast.Attribute) else ""
        return name in ("str", "repr") or attr in ("join", "format")
    if isinstance(value, ast.List | ast.Tuple):
        return any(_words(e) for e in value.elts)
    if isinstance(value, ast.ListComp | ast.GeneratorExp):
        return _words(value.elt)
    return False


def _codes_built() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for module, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("notice", "Notice")
                and node.args
                and module != "sync/notice.py"  # the builder itself
                and module != "ics.py"  # a calendar's warnings: words/calendar.py (own test)
            ):
                first = node.args[0]
                if module == "witness.py" and not isinstance(first, ast.Constant):
                    continue  # ``read_alarm``: an alarm kept with a code of ``ALARM_CODES``
                assert isinstance(first, ast.Constant), f"store/{module}:{node.lineno}"
                codes.setdefault(str(first.value), []).append(f"store/{module}:{node.lineno}")
    return codes


def test_no_receipt_item_built_in_the_store_is_text() -> None:
    added = list(_added())
    assert len(added) >= 15  # the scan finds the receipts' appends
    assert [where for where, value in added if _words(value)] == []


def test_the_scan_would_see_a_sentence() -> None:
    """The scan is not blind: a sentence appended the old way is caught."""
    old = ast.parse('receipt.warnings.append(f"{label}\'s clock is ahead")').body[0]
    assert isinstance(old, ast.Expr) and isinstance(old.value, ast.Call)
    assert _words(old.value.args[0])
    assert _words(ast.parse('[f"Clash: {c}" for c in clashes]', mode="eval").body)


def test_every_code_built_has_words_and_every_sentence_a_code() -> None:
    built = _codes_built()
    assert len(built) >= 12
    assert sorted(set(built) - set(SENTENCES)) == []
    assert sorted(set(SENTENCES) - set(built)) == []


def test_the_receipt_an_export_and_a_peer_are_typed_as_facts() -> None:
    hints = typing.get_type_hints(Receipt)
    for item in ITEMS:
        assert hints[item] == list[Notice], item
    assert typing.get_type_hints(Exported)["warnings"] == list[Notice]
    assert typing.get_type_hints(Peer)["warnings"] == list[Notice]  # the sync status's


def test_a_notice_as_json_keeps_its_code_and_params() -> None:
    gap = notice("segment_missing", label="laptop-\u202eb", number=3)
    assert as_json(gap) == {
        "code": "segment_missing",
        "label": "laptop-\u202eb",  # the fact as it came; the words escape it
        "number": 3,
        "text": "laptop-\\u202eb: segment 3 missing",
    }
    assert said(notice("outside_roster", segments=1, devices=1)) == (
        "1 segment by 1 device outside this laptop's team roster was not taken in"
    )
