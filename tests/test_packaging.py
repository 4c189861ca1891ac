"""Packaging and what a scripted command loads: scripted commands never load textual; the wheel
ships the console's stylesheet. (That the store imports no UI, and its layers, are import-linter
contracts: pyproject.toml, run by `make lint`.)"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _python(code: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_scripted_person_list_does_not_load_textual(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code = (
        "import sys\n"
        "from commands.cli import cli\n"
        f"cli(['--db', {str(db)!r}, 'init', '--callsign', 'OPS-01'], standalone_mode=False)\n"
        f"cli(['--db', {str(db)!r}, 'person', 'list', '-f', 'json'], standalone_mode=False)\n"
        "print('LOADED', sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'console', 'icalendar')))"
    )
    assert _python(code).splitlines()[-1] == "LOADED []"


def test_scripted_gaps_load_only_what_they_use(tmp_path: Path) -> None:
    """Start-up is import time: a scripted gaps report loads neither the suggestions, the
    roster rules, the time parser's library, the catalogue reader nor the temp-file module."""
    db = tmp_path / "s.db"
    _python(
        "from commands.cli import cli\n"
        f"cli(['--db', {str(db)!r}, 'init', '--callsign', 'OPS-01'], standalone_mode=False)"
    )
    code = (
        "import sys\n"
        "from commands.cli import cli\n"
        f"cli(['--db', {str(db)!r}, 'gaps', '-f', 'json'], standalone_mode=False)\n"
        "unwanted = ('pendulum', 'tomllib', 'tempfile', 'store.suggest', 'store.roster',"
        " 'store.agenda', 'importlib.resources')\n"
        "print('LOADED', sorted(n for n in unwanted if n in sys.modules))"
    )
    assert _python(code).splitlines()[-1] == "LOADED []"


def test_wheel_contains_the_stylesheet_and_catalogue(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("schildwacht-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "console/app.tcss",
        "store/catalogue.toml",
        "store/sql/001_domain.sql",
        "commands/cli.py",
    } <= names
    assert not any(n.startswith("tests/") for n in names)
