"""rev14h: a stored text that is no UTF-8 (bytes of the file overwritten) made the console say
"The database cannot be read (the details are in …)"; it is damage, and the console says so
in the words every command says it (``database_damaged``, exit 5 on the command line)."""

from __future__ import annotations

from console.app import SchildwachtApp
from store.db import Store
from tests.console.conftest import settle, shown, toasts


async def test_a_damaged_record_is_said_as_damage(demo_store: Store) -> None:
    with demo_store.conn:
        (changed,) = demo_store.conn.execute(
            "UPDATE activity SET title = CAST(x'4f7073ff' AS TEXT) WHERE id ="
            " (SELECT id FROM activity WHERE start_at LIKE '2026-11-28%' LIMIT 1) RETURNING id"
        ).fetchall()
    assert changed
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        said = shown(app, "#problem")
        # rev14m F2: said as what was found, not "SQLite reads it as malformed"
        assert "is damaged (a stored text in column 'title' is not valid UTF-8)" in said, said
        assert "nothing was written" in said and "Restore the latest backup" in said
        for words in [said, *toasts(app)]:
            assert "decode" not in words and "malformed" not in words, words
