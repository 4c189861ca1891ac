"""Joining by keys when the two laptops' sync folders differ (fix17r): the new laptop's ``j``
writes its request to its own folder; the admin's ``o`` reads it there and writes the welcome
bundle next to it (not into the admin's own folder), named ``welcome-….swb`` as the CLI and the
README name it; the new laptop's ``w`` finds it by default. Where no welcome is there yet, ``w``
says so plainly and where the admin's console writes it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.sync import welcome_name
from store.db import Store
from store.setup import init_database
from store.sync import roster as rosters
from tests.conftest import TEST_SECRET
from tests.console.conftest import error_of, settle, toasts
from tests.console.test_shift import fill, form, keys, press


async def test_the_welcome_goes_next_to_the_request_and_w_finds_it(
    store: Store, tmp_path: Path
) -> None:
    mine, theirs = tmp_path / "sync1", tmp_path / "sync2"  # the admin's, the new laptop's
    mine.mkdir()
    theirs.mkdir()
    rosters.create_team(store, "DKDB Rotterdam")
    laptop = init_database(
        tmp_path / "new.db",
        callsign="DKDB-78",
        role="operator",
        unit="DKDB",
        clock=store.clock,
        device_label="new-laptop",
        secret=TEST_SECRET,
    )

    def console(on: Store, folder: Path) -> SchildwachtApp:
        app = SchildwachtApp(on, remember=False, watch=None, ahead=False)
        app.state["sync_folder"] = str(folder)
        return app

    app = console(laptop, theirs)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "y", "j", "enter")
        await press(pilot, "escape")
        (request,) = theirs.glob("request-*.json")
        await press(pilot, "w")  # too early: nothing there yet, said plainly
        assert form(app).query_one(Input).value == str(theirs / welcome_name(laptop.device_id))
        await keys(pilot, "enter")
        await settle(pilot)
        refused = error_of(app)
        assert refused.startswith("There is no file ")
        assert f"sync2/{welcome_name(laptop.device_id)}. The admin's console writes" in refused
        assert "next to the request it answers, in " in refused
        state = dict(app.state)

    admin = console(store, mine)
    async with admin.run_test(size=(80, 24)) as pilot:
        await press(pilot, "y", "o")
        await fill(pilot, str(request))  # the request in the new laptop's folder
        await keys(pilot, "enter")
        await settle(pilot)
        assert isinstance(admin.screen, Confirm)
        welcome = theirs / welcome_name(laptop.device_id)
        assert f"Its welcome bundle goes to {welcome}" in admin.screen.question
        await press(pilot, "y")
        assert any(f"welcome bundle: {welcome}" in t for t in toasts(admin)), toasts(admin)
    assert welcome.is_file() and welcome.suffix == ".swb"
    assert not list(mine.iterdir())  # nothing in the admin's own folder

    app = console(laptop, theirs)
    app.state.update(state)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "y", "w")
        assert form(app).query_one(Input).value == str(welcome)
        await keys(pilot, "enter")
        await settle(pilot)
        joined = rosters.current(laptop)
        assert joined is not None and joined.data["name"] == "DKDB Rotterdam"


async def test_w_looks_in_the_sync_folder_when_the_request_went_elsewhere(
    store: Store, tmp_path: Path
) -> None:
    folder, elsewhere = tmp_path / "sync", tmp_path / "stick"
    folder.mkdir()
    elsewhere.mkdir()
    laptop = init_database(
        tmp_path / "new.db",
        callsign="DKDB-79",
        role="operator",
        unit="DKDB",
        clock=store.clock,
        device_label="new-laptop",
        secret=TEST_SECRET,
    )
    (folder / welcome_name(laptop.device_id)).write_text("put here by hand")
    app = SchildwachtApp(laptop, remember=False, watch=None, ahead=False)
    app.state["sync_folder"] = str(folder)
    app.state["join_request"] = str(elsewhere / "request-DKDB-79.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "y", "w")  # not beside the request: the one in the folder is offered
        assert form(app).query_one(Input).value == str(folder / welcome_name(laptop.device_id))
