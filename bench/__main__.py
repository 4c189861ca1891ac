"""``make bench``: build the large and extra-large demo sets (14 days of agenda and shifts each)
and time what users and scripts wait for, each against its target and, where one exists, a
peer or floor measured in the same run.

Measures (one function each, returning rows of the summary table):
- ``gaps``: the gap computation over the 14 days of the large set, in process;
- ``commands``: ``gaps --format json`` (48 hours) against ``sqlite-utils query`` of the window's
  demand rows, ``person list --format json`` against bare Python writing the same bytes, and
  the import cost of the scripted CLI;
- ``growth``: gaps and capacity over 14 days, large → xlarge, against the growth of the data;
- ``console``: each screen from its key to its data shown (targets: a later phase);
- ``demo``: ``demo --scale large`` against the same rows without triggers, and the change log's
  share of the large set's database (``bench/demo_bench.py``);
- ``sync``: the large set's whole change log sent to a new laptop: import speed against
  executemany of the same rows, re-import, bundle size against zlib of the rows, peak memory of
  export and import against the payload, and (with ``growth``) the import large → xlarge
  (``bench/sync_bench.py``).

Figures are CPU time with wall-clock time beside it (see ``bench/common.py`` for why); ratios
and verdicts use CPU time. The run never stops at a failing measure: its row says what failed.
"""

from __future__ import annotations

import argparse
import shutil
import traceback
from collections.abc import Callable
from pathlib import Path

from .common import KEPT, Commands, DataSet, Result, build, load, workspace

MEASURES = ("gaps", "commands", "growth", "console", "demo", "sync")


def _safely(name: str, measure: Callable[[], list[Result]]) -> list[Result]:
    try:
        return measure()
    except Exception as exc:  # a bench that fails one measure still reports the others
        traceback.print_exc()
        return [Result(name, f"failed: {type(exc).__name__}: {exc}")]


def _table(results: list[Result]) -> str:
    lines = [
        "| Measure | Figure | Peer / floor | Ratio | Target | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    notes = []
    for r in results:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(
            f"| {r.measure} | {r.figure} | {r.reference} | {ratio} | {r.target} | {r.verdict} |"
        )
        notes += [f"- {r.measure}: {note}" for note in r.notes]
    return "\n".join([*lines, "", *notes])


def _built(data: DataSet) -> Result:
    kept = " (kept from an earlier run)" if data.reused else ""
    return Result(
        f"the {data.scale} set built ({data.days} days){kept}",
        f"{data.build_seconds:.1f} s wall ({data.activities} activities, {data.shifts} shifts)",
        target="(demo speed: the demo measure)",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", action="append", choices=MEASURES, help="run only these measures (repeat)"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the generated data sets (~0.4 GB) in {KEPT} and reuse them in later runs "
        "(keyed by the generator's parameters, the day and the code version)",
    )
    args = parser.parse_args(argv)
    folder = workspace()
    try:
        _run(set(args.only or MEASURES), folder, args.keep)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if args.keep:
            print(f"The data sets are kept in {KEPT} (remove the folder to free the space).")


def _run(chosen: set[str], folder: Path, keep: bool = False) -> None:
    before = load()
    print(f"{before}; data in {folder}")
    large = build(folder, "large", keep=keep)
    results = [_built(large)]
    if "gaps" in chosen:
        from .gaps_bench import gaps_fortnight

        results += _safely("gaps, 14 days", lambda: gaps_fortnight(large))
    if "commands" in chosen:
        from .cli_bench import gaps_command, import_cost, person_list_command

        commands = Commands(folder)
        results += _safely("gaps --format json", lambda: gaps_command(large, commands))
        results += _safely(
            "person list --format json", lambda: person_list_command(large, commands)
        )
        results += _safely("import cost", lambda: import_cost(commands))
    xlarge = None
    if "growth" in chosen:
        from .gaps_bench import growth

        xlarge = build(folder, "xlarge", keep=keep)
        results.append(_built(xlarge))
        results += _safely("growth", lambda: growth(large, xlarge))
    if "console" in chosen:
        from .console_screens import measure

        results += _safely("console", lambda: measure(large.path))
    if "demo" in chosen:
        from .demo_bench import database_size, demo

        results += _safely("database size", lambda: database_size(large))
        results += _safely("demo", lambda: demo(large, folder))
    if "sync" in chosen:
        from .sync_bench import run as sync_bench

        results += _safely("sync", lambda: sync_bench(large, folder, xlarge))
    print()
    print(f"Before: {before}; after: {load()}.")
    print(_table(results))


if __name__ == "__main__":
    main()
