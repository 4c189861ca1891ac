"""A fuzz harness over the whole command line (issue 14).

It walks the click command tree and, for every command, lets hypothesis draw each option and
argument from hostile families: empty and blank text, 100 KB, NUL, terminal escape sequences,
Textual markup, bidi controls, SQL-like text, emoji; numbers at and past their limits, NaN and
infinities; times and dates at and past 1970-01-01 and 2099-12-31, around both clock changes,
with impossible offsets and day-first dates, periods that run backwards or are empty, digits
that are not ASCII (``１０``, ``١٠``); paths to missing folders, directories, hostile file names
and files with hostile content; output targets (``-o``, ``--out``, ``backup FILE``) that are a
FIFO, a link, a dangling link, a folder, the database in use or its WAL, or no name at all —
mixed with valid values (existing code names, callsigns, ids, units) so the commands get past
their first check. Each run uses a fresh copy
of a demo database (a team, a signed handover, a draft report) as its admin or an analyst.

What must hold for every drawn command line:

- the exit code is 0, 2, 3, 4, 5 or 6 — never 1 (an unexpected failure);
- a refusal is one sentence on stderr (``Error: … .``, one line) and leaves the database
  exactly as it was;
- no output, on stdout or stderr, carries a raw control or bidi character;
- no temporary (``.partial``) file is left behind;
- an output target that is not a regular file or belongs to the database is refused (exit 2)
  and left as it was, and nothing is written through a link;
- after an accepted change every listing still works (in a drawn format), and — checked once,
  after all commands, on a database holding every accepted change — the console opens every
  screen headless.

CI runs ``SCHILDWACHT_FUZZ_EXAMPLES`` (default 3) examples per command; for a long run set it
higher, e.g. ``SCHILDWACHT_FUZZ_EXAMPLES=2000 pytest tests/commands/test_fuzz_cli.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from commands.cli import cli
from commands.params import DateParam, NumberParam, OutputPath, TimeParam, WholeParam
from store import handover, intel
from store.clock import FixedClock
from store.db import Store
from store.demo import generate_demo
from store.setup import init_database
from store.staff import list_staff
from store.sync import roster as rosters
from store.validate import has_invisible
from tests.conftest import NOW, as_user, snapshot

EXAMPLES = int(os.environ.get("SCHILDWACHT_FUZZ_EXAMPLES", "3"))
ALLOWED_EXITS = {0, 2, 3, 4, 5, 6}
#: Commands the harness does not run: the bare root opens the console (checked separately).
SKIPPED: set[tuple[str, ...]] = set()

# The hostile families -------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "\t\n",
    "x" * 100_000,
    "y" * 4001,
    "z" * 41,
    "a\x00b",
    "\x00",
    "\x1b[31mrood\x1b[0m",
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x9b31m",
    "[/]",
    "[/bold] x",
    "[link=https://evil.example]klik[/link]",
    "[b]vet",
    "Zitting \u202eTAD",
    "\u200b\u2066BEVER\u2069",
    "'; DROP TABLE activity; --",
    "1' OR '1'='1",
    "%",
    "%%%%%%%%",
    "________",
    "=cmd|'/C calc'!A0",
    '+HYPERLINK("https://evil.example")',
    "-2+3",
    "@SUM(A1)",
    "| a | b |\n|---|---|",
    "# kop\n- lijst",
    "🛡️ 𝔅𝔢𝔳𝔢𝔯 👮🏽‍♀️",
    "\ud7ff\ue000\uffff",
    "bytes \udcff\udcfe that were not UTF-8",
    "line1\r\nline2",
    "--help",
    "-x",
]
HOSTILE_TIMES = [
    "1969-12-31 23:59",
    "1970-01-01 00:00",
    "1970-01-01T00:30+05:00",
    "2099-12-31 23:59",
    "2100-01-01 00:00",
    "0001-01-01 10:00",
    "0999-06-01 07:00",
    "9999-12-31T23:00-05:00",
    "2026-03-29 02:30",
    "2026-03-29T02:30+01:00",
    "2026-10-25 02:30",
    "2026-10-25T02:30+02:00",
    "2026-10-25T02:30+01:00",
    "2026-10-24 22:00",
    "2026-10-25 07:00",
    "2026-12-01 10:00+25:00",
    "2026-12-01T10:00+18:00",
    "2026-12-01T10:00-18:01",
    "06-10-2025 06:00+02:00",
    "2025-10-06T06:00",
    "2026-11-28 24:00",
    "2026-02-30 10:00",
    "today 10:00",
    "tomorrow 25:61",
    "today",
    "2026-11-28",
    "20261128T1000Z",
    "2026-11-28T10:00:00.123456Z",
    "2026-11-29 09:00",
    "2026-11-29 11:00",
    # a period that runs backwards or is empty against the plausible 09:00-11:00
    "2026-12-10 08:00",
    "2026-12-10 09:00",
    "2026-12-10 11:00",
    # digits that are not ASCII (re's \d and int() would read them as 0-9)
    "2026-12-10 １０:００",
    "2026-12-10 10:٣٠",
    "2026-12-10T10:00+٠١:٠٠",
]
HOSTILE_DATES = [
    "1969-12-31",
    "1970-01-01",
    "2099-12-31",
    "2100-01-01",
    "2026-03-29",
    "2026-10-25",
    "today",
    "tomorrow",
    "yesterday",
    "29-11-2026",
    "2026-W48-6",
    "20261128",
]
HOSTILE_NUMBERS = [
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "1e308",
    "1e-300",
    "168",
    "168.0001",
    "1000",
    "1001",
    "1000000",
    "1000001",
    str(2**63 - 1),
    str(2**63),
    str(2**70),
    "99999999999999999999",
    "9" * 5000,
    "0x10",
    "1_000",
    "½",
    "١٠",
    "１０",
    "१०",
    "1e-320",
    "168.0000001",
]


@dataclass
class Template:
    """The demo database every example starts from, and values that exist in it."""

    path: Path
    digest: str
    valid: list[str]
    subject: str
    users: list[str]
    listings: list[list[str]]
    plausible: dict[str, str]


def _digest(path: Path) -> str:
    """The database's fingerprint: its bytes (the CLI closes it, so its WAL is folded in)."""
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "a WAL was left behind"
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    root = tmp_path_factory.mktemp("fuzz-template")
    path = root / "schildwacht.db"
    store = init_database(path, callsign="OPS-01", role="admin", unit="RT", clock=FixedClock(NOW))
    generate_demo(store, seed=7, scale="small")
    analyst = list_staff(store, role="info_analyst")[0].callsign
    as_analyst = as_user(store, analyst)
    report = intel.draft_report(as_analyst, title="Verkenning", interpretation="duiding")
    intel.add_scenario(as_analyst, report.id, description="scenario")
    handover.sign_handover(store, notes="overdracht")
    rosters.create_team(store, "DKDB Rotterdam")
    ids = [
        str(store.one(f"SELECT id FROM {table} ORDER BY id LIMIT 1")[0])  # type: ignore[index]
        for table in ("activity", "signal", "log_entry", "signal_report", "handover", "shift")
    ]
    flagged = store.one("SELECT id FROM log_entry WHERE flagged = 1 LIMIT 1")
    subject = store.one("SELECT code FROM subject ORDER BY code LIMIT 1")
    valid = [
        *ids,
        *(i[:8] for i in ids),
        str(flagged[0]) if flagged else ids[2],
        str(subject[0]) if subject else "BEVER",
        "OPS-01",
        analyst,
        "RT",
        "CP-LIGHT",
        "close_protection",
        "close_protection:2027-03-31",
        store.device_id,
        "Zitting",
        "mayor:Havenstad",
    ]
    store.close()
    as_analyst.close()
    listings = [
        ["activity", "list"],
        ["log", "list", "--limit", "60"],
        ["signal", "list"],
        ["person", "list"],
        ["staff", "list"],
        ["shift", "list", "--date", "today"],
        ["gaps"],
        ["capacity"],
        ["handover", "draft"],
        ["handover", "list"],
        ["intel", "list"],
        ["decision", "list"],
        ["activity", "restrictions"],
        ["audit", "list", "--limit", "20"],
        ["sync", "status"],
        ["sync", "conflicts"],
    ]
    code = str(subject[0]) if subject else "BEVER"
    officer = list_staff(store_reader := Store(path, clock=FixedClock(NOW)), role="operator")[0]
    store_reader.close()
    plausible = {
        "person": code,
        "code": code,
        "callsign": officer.callsign,
        "callsigns": officer.callsign,
        "unit": "RT",
        "to_unit": "DH",
        "activity_id": ids[0],
        "signal_id": ids[1],
        "signal_ids": ids[1],
        "entry_id": str(flagged[0]) if flagged else ids[2],
        "report_id": ids[3],
        "handover_id": ids[4],
        "concept": "CP-HEAVY",
        "authority": "mayor:Havenstad",
        "document": "DOC-2026-17",
        "device": "laptop-2",
        "role": "operator",
        "qualifications": "close_protection",
        "name": "Jan de Vries",
        "label": "laptop-2",
        "start": "2026-12-10 09:00",
        "end": "2026-12-10 11:00",
        # a new code name and callsign where one is created
        "person add:code": "KRAANVOGEL",
        "staff add:callsign": "RT-9999",
        "observed": "today 08:00",
        "day": "today",
        "level": "3",
        "limit": "10",
        "hours_per_fte": "36",
        "fail_above": "0.9",
        "seed": "7",
        "days": "30",
        "choose": "1",
        "add_fte": "2.5",
    }
    yield Template(path, _digest(path), valid, code, [analyst], listings, plausible)


