-- Schema version 13 (planfix): which calendar an imported activity came from and how new the
-- event's version was, and a concept on a kind of subject it does not serve shown for
-- re-planning.

-- The calendar an activity was imported from (``--calendar``, X-WR-RELCALID or X-WR-CALNAME):
-- an import removes only its own calendar's events. NULL: imported before this version, or
-- from a file that names no calendar (such a file never removes anything).
ALTER TABLE activity ADD COLUMN source_calendar TEXT;
-- The event's LAST-MODIFIED or DTSTAMP (the later, UTC) when its content was last taken over;
-- with source_sequence it orders versions, so an older export never overwrites a newer one.
ALTER TABLE activity ADD COLUMN source_modified TEXT;
-- What the calendar said of the event when it was last taken over (a digest of its time,
-- place, title and class): a later import changes the activity only when the calendar changed,
-- never undoing a person's restriction or correction of an event the calendar left alone.
ALTER TABLE activity ADD COLUMN source_hash TEXT;

-- Re-planning as before, and also: a concept that does not serve the subject's kind (a static
-- guard on a person's activity, rule R3), which a merge may bring. Never an abort: flagged.
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
         WHEN instr(',' || c.subject_kinds || ',', ',' || s.kind || ',') = 0
              THEN 'wrong_subject_kind'
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
