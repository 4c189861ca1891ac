-- Schema version 25 (issue 13: a forked laptop's two branches converge). A laptop restored from
-- an old copy of its database that writes again signs two different change sets under the same
-- numbers. Every laptop now holds every branch it learns of after the fork, as signed
-- (sync_fork_segment: relayed in every bundle, so each laptop ends with all of them whatever
-- order they arrived in), and quarantines each branch's records under its own key: the branch
-- is the SHA-256 of the signed segment header the record came in ('' for every other record).

CREATE TABLE sync_quarantine_v25 (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    branch TEXT NOT NULL DEFAULT '',
    hlc INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    col TEXT NOT NULL,
    actor TEXT NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    noticed_at TEXT NOT NULL,
    PRIMARY KEY (origin, seq, branch)
) STRICT, WITHOUT ROWID;
INSERT INTO sync_quarantine_v25 (origin, seq, branch, hlc, tbl, pk, col, actor, rule, reason,
                                 noticed_at)
    SELECT origin, seq, '', hlc, tbl, pk, col, actor, rule, reason, noticed_at
    FROM sync_quarantine;
DROP TABLE sync_quarantine;
ALTER TABLE sync_quarantine_v25 RENAME TO sync_quarantine;
CREATE INDEX sync_quarantine_change_set ON sync_quarantine(origin, hlc);
CREATE INDEX sync_quarantine_row ON sync_quarantine(tbl, pk) WHERE col = '';

-- The segments a forked laptop signed after its fork (store/sync/forks.py), every branch, as
-- signed: header, compressed body and signature, so they are relayed unchanged and every
-- receiver checks them against the forking laptop's own key. Keyed by the header's hash.
CREATE TABLE sync_fork_segment (
    origin TEXT NOT NULL,
    hash TEXT NOT NULL,
    number INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    header BLOB NOT NULL,
    body BLOB NOT NULL,
    signature BLOB NOT NULL,
    noticed_at TEXT NOT NULL,
    PRIMARY KEY (origin, hash)
) STRICT, WITHOUT ROWID;
