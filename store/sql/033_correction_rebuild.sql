-- Schema version 33 (issue 14, rev14g): an activity's correction is held back with the new time
-- or place it records when the judge refuses that change (a done activity moved). On the laptop
-- that made it, the rebuild takes the correction out again (inside an import, with the
-- function schildwacht_merging, as for the other append-only records of 004_trust_sync.sql);
-- nothing else may delete one.
DROP TRIGGER activity_correction_no_delete;
CREATE TRIGGER activity_correction_no_delete BEFORE DELETE ON activity_correction
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: a correction is never deleted; record another one'); END;
