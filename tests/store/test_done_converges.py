"""'Done' against what changes at the same time on another laptop (issue 14, fourth review): a
cancellation, a rise of the threat level. A 'done' is judged against the activity as it stood
when the 'done' was made — its status, its concept and review flag, its subject's threat level —
and each of those accepted later judges again the 'done' made after it, so the later of the two
loses on every laptop, its author's too, whatever order the bundles arrive in, and 'done' never
hides an R1 re-planning flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW, at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> None:
    bundle = exchange.export(sender.store, out=folder / f"{sender.name}-{receiver.name}.swb")
    exchange.import_file(receiver.store, bundle.path)


@pytest.mark.parametrize("other", ["cancel", "threat"])
@pytest.mark.parametrize("first", ["done", "other"])
@pytest.mark.parametrize("c_hears", ["a-then-b", "b-then-a"])
def test_done_and_a_concurrent_change_converge_on_three_laptops(
    tmp_path: Path, other: str, first: str, c_hears: str
) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=1)
    visit = agenda.add_activity(  # ended an hour ago, escorted as level 1 needs
        a.store,
        person="DAS",
        title="Werkbezoek",
        start=at(a.store, "2026-11-28 07:00"),
        end=at(a.store, "2026-11-28 09:00"),
        concept="ESCORT",
    )
    exchange_all([a, b, c], tmp_path / "share", rounds=2)

    def done() -> None:
        agenda.edit_activity(a.store, visit.id, status="done")

    def change() -> None:
        if other == "cancel":  # decided while it had not ended yet (none is cancelled after)
            clock.advance(hours=-2)
            agenda.restrict_activity(
                b.store, visit.id, kind="cancelled", reason="capacity", authority="mayor"
            )
            clock.advance(hours=2)
        else:
            subjects.assess_threat(b.store, "DAS", level=3)

    for step in (done, change) if first == "done" else (change, done):
        step()
        clock.advance(seconds=5)
    post = tmp_path / "post"
    post.mkdir()
    _send(a, b, post)
    _send(b, a, post)
    for sender in (a, b) if c_hears == "a-then-b" else (b, a):
        _send(sender, c, post)
    exchange_all([a, b, c], tmp_path / "share", rounds=2)

    views = {
        lap.name: tuple(
            lap.store.one(
                "SELECT status, replan_reason FROM activity_view WHERE id = ?", (visit.id,)
            )
        )
        for lap in (a, b, c)
    }
    assert len(set(views.values())) == 1, views
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
    held = [{(q.table, q.field) for q in quarantined(lap.store)} for lap in (a, b, c)]
    assert held[0] == held[1] == held[2]
    expected = {
        # a cancellation is decided before the end (none after it, R5), so it is the earlier
        # change whichever laptop acted first here, and a done made later loses
        ("cancel", "done"): ("cancelled", None),
        ("cancel", "other"): ("cancelled", None),  # a cancelled one is never done
        ("threat", "done"): ("done", None),  # it had taken place before the level rose
        ("threat", "other"): ("planned", "below_required"),  # done would hide the R1 flag
    }[(other, first)]
    assert views["a"] == expected
    if first == "other" or other == "cancel":
        assert ("activity", "status") in held[0]
    else:
        assert held[0] == set()