# Drawing command lines -----------------------------------------------------------------------


def _leaves(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = (*prefix, name)
        if isinstance(command, click.Group):
            if command.invoke_without_command:
                yield path, command
            yield from _leaves(command, path)
        else:
            yield path, command


COMMANDS = [(path, command) for path, command in _leaves(cli) if path not in SKIPPED]


@dataclass
class Example:
    """One drawn command line and the files it may read, in its own folder."""

    folder: Path
    command: str
    args: list[str] = field(default_factory=list)
    user: str | None = None
    quiet: bool = False
    #: A target for a file written by name that must be refused, and what it is.
    refused_target: tuple[str, Path] | None = None


def _text(template: Template) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(template.valid),
        st.text(max_size=20),
    )


#: Targets a file Schildwacht writes by name must refuse (exit 2) and leave as they were.
OUTPUT_REFUSED = ("fifo", "link", "dangling", "directory", "database", "wal", "empty")


def _output_value(draw: st.DrawFn, example: Example, hostile: bool) -> str:
    """A target for ``-o``/``--out``/``backup FILE`` inside the example's own folder: a new
    or an existing regular file, or — hostile — one that is not a regular file (a FIFO, a
    link to a file, a dangling link, a folder), the database in use or its WAL, or no name."""
    folder = example.folder
    kinds = ["new", "existing", *OUTPUT_REFUSED] if hostile else ["new", "existing"]
    kind = draw(st.sampled_from(kinds))
    victim = folder / "victim.txt"
    victim.write_text("keep me")
    target = folder / "out.txt"
    if kind == "existing":
        target.write_text("old output")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "link":
        target.symlink_to(victim)
    elif kind == "dangling":
        target.symlink_to(folder / "nowhere" / "file")
    elif kind == "directory":
        target.mkdir()
    elif kind == "database":
        target = folder / "schildwacht.db"
    elif kind == "wal":
        target = folder / "schildwacht.db-wal"
    if kind in OUTPUT_REFUSED:
        example.refused_target = (kind, target)
    return "" if kind == "empty" else str(target)


