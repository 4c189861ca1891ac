"""Scripted commands as processes, each against its peer or floor in the same run.

- ``gaps --format json`` over 48 hours of the large set against ``sqlite-utils query`` printing
  the window's demand rows (the activities with a concept and the standing posts in the window:
  the rows the gap computation reads), and against the floor, bare Python printing those rows.
- ``person list --format json`` against bare Python + sqlite3 + json running the same query and
  writing the same bytes (checked), and, for reference, that floor with click imported.
- The import cost of the scripted CLI (``python -X importtime``).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from .common import BIN, ROOT, Commands, DataSet, Result, versus

GAPS_TARGET = 0.5  # × the peer
PERSON_LIST_TARGET = 1.5  # × the floor
FLOORS = Path(__file__).parent / "floors"

WINDOW_SQL = (
    "SELECT id, subject_id, concept, start_at, end_at FROM activity"
    " WHERE start_at < :end AND end_at > :start AND concept IS NOT NULL"
    " AND status != 'cancelled'"
    " UNION ALL SELECT id, subject_id, concept, start_at, end_at FROM standing_post"
    " WHERE start_at < :end AND end_at > :start"
)


def gaps_command(large: DataSet, commands: Commands) -> list[Result]:
    from store.clock import day_bounds, local_text, to_db, today
    from store.db import Store

    store = Store(large.path)
    start = day_bounds(today(store.clock))[0] + timedelta(hours=12)
    end = start + timedelta(hours=48)
    store.close()
    db = str(large.path)
    ours = [
        str(BIN / "schildwacht"),
        "--db",
        db,
        "--quiet",
        "gaps",
        "--from",
        local_text(start),
        "--to",
        local_text(end),
        "--format",
        "json",
    ]
    window = ("-p", "start", to_db(start), "-p", "end", to_db(end))
    peer = [str(BIN / "sqlite-utils"), "query", db, WINDOW_SQL, *window]
    floor = [
        sys.executable,
        str(FLOORS / "window_rows.py"),
        db,
        WINDOW_SQL,
        to_db(start),
        to_db(end),
    ]
    rows = len(commands.output(floor).decode().split('{"id"')) - 1
    size = len(commands.output(ours))
    t_ours, t_peer, t_floor = commands.compare([ours, peer, floor])
    print(
        f"gaps --format json (48 h, {size / 1e6:.1f} MB): {t_ours}; sqlite-utils query "
        f"of the window's {rows} demand rows: {t_peer}; bare Python: {t_floor}"
    )
    result = versus(
        "`gaps --format json`, 48 h of the large set (command)",
        t_ours,
        f"peer `sqlite-utils query` of the window's {rows} demand rows",
        t_peer,
        GAPS_TARGET,
        "peer",
    )
    result.notes.append(
        f"the floor (bare Python printing those rows) takes {t_floor}; ours is "
        f"{t_ours.cpu / t_floor.cpu:.1f}× it, printing {size / 1e6:.1f} MB"
    )
    return [result]


def person_list_command(large: DataSet, commands: Commands) -> list[Result]:
    db = str(large.path)
    ours = [str(BIN / "schildwacht"), "--db", db, "--quiet", "person", "list", "--format", "json"]
    floor = [sys.executable, str(FLOORS / "person_list.py"), db]
    with_click = [
        sys.executable,
        "-c",
        "import click, runpy, sys; sys.argv = sys.argv[1:]; "
        f"runpy.run_path({str(FLOORS / 'person_list.py')!r}, run_name='__main__')",
        "x",
        db,
    ]
    notes = []
    if commands.output(ours) != commands.output(floor):
        notes.append("the floor's bytes differ from ours: compare bench/floors/person_list.py")
    t_ours, t_floor, t_click = commands.compare([ours, floor, with_click])
    print(f"person list --format json: {t_ours}; floor: {t_floor}; with click: {t_click}")
    result = versus(
        "`person list --format json`, large set (command)",
        t_ours,
        "floor: bare Python + sqlite3 + json, same query and bytes",
        t_floor,
        PERSON_LIST_TARGET,
        "floor",
    )
    result.notes += notes
    result.notes.append(
        f"importing click alone makes the floor {t_click.cpu / t_floor.cpu:.2f}× itself ({t_click})"
    )
    return [result]


def import_cost(commands: Commands) -> list[Result]:
    """What a scripted command imports before it runs, by ``-X importtime`` (best of five)."""
    code = "import commands.cli, commands.gaps_cmd, commands.subjects_cmd"
    best: dict[str, int] = {}
    roots: dict[str, int] = {}
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=ROOT,
            env=commands.env,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            _head, cumulative, name = line.split("|")
            module = name.strip()
            total = int(cumulative)
            best[module] = min(best.get(module, total), total)
            if name.startswith(" ") and not name.startswith("  "):
                roots[module] = best[module]
    total = sum(roots.values()) / 1000
    heaviest = sorted(
        (m for m in best if m.split(".")[0] in ("click", "store", "commands", "pendulum")),
        key=lambda m: -best[m],
    )
    shown = ", ".join(f"{m} {best[m] / 1000:.1f}" for m in heaviest[:6])
    print(f"imports of the scripted CLI (gaps, person list): {total:.0f} ms; heaviest: {shown}")
    return [
        Result(
            "import of the scripted CLI (`-X importtime`)",
            f"{total:.0f} ms",
            notes=[f"heaviest (ms, cumulative): {shown}"],
        )
    ]
