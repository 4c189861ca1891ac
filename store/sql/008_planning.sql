-- Schema version 8 (planning): corrections of an activity's time or place, handovers signed once
-- per period (a later one supersedes with a reason), travel minutes between units, and which
-- kinds of subject a concept serves.

-- A correction fixes a mistake in the agenda (a typo in a time or place); it is not a decision
-- to move the activity (that is a restriction, R5). Append-only, like the restrictions.
CREATE TABLE activity_correction (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activity(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    old_start_at TEXT NOT NULL,
    old_end_at TEXT NOT NULL,
    old_location TEXT NOT NULL,
    new_start_at TEXT NOT NULL,
    new_end_at TEXT NOT NULL,
    new_location TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;
CREATE INDEX activity_correction_activity ON activity_correction(activity_id);
CREATE TRIGGER activity_correction_no_update BEFORE UPDATE ON activity_correction
BEGIN SELECT RAISE(ABORT, 'R9: a correction is never edited; record another one'); END;
CREATE TRIGGER activity_correction_no_delete BEFORE DELETE ON activity_correction
BEGIN SELECT RAISE(ABORT, 'R9: a correction is never deleted; record another one'); END;

-- A period is signed once: a later handover of an overlapping period names the one it
-- supersedes and why. The trigger holds for every connection (sync imports excepted: two
-- laptops that signed offline both keep their record).
ALTER TABLE handover ADD COLUMN supersedes TEXT REFERENCES handover(id);
ALTER TABLE handover ADD COLUMN supersede_reason TEXT NOT NULL DEFAULT '';
CREATE TRIGGER handover_signed_once BEFORE INSERT ON handover
WHEN EXISTS (
     SELECT 1 FROM handover h
     WHERE h.period_start < NEW.period_end AND h.period_end > NEW.period_start
       AND NOT EXISTS (SELECT 1 FROM handover n WHERE n.supersedes = h.id)
       AND h.id IS NOT NEW.supersedes)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'handover: this period is already signed; supersede that handover with a reason'); END;

-- Travel minutes between two units (either direction); pairs not listed take the catalogue's
-- default (meta key travel_default_minutes).
CREATE TABLE unit_travel (
    from_unit TEXT NOT NULL REFERENCES unit(code),
    to_unit TEXT NOT NULL REFERENCES unit(code),
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
    PRIMARY KEY (from_unit, to_unit)
) STRICT;

-- Which kinds of protected subject a concept serves (comma-separated).
ALTER TABLE concept ADD COLUMN subject_kinds TEXT NOT NULL DEFAULT 'person,object,service';

-- Databases seeded from the shipped catalogue before this version get its values (a new
-- database has no catalogue yet here: init seeds it from the catalogue file afterwards).
UPDATE concept SET subject_kinds = 'object,service' WHERE code IN ('STATIC', 'OBJ-HRB', 'CAM');
INSERT INTO unit_travel (from_unit, to_unit, minutes)
SELECT p.a, p.b, p.m FROM (
    SELECT 'AM' AS a, 'RT' AS b, 60 AS m UNION ALL SELECT 'AM', 'DH', 50
    UNION ALL SELECT 'DH', 'RT', 30 UNION ALL SELECT 'AM', 'NH', 30
    UNION ALL SELECT 'AM', 'MN', 40 UNION ALL SELECT 'MN', 'RT', 50
    UNION ALL SELECT 'DH', 'MN', 50 UNION ALL SELECT 'RT', 'ZWB', 50
    UNION ALL SELECT 'OB', 'ZWB', 60 UNION ALL SELECT 'MN', 'OB', 60
    UNION ALL SELECT 'MN', 'ON', 60 UNION ALL SELECT 'NN', 'ON', 90
    UNION ALL SELECT 'LB', 'OB', 60 UNION ALL SELECT 'DKDB', 'MN', 20
    UNION ALL SELECT 'DH', 'DKDB', 50 UNION ALL SELECT 'AM', 'DKDB', 45
    UNION ALL SELECT 'DKDB', 'RT', 50 UNION ALL SELECT 'AM', 'KMAR-HRB', 25
    UNION ALL SELECT 'DH', 'KMAR-HRB', 40 UNION ALL SELECT 'KMAR-HRB', 'RT', 50
    UNION ALL SELECT 'KMAR-HRB', 'NH', 30 UNION ALL SELECT 'KMAR-HRB', 'MN', 45
) p
WHERE EXISTS (SELECT 1 FROM unit WHERE code = p.a) AND EXISTS (SELECT 1 FROM unit WHERE code = p.b);
INSERT INTO meta (key, value) SELECT 'travel_default_minutes', '90'
WHERE EXISTS (SELECT 1 FROM unit) AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'travel_default_minutes');
