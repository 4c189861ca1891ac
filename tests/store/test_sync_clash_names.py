"""Issue 13 (decoy2.sh, decoy3.sh, icsocc.sh): a laptop, through normal store actions only, made
rows whose names were exactly the derived names a losing row of a clash would be renamed to (a
code name; a calendar event's UID). Settling the clash then renamed the loser onto an occupied
name: the import failed (exit 1, "fault"), and laptops that saw the bundles in another order
diverged. Now a derived name skips every name another row was made with, ends in names built
from the whole id, and always fits its column: every order converges, no import fails."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from itertools import permutations
from pathlib import Path

import pytest

from store import subjects
from store.clock import FixedClock
from store.db import Store
from store.ics import import_ics
from store.rules import CALLSIGN_PATTERN, SUBJECT_CODE_PATTERN
from store.sync import exchange
from store.sync.clashes import _WIDTH, derived, free_name, hashed, is_derived
from tests.conftest import NOW
from tests.sync_team import exchange_all, make_team, user_tables

UID = "a1@example.invalid"


def _calendar(path: Path, uids: list[str], day: int) -> Path:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261128T080000Z\r\n"
        f"DTSTART:202612{day + i:02d}T100000Z\r\nDTEND:202612{day + i:02d}T110000Z\r\n"
        f"SUMMARY:event {i}\r\nEND:VEVENT\r\n"
        for i, uid in enumerate(uids)
    )
    path.write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n"
    )
    return path


def _occupied(column: str, name: str, row_id: str) -> list[str]:
    """Every short derived name of the row, and its first hashed one."""
    return [
        *(derived(column, name, row_id, d) for d in (4, 6, 8, 12)),
        hashed(column, name, row_id),
    ]


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """a (admin) and c (a shift leader) both name a person VALK and import event a1 for KIEVIT;
    c's come first by the stamps, a's are claimed by the admin laptop. Later c makes rows named
    exactly as its own losing rows would be kept (decoy3, icsocc). Bundles A1, C1, C2 are kept;
    d's closed database is the template every delivery order starts from."""
    root = tmp_path_factory.mktemp("clashnames")
    clock = FixedClock(NOW)
    a, c, d = make_team(root / "team", clock, names=("a", "c", "d"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    exchange_all([a, c, d], root / "share", rounds=1)
    clock.advance(minutes=5)
    subjects.add_subject(c.store, "VALK", kind="person", domain="local", unit="RT")
    import_ics(c.store, _calendar(root / "decoy.ics", [UID], 3), person="KIEVIT", days=60)
    clock.advance(minutes=15)
    subjects.add_subject(a.store, "VALK", kind="person", domain="local", unit="RT")
    import_ics(a.store, _calendar(root / "real.ics", [UID], 5), person="KIEVIT", days=60)
    bundles = {
        "A1": exchange.export(a.store, out=root / "a1.swb").path,
        "C1": exchange.export(c.store, out=root / "c1.swb").path,
    }
    decoy = str(c.store.one("SELECT id FROM subject WHERE code = 'VALK'")[0])
    event = str(c.store.one("SELECT id FROM activity WHERE source_uid = ?", (UID,))[0])
    clock.advance(minutes=5)
    for name in _occupied("code", "VALK", decoy):
        subjects.add_subject(c.store, name, kind="person", domain="local", unit="RT")
    occupiers = _occupied("source_uid", UID, event)
    import_ics(
        c.store,
        _calendar(root / "occ.ics", occupiers, 10),
        person="KIEVIT",
        days=60,
        calendar="other",
    )
    bundles["C2"] = exchange.export(c.store, out=root / "c2.swb").path
    laptops = {"a": a, "c": c}
    for laptop in (a, c, d):
        laptop.store.close()
    yield {
        "root": root,
        "bundles": bundles,
        "d": d.store.path,
        "decoy": decoy,
        "event": event,
        "laptops": laptops,
    }


def _copy(scene: dict[str, object], source: Path, name: str) -> Store:
    target = Path(str(scene["root"])) / name
    shutil.copytree(source.parent, target)
    return Store(target / source.name, clock=FixedClock(NOW + timedelta(hours=1)))


def test_every_delivery_order_converges_and_no_import_fails(scene: dict[str, object]) -> None:
    bundles: dict[str, Path] = scene["bundles"]  # type: ignore[assignment]
    seen = []
    for order in permutations(bundles):
        store = _copy(scene, Path(str(scene["d"])), "d-" + "-".join(order))
        for name in order:
            receipt = exchange.import_file(store, bundles[name])
            assert not receipt.failed, (order, name, [q.reason for q in receipt.quarantined])
        seen.append((order, user_tables(store)))
        if order == ("A1", "C1", "C2"):
            _check_names(store, scene)
        store.close()
    laptops = scene["laptops"]
    for name, theirs in (("a", ("C1", "C2")), ("c", ("A1",))):
        source = Path(str(laptops[name].store.path))  # type: ignore[index]
        store = _copy(scene, source, f"{name}-final")
        for bundle in theirs:
            assert not exchange.import_file(store, bundles[bundle]).failed
        # the admin laptop claims the rows it just took in: its own new changes, not yet sent
        seen.append(((name,), user_tables(store) | {"name_claim": seen[0][1]["name_claim"]}))
        store.close()
    first = seen[0][1]
    for order, tables in seen[1:]:
        assert tables == first, order


def _check_names(store: Store, scene: dict[str, object]) -> None:
    """The admin's row keeps the name; each occupier keeps the name it was made with; the decoy
    is kept under a free derived name that fits."""
    decoy, event = str(scene["decoy"]), str(scene["event"])
    codes = dict(store.tuples("SELECT id, code FROM subject WHERE code LIKE 'VALK%'"))
    assert codes[decoy] == hashed("code", "VALK", decoy, 1)
    assert sorted(c for i, c in codes.items() if i != decoy) == sorted(
        ["VALK", *_occupied("code", "VALK", decoy)]
    )
    uids = dict(store.tuples("SELECT id, source_uid FROM activity WHERE source_uid LIKE 'a1@%'"))
    assert uids[event] == hashed("source_uid", UID, event, 1)
    assert sorted(u for i, u in uids.items() if i != event) == sorted(
        [UID, *_occupied("source_uid", UID, event)]
    )
    assert all(len(code) <= _WIDTH["code"] for code in codes.values())


@pytest.mark.parametrize("column", ["callsign", "code", "source_uid"])
def test_a_derived_name_always_fits_its_column(column: str) -> None:
    row_id = "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"
    longest = "X" * _WIDTH[column]
    for name in ("RT-0600", longest):
        for digits in (4, 6, 8, 12, 32):
            made = derived(column, name, row_id, digits)
            assert len(made) <= _WIDTH[column] and made.startswith(name[:1])
            assert is_derived(column, name, row_id, made)
        for turn in (0, 1, 9, 10, 12345):
            made = hashed(column, name, row_id, turn)
            assert len(made) <= _WIDTH[column], (column, turn)
            tail = made.rsplit("-", 1)[1]
            assert tail.isalnum() and tail == tail.upper()
            pattern = {"callsign": CALLSIGN_PATTERN, "code": SUBJECT_CODE_PATTERN}.get(column)
            assert pattern is None or pattern.match(made), made
            assert is_derived(column, name, row_id, made)
    assert not is_derived(column, "RT-0600", row_id, hashed(column, "RT-0600", row_id[::-1]))


def test_a_free_name_skips_every_name_another_row_was_made_with(tmp_path: Path) -> None:
    """Straight on a database: the occupier's creation is logged, so the loser's short and first
    hashed names are skipped, whichever order they are asked in."""
    clock = FixedClock(NOW)
    (a,) = make_team(tmp_path / "team", clock, names=("a",))
    loser = "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"
    for name in _occupied("code", "VALK", loser):
        subjects.add_subject(a.store, name, kind="person", domain="local", unit="RT")
    with a.store.write("test") as conn:
        assert free_name(conn, "subject", "VALK", loser, {}) == hashed("code", "VALK", loser, 1)


def test_a_clash_the_database_will_not_settle_is_a_named_refusal(scene: dict[str, object]) -> None:
    """Any other failure while settling (here a trigger of the test refuses every renaming)
    refuses the bundle by name (exit 5: an IntegrityFailure), writes none of it, and ``sync
    status`` names its segment; never a bare fault."""
    from store.errors import IntegrityFailure
    from store.sync.bundle import Refused
    from store.sync.status import refused_segments
    from tests.conftest import snapshot
    from words.errors import sentence

    bundles: dict[str, Path] = scene["bundles"]  # type: ignore[assignment]
    store = _copy(scene, Path(str(scene["d"])), "d-refuses")
    exchange.import_file(store, bundles["A1"])
    store.conn.execute(
        "CREATE TRIGGER no_rename BEFORE UPDATE OF code ON subject"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    before = snapshot(store.path)
    with pytest.raises(Refused) as refused:
        exchange.import_file(store, bundles["C1"])
    assert isinstance(refused.value, IntegrityFailure)  # exit 5
    assert refused.value.code == "bundle_clash_unsettled"
    assert "clash of names in subject" in sentence(refused.value)
    assert [t for t in snapshot(store.path) if t[0] not in ("meta", "audit_event")] == [
        t for t in before if t[0] not in ("meta", "audit_event")
    ]
    assert [s.code for s in refused_segments(store)] == ["bundle_clash_unsettled"]
    store.conn.execute("DROP TRIGGER no_rename")
    store.close()


def test_a_name_from_a_bundle_ending_in_a_non_ascii_digit_is_no_derived_name() -> None:
    """A bundle may bring any text: a hashed name whose turn is ``²`` or ``３`` (digits to
    ``str.isdigit``, not to the names this program derives) is simply not derived, never an
    exception."""
    row_id = "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"
    first = hashed("code", "VALK", row_id)
    for mark in ("²", "３", "٣"):
        assert not is_derived("code", "VALK", row_id, first[:-1] + mark)
    assert is_derived("code", "VALK", row_id, hashed("code", "VALK", row_id, 3))
