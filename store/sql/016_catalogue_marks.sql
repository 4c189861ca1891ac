-- Schema version 16 (catalogue marks): what the code used to know by a catalogue code is now a
-- mark in the catalogue itself, so a configured catalogue with other codes works the same.

-- A national unit (DKDB, KMar HRB in the shipped catalogue) is asked to deploy an officer only
-- after the regional units: suggestions rank its officers after theirs.
ALTER TABLE unit ADD COLUMN national INTEGER NOT NULL DEFAULT 0 CHECK (national IN (0, 1));

-- A typical qualification is one a typical protection officer holds: an officer a capacity
-- scenario adds without naming qualifications holds the typical ones when the unit is short of
-- none.
ALTER TABLE qualification ADD COLUMN typical INTEGER NOT NULL DEFAULT 0
    CHECK (typical IN (0, 1));

-- Databases seeded from the shipped catalogue before this version get its marks (a new
-- database is seeded after the migrations, from the catalogue file's own marks).
UPDATE unit SET national = 1 WHERE code IN ('DKDB', 'KMAR-HRB');
UPDATE qualification SET typical = 1 WHERE code IN ('close_protection', 'protective_driving');
