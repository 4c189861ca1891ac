"""rev17g: a load that failed said so in Python's words ("Could not load this screen:
Unexpected error (ValueError): time data '2026-12-01T06:99:00Z' does not match format …").
Now in words ("This screen could not be loaded: A record in the database cannot be read (the
details are in …)"); the error itself is written to the console's error log, not shown."""

from __future__ import annotations

from console.app import SchildwachtApp
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
        # a stored time in a form the store never writes is damage naming it (rev14s M3)
        assert said.startswith("This screen could not be loaded: The database "), said
        assert "a stored time in column 'activity.start_at' holds '2026-11-28T06:99:00Z'" in said
        assert said.endswith("Nothing is shown until it is; F5 tries again."), said
        for words in [said, *toasts(app)]:
            assert "ValueError" not in words and "time data" not in words, words
