"""Signals and signal reports (R7): the workflow step by step for each role, every refusal leaving
the database unchanged, TLP:RED visibility, and the rules for issuing a report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import intel, signals, staff, subjects
from store.db import Store
from store.errors import BadInput, PermissionDenied
from store.ids import uuid7
from tests.conftest import as_user, refused_as, snapshot
from words.intel import report_markdown


@pytest.fixture
def team(store: Store) -> dict[str, Store]:
    """OPS-01 shift leader; RT-0001 and RT-0002 operators; IO-01 analyst; GZ-01 authority."""
    for callsign, role in (
        ("RT-0001", "operator"),
        ("RT-0002", "operator"),
        ("IO-01", "info_analyst"),
        ("GZ-01", "authority"),
    ):
        staff.add_staff(store, callsign, unit="RT", role=role)
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return {c: as_user(store, c) for c in ("RT-0001", "RT-0002", "IO-01", "GZ-01")} | {
        "OPS-01": store
    }


def raise_one(store: Store, tlp: str = "amber") -> signals.Signal:
    return signals.raise_signal(
        store,
        "Grijze bus twee keer langs de woning",
        category="vehicle",
        urgency="priority",
        tlp=tlp,
        person="BEVER",
    )


def test_the_whole_workflow_and_the_reporter_sees_the_outcome(team: dict[str, Store]) -> None:
    made = raise_one(team["RT-0001"])
    assert made.status == "submitted" and made.reporter == "RT-0001"
    analyst = team["IO-01"]
    assert signals.unread_count(analyst) == 1
    assert signals.receive_signal(analyst, made.id).status == "received"
    assert signals.unread_count(analyst) == 0
    assert (
        signals.follow_up_signal(analyst, made.id, "Kenteken nagetrokken").status == "in_follow_up"
    )
    assert signals.follow_up_signal(analyst, made.id, "Buurtonderzoek").status == "in_follow_up"
    interpreted = signals.interpret_signal(analyst, made.id, "Verkenning waarschijnlijk")
    assert (interpreted.status, interpreted.interpretation) == (
        "interpreted",
        "Verkenning waarschijnlijk",
    )
    signals.close_signal(analyst, made.id, "forwarded_to_investigation")
    (mine,) = signals.list_signals(team["RT-0001"], mine=True)
    assert (mine.status, mine.outcome) == ("closed", "forwarded_to_investigation")
    shown = signals.get_signal(team["RT-0001"], made.id)
    assert [e.kind for e in shown.events] == [
        "received",
        "follow_up",
        "follow_up",
        "interpreted",
        "closed",
    ]


@pytest.mark.parametrize("role_user", ["RT-0001", "OPS-01", "GZ-01"])
def test_only_the_information_organisation_processes_signals(
    team: dict[str, Store], role_user: str
) -> None:
    made = raise_one(team["RT-0002"])
    before = snapshot(team["OPS-01"].path)
    for step in (
        lambda s: signals.receive_signal(s, made.id),
        lambda s: signals.follow_up_signal(s, made.id),
        lambda s: signals.interpret_signal(s, made.id, "x"),
        lambda s: signals.close_signal(s, made.id, "confirmed"),
    ):
        with refused_as(PermissionDenied, "Only information analyst may"):
            step(team[role_user])
    assert snapshot(team["OPS-01"].path) == before


def test_steps_out_of_order_are_refused(team: dict[str, Store]) -> None:
    made = raise_one(team["RT-0001"])
    analyst = team["IO-01"]
    before = snapshot(analyst.path)
    with refused_as(BadInput, "is submitted; it can be closed only when interpreted"):
        signals.close_signal(analyst, made.id, "confirmed")
    with refused_as(BadInput, "interpreted only when received or in follow-up"):
        signals.interpret_signal(analyst, made.id, "te vroeg")
    assert snapshot(analyst.path) == before
    signals.receive_signal(analyst, made.id)
    before = snapshot(analyst.path)
    with refused_as(BadInput, "is received; it can be received only when submitted"):
        signals.receive_signal(analyst, made.id)
    with refused_as(BadInput, "Unknown outcome"):
        signals.close_signal(analyst, made.id, "solved")
    with refused_as(BadInput, "needs text"):
        signals.interpret_signal(analyst, made.id, "  ")
    assert snapshot(analyst.path) == before


def test_status_is_derived_by_rank_so_late_events_never_move_it_back(
    team: dict[str, Store],
) -> None:
    """Events from two laptops arriving out of time order still give the furthest status."""
    made = raise_one(team["RT-0001"])
    analyst = team["IO-01"]
    signals.receive_signal(analyst, made.id)
    signals.interpret_signal(analyst, made.id, "duiding")
    earlier = (analyst.clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with analyst.write("test.merge") as conn:  # a follow-up recorded earlier on another laptop
        conn.execute(
            "INSERT INTO signal_event (id, signal_id, at, actor, device, kind)"
            " VALUES (?, ?, ?, 'IO-02', 'other', 'follow_up')",
            (uuid7(), made.id, earlier),
        )
    assert signals.get_signal(analyst, made.id).status == "interpreted"


def test_tlp_red_is_seen_only_by_reporter_and_information_organisation(
    team: dict[str, Store],
) -> None:
    red = raise_one(team["RT-0001"], tlp="red")
    amber = raise_one(team["RT-0001"], tlp="amber")
    assert {s.id for s in signals.list_signals(team["RT-0001"])} == {red.id, amber.id}
    assert {s.id for s in signals.list_signals(team["IO-01"])} == {red.id, amber.id}
    for other in ("RT-0002", "OPS-01", "GZ-01"):
        assert {s.id for s in signals.list_signals(team[other])} == {amber.id}
        with refused_as(PermissionDenied, "TLP:RED"):
            signals.get_signal(team[other], red.id)
        with refused_as(PermissionDenied, "TLP:RED"):
            signals.sight_signal(team[other], red.id, "seen_again")


def test_sightings_add_weight_from_other_officers(team: dict[str, Store]) -> None:
    made = raise_one(team["RT-0001"])
    assert (
        signals.sight_signal(team["RT-0002"], made.id, "seen_again", "Weer gezien").sightings == 1
    )
    before = snapshot(team["OPS-01"].path)
    with refused_as(BadInput, "comes from another officer"):
        signals.sight_signal(team["RT-0001"], made.id, "seen_again")
    with refused_as(BadInput, "Unknown sighting"):
        signals.sight_signal(team["RT-0002"], made.id, "maybe")
    assert snapshot(team["OPS-01"].path) == before


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"category": "ufo"}, "Unknown category"),
        ({"urgency": "whenever"}, "Unknown urgency"),
        ({"tlp": "white"}, "Unknown TLP"),
        ({"text": "   "}, "needs a description"),
        ({"person": "ONBEKEND"}, "No protected subject"),
        ({"observed_offset": 1}, "lies in the future"),
        ({"person": None, "requests_assessment": True}, "names the person"),
    ],
)
def test_bad_signals_change_nothing(
    team: dict[str, Store], kwargs: dict[str, object], error: str
) -> None:
    store = team["RT-0001"]
    args: dict[str, object] = {
        "text": "Iets gezien",
        "category": "other",
        "urgency": "routine",
        "tlp": "green",
        "person": "BEVER",
    }
    offset = kwargs.pop("observed_offset", None)
    args.update(kwargs)
    if offset:
        args["observed_at"] = store.clock.now() + timedelta(hours=int(offset))  # type: ignore[call-overload]
    before = snapshot(store.path)
    with refused_as(BadInput, error):
        signals.raise_signal(store, str(args.pop("text")), **args)  # type: ignore[arg-type]
    assert snapshot(store.path) == before


def test_a_signal_can_request_a_new_threat_assessment(team: dict[str, Store]) -> None:
    made = signals.raise_signal(
        team["RT-0001"],
        "Dreigende brief",
        category="other",
        urgency="immediate",
        tlp="amber",
        person="BEVER",
        requests_assessment=True,
    )
    assert made.requests_assessment and made.person == "BEVER"


def test_report_issuing_rules(team: dict[str, Store]) -> None:
    analyst = team["IO-01"]
    made = raise_one(team["RT-0001"])
    report = intel.draft_report(analyst, title="Verkenning rond woningen", signals=[made.id])
    before = snapshot(analyst.path)
    with refused_as(BadInput, "only with its duiding"):
        intel.issue_report(analyst, report.id, audience="line_managers")
    intel.set_interpretation(analyst, report.id, "Patroon van verkenning")
    before = snapshot(analyst.path)
    with refused_as(BadInput, "at least one realistic scenario"):
        intel.issue_report(analyst, report.id, audience="line_managers")
    assert snapshot(analyst.path) == before
    intel.add_scenario(
        analyst,
        report.id,
        description="Aanslag bij vertrek",
        likelihood="reëel",
        indicators="herhaalde passages",
        actions="Route variëren",
    )
    issued = intel.issue_report(analyst, report.id, audience="line_managers")
    assert (issued.status, issued.audience, issued.signals) == (
        "issued",
        "line_managers",
        (made.id,),
    )
    before = snapshot(analyst.path)
    with refused_as(BadInput, "is issued and cannot change"):
        intel.add_scenario(analyst, report.id, description="later")
    assert snapshot(analyst.path) == before
    # recipients acknowledge; the wrong audience may not
    assert intel.unacknowledged_count(team["OPS-01"]) == 1
    intel.acknowledge_report(team["OPS-01"], report.id)
    assert intel.unacknowledged_count(team["OPS-01"]) == 0
    with refused_as(PermissionDenied, "only admin, planner, shift leader acknowledge"):
        intel.acknowledge_report(team["GZ-01"], report.id)
    with refused_as(BadInput, "already acknowledged"):
        intel.acknowledge_report(team["OPS-01"], report.id)
    # a correction supersedes
    newer = intel.draft_report(
        analyst, title="Verkenning (herzien)", interpretation="Bijgesteld", supersedes=report.id
    )
    intel.add_scenario(analyst, newer.id, description="Intimidatie")
    intel.issue_report(analyst, newer.id, audience="authority")
    assert intel.get_report(analyst, report.id).status == "superseded"
    old = intel.get_report(analyst, report.id)
    markdown = report_markdown(old)
    assert "## Duiding" in markdown and "Superseded by report" in markdown
    # its signals by what they are, not by a raw id (issue 17)
    named = report_markdown(old, intel.signal_gists(analyst, old))
    assert (
        "- vehicle · BEVER · raised 2026-11-28 10:00: Grijze bus twee keer langs de woning (`"
        in named
    )
    assert f"(`{made.id}`)" in named and f"- `{made.id}`" not in named


def test_only_the_information_organisation_writes_reports(team: dict[str, Store]) -> None:
    before = snapshot(team["OPS-01"].path)
    for user in ("RT-0001", "OPS-01", "GZ-01"):
        with refused_as(
            PermissionDenied, "Only information analyst may draft and issue signal reports"
        ):
            intel.draft_report(team[user], title="x")
    assert snapshot(team["OPS-01"].path) == before
    draft = intel.draft_report(team["IO-01"], title="Concept")
    with refused_as(PermissionDenied, "draft signal report is visible only"):
        intel.get_report(team["OPS-01"], draft.id)
    assert intel.list_reports(team["OPS-01"]) == []


def test_a_signal_about_an_activity_names_that_activitys_person(store: Store) -> None:
    """Issue 17: the person and the activity of a signal cannot disagree."""
    from store import agenda
    from store.errors import RuleViolation
    from tests.conftest import at

    for code in ("BEVER", "KIEVIT"):
        subjects.add_subject(store, code, kind="person", domain="local", unit="RT")
        subjects.assess_threat(store, code, level=2)
    bevers = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-11-28 13:00"),
        end=at(store, "2026-11-28 14:00"),
    ).id
    before = snapshot(store.path)
    with refused_as(RuleViolation, "belongs to BEVER, not to KIEVIT") as refused:
        signals.raise_signal(
            store, "Drone", category="other", urgency="routine", tlp="green",
            person="KIEVIT", activity=bevers,
        )  # fmt: skip
    assert refused.value.code == "signal_activity_of_another"
    assert snapshot(store.path) == before
    made = signals.raise_signal(
        store, "Drone", category="other", urgency="routine", tlp="green", activity=bevers
    )
    assert (made.person, made.activity_id) == ("BEVER", bevers)
