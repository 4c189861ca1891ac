"""The hostile families through every console form (issue 14), typed as a paste would put
them: the activity form (new and edit), the restriction, the log line, a signal, the analyst's
follow-up, duiding and close, a sighting, the handover notes, the sync folder and a capacity
scenario. Each submission is either refused — the form stays open with one literal sentence and
the database is unchanged — or accepted and shown literally; no control or bidi character ever
reaches the terminal. A small database keeps the screens quick."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from console.app import SchildwachtApp
from console.screens.forms import (
    ActivityForm,
    FormScreen,
    LogForm,
    MoveForm,
    RestrictForm,
    SignalForm,
    StepForm,
)
from console.widgets.inputs import NotesArea
from store import agenda, logbook, signals, staff, subjects
from store.clock import FixedClock, day_bounds, today
from store.db import Store
from tests.conftest import as_user, snapshot
from tests.console.conftest import screenshot, settle

FAMILIES = [
    "   ",
    "[/bold] x [link=https://evil.example]klik[/link] 🛡️ 𝔅𝔢𝔳𝔢𝔯 '; DROP TABLE activity; --",
    "\x1b[31mrood \x1b]0;titel\x07 \x1b[2J \x1b]52;c;ZXZpbA==\x07 \u202eTAD",
    "y" * 4100,
    "2026-03-29 02:30",
]
RAW = ("\x1b", "\x07", "\u202e")


def small_store(store: Store, clock: FixedClock) -> tuple[str, str]:
    """One subject with an activity today, a flagged log entry, a signal, an analyst."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    start = day_bounds(today(clock))[0] + timedelta(hours=13)
    agenda.add_activity(
        store, person="BEVER", title="Zitting", start=start, end=start + timedelta(hours=2)
    )
    logbook.add_entry(store, "Route verkend", flagged=True)
    staff.add_staff(store, "IO-01", unit="RT", role="info_analyst")
    staff.add_staff(store, "RT-0002", unit="RT", role="operator")
    raised = signals.raise_signal(
        as_user(store, "RT-0002"), "Auto", category="vehicle", urgency="priority", tlp="amber"
    )
    return "IO-01", raised.id


async def nothing_raw(pilot: Pilot[None]) -> None:
    screen = await screenshot(pilot)
    for char in RAW:
        assert char not in screen, f"{char!r} reached the terminal"


def fill(form: FormScreen, value: str) -> None:
    """Every text field of the form gets the value, as pasted."""
    for field in form.query(Input):
        field.value = ""
        field.insert_text_at_cursor(value)


async def try_families(
    app: SchildwachtApp,
    pilot: object,
    open_form: str,
    kind: type,
    store: Store,
    keep: dict[str, str] | None = None,
) -> int:
    """Submit every family through the form opened by the key ``open_form``; return how many
    were accepted. A refusal keeps the form open with a literal sentence and writes nothing."""
    accepted = 0
    for value in FAMILIES:
        if not isinstance(app.screen, kind):
            await pilot.press(open_form)  # type: ignore[attr-defined]
            await pilot.pause()  # type: ignore[attr-defined]
        form = app.screen
        assert isinstance(form, kind), (open_form, value[:20])
        fill(form, value)
        for name, good in (keep or {}).items():  # a field, or a choice (Select), kept valid
            form.query_one(f"#{name}", Input | Select).value = good
        before = snapshot(store.path)
        form.submit()
        await settle(pilot)  # type: ignore[arg-type]
        if isinstance(app.screen, MoveForm):  # a new place: say it is a correction (R5)
            move = app.screen
            move.query_one("#why", Input).value = "typo"
            move.submit()
            await settle(pilot)  # type: ignore[arg-type]
            if app.screen is move:  # refused there: literal, nothing written, back out
                error = str(move.query_one(".error", Static).render())
                assert error and not any(c in error for c in RAW), (open_form, value[:20], error)
                assert snapshot(store.path) == before, (open_form, value[:20])
                await pilot.press("escape")  # type: ignore[attr-defined]
                await pilot.pause()  # type: ignore[attr-defined]
                continue
        if app.screen is form:
            error = str(form.query_one(".error", Static).render())
            assert error and not any(c in error for c in RAW), (open_form, value[:20], error)
            assert snapshot(store.path) == before, (open_form, value[:20])
        else:
            accepted += 1
            await settle(pilot)  # type: ignore[arg-type]
    await nothing_raw(pilot)
    if isinstance(app.screen, kind):
        await pilot.press("escape")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
    return accepted


async def test_every_form_of_the_shift_leader(store: Store, clock: FixedClock) -> None:
    small_store(store, clock)
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        # Times typed hostile: refused; times right and the text hostile: accepted, literal.
        assert await try_families(app, pilot, "n", ActivityForm, store) == 0
        times = {"start": "16:00", "end": "17:00"}
        # free text: everything but the blank title, the 4,100 characters and (edit) nothing new
        assert await try_families(app, pilot, "n", ActivityForm, store, keep=times) == 3
        assert await try_families(app, pilot, "e", ActivityForm, store, keep=times) >= 2
        who = {"person": "", "observed": ""}  # the free text hostile, the code name and time not
        assert await try_families(app, pilot, "exclamation_mark", SignalForm, store, who) == 3
        await try_families(app, pilot, "r", RestrictForm, store)

        assert await try_families(app, pilot, "l", LogForm, store) == 3

        await pilot.press("h")
        await settle(pilot)
        notes = app.screen.query_one("#handover-notes", NotesArea)
        notes.insert("\n".join(FAMILIES[:3]))
        assert "\x1b" not in notes.text and "\\u001b" in notes.text
        await pilot.press("escape", "x", "y")
        await settle(pilot)
        await nothing_raw(pilot)

        await pilot.press("y")
        await settle(pilot)
        # the sync folder: all but the blank one and the 4,100-character name, which no file
        # system can hold (refused when saved, rev14b)
        assert await try_families(app, pilot, "f", StepForm, store) == 3
        for folder in ("y" * 4100, "[/]\\u001b"):  # a name too long for the file system, …
            app.remember_state(sync_folder=folder)
            await pilot.press("i")
            await settle(pilot)
            receipt = str(app.screen.query_one("#sync-receipt", Static).render())
            assert "file name too long" in receipt or "does not exist" in receipt, receipt
        await nothing_raw(pilot)

        await pilot.press("k")
        await settle(pilot)
        for value in ("9" * 5000, "1000000", "-3"):
            for field in ("#scenario-count", "#scenario-level"):
                box = app.screen.query_one(field, Input)
                box.value = ""
                box.insert_text_at_cursor(value)
            app.screen.query_one("#scenario-kind", Select).value = "add_persons"
            app.screen.query_one("#scenario-run", Button).press()
            await settle(pilot)
            error = str(app.screen.query_one("#scenario-error", Static).render())
            assert error and not any(c in error for c in RAW)
    assert app.return_code in (None, 0)


async def test_every_form_of_the_information_organisation(store: Store, clock: FixedClock) -> None:
    analyst, signal_id = small_store(store, clock)
    app = SchildwachtApp(as_user(store, analyst), remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("v")  # receive: no form
        await settle(pilot)
        assert await try_families(app, pilot, "f", StepForm, store) == 4  # not the long one
        assert await try_families(app, pilot, "i", StepForm, store) == 1  # then it is interpreted
        closing = {"choice": "confirmed"}  # no default outcome: one is chosen
        assert await try_families(app, pilot, "x", StepForm, store, closing) == 1  # closed
        assert await try_families(app, pilot, "w", StepForm, store) == 0  # a closed signal
        assert signals.get_signal(store, signal_id).status == "closed"
