"""A whole shift in the console, by keys only, at 80x24 and at 120x40: a shift leader builds and
keeps the day (new activity, concept, officers deployed, log with kind and flag, clearing a
flag, a restriction, a calendar file, a threat assessment, a suggestion applied, a shift added, a
team and an export, the handover signed); an information analyst works a signal and issues a
report; an authority liaison records a decision and acknowledges the report; the incoming shift
leader accepts the handover. People change with ``u`` and their secret. A new laptop joins the
team (request, enrolment with the codes compared, welcome bundle). After each job the database
is checked: the console called the same store function the command line does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import BaseScreen, Confirm, FormScreen
from console.screens.roster import RosterScreen
from console.screens.signals import SignalsScreen
from console.screens.sync import welcome_name
from console.widgets.table import RecordTable
from store import agenda, decisions, handover, intel, logbook, proof, roster, signals
from store.clock import local_iso, local_span
from store.db import Store
from store.staff import add_staff, list_staff, set_secret
from store.subjects import get_subject
from store.sync import roster as rosters
from tests.conftest import TEST_SECRET
from tests.console.conftest import dialog_problems, error_of, rows, settle, toasts, type_text
from words.facts import reason
from words.suggestions import describe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ics"


async def press(pilot: Any, *keys: str) -> None:
    """Keys, then the screen settled; a form or question they opened fits the terminal."""
    await pilot.press(*keys)
    await settle(pilot)
    if isinstance(pilot.app.screen, ModalScreen):
        assert dialog_problems(pilot.app.screen) == [], pilot.app.screen


async def act(pilot: Any, key: str) -> None:
    """A key on a table in a drawer: on a short terminal the first press opens the closed
    drawer (the key never acts on a row nobody sees), the second acts. A toast counts as the
    key's answer by its identity: older toasts may expire meanwhile on a loaded machine."""
    said = _shown(pilot.app)
    await press(pilot, key)

    def answered() -> bool:  # a dialog or form opened, or a new toast (the drawer opened)
        screen = pilot.app.screen
        return isinstance(screen, Confirm | FormScreen) or bool(_shown(pilot.app) - said)

    await until(pilot, answered)
    new = [n.message for n in pilot.app._notifications if n.identity not in said]
    if new and str(new[-1]).endswith("then press the key again."):
        said = _shown(pilot.app)
        await press(pilot, key)
        await until(pilot, answered)  # on a loaded machine the form may take a while


def _shown(app: Any) -> set[str]:
    """The identities of the toasts on screen now."""
    return {n.identity for n in app._notifications}


async def until(pilot: Any, done: Any) -> None:
    """Wait (bounded, 6 s) for what a worker writes on a loaded machine."""
    for _wait in range(120):
        if done():
            return
        await pilot.pause(0.05)


async def tab_to(pilot: Any, target: str) -> None:
    """Tab, one stop at a time, until the widget ``target`` (an id) has the focus: a drawer the
    focus comes into opens after a refresh and then moves the focus in, which a loaded machine
    makes late, so a count of Tabs typed at once lands on a different stop now and then."""
    for _stop in range(8):
        focused = pilot.app.focused
        if focused is not None and focused.id == target:
            return
        await press(pilot, "tab")
        await until(pilot, lambda: pilot.app.focused is not None)
    raise AssertionError(f"Tab never reached #{target}: {pilot.app.focused}")


async def keys(pilot: Any, *strokes: str | list[str]) -> None:
    """Keys in order: a string is one key (``"tab"``), a one-item list is text typed into the
    focused field (``["OvJ"]``)."""
    for stroke in strokes:
        if isinstance(stroke, list):
            await type_text(pilot, stroke[0])
        else:
            await pilot.press(stroke)


async def fill(pilot: Any, text: str) -> None:
    """Type into the focused field, replacing what it held."""
    await keys(pilot, "end", "ctrl+u", [text])


async def choose(pilot: Any, downs: int) -> None:
    """In the focused choice: open it (Space; Enter would save), move down, take it."""
    await pilot.press("space", *(["down"] * downs), "enter")


def form(app: SchildwachtApp) -> FormScreen[Any]:
    assert isinstance(app.screen, FormScreen), app.screen
    return app.screen


