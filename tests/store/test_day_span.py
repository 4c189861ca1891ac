"""An activity's times as read on one day (issue 14, rev14 multiday.sh): a start or an end on
another day carries its date, so a three-day activity never reads as a span of one day."""

from __future__ import annotations

from datetime import date, datetime

from store import clock
from store.clock import day_span
from store.db import Store
from store.handover import draft_handover, handover_facts
from tests.conftest import at
from words.handover import handover_markdown, item_text


def _t(text: str) -> datetime:
    """An ISO-8601 moment with its offset (as the cases are written) as an aware datetime."""
    return datetime.fromisoformat(text)


THREE_DAYS = (_t("2026-11-28T06:00:00+01:00"), _t("2026-12-01T05:30:00+01:00"))


def test_each_day_of_a_three_day_activity_names_the_other_days() -> None:
    start, end = THREE_DAYS
    assert day_span(start, end, date(2026, 11, 28)) == "06:00–12-01 05:30"
    assert day_span(start, end, date(2026, 11, 29)) == "11-28 06:00–12-01 05:30"
    assert day_span(start, end, date(2026, 11, 29), short=True) == "11-28–12-01 05:30"
    assert day_span(start, end, date(2026, 12, 1), short=True) == "11-28 06:00–05:30"


def test_one_day_and_its_midnight_end_read_as_before() -> None:
    assert day_span(_t("2026-11-28T06:00:00Z"), _t("2026-11-28T07:00:00Z")) == "07:00–08:00"
    assert day_span(_t("2026-11-28T22:00:00Z"), _t("2026-11-28T23:00:00Z")) == "23:00–00:00"


def test_the_spring_night_reads_differently_on_its_two_days() -> None:
    start, end = _t("2027-03-27T03:00:00+01:00"), _t("2027-03-28T03:30:00+02:00")
    assert day_span(start, end, date(2027, 3, 27), short=True) == "03:00–03-28 03:30"
    assert day_span(start, end, date(2027, 3, 28), short=True) == "03-27 03:00–03:30"


def test_the_autumn_nights_repeated_hour_carries_its_offset() -> None:
    """02:30 happens twice on 2027-10-31: an hour from the first to the second read
    "02:30–02:30" on the Agenda (issue 17, console13)."""
    start, end = _t("2027-10-31T02:30:00+02:00"), _t("2027-10-31T02:30:00+01:00")
    assert day_span(start, end) == "02:30+02–02:30+01"
    assert day_span(start, end, short=True) == "02:30+02–02:30+01"
    assert day_span(start, end, date(2027, 10, 30)) == "10-31 02:30+02–10-31 02:30+01"
    assert day_span(_t("2027-10-29T22:00:00+02:00"), end, date(2027, 10, 30), short=True) == (
        "10-29–10-31 02:30+01"
    )
    # the hours around it are read once: no offset
    assert (
        day_span(_t("2027-10-31T01:30:00+02:00"), _t("2027-10-31T03:30:00+01:00")) == "01:30–03:30"
    )


def test_new_year_is_named_without_the_year_and_far_dates_with_it() -> None:
    start, end = _t("2026-12-31T22:00:00+01:00"), _t("2027-01-01T02:00:00+01:00")
    assert day_span(start, end) == "22:00–01-01 02:00"
    assert day_span(start, end, date(2027, 1, 1)) == "12-31 22:00–02:00"
    assert (
        clock.day_moment(_t("2027-02-01T01:00:00+01:00"), date(2026, 12, 31)) == "2027-02-01 01:00"
    )


def test_the_handover_names_the_day_an_activity_across_the_change_ends(
    demo_store: Store,
) -> None:
    from store import agenda

    agenda.add_activity(
        demo_store,
        person="BEVER",
        title="Driedaagse",
        start=at(demo_store, "2026-11-28 06:00"),
        end=at(demo_store, "2026-12-01 05:30"),
    )
    content = handover_facts(
        draft_handover(
            demo_store, at(demo_store, "2026-11-28 23:00"), at(demo_store, "2026-11-29 07:00")
        )
    )
    across = next(i for i in content["situation"] if i["kind"] == "across")
    assert "'Driedaagse' until 12-01 05:30" in item_text("situation", across)
    period = next(i for i in content["identify"] if i["kind"] == "period")
    assert item_text("identify", period).startswith("Period 2026-11-28 23:00–11-29 07:00;")
    assert "# Handover 2026-11-28 23:00 – 11-29 07:00" in handover_markdown(content)
