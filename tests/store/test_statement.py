"""The person's weekly statement (issue 20): their own week — requested, facilitated, minutes
moved, cancellations by reason, work and private apart, what changed and why — and nothing of
the protection: no officer, deployment, concept or its staffing, signal or log entry, in any
format. Hostile titles stay text; both clock changes read right."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from store import agenda, catalogue, logbook, requests, roster, signals, staffing, subjects
from store.db import Store
from store.errors import BadInput
from store.statement import weekly_statement
from words import statement as words

WEEK = "2026-W49"  # Monday 30 November to Sunday 6 December 2026


def _all_formats(store: Store, person: str, week: str) -> list[str]:
    found = weekly_statement(store, person, week)
    return [json.dumps(words.as_json(found)), words.as_markdown(found), words.as_html(found)]


def test_a_week_full_of_protection_shows_none_of_it(demo_store: Store) -> None:
    store = demo_store
    week = agenda.list_activities(store, person="BEVER", start=datetime(2026, 11, 30, tzinfo=UTC),
                                  end=datetime(2026, 12, 7, tzinfo=UTC))  # fmt: skip
    ahead = [a for a in week if a.start_at > store.clock.now() + timedelta(days=3)]
    # a move whose note names an officer, a cancellation, signals and log entries of the week
    moved = agenda.restrict_activity(
        store, ahead[0].id, kind="moved", reason="capacity", authority="Burgemeester",
        note="RT-0140 ingezet, ESCORT tekort", new_start=ahead[0].start_at + timedelta(hours=1),
        new_end=ahead[0].end_at + timedelta(hours=1),
    )  # fmt: skip
    agenda.restrict_activity(store, ahead[1].id, kind="cancelled", reason="threat",
                             authority="OvJ Havenstad")  # fmt: skip
    raised = [
        signals.raise_signal(store, f"SIGNAALTEKST-{n} auto bij {a.location}", category="vehicle",
                             urgency="priority", tlp="amber", person="BEVER", activity=a.id)
        for n, a in enumerate(week[:3])
    ]  # fmt: skip
    logbook.add_entry(store, "LOGTEKST beveiligers gewisseld", person="BEVER")
    for activity in ahead[2:]:  # officers deployed wherever the roster allows it
        for candidate in roster.deployable(store, activity.id)[:1]:
            staffing.deploy(store, activity.id, [candidate.callsign])
    party = datetime(2026, 12, 5, 18, tzinfo=UTC)
    refused = requests.request_activity(store, person="BEVER", title="Verjaardag", start=party,
                                        end=party + timedelta(hours=3), kind="private")  # fmt: skip
    requests.answer_request(store, refused.id, refuse=True, reason="capacity", authority="NCTV")
    found = weekly_statement(store, "bever", WEEK)
    assert found.week == WEEK and found.person == "BEVER"
    totals = found.totals
    assert totals["private"].requested == 1 and totals["private"].cancelled.get("capacity") == 1
    kind = ahead[1].kind
    assert totals[kind].cancelled.get("threat") == 1
    assert totals[ahead[0].kind].minutes_moved == 60
    assert sum(t.facilitated for t in totals.values()) == len(week) - 1  # one cancelled
    changed = next(i for i in found.items if i.changes and i.changes[0].what == "moved")
    assert changed.changes[0].authority == "Burgemeester" and moved.reason == "capacity"
    # what the protection is made of appears in no format
    deployed = store.tuples(
        "SELECT d.id, s.callsign FROM deployment d JOIN staff s ON s.id = d.staff_id"
        " JOIN activity a ON a.id = d.activity_id JOIN subject p ON p.id = a.subject_id"
        " WHERE p.code = 'BEVER'"
    )
    assert deployed  # the demo deploys officers on BEVER's week
    forbidden = {str(x) for row in deployed for x in row}
    forbidden |= {c.code for c in catalogue.list_concepts(store)}
    forbidden |= {s.id for s in raised} | {"SIGNAALTEKST", "LOGTEKST", "RT-0140", "OPS-01"}
    forbidden |= {s.id for s in signals.list_signals(store)}
    for text in _all_formats(store, "BEVER", WEEK):
        assert "Verjaardag" in text and "Burgemeester" in text
        assert [f for f in forbidden if f in text] == []


def test_hostile_titles_stay_text_and_both_clock_changes_read_right(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    autumn = agenda.add_activity(
        store, person="BEVER", title="<script>alert(1)</script> [/] [bold]x[/bold]",
        start=datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30 summer time
        end=datetime(2026, 10, 25, 2, 0, tzinfo=UTC),  # 03:00 winter time
        location="\x1b[31mRood\x1b[0m | **vet** <b>", kind="private",
    )  # fmt: skip
    assert autumn.id
    found = weekly_statement(store, "BEVER", "2026-W43")  # Monday 19 to Sunday 25 October
    assert found.end - found.start == timedelta(hours=169)
    item = words.as_json(found)["items"][0]
    assert (item["start"], item["end"]) == (
        "2026-10-25T00:30:00+02:00",
        "2026-10-25T03:00:00+01:00",
    )
    spring = weekly_statement(store, "BEVER", "2026-W13")  # 29 March 2026 has 23 hours
    assert spring.end - spring.start == timedelta(hours=167)
    _js, md, html = _all_formats(store, "BEVER", "2026-W43")
    assert "<script" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert "\x1b" not in md + html and "\\<script\\>" in md
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "http" not in html and "<link" not in html  # self-contained: nothing fetched


@pytest.mark.parametrize(
    "week", ["2026-W54", "2026-W00", "0001-W01", "2027-W53", "2026-53", "", "2026-W5\x00"]
)
def test_a_week_that_is_not_one_is_refused(store: Store, week: str) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    with pytest.raises(BadInput):
        weekly_statement(store, "BEVER", week)