def _target_kept(example: Example, result: Result) -> None:
    """A target that is not a regular file, or belongs to the database, was refused and is
    as it was; the file a link points to was not written through it."""
    victim = example.folder / "victim.txt"
    assert not victim.exists() or victim.read_text() == "keep me", "written through a link"
    if example.refused_target is None:
        return
    kind, target = example.refused_target
    assert result.exit_code == 2, f"-o onto a {kind} was not refused: exit {result.exit_code}"
    if kind == "fifo":
        assert stat.S_ISFIFO(target.lstat().st_mode)
    elif kind in ("link", "dangling"):
        assert target.is_symlink()
    elif kind == "directory":
        assert target.is_dir() and not any(target.iterdir())
    elif kind == "wal":
        assert not target.exists() or target.stat().st_size == 0


def _path_value(draw: st.DrawFn, example: Example, param: click.Parameter, hostile: bool) -> str:
    """A path inside the example's own folder: never anywhere else on the machine."""
    folder = example.folder
    kinds = ["file", "missing", "missing-folder", "directory", "hostile-name", "long-name", "share"]
    kind = draw(st.sampled_from(kinds if hostile else ["file", "missing", "share"]))
    if kind == "file":
        target = folder / "input.txt"
        content = draw(
            st.one_of(st.sampled_from(HOSTILE_TEXT), st.sampled_from(CONTENTS))
            if hostile
            else st.sampled_from(CONTENTS)
        )
        target.write_text(content, encoding="utf-8", errors="surrogatepass")
        return str(target)
    if kind == "missing":
        return str(folder / "nothing-here.txt")
    if kind == "missing-folder":
        return str(folder / "no" / "such" / "folder" / "out.txt")
    if kind == "directory":
        (folder / "a-folder").mkdir(exist_ok=True)
        return str(folder / "a-folder")
    if kind == "hostile-name":
        name = draw(st.sampled_from(["\x1b]0;x\x07.txt", "[/].csv", "\u202etxt.exe", "a b;c.md"]))
        return str(folder / name)
    if kind == "long-name":
        return str(folder / ("n" * 300))
    # a sync folder with another "device" whose name is hostile, holding junk bundles
    share = folder / "share"
    device = share / draw(st.sampled_from(["\x1b]0;pwned\x07", "[/bold]", "\u202edevice", "x"]))
    device.mkdir(parents=True, exist_ok=True)
    (device / "junk.swb").write_bytes(draw(st.binary(max_size=64)))
    return str(share)


