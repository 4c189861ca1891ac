"""What ``console.widgets.footer`` relies on from Textual's ``Footer`` (its module docstring
lists it): checked on a bare app, so a Textual upgrade that changes any of it fails here, by
name, rather than as a footer that silently stops updating or fitting its keys."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from console.widgets.footer import KEY_TYPE, PALETTE_CLASS, KeysFooter, shown_keys


class _Bare(App[None]):
    BINDINGS = [Binding("x", "flip", "Flip"), Binding("y", "other", "Other")]
    hide_y = False

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeysFooter()

    def action_flip(self) -> None:
        self.hide_y = not self.hide_y
        self.refresh_bindings()

    def action_other(self) -> None:
        pass

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "other" and self.hide_y else True  # None: shown disabled


def _keys(footer: Footer) -> list[Widget]:
    return list(footer.query_children(KEY_TYPE))


async def _composed(pilot: Pilot[None]) -> KeysFooter:
    """The footer once it has composed its keys (after the screen told its bindings)."""
    footer = pilot.app.screen.query_one(KeysFooter)
    for _ in range(100):
        await pilot.pause(0.02)
        if _keys(footer):
            break
    return footer


def test_textual_footer_hooks_are_still_there() -> None:
    assert callable(Footer.bindings_changed)
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"]
    assert "bindings_changed" in inspect.getsource(Footer.on_mount), (
        "Footer no longer subscribes bindings_changed to the screen's bindings signal"
    )
    assert KEY_TYPE in Footer.DEFAULT_CSS and PALETTE_CLASS in Footer.DEFAULT_CSS


async def test_active_bindings_and_footer_keys_have_the_shape_the_footer_reads() -> None:
    app = _Bare()
    async with app.run_test(size=(100, 10)) as pilot:
        footer = await _composed(pilot)
        screen: Screen[object] = app.screen
        for value in screen.active_bindings.values():
            _node, binding, enabled, _tooltip = value
            assert isinstance(binding, Binding) and isinstance(enabled, bool)
        keys = _keys(footer)
        assert keys, f"no {KEY_TYPE} widgets in Textual's Footer"
        assert {type(k).__name__ for k in keys} == {KEY_TYPE}
        palette = [k for k in keys if k.has_class(PALETTE_CLASS)]
        assert len(palette) == 1
        shown = [k for k in keys if k not in palette]
        assert [str(getattr(k, "key", None)) for k in shown] == [
            str(key[0]) for key in shown_keys(screen)
        ]


async def test_the_footer_recomposes_only_when_its_keys_change() -> None:
    app = _Bare()
    async with app.run_test(size=(100, 10)) as pilot:
        footer = await _composed(pilot)
        before, shown_before = _keys(footer), footer.shown
        assert shown_before == shown_keys(app.screen)
        footer.bindings_changed(app.screen)  # the same keys: nothing rebuilt
        await pilot.pause()
        assert _keys(footer) == before
        await pilot.press("x")  # "other" disabled: a different set, rebuilt
        wanted = shown_keys(app.screen)
        assert wanted != shown_before
        for _ in range(100):
            await pilot.pause(0.02)
            if footer.shown == wanted:
                break
        assert footer.shown == wanted
        assert not set(_keys(footer)) & set(before)
