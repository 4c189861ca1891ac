"""Floor for ``gaps --format json``: load the window's demand rows and print them as JSON."""

import json
import sqlite3
import sys

conn = sqlite3.connect(sys.argv[1])
conn.row_factory = sqlite3.Row
rows = conn.execute(sys.argv[2], {"start": sys.argv[3], "end": sys.argv[4]}).fetchall()
sys.stdout.write(json.dumps([dict(r) for r in rows], ensure_ascii=False))
