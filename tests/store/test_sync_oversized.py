"""A bundle's oversized change never costs a receiving laptop (issues 13/14, fresh review 14):
before, a member's 120 MB activity title (raw SQL on its own database, 126 KB compressed) took
A's import 21 s and 782 MB, and its 253 MB stayed in A's change log to be relayed to everyone.

A change larger than the rule table lets any store write (``rules.largest``: a text field's
limit, a signed handover's document, a row key, a run of more records than a row has fields) is
found while the segment body is read, line by line, before it is stored or held whole: the
bundle is refused as damaged naming the device, segment and field, nothing of it stored (so
nothing relayed), identically on every laptop, and that laptop's chain waits at that segment.
The other members' bundles still apply and the honest laptops converge."""

from __future__ import annotations

import json
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import logbook, rules
from store.clock import FixedClock
from store.errors import IntegrityFailure
from store.sync import bundle, exchange
from store.sync.bundle import Refused
from tests.conftest import NOW, snapshot
from tests.hostile import Hostile, key
from tests.sync_team import Laptop, make_team, user_tables
from words.errors import sentence
from words.quarantine import said as said_reason
from words.receipts import said

ROW = "01a2ffff-0000-7000-8000-000000000001"

#: Each attack: the records the hostile laptop forges (table, key, field, value), and what the
#: refusal names (table, field, part).
ATTACKS: dict[str, tuple[list[tuple[str, str, str, object]], tuple[str, str, str]]] = {
    "text one character over": (
        [("log_entry", key(ROW), "text", "x" * (rules.largest("log_entry", "text") + 1))],
        ("log_entry", "text", "value"),
    ),
    "text of 3 MB": (  # longer than its line may be: refused as it is read
        [("log_entry", key(ROW), "text", "x" * 3_000_000)],
        ("log_entry", "text", "value"),
    ),
    "a JSON document over the limit": (
        [("handover", key(ROW), "content", json.dumps({"x": "y" * rules.MAX_DOCUMENT}))],
        ("handover", "content", "value"),
    ),
    "a row key of 5 MB": (
        [("log_entry", json.dumps(["k" * 5_000_000]), "text", "hi")],
        ("log_entry", "", "key"),
    ),
    "a run of tiny records, one over": (
        [("log_entry", key(ROW), f"f{n}", n) for n in range(rules.MAX_RUN_RECORDS + 1)],
        ("log_entry", "", "records"),
    ),
}


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Laptop, Hostile, Laptop]]:
    """Admin a, hostile operator b, honest operator c, each holding the others' changes."""
    a, b, c = make_team(tmp_path / "team", FixedClock(NOW), names=("a", "b", "c"), role="operator")
    roster = exchange.export(a.store, out=tmp_path / "roster.swb").path  # b learns of c
    for laptop in (b, c):
        exchange.import_file(laptop.store, roster)
    try:
        yield a, Hostile(b, tmp_path), c
    finally:
        for laptop in (a, b, c):
            laptop.store.close()


def _refused(laptop: Laptop, path: Path) -> Refused:
    """Refused, and nothing of the bundle kept: the tables as they were but for the short note
    of the refused segment (``sync status`` names it), the files hardly larger."""
    before, size = snapshot(laptop.store.path), _size(laptop)
    with pytest.raises(Refused) as refused:
        exchange.import_path(laptop.store, path)
    assert snapshot(laptop.store.path) == before
    assert _size(laptop) - size < 256 * 1024  # the oversized change is a megabyte or more
    return refused.value


def _size(laptop: Laptop) -> int:
    """The database's files, in bytes together (the import's lock file aside)."""
    return sum(
        path.stat().st_size
        for path in laptop.store.path.parent.glob(laptop.store.path.name + "*")
        if not path.name.endswith(".lock")
    )


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_an_oversized_change_refuses_its_segment_on_every_laptop(
    team: tuple[Laptop, Hostile, Laptop], attack: str
) -> None:
    a, b, c = team
    records, (table, field, part) = ATTACKS[attack]
    b.forge(*records)
    _refused_alike(a, b, c, (table, field, part))


