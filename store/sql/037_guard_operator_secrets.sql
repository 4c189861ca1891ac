-- Schema version 36 (issue 13, rev13u H2): who acts is proven, also against a colleague at the
-- unlocked laptop with any sqlite tool. The laptop's own operator (acts without a secret) is
-- set once, at init, and never changes: its meta row cannot be updated, deleted, renamed or
-- replaced. Personal secrets (store/proof.py) are written only by the store's own secret writer,
-- the connection that has the application-defined function schildwacht_secrets
-- (proof.store_secret, the demo); any other writer, any sqlite tool included, is refused, so
-- nobody sets another person's hash or wipes the "secret set by someone else" mark (set_by).
-- These are guards like the others: a dropped or altered one is `guards_changed` at open.
CREATE TRIGGER meta_operator_no_update BEFORE UPDATE ON meta
WHEN OLD.key = 'operator' OR NEW.key = 'operator'
BEGIN SELECT RAISE(ABORT, 'The laptop''s operator is set at init and never changes'); END;
CREATE TRIGGER meta_operator_no_delete BEFORE DELETE ON meta
WHEN OLD.key = 'operator'
BEGIN SELECT RAISE(ABORT, 'The laptop''s operator is set at init and never changes'); END;
CREATE TRIGGER meta_operator_once BEFORE INSERT ON meta
WHEN NEW.key = 'operator' AND EXISTS (SELECT 1 FROM meta WHERE key = 'operator')
BEGIN SELECT RAISE(ABORT, 'The laptop''s operator is set at init and never changes'); END;

CREATE TRIGGER staff_secret_insert BEFORE INSERT ON staff_secret
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_secrets')
BEGIN SELECT RAISE(ABORT, 'A secret is set only with `schildwacht staff secret`'); END;
CREATE TRIGGER staff_secret_update BEFORE UPDATE ON staff_secret
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_secrets')
BEGIN SELECT RAISE(ABORT, 'A secret is set only with `schildwacht staff secret`'); END;
CREATE TRIGGER staff_secret_delete BEFORE DELETE ON staff_secret
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_secrets')
BEGIN SELECT RAISE(ABORT, 'A secret is set only with `schildwacht staff secret`'); END;
