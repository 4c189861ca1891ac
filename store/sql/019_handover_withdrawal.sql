-- Schema version 19 (handover withdrawal): a signed handover can be withdrawn by its signer
-- (or an admin) with a reason, recorded and synced; a withdrawn handover no longer counts as
-- in force (overlaps, the period signed once). Two signed handovers of the identical period
-- otherwise stay an open item for ever: neither signer can supersede the other's.

CREATE TABLE handover_withdrawal (
    id TEXT PRIMARY KEY,
    handover_id TEXT NOT NULL REFERENCES handover(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    withdrawn_at TEXT NOT NULL,
    withdrawn_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE INDEX handover_withdrawal_handover ON handover_withdrawal (handover_id);

CREATE TRIGGER handover_withdrawal_no_update BEFORE UPDATE ON handover_withdrawal
BEGIN SELECT RAISE(ABORT, 'R6: handover withdrawals are append-only'); END;
CREATE TRIGGER handover_withdrawal_no_delete BEFORE DELETE ON handover_withdrawal
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R6: handover withdrawals are append-only'); END;
