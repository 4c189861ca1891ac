"""Counted words: one form for one, another for many ("1 gap", never "1 gaps")."""

from __future__ import annotations

from words import counts


def test_one_and_many_read_right() -> None:
    assert counts.gaps_summary(1, 1) == "1 gap; 1 activity without a concept"
    assert counts.gaps_summary(0, 2) == "0 gaps; 2 activities without a concept"
    assert counts.replan_needed(1) == "1 activity now needs re-planning (rule R1)."
    assert counts.replan_needed(3) == "3 activities now need re-planning (rule R1)."
    assert counts.bundle_written(1, 1, 1) == (
        "Bundle written: 1 change in 1 segment, encrypted to 1 device."
    )
    assert counts.bundle_written(0, 0, 2) == (
        "Bundle written: 0 changes in 0 segments, encrypted to 2 devices."
    )
    assert counts.changes(1) == "1 change"
    assert counts.deferred_waiting(1, "laptop-b") == "Deferred: 1 change of laptop-b waits here"
    assert counts.deferred_waiting(4, "laptop-b") == "Deferred: 4 changes of laptop-b wait here"
    assert counts.refused_of(1, 3) == "1 of 3 bundles was refused"
    assert counts.refused_of(2, 3) == "2 of 3 bundles were refused"


def test_one_bad_line_and_one_refusal_read_right() -> None:
    """The review's "1 bad lines" (a roster refused whole)."""
    from words.errors import SENTENCES

    bad = {"line": 3, "code": "roster_line_fields", "params": {}}
    one = {"file": "r.csv", "count": 1, "lines": [bad]}
    assert SENTENCES["roster_bad_lines"](one) == (
        "r.csv: nothing imported, 1 bad line: line 3: more fields than the columns "
        "callsign,start,end."
    )
    two = {**one, "count": 2}
    assert "2 bad lines" in SENTENCES["roster_bad_lines"](two)
    assert counts.counted(1, "{n} shift", "{n} shifts") == "1 shift"
