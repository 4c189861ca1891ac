"""Issue 13 (rev13u M1, M4): a received record's author is shown with the laptop that signed it
("X via laptop-c") in every listing when that is not their own laptop: `handover list`
(signer and acceptor), `activity show` (who recorded a restriction) and `threat explain` (who
assessed); and the audit's `handover.received` names the importer on this laptop, never the
importer "via" the signer's laptop."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from commands.cli import cli
from store import agenda, handover, staff, subjects
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import as_user, at
from tests.sync_team import exchange_all, make_team


def _cli(path: Path, *args: str) -> object:
    result = CliRunner().invoke(cli, ["--db", str(path), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_received_authors_show_the_laptop_that_signed(tmp_path: Path, clock: FixedClock) -> None:
    a, _b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=2, summary="first")
    activity = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="Boodschappen",
        start=at(a.store, "2026-12-05 09:30"),
        end=at(a.store, "2026-12-05 12:30"),
        location="Winkelcentrum",
    )
    staff.add_staff(a.store, "RT-0001", unit="RT", role="shift_leader")
    exchange_all([a, c], tmp_path / "share")
    clock.advance(minutes=5)
    signed = handover.sign_handover(
        c.store, at(c.store, "2026-11-28 07:00"), at(c.store, "2026-11-28 15:00")
    )
    colleague = as_user(c.store, "RT-0001")  # given a secret on laptop C, in person
    try:
        handover.accept_handover(colleague, signed.id)
        agenda.restrict_activity(
            colleague, activity.id, kind="cancelled", reason="capacity", authority="OvJ X"
        )
        subjects.assess_threat(colleague, "KIEVIT", level=3, summary="raised on C")
    finally:
        colleague.close()
    exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c.swb").path)

    listed = _cli(a.store.path, "handover", "list")
    assert isinstance(listed, list)
    assert [(h["signed_by"], h["accepted_by"]) for h in listed] == [
        ("OPS-C", "RT-0001 via laptop-c")
    ]
    shown = _cli(a.store.path, "activity", "show", activity.id)
    assert isinstance(shown, dict)
    assert [r["recorded_by"] for r in shown["restrictions"]] == ["RT-0001 via laptop-c"]
    explained = _cli(a.store.path, "threat", "explain", "KIEVIT")
    assert isinstance(explained, dict)
    assert explained["assessed_by"] == "RT-0001 via laptop-c"
    assert [h["assessed_by"] for h in explained["history"]] == ["RT-0001 via laptop-c", "OPS-A"]

    events = _cli(a.store.path, "audit", "list", "--action", "handover.received")
    assert isinstance(events, list) and len(events) == 1
    assert events[0]["actor"] == "OPS-A" and events[0]["device"] == a.store.device_id
