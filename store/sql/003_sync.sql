-- Schema version 3: offline sync by exported files (SYNC.md).
-- The capture triggers themselves are generated from the synced tables' columns by
-- store/sync/capture.py and re-installed after every migration; the store refuses to open a
-- database whose capture triggers are missing.

-- Rows touched by any connection, waiting to be sealed into the change log.
CREATE TABLE sync_pending (
    id INTEGER PRIMARY KEY,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'touch')),
    cols TEXT
) STRICT;

-- The change log: one record per changed field (col '' is the row's existence, carried by its
-- causal length cl: odd alive, even deleted). Every device's records, own and received,
-- numbered per origin 1, 2, 3, … without gaps. prev lists the records of a critical field the
-- writer had seen (so concurrent writes can be told apart from later ones).
CREATE TABLE sync_change (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    col TEXT NOT NULL,
    val ANY,
    cl INTEGER NOT NULL,
    prev TEXT,
    actor TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
-- Only critical fields carry prev, so this index stays small.
CREATE INDEX sync_change_critical ON sync_change(tbl, pk, col) WHERE prev IS NOT NULL;

-- The stamp of the value each field holds: (cl, hlc, origin) orders writes. A field written
-- together with its row (an insert) holds the stamp of the row (col ''), and gets its own row here
-- only when a later write changes it.
CREATE TABLE sync_clock (
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    col TEXT NOT NULL,
    cl INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (tbl, pk, col)
) STRICT, WITHOUT ROWID;

-- Received records that could not be applied yet (unknown table or column from a newer
-- version, a clock more than a day ahead, a constraint): kept, retried at every import.
CREATE TABLE sync_deferred (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- Signed segments of the change log, per origin, hash-chained (number 1, 2, 3, …).
CREATE TABLE sync_segment (
    origin TEXT NOT NULL,
    number INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    header BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (origin, number)
) STRICT;

-- This device's keys (kept inside the database, so SQLCipher protects them with its passphrase).
CREATE TABLE sync_identity (
    device_id TEXT PRIMARY KEY,
    sign_private BLOB NOT NULL,
    age_identity TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- The team roster as last accepted: signed by the admin key pinned at team creation or welcome.
CREATE TABLE sync_roster (
    version INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    signature BLOB NOT NULL,
    accepted_at TEXT NOT NULL
) STRICT;

-- Per peer device: what it has acknowledged (its version vector, per origin) and what was sent
-- and received last.
CREATE TABLE sync_peer_ack (
    peer TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (peer, origin)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_bundle (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    peer TEXT NOT NULL,
    at TEXT NOT NULL,
    changes INTEGER NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    receipt TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX sync_bundle_peer ON sync_bundle(peer, direction, at);

-- Clock warnings: a peer whose records were stamped more than a day ahead.
CREATE TABLE sync_skew (
    origin TEXT PRIMARY KEY,
    hlc INTEGER NOT NULL,
    seen_at TEXT NOT NULL
) STRICT;

-- A device's own enrolment request while it waits for its welcome bundle.
CREATE TABLE sync_request (
    hash TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Conflicts are derived from the change log (every device computes the same ones): all
-- concurrent values are kept in heads, the shown one first.
ALTER TABLE sync_conflict ADD COLUMN heads TEXT NOT NULL DEFAULT '[]';
