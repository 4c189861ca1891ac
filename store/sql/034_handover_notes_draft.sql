-- Schema version 34 (issue 17, fix17n): the outgoing shift leader's handover notes, kept as
-- they are typed (unsigned), so leaving the console or a dropped SSH session loses none of
-- them; the Handover screen shows them again, and signing takes them into the handover and
-- removes them. One draft per person on this laptop; it never leaves the laptop (not synced:
-- the signed handover is what the team sees). Every save is an audited write.
CREATE TABLE IF NOT EXISTS handover_notes_draft (
    callsign TEXT PRIMARY KEY,
    notes TEXT NOT NULL,
    saved_at TEXT NOT NULL
) STRICT;
