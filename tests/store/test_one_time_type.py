"""One time type (issue 15 point 1): records and facts carry aware UTC datetimes, text only at
the edges. The clock's display helpers take datetimes (stored text is converted once, with
``from_db``); a deployment problem's times are datetimes that its JSON writes as the stored UTC
text scripts always received (tests/store/test_travel_between_deployments.py); the handover's
overlap periods are ISO with the offset (tests/store/test_handover_overlap.py)."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import clock
from tests.source import parse_file

ROOT = Path(__file__).parents[2]
HELPERS = (clock.local, clock.local_iso, clock.local_text, clock.local_span, clock.hours_between)


@pytest.mark.parametrize("helper", HELPERS, ids=lambda f: f.__name__)
def test_the_clock_helpers_take_datetimes_not_stored_text(helper: Callable[..., object]) -> None:
    for name, parameter in inspect.signature(helper).parameters.items():
        if name != "with_date":
            assert "str" not in str(parameter.annotation), (helper, name)


def test_json_times_writes_datetimes_as_stored_utc_text_at_any_depth() -> None:
    moment = datetime(2026, 12, 1, 6, 55, tzinfo=UTC)
    local = moment.astimezone(clock.LOCAL_TZ)  # the same instant in Amsterdam: the same text
    facts = {"at": local, "list": [moment, ("x", moment)], "n": 3, "none": None}
    assert clock.json_times(facts) == {
        "at": "2026-12-01T06:55:00Z",
        "list": ["2026-12-01T06:55:00Z", ["x", "2026-12-01T06:55:00Z"]],
        "n": 3,
        "none": None,
    }


def test_no_store_or_command_passes_a_row_column_to_the_clock_helpers() -> None:
    """A row's column is stored text (or Any): the store and the commands convert it once
    (``from_db``) before a helper words it; mypy cannot see through a ``row[...]``."""
    names = {f.__name__ for f in HELPERS}
    found = []
    for folder in ("store", "commands"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(parse_file(path)):
                if not isinstance(node, ast.Call):
                    continue
                called = node.func.id if isinstance(node.func, ast.Name) else None
                if called in names and any(_column(a) for a in node.args):
                    found.append(f"{path}:{node.lineno}")
    assert not found, found


def _column(node: ast.expr) -> bool:
    """``row["start_at"]``: a subscript by a name in quotes."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
        return False
    return isinstance(node.slice.value, str)


def test_a_conflicts_time_values_are_read_by_the_store_not_the_faces() -> None:
    """rev15b: the command line and the console read a conflict's stored times with
    ``from_db``; ``Conflict.moment`` reads them once, in the store."""
    from store.sync.status import Conflict

    def conflict(column: str) -> Conflict:
        at = datetime(2026, 11, 28, 9, tzinfo=UTC)
        return Conflict("c", "activity", "r", column, [], at, None, None, None, "x")

    moment = conflict("start_at").moment("2026-11-28T18:00:00Z")
    assert moment == datetime(2026, 11, 28, 18, tzinfo=UTC)
    assert conflict("start_at").moment("not a time") is None  # a bundle's value, shown as is
    assert conflict("start_at").moment(None) is None
    assert conflict("title").moment("2026-11-28T18:00:00Z") is None  # a title, not a time
    assert not any(
        "from_db" in (ROOT / face).read_text(encoding="utf-8")
        for face in (
            "commands/sync_cmd.py",
            "console/screens/sync.py",
            "console/screens/handover.py",
            "words/findings.py",
            "words/handover.py",
            "words/quarantine.py",
        )
    )


#: A public store function's parameter with one of these names is a time.
_TIME_NAMES = ("now", "at", "moment", "start", "end", "since", "until", "when", "span", "now_ms")
#: The three that keep text or a number on purpose (their docstrings and commit say why): an
#: audit row's own stored text is what its hash covers; name claims are ordered by the text
#: every laptop received; a witness statement's ``sent_at`` is a sync clock stamp.
_TEXT_ON_PURPOSE = {("db", "audit_hash"), ("judge", "claim"), ("witness", "statement")}


