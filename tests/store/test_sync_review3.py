"""What a third hostile reviewer broke in issue 13 (the importer judging an activity otherwise
than the store would), each attack made again by a really enrolled operator laptop (its bundle
signed by its own key, sent by the real export) and the admin's database checked exactly."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from store import agenda, logbook, subjects
from store.clock import epoch_ms, to_db
from store.errors import PermissionDenied
from store.sync import capture
from tests.conftest import at, snapshot
from tests.hostile import Hostile, build_template, copied_team, ids, import_with_cli, key, texts
from tests.store.test_sync_review import history, legal_entry, quarantined
from tests.sync_team import Laptop, exchange_all, user_tables


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="review3-template-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


def status(b: Hostile, activity: str, value: str, *, hlc: int | None = None) -> None:
    b.forge_raw([("activity", key(activity), "status", value, 1, None, "OPS-B")], hlc=hlc)


def past_visit(a: Laptop) -> agenda.Activity:
    """On the admin's laptop: DAS (W3) and an ended visit of theirs with a valid concept."""
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=3)
    return agenda.add_activity(
        a.store,
        person="DAS",
        title="Werkbezoek",
        start=at(a.store, "2026-11-27 09:00"),
        end=at(a.store, "2026-11-27 11:00"),
        location="Haven",
        concept="CP-LIGHT",
    )


def test_a_cancelled_activity_is_never_planned_again_through_a_bundle(
    template: Path, tmp_path: Path
) -> None:
    """5a: the admin cancels with a restriction; the operator's bundle sets it planned again."""
    with copied_team(template, tmp_path / "team") as (a, b):
        activity = ids(a.store)["activity"]
        agenda.restrict_activity(
            a.store, activity, kind="cancelled", reason="capacity", authority="TBP"
        )
        exchange_all([a, b.laptop], tmp_path / "share", rounds=1)
        must_be = legal_entry(b, a)
        status(b, activity, "planned")
        code, receipt = import_with_cli(a, b.export())
        assert (code, quarantined(receipt)) == (5, {("activity", "status", "transition")})
        assert user_tables(a.store) == must_be


def test_done_never_hides_that_an_ended_activity_needs_re_planning(
    template: Path, tmp_path: Path
) -> None:
    """5b: an ended activity whose concept fell below the required level after a new
    assessment (R1) marked done by the operator's bundle: the store refuses that, so does the
    import; the flag stays visible."""
    with copied_team(template, tmp_path / "team") as (a, b):
        past = past_visit(a)
        subjects.assess_threat(a.store, "DAS", level=4)
        assert agenda.get_activity(a.store, past.id).replan_reason == "below_required"
        exchange_all([a, b.laptop], tmp_path / "share", rounds=1)
        must_be = legal_entry(b, a)
        status(b, past.id, "done")
        code, receipt = import_with_cli(a, b.export())
        assert (code, quarantined(receipt)) == (5, {("activity", "status", "R1")})
        assert user_tables(a.store) == must_be
        assert agenda.get_activity(a.store, past.id).needs_replanning


def test_done_on_a_clock_ahead_waits_until_the_activity_has_ended_here(
    template: Path, tmp_path: Path
) -> None:
    """5c: 'done' stamped 23.8 hours ahead, for an activity that ends in two hours here: not
    taken in now (its re-planning is not hidden), named on stderr; it waits for its end."""
    with copied_team(template, tmp_path / "team") as (a, b):
        soon = agenda.add_activity(
            a.store,
            person="BEVER",
            title="Lunch",
            start=at(a.store, "2026-11-28 11:00"),
            end=at(a.store, "2026-11-28 12:00"),
            location="Stad",
            concept="CP-HEAVY",
        )
        exchange_all([a, b.laptop], tmp_path / "share", rounds=1)
        must_be = legal_entry(b, a)
        ahead = epoch_ms(b.store.now()) + int(
            timedelta(hours=23, minutes=48).total_seconds() * 1000
        )
        status(b, soon.id, "done", hlc=ahead << capture.COUNTER_BITS)
        code, receipt = import_with_cli(a, b.export())
        assert code == 0  # nothing refused: it waits, named (as records dated ahead do)
        assert user_tables(a.store) == must_be
        assert receipt["deferred"] == 1
        assert any("done before it ends" in w for w in texts(receipt["warnings"]))
        held = a.store.tuples("SELECT waits FROM sync_deferred")
        assert held == [("clock:2026-11-28T11:00:00Z",)]


