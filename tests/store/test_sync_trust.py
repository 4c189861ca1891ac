"""Trust across the team, the import side (issue 13): a laptop that acted beyond its device's
role still sends, and the others quarantine just that; revocation and a late role change end
the same on every laptop whatever they learnt first; deferred changes wait for what they need
and an origin piling them up is set aside; a malformed record is quarantined, never a crash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store import agenda, logbook, roster, staff, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.ids import uuid7
from store.sync import capture, exchange, status
from store.sync import quarantine as kept
from store.sync import roster as rosters
from store.sync.bundle import Refused
from tests.conftest import as_user, at, refused_as, snapshot
from tests.sync_team import Laptop, exchange_all, make_team, user_tables, without_segments_of
from words.errors import sentence
from words.quarantine import said as said_reason


def send(sender: Laptop, receiver: Laptop, tmp_path: Path, name: str) -> exchange.Receipt:
    return exchange.import_file(
        receiver.store, exchange.export(sender.store, out=tmp_path / f"{name}.swb").path
    )


def quarantine_of(store: Store) -> list[tuple[object, ...]]:
    """What must be equal on laptops holding the same changes (the noticed time is local)."""
    return store.tuples(
        "SELECT origin, seq, tbl, pk, col, actor, rule, reason FROM sync_quarantine"
        " ORDER BY origin, seq"
    )


def test_a_laptop_whose_user_acted_beyond_its_device_still_sends_the_rest(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Issue 13 item 4: the admin's callsign used on an operator's laptop to assess a threat.
    The store now refuses that on the laptop itself (both roles bound it), so a raw write
    stands in for it. The laptop is not wedged: its later changes are sent and applied; the
    assessment is not."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=2)
    send(a, b, tmp_path, "a1")
    raw = sqlite3.connect(b.store.path)  # what no one may do on an operator's laptop
    raw.execute(
        "INSERT INTO threat_assessment (id, subject_id, level, domain, summary, assessed_at,"
        " assessed_by, device) SELECT ?, id, 1, 'local', '', ?, 'OPS-B', ? FROM subject"
        " WHERE code = 'BEVER'",
        (uuid7(), to_db(b.store.now()), b.id),
    )
    raw.commit()
    raw.close()
    first = send(b, a, tmp_path, "b1")
    assert {(q.table, q.rule) for q in first.quarantined} == {("threat_assessment", "role")}
    [created] = [q for q in first.quarantined if q.field == ""]  # and its fields with it
    assert "laptop-b is an operator device" in said_reason(created.reason).replace("'", "")
    assert subjects.get_subject(a.store, "BEVER").threat_level == 2
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "Later nog gezien")
    again = send(b, a, tmp_path, "b2")  # the next export is not refused either
    assert again.applied["log_entry"] == 11 and not again.quarantined
    assert a.store.one("SELECT 1 FROM log_entry WHERE text = 'Later nog gezien'")


def test_revocation_converges_whatever_each_laptop_learnt_first(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Issue 13 item 9: c applies b's changes made after b's revocation before it hears of it;
    a and d hear of the revocation first. All end with the same rows and the same quarantine."""
    a, b, c, d = make_team(tmp_path / "team", clock, names=("a", "b", "c", "d"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=2)
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-11-30 09:00"),
        end=at(a.store, "2026-11-30 12:00"),
    ).id
    exchange_all([a, b, c, d], tmp_path / "share")
    logbook.add_entry(b.store, "Voor de intrekking")
    send(b, a, tmp_path, "b-before")
    rosters.revoke(a.store, "laptop-b")  # the cut: everything of b's that a holds now
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "Na de intrekking")
    agenda.edit_activity(b.store, activity, title="Gekaapt")
    send(b, c, tmp_path, "b-to-c")  # c does not know yet: applies all of it
    assert agenda.get_activity(c.store, activity).title == "Gekaapt"
    send(a, d, tmp_path, "a-to-d")  # d learns of the revocation first
    send(a, c, tmp_path, "a-to-c")  # now c does: un-applies b's later changes
    assert agenda.get_activity(c.store, activity).title == "Zitting"
    assert not c.store.one("SELECT 1 FROM log_entry WHERE text = 'Na de intrekking'")
    assert c.store.one("SELECT 1 FROM log_entry WHERE text = 'Voor de intrekking'")
    for _ in range(2):  # c passes b's segments on; a and d quarantine them as c did
        for sender in (c, a, d):
            for receiver in (a, c, d):
                if receiver is not sender:
                    send(sender, receiver, tmp_path, f"{sender.name}-{receiver.name}-{_}")
    assert user_tables(a.store) == user_tables(c.store) == user_tables(d.store)
    assert quarantine_of(a.store) == quarantine_of(c.store) == quarantine_of(d.store)
    reasons = {said_reason(r[-1]) for r in quarantine_of(a.store)}
    assert reasons == {"after revocation"} and len(quarantine_of(a.store)) == 11 + 2


