"""Issue 13 (fifth review), item 1: `team enroll` on an admin laptop whose change log was
changed in its content (a row key of no row, a deleted record, another author, clock or value)
refuses with exit 5, naming the record or the signed segment it breaks, before the roster or a
welcome is written: the welcome is read back as the new laptop would read it first."""

from __future__ import annotations

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
from tests.conftest import NOW, refused_as, snapshot
from tests.sync_team import make_team
from words.errors import sentence

#: A record of A's segment already signed (sent), and A's log entry not sent yet.
SENT = "origin = 1 AND seq = (SELECT min(seq) FROM sync_log WHERE origin = 1 AND n > 1)"
NEW = "origin = 1 AND seq = (SELECT max(seq) FROM sync_log WHERE origin = 1)"
TAMPERED = {
    "sent-key-null": f"UPDATE sync_log SET pk = '[null]' WHERE {SENT}",
    "sent-author": f"UPDATE sync_log SET actor = 'AM-0122' WHERE {SENT}",
    "sent-clock": f"UPDATE sync_log SET hlc = hlc + 7 WHERE {SENT}",
    "sent-deleted": f"DELETE FROM sync_log WHERE {SENT}",
    "sent-value": f"UPDATE sync_log SET vals = json_set(vals, '$[3]', 'x') WHERE {SENT}",
    "new-key-three": f"UPDATE sync_log SET pk = '[1,2,3]' WHERE {NEW}",
    "new-clock-back": f"UPDATE sync_log SET hlc = 5 WHERE {NEW}",
    "new-unknown-key": f"UPDATE sync_log SET vals = replace(vals, '{{\"k\":0}}', '\"x\"')"
    f" WHERE {NEW}",
}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An admin laptop (closed) with a signed segment and a log entry not sent, and a new
    laptop's enrolment request."""
    root = tmp_path_factory.mktemp("enrol-content")
    clock = FixedClock(NOW)
    (a,) = make_team(root / "team", clock, names=("a",))
    exchange.export(a.store, out=root / "a1.swb")  # cuts A's first segment
    logbook.add_entry(a.store, "Dienst begonnen")
    a.store.close()
    newcomer = init_database(
        root / "d.db", callsign="RT-0499", role="operator", unit="RT", clock=clock
    )
    rosters.write_request(newcomer, root / "req-d.json")
    newcomer.close()
    return a.store.path, root / "req-d.json"


def _copy(template: Path, into: Path, sql: str | None) -> Path:
    path = into / "a.db"
    shutil.copy(template, path)
    if sql:
        raw = sqlite3.connect(path)
        raw.executescript(sql)
        raw.commit()
        raw.close()
    return path


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_enrol_refuses_a_content_tampering_before_anything_is_written(
    admin: tuple[Path, Path], tmp_path: Path, case: str
) -> None:
    template, request = admin
    path = _copy(template, tmp_path, TAMPERED[case])
    before = snapshot(path)
    store = Store(path, clock=FixedClock(NOW))
    with refused_as(IntegrityFailure, "changed outside Schildwacht") as refused:
        exchange.enroll(store, rosters.read_request(request), None, tmp_path / "w.swb")
    assert "record #" in sentence(refused.value) or not case.startswith("new")
    store.close()
    assert not (tmp_path / "w.swb").exists()
    assert snapshot(path) == before


def test_team_enroll_on_a_changed_sent_record_exits_5_naming_it(
    admin: tuple[Path, Path], tmp_path: Path
) -> None:
    template, request = admin
    path = _copy(template, tmp_path, TAMPERED["sent-author"])
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(path),
            "team",
            "enroll",
            "--yes",
            str(request),
            "--out",
            str(tmp_path / "w.swb"),
        ],
    )
    assert result.exit_code == 5, result.output
    assert "cannot be read" in result.output and "backup" in result.output
    assert not (tmp_path / "w.swb").exists()


def test_an_untouched_log_enrols_and_the_welcome_is_read(
    admin: tuple[Path, Path], tmp_path: Path
) -> None:
    """The check refuses nothing honest: the welcome is written and the new laptop joins."""
    template, request = admin
    path = _copy(template, tmp_path, None)
    store = Store(path, clock=FixedClock(NOW))
    _roster, written = exchange.enroll(
        store, rosters.read_request(request), None, tmp_path / "w.swb"
    )
    store.close()
    newcomer = Store(request.parent / "d.db", clock=FixedClock(NOW))
    copy = tmp_path / "d.db"
    newcomer.close()
    shutil.copy(request.parent / "d.db", copy)
    joined = Store(copy, clock=FixedClock(NOW))
    receipt = exchange.import_file(joined, written.path)
    assert receipt.result == "applied" and not receipt.quarantined
    joined.close()
