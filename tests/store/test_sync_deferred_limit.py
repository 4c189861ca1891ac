"""Issue 14: changes waiting for a row no laptop has are bounded like those of an unknown
table. Laptop b writes log entries about an activity that does not exist (raw SQL, foreign
keys off); each entry's records would wait for that row. A bundle that would take its origin
past ``MAX_DEFERRED_PER_ORIGIN`` is refused whole when it is the sender's own (exit 5, one
sentence, nothing stored); relayed by an honest laptop, that origin's segments are set aside
and the relaying laptop's own changes are applied."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands.sync_cmd import _fail_if_refused
from store import logbook
from store.clock import FixedClock
from store.errors import IntegrityFailure
from store.sync import exchange
from store.sync import quarantine as kept
from store.sync.bundle import Refused
from tests.conftest import NOW, refused_as, snapshot
from tests.hostile import Hostile
from tests.sync_team import Laptop, copied_laptops, exchange_all, make_team
from words.errors import sentence
from words.receipts import said_all

GHOSTS = 3  # log entries about a missing activity: 11 records each wait for it


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """Admin a, shift leaders b and c; b has written GHOSTS entries about a missing activity
    (not sent yet)."""
    root = Path(tempfile.mkdtemp(prefix="deferred-limit-"))
    laptops = make_team(root / "team", FixedClock(NOW))
    exchange_all(laptops, root / "share")
    b = Hostile(laptops[1], root)
    device, operator = b.store.device_id, "OPS-B"
    b.sql(
        *(
            (
                "INSERT INTO log_entry (id, at, author, device, activity_id, kind, text,"
                " flagged) VALUES (?, '2026-11-28T08:59:00Z', ?, ?,"
                " '01a22d10-dead-7000-8000-000000000000', 'note', ?, 0)",
                (f"01a22d10-0000-7000-9000-{n:012d}", operator, device, f"ghost {n}"),
            )
            for n in range(GHOSTS)
        )
    )
    b.seal()
    for laptop in laptops:
        laptop.store.close()
    yield root / "team"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def team(template: Path, tmp_path: Path) -> Iterator[list[Laptop]]:
    with copied_laptops(template, tmp_path / "team", "abc") as laptops:
        yield laptops


def test_a_bundle_whose_rows_would_wait_past_the_limit_is_refused_whole(
    team: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _c = team
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 11 * GHOSTS - 1)
    logbook.add_entry(b.store, "Echte waarneming")  # b's honest entry: refused with the rest
    before = snapshot(a.store.path)
    sent = Hostile(b, tmp_path).export()
    with refused_as(Refused, "revoke laptop-b") as refused:
        exchange.import_file(a.store, sent)
    assert refused.value.check == "deferred limit"
    assert f"laptop-b sent {11 * GHOSTS:,} changes" in sentence(refused.value)
    assert "none was stored" in sentence(refused.value)
    # worded by its cause: rows no laptop has sent, not a newer version (no upgrade helps)
    assert "refer to rows or people no laptop has sent here" in sentence(refused.value)
    assert "Upgrade" not in sentence(refused.value)
    assert snapshot(a.store.path) == before
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 11 * GHOSTS)  # at the limit: kept
    receipt = exchange.import_file(a.store, sent)
    assert receipt.deferred["log_entry"] == 11 * GHOSTS and receipt.result == "applied"


def test_relayed_rows_past_the_limit_are_set_aside_and_the_rest_applied(
    team: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = team
    exchange.import_file(c.store, Hostile(b, tmp_path).export())  # c's limit takes them
    assert c.store.one("SELECT count(*) FROM sync_deferred")[0] == 11 * GHOSTS
    logbook.add_entry(c.store, "Van c")
    monkeypatch.setattr(kept, "MAX_DEFERRED_PER_ORIGIN", 11 * GHOSTS - 1)
    receipt = exchange.import_file(a.store, exchange.export(c.store, out=tmp_path / "c.swb").path)
    assert receipt.result == "partly applied" and receipt.set_aside == [b.id]
    [warning] = said_all(receipt.warnings)
    assert receipt.warnings[0].code == "too_many_waiting"
    assert warning.startswith(f"laptop-b sent {11 * GHOSTS:,} changes"), warning
    assert a.store.one("SELECT count(*) FROM log_entry WHERE text = 'Van c'")[0] == 1
    assert a.store.one("SELECT count(*) FROM sync_deferred")[0] == 0
    assert receipt.deferred.total() == 0 and not receipt.quarantined
    with pytest.raises(IntegrityFailure):
        _fail_if_refused([receipt])  # exit 5: something was not taken in
