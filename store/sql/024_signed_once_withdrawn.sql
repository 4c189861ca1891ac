-- Schema version 24 (a withdrawn handover frees its period): the trigger that keeps a period
-- signed once (008) counted withdrawn handovers as in force, so after a withdrawal nobody could
-- sign that period (or a part of it) again, although the withdrawal exists exactly for that.
-- Replaced by the same rule over handovers in force: signed, not superseded, not withdrawn
-- (store/handover.py: _IN_FORCE says the same in Python).
DROP TRIGGER handover_signed_once;
CREATE TRIGGER handover_signed_once BEFORE INSERT ON handover
WHEN EXISTS (
     SELECT 1 FROM handover h
     WHERE h.period_start < NEW.period_end AND h.period_end > NEW.period_start
       AND NOT EXISTS (SELECT 1 FROM handover n WHERE n.supersedes = h.id)
       AND NOT EXISTS (SELECT 1 FROM handover_withdrawal w WHERE w.handover_id = h.id)
       AND h.id IS NOT NEW.supersedes)
 AND NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'handover: this period is already signed; supersede that handover with a reason'); END;
