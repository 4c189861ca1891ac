"""`audit list` in a terminal (newcomer12): the table cuts an event's detail to 80 characters
with `…`, since the demo's generation event alone held thousands; csv and json carry it whole."""

from __future__ import annotations

import json

from tests.commands.conftest import Run


def test_the_table_cuts_a_long_detail_and_json_keeps_it_whole(demo: Run) -> None:
    table = demo("audit", "list", "--limit", "50")
    assert table.exit_code == 0
    widest = max(len(line) for line in table.stdout.splitlines())
    assert widest < 200 and "…" in table.stdout
    rows = json.loads(demo("audit", "list", "--limit", "50", "--format", "json").stdout)
    assert max(len(r["detail"]) for r in rows) > 80  # whole: the demo's generation event
