"""The first shift of 1970 hands over through the CLI like the last shift of 2099 does."""

from __future__ import annotations

import pytest

from tests.commands.conftest import Run


@pytest.mark.parametrize("now", ["1969-12-31T23:30:00Z", "2099-12-31T22:45:00Z"])
def test_the_first_and_last_shift_of_the_range_draft_and_sign(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, now: str
) -> None:
    """Before: at 1970-01-01 00:30 Amsterdam both exited 2 (the shift began in 1969)."""
    monkeypatch.setenv("SCHILDWACHT_NOW", now)
    drafted = initialised("handover", "draft")
    assert drafted.exit_code == 0, drafted.stderr
    signed = initialised("handover", "sign")
    assert signed.exit_code == 0, signed.stderr
    assert "Handover signed by OPS-01" in signed.output


@pytest.mark.parametrize(
    "typed", ["2026-12-01 1:00", "2026-12-01T7:00", "today 7:00", "Tomorrow 9:30"]
)
def test_a_one_digit_hour_is_refused_like_other_unaccepted_forms(
    initialised: Run, typed: str
) -> None:
    """Before: accepted, though the README documents HH:MM and says "Nothing else"."""
    done = initialised("activity", "list", "--from", typed)
    assert done.exit_code == 2
    assert f"'{typed}' is not a time; use 'YYYY-MM-DD HH:MM'" in done.stderr
