"""Sync between laptops through real bundle files: convergence, conflicts and their resolution,
idempotence, R1 across devices, relaying, auditing with the origin, deferral of what cannot be
applied yet."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import agenda, logbook, roster, rules, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store, backup_database
from store.errors import BadInput, PermissionDenied, RuleViolation
from store.sync import capture, exchange, status
from store.sync import roster as rosters
from tests.conftest import as_user, at, refused_as, snapshot
from tests.sync_team import Laptop, conflict_set, exchange_all, make_team, user_tables
from words.quarantine import said as said_reason
from words.receipts import joined


@pytest.fixture
def team(tmp_path: Path, clock: FixedClock) -> list[Laptop]:
    laptops = make_team(tmp_path / "team", clock)
    a = laptops[0].store
    subjects.add_subject(a, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a, "BEVER", level=3)
    return laptops


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "share"


def zitting(laptop: Laptop) -> str:
    store = laptop.store
    return agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-11-30 09:00"),
        end=at(store, "2026-11-30 12:00"),
        location="Rechtbank",
    ).id


def test_three_laptops_converge_and_show_the_same_conflict_until_it_is_resolved(
    team: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    a, b, c = team
    activity = zitting(a)
    exchange_all(team, folder)
    assert all(lap.store.one("SELECT 1 FROM activity WHERE id = ?", (activity,)) for lap in team)

    clock.advance(minutes=5)  # b and c edit the same activity, offline
    agenda.edit_activity(
        b.store, activity, start=at(b.store, "2026-11-30 10:00"), correction="typo"
    )
    clock.advance(minutes=1)
    agenda.edit_activity(
        c.store, activity, start=at(c.store, "2026-11-30 08:00"), correction="typo"
    )
    logbook.add_entry(b.store, "Route verkend", person="BEVER")
    exchange_all(team, folder)

    tables = [user_tables(lap.store) for lap in team]
    assert tables[0] == tables[1] == tables[2]
    starts = {
        lap.store.one("SELECT start_at FROM activity WHERE id = ?", (activity,))[0] for lap in team
    }
    assert starts == {"2026-11-30T07:00:00Z"}  # the later write is shown (c's 08:00 local)
    conflicts = [status.list_conflicts(lap.store) for lap in team]
    assert [len(found) for found in conflicts] == [1, 1, 1]
    assert conflicts[0] == conflicts[1] == conflicts[2]
    shown = conflicts[0][0]
    assert [h.value for h in shown.heads] == ["2026-11-30T07:00:00Z", "2026-11-30T09:00:00Z"]
    assert {h.actor for h in shown.heads} == {"OPS-B", "OPS-C"}
    # the heads are typed data, their times aware UTC (issue 15), not JSON text
    assert all(isinstance(h, status.Head) and h.at.utcoffset() == timedelta(0) for h in shown.heads)

    clock.advance(minutes=10)
    status.resolve(a.store, shown.id, choose=2)  # keep b's 10:00
    exchange_all(team, folder)
    assert all(status.count_open(lap.store) == 0 for lap in team)
    assert {
        lap.store.one("SELECT start_at FROM activity WHERE id = ?", (activity,))[0] for lap in team
    } == {"2026-11-30T09:00:00Z"}
    assert conflict_set(a.store) == conflict_set(b.store) == conflict_set(c.store)
    resolved = status.list_conflicts(c.store, include_resolved=True)[0]
    assert resolved.resolved_by is not None and resolved.resolved_by.startswith("OPS-A@")


def test_the_same_value_written_on_two_laptops_offline_is_no_conflict(
    team: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    """Issue 13 item 15: two laptops that set the same start, or assess the same level, while
    offline agree: nobody is asked to choose; different values still conflict."""
    a, b, c = team
    activity = zitting(a)
    exchange_all(team, folder)
    clock.advance(minutes=5)
    for laptop in (b, c):
        agenda.edit_activity(
            laptop.store, activity, start=at(laptop.store, "2026-11-30 10:00"), correction="typo"
        )
        subjects.assess_threat(laptop.store, "BEVER", level=4)
        clock.advance(minutes=1)
    exchange_all(team, folder)
    assert [status.count_open(lap.store) for lap in team] == [0, 0, 0]
    assert conflict_set(a.store) == conflict_set(b.store) == conflict_set(c.store) == []
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
    assert subjects.get_subject(a.store, "BEVER").threat_level == 4

    agenda.edit_activity(  # a value that differs still needs a person's choice
        b.store, activity, start=at(b.store, "2026-11-30 10:30"), correction="typo"
    )
    agenda.edit_activity(
        c.store, activity, start=at(c.store, "2026-11-30 09:30"), correction="typo"
    )
    exchange_all(team, folder)
    assert [status.count_open(lap.store) for lap in team] == [1, 1, 1]


def test_importing_a_bundle_twice_says_already_applied_and_changes_nothing(
    team: list[Laptop], tmp_path: Path
) -> None:
    a, b, _c = team
    zitting(a)
    sent = exchange.export(a.store, out=tmp_path / "one.swb")
    first = exchange.import_file(b.store, sent.path)
    assert first.status == "applied" and first.applied["activity"] > 0
    before = snapshot(b.store.path)
    again = exchange.import_file(b.store, sent.path)
    assert again.status == "already applied"
    assert snapshot(b.store.path) == before


def test_a_merge_that_leaves_an_activity_below_its_level_flags_it_and_never_aborts(
    team: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    a, b, _c = team
    activity = zitting(a)
    agenda.assign_concept(a.store, activity, "CP-HEAVY")
    exchange_all(team, folder)
    # a raises the threat (needs W3 now) while b, offline, assigns a concept valid at the old level
    subjects.assess_threat(a.store, "BEVER", level=4)
    clock.advance(minutes=1)
    agenda.assign_concept(b.store, activity, "CP-LIGHT")  # W3: enough before the rise
    exchange_all(team, folder)
    for laptop in team:
        row = laptop.store.one(
            "SELECT concept, replan_reason FROM activity_view WHERE id = ?", (activity,)
        )
        assert (row["concept"], row["replan_reason"]) == ("CP-LIGHT", "below_required")
    with pytest.raises(RuleViolation):  # and locally R1 still refuses the same thing
        agenda.assign_concept(b.store, activity, "CP-LIGHT")


def test_relayed_changes_keep_their_origin_and_are_audited_with_it(
    team: list[Laptop], tmp_path: Path
) -> None:
    a, b, c = team
    logbook.add_entry(b.store, "Verdacht voertuig")
    to_a = exchange.export(b.store, out=tmp_path / "b-to-a.swb")
    exchange.import_file(a.store, to_a.path)
    relayed = exchange.export(a.store, out=tmp_path / "a-to-c.swb")  # c never hears from b
    receipt = exchange.import_file(c.store, relayed.path)
    assert receipt.applied["log_entry"] > 0
    assert (
        c.store.one("SELECT author FROM log_entry WHERE text = 'Verdacht voertuig'")[0] == "OPS-B"
    )
    merged = c.store.query(
        "SELECT actor, device, detail FROM audit_event WHERE action = 'sync.merge'"
    )
    origins = {row["device"] for row in merged}
    assert b.id in origins and "OPS-B" in {row["actor"] for row in merged}
    assert c.store.one("SELECT 1 FROM audit_event WHERE action = 'sync.import'")


def test_unknown_tables_and_columns_wait_for_the_upgrade_and_are_then_applied(
    team: list[Laptop], tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _c = team
    activity = zitting(a)
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "0.swb").path)
    # b runs a newer version: a column and a table a does not know yet
    with b.store.write("test.newer_version") as conn:
        seq = conn.execute("SELECT max(seq) FROM sync_change WHERE origin = ?", (b.id,)).fetchone()[
            0
        ]
        pk = f'["{activity}"]'
        stamp = capture.next_hlc(conn, b.store.now())  # as b's newer version would stamp it
        conn.executemany(
            "INSERT INTO sync_change (origin, seq, hlc, tbl, pk, col, val, cl, prev, actor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'OPS-B')",
            [
                (b.id, seq + 1, stamp, "activity", pk, "vehicle", "BMW", 1),
                (b.id, seq + 2, stamp, "escort", '["e1"]', "", None, 1),
            ],
        )
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "1.swb").path)
    assert (receipt.deferred["activity"], receipt.deferred["escort"]) == (1, 1)
    assert a.store.one("SELECT count(*) FROM sync_deferred")[0] == 2
    # the upgrade adds the column (and its rule); the next import applies the waiting change
    a.store.conn.execute("ALTER TABLE activity ADD COLUMN vehicle TEXT")
    vehicle = rules.FieldRule(rules.TEXT, update="activity.write")
    monkeypatch.setitem(rules.TABLES["activity"].fields, "vehicle", vehicle)  # type: ignore[index]
    clock.advance(minutes=1)
    logbook.add_entry(b.store, "Na de upgrade")
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "2.swb").path)
    assert a.store.one("SELECT vehicle FROM activity WHERE id = ?", (activity,))[0] == "BMW"
    kept = a.store.one("SELECT reason FROM sync_deferred")[0]
    assert said_reason(kept) == "unknown table 'escort'"


def test_a_clock_more_than_a_day_ahead_is_flagged_and_its_changes_wait(
    team: list[Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    a, b, _c = team
    ahead = FixedClock(clock.now())
    ahead.advance(days=3)
    b.store.clock = ahead
    logbook.add_entry(b.store, "Vanuit de toekomst")
    receipt = exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "x.swb").path)
    assert receipt.deferred["log_entry"] > 0 and receipt.warnings
    assert not a.store.one("SELECT 1 FROM log_entry WHERE text = 'Vanuit de toekomst'")
    peer = next(p for p in status.peers(a.store) if p.device == b.id)
    assert joined(peer.warnings).startswith("clock ahead: stamped ")
    assert [n.code for n in peer.warnings] == ["peer_clock_day_ahead"]
    clock.advance(days=3)  # a's own clock catches up: the waiting changes apply at the next import
    b.store.clock = clock
    logbook.add_entry(b.store, "Later")
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "y.swb").path)
    assert a.store.one("SELECT 1 FROM log_entry WHERE text = 'Vanuit de toekomst'")


def test_team_management_is_for_the_admin_device_and_the_roles_that_may(
    team: list[Laptop], tmp_path: Path
) -> None:
    _a, b, _c = team
    with refused_as(BadInput, "admin device"):
        rosters.revoke(b.store, "laptop-c")
    from store.staff import add_staff

    add_staff(b.store, "OPS-X", unit="RT", role="operator")
    operator = as_user(b.store, "OPS-X")
    with pytest.raises(PermissionDenied):
        rosters.revoke(operator, "laptop-c")


def test_resolving_obeys_r1_and_refuses_unknown_choices(
    team: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    a, b, c = team
    activity = zitting(a)
    exchange_all(team, folder)
    agenda.edit_activity(b.store, activity, location="Paleis", correction="typo")
    clock.advance(minutes=1)
    agenda.edit_activity(c.store, activity, location="Hof", correction="typo")
    exchange_all(team, folder)
    conflict = status.list_conflicts(a.store)[0]
    with pytest.raises(BadInput):
        status.resolve(a.store, conflict.id, choose=3)
    before = snapshot(a.store.path)
    with pytest.raises(BadInput):
        status.resolve(a.store, conflict.id)
    assert snapshot(a.store.path) == before
    done = status.resolve(a.store, conflict.id, value="Gerechtshof")
    assert done.resolution == "Gerechtshof"


def restore_b_from_backup(team: list[Laptop], tmp_path: Path) -> Store:
    """b is backed up, writes once more and sends it to a, then is restored from the backup."""
    _a, b, _c = team
    backup_database(b.store, tmp_path / "b-backup.db")
    logbook.add_entry(b.store, "Na de back-up")
    exchange.import_file(team[0].store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    b.store.close()
    (tmp_path / "b-backup.db").replace(b.store.path)
    return Store(b.store.path, clock=b.store.clock)


def test_a_laptop_restored_from_a_backup_gets_its_own_later_changes_back_from_the_team(
    team: list[Laptop], tmp_path: Path
) -> None:
    a = team[0]
    restored = restore_b_from_backup(team, tmp_path)
    assert not restored.one("SELECT 1 FROM log_entry WHERE text = 'Na de back-up'")
    exchange.import_file(restored, exchange.export(a.store, out=tmp_path / "a.swb").path)
    assert restored.one("SELECT 1 FROM log_entry WHERE text = 'Na de back-up'")
    logbook.add_entry(restored, "Verder na herstel")  # numbering continues after the team's
    receipt = exchange.import_file(a.store, exchange.export(restored, out=tmp_path / "c.swb").path)
    assert receipt.applied["log_entry"] == 11
    restored.close()


def test_a_restored_laptop_that_worked_before_importing_is_told_so(
    team: list[Laptop], tmp_path: Path
) -> None:
    restored = restore_b_from_backup(team, tmp_path)
    logbook.add_entry(restored, "Te vroeg gewerkt")  # reuses a number the team already has
    before = snapshot(restored.path)
    with refused_as(exchange.Refused, "restored from a backup"):
        exchange.import_file(restored, exchange.export(team[0].store, out=tmp_path / "a.swb").path)
    assert snapshot(restored.path) == before
    restored.close()


def test_the_same_officer_deployed_offline_on_two_laptops_ends_as_one_deployment(
    team: list[Laptop], folder: Path
) -> None:
    from store import roster, staff

    a, b, c = team
    activity = zitting(a)
    agenda.assign_concept(a.store, activity, "CP-LIGHT")
    staff.add_staff(a.store, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store,
        "RT-0001",
        start=at(a.store, "2026-11-30 07:00"),
        end=at(a.store, "2026-11-30 15:00"),
    )
    exchange_all(team, folder)
    for laptop in (b, c):  # both shift leaders deploy the same officer, offline
        staffing.deploy(laptop.store, activity, ["RT-0001"])
    exchange_all(team, folder)
    rows = [lap.store.tuples("SELECT id, staff_id FROM deployment") for lap in team]
    assert len(rows[0]) == 1 and rows[0] == rows[1] == rows[2]
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)


@pytest.mark.parametrize(("choose", "level"), [(1, 4), (2, 2)])  # the shown (higher), the other
def test_a_threat_level_conflict_is_resolved_with_an_assessment(
    team: list[Laptop], folder: Path, clock: FixedClock, choose: int, level: int
) -> None:
    a, b, c = team
    exchange_all(team, folder)
    subjects.assess_threat(b.store, "BEVER", level=4)
    clock.advance(minutes=1)
    subjects.assess_threat(c.store, "BEVER", level=2)
    exchange_all(team, folder)
    [conflict] = status.list_conflicts(a.store)
    assert [h.value for h in conflict.heads] == [4, 2]  # the one in force first (R1)
    for laptop in team:  # while it is open, the higher level holds on every laptop
        assert subjects.get_subject(laptop.store, "BEVER").threat_level == 4
    status.resolve(a.store, conflict.id, choose=choose)
    exchange_all(team, folder)
    for laptop in team:
        assert status.count_open(laptop.store) == 0
        assert subjects.get_subject(laptop.store, "BEVER").threat_level == level
        latest = laptop.store.one(
            "SELECT level, summary FROM threat_assessment ORDER BY assessed_at DESC, id DESC"
        )
        assert latest["level"] == level and latest["summary"] == ""  # no program English


def test_a_correction_reaches_every_laptop(team: list[Laptop], folder: Path) -> None:
    a, b, _c = team
    activity = zitting(a)
    agenda.edit_activity(a.store, activity, location="Gerechtshof", correction="adres verkeerd")
    exchange_all(team, folder)
    (fix,) = agenda.list_corrections(b.store, activity)
    assert (fix.reason, fix.new_location) == ("adres verkeerd", "Gerechtshof")
    assert agenda.get_activity(b.store, activity).location == "Gerechtshof"


def test_an_officer_taken_off_and_deployed_again_reaches_every_laptop(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A hypothesis example found it: b held the first deployment; a deleted it and deployed
    the officer again (a new id, the same activity and officer). Both arrive in one merge on
    b: the deletion must go first, or the new row looks like the same fact as the old."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=3)
    staff.add_staff(a.store, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store,
        "RT-0001",
        start=at(a.store, "2026-12-01 06:00"),
        end=at(a.store, "2026-12-01 18:00"),
    )
    item = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-12-01 09:00"),
        end=at(a.store, "2026-12-01 12:00"),
        concept="CP-LIGHT",
    )
    (first,) = staffing.deploy(a.store, item.id, ["RT-0001"])
    exchange_all([a, b], tmp_path / "share")
    clock.advance(seconds=1)
    with a.store.write("test.delete") as conn:
        conn.execute("DELETE FROM deployment WHERE id = ?", (first.id,))
    (again,) = staffing.deploy(a.store, item.id, ["RT-0001"])
    exchange_all([a, b], tmp_path / "share")
    for laptop in (a, b):
        assert laptop.store.tuples("SELECT id FROM deployment") == [(again.id,)]


def test_a_deleted_deployment_brings_back_the_same_fact_another_laptop_recorded(
    tmp_path: Path, clock: FixedClock
) -> None:
    """b deploys RT-0001 and c has it; b deletes it (raw SQL on its own laptop) while a,
    never having seen it, deploys RT-0001 too, a second later. c takes a's row for the same fact
    as b's (the smaller id stays) and then hears of the deletion: a's row, made after the
    deletion, must come back, as everywhere."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=3)
    staff.add_staff(a.store, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    start, end = at(a.store, "2026-12-01 06:00"), at(a.store, "2026-12-01 18:00")
    roster.add_shift(a.store, "RT-0001", start=start, end=end)
    item = agenda.add_activity(
        a.store, person="BEVER", title="Zitting", start=at(a.store, "2026-12-01 09:00"),
        end=at(a.store, "2026-12-01 12:00"), concept="CP-LIGHT",
    )  # fmt: skip
    exchange_all([a, b, c], tmp_path / "share")
    (first,) = staffing.deploy(b.store, item.id, ["RT-0001"])
    exchange.import_file(c.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    clock.advance(seconds=1)
    with b.store.write("test.delete") as conn:
        conn.execute("DELETE FROM deployment WHERE id = ?", (first.id,))
    clock.advance(seconds=1)  # after the deletion: it stands (``facts``: made before, it goes)
    (second,) = staffing.deploy(a.store, item.id, ["RT-0001"])
    exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "a.swb").path)
    assert c.store.tuples("SELECT id FROM deployment") == [(first.id,)]  # the same fact
    exchange_all([a, b, c], tmp_path / "final", rounds=3)
    for laptop in (a, b, c):
        assert laptop.store.tuples("SELECT id FROM deployment") == [(second.id,)]