CONTENTS = [
    "callsign,start,end\nOPS-01,2026-12-01 07:00,2026-12-01 15:00\n",
    "callsign,start,end\n" + "x" * 140_000 + ",a,b\n",
    'callsign,start,end\n"unclosed,2026-12-01 07:00,2026-12-01 15:00\n',
    "callsign,start,end\nOPS-01,0001-01-01 07:00,2026-12-01 15:00\n",
    "callsign,start,end\n\x1b[2J,[/],\u202e\n",
    "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nDTSTART:20261201T100000Z\n"
    "DTEND:20261201T110000Z\nSUMMARY:[/] \x1b[31m\nEND:VEVENT\nEND:VCALENDAR\n",
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:2\nDTSTART:00010101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
    '{"request": "e30=", "signature": "AA=="}',
    "[units]\n",
]


def _value(
    draw: st.DrawFn, example: Example, template: Template, param: click.Parameter, hostile: bool
) -> list[str]:
    """The words for one parameter (an option's name and value, or an argument): a plausible
    value, or — for the parameters chosen to be hostile — one from the hostile families."""
    kind = param.type
    name = param.name or ""
    if isinstance(param, click.Option) and param.is_flag:
        return [param.opts[0]] if draw(st.booleans()) else []
    if isinstance(kind, OutputPath):
        value = _output_value(draw, example, hostile)
    elif isinstance(kind, click.Path):
        value = _path_value(draw, example, param, hostile)
    elif not hostile:
        if isinstance(kind, click.Choice):
            value = draw(st.sampled_from([str(c) for c in kind.choices]))
        elif f"{example.command}:{name}" in template.plausible:
            value = template.plausible[f"{example.command}:{name}"]
        elif name in template.plausible:
            value = template.plausible[name]
        elif isinstance(kind, WholeParam | NumberParam):
            value = "2"
        else:
            value = draw(st.sampled_from(["Zitting rechtbank", "Route verkend", "ok"]))
    elif isinstance(kind, click.Choice):
        value = draw(st.sampled_from(HOSTILE_TEXT[:14]))
    elif isinstance(kind, TimeParam):
        value = draw(st.one_of(st.sampled_from(HOSTILE_TIMES), st.sampled_from(HOSTILE_TEXT[:14])))
    elif isinstance(kind, DateParam):
        value = draw(st.one_of(st.sampled_from(HOSTILE_DATES), st.sampled_from(HOSTILE_TEXT[:14])))
    elif isinstance(kind, WholeParam | NumberParam):
        value = draw(
            st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers(-(2**64), 2**64).map(str))
        )
    else:
        value = draw(_text(template))
    if isinstance(param, click.Argument):
        return [value]
    return [param.opts[0], value]


@st.composite
def command_lines(
    draw: st.DrawFn,
    path: tuple[str, ...],
    command: click.Command,
    template: Template,
    folder: Path,
) -> Example:
    """A command line whose parameters are plausible except one or two hostile ones (or,
    now and then, all of them hostile), so refusals and accepted hostile text both occur."""
    example = Example(folder, " ".join(path))
    example.user = draw(
        st.sampled_from([None, None, None, *template.users, "OPS-01", "NOBODY", "[/]\x1b[2J"])
    )
    example.quiet = draw(st.booleans())
    params = [p for p in command.params if p.name != "help" and not getattr(p, "is_eager", False)]
    names = [p.name for p in params]
    everything = draw(st.integers(0, 4)) == 0
    hostile = (
        set(names)
        if everything
        else draw(st.sets(st.sampled_from(names), max_size=2))
        if names
        else set()
    )
    options: list[str] = []
    arguments: list[str] = []
    for param in params:
        required = param.required or isinstance(param, click.Argument)
        if not required and param.name not in hostile and not draw(st.booleans()):
            continue
        repeated = getattr(param, "multiple", False) or getattr(param, "nargs", 1) == -1
        for _ in range(draw(st.integers(1, 3)) if repeated else 1):
            words = _value(draw, example, template, param, param.name in hostile)
            (arguments if isinstance(param, click.Argument) else options).extend(words)
    # "--" keeps an argument that starts with a dash an argument, as a careful script does
    example.args = [*path, *options, *(["--", *arguments] if arguments else [])]
    return example


