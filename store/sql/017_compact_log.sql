-- Schema version 17: a compact change log (issue 18). One row per run of records (the fields of
-- one row that one change set wrote one after the other) instead of one row per field, with the
-- device ids and the field lists interned (store/sync/log.py). The old log is moved into runs by
-- store/sync/log.py upgrade() at the end of the migration run.

ALTER TABLE sync_change RENAME TO sync_change_v1;
DROP INDEX sync_change_critical;
DROP INDEX sync_change_staff;
DROP INDEX sync_change_assessment;

-- Each device id once; the log and the field stamps name devices by this id. Where devices are
-- compared (last writer wins), it is by their id text, as before.
CREATE TABLE sync_origin (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL UNIQUE
) STRICT;

-- Each list of fields once: a JSON array of field names ('' is the row's existence).
CREATE TABLE sync_shape (
    id INTEGER PRIMARY KEY,
    cols TEXT NOT NULL UNIQUE
) STRICT;

-- The change log: a run holds the records numbered seq … seq + n - 1 of its origin, all of
-- one row (tbl, pk) and one change set (hlc), with one causal length and author; the fields
-- are the shape's, the values their canonical JSON (store/sync/change.py), prevs the prev of
-- the fields that carry one (a JSON object by the field's place: {"5": "[]"}; NULL: none). A record written by hand into
-- the view sync_change is a run of one whose value is kept as it is, in raw (vals NULL).
CREATE TABLE sync_log (
    origin INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    n INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    cl INTEGER NOT NULL,
    actor TEXT NOT NULL,
    shape INTEGER NOT NULL,
    vals TEXT,
    prevs TEXT,
    raw ANY,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
-- Only runs of critical fields carry prevs, so this index stays small (a key names its table's
-- row; the table is checked on the run).
CREATE INDEX sync_log_critical ON sync_log(pk) WHERE prevs IS NOT NULL;
-- Who had which role when (the importer's judge reads the staff records).
CREATE INDEX sync_log_staff ON sync_log(tbl) WHERE tbl = 'staff';

INSERT OR IGNORE INTO sync_origin (device) SELECT DISTINCT origin FROM sync_change_v1;
INSERT OR IGNORE INTO sync_origin (device) SELECT DISTINCT origin FROM sync_clock;

-- Field stamps name their device by its interned id.
CREATE TABLE sync_clock_v12 (
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    col TEXT NOT NULL,
    cl INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    origin INTEGER NOT NULL,
    PRIMARY KEY (tbl, pk, col)
) STRICT, WITHOUT ROWID;
INSERT INTO sync_clock_v12 (tbl, pk, col, cl, hlc, origin)
    SELECT c.tbl, c.pk, c.col, c.cl, c.hlc, o.id FROM sync_clock c
    JOIN sync_origin o ON o.device = c.origin;
DROP TABLE sync_clock;
ALTER TABLE sync_clock_v12 RENAME TO sync_clock;

-- Rows touched and not yet sealed: written by the capture triggers and the store alone, so
-- without a table of input's checks (STRICT, CHECK), a tenth of what capture costs a large
-- write. Renamed in the legacy way: the capture triggers name it, and are made anew at the end
-- of the migrations.
CREATE TABLE sync_pending_v12 (
    id INTEGER PRIMARY KEY,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    op TEXT NOT NULL,
    cols TEXT
);
INSERT INTO sync_pending_v12 (id, tbl, pk, op, cols) SELECT id, tbl, pk, op, cols FROM sync_pending;
DROP TABLE sync_pending;
PRAGMA legacy_alter_table = ON;
ALTER TABLE sync_pending_v12 RENAME TO sync_pending;
PRAGMA legacy_alter_table = OFF;

-- A waiting record names its row and clock itself (no join with the log to find them).
ALTER TABLE sync_deferred ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_deferred ADD COLUMN tbl TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_deferred ADD COLUMN pk TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_deferred ADD COLUMN col TEXT NOT NULL DEFAULT '';
UPDATE sync_deferred SET
    hlc = COALESCE((SELECT c.hlc FROM sync_change_v1 c
                    WHERE c.origin = sync_deferred.origin AND c.seq = sync_deferred.seq), 0),
    tbl = COALESCE((SELECT c.tbl FROM sync_change_v1 c
                    WHERE c.origin = sync_deferred.origin AND c.seq = sync_deferred.seq), ''),
    pk = COALESCE((SELECT c.pk FROM sync_change_v1 c
                   WHERE c.origin = sync_deferred.origin AND c.seq = sync_deferred.seq), ''),
    col = COALESCE((SELECT c.col FROM sync_change_v1 c
                    WHERE c.origin = sync_deferred.origin AND c.seq = sync_deferred.seq), '');
CREATE INDEX sync_deferred_row ON sync_deferred(tbl, pk) WHERE col = '';
-- Whether a quarantined record created a row (a reference to it need not wait).
CREATE INDEX sync_quarantine_row ON sync_quarantine(tbl, pk) WHERE col = '';

-- The log one record per row, as it was kept before: for reading with SQL (references to the
-- run's key, author and clock resolved). A blob value shows as its JSON form {"b": base64}, and
-- text ends at a NUL character (as SQLite's JSON functions read it); the store reads runs.
CREATE VIEW sync_change AS
SELECT o.device AS origin,
       l.seq + j.key AS seq,
       l.hlc AS hlc,
       l.tbl AS tbl,
       l.pk AS pk,
       j.value AS col,
       CASE WHEN l.vals IS NULL THEN l.raw
            WHEN json_type(l.vals, '$[' || j.key || '].k') = 'integer'
            THEN json_extract(l.pk, '$[' || json_extract(l.vals, '$[' || j.key || '].k') || ']')
            WHEN json_type(l.vals, '$[' || j.key || '].a') IS NOT NULL THEN l.actor
            WHEN json_type(l.vals, '$[' || j.key || '].t') IS NOT NULL
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', (l.hlc >> 16) / 1000, 'unixepoch')
            ELSE json_extract(l.vals, '$[' || j.key || ']') END AS val,
       l.cl AS cl,
       json_extract(l.prevs, '$."' || j.key || '"') AS prev,
       l.actor AS actor
FROM sync_log l
JOIN sync_origin o ON o.id = l.origin
JOIN sync_shape s ON s.id = l.shape
JOIN json_each(s.cols) j;

-- A record written into the view by hand becomes a run of one record, its value kept as it is.
CREATE TRIGGER sync_change_insert INSTEAD OF INSERT ON sync_change
BEGIN
    INSERT OR IGNORE INTO sync_origin (device) VALUES (NEW.origin);
    INSERT OR IGNORE INTO sync_shape (cols) VALUES (json_array(NEW.col));
    INSERT INTO sync_log (origin, seq, n, hlc, tbl, pk, cl, actor, shape, vals, prevs, raw)
    VALUES ((SELECT id FROM sync_origin WHERE device = NEW.origin), NEW.seq, 1, NEW.hlc,
            NEW.tbl, NEW.pk, NEW.cl, NEW.actor,
            (SELECT id FROM sync_shape WHERE cols = json_array(NEW.col)),
            NULL,
            CASE WHEN NEW.prev IS NULL THEN NULL ELSE json_object('0', NEW.prev) END,
            NEW.val);
END;
