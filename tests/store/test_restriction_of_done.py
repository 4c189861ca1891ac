"""A done activity has taken place; a restriction decides what happens next (R5). So a
restriction of a done activity — a cancellation, a relocation, a move — is refused by the store
(so by every face), quarantined when a bundle carries one, and of a 'done' and a restriction
made at once on two laptops the later one loses on every laptop. A calendar that cancels an
event already done here leaves it done, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import RuleViolation
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW, at, snapshot
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.calendar import worded
from words.errors import sentence

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
RESTRICTIONS = {
    "cancelled": {},
    "relocated": {"new_location": "Stadhuis"},
    "moved": {"new_start": "2026-11-29 09:00"},
}


def _restrict(store: Store, activity: str, kind: str) -> agenda.Restriction:
    given = dict(RESTRICTIONS[kind])
    if "new_start" in given:
        given["new_start"] = at(store, given["new_start"])  # type: ignore[assignment]
    return agenda.restrict_activity(
        store, activity, kind=kind, reason="capacity", authority="OvJ", **given
    )


def _ended_visit(store: Store) -> agenda.Activity:
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "DAS", level=3)
    return agenda.add_activity(  # the clock stands at 2026-11-28 10:00 (local)
        store,
        person="DAS",
        title="Werkbezoek",
        start=at(store, "2026-11-28 07:00"),
        end=at(store, "2026-11-28 09:00"),
        location="Haven",
    )


@pytest.mark.parametrize("kind", list(RESTRICTIONS))
def test_a_restriction_of_a_done_activity_is_refused(store: Store, kind: str) -> None:
    visit = _ended_visit(store)
    agenda.edit_activity(store, visit.id, status="done")
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        _restrict(store, visit.id, kind)
    assert (caught.value.code, caught.value.rule) == ("restriction_of_done", "R5")
    assert sentence(caught.value) == (
        "'Werkbezoek' is done: it has taken place, and a restriction decides what happens "
        "next (rule R5)."
    )
    assert snapshot(store.path) == before


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> None:
    bundle = exchange.export(sender.store, out=folder / f"{sender.name}-{receiver.name}.swb")
    exchange.import_file(receiver.store, bundle.path)


def test_a_restriction_of_a_done_activity_from_a_bundle_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop whose store lacks the check (an older version) relocates a done activity: every
    other laptop quarantines the restriction and what it changed; the activity stays done."""
    a, b = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b"))
    visit = _ended_visit(a.store)
    agenda.edit_activity(a.store, visit.id, status="done")
    exchange_all([a, b], tmp_path / "share", rounds=1)
    must_be = user_tables(a.store)
    check = agenda._check_restriction
    with monkeypatch.context() as patched:  # the older store checks as if it were not done
        patched.setattr(
            agenda,
            "_check_restriction",
            lambda store, current, *rest: check(store, _not_done(current), *rest),
        )  # ... and, older than plan6, lets a restriction of an activity that is over pass
        patched.setattr(agenda, "_check_not_into_past", lambda *_args: None)
        _restrict(b.store, visit.id, "relocated")
    _send(b, a, tmp_path)
    held = {(q.table, q.field, q.rule) for q in quarantined(a.store)}
    assert ("restriction", "", "R5") in held
    assert ("activity", "location", "R5") in held
    tables = user_tables(a.store)
    assert tables["activity"] == must_be["activity"]
    assert tables["restriction"] == must_be["restriction"] == []


def _not_done(activity: agenda.Activity) -> agenda.Activity:
    from dataclasses import replace

    return replace(activity, status="planned")


@pytest.mark.parametrize("c_hears", ["a-then-b", "b-then-a"])
def test_done_and_a_later_restriction_at_once_converge_on_three_laptops(
    tmp_path: Path, c_hears: str
) -> None:
    """A marks the visit done; B, not having heard, moves it ahead a moment later (the one
    restriction of an activity that is over that B's store allows): the move (the later
    change) is quarantined on every laptop, undone on B."""
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock)
    visit = _ended_visit(a.store)
    exchange_all([a, b, c], tmp_path / "share", rounds=1)
    agenda.edit_activity(a.store, visit.id, status="done")
    clock.advance(seconds=5)
    _restrict(b.store, visit.id, "moved")
    post = tmp_path / "post"
    post.mkdir()
    for sender in (a, b) if c_hears == "a-then-b" else (b, a):
        _send(sender, c, post)
    _send(a, b, post)
    exchange_all([a, b, c], tmp_path / "share", rounds=2)
    tables = [user_tables(laptop.store) for laptop in (a, b, c)]
    assert tables[0] == tables[1] == tables[2]
    assert tables[0]["restriction"] == []
    row = a.store.one("SELECT status, location FROM activity WHERE id = ?", (visit.id,))
    assert tuple(row) == ("done", "Haven")
    held = [
        sorted((q.device, q.seq, q.table, q.field) for q in quarantined(x.store)) for x in (a, b, c)
    ]
    assert held[0] == held[1] == held[2]
    assert {(d, t) for d, _s, t, _f in held[0]} == {(b.id, "restriction"), (b.id, "activity")}


@pytest.mark.parametrize("calendar", ["done-event-cancelled.ics", "empty-work.ics"])
def test_a_calendar_never_cancels_a_done_activity(store: Store, calendar: str) -> None:
    """The event cancelled in the calendar, or gone from it, after it took place: the done
    activity stays done, no restriction is recorded, a warning says so."""
    from datetime import date

    from store.ics import import_ics

    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    window = {"start": date(2026, 11, 28), "days": 30}
    import_ics(store, ICS / "done-event.ics", person="BEVER", **window)
    (item,) = agenda.list_activities(store, person="BEVER")
    agenda.edit_activity(store, item.id, status="done")
    result = import_ics(store, ICS / calendar, person="BEVER", **window)
    assert result.cancelled == 0 and "is done here" in worded(result.warnings)[0]
    assert agenda.get_activity(store, item.id).status == "done"
    assert agenda.list_restrictions(store, item.id) == []


@pytest.mark.parametrize("authority", ["", "   ", "\t", "\u00a0", "\u200b"])
def test_a_restriction_that_names_no_authority_is_refused_as_r5(
    store: Store, authority: str
) -> None:
    """R5: a restriction names the deciding authority; one that shows nothing names none."""
    visit = _ended_visit(store)
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as caught:
        agenda.restrict_activity(
            store, visit.id, kind="cancelled", reason="capacity", authority=authority
        )
    assert (caught.value.code, caught.value.rule) == ("restriction_needs_authority", "R5")
    assert snapshot(store.path) == before
