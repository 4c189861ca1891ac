"""Issue 13 (fourth review), items 6 and 7: a laptop's own change log tampered with by raw SQL.
``team enroll`` and ``sync export`` check every shape they would send inside their write, before
the roster or a bundle is written, and refuse with exit 5 naming the record (never exit 1);
``db repair`` sets the record aside so the laptop is not wedged: the team quarantines that one
record and takes the rest."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import logbook
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import NOW, refused_as
from tests.sync_team import make_team, user_tables

LAST = "(SELECT max(seq + n) FROM sync_log WHERE origin = 1)"
COPY = "FROM sync_log WHERE origin = 1 AND seq = (SELECT max(seq) FROM sync_log WHERE origin = 1)"
TAMPERED = {
    "values-not-json": f"INSERT INTO sync_log SELECT origin, {LAST}, n, hlc + 1, tbl, pk, cl,"
    f" actor, shape, '[1,2', prevs, raw {COPY}",
    "too-few-values": f"INSERT INTO sync_log SELECT origin, {LAST}, n, hlc + 1, tbl, pk, cl,"
    f" actor, shape, '[null]', prevs, raw {COPY}",
    "history-not-json": f"INSERT INTO sync_log SELECT origin, {LAST}, n, hlc + 1, tbl, pk, cl,"
    f" actor, shape, vals, '[[[', raw {COPY}",
    "key-not-json": f"INSERT INTO sync_log SELECT origin, {LAST}, n, hlc + 1, tbl, 'not json',"
    f" cl, actor, shape, vals, prevs, raw {COPY}",
    "junk-segment": "INSERT INTO sync_segment VALUES ((SELECT device FROM sync_origin"
    " WHERE id = 1), 99, 1, 2, 'x', x'00', x'00')",
}


def _tamper(path: Path, sql: str) -> None:
    raw = sqlite3.connect(path)
    raw.executescript(sql)
    raw.commit()
    raw.close()


@pytest.fixture(scope="module")
def admin_and_request(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An admin laptop (closed, to be copied) and a new laptop's enrolment request."""
    root = tmp_path_factory.mktemp("own-log")
    clock = FixedClock(NOW)
    (a,) = make_team(root / "team", clock, names=("a",))
    logbook.add_entry(a.store, "Dienst begonnen")
    a.store.close()
    (root / "d").mkdir()
    newcomer = init_database(
        root / "d" / "d.db", callsign="RT-0499", role="operator", unit="RT", clock=clock
    )
    rosters.write_request(newcomer, root / "req-d.json")
    newcomer.close()
    return a.store.path, root / "req-d.json"


def _roster_and_tables(path: Path) -> tuple[object, ...]:
    store = Store(path, clock=FixedClock(NOW))
    try:
        return (store.tuples("SELECT * FROM sync_roster"), user_tables(store))
    finally:
        store.close()


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_enrol_refuses_a_tampered_change_log_before_the_roster_changes(
    admin_and_request: tuple[Path, Path], tmp_path: Path, case: str
) -> None:
    template, request_file = admin_and_request
    path = tmp_path / "a.db"
    shutil.copy(template, path)
    _tamper(path, TAMPERED[case])
    before = _roster_and_tables(path)
    admin = Store(path, clock=FixedClock(NOW))
    with refused_as(IntegrityFailure, "changed outside Schildwacht"):
        rosters.enroll(admin, rosters.read_request(request_file))
    admin.close()
    assert _roster_and_tables(path) == before


def test_team_enroll_on_a_tampered_log_exits_5(
    admin_and_request: tuple[Path, Path], tmp_path: Path
) -> None:
    template, request_file = admin_and_request
    path = tmp_path / "a.db"
    shutil.copy(template, path)
    _tamper(path, TAMPERED["key-not-json"])
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(path),
            "team",
            "enroll",
            "--yes",
            str(request_file),
            "--out",
            str(tmp_path / "w.swb"),
        ],
    )
    assert result.exit_code == 5, result.output
    assert "record #" in result.output and "db repair" in result.output
    assert not (tmp_path / "w.swb").exists()


