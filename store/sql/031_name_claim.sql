-- Schema version 31 (name claims, issue 13): the team's admin laptop is the witness of first
-- use of a unique name. When it first holds a row under a callsign, a code name or a calendar
-- event's key, it records which row that is, in its own signed changes; a clash gives the name
-- to the row the admin's claim names wherever one is held (store/sync/clashes.py), so a
-- creation back-dated by a laptop whose clock was set back loses to a row the admin saw first.
-- Claims are written on the admin laptop alone (any other laptop's is quarantined), never
-- changed and never deleted. Written to run again over a database that has the table already
-- (tests simulate older schemas by their version number): nothing is lost then.

CREATE TABLE IF NOT EXISTS name_claim (
    id TEXT PRIMARY KEY,
    tbl TEXT NOT NULL CHECK (tbl IN ('staff', 'subject', 'activity')),
    name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS name_claim_name ON name_claim (tbl, name);
CREATE INDEX IF NOT EXISTS name_claim_row ON name_claim (row_id);

DROP TRIGGER IF EXISTS name_claim_no_update;
DROP TRIGGER IF EXISTS name_claim_no_delete;

CREATE TRIGGER name_claim_no_update BEFORE UPDATE ON name_claim
BEGIN SELECT RAISE(ABORT, 'name claims are append-only'); END;
CREATE TRIGGER name_claim_no_delete BEFORE DELETE ON name_claim
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'name claims are append-only'); END;
