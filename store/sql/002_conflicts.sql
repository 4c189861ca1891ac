-- Schema version 2: sync conflicts, so handovers can carry them until resolved (SYNC.md).
-- A conflict keeps both concurrent values of a critical field side by side; its id is derived
-- from the conflicting changes, so every device lists the same conflicts.

CREATE TABLE sync_conflict (
    id TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value_a TEXT,
    value_b TEXT,
    device_a TEXT NOT NULL,
    device_b TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT
) STRICT;
CREATE INDEX sync_conflict_open ON sync_conflict(resolved_at);

-- Handover records are frozen: never edited or deleted.
CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover
BEGIN SELECT RAISE(ABORT, 'R6: a signed handover is never edited'); END;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN SELECT RAISE(ABORT, 'R6: a signed handover is never deleted'); END;

-- The signature over a handover's frozen content (SHA-256 of the content as signed).
ALTER TABLE handover ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
