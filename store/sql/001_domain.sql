-- Schildwacht schema version 1: the whole domain (DESIGN.md), so later work adds behaviour.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; dates are local 'YYYY-MM-DD'; ids of records that
-- sync are text UUIDv7. FTE are stored in tenths (integers), never floats.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE device (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Reference catalogue (seeded by init from store/catalogue.toml) ---------------------------

CREATE TABLE unit (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL
) STRICT;

CREATE TABLE resistance_level (
    code TEXT PRIMARY KEY,
    rank INTEGER NOT NULL UNIQUE,
    label TEXT NOT NULL
) STRICT;

CREATE TABLE package (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL REFERENCES resistance_level(code),
    care_modules TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE TABLE threat_level (
    level INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    resistance_level TEXT NOT NULL REFERENCES resistance_level(code),
    package TEXT NOT NULL REFERENCES package(code)
) STRICT;

CREATE TABLE qualification (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE concept (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL REFERENCES resistance_level(code),
    pilot INTEGER NOT NULL DEFAULT 0 CHECK (pilot IN (0, 1)),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE concept_staffing (
    concept TEXT NOT NULL REFERENCES concept(code),
    qualification TEXT NOT NULL REFERENCES qualification(code),
    count INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (concept, qualification)
) STRICT;

CREATE TABLE package_concept (
    package TEXT NOT NULL REFERENCES package(code),
    concept TEXT NOT NULL REFERENCES concept(code),
    PRIMARY KEY (package, concept)
) STRICT;

-- A pilot concept is usable only for a subject of a listed unit or with a listed package (R4).
CREATE TABLE pilot_scope (
    concept TEXT NOT NULL REFERENCES concept(code),
    unit TEXT REFERENCES unit(code),
    package TEXT REFERENCES package(code),
    CHECK ((unit IS NULL) <> (package IS NULL))
) STRICT;

CREATE TABLE reinforcement (
    id INTEGER PRIMARY KEY,
    funding_line TEXT NOT NULL,
    organisation TEXT NOT NULL,
    purpose TEXT NOT NULL,
    fte_tenths INTEGER NOT NULL
) STRICT;

-- People: officers on the roster and users of the console ---------------------------------

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    callsign TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL REFERENCES unit(code),
    role TEXT NOT NULL CHECK (role IN ('operator', 'shift_leader', 'planner', 'info_analyst',
                                       'authority', 'capacity_analyst', 'admin')),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE staff_qualification (
    staff_id TEXT NOT NULL REFERENCES staff(id),
    qualification TEXT NOT NULL REFERENCES qualification(code),
    valid_until TEXT,
    PRIMARY KEY (staff_id, qualification)
) STRICT;

-- Protected subjects and their threat ------------------------------------------------------

CREATE TABLE subject (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'object', 'service')),
    domain TEXT NOT NULL CHECK (domain IN ('local', 'national')),
    unit TEXT NOT NULL REFERENCES unit(code),
    threat_level INTEGER REFERENCES threat_level(level),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE threat_assessment (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    level INTEGER NOT NULL REFERENCES threat_level(level),
    domain TEXT NOT NULL CHECK (domain IN ('local', 'national')),
    summary TEXT NOT NULL DEFAULT '',
    assessed_at TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;
CREATE INDEX threat_assessment_subject ON threat_assessment(subject_id, assessed_at);

-- The agenda ---------------------------------------------------------------------------------

CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('work', 'private')),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'confirmed', 'done', 'cancelled', 'moved', 'shortened')),
    concept TEXT REFERENCES concept(code),
    review_reason TEXT,
    source_uid TEXT,
    source_recurrence TEXT,
    source_sequence INTEGER,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (end_at > start_at)
) STRICT;
CREATE INDEX activity_time ON activity(start_at, end_at);
CREATE INDEX activity_subject ON activity(subject_id, start_at);
CREATE UNIQUE INDEX activity_source ON activity(subject_id, source_uid, source_recurrence)
    WHERE source_uid IS NOT NULL;

