-- Covering indexes for the time-window reads of the gap computation and capacity: the window's
-- activities and shifts are read from the index alone, without visiting the wide table rows.
-- Same leading columns as before, so every other query that used them still can.

DROP INDEX activity_time;
CREATE INDEX activity_time ON activity(start_at, end_at, status, concept, subject_id, id);

DROP INDEX shift_time;
CREATE INDEX shift_time ON shift(start_at, end_at, staff_id);
