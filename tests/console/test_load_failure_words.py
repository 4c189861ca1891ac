"""rev17g: a load that failed said so in Python's words ("Could not load this screen:
Unexpected error (ValueError): time data '2026-12-01T06:99:00Z' does not match format …").
Now in words ("This screen could not be loaded: A record in the database cannot be read (the
details are in …)"); the error itself is written to the console's error log, not shown."""

from __future__ import annotations

from console.app import SchildwachtApp
from console.errorlog import error_log
from store.db import Store
from tests.console.conftest import settle, shown, toasts


async def test_an_unreadable_record_is_said_in_words_and_its_detail_logged(
    demo_store: Store,
) -> None:
    with demo_store.conn:
        (changed,) = demo_store.conn.execute(
            "UPDATE activity SET start_at = '2026-11-28T06:99:00Z' WHERE id ="
            " (SELECT id FROM activity WHERE start_at LIKE '2026-11-28%' LIMIT 1) RETURNING id"
        ).fetchall()
    assert changed
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        said = shown(app, "#problem")
        assert said.startswith(
            "This screen could not be loaded: A record in the database cannot be read (the "
            f"details are in {error_log()}). Nothing is shown until it is; F5 tries again."
        ), said
        for words in [said, *toasts(app)]:
            assert "ValueError" not in words and "time data" not in words, words
    log = error_log().read_text("utf-8")
    assert "ValueError" in log and "2026-11-28T06:99:00Z" in log
    assert error_log().stat().st_mode & 0o077 == 0  # this user's only: it may quote a record
