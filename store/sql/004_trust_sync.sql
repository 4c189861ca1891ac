-- Schema version 4: trust across the team, import side (issue 13; store/rules.py, SYNC.md
-- "Trust beyond the signature"). A received change is judged by the rule table before it is
-- applied; what breaks a rule is quarantined, what cannot be judged yet is deferred.

-- Received change records that break the rule table: never applied, never dropped, shown in the
-- receipt, `sync status`, the Sync screen and the handover. Keyed like the change itself, so every
-- laptop that holds the same changes holds the same quarantine (noticed_at is local).
CREATE TABLE sync_quarantine (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    col TEXT NOT NULL,
    actor TEXT NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    noticed_at TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_quarantine_change_set ON sync_quarantine(origin, hlc);

-- A deferred record waits for something: 'schema' (a table or column of a newer version, or a
-- row the database refused; retried after a schema change), 'clock' (stamped more than a day
-- ahead), 'author:CALLSIGN' (a person not known here yet), 'row:TABLE:KEY' (a row it refers to).
ALTER TABLE sync_deferred ADD COLUMN waits TEXT NOT NULL DEFAULT 'schema';
ALTER TABLE sync_deferred ADD COLUMN since TEXT NOT NULL DEFAULT '';
UPDATE sync_deferred SET waits = 'clock' WHERE reason LIKE 'clock%';
CREATE INDEX sync_deferred_waits ON sync_deferred(waits);

-- Who had which role when (the importer's judge reads the staff records of the log).
CREATE INDEX sync_change_staff ON sync_change(col) WHERE tbl = 'staff';

-- The records that place a threat assessment in its subject's history (its virtual critical
-- field, store/sync/conflicts.py), found by the subject's id.
CREATE INDEX sync_change_assessment ON sync_change(val)
    WHERE tbl = 'threat_assessment' AND col = 'subject_id' AND prev IS NOT NULL;

-- R2: a subject's threat level is derived from its latest valid threat assessment (by
-- assessed_at, then id) on every laptop. It is never captured or taken from a bundle, and no
-- write may set it to anything else.
UPDATE subject SET threat_level = (
    SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
    WHERE a.subject_id = subject.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1);

CREATE TRIGGER subject_threat_level_insert BEFORE INSERT ON subject
WHEN NEW.threat_level IS NOT NULL AND NEW.threat_level IS NOT (
    SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
    WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'R2: a subject''s threat level follows from its threat assessments; record one'); END;

CREATE TRIGGER subject_threat_level_update BEFORE UPDATE OF threat_level ON subject
WHEN NEW.threat_level IS NOT (
    SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
    WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'R2: a subject''s threat level follows from its threat assessments; record one'); END;

CREATE TRIGGER subject_threat_level_derive AFTER INSERT ON subject
BEGIN
    UPDATE subject SET threat_level = (
        SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
        WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)
    WHERE id = NEW.id;
END;

CREATE TRIGGER threat_assessment_derive_insert AFTER INSERT ON threat_assessment
BEGIN
    UPDATE subject SET threat_level = (
        SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
        WHERE a.subject_id = NEW.subject_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)
    WHERE id = NEW.subject_id;
END;

CREATE TRIGGER threat_assessment_derive_delete AFTER DELETE ON threat_assessment
BEGIN
    UPDATE subject SET threat_level = (
        SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
        WHERE a.subject_id = OLD.subject_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1)
    WHERE id = OLD.subject_id;
END;

-- An import that un-applies a revoked device's later changes (or changes its author's role no
-- longer allowed) rebuilds their rows from the log, on the import's own connection (the only one
-- with the function schildwacht_merging, store/integrity.py); nothing else may delete these
-- append-only records.
DROP TRIGGER log_entry_no_delete;
CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'The operational log is append-only; add a correcting entry'); END;
DROP TRIGGER decision_no_delete;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R6: decisions are never deleted; record one that supersedes it'); END;
DROP TRIGGER signal_event_no_delete;
CREATE TRIGGER signal_event_no_delete BEFORE DELETE ON signal_event
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R7: signal events are append-only'); END;
DROP TRIGGER handover_no_delete;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R6: a signed handover is never deleted'); END;

-- Re-planning (R1, R3, R4) as before, and also: a pilot concept outside its pilot scope, and a
-- concept on a person with no threat assessment (no required level known). A merge never aborts
-- over these: the activity shows up for re-planning, everywhere.
DROP VIEW activity_view;
CREATE VIEW activity_view AS
SELECT a.*,
       s.code AS subject_code,
       s.unit AS subject_unit,
       p.required_level,
       p.required_rank,
       p.package,
       cr.level AS concept_level,
       cr.rank AS concept_rank,
       CASE
         WHEN a.status IN ('cancelled', 'done') THEN NULL
         WHEN a.concept IS NULL THEN NULL
         WHEN p.required_rank IS NULL THEN 'no_threat_assessment'
         WHEN cr.rank IS NULL OR cr.rank < p.required_rank THEN 'below_required'
         WHEN NOT EXISTS (
              SELECT 1 FROM package_concept pc
              WHERE pc.package = p.package AND pc.concept = a.concept) THEN 'outside_package'
         WHEN c.pilot = 1 AND NOT EXISTS (
              SELECT 1 FROM pilot_scope ps WHERE ps.concept = a.concept
              AND (ps.unit = s.unit OR ps.package = p.package)) THEN 'outside_pilot_scope'
         ELSE a.review_reason
       END AS replan_reason
FROM activity a
JOIN subject s ON s.id = a.subject_id
JOIN subject_protection p ON p.subject_id = a.subject_id
LEFT JOIN concept_rank cr ON cr.concept = a.concept
LEFT JOIN concept c ON c.code = a.concept;
