"""A device named after its computer (``init`` without ``--label``) gets a valid label (issue
14, input review): the host name, which no one typed, once went into the database unchecked, so
a long one made the laptop impossible to enrol ("at most 40 characters") and one with an escape,
a bell or a direction mark travelled in the signed roster. Every path that stores a label uses
one check; a label an older version stored is made valid before it goes into a roster or a
request; a roster that still carries one is shown escaped on the laptops that receive it."""

from __future__ import annotations

import platform
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import validate
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput, IntegrityFailure
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.conftest import NOW, refused_as

LONG = "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-xyz"
HOSTILE = "[/]\x1b]0;pwn\x07\u202eevil"
OLD_LABEL = LONG + "\x1b]0;pwn\x07\u202e"  # what an older version stored unchecked


def _init(path: Path, callsign: str = "OPS-A", label: str | None = None) -> Store:
    return init_database(
        path,
        callsign=callsign,
        role="admin",
        unit="RT",
        clock=FixedClock(NOW),
        device_label=label,
    )


def _label(store: Store) -> str:
    return str(store.tuples("SELECT label FROM device")[0][0])


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (LONG, LONG[:40]),
        (HOSTILE, "[/]]0;pwnevil"),
        ("  laptop-12\t", "laptop-12"),
        (
            "abcdefghij-abcdefghij-abcdefghij-abcdefg  xyz",
            "abcdefghij-abcdefghij-abcdefghij-abcdefg",
        ),
    ],
)
def test_the_computers_name_is_made_a_valid_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str, expected: str
) -> None:
    monkeypatch.setattr(platform, "node", lambda: host)
    store = _init(tmp_path / "a.db")
    try:
        assert _label(store) == expected
        assert validate.device_label(_label(store)) == expected
    finally:
        store.close()


@pytest.mark.parametrize("host", ["", "\x1b\u202e\x07", "сalendar", "\udcff\udcfe"])
def test_a_computer_name_with_nothing_usable_gives_laptop_and_random_digits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setattr(platform, "node", lambda: host)
    store = _init(tmp_path / "a.db")
    try:
        assert re.fullmatch(r"laptop-[0-9a-f]{4}", _label(store))
    finally:
        store.close()


def test_a_typed_label_is_still_refused_not_cleaned(tmp_path: Path) -> None:
    for bad in (LONG, HOSTILE):
        with pytest.raises(BadInput):
            _init(tmp_path / "a.db", label=bad)
    assert not (tmp_path / "a.db").exists()


def test_a_laptop_named_after_a_long_host_can_be_enrolled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = _init(tmp_path / "admin.db", label="laptop-a")
    monkeypatch.setattr(platform, "node", lambda: LONG + HOSTILE)
    joiner = _init(tmp_path / "b.db", callsign="OPS-B")
    try:
        rosters.create_team(admin, "T")
        rosters.write_request(joiner, tmp_path / "req.json")
        request = rosters.read_request(tmp_path / "req.json")
        assert request.data["label"] == LONG[:40]
        rosters.enroll(admin, request)
        labels = [d["label"] for d in rosters.current(admin).devices]
        assert labels == ["laptop-a", LONG[:40]]
    finally:
        admin.close()
        joiner.close()


def _store_old_label(store: Store) -> None:
    """The label an older version stored from the computer's name, unchecked."""
    store.conn.execute("UPDATE device SET label = ?", (OLD_LABEL,))


def test_an_old_unchecked_label_is_made_valid_before_a_team_is_created(tmp_path: Path) -> None:
    admin = _init(tmp_path / "admin.db", label="laptop-a")
    _store_old_label(admin)
    try:
        rosters.create_team(admin, "T")
        sent = rosters.current(admin).devices[0]["label"]
        assert sent == LONG[:40]
        assert _label(admin) == sent  # the device row and the roster agree
    finally:
        admin.close()


def test_an_old_unchecked_label_is_made_valid_before_a_request(tmp_path: Path) -> None:
    joiner = _init(tmp_path / "b.db", label="laptop-b", callsign="OPS-B")
    _store_old_label(joiner)
    try:
        rosters.write_request(joiner, tmp_path / "req.json")
        assert rosters.read_request(tmp_path / "req.json").data["label"] == LONG[:40]
        assert _label(joiner) == LONG[:40]
    finally:
        joiner.close()


def test_a_roster_that_carries_a_bad_label_is_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin on an older version signed a roster with its unchecked label: the laptop that
    joins keeps working and shows the label escaped (``team show``, ``sync status``)."""
    admin = _init(tmp_path / "admin.db", label="laptop-a")
    joiner = _init(tmp_path / "b.db", label="laptop-b", callsign="OPS-B")
    _store_old_label(admin)
    older = rosters.own_label
    monkeypatch.setattr(rosters, "own_label", lambda conn, _id: OLD_LABEL)  # the older version
    try:
        rosters.create_team(admin, "T")
        monkeypatch.setattr(rosters, "own_label", older)
        rosters.write_request(joiner, tmp_path / "req.json")
        request = rosters.read_request(tmp_path / "req.json")
        rosters.enroll(admin, request)
        welcome = exchange.export(admin, out=tmp_path / "w.swb", welcome=request.hash)
        exchange.import_file(joiner, welcome.path)
    finally:
        admin.close()
        joiner.close()
    runner = CliRunner()
    for args in (["team", "show"], ["sync", "status"], ["team", "show", "-f", "csv"]):
        result = runner.invoke(cli, ["--db", str(tmp_path / "b.db"), *args])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\u202e" not in result.output
        assert LONG + "\\u001b]0;pwn\\u0007\\u202e" in result.output


def test_a_roster_whose_label_is_not_text_is_malformed(tmp_path: Path) -> None:
    admin = _init(tmp_path / "admin.db", label="laptop-a")
    try:
        roster = rosters.create_team(admin, "T")
    finally:
        admin.close()
    data = dict(roster.data, devices=[{**roster.data["devices"][0], "label": ["x"]}])
    forged = rosters.Roster(rosters.canonical(data), b"", data)
    with refused_as(IntegrityFailure, "malformed"):
        rosters.parse(forged.body, forged.signature, None)
