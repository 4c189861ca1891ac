"""The handover names a gap's qualification as people call it (its catalogue name, as the
lapsing-qualification line does), and counts of one read in the singular (issue 17, rev17d).
A handover signed before gaps carried the name keeps the code it was signed with."""

from __future__ import annotations

from datetime import UTC, datetime

from words.handover import item_text

START = datetime(2026, 12, 1, 14, tzinfo=UTC)
END = datetime(2026, 12, 1, 16, tzinfo=UTC)


def _gaps(**extra: object) -> dict:  # type: ignore[type-arg]
    gap = {"unit": "NH", "qualification": "object_guard", "shortfall": 2, "start": START,
           "end": END, **extra}  # fmt: skip
    return {"kind": "gaps", "count": 1, "ids": ["a"],
            "params": {"officer_hours": 4.0, "gaps": [gap], "more": False}}  # fmt: skip


def test_a_gap_names_its_qualification_by_the_catalogue_name() -> None:
    text = item_text("assessment", _gaps(name="Object guarding (objectbewaking)"))
    assert "NH Object guarding −2 15:00–17:00" in text
    assert "object_guard" not in text


def test_a_gap_signed_without_a_name_keeps_its_code() -> None:
    assert "NH object_guard −2 15:00–17:00" in item_text("assessment", _gaps())


def test_counts_of_one_are_singular() -> None:
    def said(kind: str, n: int) -> str:
        return item_text("assessment", {"kind": kind, "count": n, "ids": [], "params": {}})

    assert said("replan", 1) == "1 activity needs re-planning"
    assert said("replan", 2) == "2 activities need re-planning"
    assert said("replan_posts", 1).startswith("1 standing post below")
    assert said("replan_posts", 1).endswith("needs re-planning")
    assert said("replan_posts", 0).startswith("0 standing posts below")