# Running and judging -------------------------------------------------------------------------


def invoke(database: Path, args: list[str], user: str | None = None, quiet: bool = False) -> Result:
    prefix = (
        ["--db", str(database)]
        + (["--user", user] if user else [])
        + (["--quiet"] if quiet else [])
    )
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=True)


def judge(result: Result, quiet: bool) -> None:
    """The rules every command line obeys, whatever was typed."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in ALLOWED_EXITS, f"exit {result.exit_code}: {result.stderr}"
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        assert not has_invisible(text.replace("\n", "")), (
            f"raw control character on {stream}: {text[:300]!r}"
        )
    if result.exit_code in (0, 3):
        return
    lines = result.stderr.splitlines()
    assert lines, "a refusal says why"
    error = lines[-1]
    assert error.startswith("Error: ") and error.endswith("."), f"not one sentence: {error[:300]!r}"
    if quiet:  # only the sentence (and a question asked on the terminal, left unanswered)
        others = [line for line in lines[:-1] if line.strip() and not line.endswith(": ")]
        assert not others, f"more than the sentence on stderr: {result.stderr[:500]!r}"


def _no_partial_files(folder: Path) -> None:
    leftovers = [
        p for p in folder.rglob("*") if p.name.endswith(".partial") or ".partial-" in p.name
    ]
    assert not leftovers, f"partial files left behind: {leftovers}"


ACCEPTED: list[tuple[list[str], str | None]] = []


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_fuzzed_command_lines(
    path: tuple[str, ...], command: click.Command, template: Template
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
            folder = Path(scratch)
            database = folder / "schildwacht.db"
            shutil.copy(template.path, database)
            example = data.draw(command_lines(path, command, template, folder))
            note(f"schildwacht {' '.join(repr(a) for a in example.args)} as {example.user}")
            result = invoke(database, example.args, example.user, example.quiet)
            judge(result, example.quiet)
            _no_partial_files(folder)
            _target_kept(example, result)
            changed = _digest(database) != template.digest
            if result.exit_code != 0:
                assert not changed, f"refused (exit {result.exit_code}) but the database changed"
                return
            if not changed:
                return
            ACCEPTED.append((example.args, example.user))
            fmt = data.draw(st.sampled_from(["table", "csv", "json", "md"]))
            for listing in template.listings:
                for user in (None, template.users[0]):
                    after = invoke(database, [*listing, "--format", fmt], user)
                    judge(after, False)
                    assert after.exit_code == 0, (
                        f"{' '.join(listing)} after the change: {after.stderr}"
                    )
            verify = invoke(database, ["audit", "verify"])
            assert verify.exit_code == 0, verify.stderr

    run()


async def test_the_console_opens_every_screen_after_the_accepted_changes(
    template: Template, tmp_path: Path
) -> None:
    """Every command line the harness saw accepted, replayed on one database (plus a fixed set
    of hostile changes, so this holds when run alone); then every screen opens headless."""
    from console.app import SchildwachtApp
    from tests.console.conftest import screenshot as composed
    from tests.console.conftest import settle

    database = tmp_path / "schildwacht.db"
    shutil.copy(template.path, database)
    fixed = [
        (["log", "add", "[/bold] x \x1b]52;c;ZXZpbA==\x07", "--flag"], None),
        (
            [
                "activity",
                "add",
                "--person",
                template.subject,
                "--title",
                "[/]",
                "--start",
                "today 10:00",
                "--end",
                "today 11:00",
                "--location",
                "\u202eTAD",
            ],
            None,
        ),
        (
            [
                "signal",
                "raise",
                "\x1b[2J [link=x]y",
                "--category",
                "other",
                "--urgency",
                "routine",
                "--tlp",
                "clear",
            ],
            None,
        ),
    ]
    for args, user in [*fixed, *ACCEPTED]:
        if any("fuzz-" in arg for arg in args):
            continue  # it named a file in a folder that is gone; replaying could write elsewhere
        judge(invoke(database, args, user), False)
    store = Store(database, clock=FixedClock(NOW))
    app = SchildwachtApp(store, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ("a", "g", "s", "h", "k", "y", "t"):
            await pilot.press(key)
            await settle(pilot)
            screenshot = await composed(pilot)
            assert not any(c in screenshot for c in ("\x1b", "\x07", "\u202e")), key
    store.close()
    assert snapshot(database)
