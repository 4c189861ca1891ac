"""Every bad file is refused, naming the check that failed, and leaves no trace in the database:
truncation, flipped bits, an outsider's bundle, a forged origin segment, a revoked device, a
newer format, a device authoring what its role may not, a full disk during export, and a
process killed mid-import."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import logbook, machine
from store.clock import FixedClock, to_db
from store.db import Store
from store.errors import IntegrityFailure, MachineFault
from store.sync import bundle, exchange
from store.sync import roster as rosters
from store.sync.bundle import Refused
from tests.conftest import refused_as, snapshot
from tests.sync_team import Laptop, make_team, user_tables
from words.receipts import said_all


@pytest.fixture
def team(tmp_path: Path, clock: FixedClock) -> list[Laptop]:
    laptops = make_team(tmp_path / "team", clock)
    logbook.add_entry(laptops[1].store, "Route verkend")
    logbook.add_entry(laptops[1].store, "Voertuig gezien", flagged=True)
    return laptops


@pytest.fixture
def sent(team: list[Laptop], tmp_path: Path) -> Path:
    """A genuine bundle from b to everyone."""
    return exchange.export(team[1].store, out=tmp_path / "from-b.swb").path


def refused(laptop: Laptop, path: Path) -> str:
    before = snapshot(laptop.store.path)
    with pytest.raises(Refused) as caught:
        exchange.import_file(laptop.store, path)
    assert snapshot(laptop.store.path) == before
    return caught.value.check


def plain_parts(laptop: Laptop, path: Path) -> list[bytes]:
    identity = rosters.identity(laptop.store).age_identity
    return bundle.unframe(bundle.decrypt(path.read_bytes(), identity))


def reseal(laptop: Laptop, parts: list[bytes], path: Path) -> Path:
    roster = rosters.current(laptop.store)
    assert roster is not None
    path.write_bytes(bundle.encrypt(bundle.frame(parts), [d["age"] for d in roster.active()]))
    return path


def signed_by(laptop: Laptop, manifest: dict[str, object], parts: list[bytes]) -> list[bytes]:
    """The bundle's parts with this manifest, signed by the laptop (a member's valid key)."""
    body = bundle.canonical(manifest)
    return [body, rosters.identity(laptop.store).sign_key.sign(body), *parts[2:]]


def body_rows(part: bytes) -> list[list[object]]:
    """A segment body's runs, one JSON list each (the body decompressed)."""
    return [json.loads(line) for line in zlib.decompress(part).splitlines()]


def with_body(
    parts: list[bytes], rows: list[list[object]], sender: Laptop, origin_signer: Laptop
) -> list[bytes]:
    """The first segment's changes replaced by ``rows`` (runs), its header signed by
    ``origin_signer`` and the manifest by ``sender``: every hash consistent."""
    body = b"".join(
        json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for row in rows
    )
    header = json.loads(parts[4])
    header["body_sha256"] = bundle.sha256(body)
    header["body_bytes"] = len(body)
    header_bytes = bundle.canonical(header)
    manifest = json.loads(parts[0])
    manifest["segments"][0]["hash"] = bundle.sha256(header_bytes)
    rebuilt = [
        *parts[:4],
        header_bytes,
        zlib.compress(body),
        rosters.identity(origin_signer.store).sign_key.sign(header_bytes),
    ]
    return signed_by(sender, manifest, rebuilt)


def test_a_truncated_bundle_is_refused(team: list[Laptop], sent: Path, tmp_path: Path) -> None:
    data = sent.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 1):
        short = tmp_path / f"short-{cut}.swb"
        short.write_bytes(data[:cut])
        assert refused(team[0], short) == "damaged"