CREATE TABLE restriction (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activity(id),
    kind TEXT NOT NULL CHECK (kind IN ('cancelled', 'moved', 'shortened', 'relocated')),
    reason TEXT NOT NULL CHECK (reason IN ('capacity', 'threat', 'tbp_choice')),
    authority TEXT NOT NULL CHECK (length(trim(authority)) > 0),
    note TEXT NOT NULL DEFAULT '',
    old_start_at TEXT NOT NULL,
    old_end_at TEXT NOT NULL,
    new_start_at TEXT,
    new_end_at TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;
CREATE INDEX restriction_activity ON restriction(activity_id);

-- Standing posts: a concept on a protected object or service for a period.
CREATE TABLE standing_post (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    concept TEXT NOT NULL REFERENCES concept(code),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_at > start_at)
) STRICT;
CREATE INDEX standing_post_time ON standing_post(start_at, end_at);

-- The roster ---------------------------------------------------------------------------------

CREATE TABLE shift (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_at > start_at)
) STRICT;
CREATE INDEX shift_time ON shift(start_at, end_at);
CREATE INDEX shift_staff ON shift(staff_id, start_at);

CREATE TABLE deployment (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activity(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (activity_id, staff_id)
) STRICT;
CREATE INDEX deployment_staff ON deployment(staff_id);

-- The operational log (journaal): append-only; a correction supersedes ------------------------

CREATE TABLE log_entry (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    device TEXT NOT NULL,
    subject_id TEXT REFERENCES subject(id),
    activity_id TEXT REFERENCES activity(id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'movement', 'incident', 'deviation', 'equipment')),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    supersedes TEXT REFERENCES log_entry(id)
) STRICT;
CREATE INDEX log_entry_at ON log_entry(at);

CREATE TABLE log_clearance (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL REFERENCES log_entry(id),
    cleared_at TEXT NOT NULL,
    cleared_by TEXT NOT NULL,
    reason TEXT NOT NULL
) STRICT;

-- Signals to the information organisation; status is derived from events (R7) -------------

CREATE TABLE signal (
    id TEXT PRIMARY KEY,
    raised_at TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    reporter TEXT NOT NULL,
    device TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('possible_surveillance', 'person', 'vehicle',
                                               'online', 'approach', 'other')),
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'priority', 'immediate')),
    tlp TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    subject_id TEXT REFERENCES subject(id),
    activity_id TEXT REFERENCES activity(id),
    location TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    requests_assessment INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE signal_event (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL REFERENCES signal(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('received', 'follow_up', 'interpreted', 'closed',
                                       'sighting')),
    note TEXT NOT NULL DEFAULT '',
    outcome TEXT,
    sighting TEXT
) STRICT;
CREATE INDEX signal_event_signal ON signal_event(signal_id, at);

CREATE TABLE signal_report (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    interpretation TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    supersedes TEXT REFERENCES signal_report(id)
) STRICT;

CREATE TABLE report_signal (
    report_id TEXT NOT NULL REFERENCES signal_report(id),
    signal_id TEXT NOT NULL REFERENCES signal(id),
    PRIMARY KEY (report_id, signal_id)
) STRICT;