def test_store_now_is_an_aware_utc_datetime(store: object) -> None:
    from store.db import Store

    assert isinstance(store, Store)
    now = store.now()
    assert isinstance(now, datetime) and now.utcoffset() is not None
    assert not hasattr(store, "now_ms")  # the sync clock's wall part is clock.epoch_ms(now)


def test_no_public_store_function_takes_a_time_as_text_or_a_number() -> None:
    """Issue 15 point 1: every public store function takes aware UTC datetimes; text and epoch
    numbers exist only at SQL rows, JSON and the screen."""
    found = []
    for path in sorted((ROOT / "store").rglob("*.py")):
        for node in ast.walk(parse_file(path)):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if (path.stem, node.name) in _TEXT_ON_PURPOSE:
                continue
            for arg in node.args.args + node.args.kwonlyargs:
                timed = arg.arg in _TIME_NAMES or arg.arg.endswith("_at")
                shape = ast.unparse(arg.annotation) if arg.annotation is not None else ""
                if timed and re.search(r"\b(str|int)\b", shape):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    assert not found, found


#: The modules that may convert a datetime to or from an epoch number themselves, and why.
_EPOCH_ALLOWED = {
    # the one home of the conversions: epoch_ms / from_epoch_ms (the sync clock's wall part),
    # epoch_seconds / from_epoch (the gap sweep's unit)
    "store/clock.py",
}
_EPOCH_CALLS = {"timestamp", "fromtimestamp", "utcfromtimestamp"}


def test_epoch_conversions_go_through_the_clock() -> None:
    """Issue 15 (shape15): a time becomes a number (``.timestamp()``) or a number a time
    (``datetime.fromtimestamp``) only in store/clock.py, through ``epoch_seconds``,
    ``from_epoch``, ``epoch_ms`` and ``from_epoch_ms``; everyone else calls those."""
    found = []
    for folder in ("store", "commands", "console", "words", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in _EPOCH_ALLOWED:
                continue
            for node in ast.walk(parse_file(path)):
                func = node.func if isinstance(node, ast.Call) else None
                if isinstance(func, ast.Attribute) and func.attr in _EPOCH_CALLS:
                    found.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    assert not found, found


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the autumn change's repeated hour
        datetime(2099, 12, 31, 22, 59, 59, tzinfo=UTC),
    ],
)
def test_the_epoch_helpers_are_each_others_inverse(moment: datetime) -> None:
    assert clock.from_epoch(clock.epoch_seconds(moment)) == moment
    assert clock.from_epoch_ms(clock.epoch_ms(moment)) == moment
    amsterdam = moment.astimezone(clock.LOCAL_TZ)  # the same instant: the same number
    assert clock.epoch_seconds(amsterdam) == clock.epoch_seconds(moment)
    assert clock.from_epoch(clock.epoch_seconds(moment)).utcoffset() == timedelta(0)


def test_officer_hours_are_computed_in_one_place() -> None:
    """shape15: ``gaps.officer_hours`` is the one product of officers and elapsed seconds
    divided by 3600; ``Gap.shortfall_hours``, capacity's totals and a suggestion's own share
    call it. A ``(x * y) / 3600`` anywhere else is that formula again."""
    from store import gaps

    found = []
    for folder in ("store", "commands", "console", "words"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(parse_file(path)):
                if (
                    isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Div | ast.FloorDiv)
                    and isinstance(node.left, ast.BinOp)
                    and isinstance(node.left.op, ast.Mult)
                    and isinstance(node.right, ast.Constant)
                    and node.right.value == 3600
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    (source,) = (f for f in found if f.startswith("store/gaps.py"))
    assert "officers * seconds / 3600" in source, found
    assert len(found) == 1, found
    row = gaps.Gap(
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 7, tzinfo=UTC),  # a night across the autumn change: 9 real hours
        "U",
        "Q",
        3,
        1,
        2,
        (),
        (),
    )
    assert row.shortfall_hours == gaps.officer_hours(2, 9 * 3600) == 18.0