def test_a_flipped_bit_anywhere_is_refused(team: list[Laptop], sent: Path, tmp_path: Path) -> None:
    data = sent.read_bytes()
    header = data.index(b"\n---") + 48  # age's header: a recipient stanza per device, its MAC
    for position in (0, 40, 200, header + 10, len(data) // 2, len(data) - 20, len(data) - 1):
        damaged = bytearray(data)
        damaged[position] ^= 0x04
        path = tmp_path / f"flip-{position}.swb"
        path.write_bytes(bytes(damaged))
        check = refused(team[0], path)
        # damage to the one stanza addressed to this device reads as "not addressed" (age cannot
        # tell them apart); anywhere else it is reported as damage
        assert check == "damaged" or (position < header and check == "not addressed")


def test_a_bundle_from_outside_the_team_is_refused(
    team: list[Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    outsiders = make_team(tmp_path / "other", clock, names=("x", "y"))
    foreign = exchange.export(outsiders[0].store, out=tmp_path / "foreign.swb").path
    assert refused(team[0], foreign) == "not addressed"  # not encrypted to us at all
    # even encrypted to us, an outsider's roster is not signed by our admin key
    parts = plain_parts(outsiders[1], foreign)
    assert refused(team[0], reseal(team[0], parts, tmp_path / "foreign2.swb")) == "roster signature"


def test_a_segment_forged_under_another_origin_is_refused(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, c = team
    parts = plain_parts(a, sent)
    rows = body_rows(parts[5])
    rows[0][8][-1] = "Geen bijzonderheden"  # alter b's change, then sign it as c could
    forged = with_body(parts, rows, sender=b, origin_signer=c)
    assert refused(a, reseal(a, forged, tmp_path / "forged.swb")) == "origin signature"
    forged_body = forged[5]
    # changing the body without re-signing is caught by its hash
    tampered = [*parts[:5], forged_body, parts[6]]
    assert refused(a, reseal(a, tampered, tmp_path / "tampered.swb")) == "segment hash"
    # and a manifest not signed by its sender
    unsigned = [parts[0], rosters.identity(c.store).sign_key.sign(parts[0]), *parts[2:]]
    assert refused(a, reseal(a, unsigned, tmp_path / "unsigned.swb")) == "manifest signature"


def test_a_revoked_devices_bundle_is_refused(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, c = team
    exchange.import_file(a.store, sent)
    exchange.import_file(b.store, exchange.export(a.store, out=tmp_path / "v3.swb").path)
    rosters.revoke(a.store, "laptop-b")
    exchange.import_file(c.store, exchange.export(a.store, out=tmp_path / "roster.swb").path)
    logbook.add_entry(b.store, "Na intrekking")
    late = exchange.export(b.store, out=tmp_path / "late.swb").path
    assert refused(a, late) == "sender"
    assert refused(c, late) == "sender"
    # later bundles are no longer encrypted to b
    after = exchange.export(a.store, out=tmp_path / "after.swb").path
    assert refused(b, after) == "not addressed"


def test_a_newer_bundle_format_is_refused_with_advice(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, _c = team
    parts = plain_parts(a, sent)
    manifest = json.loads(parts[0])
    manifest["format"] = bundle.FORMAT + 1
    path = reseal(a, signed_by(b, manifest, parts), tmp_path / "newer.swb")
    with refused_as(Refused, "upgrade Schildwacht"):
        exchange.import_file(a.store, path)
    assert refused(a, path) == "format"


def test_a_device_authoring_what_its_role_may_not_is_quarantined_and_still_sends(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    logbook.add_entry(b.store, "Route verkend")
    raw = sqlite3.connect(b.store.path)  # an operator's laptop writes a signal report
    raw.execute(
        "INSERT INTO signal_report (id, title, created_at, created_by) VALUES"
        " ('00000000-0000-7000-8000-0000000000f1', 'Duiding', ?, 'OPS-B')",
        (to_db(b.store.now()),),
    )
    raw.commit()
    raw.close()
    sent = exchange.export(b.store, out=tmp_path / "b.swb")  # its own export never refuses
    assert sent.warnings and "will be quarantined" in said_all(sent.warnings)[0]
    receipt = exchange.import_file(a.store, sent.path)
    assert receipt.failed and {q.table for q in receipt.quarantined} == {"signal_report"}
    assert all("intel" in q.reason or "signal reports" in q.reason for q in receipt.quarantined)
    assert not a.store.one("SELECT 1 FROM signal_report")
    assert a.store.one("SELECT 1 FROM log_entry WHERE text = 'Route verkend'")  # the legal part


def test_in_folder_mode_a_bundle_for_others_is_skipped_and_junk_is_reported_damaged(
    team: list[Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    a, b, _c = team
    folder = tmp_path / "share"
    exchange.export(b.store, folder=folder)
    outsiders = make_team(tmp_path / "other", clock, names=("x",))
    exchange.export(outsiders[0].store, folder=folder)  # a bundle not addressed to us
    (folder / "stranger").mkdir()
    (folder / "stranger" / "junk.swb").write_bytes(b"not a bundle")
    receipts = exchange.import_path(a.store, folder)
    results = sorted(r.result for r in receipts)
    assert results == ["applied", "damaged", "not addressed to this device"]
    assert [r.failed for r in receipts if r.result != "applied"].count(True) == 1  # the junk
    assert a.store.one("SELECT 1 FROM log_entry WHERE text = 'Route verkend'")


def test_a_full_disk_during_export_leaves_no_file_and_no_change(
    team: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = team[1]
    before = snapshot(b.store.path)
    real_write = os.write

    def full_disk(fd: int, data: object) -> int:
        real_write(fd, bytes(data)[:100])  # type: ignore[call-overload]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(machine.os, "write", full_disk)
    target = tmp_path / "stick" / "b.swb"
    target.parent.mkdir()
    with refused_as(MachineFault, "the disk is full"):
        exchange.export(b.store, out=target)
    assert list(target.parent.iterdir()) == []
    assert snapshot(b.store.path) == before


KILL_SCRIPT = """
import sys
from pathlib import Path
from store.db import Store
from store.sync import exchange
store = Store(sys.argv[1])
print("ready", flush=True)
exchange.import_file(store, Path(sys.argv[2]))
print("done", flush=True)
"""


def test_a_killed_import_leaves_the_database_consistent_and_can_be_repeated(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    with b.store.write("test.many") as conn:  # 1,500 entries: an import that takes a while
        conn.executemany(
            "INSERT INTO log_entry (id, at, author, device, kind, text) VALUES"
            " (?, ?, 'OPS-B', ?, 'note', ?)",
            [
                (f"00000000-0000-7000-8000-{n:012d}", to_db(b.store.now()), b.id, f"Waarneming {n}")
                for n in range(1500)
            ],
        )
    big = exchange.export(b.store, out=tmp_path / "big.swb").path
    before = user_tables(a.store)
    a.store.close()
    interrupted = 0
    for delay in (0.02, 0.1, 0.3):
        process = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(a.store.path), str(big)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[2],
        )
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        interrupted += "done" not in process.stdout.read()
        reopened = type(a.store)(a.store.path, clock=clock)
        check = reopened.one("PRAGMA integrity_check")[0]
        after = user_tables(reopened)
        entries = len(after["log_entry"])
        reopened.close()
        assert check == "ok"
        assert after == before or entries == 1500 + len(before["log_entry"])  # all or nothing
    assert interrupted  # at least one import really was killed before it finished
    again = type(a.store)(a.store.path, clock=clock)
    receipt = exchange.import_file(again, big)
    assert receipt.status in {"applied", "already applied"}
    assert len(user_tables(again)["log_entry"]) == 1500 + len(before["log_entry"])
    again.close()


def _same_body(parts: list[bytes], index: int, damaged: bytes) -> bool:
    """Whether a segment body was changed only where zlib does not look (its header's level
    bits): it decompresses to the very bytes its origin signed, so it is not damage."""
    if index < 4 or (index - 4) % 3 != 1:
        return False
    try:
        return zlib.decompress(damaged) == zlib.decompress(parts[index])
    except zlib.error:
        return False


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_damage_inside_the_encryption_is_refused_and_changes_nothing(
    team: list[Laptop], sent: Path, tmp_path: Path, data: st.DataObject
) -> None:
    """A team member's bundle with its parts damaged (re-encrypted, so age cannot notice):
    every outcome is a named refusal, never a crash, and the database stays as it was."""
    a = team[0]
    parts = plain_parts(a, sent)
    index = data.draw(st.integers(0, len(parts) - 1))
    damaged = bytearray(parts[index])
    if damaged and data.draw(st.booleans()):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    else:
        damaged = bytearray(data.draw(st.binary(max_size=64)))
    changed = [*parts[:index], bytes(damaged), *parts[index + 1 :]]
    if changed == parts or _same_body(parts, index, bytes(damaged)):
        return
    path = reseal(a, changed, tmp_path / "fuzzed.swb")
    before = snapshot(a.store.path)
    with pytest.raises(Refused):
        exchange.import_file(a.store, path)
    assert snapshot(a.store.path) == before


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        ("recipients", "every device", "recipient"),
        ("segments", "none", "segment hash"),
        ("segments", [17], "format"),
        ("vector", "nonsense", "format"),
        ("vector", {"x": "1"}, "format"),
    ],
)
def test_a_malformed_manifest_signed_by_a_member_is_refused(
    team: list[Laptop], sent: Path, tmp_path: Path, field: str, value: object, check: str
) -> None:
    a, b, _c = team
    parts = plain_parts(a, sent)
    manifest = json.loads(parts[0])
    manifest[field] = value if field != "recipients" else f"{value} {a.id}"
    assert refused(a, reseal(a, signed_by(b, manifest, parts), tmp_path / "odd.swb")) == check


def test_a_change_record_of_the_wrong_shape_signed_by_its_origin_is_refused(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, _c = team
    parts = plain_parts(a, sent)
    rows = body_rows(parts[5])
    rows[0][4] = "one"  # the causal length must be a number
    signed = with_body(parts, rows, sender=b, origin_signer=b)
    assert refused(a, reseal(a, signed, tmp_path / "odd.swb")) == "format"


def _root_page_overwritten(path: Path, table: str) -> None:
    """The first bytes of ``table``'s root page overwritten (a failing disk): SQLite reads the
    file as malformed as soon as that table is read."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with open(path, "r+b") as file:
        file.seek((root[0] - 1) * 4096)
        file.write(b"\x0d\xff\xff\xff\xff")


def test_a_folder_import_into_a_damaged_database_says_the_damage_not_a_fault_of_the_file(
    team: list[Laptop], tmp_path: Path, clock: FixedClock
) -> None:
    """rev14m F1: a damaged receiving database was reported per file as "importing it failed
    unexpectedly (DatabaseError) … Report it with the file"; a single file's import says the
    damage (``database_damaged``), and so does the folder's, which stops there."""
    folder = tmp_path / "share"
    exchange.export(team[1].store, folder=folder)
    path = team[0].store.path
    team[0].store.close()
    _root_page_overwritten(path, "staff")
    store = Store(path, clock=clock)
    with pytest.raises(IntegrityFailure) as caught:
        exchange.import_folder(store, folder)
    assert caught.value.code == "database_damaged"
