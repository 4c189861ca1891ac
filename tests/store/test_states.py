"""Issue 15: a database's states are codes (``store.states``) worded at the edge
(``words.states``): ``db status`` and ``db repair`` say them as before, and what ``db repair``
kept in its audit events as English text before still reads."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from commands.cli import cli
from store.db import Store
from store.setup import restore_catalogue
from store.states import CatalogueState, ClockState, GuardState
from store.status import database_status
from words import states
from words.repair import as_json


def test_the_store_gives_codes_and_every_code_has_words(store: Store) -> None:
    status = database_status(store)
    assert (status.clock, status.guards, status.catalogue) == (
        ClockState.FIXED,
        GuardState.INTACT,
        CatalogueState.AS_MADE,
    )
    assert set(states.CLOCK) == set(ClockState) and set(states.GUARDS) == set(GuardState)
    assert set(states.CATALOGUE) == set(CatalogueState)
    conn = sqlite3.connect(store.path)
    try:
        assert restore_catalogue(conn, str(store.path)) is CatalogueState.AS_MADE
    finally:
        conn.close()


def test_db_status_says_the_states_in_words(store: Store) -> None:
    shown = CliRunner().invoke(cli, ["--db", str(store.path), "db", "status", "--format", "json"])
    facts = json.loads(shown.stdout)
    assert (facts["clock"], facts["guards"], facts["catalogue"]) == (
        "fixed for tests/demos",
        "intact",
        "as made at init",
    )


def test_what_an_older_repair_kept_in_words_still_reads() -> None:
    old = {
        "as made at init": CatalogueState.AS_MADE,
        "restored from the catalogue shipped with Schildwacht": CatalogueState.RESTORED,
        "changed outside Schildwacht; not restored": CatalogueState.NOT_RESTORED,
    }
    for text, state in old.items():
        assert CatalogueState.read(text) is state
        assert CatalogueState.read(state.value) is state
        assert as_json({"catalogue": text}, [])["catalogue"] == states.CATALOGUE[state]
    assert CatalogueState.read("something else") is None and CatalogueState.read(None) is None
    assert states.catalogue("something else") == "something else"  # shown as kept
    assert as_json({}, [])["catalogue"] is None


def test_a_repair_says_the_restored_catalogue_in_words(store: Store) -> None:
    """A catalogue changed with a sqlite tool: ``db repair`` restores the shipped one, keeps
    ``restored`` (``Store.repaired``) and says it in words."""
    path = store.path
    store.close()
    raw = sqlite3.connect(path)
    try:
        raw.execute("UPDATE concept SET level = 'W4' WHERE code = 'CAM'")
        raw.commit()
    finally:
        raw.close()
    repaired = CliRunner().invoke(cli, ["--db", str(path), "db", "repair", "--format", "json"])
    assert repaired.exit_code == 0, repaired.output
    assert json.loads(repaired.stdout)["catalogue"] == states.CATALOGUE[CatalogueState.RESTORED]
    assert "Reference catalogue restored from the catalogue shipped" in repaired.stderr