def test_an_oversized_change_in_a_segment_of_the_first_body_encoding(
    team: tuple[Laptop, Hostile, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A segment a laptop signs in body encoding 1 (one JSON list, as before encoding 2) is
    read record by record and refused alike."""
    a, b, c = team
    b.forge(("log_entry", key(ROW), "text", "x" * 3_000_000))
    with monkeypatch.context() as patch:
        patch.setattr(bundle, "ENCODING", 1)
        sent = b.export()
    _refused_alike(a, b, c, ("log_entry", "text", "value"), sent)


def test_a_history_longer_than_any_writer_saw(team: tuple[Laptop, Hostile, Laptop]) -> None:
    a, b, c = team
    seen = json.dumps([f"{b.laptop.id}/{n}" for n in range(30_000)])  # ~1.2 M characters
    b.forge(("activity", key(ROW), "location", "Elders"), prev=seen)
    _refused_alike(a, b, c, ("activity", "location", "history"))


def _refused_alike(
    a: Laptop, b: Hostile, c: Laptop, named: tuple[str, str, str], sent: Path | None = None
) -> None:
    """b's bundle (``sent``, or exported now) is refused by a and c alike as damaged, naming
    ``named`` (table, field, part), each database byte for byte unchanged."""
    table, field, part = named
    sent = sent or b.export()
    on_a, on_c = _refused(a, sent), _refused(c, sent)
    assert on_a.code == "bundle_change_too_large" and on_a.check == "damaged"
    assert on_a.params == on_c.params  # identically on every laptop
    facts = on_a.params
    assert (facts["label"], facts["table"], facts["field"], facts["part"]) == (
        "laptop-b",
        table,
        field,
        part,
    )
    assert f"segment {facts['number']} of laptop-b" in sentence(on_a)


def test_the_chain_waits_and_the_others_still_apply_and_converge(
    team: tuple[Laptop, Hostile, Laptop], tmp_path: Path
) -> None:
    a, b, c = team
    b.forge(("log_entry", key(ROW), "text", "x" * 5_000))
    folder = tmp_path / "share"
    bad = b.export()
    (folder / b.laptop.id).mkdir(parents=True)
    bad.rename(folder / b.laptop.id / bad.name)
    logbook.add_entry(c.store, "Honest note from c")
    exchange.export(c.store, folder=folder)
    receipts = {Path(r.file).parent.name: r for r in exchange.import_path(a.store, folder)}
    refused, applied = receipts[b.laptop.id], receipts[c.id]
    assert refused.result == "damaged" and applied.result == "applied"
    assert refused.warnings[0].params["error"] == "bundle_change_too_large"
    assert "log_entry.text longer than 4,000 characters" in said(refused.warnings[0])
    number = refused.warnings[0].params["facts"]["number"]
    # b's next honest change travels behind the refused segment: it waits, refused alike
    logbook.add_entry(b.store, "Later note from b")
    later = b.export()
    assert _refused(a, later).params["number"] == number
    # the honest laptops converge, and hold nothing of the oversized change
    exchange.export(a.store, folder=folder)
    exchange.import_path(c.store, folder)
    assert user_tables(a.store) == user_tables(c.store)
    for laptop in (a, c):
        assert laptop.store.one("SELECT max(length(vals)) FROM sync_log")[0] < 5_000


def test_the_cli_exits_5_naming_device_segment_and_field(
    team: tuple[Laptop, Hostile, Laptop],
) -> None:
    a, b, _c = team
    b.forge(("log_entry", key(ROW), "text", "x" * 5_000))
    sent = b.export()
    result = CliRunner().invoke(cli, ["--db", str(a.store.path), "sync", "import", str(sent)])
    assert result.exit_code == 5
    said = result.stderr.strip()
    assert said.count("\n") == 0, said  # one sentence
    assert "segment 1 of laptop-b" in said and "log_entry.text" in said, said


def test_an_honest_laptop_does_not_send_a_change_no_laptop_would_take(
    team: tuple[Laptop, Hostile, Laptop],
) -> None:
    _a, b, _c = team
    b.sql(("UPDATE staff SET name = ? WHERE callsign = 'OPS-B'", ("n" * 4_001,)))
    with pytest.raises(IntegrityFailure) as refused:
        exchange.export(b.store, out=b.work / "honest.swb")
    assert refused.value.code == "log_malformed"
    assert "larger than a change may be" in said_reason(refused.value.params["what"])
    assert not (b.work / "honest.swb").exists()


def _read_holding(body: bytes, encoding: int = 2) -> tuple[bundle.Oversized, int]:
    """Reading a compressed body as a receiving laptop does: what it refuses, and the most
    memory it held meanwhile (tracemalloc)."""
    chunks = bundle.inflate(zlib.compress(body), bundle.MAX_PAYLOAD_BYTES)
    tracemalloc.start()
    try:
        with pytest.raises(bundle.Oversized) as refused:
            if encoding == 1:
                list(bundle.records_v1(chunks, "o"))
            else:
                list(bundle.lines(chunks, bounded=True))
        return refused.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _head(*items: object) -> bytes:
    return json.dumps(list(items), separators=(",", ":"))[:-1].encode()


def test_a_long_line_is_refused_before_it_is_held_whole() -> None:
    """A 16 MB value compresses to 16 KB; reading it holds at most its field's bound and a
    chunk, never the line (nor the whole body)."""
    run = _head(1, 1 << 16, "activity", key(ROW), 1, "OPS-B", ["title"], None)
    refused, peak = _read_holding(run + b',["' + b"a" * (16 << 20) + b'"]]\n')
    assert (refused.table, refused.column) == ("activity", "title")
    assert peak < 8 * bundle.CHUNK


def test_a_long_row_key_is_refused_before_it_is_held_whole() -> None:
    run = _head(1, 1 << 16, "activity")
    refused, peak = _read_holding(run + b',"[\\"' + b"k" * (24 << 20) + b'\\"]",1]\n')
    assert (refused.table, refused.part) == ("activity", "key")
    assert peak < 3 * bundle.MAX_HEAD


def test_a_long_record_of_the_first_body_encoding_is_refused_before_it_is_held_whole() -> None:
    record = b"[" + _head(1, 1 << 16, "activity", key(ROW), "title") + b',"' + b"a" * (48 << 20)
    refused, peak = _read_holding(record + b'",1,null,"OPS-B"]]', encoding=1)
    assert (refused.table, refused.column) == ("activity", "title")
    assert peak < 3 * bundle.MAX_LINE


def test_the_largest_run_the_rule_table_allows_fits_a_line() -> None:
    """No honest run is refused: the largest every table's fields allow fits ``MAX_LINE``."""
    for name, rule in rules.TABLES.items():
        largest = sum(bundle.JSON_CHAR * rules.largest(name, c) + 16 for c in rule.fields)
        assert largest + bundle.MAX_HEAD <= bundle.MAX_LINE
        assert len(rule.fields) + 1 <= rules.MAX_RUN_RECORDS
