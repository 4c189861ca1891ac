-- Schema version 36 (issue 20, psychosocial care): the protected person's household, recorded by
-- code and relation only (no names), and the care modules of the person's package per member,
-- each status change an event: offered, accepted, declined, ended, with the day it took effect
-- and who recorded it. Not the content of care. All three tables are append-only and synced: a
-- member is ended by a new record (household_end), a status changes by a new care record.

-- A partner or child of the protected person: a code (``MEREL-P1``, ``MEREL-C1``), never a name.
CREATE TABLE household_member (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    code TEXT NOT NULL CHECK (code GLOB '*-[PC][1-9]*' AND length(code) <= 40),
    relation TEXT NOT NULL CHECK (relation IN ('partner', 'child')),
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE INDEX household_member_subject ON household_member (subject_id, added_at);

-- A member no longer part of the household (the member's records stay).
CREATE TABLE household_end (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES household_member(id),
    ended_at TEXT NOT NULL,
    ended_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE INDEX household_end_member ON household_end (member_id);

-- One status of one care module for one member (member_id NULL: the person themself), from the
-- day ``on_date`` (Europe/Amsterdam). The module is a name from the catalogue's packages.
CREATE TABLE care_record (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    member_id TEXT REFERENCES household_member(id),
    module TEXT NOT NULL CHECK (length(trim(module)) > 0),
    status TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'ended')),
    on_date TEXT NOT NULL
        CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(on_date) = on_date),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    CHECK (on_date <= substr(recorded_at, 1, 10) OR date(on_date, '-1 day') <= substr(recorded_at, 1, 10))
) STRICT;

CREATE INDEX care_record_subject ON care_record (subject_id, member_id, module, recorded_at);

-- A care record is of a member of its own person, and of a module some package has.
CREATE TRIGGER care_record_member_of_subject BEFORE INSERT ON care_record
WHEN NEW.member_id IS NOT NULL
 AND (SELECT subject_id FROM household_member WHERE id = NEW.member_id) IS NOT NEW.subject_id
BEGIN SELECT RAISE(ABORT, 'care: a care record is of a member of its own person'); END;
CREATE TRIGGER care_record_known_module BEFORE INSERT ON care_record
WHEN NOT EXISTS (SELECT 1 FROM package p, json_each(p.care_modules) m WHERE m.value = NEW.module)
BEGIN SELECT RAISE(ABORT, 'care: not a care module of the catalogue'); END;

CREATE TRIGGER household_member_no_update BEFORE UPDATE ON household_member
BEGIN SELECT RAISE(ABORT, 'R9: household members are append-only'); END;
CREATE TRIGGER household_member_no_delete BEFORE DELETE ON household_member
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: household members are append-only'); END;
CREATE TRIGGER household_end_no_update BEFORE UPDATE ON household_end
BEGIN SELECT RAISE(ABORT, 'R9: household ends are append-only'); END;
CREATE TRIGGER household_end_no_delete BEFORE DELETE ON household_end
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: household ends are append-only'); END;
CREATE TRIGGER care_record_no_update BEFORE UPDATE ON care_record
BEGIN SELECT RAISE(ABORT, 'R9: care records are append-only'); END;
CREATE TRIGGER care_record_no_delete BEFORE DELETE ON care_record
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: care records are append-only'); END;
