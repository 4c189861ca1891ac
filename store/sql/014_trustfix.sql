-- Trust across the team, after review (issue 13): a row is created once (its creations are
-- looked up by key), ...

CREATE INDEX sync_change_existence ON sync_change(tbl, pk, cl) WHERE col = '';
