-- Trust across the team, after review (issue 13).

-- What the importer noticed about records it took in (a record dated well before it was
-- written: kind 'back_dated'), named in the receipt, `sync status` and the handover.
CREATE TABLE sync_flag (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    noticed_at TEXT NOT NULL,
    PRIMARY KEY (origin, seq, kind)
) STRICT, WITHOUT ROWID;
