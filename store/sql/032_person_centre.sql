-- Schema version 32 (issue 20, the protected person at the centre): requests answered, the
-- person's experience. All three tables are events: append-only, synced, never edited (a
-- request is answered by a new record; a second answer of one request is refused by the store
-- and, should two laptops answer it offline, the earlier answer holds).

-- An activity the person asked for, before it is planned, with the assessment made at once
-- (the options of ``suggest`` for it, as JSON: what the requesting laptop saw).
CREATE TABLE activity_request (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('work', 'private')),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL CHECK (end_at > start_at),
    location TEXT NOT NULL DEFAULT '',
    concept TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('as_asked', 'with_changes', 'not_feasible')),
    assessment TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE INDEX activity_request_subject ON activity_request (subject_id, start_at);

-- The answer: accepted (option N of the assessment, planned as activity_id) or refused (a
-- facilitation restriction, R5: reason and deciding authority).
CREATE TABLE request_answer (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES activity_request(id),
    answer TEXT NOT NULL CHECK (answer IN ('accepted', 'refused')),
    option INTEGER,
    activity_id TEXT REFERENCES activity(id),
    reason TEXT CHECK (reason IS NULL OR reason IN ('capacity', 'threat', 'tbp_choice')),
    authority TEXT,
    answered_at TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    device TEXT NOT NULL,
    CHECK ((answer = 'accepted') = (option IS NOT NULL AND activity_id IS NOT NULL)),
    CHECK ((answer = 'refused') = (reason IS NOT NULL AND length(trim(authority)) > 0))
) STRICT;

CREATE INDEX request_answer_request ON request_answer (request_id);

-- How the protection weighed on the person, per activity or per ISO week, as told to whoever
-- talks with them.
CREATE TABLE experience (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    activity_id TEXT REFERENCES activity(id),
    week TEXT CHECK (week IS NULL OR week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
    weight TEXT NOT NULL CHECK (weight IN ('none', 'some', 'heavy')),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    CHECK ((activity_id IS NULL) <> (week IS NULL))
) STRICT;

CREATE INDEX experience_subject ON experience (subject_id, recorded_at);

CREATE TRIGGER activity_request_no_update BEFORE UPDATE ON activity_request
BEGIN SELECT RAISE(ABORT, 'R9: requests are append-only'); END;
CREATE TRIGGER activity_request_no_delete BEFORE DELETE ON activity_request
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: requests are append-only'); END;
CREATE TRIGGER request_answer_no_update BEFORE UPDATE ON request_answer
BEGIN SELECT RAISE(ABORT, 'R9: answers to requests are append-only'); END;
CREATE TRIGGER request_answer_no_delete BEFORE DELETE ON request_answer
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: answers to requests are append-only'); END;
CREATE TRIGGER experience_no_update BEFORE UPDATE ON experience
BEGIN SELECT RAISE(ABORT, 'R9: experience entries are append-only'); END;
CREATE TRIGGER experience_no_delete BEFORE DELETE ON experience
WHEN NOT EXISTS (SELECT 1 FROM pragma_function_list() WHERE name = 'schildwacht_merging')
BEGIN SELECT RAISE(ABORT, 'R9: experience entries are append-only'); END;
