"""A shift leader on a laptop enrolled in the team as an operator (issue 17, rev17d): the store
refuses what the laptop's role may not do (``access.require``), so the console's footer, palette
and help do not offer it either, and its key says why at once instead of after a confirmation.
Both ask ``access.may``."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from console.app import SchildwachtApp
from console.screens.forms import Form
from console.screens.handover import HandoverScreen
from console.screens.help import help_tables
from console.widgets.footer import shown_keys
from store import access
from store.db import Store
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from tests.console.conftest import settle, toasts


def _leader_on_operator_laptop(tmp_path: Path, clock: object) -> Store:
    admin = init_database(tmp_path / "admin.db", callsign="ADM-01", role="admin", unit="RT",
                          clock=clock)  # type: ignore[arg-type]  # fmt: skip
    rosters.create_team(admin, "Team")
    laptop = init_database(tmp_path / "laptop.db", callsign="OPS-02", role="shift_leader",
                           unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    rosters.write_request(laptop, tmp_path / "request.json")
    parsed = rosters.read_request(tmp_path / "request.json")
    rosters.enroll(admin, parsed, role="operator")
    welcome = exchange.export(admin, out=tmp_path / "welcome.swb", welcome=parsed.hash)
    exchange.import_file(laptop, welcome.path)
    return laptop


def test_may_is_the_bound_require_applies(tmp_path: Path, clock: object) -> None:
    actor = _leader_on_operator_laptop(tmp_path, clock).actor
    assert (actor.role, actor.laptop_role) == ("shift_leader", "operator")
    assert access.allowed(actor.role, "handover.sign")  # the person alone may
    assert not access.may(actor, "handover.sign")  # not on this laptop
    assert access.refused_by(actor, "handover.sign") == "laptop"
    assert access.may(actor, "log.write")


async def test_the_console_offers_what_the_laptop_allows(tmp_path: Path, clock: object) -> None:
    laptop = _leader_on_operator_laptop(tmp_path, clock)
    app = SchildwachtApp(laptop, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        keys = [key for key, *_rest in shown_keys(app.screen)]
        assert "x" not in keys and "c" not in keys and "w" not in keys
        titles = [title for title, *_rest in app.palette()]
        assert not any("Sign the handover" in t for t in titles)
        assert not any(t.startswith("Agenda: Restrict") for t in titles)
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, Form)  # no "Sign …?" first
        assert any("enrolled in the team as" in t for t in toasts(app))
    console = Console(width=110, record=True, file=io.StringIO())
    for table in help_tables(laptop.actor, "handover"):
        console.print(table)
    helped = console.export_text()
    assert "Sign the handover" not in helped