def test_a_late_role_change_is_judged_the_same_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A planner is made operator on a; meanwhile, not knowing, the planner adds a shift on b.
    Whichever arrives first, every laptop (b too) ends without the shift, quarantined."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="planner")
    staff.add_staff(a.store, "RT-0001", unit="RT")
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    staff.set_role(a.store, "OPS-B", "operator")
    clock.advance(minutes=1)
    roster.add_shift(
        b.store,
        "RT-0001",
        start=at(b.store, "2026-12-01 07:00"),
        end=at(b.store, "2026-12-01 15:00"),
    )
    send(b, c, tmp_path, "b-to-c")  # c applies the shift: OPS-B is a planner as far as c knows
    assert c.store.one("SELECT count(*) FROM shift")[0] == 1
    send(a, c, tmp_path, "a-to-c")  # the demotion, made before the shift, arrives late
    assert c.store.one("SELECT count(*) FROM shift")[0] == 0
    send(b, a, tmp_path, "b-to-a")
    send(a, b, tmp_path, "a-to-b")  # b learns of it too and takes its own shift back
    assert b.store.one("SELECT count(*) FROM shift")[0] == 0
    exchange_all([a, b, c], tmp_path / "share2")
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
    assert quarantine_of(a.store) == quarantine_of(b.store) == quarantine_of(c.store)
    assert {r[2] for r in quarantine_of(a.store)} == {"shift"}


def test_only_an_admin_makes_an_admin(tmp_path: Path, clock: FixedClock) -> None:
    from store.errors import PermissionDenied
    from tests.conftest import snapshot

    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="shift_leader")
    send(b, a, tmp_path, "b1")
    before = snapshot(b.store.path)
    with refused_as(PermissionDenied, "Only an admin"):
        staff.add_staff(b.store, "RT-0009", unit="RT", role="admin")
    with refused_as(PermissionDenied, "Only an admin"):
        staff.set_role(b.store, "OPS-A", "operator")
    assert snapshot(b.store.path) == before
    assert staff.set_role(a.store, "OPS-B", "planner").role == "planner"


def test_deferred_changes_wait_for_what_they_need_and_an_origin_piling_them_up_is_set_aside(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: deferred records are never dropped, retried only when what they wait for can
    have come (not at every import), counted with their age in sync status; above the limit
    from one origin its own bundles are refused and its relayed segments set aside."""
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 20)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    exchange_all([a, b, c], tmp_path / "share")
    plant_newer_table(b, 15)  # a newer version's table: its rows wait on every older laptop
    first = send(b, a, tmp_path, "b1")
    assert first.deferred["escort"] == 15 and not first.failed and not first.over_limit
    assert first.result == "applied" and a.store.one("SELECT count(*) FROM sync_deferred")[0]
    peer = next(p for p in status.peers(a.store) if p.device == b.id)
    assert (peer.deferred, peer.deferred_since) == (15, a.store.clock.now())
    send(b, c, tmp_path, "b1-to-c")
    # A bundle that would take the origin past the limit is stopped before anything is
    # stored (issue 14, second review), not taken in whole and then noticed.
    plant_newer_table(b, 10, first=16)
    before = snapshot(a.store.path)
    with refused_as(Refused, "revoke laptop-b") as refused:
        send(b, a, tmp_path, "b2")
    assert refused.value.check == "deferred limit" and "25 changes" in sentence(refused.value)
    assert "25 changes of a newer version" in sentence(refused.value)  # worded by its cause
    assert "15 of them wait here (the sync status lists them)" in sentence(
        refused.value
    )  # what status shows
    assert snapshot(a.store.path) == before
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 30)  # c allows more: it takes them
    assert send(b, c, tmp_path, "b2-to-c").deferred["escort"] == 10
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 20)
    logbook.add_entry(c.store, "Van c")
    relayed = send(c, a, tmp_path, "c1")  # c's own changes come; b's are set aside
    assert relayed.result == "partly applied" and relayed.set_aside == [b.id] and relayed.failed
    assert a.store.one("SELECT 1 FROM log_entry WHERE text = 'Van c'")
    assert a.store.one("SELECT count(*) FROM sync_deferred")[0] == 15  # never dropped


def plant_newer_table(laptop: Laptop, count: int, first: int = 1) -> None:
    """``count`` rows of a table only a newer version has, in the laptop's own change log."""
    with laptop.store.write("test.newer_version") as conn:
        seq = conn.execute(
            "SELECT max(seq) FROM sync_change WHERE origin = ?", (laptop.id,)
        ).fetchone()
        stamp = capture.next_hlc(conn, laptop.store.now())
        conn.executemany(
            "INSERT INTO sync_change (origin, seq, hlc, tbl, pk, col, val, cl, prev, actor)"
            " VALUES (?, ?, ?, 'escort', ?, '', NULL, 1, NULL, 'OPS-B')",
            [
                (laptop.id, seq[0] + n, stamp, json.dumps([f"e{first + n}"]))
                for n in range(1, count + 1)
            ],
        )


def _before_its_author(
    tmp_path: Path, clock: FixedClock
) -> tuple[Laptop, Laptop, Laptop, exchange.Receipt]:
    """a adds an officer, who then writes on b; c gets b's changes without a's (a transport
    that lost a's file). Returns the laptops and c's receipt."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    staff.add_staff(a.store, "RT-0002", unit="RT")
    send(a, b, tmp_path, "a-to-b")
    as_officer = as_user(b.store, "RT-0002")
    logbook.add_entry(as_officer, "Door de nieuwe collega")
    as_officer.close()
    with without_segments_of(a.id):
        early = send(b, c, tmp_path, "b-to-c")
    return a, b, c, early


def test_an_import_whose_waiting_changes_pass_the_limit_says_so(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changes that wait for something not known in advance (here: their author) are counted
    as they are judged, inside the import's transaction: the bundle that would take its
    sender past the limit is refused whole (exit 5, one sentence) and nothing is stored."""
    with monkeypatch.context() as patch:
        patch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 5)
        a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
        staff.add_staff(a.store, "RT-0002", unit="RT")
        send(a, b, tmp_path, "a-to-b")
        as_officer = as_user(b.store, "RT-0002")
        logbook.add_entry(as_officer, "Door de nieuwe collega")
        as_officer.close()
        before = snapshot(c.store.path)
        with without_segments_of(a.id):  # a transport that lost a's file
            bundle = exchange.export(b.store, out=tmp_path / "b-to-c.swb").path
        # c has not heard of RT-0002: the entry's 11 records would wait for their author
        with refused_as(Refused, "revoke laptop-b") as refused:
            exchange.import_file(c.store, bundle)
        assert refused.value.check == "deferred limit"
        assert "none was stored" in sentence(refused.value)
        assert snapshot(c.store.path) == before
        assert c.store.one("SELECT count(*) FROM sync_deferred")[0] == 0
    send(a, c, tmp_path, "a-to-c")  # the limit as shipped; the author known: all applies
    assert not exchange.import_file(c.store, bundle).deferred


