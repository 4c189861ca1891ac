"""Floor for ``person list --format json``: the same query, the same bytes, nothing else."""

import json
import sqlite3
import sys

KEYS = ("code", "kind", "domain", "unit", "threat_level", "required_level", "package")
SQL = (
    "SELECT s.code, s.kind, s.domain, s.unit, s.threat_level, p.required_level, p.package"
    " FROM subject s JOIN subject_protection p ON p.subject_id = s.id ORDER BY s.code"
)

rows = sqlite3.connect(sys.argv[1]).execute(SQL).fetchall()
encode = json.JSONEncoder(ensure_ascii=False).encode
sys.stdout.write(
    "[\n  " + ",\n  ".join(encode(dict(zip(KEYS, r, strict=True))) for r in rows) + "\n]\n"
)
