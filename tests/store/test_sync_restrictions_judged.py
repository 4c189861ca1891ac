"""Issue 13: a received restriction is judged with the store's own checks of its fields for its
kind (``agenda.check_restriction_change``), of an activity not cancelled when it was made
(``agenda.check_not_cancelled``) and of one restriction of a time or a place at once
(``agenda.check_one_restriction``). Three really enrolled laptops: shift leader b writes past
its store with raw SQL, then the real signed export; a imports it with the real command (exit
5, each such restriction quarantined with the store's code, a's tables unchanged) and c with
the store (the same quarantine); an honest restriction of each kind from b still applies."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from store import agenda, subjects
from store.clock import FixedClock, to_db
from store.sync import exchange
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import Laptop, exchange_all, held, make_team, raw_change_sets, user_tables

#: raw SQL past the database's own triggers, as hostile software could write it
_raw = partial(raw_change_sets, past_triggers=True)

START = NOW + timedelta(days=3)
END = START + timedelta(hours=2)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, dict[str, str]]:
    """Admin a, shift leaders b and c; KIEVIT (level 3) with an upcoming activity at the
    Rechtbank and one cancelled; all exchanged."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="shift_leader")
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    made = {
        name: agenda.add_activity(
            a.store, person="KIEVIT", title=name, start=START, end=END, location="Rechtbank",
            concept="CP-LIGHT",
        ).id
        for name in ("upcoming", "cancelled")
    }  # fmt: skip
    agenda.restrict_activity(
        a.store, made["cancelled"], kind="cancelled", reason="capacity", authority="Burgemeester"
    )
    exchange_all([a, b, c], tmp_path / "share")
    return a, b, c, made


def _restriction(n: int, activity: str, kind: str, start: object, end: object) -> str:
    """A restriction row of ``activity`` as the store writes one, its new times as given."""
    shown = ", ".join("NULL" if v is None else f"'{to_db(v)}'" for v in (start, end))  # type: ignore[arg-type]
    return (
        "INSERT INTO restriction (id, activity_id, kind, reason, authority, note, old_start_at,"
        " old_end_at, new_start_at, new_end_at, recorded_at, recorded_by, device) SELECT"
        f" '01a2ffff-0000-7000-8000-00000000e1{n:02d}', id, '{kind}', 'capacity', 'Burgemeester',"
        f" '', start_at, end_at, {shown}, '{to_db(NOW)}', 'OPS-B', (SELECT value FROM meta"
        f" WHERE key = 'device_id') FROM activity WHERE id = '{activity}'"
    )


def test_restrictions_the_store_refuses_are_quarantined_alike_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c, made = _team(tmp_path, clock)
    up, gone = made["upcoming"], made["cancelled"]
    later, earlier = START + timedelta(hours=5), START - timedelta(hours=1)
    activity = f"UPDATE activity SET {{}} WHERE id = '{up}'"
    _raw(
        b,
        # a cancellation with a new start it does not use
        _restriction(1, up, "cancelled", later, None) + "; "
        + activity.format("status = 'cancelled'"),
        # a move without its start
        _restriction(2, up, "moved", None, later) + "; "
        + activity.format(f"status = 'moved', end_at = '{to_db(later)}'"),
        # a move that keeps the start (it only makes the activity longer)
        _restriction(3, up, "moved", START, later) + "; "
        + activity.format(f"status = 'moved', end_at = '{to_db(later)}'"),
        # a 'shortening' that starts earlier
        _restriction(4, up, "shortened", earlier, END) + "; "
        + activity.format(f"status = 'shortened', start_at = '{to_db(earlier)}'"),
        # a relocation that gives no new place
        _restriction(5, up, "relocated", None, None),
        # a move and a relocation at once
        _restriction(6, up, "moved", later, later + timedelta(hours=2)) + "; "
        + _restriction(7, up, "relocated", None, None) + "; "
        + activity.format(
            f"status = 'moved', start_at = '{to_db(later)}',"
            f" end_at = '{to_db(later + timedelta(hours=2))}', location = 'Stadhuis'"
        ),
        # a restriction of an activity already cancelled
        _restriction(8, gone, "cancelled", None, None),
    )  # fmt: skip
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    assert user_tables(a.store) == before
    refused = sorted(
        q["reason_params"]["error"]
        for q in receipt["quarantined"]
        if q["table"] == "restriction" and q["reason_code"] == "row_refused"
    )
    assert refused == [
        "already_cancelled",
        "move_keeps_start",
        "move_needs_start",
        "relocation_needs_place",
        "restriction_unused_field",
        "shortening_not_shorter",
        "time_and_place_at_once",
        "time_and_place_at_once",
    ]
    assert {q["rule"] for q in receipt["quarantined"] if q["reason_code"] == "row_refused"} == {
        "R5"
    }
    before_c = user_tables(c.store)
    exchange.import_file(c.store, bundle)
    assert user_tables(c.store) == before_c
    assert held(c) == held(a) != []


def test_honest_restrictions_of_each_kind_still_apply(tmp_path: Path, clock: FixedClock) -> None:
    a, b, c, _made = _team(tmp_path, clock)
    extra = {
        name: agenda.add_activity(
            b.store, person="KIEVIT", title=name, start=START, end=END, location="Rechtbank",
            concept="CP-LIGHT",
        ).id
        for name in ("moved", "shortened", "relocated", "cancelled")
    }  # fmt: skip
    later = START + timedelta(hours=5)
    decided = {"reason": "capacity", "authority": "Burgemeester"}
    agenda.restrict_activity(b.store, extra["moved"], kind="moved", new_start=later, **decided)
    agenda.restrict_activity(
        b.store, extra["shortened"], kind="shortened", new_end=END - timedelta(hours=1), **decided
    )
    agenda.restrict_activity(
        b.store, extra["relocated"], kind="relocated", new_location="Stadhuis", **decided
    )
    agenda.restrict_activity(b.store, extra["cancelled"], kind="cancelled", **decided)
    bundle = Hostile(b, tmp_path).export()
    code, receipt = import_with_cli(a, bundle)
    assert code == 0, receipt
    assert receipt["quarantined"] == []
    assert user_tables(a.store)["restriction"] == user_tables(b.store)["restriction"]
    assert user_tables(a.store)["activity"] == user_tables(b.store)["activity"]
    exchange.import_file(c.store, bundle)
    assert user_tables(c.store) == user_tables(a.store)
