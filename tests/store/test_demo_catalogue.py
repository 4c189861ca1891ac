"""The demo and a new operator's unit come from the catalogue: a catalogue with other codes for
its units, organisations, qualifications and concepts still yields a coherent demo (issue 15
item 9)."""

from __future__ import annotations

import re
from pathlib import Path

import store.catalogue
from store.clock import FixedClock
from store.demo import generate_demo
from store.setup import init_database
from tests.conftest import NOW, TEST_SECRET

SHIPPED = Path(store.catalogue.__file__).with_name("catalogue.toml")
#: Every code the demo once named, renamed (case-sensitive, whole words).
RENAMES = {
    "DKDB": "LE",
    "KMAR-HRB": "MAR-BB",
    "Politie": "Polizei",
    "KMar": "Marine",
    "hrb": "high_risk",
    "object_guard": "post_guard",
    "camera_operator": "cctv",
    "close_protection": "bodyguard",
    "protective_driving": "driver",
    "STATIC": "POST",
    "OBJ-HRB": "POST-HR",
    "CAM": "CCTV",
}


def _renamed(tmp_path: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in RENAMES.items():
        text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text)
    path = tmp_path / "renamed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_catalogue_with_other_codes_yields_a_coherent_demo(tmp_path: Path) -> None:
    opened = init_database(
        tmp_path / "d.db",
        callsign="OPS-01",
        catalogue=_renamed(tmp_path),
        clock=FixedClock(NOW),
        secret=TEST_SECRET,
    )
    try:
        # the operator's unit: the catalogue's national unit of its home organisation
        assert opened.one("SELECT unit FROM staff WHERE callsign = 'OPS-01'")[0] == "LE"
        summary = generate_demo(opened, seed=7, scale="small")
        assert (summary.subjects, summary.officers) == (12, 150)  # as with the shipped one
        units = dict(opened.tuples("SELECT unit, count(*) FROM staff GROUP BY unit"))
        assert units["LE"] > 1 and units["MAR-BB"] > 1 and not set(units) & set(RENAMES)
        quals = {
            q for (q,) in opened.tuples("SELECT DISTINCT qualification FROM staff_qualification")
        }
        assert quals == {"high_risk", "post_guard", "cctv", "bodyguard", "driver"}
        lacking = opened.tuples(
            "SELECT s.callsign FROM staff s WHERE s.unit = 'MAR-BB' AND NOT EXISTS (SELECT 1"
            " FROM staff_qualification q WHERE q.staff_id = s.id AND q.qualification = 'high_risk')"
        )
        assert lacking == []  # the specialist unit's officers are all high-risk
        subjects = opened.tuples("SELECT unit, domain, kind FROM subject")
        assert {u for u, _d, _k in subjects} <= {"LE"} | set(units) - {"MAR-BB"}
        assert all(d == "national" for u, d, _k in subjects if u == "LE")
        assert any(u == "LE" for u, _d, _k in subjects)
        posts = opened.tuples(
            "SELECT DISTINCT a.concept, s.kind FROM activity a JOIN subject s"
            " ON s.id = a.subject_id WHERE a.concept IS NOT NULL"
        )
        assert {c for c, k in posts if k == "object"} <= {"POST", "POST-HR", "CCTV"}
        assert {c for c, k in posts if k == "person"}.isdisjoint({"POST", "POST-HR", "CCTV"})
    finally:
        opened.close()
