"""The store checks every value it is given, whoever calls it (issue 14): the command line, a
console form, an import. Over-long or NUL text, control and bidi characters in names and codes,
times outside 1970-2099 (even as aware datetimes a caller built itself), numbers out of range:
each refused with BadInput naming the field, and the database unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store import (
    agenda,
    audit,
    capacity,
    decisions,
    handover,
    intel,
    logbook,
    roster,
    signals,
    subjects,
)
from store import staff as staff_model
from store.clock import FixedClock
from store.db import Store
from store.demo import generate_demo
from store.errors import BadInput
from store.sync import roster as rosters
from tests.conftest import as_user, refused_as, snapshot
from words.errors import sentence

LONG = "x" * 4001
EARLY = datetime(1969, 12, 31, 12, 0, tzinfo=UTC)
ANCIENT = datetime(1, 1, 1, 10, 0, tzinfo=UTC)
LATE = datetime(2100, 1, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def first(store: Store, sql: str) -> str:
    row = store.one(sql)
    assert row is not None
    return str(row[0])


Case = Callable[[Store], object]


def _activity(store: Store) -> str:
    return first(store, "SELECT id FROM activity WHERE start_at > '2026-11-29' ORDER BY id")


def _analyst(store: Store) -> Store:
    return as_user(store, first(store, "SELECT callsign FROM staff WHERE role = 'info_analyst'"))


CASES: dict[str, tuple[Case, str]] = {
    "activity title too long": (
        lambda s: agenda.add_activity(s, person="BEVER", title=LONG, start=START, end=END),
        "The title may hold at most 4000 characters; 4001 were given",
    ),
    "activity title with NUL": (
        lambda s: agenda.add_activity(s, person="BEVER", title="a\x00b", start=START, end=END),
        "The title contains a NUL",
    ),
    "activity location too long": (
        lambda s: agenda.add_activity(
            s, person="BEVER", title="x", start=START, end=END, location=LONG
        ),
        "The location may hold at most 4000 characters; 4001",
    ),
    "activity in year 1": (
        lambda s: agenda.add_activity(s, person="BEVER", title="x", start=ANCIENT, end=END),
        "The start must lie between 1970-01-01 and 2099-12-31",
    ),
    "activity ending in 2100": (
        lambda s: agenda.add_activity(s, person="BEVER", title="x", start=START, end=LATE),
        "The end must lie between",
    ),
    "activity edited to 1969": (
        lambda s: agenda.edit_activity(s, _activity(s), start=EARLY),
        "The start must lie between",
    ),
    "activity edited with a long title": (
        lambda s: agenda.edit_activity(s, _activity(s), title=LONG),
        "The title may hold at most 4000 characters; 4001",
    ),
    "restriction moved to 2100": (
        lambda s: agenda.restrict_activity(
            s, _activity(s), kind="moved", reason="capacity", authority="OvJ", new_start=LATE
        ),
        "The new start must lie between",
    ),
    "restriction authority with an escape": (
        lambda s: agenda.restrict_activity(
            s, _activity(s), kind="cancelled", reason="capacity", authority="OvJ\x1b[2J"
        ),
        "The deciding authority contains a control",
    ),
    "restriction note too long": (
        lambda s: agenda.restrict_activity(
            s, _activity(s), kind="cancelled", reason="capacity", authority="OvJ", note=LONG
        ),
        "The note may hold at most 4000 characters; 4001",
    ),
    "shift in 1969": (
        lambda s: roster.add_shift(s, "OPS-01", start=EARLY, end=EARLY + timedelta(hours=8)),
        "The start must lie between",
    ),
    "log entry too long": (
        lambda s: logbook.add_entry(s, LONG),
        "A log entry may hold at most 4000 characters; 4001",
    ),
    "log clearance reason too long": (
        lambda s: logbook.clear_entry(
            s, first(s, "SELECT id FROM log_entry WHERE flagged = 1"), reason=LONG
        ),
        "The reason may hold at most 4000 characters; 4001",
    ),
    "signal observed in year 1": (
        lambda s: signals.raise_signal(
            s, "x", category="other", urgency="routine", tlp="clear", observed_at=ANCIENT
        ),
        "The observation time must lie between",
    ),
    "signal text too long": (
        lambda s: signals.raise_signal(s, LONG, category="other", urgency="routine", tlp="clear"),
        "The signal's text may hold at most 4000 characters; 4001",
    ),
    "signal location with NUL": (
        lambda s: signals.raise_signal(
            s, "x", category="other", urgency="routine", tlp="clear", location="\x00"
        ),
        "The location contains a NUL",
    ),
    "signal follow-up note too long": (
        lambda s: signals.follow_up_signal(
            _analyst(s), first(s, "SELECT id FROM signal ORDER BY id"), LONG
        ),
        "The note may hold at most 4000 characters; 4001",
    ),
    "code name with a direction mark": (
        lambda s: subjects.add_subject(s, "BEV\u202eER", kind="person", domain="local", unit="RT"),
        "The code name contains a control",
    ),
    "threat level past SQLite's integers": (
        lambda s: subjects.assess_threat(s, "BEVER", level=2**70),
        "The threat level must lie between 0 and 1000",
    ),
    "threat summary too long": (
        lambda s: subjects.assess_threat(s, "BEVER", level=2, summary=LONG),
        "The summary may hold at most 4000 characters; 4001",
    ),
    "callsign with a direction mark": (
        lambda s: staff_model.add_staff(s, "RT-\u202e7", unit="RT"),
        "The callsign contains a control",
    ),
    "staff name over two lines": (
        lambda s: staff_model.add_staff(s, "RT-7777", unit="RT", name="Jan\nJansen"),
        "The name contains a control",
    ),
    "qualification valid until 2100": (
        lambda s: staff_model.add_staff(
            s, "RT-7777", unit="RT", qualifications=[("close_protection", date(2100, 1, 1))]
        ),
        "The last valid day must lie between",
    ),
    "decision rationale too long": (
        lambda s: decisions.add_decision(
            s,
            person="BEVER",
            step="decision",
            rationale=LONG,
            authority="prosecutor",
            document="D-1",
        ),
        "The rationale may hold at most 4000 characters; 4001",
    ),
    "decision document with a bidi mark": (
        lambda s: decisions.add_decision(
            s,
            person="BEVER",
            step="decision",
            rationale="r",
            authority="prosecutor",
            document="D-\u202e1",
        ),
        "The document reference contains a control",
    ),
    "report title too long": (
        lambda s: intel.draft_report(_analyst(s), title=LONG),
        "The title may hold at most 4000 characters; 4001",
    ),
    "handover notes too long": (
        lambda s: handover.sign_handover(s, notes=LONG),
        "The notes may hold at most 4000 characters; 4001",
    ),
    "handover period in 1969": (
        lambda s: handover.sign_handover(s, EARLY, START),
        "The period's start must lie between",
    ),
    "team name with an escape": (
        lambda s: rosters.create_team(s, "Team\x1b]0;x\x07"),
        "The team name contains a control",
    ),
    "team name too long": (
        lambda s: rosters.create_team(s, "T" * 41),
        "The team name may hold at most 40 characters; 41 were given",
    ),
    "capacity with NaN hours per FTE": (
        lambda s: capacity.capacity_report(s, START, END, hours_per_fte=float("nan")),
        "Hours per FTE must be a finite number",
    ),
    "scenario adding a million persons": (
        lambda s: capacity.run_scenario(
            s, [capacity.Change("add_persons", 10**6, "RT", level=3)], START, END
        ),
        "The number of persons or officers must lie between",
    ),
    "audit listing past SQLite's integers": (
        lambda s: audit.list_audit(s, limit=10**20),
        "The limit must lie between 1",
    ),
    "demo seed below zero": (
        lambda s: generate_demo(Store(s.path, clock=s.clock), seed=-1),
        "The seed must lie between 0",
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from store.setup import init_database
    from tests.conftest import NOW

    path = tmp_path_factory.mktemp("checks") / "schildwacht.db"
    store = init_database(path, callsign="OPS-01", role="admin", unit="RT", clock=FixedClock(NOW))
    generate_demo(store, seed=7, scale="small")
    store.close()
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_the_store_refuses_and_writes_nothing(
    name: str, template: Path, tmp_path: Path, clock: FixedClock
) -> None:
    import shutil

    call, message = CASES[name]
    path = tmp_path / "schildwacht.db"
    shutil.copy(template, path)
    store = Store(path, clock=clock)
    before = snapshot(path)
    with pytest.raises(BadInput) as refusal:
        call(store)
    said = sentence(refusal.value)  # the field named in words (words/fields.py)
    assert message in said, said
    assert said.endswith(".")
    assert snapshot(path) == before
    store.close()


def test_a_clock_outside_the_range_stamps_nothing(store: Store, clock: FixedClock) -> None:
    before = snapshot(store.path)
    clock.at = datetime(2100, 6, 1, tzinfo=UTC)
    with pytest.raises(BadInput) as refusal:
        logbook.add_entry(store, "Route verkend")
    assert sentence(refusal.value).startswith("This computer's clock must lie between")
    assert snapshot(store.path) == before


def test_an_id_prefix_takes_no_wildcards(demo_store: Store) -> None:
    with refused_as(BadInput, "No activity with id '%%%%%%%%'"):
        agenda.get_activity(demo_store, "%%%%%%%%")
    with refused_as(BadInput, "No activity with id '________'"):
        agenda.get_activity(demo_store, "________")
