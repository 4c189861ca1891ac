-- Schema version 35 (issue 13, rev13m): R1 allows no concession across the team. While a
-- threat-level conflict is open (concurrent assessments of one subject with different levels,
-- store/sync/conflicts.py), the level in force is the HIGHER of the conflicting levels, on every
-- laptop alike (the open conflicts are a function of the records held), whatever the clocks say:
-- an assessment dated ahead by a fast clock no longer outranks a raise made meanwhile. With no
-- open conflict, R2 is as before: the latest valid assessment (by assessed_at, then id). Only a
-- person resolving the conflict (``sync resolve``, an audited assessment that saw every head)
-- brings the level down. The derivation is the higher of the two, so a conflict row planted by a
-- raw tool can raise a level but never lower one.
DROP TRIGGER subject_threat_level_insert;
CREATE TRIGGER subject_threat_level_insert BEFORE INSERT ON subject
WHEN NEW.threat_level IS NOT NULL AND NEW.threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.id AND c.resolved_at IS NULL), -1)), -1)
BEGIN SELECT RAISE(ABORT, 'R2: a subject''s threat level follows from its threat assessments; record one'); END;

DROP TRIGGER subject_threat_level_update;
CREATE TRIGGER subject_threat_level_update BEFORE UPDATE OF threat_level ON subject
WHEN NEW.threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.id AND c.resolved_at IS NULL), -1)), -1)
BEGIN SELECT RAISE(ABORT, 'R2: a subject''s threat level follows from its threat assessments; record one'); END;

DROP TRIGGER subject_threat_level_derive;
CREATE TRIGGER subject_threat_level_derive AFTER INSERT ON subject
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = NEW.id;
END;

DROP TRIGGER threat_assessment_derive_insert;
CREATE TRIGGER threat_assessment_derive_insert AFTER INSERT ON threat_assessment
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.subject_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.subject_id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = NEW.subject_id;
END;

DROP TRIGGER threat_assessment_derive_delete;
CREATE TRIGGER threat_assessment_derive_delete AFTER DELETE ON threat_assessment
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = OLD.subject_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = OLD.subject_id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = OLD.subject_id;
END;

-- A threat-level conflict opened, resolved or rebuilt: the level in force follows at once.
DROP TRIGGER IF EXISTS sync_conflict_threat_insert;
CREATE TRIGGER sync_conflict_threat_insert AFTER INSERT ON sync_conflict
WHEN NEW.table_name = 'subject' AND NEW.column_name = 'threat_level'
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.row_id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = NEW.row_id AND threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.row_id AND c.resolved_at IS NULL), -1)), -1);
END;

DROP TRIGGER IF EXISTS sync_conflict_threat_update;
CREATE TRIGGER sync_conflict_threat_update AFTER UPDATE ON sync_conflict
WHEN NEW.table_name = 'subject' AND NEW.column_name = 'threat_level'
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.row_id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = NEW.row_id AND threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = NEW.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = NEW.row_id AND c.resolved_at IS NULL), -1)), -1);
END;

DROP TRIGGER IF EXISTS sync_conflict_threat_delete;
CREATE TRIGGER sync_conflict_threat_delete AFTER DELETE ON sync_conflict
WHEN OLD.table_name = 'subject' AND OLD.column_name = 'threat_level'
BEGIN
    UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = OLD.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = OLD.row_id AND c.resolved_at IS NULL), -1)), -1)
    WHERE id = OLD.row_id AND threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = OLD.row_id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = OLD.row_id AND c.resolved_at IS NULL), -1)), -1);
END;

UPDATE subject SET threat_level = NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = subject.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = subject.id AND c.resolved_at IS NULL), -1)), -1)
WHERE threat_level IS NOT NULLIF(max(
        COALESCE((SELECT a.level FROM threat_assessment a JOIN threat_level t ON t.level = a.level
                  WHERE a.subject_id = subject.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), -1),
        COALESCE((SELECT max(t.level) FROM sync_conflict c JOIN json_each(c.heads) h
                  JOIN threat_level t ON t.level = json_extract(h.value, '$.value')
                  WHERE c.table_name = 'subject' AND c.column_name = 'threat_level'
                  AND c.row_id = subject.id AND c.resolved_at IS NULL), -1)), -1);