async def switch_user(app: SchildwachtApp, pilot: Any, callsign: str) -> None:
    await press(pilot, "u")
    form(app)
    await keys(pilot, [callsign], "tab", [TEST_SECRET], "enter")
    await settle(pilot)
    assert app.actor.callsign == callsign, app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_shift_by_keys(demo_store: Store, tmp_path: Path, size: tuple[int, int]) -> None:
    store = demo_store
    add_staff(store, "AUT-01", unit="RT", role="authority")
    analyst = list_staff(store, role="info_analyst")[0].callsign
    incoming = next(s.callsign for s in list_staff(store, role="shift_leader"))
    for callsign in ("AUT-01", analyst, incoming):
        if not proof.has_secret(store.conn, callsign):
            set_secret(store, callsign, TEST_SECRET)
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    app.state["sync_folder"] = str(tmp_path / "share")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)

        # The shift leader's day: a new activity, its concept ----------------------------
        await press(pilot, "a", "n")
        assert app.focused is form(app).query_one("#title")
        await keys(pilot, ["Persconferentie"], "tab", ["16:00"], "tab", ["17:00"], "tab")
        await keys(pilot, ["Perscentrum Havenstad"], "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        added = screen.selected()
        assert added is not None and added.title == "Persconferentie" and added.concept is None
        assert (local_iso(added.start_at), local_iso(added.end_at)) == (
            "2026-11-28T16:00:00+01:00",
            "2026-11-28T17:00:00+01:00",
        )
        await press(pilot, "c", "enter")  # the lightest valid concept
        if isinstance(app.screen, Confirm):
            await press(pilot, "y")
        assert agenda.get_activity(store, added.id).concept is not None
        free = next(  # an officer the store would let on it (R8)
            s.callsign
            for s in list_staff(store)
            if not roster.deployment_problem(store, added.id, s)
        )
        await press(pilot, "o")  # deploy an officer on it by callsign
        await keys(pilot, [free or ""], "enter")
        await settle(pilot)
        assert [d.callsign for d in roster.list_deployments(store, added.id)] == [free]
        assert any(t.startswith("Deployed") for t in toasts(app))
        await press(pilot, "o")  # the form names who is deployed, offered for release
        assert f"Deployed here now: {free}." in str(form(app).query_one(".note").render())
        release = form(app).query_one("#release", Select)
        assert [value for _words, value in release._options if value != Select.NULL] == [free]
        assert str(form(app).query_one("#save", Button).label) == "Deploy"
        release.value = free
        await settle(pilot)
        assert str(form(app).query_one("#save", Button).label) == "Release"
        await press(pilot, "escape")

        # The log: an incident, flagged; then a flag cleared with its reason ----------------
        await press(pilot, "l")
        await keys(pilot, ["Onbekende auto bij perscentrum"], "tab")
        await choose(pilot, 2)  # note → movement → incident
        await pilot.press("tab", "space", "enter")  # Space ticks the flag, Enter saves (F-F)
        await settle(pilot)
        entry = logbook.list_entries(store, limit=1)[0]
        assert (entry.kind, entry.flagged, entry.activity_id) == ("incident", True, added.id)
        await act(pilot, "x")  # the log's cursor goes to the first open flag
        await keys(pilot, ["Kenteken nagetrokken: bode"], "enter")
        await settle(pilot)
        assert sum(1 for e in logbook.list_entries(store) if e.clear_reason) == 1

        # An edit of its title; a signal raised about it, its observed time typed ------------
        await press(pilot, "e")
        assert app.focused is form(app).query_one("#title")  # the record's values, to change
        await keys(pilot, "end", "ctrl+u", ["Persconferentie OM"], "enter")
        await settle(pilot)
        assert agenda.get_activity(store, added.id).title == "Persconferentie OM"
        assert "Saved 'Persconferentie OM'." in toasts(app)
        await press(pilot, "exclamation_mark")
        await keys(pilot, ["Drone boven het perscentrum"], *(["tab"] * 5), ["09:40"], "enter")
        await settle(pilot)
        (raised,) = [
            s for s in signals.list_signals(store, mine=True) if s.text.startswith("Drone")
        ]
        assert (raised.person, raised.activity_id) == (added.person, added.id)
        assert local_iso(raised.observed_at).startswith("2026-11-28T09:40")
        assert any(t.startswith("Signal raised") for t in toasts(app))
        await press(pilot, "s")  # its detail names the activity it is about
        listed = app.screen.query_one("#signal-list", RecordTable)
        await press(pilot, "home", *(["down"] * listed.keys.index(raised.id)))
        detail = str(app.screen.query_one("#signal-text", Static).render())
        assert "Activity Persconferentie OM (2026-11-28 16:00–17:00, Perscentrum" in detail
        await press(pilot, "a")

        # A restriction, and a calendar file --------------------------------------------
        await press(pilot, "r")
        await choose(pilot, 1)  # no kind until chosen: cancelled
        await press(pilot, "tab", "tab", "enter")  # for capacity; nobody decided it
        assert isinstance(app.screen, Confirm)  # a cancellation is asked first
        await press(pilot, "y")
        assert "deciding authority" in error_of(app)  # refused in the form, nothing written
        assert agenda.get_activity(store, added.id).status != "cancelled"
        await keys(pilot, ["OvJ Havenstad"], "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # a cancellation is asked first
        await press(pilot, "y")
        assert agenda.get_activity(store, added.id).status == "cancelled"
        await press(pilot, "i")
        await keys(pilot, [str(FIXTURES / "google-series.ics")], "ctrl+s")
        await settle(pilot)
        assert any(
            a.title and a.person == added.person
            for a in agenda.list_activities(store, person=added.person)
            if a.id != added.id
        )

        # Today: a threat assessment ------------------------------------------------------
        await press(pilot, "t", "d")
        code = app.screen.query_one("#level").parent  # a form for the selected subject
        assert code is not None
        await fill(pilot, "3")
        await pilot.press("enter")
        await settle(pilot)
        first = rows(app, "#subjects")[0][0]
        assert get_subject(store, first).threat_level == 3

        # Roster & gaps: a suggestion applied, a shift added --------------------------------
        await press(pilot, "g")
        screen = app.screen
        assert isinstance(screen, RosterScreen) and screen.data is not None

        def offered() -> list[int]:  # an officer who covers it, or partly (feasible: covered)
            return [
                i for i, o in enumerate(screen.options) if (o.feasible or o.partial) and o.callsign
            ]

        # a gap of an activity not yet over (one that has ended gets nothing to do)
        for _down in range(60):
            if screen.detail is not None and screen.detail.activities and offered():
                break
            await press(pilot, "down")
        activity = screen.selected_activity()
        assert activity is not None
        for option, row in zip(screen.options, rows(app, "#suggestions"), strict=True):
            if not option.feasible:  # why not, where it is listed
                assert row[1] == (reason("", option.fact) or "would not work")
        officers = offered()
        lent = [i for i in officers if "lent from" in describe(screen.options[i].what)]
        chosen = (lent or officers)[0]
        short = sum(g.shortfall_hours for g in screen.data.gaps if activity in g.activities)
        bad = next(i for i, o in enumerate(screen.options) if not o.feasible)
        suggestions = screen.query_one("#suggestions", RecordTable)
        suggestions.move_to(str(bad))
        await settle(pilot)  # the selected option whole below the table, its reason never cut
        shown = str(screen.query_one("#option-why", Static).render())
        why = reason("", screen.options[bad].fact) or "would not work"
        assert shown == f"{describe(screen.options[bad].what)}: {why}", shown
        suggestions.move_to("0")
        await tab_to(pilot, "suggestions")
        await press(pilot, *(["down"] * chosen))
        await act(pilot, "p")
        assert isinstance(app.screen, Confirm)  # asked first
        await press(pilot, "y")
        assert roster.list_deployments(store, activity)
        assert any(t.startswith("Done: Deploy") for t in toasts(app))
        if lent:  # the lent officer's capacity now counts for this unit
            assert screen.data is not None
            after = sum(g.shortfall_hours for g in screen.data.gaps if activity in g.activities)
            assert after < short
        officer = screen.options[chosen].callsign or ""
        shifts = len(roster.list_shifts(store, callsign=officer))
        await press(pilot, "n")
        await keys(pilot, [officer], "tab", "end", "ctrl+u", ["2026-12-08 07:00"], "tab")
        await keys(pilot, "end", "ctrl+u", ["2026-12-08 15:00"], "enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen), str(app.screen.query_one(".error").render())
        assert len(roster.list_shifts(store, callsign=officer)) == shifts + 1

        # Sync: a team, and an export nobody will read yet ------------------------------
        await press(pilot, "y", "n")
        await keys(pilot, ["DKDB Rotterdam"], "enter")
        await settle(pilot)
        assert rosters.current(store) is not None
        await press(pilot, "e")
        receipt = str(app.screen.query_one("#sync-receipt").render())
        assert "Exported" in receipt and "nobody will read it" in receipt

        # The handover, signed with notes ---------------------------------------------------
        await press(pilot, "h")
        items = app.screen.query_one("#open-items")
        assert app.focused is items  # focus starts on the open items
        await press(pilot, "x")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")  # not signed
        assert handover.list_handovers(store) == []
        await press(pilot, "n")
        await keys(pilot, ["Let op KIEVIT bij vertrek"], "escape")
        assert app.focused is items  # Escape left the notes: x is not typed into them
        await press(pilot, "x", "y")
        (signed,) = handover.list_handovers(store)
        assert signed.notes == "Let op KIEVIT bij vertrek"
        said = f"Handover of {local_span(signed.period_start, signed.period_end)} signed by "
        await until(pilot, lambda: any(t.startswith(said) for t in toasts(app)))
        assert not any(signed.id[:13] in t or signed.content_hash[:12] in t for t in toasts(app))
        await act(pilot, "c")  # the one who signed may not accept: refused before asking
        await until(pilot, lambda: any("cannot accept it" in t for t in toasts(app)))
        assert not isinstance(app.screen, Confirm)
        assert any("cannot accept it" in t for t in toasts(app)), toasts(app)[-3:]
        assert handover.get_handover(store, signed.id).accepted_by is None

        # The information analyst: a signal worked, a report issued -----------------------
        await switch_user(app, pilot, analyst)
        assert "● " in app.sub_title  # unread badge: signals not yet received
        await press(pilot, "s")
        screen = app.screen
        assert isinstance(screen, SignalsScreen)
        order = {"immediate": 0, "priority": 1, "routine": 2}
        urgencies = [order[row[0]] for row in rows(app, "#signal-list")]
        assert urgencies == sorted(urgencies)  # most urgent first
        waiting = next(i for i, r in enumerate(rows(app, "#signal-list")) if r[2] == "submitted")
        await press(pilot, *(["down"] * waiting), "v")
        chosen = screen.selected()
        assert chosen is not None and signals.get_signal(store, chosen.id).status == "received"
        await act(pilot, "f")  # waits for its form on a loaded machine
        await keys(pilot, ["Beelden opgevraagd"], "enter")
        await settle(pilot)
        await act(pilot, "i")  # waits for its form on a loaded machine
        await keys(pilot, ["Verkenning waarschijnlijk"], "enter")
        await settle(pilot)
        await act(pilot, "n")  # waits for its form on a loaded machine
        await keys(pilot, ["Verkenning rond TBP"], "tab", ["Patroon van verkenning"], "enter")
        await settle(pilot)
        await act(pilot, "c")
        await keys(pilot, ["Herhaalde verkenning bij woning"], "enter")
        await settle(pilot)
        await act(pilot, "p")
        await choose(pilot, 1)  # to the competent authority
        await press(pilot, "ctrl+s")
        await until(pilot, lambda: intel.list_reports(store)[0].status == "issued")
        (report,) = intel.list_reports(store)
        assert (report.status, report.audience) == ("issued", "authority")
        await press(pilot, "x")
        await keys(pilot, "tab", ["Afgesloten na duiding"], "enter")  # no outcome chosen
        await settle(pilot)
        assert "Choose the outcome" in error_of(app)  # no default: refused inline
        assert signals.get_signal(store, chosen.id).status != "closed"
        await keys(pilot, "shift+tab")
        await choose(pilot, 1)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        closed = signals.get_signal(store, chosen.id)
        assert (closed.status, closed.outcome) == ("closed", signals.OUTCOMES[0])

        # The authority liaison: a decision recorded, the report acknowledged ---------------
        await switch_user(app, pilot, "AUT-01")
        await press(pilot, "t")
        subject = get_subject(store, rows(app, "#subjects")[0][0])
        await press(pilot, "p")
        authority = "nctv" if subject.domain == "national" else "prosecutor:Havenstad"
        await keys(pilot, "tab", ["Dreiging gestegen"], "tab", [authority], "tab", ["OM-2026-7"])
        await pilot.press("enter")
        await settle(pilot)
        (decided,) = decisions.list_decisions(store, person=subject.code)
        assert (decided.step, decided.adopted_by) == ("decision", "AUT-01")
        await press(pilot, "s")
        await act(pilot, "r")
        assert intel.get_report(store, report.id).acknowledgements

        # The incoming shift leader accepts the handover -----------------------------------
        await switch_user(app, pilot, incoming)
        await press(pilot, "h")
        await act(pilot, "c")
        await press(pilot, "y")
        assert handover.get_handover(store, signed.id).accepted_by == incoming
        assert isinstance(app.screen, BaseScreen)
        problems = app.screen.query("#problem.shown")
        assert not problems  # no load failed on the way


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_laptop_joins_the_team_by_keys(
    store: Store, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The new laptop writes its request (j) and shows the code; the team admin enrols it (o),
    compares the code when asked, and writes the welcome bundle; the new laptop imports it (w)."""
    from store.setup import init_database

    share = tmp_path / "share"
    share.mkdir()
    rosters.create_team(store, "DKDB Rotterdam")
    laptop = init_database(
        tmp_path / "new.db",
        callsign="DKDB-77",
        role="operator",
        unit="DKDB",
        clock=store.clock,
        device_label="new-laptop",
        secret=TEST_SECRET,
    )

    def console(on: Store) -> SchildwachtApp:
        app = SchildwachtApp(on, remember=False, watch=None, ahead=False)
        app.state["sync_folder"] = str(share)
        return app

    waiting = share / "request.json"  # another laptop's request, waiting for the admin
    waiting.write_text("another laptop's request")
    own = f"request-DKDB-77-{laptop.device_id[-7:]}.json"
    app = console(laptop)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "y", "j")
        assert form(app).query_one("Input").value == str(share / own)  # its own default name
        await fill(pilot, "request.json")  # over the waiting one: asked, and no replaces nothing
        await keys(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "exists already" in app.screen.question
        await press(pilot, "n")
        assert waiting.read_text() == "another laptop's request"
        await press(pilot, "j", "enter")
        code = str(app.screen.query_one("#document-body").render())
        assert "Authentication code" in code and (share / own).is_file()
        await press(pilot, "escape")

    stale = share / welcome_name(laptop.device_id)  # an old file where the welcome goes
    stale.write_text("old")
    admin = console(store)
    async with admin.run_test(size=size) as pilot:
        await press(pilot, "y", "o")
        assert form(admin).query_one("#request", Input).value == str(share)
        await keys(pilot, "enter")  # the folder holds two requests: which one is asked
        await settle(pilot)
        assert f"2 request files in {share}" in error_of(admin)
        await fill(pilot, own)  # relative: in the sync folder, not the cwd
        await keys(pilot, "enter")
        await settle(pilot)
        assert isinstance(admin.screen, Confirm)  # compare the codes first
        asked = admin.screen.question
        assert asked.startswith(f"Read {share / own}: device new-laptop")
        assert f"Its welcome bundle goes to {stale}" in asked
        assert f"It replaces the existing file {stale}." in asked
        shown_code = code.split("Authentication code:")[1].split()[0]
        assert shown_code in asked
        await press(pilot, "y")
        assert any("enrolled" in t for t in toasts(admin)), toasts(admin)
    (welcome,) = share.glob("welcome-*.swb")

    app = console(laptop)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "y", "w")
        assert form(app).query_one(Input).value == str(welcome)  # the default: its own welcome
        await keys(pilot, "enter")
        await settle(pilot)
        joined = rosters.current(laptop)
        assert joined is not None and joined.data["name"] == "DKDB Rotterdam"
        assert "no team yet" not in str(app.screen.query_one("#sync-summary").render())


def test_two_laptops_set_up_in_the_same_minute_get_their_own_welcome_file() -> None:
    # uuid7 ids of two laptops made within ~65 s share their first 8 digits (rev17c)
    first = "01a2305b-1c2d-7e3f-8a4b-5c6d7e8f9a0b"
    second = "01a2305b-1c2e-7f00-9b1c-2d3e4f5a6b7c"
    assert welcome_name(first) != welcome_name(second)
    assert welcome_name(first) == "welcome-5c6d7e8f9a0b.swb"
