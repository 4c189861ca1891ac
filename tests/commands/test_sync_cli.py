"""The sync commands as a script and a person use them: enrolment with the code to compare,
folder exchange, stable JSON receipts, exit codes (5 refused, 0 already applied, 4 denied),
conflicts and their resolution; keys protected by the database passphrase."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commands.cli import cli
from tests.conftest import snapshot


class Laptops:
    """Several databases driven through the real CLI, one folder each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def db(self, name: str) -> Path:
        return self.root / name / "schildwacht.db"

    def __call__(
        self, name: str, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return self.runner.invoke(
            cli, ["--db", str(self.db(name)), *args], input=input, catch_exceptions=False, env=env
        )


@pytest.fixture
def laptops(tmp_path: Path) -> Laptops:
    run = Laptops(tmp_path)
    for name, role in (("a", "admin"), ("b", "shift_leader")):
        (tmp_path / name).mkdir()
        result = run(
            name,
            "init",
            "--callsign",
            f"OPS-{name.upper()}",
            "--role",
            role,
            "--unit",
            "RT",
            "--label",
            f"laptop-{name}",
        )
        assert result.exit_code == 0, result.stderr
    assert run("a", "team", "create", "--name", "DKDB Rotterdam").exit_code == 0
    request = run("b", "device", "request", "--out", str(tmp_path / "req.json"))
    assert request.exit_code == 0, request.stderr
    code = request.stdout.strip()
    enroll = run(
        "a",
        "team",
        "enroll",
        str(tmp_path / "req.json"),
        "--out",
        str(tmp_path / "welcome.swb"),
        input="y\n",
    )
    assert enroll.exit_code == 0, enroll.stderr
    assert code in enroll.stderr  # the admin's screen shows the same code
    welcome = run("b", "sync", "import", str(tmp_path / "welcome.swb"))
    assert welcome.exit_code == 0, welcome.stderr
    assert "Joined team DKDB Rotterdam" in welcome.stderr
    return run


def test_enrolment_needs_the_codes_to_match(laptops: Laptops, tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    laptops("c", "init", "--callsign", "OPS-C", "--role", "operator", "--unit", "RT")
    laptops("c", "device", "request", "--out", str(tmp_path / "req-c.json"))
    declined = laptops(
        "a",
        "team",
        "enroll",
        str(tmp_path / "req-c.json"),
        "--out",
        str(tmp_path / "w.swb"),
        input="n\n",
    )
    assert declined.exit_code == 2 and not (tmp_path / "w.swb").exists()
    shown = laptops("a", "team", "show", "--format", "json")
    assert [d["label"] for d in json.loads(shown.stdout)] == ["laptop-a", "laptop-b"]


def test_folder_exchange_with_a_json_receipt_and_already_applied(
    laptops: Laptops, tmp_path: Path
) -> None:
    share = str(tmp_path / "share")
    laptops("b", "log", "add", "Route verkend")
    assert laptops("b", "sync", "export", "--to", share).exit_code == 0
    first = laptops("a", "sync", "import", share, "--format", "json")
    assert first.exit_code == 0, first.stderr
    [receipt] = json.loads(first.stdout)
    assert receipt["result"] == "applied" and receipt["sender"] == "laptop-b"
    assert {k: receipt[k] for k in ("applied", "skipped", "deferred", "conflicts")} == {
        "applied": 11 + 7,  # the log entry and b's own operator (a record per field and one
        "skipped": 0,  # for the row's existence)
        "deferred": 0,
        "conflicts": 0,
    }
    assert receipt["quarantined"] == [] and receipt["bundle_id"] and receipt["origin"]
    assert set(receipt) >= {"file", "bundle_id", "origin", "result", "quarantined"}
    log_changes = {
        "table": "log_entry",
        "applied": 11,
        "already_known": 0,
        "deferred": 0,
        "in_conflict": 0,
        "quarantined": 0,
    }
    assert log_changes in receipt["tables"]
    # records, not changes: one log entry, one person (issue 17)
    assert receipt["records_applied"] == 2
    assert {"table": "log_entry", "applied": 1, "deferred": 0} in receipt["records"]
    table = laptops("a", "sync", "import", share)  # the same folder again, as a table
    assert table.stdout.split()[:2] == ["from", "result"] and "already applied" in table.stdout
    bundle = Path(receipt["file"])
    again = laptops("a", "sync", "import", str(bundle))
    assert again.exit_code == 0 and "already applied" in again.stderr
    status = laptops("a", "sync", "status", "--format", "json")
    [peer] = json.loads(status.stdout)
    assert peer["label"] == "laptop-b" and peer["last_received"] and peer["last_sent"]


def test_a_refused_bundle_exits_5_naming_the_check(laptops: Laptops, tmp_path: Path) -> None:
    out = tmp_path / "b.swb"
    laptops("b", "sync", "export", "--out", str(out))
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 1
    out.write_bytes(bytes(data))
    refused = laptops("a", "sync", "import", str(out))
    assert refused.exit_code == 5
    assert "Bundle refused (damaged)" in refused.stderr


def test_conflicts_listed_and_resolved_from_the_command_line(
    laptops: Laptops, tmp_path: Path
) -> None:
    share = str(tmp_path / "share")
    laptops("a", "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    laptops("a", "threat", "assess", "BEVER", "--level", "3")
    added = laptops(
        "a",
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Zitting",
        "--start",
        "2026-11-30 09:00",
        "--end",
        "2026-11-30 12:00",
    )
    activity = added.stdout.strip().splitlines()[-1]
    for _ in range(2):
        for name in ("a", "b"):
            laptops(name, "sync", "export", "--to", share)
            laptops(name, "sync", "import", share)
    laptops(
        "a",
        "activity",
        "edit",
        activity,
        "--location",
        "Paleis",
        "--correction",
        "typo",
        env={"SCHILDWACHT_NOW": "2026-11-28T09:05:00Z"},
    )
    laptops(
        "b",
        "activity",
        "edit",
        activity,
        "--location",
        "Hof",
        "--correction",
        "typo",
        env={"SCHILDWACHT_NOW": "2026-11-28T09:06:00Z"},
    )
    for name in ("a", "b"):
        laptops(name, "sync", "export", "--to", share)
    for name in ("a", "b"):
        laptops(name, "sync", "import", share)
    listed = [
        json.loads(laptops(n, "sync", "conflicts", "--format", "json").stdout) for n in ("a", "b")
    ]
    assert [c["id"] for c in listed[0]] == [c["id"] for c in listed[1]]
    [conflict] = listed[0]
    assert (conflict["field"], conflict["shown"], conflict["other"]) == (
        "location",
        "Hof",
        "Paleis",
    )
    resolved = laptops("a", "sync", "resolve", conflict["id"][:8], "--choose", "2")
    assert resolved.exit_code == 0, resolved.stderr
    assert json.loads(laptops("a", "sync", "conflicts", "--format", "json").stdout) == []
    again = laptops("a", "sync", "resolve", conflict["id"][:8], "--choose", "1")
    assert again.exit_code == 2, again.stderr
    # the device by its label, as the roster and `sync conflicts` name it, not its raw id (fix17r)
    assert "already resolved by OPS-A on device laptop-a." in again.stderr, again.stderr
    assert "@" not in again.stderr


def test_an_operator_may_not_create_a_team(tmp_path: Path) -> None:
    run = Laptops(tmp_path)
    (tmp_path / "x").mkdir()
    run("x", "init", "--callsign", "OPS-X", "--role", "operator", "--unit", "RT")
    denied = run("x", "team", "create", "--name", "Eigen team")
    assert denied.exit_code == 4 and "shift leader" in denied.stderr


def test_an_encrypted_laptop_keeps_its_keys_under_the_passphrase(tmp_path: Path) -> None:
    run = Laptops(tmp_path)
    (tmp_path / "s").mkdir()
    secret = {"SCHILDWACHT_PASSPHRASE": "correct horse battery"}
    made = run(
        "s",
        "init",
        "--callsign",
        "OPS-S",
        "--role",
        "admin",
        "--unit",
        "RT",
        "--encrypt",
        env=secret,
    )
    assert made.exit_code == 0, made.stderr
    assert run("s", "team", "create", "--name", "Versleuteld", env=secret).exit_code == 0
    raw = run.db("s").read_bytes()
    assert b"AGE-SECRET-KEY" not in raw and b"sync_identity" not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(run.db("s")).execute("SELECT * FROM sync_identity").fetchall()
    wrong = run(
        "s",
        "sync",
        "export",
        "--out",
        str(tmp_path / "x.swb"),
        env={"SCHILDWACHT_PASSPHRASE": "wrong passphrase"},
    )
    assert wrong.exit_code == 5 and not (tmp_path / "x.swb").exists()
    sent = run("s", "sync", "export", "--out", str(tmp_path / "x.swb"), env=secret)
    assert sent.exit_code == 0 and (tmp_path / "x.swb").exists()


def test_a_database_without_its_capture_triggers_is_refused_until_repaired(
    laptops: Laptops,
) -> None:
    raw = sqlite3.connect(laptops.db("a"))
    raw.execute("DROP TRIGGER sync_capture_insert_log_entry")
    raw.commit()
    raw.close()
    refused = laptops("a", "log", "list")
    assert refused.exit_code == 5 and "db repair" in refused.stderr
    repaired = laptops("a", "db", "repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert laptops("a", "log", "list").exit_code == 0


def _conflict_on(laptops: Laptops, tmp_path: Path, field: str, values: tuple[str, str]) -> str:
    """An activity both laptops edit offline (``--FIELD``, or ``assign`` for a concept)."""
    share = str(tmp_path / "share")
    laptops("a", "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    laptops("a", "threat", "assess", "BEVER", "--level", "3")
    added = laptops(
        "a", "activity", "add", "--person", "BEVER", "--title", "Zitting",
        "--start", "2026-11-30 09:00", "--end", "2026-11-30 12:00",
    )  # fmt: skip
    activity = added.stdout.strip().splitlines()[-1]
    for _ in range(2):
        for name in ("a", "b"):
            laptops(name, "sync", "export", "--to", share)
            laptops(name, "sync", "import", share)
    for name, value, minute in (("a", values[0], "05"), ("b", values[1], "06")):
        args = (
            ["assign", activity, value]
            if field == "concept"
            else ["edit", activity, f"--{field}", value, "--correction", "typo"]
        )
        done = laptops(
            name, "activity", *args, env={"SCHILDWACHT_NOW": f"2026-11-28T09:{minute}:00Z"}
        )
        assert done.exit_code == 0, done.stderr
    for name in ("a", "b"):
        laptops(name, "sync", "export", "--to", share)
    laptops("a", "sync", "import", share)
    [conflict] = json.loads(laptops("a", "sync", "conflicts", "--format", "json").stdout)
    return str(conflict["id"])


@pytest.mark.parametrize("value", ["0", "", "2026-11-30T10:00+25:00", "0001-01-01 10:00"])
def test_resolving_a_time_goes_through_the_time_parser(
    laptops: Laptops, tmp_path: Path, value: str
) -> None:
    """Issue 13 item 6: a start of "0" or "" was stored as given and broke every listing."""
    conflict = _conflict_on(laptops, tmp_path, "start", ("2026-11-30 08:00", "2026-11-30 10:00"))
    before = snapshot(laptops.db("a"))
    refused = laptops("a", "sync", "resolve", conflict[:8], "--value", value)
    assert refused.exit_code == 2, refused.stderr
    assert snapshot(laptops.db("a")) == before
    done = laptops("a", "sync", "resolve", conflict[:8], "--value", "2026-11-30 08:30")
    assert done.exit_code == 0, done.stderr
    assert "(start_at) resolved: 2026-11-30 08:30." in done.stderr  # Amsterdam time (rev14g)
    assert laptops("a", "activity", "list", "--format", "json").exit_code == 0


def test_resolving_a_concept_keeps_r3_and_r4(laptops: Laptops, tmp_path: Path) -> None:
    conflict = _conflict_on(laptops, tmp_path, "concept", ("CP-LIGHT", "CP-HEAVY"))
    before = snapshot(laptops.db("a"))
    pilot = laptops("a", "sync", "resolve", conflict[:8], "--value", "REMOTE-CP")
    assert pilot.exit_code == 2 and "R4" in pilot.stderr  # a pilot outside its units
    below = laptops("a", "sync", "resolve", conflict[:8], "--value", "CAM")
    assert below.exit_code == 2 and "R1" in below.stderr
    assert snapshot(laptops.db("a")) == before
    assert laptops("a", "sync", "resolve", conflict[:8], "--choose", "2").exit_code == 0


FOLDER_IMPORT = """
import sys
from commands.cli import main
sys.argv = ["schildwacht", "--db", sys.argv[1], "sync", "import", sys.argv[2], "--format", "json"]
main()
"""


def test_folder_mode_reads_regular_files_only_and_reports_damage(
    laptops: Laptops, tmp_path: Path
) -> None:
    """Issue 13 item 10: a damaged file is reported as damaged (not "not addressed"), links,
    FIFOs and devices are never read, the valid bundle is applied, and the command exits 5."""
    share = tmp_path / "share"
    laptops("b", "log", "add", "Route verkend")
    laptops("b", "sync", "export", "--to", str(share))
    [valid] = list(share.glob("*/*.swb"))
    data = valid.read_bytes()
    for folder, content in (("tampered", data[:-40] + bytes([data[-40] ^ 1]) + data[-39:]),
                            ("truncated", data[: len(data) // 2])):  # fmt: skip
        (share / folder).mkdir()
        (share / folder / "x.swb").write_bytes(content)
    (share / "links").mkdir()
    (share / "links" / "zero.swb").symlink_to("/dev/zero")
    (share / "links" / "valid.swb").symlink_to(valid)
    (share / "fifo").mkdir()
    os.mkfifo(share / "fifo" / "pipe.swb")
    (share / "\x1b]0;pwned\x07").mkdir()
    (share / "\x1b]0;pwned\x07" / "junk.swb").write_bytes(b"junk")
    done = subprocess.run(
        [sys.executable, "-c", FOLDER_IMPORT, str(laptops.db("a")), str(share)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert done.returncode == 5, done.stderr
    results = {Path(r["file"]).parent.name: r["result"] for r in json.loads(done.stdout)}
    assert results == {
        valid.parent.name: "applied",
        "tampered": "damaged",
        "truncated": "damaged",
        "links": "refused",
        "fifo": "refused",
        "\x1b]0;pwned\x07": "damaged",
    }
    assert "\x1b" not in done.stderr and "\\u001b" in done.stderr  # folder names escaped
    listed = laptops("a", "log", "list", "--format", "json")
    assert "Route verkend" in listed.stdout


def test_bundles_copied_flat_into_the_folder_are_imported_and_none_is_said(
    laptops: Laptops, tmp_path: Path
) -> None:
    """rev14h: bundles lying directly in the folder (copied out of their device folders) were
    not read, and the command said nothing: exit 0, an empty table. They are read as any
    other; a folder with no other device's bundle says where it looked."""
    empty = tmp_path / "leeg"
    empty.mkdir()
    nothing = laptops("a", "sync", "import", str(empty))
    assert nothing.exit_code == 0
    assert f"No bundle from another device in {empty}:" in nothing.stderr
    assert f"({empty}/<device>/, as `sync export --to` writes them)" in nothing.stderr
    share, flat = tmp_path / "share", tmp_path / "plat"
    laptops("b", "log", "add", "Plat gekopieerd")
    assert laptops("b", "sync", "export", "--to", str(share)).exit_code == 0
    flat.mkdir()
    for bundle in share.glob("*/*.swb"):
        shutil.copy(bundle, flat / bundle.name)
    done = laptops("a", "sync", "import", str(flat), "--format", "json")
    assert done.exit_code == 0, done.stderr
    [receipt] = json.loads(done.stdout)
    assert receipt["result"] == "applied" and receipt["sender"] == "laptop-b"
    assert "Plat gekopieerd" in laptops("a", "log", "list", "--format", "json").stdout
    again = laptops("a", "sync", "import", str(share))  # from its device folder: known
    assert again.exit_code == 0 and "already applied" in again.stderr
    assert "No bundle" not in again.stderr


# Issue 13 (third review), items 3 and 5: `team enroll` shows whom the admin enrols, and
# checks everything before it writes anything.


def _enrolment_request(run: Laptops, tmp_path: Path) -> Path:
    (tmp_path / "c").mkdir()
    init = ("init", "--callsign", "RT-0412", "--role", "operator", "--unit", "RT")
    assert run("c", *init, "--label", "laptop-c").exit_code == 0
    assert run("c", "device", "request", "--out", str(tmp_path / "req-c.json")).exit_code == 0
    return tmp_path / "req-c.json"


def test_enroll_shows_the_requests_callsign_role_and_unit(laptops: Laptops, tmp_path: Path) -> None:
    request = _enrolment_request(laptops, tmp_path)
    done = laptops("a", "team", "enroll", str(request), "--out", str(tmp_path / "w.swb"), "--yes")
    assert done.exit_code == 0, done.stderr
    assert "Device laptop-c asks to join: its operator RT-0412, operator of unit RT." in (
        done.stderr
    )


def test_enroll_on_a_tampered_change_log_is_exit_5_before_the_roster_is_touched(
    laptops: Laptops, tmp_path: Path
) -> None:
    request = _enrolment_request(laptops, tmp_path)
    raw = sqlite3.connect(laptops.db("a"))
    raw.execute(
        "UPDATE sync_shape SET cols = '[\"\"]' WHERE id = (SELECT min(shape) FROM sync_log)"
    )
    raw.commit()
    raw.close()
    before = snapshot(laptops.db("a"))
    roster = sqlite3.connect(laptops.db("a")).execute("SELECT max(version) FROM sync_roster")
    version = roster.fetchone()[0]
    refused = laptops(
        "a", "team", "enroll", str(request), "--out", str(tmp_path / "w.swb"), "--yes"
    )
    assert refused.exit_code == 5, refused.stderr
    assert "sync_shape" in refused.stderr and not (tmp_path / "w.swb").exists()
    assert snapshot(laptops.db("a")) == before
    after = sqlite3.connect(laptops.db("a")).execute("SELECT max(version) FROM sync_roster")
    assert after.fetchone()[0] == version


def test_sync_release_is_the_admins_and_names_a_held_change(
    laptops: Laptops, tmp_path: Path
) -> None:
    """`sync release DEVICE NUMBER` (issue 13): a shift leader may not (exit 4); a number
    nothing holds is exit 2; nothing written either way."""
    before = snapshot(laptops.db("b"))
    denied = laptops("b", "sync", "release", "laptop-a", "5")
    assert denied.exit_code == 4, denied.stderr
    assert snapshot(laptops.db("b")) == before
    before = snapshot(laptops.db("a"))
    missing = laptops("a", "sync", "release", "laptop-b", "5")
    assert missing.exit_code == 2, missing.stderr
    assert "No held change number 5" in missing.stderr
    assert snapshot(laptops.db("a")) == before


def test_a_threat_level_typed_to_resolve_a_conflict_is_read_as_threat_assess_reads_it(
    laptops: Laptops, tmp_path: Path
) -> None:
    """ASCII digits only, as ``threat assess --level`` and the README input table: ``３``
    (full-width), ``0_3`` and ``+3`` are refused (exit 2, nothing resolved); ``3`` resolves."""
    share = str(tmp_path / "share")
    laptops("a", "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    laptops("a", "threat", "assess", "BEVER", "--level", "2")
    for _ in range(2):
        for name in ("a", "b"):
            laptops(name, "sync", "export", "--to", share)
            laptops(name, "sync", "import", share)
    laptops("a", "threat", "assess", "BEVER", "--level", "3")
    laptops("b", "threat", "assess", "BEVER", "--level", "1")
    for _ in range(2):
        for name in ("a", "b"):
            laptops(name, "sync", "export", "--to", share)
            laptops(name, "sync", "import", share)
    [conflict] = json.loads(laptops("a", "sync", "conflicts", "--format", "json").stdout)
    assert conflict["field"] == "threat_level"
    for typed in ("３", "0_3", "+3", "03"):
        refused = laptops("a", "sync", "resolve", conflict["id"][:8], "--value", typed)
        assert refused.exit_code == 2, (typed, refused.stdout, refused.stderr)
        assert "digits 0-9" in refused.stderr
    assert len(json.loads(laptops("a", "sync", "conflicts", "--format", "json").stdout)) == 1
    resolved = laptops("a", "sync", "resolve", conflict["id"][:8], "--value", "2")
    assert resolved.exit_code == 0, resolved.stderr
    listed = json.loads(laptops("a", "person", "list", "--format", "json").stdout)
    assert [p["threat_level"] for p in listed if p["code"] == "BEVER"] == [2]


def test_an_import_that_applies_nothing_prints_one_row_fix17r(
    laptops: Laptops, tmp_path: Path
) -> None:
    laptops("a", "person", "add", "BEVER", "--kind", "person", "--domain", "local", "--unit", "RT")
    laptops("a", "threat", "assess", "BEVER", "--level", "3")
    first, second = tmp_path / "first.swb", tmp_path / "second.swb"
    assert laptops("a", "sync", "export", "--out", str(first)).exit_code == 0
    assert laptops("a", "sync", "export", "--out", str(second)).exit_code == 0  # not acked yet
    applied = laptops("b", "sync", "import", str(first))
    assert applied.exit_code == 0, applied.stderr
    assert len(applied.stdout.splitlines()) > 3  # a row per table that changed
    known = laptops("b", "sync", "import", str(second))
    assert known.exit_code == 0, known.stderr
    rows = known.stdout.splitlines()[2:]
    assert len(rows) == 1 and rows[0].split()[:4] == ["all", rows[0].split()[1], "tables", "0"]
    assert "already known" in known.stderr
    as_json = json.loads(laptops("b", "sync", "import", str(second), "-f", "json").stdout)
    assert isinstance(as_json, dict)  # a script still reads every table
