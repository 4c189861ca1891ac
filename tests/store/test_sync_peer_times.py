"""A peer's times are aware UTC datetimes in the record; text only at the edges (issue 15)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from store.clock import FixedClock, from_db, local_iso
from store.sync import roster as rosters
from store.sync import status
from tests.sync_team import make_team


def test_a_peer_enrolled_at_is_an_aware_time_from_the_roster(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path, clock, names=("a", "b"))
    (peer,) = [p for p in status.peers(a.store) if p.device == b.id]
    entry = rosters.require_team(a.store).device(b.id) or {}
    assert peer.enrolled_at is not None and peer.enrolled_at.tzinfo == UTC
    assert local_iso(peer.enrolled_at) == local_iso(from_db(str(entry["enrolled_at"])))


def test_the_roster_hands_its_enrolment_times_as_aware_datetimes() -> None:
    """``team show`` and the sync status read the one reader (``rosters.enrolled_at``)."""
    moment = rosters.enrolled_at({"id": "b", "enrolled_at": "2026-11-28T09:00:00Z"})
    assert (
        moment is not None
        and moment.tzinfo == UTC
        and local_iso(moment) == ("2026-11-28T10:00:00+01:00")
    )
    for unreadable in (
        {"id": "b"},
        {"enrolled_at": ""},
        {"enrolled_at": "28-11-2026"},
        {"enrolled_at": 5},
    ):
        assert rosters.enrolled_at(unreadable) is None


def test_no_face_reads_a_time_back_from_text() -> None:
    """Outside the store, text becomes a time only where a person or the environment gives
    one (``parse_time``, ``SCHILDWACHT_NOW``), never by re-reading a record's text."""
    root = Path(__file__).resolve().parents[2]
    allowed = {"commands/context.py"}  # SCHILDWACHT_NOW: input from the environment
    found = [
        f"{path.relative_to(root)}:{n}"
        for face in ("commands", "console", "words")
        for path in sorted((root / face).rglob("*.py"))
        if path.relative_to(root).as_posix() not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "fromisoformat(" in line or "fromtimestamp(" in line
    ]
    assert found == []
