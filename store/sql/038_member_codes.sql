-- Schema version 37 (issue 20, rev20b): a household member's code is its own person's code and
-- ``-P<n>`` (partner) or ``-C<n>`` (child), n 1..99, and one person's codes are unique. Two
-- laptops that each record a first partner offline both make ``MEREL-P1``: the sync settles
-- that clash as it settles two code names (store/sync/clashes.py): the member created first keeps
-- the code on every laptop, the other is kept under a derived code (``MEREL-P1-3B1F``), its care
-- records following it by id. Only the import may rename (while merging); nothing else edits.

DROP TRIGGER household_member_no_update;

-- A database that already holds one code twice keeps the later member under a derived code.
UPDATE household_member SET code = code || '-' || upper(substr(replace(id, '-', ''), -4))
WHERE EXISTS (
    SELECT 1 FROM household_member o
    WHERE o.subject_id = household_member.subject_id AND o.code = household_member.code
      AND (o.added_at < household_member.added_at
           OR (o.added_at = household_member.added_at AND o.id < household_member.id))
);

CREATE UNIQUE INDEX household_member_code ON household_member (subject_id, code);

CREATE TRIGGER household_member_no_update BEFORE UPDATE ON household_member
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
  OR NEW.id IS NOT OLD.id OR NEW.subject_id IS NOT OLD.subject_id
  OR NEW.relation IS NOT OLD.relation OR NEW.added_at IS NOT OLD.added_at
  OR NEW.added_by IS NOT OLD.added_by OR NEW.device IS NOT OLD.device
BEGIN SELECT RAISE(ABORT, 'R9: household members are append-only'); END;

-- Written here (not by the import, which may place a derived code): the person's own code, the
-- relation's letter and a number 1..99.
CREATE TRIGGER household_member_own_code BEFORE INSERT ON household_member
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
 AND NOT (
    substr(NEW.code, 1, length((SELECT code FROM subject WHERE id = NEW.subject_id)) + 2)
        = (SELECT code FROM subject WHERE id = NEW.subject_id)
          || '-' || CASE NEW.relation WHEN 'partner' THEN 'P' ELSE 'C' END
    AND (substr(NEW.code, length((SELECT code FROM subject WHERE id = NEW.subject_id)) + 3)
            GLOB '[1-9]'
         OR substr(NEW.code, length((SELECT code FROM subject WHERE id = NEW.subject_id)) + 3)
            GLOB '[1-9][0-9]')
 )
BEGIN SELECT RAISE(ABORT, 'care: a member code is its person''s code and -P<n> or -C<n>'); END;