def test_one_malformed_record_of_its_own_does_not_wedge_a_laptop(
    tmp_path: Path, clock: FixedClock
) -> None:
    """wedge.sh: a non-JSON row key planted in B's own log. Export refuses naming it (exit 5,
    nothing written); `db repair` sets it aside; the next export goes, and A quarantines
    exactly that record and takes B's honest later work."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"), role="operator")
    _tamper(b.store.path, TAMPERED["key-not-json"])
    found = b.store.one("SELECT max(seq) FROM sync_log WHERE origin = 1")
    assert found is not None
    planted = int(found[0])
    with refused_as(IntegrityFailure, f"record #{planted}"):
        exchange.export(b.store, out=tmp_path / "b1.swb")
    assert not (tmp_path / "b1.swb").exists()
    logbook.add_entry(b.store, "urgent: suspicious car at school", kind="incident")
    path = b.store.path
    b.store.close()
    repaired = Store(path, clock=clock, repair=True)
    assert repaired.repaired["set_aside"] == 1
    sent = exchange.export(repaired, out=tmp_path / "b2.swb")
    receipt = exchange.import_file(a.store, sent.path)
    quarantined = a.store.tuples("SELECT seq, rule FROM sync_quarantine ORDER BY seq")
    assert quarantined and {rule for _seq, rule in quarantined} == {"malformed"}
    assert all(planted <= seq < planted + 7 for seq, _rule in quarantined)
    assert len(receipt.quarantined) == len(quarantined)
    texts = [r[0] for r in a.store.tuples("SELECT text FROM log_entry")]
    assert texts == ["urgent: suspicious car at school"]
    repaired.close()


# Content tamperings (fifth review): a record of its own not sent yet, changed so that a
# receiving laptop could not read the segment, or no store could have written it.

#: B's own records not sent yet: two log entries, the first starting at record 8.
ROW = "origin = 1 AND seq = (SELECT min(seq) FROM sync_log WHERE origin = 1 AND tbl = 'log_entry')"
CONTENT = {
    "key-null": f"UPDATE sync_log SET pk = '[null]' WHERE {ROW}",
    "key-three-parts": f"UPDATE sync_log SET pk = '[1,2,3]' WHERE {ROW}",
    "clock-back": f"UPDATE sync_log SET hlc = 5 WHERE {ROW}",
    "id-not-key": f"UPDATE sync_log SET vals = replace(vals, '{{\"k\":0}}', '\"x\"') WHERE {ROW}",
    "causal-length": f"UPDATE sync_log SET cl = 2 WHERE {ROW}",
    "deleted": f"DELETE FROM sync_log WHERE {ROW}",
}
UNREADABLE = {"key-null", "key-three-parts", "clock-back", "deleted"}


@pytest.fixture(scope="module")
def three_laptops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A (admin), B and C (operators), enrolled; B knows C from A's bundle, not C's
    acknowledgement of A's segments (so B relays them), and holds two log entries of its own
    not sent yet. Closed: each test copies them."""
    root = tmp_path_factory.mktemp("content")
    a, b, c = make_team(root / "team", FixedClock(NOW), names=("a", "b", "c"), role="operator")
    exchange.import_file(b.store, exchange.export(a.store, out=root / "a1.swb").path)
    logbook.add_entry(b.store, "Dienst begonnen")
    logbook.add_entry(b.store, "Auto voor de deur")
    paths = {x.name: x.store.path for x in (a, b, c)}
    for laptop in (a, b, c):
        laptop.store.close()
    return paths


def _copies(paths: dict[str, Path], into: Path) -> dict[str, Path]:
    copied = {}
    for name, path in paths.items():
        copied[name] = into / f"{name}.db"
        shutil.copy(path, copied[name])
    return copied