CREATE TABLE report_scenario (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES signal_report(id),
    description TEXT NOT NULL,
    likelihood TEXT NOT NULL DEFAULT '',
    indicators TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE report_event (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES signal_report(id),
    kind TEXT NOT NULL CHECK (kind IN ('issued', 'acknowledged')),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    audience TEXT CHECK (audience IN ('line_managers', 'authority'))
) STRICT;
CREATE TRIGGER report_event_no_update BEFORE UPDATE ON report_event
BEGIN SELECT RAISE(ABORT, 'R7: signal report events are append-only'); END;
CREATE TRIGGER signal_event_no_delete BEFORE DELETE ON signal_event
BEGIN SELECT RAISE(ABORT, 'R7: signal events are append-only'); END;

-- Handover, work process ---------------------------------------------------------------------

CREATE TABLE handover (
    id TEXT PRIMARY KEY,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    content TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    signed_at TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    device TEXT NOT NULL
) STRICT;

CREATE TABLE handover_event (
    id TEXT PRIMARY KEY,
    handover_id TEXT NOT NULL REFERENCES handover(id),
    kind TEXT NOT NULL CHECK (kind IN ('accepted', 'question')),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE decision (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    step TEXT NOT NULL CHECK (step IN ('decision', 'execution', 'monitoring')),
    rationale TEXT NOT NULL CHECK (length(trim(rationale)) > 0),
    authority TEXT NOT NULL,
    document TEXT NOT NULL,
    adopted_at TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    device TEXT NOT NULL,
    tailored TEXT,
    supersedes TEXT REFERENCES decision(id)
) STRICT;

-- The audit trail: append-only, hash-chained (R9) --------------------------------------------

CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'R9: the audit trail is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'R9: the audit trail is append-only'); END;

-- Append-only records (R6, R7): never edited, only superseded.
CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
BEGIN SELECT RAISE(ABORT, 'R6: decisions are never edited; record one that supersedes it'); END;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'R6: decisions are never deleted; record one that supersedes it'); END;
CREATE TRIGGER signal_event_no_update BEFORE UPDATE ON signal_event
BEGIN SELECT RAISE(ABORT, 'R7: signal events are append-only'); END;
CREATE TRIGGER log_entry_no_update BEFORE UPDATE ON log_entry
BEGIN SELECT RAISE(ABORT, 'The operational log is append-only; add a correcting entry'); END;
CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry
BEGIN SELECT RAISE(ABORT, 'The operational log is append-only; add a correcting entry'); END;

-- R1 in the database ----------------------------------------------------------------------------
-- A row in sync_applying marks the one writer allowed through: a sync import applying changes
-- that were valid where they were made. It lives only inside the import's own transaction.
CREATE TABLE sync_applying (flag INTEGER PRIMARY KEY CHECK (flag = 1)) STRICT;

CREATE VIEW subject_protection AS
SELECT s.id AS subject_id,
       s.threat_level,
       t.resistance_level AS required_level,
       rl.rank AS required_rank,
       t.package
FROM subject s
LEFT JOIN threat_level t ON t.level = s.threat_level
LEFT JOIN resistance_level rl ON rl.code = t.resistance_level;

CREATE VIEW concept_rank AS
SELECT c.code AS concept, c.level, rl.rank
FROM concept c JOIN resistance_level rl ON rl.code = c.level;

CREATE TRIGGER activity_r1_insert BEFORE INSERT ON activity
WHEN NEW.concept IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sync_applying)
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER activity_r1_update BEFORE UPDATE OF concept, subject_id ON activity
WHEN NEW.concept IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sync_applying)
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER standing_post_r1_insert BEFORE INSERT ON standing_post
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

CREATE TRIGGER standing_post_r1_update BEFORE UPDATE OF concept, subject_id ON standing_post
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
 AND (SELECT rank FROM concept_rank WHERE concept = NEW.concept)
     < COALESCE((SELECT required_rank FROM subject_protection WHERE subject_id = NEW.subject_id), 0)
BEGIN SELECT RAISE(ABORT, 'R1: the concept provides less than the required resistance level'); END;

-- Every activity with its person's required level and its concept's level side by side, and
-- the reason it needs re-planning. Derived, so it is never stale: when a required level rises
-- (locally or by a merge) the activity is flagged at once, everywhere it is shown.
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
         WHEN p.required_rank IS NOT NULL AND cr.rank < p.required_rank THEN 'below_required'
         WHEN p.package IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM package_concept pc
              WHERE pc.package = p.package AND pc.concept = a.concept) THEN 'outside_package'
         ELSE a.review_reason
       END AS replan_reason
FROM activity a
JOIN subject s ON s.id = a.subject_id
JOIN subject_protection p ON p.subject_id = a.subject_id
LEFT JOIN concept_rank cr ON cr.concept = a.concept;