def test_two_laptops_resolving_one_conflict_at_once_keep_the_same_record_of_it(
    team: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    """Two shift leaders resolve the same conflict offline, each another way, in the same
    minute: every laptop records the resolution that won (the later by stamp), never the one
    that happened to arrive last (a fresh review saw each laptop record the other's)."""
    a, b, c = team
    activity = zitting(a)
    exchange_all(team, folder)
    agenda.edit_activity(b.store, activity, location="Paleis", correction="typo")
    agenda.edit_activity(c.store, activity, location="Hof", correction="typo")
    exchange_all(team, folder)
    conflict = status.list_conflicts(b.store)[0]
    status.resolve(b.store, conflict.id, choose=1)
    status.resolve(c.store, conflict.id, choose=2)
    exchange_all(team, folder)

    def resolutions(store: Store) -> list[tuple[object, ...]]:
        return store.tuples(
            "SELECT id, resolved_by, resolution FROM sync_conflict"
            " WHERE resolved_at IS NOT NULL ORDER BY id"
        )

    records = [resolutions(lap.store) for lap in team]
    assert records[0] and records[0] == records[1] == records[2]
    locations = {
        lap.store.one("SELECT location FROM activity WHERE id = ?", (activity,))[0] for lap in team
    }
    assert len(locations) == 1
    assert records[0][0][2] == next(iter(locations))  # the resolution recorded is the one shown
