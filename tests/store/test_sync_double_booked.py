"""Two shift leaders, offline, each deploy one officer on one of two activities at the same
time: each deployment legal where it was made (neither laptop had seen the other's). SYNC.md:
concurrent honest writes that break a rule together are never refused at a merge, nor hidden
(R1: flagged for re-planning; a critical field: both kept as a conflict until a person
resolves it). So both deployments are kept on every laptop, whatever the order, and listed as
a double booking (``findings.double_booked``: ``sync conflicts``, the Sync screen, the
handover) until a person releases one; a deployment that breaks one place at a time with its
own laptop's earlier deployment (which no store writes) is still quarantined (rev13f LOW 6)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from commands.cli import cli
from store import agenda, findings, roster, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
)
from words.findings import said

START = NOW + timedelta(days=3)


def _team(tmp_path: Path, clock: FixedClock) -> tuple[list[Laptop], list[str]]:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=3)
    acts = [
        agenda.add_activity(
            a.store, person="KIEVIT", title=title, start=START, end=START + timedelta(hours=2),
            location="Rechtbank", concept="CP-LIGHT",
        ).id
        for title in ("een", "twee")
    ]  # fmt: skip
    staff.add_staff(a.store, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store, "RT-0080", start=START - timedelta(hours=2), end=START + timedelta(hours=6)
    )
    exchange_all([a, b, c], tmp_path / "share")
    return [a, b, c], acts


def _deployed(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        store.tuples(
            "SELECT a.title, s.callsign FROM deployment d JOIN activity a ON a.id ="
            " d.activity_id JOIN staff s ON s.id = d.staff_id"
        )
    )


def test_one_officer_deployed_twice_at_once_is_kept_and_listed_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    (a, b, c), acts = _team(tmp_path, clock)
    clock.advance(minutes=1)
    roster.deploy(c.store, acts[1], ["RT-0080"])
    clock.advance(minutes=1)
    roster.deploy(b.store, acts[0], ["RT-0080"])  # b has not seen c's
    bundles = {n: exchange.export(x.store, out=tmp_path / f"{n}.swb").path for n, x in
               (("b", b), ("c", c))}  # fmt: skip
    a.store.close()
    laptops = []
    for order in (("b", "c"), ("c", "b")):
        folder = tmp_path / ("a-" + "".join(order))
        shutil.copytree(tmp_path / "team" / "laptop-a", folder)
        laptop = Laptop("a", Store(folder / "schildwacht.db", clock=clock))
        for name in order:
            exchange.import_file(laptop.store, bundles[name])
        laptops.append(laptop)
    exchange.import_file(b.store, bundles["c"])
    exchange.import_file(c.store, bundles["b"])
    laptops += [b, c]
    for laptop in laptops:
        assert _deployed(laptop.store) == [("een", "RT-0080"), ("twee", "RT-0080")]
        assert held(laptop) == []
        assert user_tables(laptop.store) == user_tables(b.store)
        [booked] = findings.double_booked(laptop.store)
        assert booked in findings.open_findings(laptop.store)
        assert "RT-0080" in said(booked) and "een" in said(booked) and "twee" in said(booked)
    listed = CliRunner().invoke(cli, ["--db", str(b.store.path), "sync", "conflicts"])
    assert listed.exit_code == 0 and "RT-0080 was deployed by two laptops" in listed.output

    clock.advance(minutes=1)  # a person releases one: resolved on every laptop
    roster.release(b.store, acts[0], "RT-0080", "dubbel ingezet")
    exchange_all([b, c], tmp_path / "share2")
    for laptop in (b, c):
        assert _deployed(laptop.store) == [("twee", "RT-0080")]
        assert findings.double_booked(laptop.store) == []


def test_a_double_booking_with_its_own_laptops_deployment_is_quarantined(
    tmp_path: Path, clock: FixedClock
) -> None:
    (a, b, _c), acts = _team(tmp_path, clock)
    clock.advance(minutes=1)
    roster.deploy(b.store, acts[0], ["RT-0080"])
    staff_id = b.store.one("SELECT id FROM staff WHERE callsign = 'RT-0080'")[0]
    raw_change_sets(  # b had its own deployment: no store writes this one
        b,
        "INSERT INTO deployment (id, activity_id, staff_id, created_at, created_by) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d301', '{acts[1]}', '{staff_id}',"
        " '2026-11-28T09:01:00Z', 'OPS-B')",
    )
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert _deployed(a.store) == [("een", "RT-0080")]
    assert any("one_place" in row[5] for row in held(a)), held(a)
    assert findings.double_booked(a.store) == []
