"""Issue 13 (review of phase 5), item 5: a newer roster that binds a callsign other rows were
already created with re-judges what was written under it (``session._rebound``): from then on
the callsign stands for the bound laptop operator (and waits for that row), so a laptop that
took in the write before the binding ends as one that learnt the binding first."""

from __future__ import annotations

from pathlib import Path

from store import staff, subjects
from store.clock import FixedClock, epoch_ms
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import as_user
from tests.sync_team import Laptop, make_team, user_tables


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> exchange.Receipt:
    name = f"{sender.name}-{epoch_ms(sender.store.now())}-{receiver.name}.swb"
    return exchange.import_file(
        receiver.store, exchange.export(sender.store, out=folder / name).path
    )


def _level(laptop: Laptop) -> object:
    row = laptop.store.one("SELECT threat_level FROM subject WHERE code = 'KIEVIT'")
    assert row is not None
    return row[0]


def _state(laptop: Laptop) -> tuple[object, ...]:
    tables = user_tables(laptop.store)
    held = laptop.store.tuples("SELECT origin, seq, reason FROM sync_deferred ORDER BY 1, 2")
    gone = laptop.store.tuples("SELECT origin, seq, reason FROM sync_quarantine ORDER BY 1, 2")
    return tables["threat_assessment"], tables["subject"], held, gone


def test_a_callsign_bound_anew_rejudges_what_was_written_under_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c, e = make_team(tmp_path / "team", clock, names=("a", "b", "c", "e"))
    (tmp_path / "laptop-d").mkdir()
    d = Laptop(  # D's operator RT-0500 exists from 09:00, on D only, not enrolled yet
        "d",
        init_database(
            tmp_path / "laptop-d" / "schildwacht.db",
            callsign="RT-0500",
            role="operator",
            unit="RT",
            clock=clock,
            device_label="laptop-d",
        ),
    )
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=4, summary="credible")
    for other in (b, c, e):
        _send(a, other, tmp_path)
    clock.advance(minutes=10)
    staff.add_staff(b.store, "RT-0500", unit="RT", role="shift_leader")  # another person
    clock.advance(minutes=20)
    subjects.assess_threat(as_user(b.store, "RT-0500"), "KIEVIT", level=1, summary="all clear")
    from_b = exchange.export(b.store, out=tmp_path / "from-b.swb").path
    exchange.import_file(c.store, from_b)
    assert _level(c) == 1  # RT-0500 is B's shift leader, so far

    clock.advance(minutes=10)  # the admin enrols D: the roster binds RT-0500 to D's operator
    rosters.write_request(d.store, tmp_path / "request-d.json")
    request = rosters.read_request(tmp_path / "request-d.json")
    rosters.enroll(a.store, request)
    roster = exchange.export(a.store, out=tmp_path / "roster.swb").path  # not D's row yet
    exchange.import_file(c.store, roster)  # C: the write first, then the binding
    exchange.import_file(e.store, roster)  # E: the binding first, then the write
    exchange.import_file(e.store, from_b)
    assert _level(e) == 4  # the write under RT-0500 waits for D's operator
    assert _state(c) == _state(e)

    welcome = exchange.export(a.store, out=tmp_path / "welcome-d.swb", welcome=request.hash)
    exchange.import_file(d.store, welcome.path)
    _send(d, a, tmp_path)
    last = exchange.export(a.store, out=tmp_path / "last.swb").path
    for laptop in (c, e):
        exchange.import_file(laptop.store, last)
        assert _level(laptop) == 4  # RT-0500, an operator since 09:00, may not assess
    assert _state(c) == _state(e)
