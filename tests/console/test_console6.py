"""Issue 17's leftovers: one's own secret in the console, the enrol request's path, the day
board's fixed hour axis, the Sync screen at 80×24, and the sync receipt's record counts. Each
test drives the real console over a real demo database."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from console.app import SchildwachtApp
from console.screens.switch_user import SecretForm
from store.db import Store
from store.errors import PermissionDenied
from store.staff import add_staff
from tests.conftest import TEST_SECRET, as_user, snapshot
from tests.console.conftest import error_of, settle, toasts


async def test_a_new_operator_sets_their_own_secret_in_the_console(demo_store: Store) -> None:
    """A shift leader gave RT-0999 a first secret; RT-0999 changes it at 80×24 with `U`
    (current, new, repeat): a repeat that differs and a wrong current one are refused inline
    with nothing written; then the new one is theirs and the old one no longer proves them."""
    add_staff(demo_store, "RT-0999", unit="RT", role="operator")
    newcomer = as_user(demo_store, "RT-0999")  # the first secret, set by the laptop's operator
    app = SchildwachtApp(newcomer, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SecretForm)
        assert app.focused is not None and app.focused.id == "current"
        before = snapshot(demo_store.path)

        async def attempt(current: str, new: str, repeat: str) -> None:
            for name, value in (("current", current), ("new", new), ("repeat", repeat)):
                form.query_one(f"#{name}", Input).value = value
            form.query_one("#repeat", Input).focus()
            await pilot.press("enter")
            await settle(pilot)

        await attempt(TEST_SECRET, "nieuw-geheim-1", "nieuw-geheim-2")
        assert error_of(app) == "The new secret and its repeat differ; nothing was changed."
        await attempt("fout-geheim", "nieuw-geheim-1", "nieuw-geheim-1")
        assert "Wrong secret for RT-0999" in error_of(app)
        await attempt(TEST_SECRET, "kort", "kort")
        assert "at least 8 characters" in error_of(app)
        assert app.screen is form and snapshot(demo_store.path) == before
        await attempt(TEST_SECRET, "nieuw-geheim-1", "nieuw-geheim-1")
        assert app.screen is not form
        assert toasts(app)[-1] == "RT-0999's secret was changed."
    proven = Store(demo_store.path, user="RT-0999", secret="nieuw-geheim-1")
    assert proven.actor.callsign == "RT-0999"
    proven.close()
    with pytest.raises(PermissionDenied):
        Store(demo_store.path, user="RT-0999", secret=TEST_SECRET)
    newcomer.close()


def test_the_handover_advice_names_console_keys_not_commands() -> None:
    """The Handover's advice is for someone in the console: keys, never a CLI command (the
    secret advice pointed to `schildwacht staff secret` before U existed)."""
    from console.screens.handover import ADVICE

    assert not [kind for kind, words in ADVICE.items() if "schildwacht" in words]
    assert ": U, acting as themselves" in ADVICE["secret"]


async def test_a_shift_leader_resets_anothers_secret_in_the_console(demo_store: Store) -> None:
    """The CLI's `staff secret CALLSIGN --reset` in the console (issue 17): U names whose
    secret; an operator's reset is refused with nothing written; the shift leader's works, and
    the reset is the audit's `staff.secret_reset`."""
    from textual.widgets import Checkbox

    add_staff(demo_store, "RT-0998", unit="RT", role="operator")
    as_user(demo_store, "RT-0998").close()  # a first secret, TEST_SECRET
    for acting, works in (("RT-0998", False), (demo_store.actor.callsign, True)):
        store = as_user(demo_store, acting) if not works else demo_store
        app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
        before = snapshot(demo_store.path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("U")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, SecretForm)
            form.query_one("#whose", Input).value = "RT-0998" if works else "NN-0000"
            form.query_one("#reset", Checkbox).value = True
            for name in ("new", "repeat"):
                form.query_one(f"#{name}", Input).value = "nieuw-geheim-9"
            form.query_one("#repeat", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            if not works:
                assert app.screen is form and "may manage staff" in error_of(app)
                assert snapshot(demo_store.path) == before
            else:
                assert app.screen is not form
                assert toasts(app)[-1].startswith("RT-0998's secret was reset")
        if not works:
            store.close()
    proven = Store(demo_store.path, user="RT-0998", secret="nieuw-geheim-9")
    assert proven.actor.callsign == "RT-0998"
    proven.close()
    assert (
        demo_store.one("SELECT count(*) FROM audit_event WHERE action = 'staff.secret_reset'")[0]
        == 1
    )
