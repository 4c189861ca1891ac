"""Bundle format 2 and the compact change log (issue 18): segment bodies compressed and written
as runs, bundles of format 1 still read, a newer encoding refused with advice, a body that is not
what its signed header says refused, runs not written canonically refused, every value exact
through runs, bundle lines and the log, and a database from before the compact log upgraded
with its log intact and its old segments relayed byte for byte."""

from __future__ import annotations

import json
import math
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import integrity, logbook, migrations
from store.clock import FixedClock
from store.db import Store
from store.setup import init_database
from store.sync import bundle, capture, exchange, log
from store.sync import roster as rosters
from store.sync.bundle import Refused
from store.sync.change import Change, Run, decode_values, encode_values, runs_of
from tests.conftest import snapshot
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.errors import sentence


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


def parts_of(laptop: Laptop, path: Path) -> list[bytes]:
    identity = rosters.identity(laptop.store).age_identity
    return bundle.unframe(bundle.decrypt(path.read_bytes(), identity))


def sealed(laptop: Laptop, parts: list[bytes], path: Path) -> Path:
    roster = rosters.current(laptop.store)
    assert roster is not None
    path.write_bytes(bundle.encrypt(bundle.frame(parts), [d["age"] for d in roster.active()]))
    return path


def refused(laptop: Laptop, path: Path) -> Refused:
    before = snapshot(laptop.store.path)
    with pytest.raises(Refused) as caught:
        exchange.import_file(laptop.store, path)
    assert snapshot(laptop.store.path) == before
    return caught.value


def key_of(laptop: Laptop) -> Any:
    return rosters.identity(laptop.store).sign_key