def test_a_change_by_someone_not_known_yet_waits_for_them(
    tmp_path: Path, clock: FixedClock
) -> None:
    """a adds an officer, who then writes on b. c gets b's changes first, without a's (a
    transport that lost a's file): the entry waits for its author, not quarantined, and is
    applied when a's changes come."""
    a, _b, c, early = _before_its_author(tmp_path, clock)
    assert early.deferred["log_entry"] == 11 and not early.quarantined
    assert c.store.one("SELECT waits FROM sync_deferred")[0] == "author:RT-0002"
    assert not c.store.one("SELECT 1 FROM log_entry WHERE text = 'Door de nieuwe collega'")
    late = send(a, c, tmp_path, "a-to-c")
    assert late.applied["staff"] and not late.quarantined
    assert c.store.one("SELECT 1 FROM log_entry WHERE text = 'Door de nieuwe collega'")
    assert c.store.one("SELECT count(*) FROM sync_deferred")[0] == 0


def test_a_role_change_counts_at_once_for_the_person_acting(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The store's check and the team's judge agree: after a demotion (local, or learnt in an
    import) the same open store refuses what the old role allowed."""
    from store.errors import PermissionDenied

    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="shift_leader")
    staff.add_staff(b.store, "RT-0001", unit="RT")
    staff.set_role(b.store, "OPS-B", "operator")
    with pytest.raises(PermissionDenied):
        staff.add_staff(b.store, "RT-0002", unit="RT")
    send(b, a, tmp_path, "b1")
    staff.set_role(a.store, "OPS-B", "planner")
    send(a, b, tmp_path, "a1")
    assert staff.add_staff(b.store, "RT-0003", unit="RT").callsign == "RT-0003"


def test_a_restriction_changes_only_what_its_kind_changes(
    tmp_path: Path, clock: FixedClock
) -> None:
    """An authority's laptop may restrict (R5) but not edit: a relocation cannot move the time."""
    import sqlite3

    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="authority")
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=2)
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-11-30 09:00"),
        end=at(a.store, "2026-11-30 12:00"),
    ).id
    exchange_all([a, b], tmp_path / "share")
    agenda.restrict_activity(
        b.store, activity, kind="relocated", reason="threat", authority="OvJ", new_location="Hof"
    )
    raw = sqlite3.connect(b.store.path)
    raw.execute(
        "INSERT INTO restriction (id, activity_id, kind, reason, authority, old_start_at,"
        " old_end_at, recorded_at, recorded_by, device) VALUES"
        " ('00000000-0000-7000-8000-0000000000ee', ?, 'relocated', 'threat',"
        " 'OvJ', '2026-11-30T08:00:00Z', '2026-11-30T11:00:00Z', ?, 'OPS-B', ?)",
        (activity, to_db(b.store.now()), b.id),
    )
    raw.execute(
        "UPDATE activity SET start_at = '2026-11-30T06:00:00Z', location = 'Elders' WHERE id = ?",
        (activity,),
    )
    raw.commit()
    raw.close()
    receipt = send(b, a, tmp_path, "b1")
    assert {(q.table, q.field) for q in receipt.quarantined} == {("activity", "start_at")}
    row = a.store.one("SELECT start_at, location FROM activity WHERE id = ?", (activity,))
    assert tuple(row) == ("2026-11-30T08:00:00Z", "Elders")  # the relocations applied