def correction(b: Hostile, activity: str, end: str) -> list[tuple[Any, ...]]:
    """A correction of the template's activity (08:00–11:00Z) to end at ``end``."""
    row = "01a2ffff-0000-7000-8000-00000000c0e1"
    values = {
        "id": row,
        "activity_id": activity,
        "reason": "agenda klopte niet",
        "old_start_at": "2026-11-30T08:00:00Z",
        "old_end_at": "2026-11-30T11:00:00Z",
        "old_location": "Rechtbank",
        "new_start_at": "2026-11-30T08:00:00Z",
        "new_end_at": end,
        "new_location": "Rechtbank",
        "recorded_at": to_db(b.store.now()),
        "recorded_by": "OPS-B",
        "device": b.laptop.id,
    }
    pk = key(row)
    return [("activity_correction", pk, "", None, 1, None, "OPS-B")] + [
        ("activity_correction", pk, col, val, 1, None, "OPS-B") for col, val in values.items()
    ]


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        # the correction says so too: it gives no activity the store would make
        (
            "2027-06-01T11:00:00Z",
            {("activity_correction", "", "value"), ("activity_correction", "reason", "value")},
        ),
        # the correction records 12:00, the activity is made to end half a year later
        ("2026-11-30T12:00:00Z", {("activity", "end_at", "R5")}),
    ],
    ids=["correction-of-six-months", "correction-that-does-not-match"],
)
def test_a_corrected_time_is_the_correction_s_and_an_activity_s(
    template: Path, tmp_path: Path, recorded: str, expected: set[tuple[str, str, str]]
) -> None:
    """5d: a correction plus end_at giving a six-month activity (the store refuses > 72 h)."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        activity = ids(b.store)["activity"]
        pk = key(activity)
        end = "2027-06-01T11:00:00Z"
        records = correction(b, activity, recorded)
        moved = ("activity", pk, "end_at", end, 1, history(b, "activity", pk, "end_at"), "OPS-B")
        b.forge_raw([*records, moved])
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert expected <= quarantined(receipt)
        assert ("activity", "end_at", "R5") in quarantined(receipt)
        # the correction record never stands without the change it records: it is held back
        # with the refused end (issue 14, rev14g), so no correction is listed that did not happen
        assert "activity_correction" in {q[0] for q in quarantined(receipt)}
        assert user_tables(a.store) == must_be
        assert a.store.one("SELECT end_at FROM activity WHERE id = ?", (activity,))[0] == (
            "2026-11-30T11:00:00Z"
        )


# 6. Superseding a flagged entry ends its flag: only those who may clear it -----------------------


def test_only_those_who_may_clear_supersede_a_flagged_entry_in_the_store(
    template: Path, tmp_path: Path
) -> None:
    """The operator's own flagged entry superseded on their laptop: refused (exit 4 through
    the CLI), nothing written; the admin (who may clear) supersedes it and the flag ends."""
    with copied_team(template, tmp_path / "team") as (a, b):
        entry = ids(b.store)["entry"]
        before = snapshot(b.store.path)
        with pytest.raises(PermissionDenied):
            logbook.add_entry(b.store, "Toch niets", supersedes=entry)
        assert snapshot(b.store.path) == before
        logbook.add_entry(a.store, "Toch niets", supersedes=entry)
        assert not logbook.get_entry(a.store, entry).open_flag


def test_a_bundle_superseding_a_flagged_entry_is_quarantined_unless_its_author_may_clear(
    template: Path, tmp_path: Path
) -> None:
    """The operator's laptop writes the superseding entry past its store: quarantined (role),
    exit 5; the flagged entry still carries into handovers on the admin's laptop."""
    with copied_team(template, tmp_path / "team") as (a, b):
        must_be = legal_entry(b, a)
        entry = ids(b.store)["entry"]
        row = "01a2ffff-0000-7000-8000-00000000e111"
        values = {
            "id": row,
            "at": to_db(b.store.now()),
            "author": "OPS-B",
            "device": b.laptop.id,
            "subject_id": None,
            "activity_id": None,
            "kind": "note",
            "text": "Toch niets",
            "flagged": 0,
            "supersedes": entry,
        }
        pk = key(row)
        b.forge(("log_entry", pk, "", None), *[("log_entry", pk, c, v) for c, v in values.items()])
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert ("log_entry", "", "role") in quarantined(receipt)
        assert user_tables(a.store) == must_be
        assert logbook.get_entry(a.store, entry).open_flag


# A done activity moved to a time not yet over (issue 14 review 2, through a bundle) -----------


def test_a_done_activity_moved_into_the_future_by_a_bundle_is_quarantined(
    template: Path, tmp_path: Path
) -> None:
    """The store refuses moving a done activity to a time not yet ended (it would hide its
    re-planning flag); the operator's laptop does it past its store, with a matching
    correction: the new times are quarantined, the activity stays where it ended."""
    with copied_team(template, tmp_path / "team") as (a, b):
        past = past_visit(a)
        agenda.edit_activity(a.store, past.id, status="done")
        exchange_all([a, b.laptop], tmp_path / "share", rounds=1)
        legal_entry(b, a)  # a legal change beside the forged ones
        pk = key(past.id)
        row = "01a2ffff-0000-7000-8000-00000000c0e2"
        values = {
            "id": row,
            "activity_id": past.id,
            "reason": "verkeerde dag",
            "old_start_at": "2026-11-27T08:00:00Z",
            "old_end_at": "2026-11-27T10:00:00Z",
            "old_location": "Haven",
            "new_start_at": "2026-12-20T08:00:00Z",
            "new_end_at": "2026-12-20T10:00:00Z",
            "new_location": "Haven",
            "recorded_at": to_db(b.store.now()),
            "recorded_by": "OPS-B",
            "device": b.laptop.id,
        }
        records = [("activity_correction", key(row), "", None, 1, None, "OPS-B")] + [
            ("activity_correction", key(row), col, val, 1, None, "OPS-B")
            for col, val in values.items()
        ]
        moved = [
            ("activity", pk, col, value, 1, history(b, "activity", pk, col), "OPS-B")
            for col, value in (
                ("start_at", "2026-12-20T08:00:00Z"),
                ("end_at", "2026-12-20T10:00:00Z"),
            )
        ]
        b.forge_raw([*records, *moved])
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert ("activity", "end_at", "transition") in quarantined(receipt)
        stands = a.store.one("SELECT status, end_at FROM activity WHERE id = ?", (past.id,))
        assert tuple(stands) == ("done", "2026-11-27T10:00:00Z")