def resigned(
    parts: list[bytes],
    sender: Laptop,
    origin: Laptop,
    change: Any,
    *,
    fmt: int | None = None,
) -> list[bytes]:
    """The bundle with each of ``origin``'s segments passed through ``change(header, body) ->
    (header, body part)`` and re-signed by its origin, the manifest by the sender."""
    manifest = json.loads(parts[0])
    rebuilt = parts[:4]
    for index in range(4, len(parts), 3):
        header_bytes, body, signature = parts[index : index + 3]
        header = json.loads(header_bytes)
        if header["origin"] == origin.id:
            header, body = change(header, body)
            header_bytes = bundle.canonical(header)
            signature = key_of(origin).sign(header_bytes)
            manifest["segments"][(index - 4) // 3]["hash"] = bundle.sha256(header_bytes)
        rebuilt += [header_bytes, body, signature]
    if fmt is not None:
        manifest["format"] = fmt
    body = bundle.canonical(manifest)
    return [body, key_of(sender).sign(body), *rebuilt[2:]]


def runs_in(body: bytes, origin: str) -> list[Run]:
    return list(bundle.decode_runs(bundle.lines([zlib.decompress(body)]), origin))


def lines_of(body: bytes) -> list[list[Any]]:
    return [json.loads(line) for line in zlib.decompress(body).splitlines()]


def with_lines(header: dict[str, Any], rows: list[list[Any]]) -> tuple[dict[str, Any], bytes]:
    body = b"".join(
        json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for row in rows
    )
    return {**header, "body_sha256": bundle.sha256(body), "body_bytes": len(body)}, zlib.compress(
        body
    )


# Formats ---------------------------------------------------------------------------------------


def test_a_bundle_is_compressed_and_says_so(team: list[Laptop], sent: Path) -> None:
    a, b, _c = team
    parts = parts_of(a, sent)
    assert json.loads(parts[0])["format"] == bundle.FORMAT == 2
    header = json.loads(parts[4 + 3 * _own(parts, b)])
    assert header["encoding"] == bundle.ENCODING == 2
    body = zlib.decompress(parts[5 + 3 * _own(parts, b)])
    assert len(body) == header["body_bytes"] and bundle.sha256(body) == header["body_sha256"]
    assert body.endswith(b"\n") and all(line.startswith(b"[") for line in body.splitlines())


def _own(parts: list[bytes], laptop: Laptop) -> int:
    """Which segment of the bundle is the laptop's own."""
    headers = [json.loads(parts[i]) for i in range(4, len(parts), 3)]
    return next(i for i, h in enumerate(headers) if h["origin"] == laptop.id)


def test_a_format_1_bundle_with_records_in_a_list_is_still_read(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    """What a laptop wrote before format 2: plain bodies, b's segment as one list of records.
    (That an upgraded laptop relays such segments as they were signed: the upgrade test.)"""
    a, b, c = team

    def as_v1(header: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        runs = bundle.decode_runs(bundle.lines([body]), b.id)  # plain already
        records = [tuple(r)[1:] for run in runs for r in run.changes()]
        old = bundle.encode_body(records)
        kept = {k: v for k, v in header.items() if k not in ("encoding", "body_bytes")}
        return {**kept, "body_sha256": bundle.sha256(old)}, old

    parts = parts_of(a, sent)
    plain = [*parts[:4]]
    for index in range(4, len(parts), 3):
        plain += [parts[index], zlib.decompress(parts[index + 1]), parts[index + 2]]
    old = sealed(a, resigned(plain, b, b, as_v1, fmt=1), tmp_path / "old.swb")
    receipt = exchange.import_file(a.store, old)
    assert receipt.result == "applied" and receipt.applied["log_entry"] > 0
    # a, the admin laptop, has claimed the names it now holds: not sent to b yet
    claimless = [{**user_tables(x.store), "name_claim": []} for x in (a, b, c)]
    assert claimless[0] == claimless[1] != claimless[2]


def test_a_newer_body_encoding_is_refused_with_advice(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, _c = team
    newer = resigned(parts_of(a, sent), b, b, lambda h, body: ({**h, "encoding": 3}, body))
    refusal = refused(a, sealed(a, newer, tmp_path / "newer.swb"))
    assert refusal.check == "format" and "upgrade Schildwacht" in sentence(refusal)


def test_a_body_that_is_not_as_long_as_its_signed_header_says_is_refused(
    team: list[Laptop], sent: Path, tmp_path: Path
) -> None:
    a, b, _c = team
    shorter = resigned(
        parts_of(a, sent), b, b, lambda h, body: ({**h, "body_bytes": h["body_bytes"] - 1}, body)
    )
    assert refused(a, sealed(a, shorter, tmp_path / "short.swb")).check == "segment hash"

    def bomb(header: dict[str, Any], _body: bytes) -> tuple[dict[str, Any], bytes]:
        zeros = b"\0" * (4 << 20)  # compresses to a few kilobytes
        return {**header, "body_sha256": bundle.sha256(zeros), "body_bytes": 10}, zlib.compress(
            zeros
        )

    bombed = resigned(parts_of(a, sent), b, b, bomb)
    assert refused(a, sealed(a, bombed, tmp_path / "bomb.swb")).check == "segment hash"


def test_a_bundle_holding_more_than_a_bundle_may_is_refused(
    team: list[Laptop], sent: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "MAX_PAYLOAD_BYTES", 200)
    assert refused(team[0], sent).check == "size"


@pytest.mark.parametrize(
    "damage",
    [
        "split",  # one run written as two
        "spaces",  # a header with spaces in it
        "prevs",  # no history written as a list of nothing
        "escaped",  # a character escaped that JSON writes as it is
    ],
)
def test_runs_not_written_canonically_are_refused(
    team: list[Laptop], sent: Path, tmp_path: Path, damage: str
) -> None:
    """Every laptop writes the same bytes for the same records, so a relayed segment keeps its
    hash: a body in any other form is refused, even signed by its origin."""
    a, b, _c = team

    def change(header: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        rows = lines_of(body)
        if damage == "split":
            first = next(r for r in rows if len(r[6]) > 1)
            index = rows.index(first)
            tail = [first[0] + 1, *first[1:6], first[6][1:], None, first[8][1:]]
            rows[index : index + 1] = [[*first[:6], first[6][:1], None, first[8][:1]], tail]
            return with_lines(header, rows)
        if damage == "prevs":
            plain = next(r for r in rows if r[7] is None)
            plain[7] = [None] * len(plain[6])
            return with_lines(header, rows)
        text = zlib.decompress(body).decode()
        if damage == "spaces":
            text = text.replace(",", ", ", 1)
        else:
            text = text.replace('"log_entry"', '"log\\u005fentry"', 1)
        data = text.encode()
        return {
            **header,
            "body_sha256": bundle.sha256(data),
            "body_bytes": len(data),
        }, zlib.compress(data)

    changed = resigned(parts_of(a, sent), b, b, change)
    assert refused(a, sealed(a, changed, tmp_path / "odd.swb")).check == "format"


# Values ----------------------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(),
    st.sampled_from([-0.0, 0.0, math.inf, -math.inf, "\U0001f6e1", b"", "k1", '"', "\\", "{}"]),
    st.sampled_from(["X", "1970-01-01T00:00:00Z", '{"a":1}', '{"t":1}']),  # what a run carries
)


@given(
    values=st.lists(VALUES, min_size=1, max_size=12),
    key=st.sampled_from(['["k1"]', '["k1","k2"]', '["a\\"b"]', "not json", "[1]"]),
)
def test_every_value_type_round_trips_through_runs_lines_and_the_log(
    values: list[object], key: str
) -> None:
    """Bit for bit: a run's canonical text, a body line, the change log and its view."""

    def same(left: list[object], right: list[object]) -> None:
        assert len(left) == len(right)
        for original, returned in zip(left, right, strict=True):
            assert type(returned) is type(original)
            if isinstance(original, float):
                assert math.copysign(1, original) == math.copysign(1, returned)  # type: ignore[arg-type]
            assert returned == original

    records = [
        Change("origin-x", n + 1, 7, "t", key, f"c{n}", v, 1, None, "X")
        for n, v in enumerate(values)
    ]
    (run,) = runs_of(records)
    same(decode_values(encode_values(values, key, "X", 7 << 16), key, "X", 7 << 16), values)
    line = bundle.encode_line(run)
    (back,) = bundle.decode_runs([line], "origin-x")
    same(back.values(), values)
    assert bundle.encode_line(back) == line
    conn = sqlite3.connect(":memory:")
    migrations.migrate(conn, ":memory:")
    log.store(conn, [run])
    (held,) = log.read(conn, "origin-x", 1, len(values))
    same(held.values(), values)
    shown = [r[0] for r in conn.execute("SELECT val FROM sync_change ORDER BY seq")]
    # the view (for people reading the log with SQL) shows a blob as its JSON, and text ends
    # at a NUL character, as SQLite's JSON functions read it
    plain = [not isinstance(v, bytes) and "\0" not in str(v) for v in values]
    same(
        [v for v, keep in zip(shown, plain, strict=True) if keep],
        [v for v, keep in zip(values, plain, strict=True) if keep],
    )


def test_a_record_written_by_hand_into_the_view_is_kept_exactly(store: Store) -> None:
    """The view ``sync_change`` takes records as a sqlite tool would write them: any value."""
    with store.write("test.by_hand") as conn:
        seq = capture.last_seq(conn, store.device_id)
        conn.executemany(
            "INSERT INTO sync_change (origin, seq, hlc, tbl, pk, col, val, cl, prev, actor)"
            " VALUES (?, ?, 5, 'activity', '[\"x\"]', ?, ?, 1, NULL, 'OPS-01')",
            [
                (store.device_id, seq + 1, "id", "x"),
                (store.device_id, seq + 2, "title", -0.0),
                (store.device_id, seq + 3, "kind", b"\x00\xff"),
            ],
        )
    held = [
        r for run in log.read(store.conn, store.device_id, seq + 1, seq + 3) for r in run.changes()
    ]
    assert [r.val for r in held] == ["x", -0.0, b"\x00\xff"]
    assert math.copysign(1, held[1].val) == -1  # type: ignore[arg-type]
    (joined,) = log.canonical_runs(log.read(store.conn, store.device_id, seq + 1, seq + 3))
    assert joined.cols == ("id", "title", "kind") and joined.vals.startswith('[{"k":0},')


# Upgrading -------------------------------------------------------------------------------------

OLD_LOG = """
CREATE TABLE sync_change (
    origin TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, tbl TEXT NOT NULL,
    pk TEXT NOT NULL, col TEXT NOT NULL, val ANY, cl INTEGER NOT NULL, prev TEXT,
    actor TEXT NOT NULL, PRIMARY KEY (origin, seq)) STRICT, WITHOUT ROWID;
CREATE INDEX sync_change_critical ON sync_change(tbl, pk, col) WHERE prev IS NOT NULL;
CREATE INDEX sync_change_staff ON sync_change(col) WHERE tbl = 'staff';
CREATE INDEX sync_change_assessment ON sync_change(val)
    WHERE tbl = 'threat_assessment' AND col = 'subject_id' AND prev IS NOT NULL;
CREATE TABLE sync_clock_old (tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
    cl INTEGER NOT NULL, hlc INTEGER NOT NULL, origin TEXT NOT NULL,
    PRIMARY KEY (tbl, pk, col)) STRICT, WITHOUT ROWID;
"""


def as_before_the_compact_log(laptop: Laptop, keys: dict[str, Any]) -> list[tuple[object, ...]]:
    """Turn the laptop's database into what schema 8 kept: the log one record per row, stamps
    naming devices by their id, segments cut in encoding 1 and signed so (by each origin's own
    key, given in ``keys``). Returns the log as it was."""
    path = laptop.store.path
    laptop.store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    records = conn.execute(
        "SELECT origin, seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change"
        " ORDER BY origin, seq"
    ).fetchall()
    segments = conn.execute(
        "SELECT origin, number, first_seq, last_seq, header FROM sync_segment"
    ).fetchall()
    conn.execute("DROP VIEW sync_change")
    conn.executescript(OLD_LOG)
    conn.executemany(f"INSERT INTO sync_change VALUES ({', '.join('?' * 10)})", records)
    conn.execute(
        "INSERT INTO sync_clock_old SELECT c.tbl, c.pk, c.col, c.cl, c.hlc, o.device"
        " FROM sync_clock c JOIN sync_origin o ON o.id = c.origin"
    )
    for statement in (
        "DROP TABLE sync_clock",
        "ALTER TABLE sync_clock_old RENAME TO sync_clock",
        "DROP TABLE sync_log",
        "DROP TABLE sync_origin",
        "DROP TABLE sync_shape",
        "DROP INDEX sync_deferred_row",
        "DROP INDEX sync_quarantine_row",
        "DROP TABLE sync_fork_segment",  # 025 (its rebuild of sync_quarantine copies it as is)
        "ALTER TABLE sync_deferred DROP COLUMN hlc",
        "ALTER TABLE sync_deferred DROP COLUMN tbl",
        "ALTER TABLE sync_deferred DROP COLUMN pk",
        "ALTER TABLE sync_deferred DROP COLUMN col",
    ):
        conn.execute(statement)
    chained: dict[str, str] = {}  # origin → the hash its next segment follows (re-signed)
    for origin, number, first, last, header_bytes in sorted(segments, key=lambda s: s[:2]):
        held = [r[1:] for r in records if r[0] == origin and first <= r[1] <= last]
        header = json.loads(header_bytes)
        old = {k: v for k, v in header.items() if k not in ("encoding", "body_bytes")}
        old["body_sha256"] = bundle.sha256(bundle.encode_body(held))
        if number > 1:  # the chain follows the re-signed segment before it
            old["prev"] = chained[origin]
        text = bundle.canonical(old)
        chained[origin] = bundle.sha256(text)
        conn.execute(
            "UPDATE sync_segment SET header = ?, hash = ?, signature = ? WHERE origin = ?"
            " AND number = ?",
            (text, bundle.sha256(text), keys[origin].sign(text), origin, number),
        )
    # The schema just before the compact log (016): what the later migrations made is undone
    # too — 024's trigger over withdrawals goes back to 008's, then 019's handover withdrawals
    # (its triggers and index go with the table).
    conn.execute("DROP TRIGGER handover_signed_once")
    sql = (Path(migrations.__file__).with_name("sql") / "008_planning.sql").read_text()
    start = sql.index("CREATE TRIGGER handover_signed_once")
    conn.execute(sql[start : sql.index("END;", start) + len("END;")])
    conn.execute("DROP TABLE handover_withdrawal")
    conn.execute("DROP INDEX log_entry_supersedes")  # 030's indexes of the log
    conn.execute("DROP INDEX log_clearance_entry")
    conn.execute("DROP INDEX activity_created")
    for table in ("experience", "request_answer", "activity_request"):  # 032's (issue 20)
        conn.execute(f"DROP TABLE {table}")
    # what 031, 033, 034 and 035 made back to its form at 016 (applied again, they were rebuilt
    # as they were; since rev14p an older header over a later schema is refused as damage)
    then = integrity._reference_at(16)
    for name in integrity.applied_later(conn, 16):
        kind, _sql = integrity._reference_at(migrations.SCHEMA_VERSION)[name]
        if kind == "table" and name in then:  # its rows kept, in the columns it had then
            conn.execute("PRAGMA legacy_alter_table = ON")
            conn.execute(f"ALTER TABLE {name} RENAME TO old_{name}")
            conn.execute(then[name][1])
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
            kept = [r[1] for r in conn.execute(f"PRAGMA table_info(old_{name})")]
            both = ", ".join(c for c in columns if c in kept)
            conn.execute(f"INSERT INTO {name} ({both}) SELECT {both} FROM old_{name}")
            conn.execute(f"DROP TABLE old_{name}")
            conn.execute("PRAGMA legacy_alter_table = OFF")
            continue
        conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")  # a table takes its indexes
        if name in then:
            conn.execute(then[name][1])
    for name, (kind, made) in then.items():  # a table rebuilt above took its indexes along:
        if (
            kind in ("index", "trigger")
            and made
            and not conn.execute(  # as they were at 16
                "SELECT 1 FROM sqlite_master WHERE name = ?", (name,)
            ).fetchone()
        ):
            conn.execute(made)
    conn.execute("PRAGMA user_version = 16")
    assert not integrity.applied_later(conn, 16)
    conn.close()
    return records


def test_a_database_from_before_the_compact_log_keeps_its_log_and_relays_old_segments(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Three laptops that exchanged under the old schema (simulated: the log as it was kept,
    every segment signed in encoding 1) upgrade: the log reads the same, a new laptop's welcome
    relays the old segments byte for byte, and all four converge."""
    team = make_team(tmp_path / "team", clock)
    logbook.add_entry(team[1].store, "Route verkend")
    logbook.add_entry(team[2].store, "Voertuig gezien", flagged=True)
    exchange_all(team, tmp_path / "share")
    keys = {laptop.id: key_of(laptop) for laptop in team}
    old_logs = [as_before_the_compact_log(laptop, keys) for laptop in team]
    upgraded = [Laptop(laptop.name, Store(laptop.store.path, clock=clock)) for laptop in team]
    for laptop, old_log in zip(upgraded, old_logs, strict=True):
        assert migrations.schema_version(laptop.store.conn) == migrations.SCHEMA_VERSION
        assert laptop.store.tuples(
            "SELECT origin, seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change"
            " ORDER BY origin, seq"
        ) == [tuple(r) for r in old_log]
        assert not laptop.store.one("SELECT 1 FROM sqlite_master WHERE name = 'sync_change_v1'")
    a = upgraded[0]
    (tmp_path / "laptop-d").mkdir()
    d = Laptop(
        "d",
        init_database(
            tmp_path / "laptop-d" / "schildwacht.db",
            callsign="OPS-D",
            role="shift_leader",
            unit="RT",
            clock=clock,
            device_label="laptop-d",
        ),
    )
    request = tmp_path / "request-d.json"
    rosters.write_request(d.store, request)
    enrolment = rosters.read_request(request)
    rosters.enroll(a.store, enrolment)
    welcome = exchange.export(a.store, out=tmp_path / "welcome-d.swb", welcome=enrolment.hash)
    receipt = exchange.import_file(d.store, welcome.path)  # b's and c's old segments, relayed
    assert receipt.result == "applied" and not receipt.quarantined, [
        (q.table, q.reason) for q in receipt.quarantined
    ]
    logbook.add_entry(a.store, "Na de upgrade")
    everyone = [*upgraded, d]
    exchange_all(everyone, tmp_path / "share2")
    tables = [user_tables(laptop.store) for laptop in everyone]
    assert tables[0] == tables[1] == tables[2] == tables[3]
    assert len(tables[3]["log_entry"]) == 3