def _cli(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code != 1, result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(CONTENT))
def test_a_content_tampering_of_its_own_is_refused_named_and_set_aside(
    three_laptops: dict[str, Path], tmp_path: Path, case: str
) -> None:
    """No command exits 1; `db status` lists the record. One no laptop could read: export
    writes nothing, naming it and `db repair`, which sets it aside, and the next export goes.
    One that reads (no store writes it): sent and named, exit 5. Either way C quarantines it
    and takes the honest entry after it."""
    db = _copies(three_laptops, tmp_path)
    _tamper(db["b"], CONTENT[case])
    code, out = _cli(db["b"], "db", "status", "--format", "json")
    assert code == 0 and '"unsendable": [\n    "#8' in out, out
    before = _roster_and_tables(db["b"])
    code, out = _cli(db["b"], "sync", "export", "--out", str(tmp_path / "b1.swb"))
    assert code == 5 and "db repair" in out, out
    sent = tmp_path / "b1.swb"
    if case in UNREADABLE:  # the others would refuse the bundle whole: none is written
        assert "record #" in out and not sent.exists()
        assert _roster_and_tables(db["b"]) == before
        code, out = _cli(db["b"], "db", "repair")
        assert code == 0 and "Set aside" in out, out
        code, out = _cli(db["b"], "db", "status", "--format", "json")
        assert '"unsendable": []' in out, out
        sent = tmp_path / "b2.swb"
        code, out = _cli(db["b"], "sync", "export", "--out", str(sent))
        assert code == 0, out
    c = Store(db["c"], clock=FixedClock(NOW))
    receipt = exchange.import_file(c, sent)  # readable: sent, named, quarantined by the others
    assert receipt.result == "applied" and receipt.quarantined
    texts = [r[0] for r in c.tuples("SELECT text FROM log_entry")]
    assert "Auto voor de deur" in texts  # the honest entry after it reached the team
    c.close()


@pytest.mark.parametrize("case", ["key-null", "deleted"])
def test_a_row_whose_records_were_set_aside_goes_out_whole(
    three_laptops: dict[str, Path], tmp_path: Path, case: str
) -> None:
    """`db repair` sets aside B's tampered record of its first entry and queues the entry
    again: it goes out as a new row (every field), not as changes of a row no other laptop
    holds, so C takes it and waits for nothing (the row's per-field clocks were forgotten)."""
    db = _copies(three_laptops, tmp_path)
    _tamper(db["b"], CONTENT[case])
    clock = FixedClock(NOW)
    repaired = Store(db["b"], clock=clock, repair=True)
    try:
        assert repaired.repaired["set_aside"] == 1
        sent = exchange.export(repaired, out=tmp_path / "b.swb").path
    finally:
        repaired.close()
    c = Store(db["c"], clock=clock)
    try:
        receipt = exchange.import_file(c, sent)
        assert sorted(r[0] for r in c.tuples("SELECT text FROM log_entry")) == [
            "Auto voor de deur",
            "Dienst begonnen",
        ]
        assert c.tuples("SELECT count(*) FROM sync_deferred") == [(0,)]
        assert {q.rule for q in receipt.quarantined} == {"malformed"}  # the record set aside
    finally:
        c.close()


@pytest.mark.parametrize("case", ["key-null", "id-not-key", "deleted"])
def test_a_relayed_record_held_changed_is_left_out_and_the_rest_sent(
    three_laptops: dict[str, Path], tmp_path: Path, case: str
) -> None:
    """B holds a record of A's already signed segment in a changed form: B's export leaves A's
    segment out (A sends it itself), names it, and sends the rest; C reads the bundle."""
    db = _copies(three_laptops, tmp_path)
    relayed = "origin = 2 AND seq = (SELECT min(seq) FROM sync_log WHERE origin = 2 AND n > 1)"
    _tamper(db["b"], CONTENT[case].replace(ROW, relayed))
    code, out = _cli(db["b"], "sync", "export", "--out", str(tmp_path / "b1.swb"))
    assert code == 0 and "were left out" in out, out
    c = Store(db["c"], clock=FixedClock(NOW))
    receipt = exchange.import_file(c, tmp_path / "b1.swb")
    assert receipt.result == "applied"
    assert {"Dienst begonnen", "Auto voor de deur"} <= {
        r[0] for r in c.tuples("SELECT text FROM log_entry")
    }
    c.close()
    code, out = _cli(db["b"], "db", "repair")
    assert code == 0, out


