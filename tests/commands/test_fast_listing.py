"""The scripted JSON listings that skip click (``commands/fast.py``, issue 18): the same bytes
as the ordinary command line, without importing click; every other form, and every failure,
goes the ordinary way and is reported exactly as before. Real processes on a copy of the demo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from commands import fast
from tests.conftest import copy_database

#: The console script as installed (``pyproject.toml``), and the ordinary command line alone.
SCRIPT = [sys.executable, "-c", "from commands.fast import main; main()"]
ORDINARY = [sys.executable, "-c", "from commands.cli import main; main()"]
#: Runs the fast path and says whether click, or argon2 and the sync code (a reading command
#: proves no one and captures nothing), were imported by it, and which of the modules a listing
#: need not run it ran (typing, OpenSSL through hashlib, inspect, the rule table: issue 18).
PROBE = (
    "import sys\nfrom commands import fast\ndone = fast.run(sys.argv[1:])\n"
    "print(done is not None, 'click' in sys.modules,"
    " any(m.startswith(('argon2', 'store.sync')) for m in sys.modules),"
    " *[m for m in ('typing', '_hashlib', 'inspect', 'ast', 'store.rules')"
    " if m in sys.modules and not isinstance(sys.modules[m], fast._Deferred)])"
)


@pytest.fixture(scope="module")
def database(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_database(demo_template, tmp_path_factory.mktemp("fast") / "demo.db")


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCHILDWACHT_NOW", "SCHILDWACHT_USER")}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(command: list[str], *args: str, **env: str | None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*command, *args], capture_output=True, env=_env(**env), check=False)


@pytest.mark.parametrize(
    "args",
    [
        ("--db", "{db}", "--quiet", "person", "list", "--format", "json"),
        ("-q", "--db={db}", "person", "list", "-f", "json"),
        ("person", "list", "--format=json"),  # the database from SCHILDWACHT_DB
    ],
)
def test_the_fast_listing_writes_the_ordinary_bytes_without_click(
    database: Path, args: tuple[str, ...]
) -> None:
    argv = [a.format(db=database) for a in args]
    env = {"SCHILDWACHT_DB": str(database)}
    probe = _run([sys.executable, "-c", PROBE], *argv, **env)
    assert probe.stdout.decode().split() == ["True", "False", "False"], probe.stderr.decode()
    quick, ordinary = _run(SCRIPT, *argv, **env), _run(ORDINARY, *argv, **env)
    assert (quick.returncode, quick.stderr) == (0, b"")
    assert quick.stdout == ordinary.stdout
    assert quick.stdout.startswith(b'[\n  {"code": ') and quick.stdout.endswith(b"}\n]\n")


#: ``gaps`` over two days of the demo (times with an offset: no clock is read), quietly.
GAPS = ("--from", "2026-11-28T06:00+01:00", "--to", "2026-11-30T06:00+01:00")


@pytest.mark.parametrize(
    "args",
    [
        ("--db", "{db}", "--quiet", "gaps", *GAPS, "--format", "json"),
        ("-q", "--db={db}", "gaps", "-f", "json", "--to=" + GAPS[3], "--from=" + GAPS[1]),
    ],
)
def test_the_fast_gaps_write_the_ordinary_bytes_without_click(
    database: Path, args: tuple[str, ...]
) -> None:
    argv = [a.format(db=database) for a in args]
    probe = _run([sys.executable, "-c", PROBE], *argv)
    found = probe.stdout.decode().split()
    assert found == ["True", "False", "False", "typing"], probe.stderr.decode()  # NamedTuples
    quick, ordinary = _run(SCRIPT, *argv), _run(ORDINARY, *argv)
    assert (quick.returncode, quick.stderr) == (0, b"")
    assert quick.stdout == ordinary.stdout
    assert quick.stdout.count(b'"shortfall": ') > 10  # the demo falls short in those two days


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--db", "{db}", "gaps", *GAPS, "--format", "json"), {}),  # the counts on stderr
        (("--db", "{db}", "-q", "gaps", *GAPS, "--format", "json", "--fail-on-gap"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS, "--format", "json", "--unit", "RT"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS[:2], "--format", "json"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS, *GAPS[:2], "--format", "json"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS, "--format", "csv"), {}),
        (("--db", "{db}", "-q", "gaps", "--from", "-1", "--to", "x", "--format", "json"), {}),
        (("--db", "{db}", "-q", "gaps", "--from=", "--to", "x", "--format", "json"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS, "-f=json"), {}),
        (("--db", "{db}", "-q", "gaps", *GAPS, "--format", "json"), {"SCHILDWACHT_NOW": "x"}),
        (("--db", "{db}", "--debug", "person", "list", "--format", "json"), {}),
        (("--db", "{db}", "--user", "OPS-01", "person", "list", "--format", "json"), {}),
        (("--db", "{db}", "person", "list", "--unit", "RT", "--format", "json"), {}),
        (("--db", "{db}", "person", "list", "--format", "csv"), {}),
        (("--db", "{db}", "person", "list"), {}),
        (("--db", "{db}", "person", "list", "--format", "json", "extra"), {}),
        (("--db", "{db}", "person", "list", "--format", "json"), {"SCHILDWACHT_USER": "OPS-01"}),
        (("--db", "{db}", "person", "list", "--format", "json"), {"SCHILDWACHT_NOW": "x"}),
        (("person", "list", "--format", "json"), {}),  # no database named: the default's
        (("--db", "\udcff", "person", "list", "--format", "json"), {}),
    ],
)
def test_every_other_form_goes_the_ordinary_way(
    database: Path, args: tuple[str, ...], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_NOW", raising=False)
    monkeypatch.delenv("SCHILDWACHT_DB", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert fast.parse([a.format(db=database) for a in args]) is None


def test_a_failure_is_reported_by_the_ordinary_path_word_for_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_NOW", raising=False)
    missing = tmp_path / "nowhere.db"
    not_a_database = tmp_path / "junk.db"
    not_a_database.write_bytes(b"this is no database" * 100)
    for path in (missing, not_a_database):
        args = ("--db", str(path), "person", "list", "--format", "json")
        assert fast.parse(args) is not None
        quick, ordinary = _run(SCRIPT, *args), _run(ORDINARY, *args)
        assert quick.returncode == ordinary.returncode != 0
        assert (quick.stdout, quick.stderr) == (ordinary.stdout, ordinary.stderr)
        assert quick.stderr.startswith(b"Error: ")
    assert not missing.exists()


def test_a_refused_window_is_reported_by_the_ordinary_path_word_for_word(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_NOW", raising=False)
    for window in (("--from", "tomorrow 25:00", "--to", "x"), ("--from", GAPS[3], "--to", GAPS[1])):
        args = ("--db", str(database), "-q", "gaps", *window, "--format", "json")
        assert fast.parse(args) is not None and fast.run(args) is None
        quick, ordinary = _run(SCRIPT, *args), _run(ORDINARY, *args)
        assert quick.returncode == ordinary.returncode == 2
        assert (quick.stdout, quick.stderr) == (ordinary.stdout, ordinary.stderr)
        assert quick.stderr.startswith(b"Error: ")


def _index_rebuilt_as(path: Path, index: str, other: str) -> None:
    """``index``'s entries no longer match its table (as one changed byte leaves them): rebuilt
    under the definition ``other``, then its own definition put back."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    (own,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    for sql in (other, own):
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql, index))
        conn.close()
        conn = sqlite3.connect(path, isolation_level=None)
        if sql == other:
            conn.execute(f"REINDEX {index}")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()


def test_the_fast_gaps_refuse_a_damaged_index_as_the_ordinary_path_does(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was (rev14s H1): the ordinary path refused (exit 5), the fast one listed the gaps read
    through the damaged activity index (8 of 29) with exit 0."""
    monkeypatch.delenv("SCHILDWACHT_NOW", raising=False)
    damaged = copy_database(demo_template, tmp_path / "damaged.db")
    _index_rebuilt_as(
        damaged,
        "activity_time",
        "CREATE INDEX activity_time ON activity(end_at, start_at, status, concept, subject_id, id)",
    )
    args = ("--db", str(damaged), "-q", "gaps", *GAPS, "--format", "json")
    assert fast.parse(args) is not None and fast.run(args) is None
    quick, ordinary = _run(SCRIPT, *args), _run(ORDINARY, *args)
    assert quick.returncode == ordinary.returncode == 5, quick.stderr
    assert (quick.stdout, quick.stderr) == (b"", ordinary.stderr)
    assert b"is damaged" in quick.stderr
