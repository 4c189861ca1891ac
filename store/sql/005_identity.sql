-- Schema version 5: who acts is proven, the database notices tampering, the audit trail is
-- witnessed (issue 13). See store/secrets.py, store/integrity.py and store/witness.py.

-- Each person's secret on this laptop, kept only as an Argon2id hash. Local: it is not in
-- the synced tables, so a secret never leaves the laptop (not in bundles, not in the audit).
CREATE TABLE staff_secret (
    staff_id TEXT PRIMARY KEY REFERENCES staff(id),
    hash TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL
) STRICT;

-- Heads of audit chains this laptop has seen (seq, hash), per device: from signed bundle
-- manifests (the sender's own head, and the heads it witnessed of others) and from signed
-- handovers. `audit verify` checks this laptop's own chain against every head a peer saw.
-- position: the sender's change-log position when it reported its own head (to tell a late
-- old bundle from a chain that went backwards).
CREATE TABLE audit_witness (
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    via TEXT NOT NULL,
    position INTEGER,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (device, seq, hash, via)
) STRICT, WITHOUT ROWID;

-- R1 in the database, with no switch any other connection can reach. Only the import's own
-- connection has the application-defined function schildwacht_merging (Store.merging); every
-- other writer, any sqlite tool included, is held to R1. The function list is read with the
-- table-valued call syntax, so a table or view named pragma_function_list cannot stand in for
-- it; the check comes last, so ordinary writes never pay for it.
DROP TRIGGER activity_r1_insert;
DROP TRIGGER activity_r1_update;
DROP TRIGGER standing_post_r1_insert;
DROP TRIGGER standing_post_r1_update;

CREATE TRIGGER activity_r1_insert BEFORE INSERT ON activity
WHEN NEW.concept IS NOT NULL
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER activity_r1_update BEFORE UPDATE OF concept, subject_id ON activity
WHEN NEW.concept IS NOT NULL
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER standing_post_r1_insert BEFORE INSERT ON standing_post
WHEN (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER standing_post_r1_update BEFORE UPDATE OF concept, subject_id ON standing_post
WHEN (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

-- Append-only records that lacked a trigger: threat assessments (R2 derives from them),
-- signal report events, handover events (acceptances), log clearances. Only an import may
-- delete one: un-applying a revoked device's later changes (store/sync/rebuild.py).
CREATE TRIGGER threat_assessment_no_update BEFORE UPDATE ON threat_assessment
BEGIN SELECT RAISE(ABORT, 'R2: threat assessments are append-only; record a new one'); END;
CREATE TRIGGER threat_assessment_no_delete BEFORE DELETE ON threat_assessment
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R2: threat assessments are append-only; record a new one'); END;
CREATE TRIGGER report_event_no_delete BEFORE DELETE ON report_event
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R7: signal report events are append-only'); END;
CREATE TRIGGER handover_event_no_update BEFORE UPDATE ON handover_event
BEGIN SELECT RAISE(ABORT, 'R6: handover events are append-only'); END;
CREATE TRIGGER handover_event_no_delete BEFORE DELETE ON handover_event
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R6: handover events are append-only'); END;
CREATE TRIGGER log_clearance_no_update BEFORE UPDATE ON log_clearance
BEGIN SELECT RAISE(ABORT, 'A log clearance is append-only; add a correcting entry'); END;
CREATE TRIGGER log_clearance_no_delete BEFORE DELETE ON log_clearance
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'A log clearance is append-only; add a correcting entry'); END;

-- The old switch, sync_applying, is dropped once the capture triggers no longer name it
-- (store/integrity.py finish_migrations, at the end of this migration run).