def test_db_repair_names_what_it_set_aside_where_it_is_kept_and_how_to_look(
    three_laptops: dict[str, Path], tmp_path: Path
) -> None:
    """Issue 14: `db repair` said "Set aside 1 change log entries" and no more; the records'
    contents were gone. It names each record (numbers, table, why), says what becomes of it,
    and keeps what it held in the repair's audit event, which the command it names shows;
    `--format json` gives the same facts to a script."""
    db = _copies(three_laptops, tmp_path)
    _tamper(db["b"], CONTENT["key-null"])
    result = CliRunner().invoke(cli, ["--db", str(db["b"]), "db", "repair", "--format", "json"])
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()[1]
    assert said.startswith("Set aside 1 record of this laptop's change log that no Schildwacht")
    assert ": #8–#" in said and "(log_entry: " in said
    assert "kept in the audit trail: `schildwacht audit list --action db.repair --format json`" in (
        said
    )
    done = json.loads(result.stdout)
    assert done["set_aside"] == 1 and done["set_aside_kept_in"]["audit_action"] == "db.repair"
    (record,) = done["set_aside_records"]
    assert record["what"] == "record" and record["first"] == 8 and record["table"] == "log_entry"
    assert record["held"].startswith("[null] ") and "Dienst begonnen" in record["held"]
    assert record["reason"] and record["why"]["code"]
    code, out = _cli(db["b"], "audit", "list", "--action", "db.repair", "--format", "json")
    details = [json.loads(e["detail"]) for e in json.loads(out)]  # the detail as kept: JSON
    kept = [k for detail in details for k in detail.get("set_aside_kept", [])]
    assert kept == [{k: v for k, v in record.items() if k != "reason"}]
    code, out = _cli(db["b"], "db", "repair")  # nothing more to set aside: not said again
    assert code == 0 and "Set aside" not in out


def test_a_record_whose_table_name_no_bundle_carries_is_set_aside_once(
    three_laptops: dict[str, Path], tmp_path: Path
) -> None:
    """Emptied in place, a record whose table name (5,000 characters and an escape) no bundle
    can carry stayed unreadable: every `db repair` set it aside again and the export stayed
    refused. It is replaced whole, as missing numbers are: named once (its table cut, escaped),
    the next repair finds nothing, the export goes and C takes the honest entry after it."""
    db = _copies(three_laptops, tmp_path)
    _tamper(
        db["b"],
        "UPDATE sync_log SET pk = 'x', tbl = 'log_entry' || char(27) || '[2J' ||"
        f" printf('%.5000c', 'z') WHERE {ROW}",
    )
    code, out = _cli(db["b"], "db", "repair")
    assert code == 0 and "Set aside 1 record" in out and "\x1b" not in out, out
    assert "(log_entry\\u001b[2Jzzz" in out and "z" * 100 not in out
    code, out = _cli(db["b"], "db", "repair")
    assert code == 0 and "Set aside" not in out, out
    sent = tmp_path / "b.swb"
    code, out = _cli(db["b"], "sync", "export", "--out", str(sent))
    assert code == 0, out
    c = Store(db["c"], clock=FixedClock(NOW))
    try:
        receipt = exchange.import_file(c, sent)
        assert receipt.result == "applied" and {q.rule for q in receipt.quarantined} == {
            "malformed"
        }
        assert "Auto voor de deur" in [r[0] for r in c.tuples("SELECT text FROM log_entry")]
    finally:
        c.close()
