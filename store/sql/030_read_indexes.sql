-- Indexes for reads the console repeats at every load (issue 18):
-- which entry supersedes an entry (asked for every entry listed, and by the open flags) and
-- whether an entry was cleared were answered by scanning the whole log for each entry listed
-- (the Agenda and Handover screens: 17 ms for 500 entries on the large set, quadratic in the
-- log; with these, 0.5 ms); the activities added in a handover's period scanned every activity.

CREATE INDEX log_entry_supersedes ON log_entry(supersedes);
CREATE INDEX log_clearance_entry ON log_clearance(entry_id);
CREATE INDEX activity_created ON activity(created_at);
