"""shape15 (issue 15): the judge's workflow checks each read one typed ``Step`` record, not the
same five loose arguments repeated per handler."""

from __future__ import annotations

import inspect

from store.sync import judge_signals


def test_every_step_check_takes_one_step_record() -> None:
    assert judge_signals._CHECKS  # the step tables with a check of their own
    for table, check in judge_signals._CHECKS.items():
        assert list(inspect.signature(check).parameters) == ["self", "step"], table
    assert judge_signals.Step._fields == ("values", "parent", "at", "author", "device_role")
