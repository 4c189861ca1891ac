from console.app import SchildwachtApp
from tests.console.conftest import settle


async def test_show(demo_store):
    with demo_store.conn:
        demo_store.conn.execute(
            "UPDATE activity SET start_at = '2026-11-28T06:99:00Z' WHERE id ="
            " (SELECT id FROM activity WHERE start_at LIKE '2026-11-28%' LIMIT 1)"
        )
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in "tagshky":
            await pilot.press(key)
            await settle(pilot)
            print("=====", key, app.screen.sub_title)
            for w in app.screen.query("Static"):
                try:
                    t = str(w.render())
                except Exception:
                    continue
                if t.strip() and w.display:
                    print("  ", w.id, "|", t[:150].replace("\n", " / "))
