"""The footer of every main screen: Textual's, rebuilt only when the keys it shows change.

Textual's ``Footer`` removes and mounts all of its keys again whenever the screen's bindings may
have changed: every focus move, every refresh after a write. A Tab between two tables of one
screen, or a reload, shows the very same keys, yet restyling a dozen new key widgets each time
was the largest part of the console's work per screen (profiled: 7.7 s of 20 s over 21 screen
visits). This footer remembers what it shows and recomposes only for a different set.

On a narrow terminal (under 100 columns) its keys are set closer together, and a key that does
not fit whole is left out rather than cut (80x24 showed "l▏", a key without its words): every
key is in the help screen (``?``) and the palette. ``?`` and ``q`` come first, so they always
show (issue 17).

What this relies on from Textual (8.2.8), all public or by documented CSS type name; nothing
from a private module or an underscore attribute. ``tests/console/test_footer_contract.py``
fails loudly when an upgrade changes any of it:

- ``Screen.active_bindings``: values ``(node, binding, enabled, tooltip)``;
- ``Footer.bindings_changed(screen)``: the handler ``Footer.on_mount`` subscribes to the
  screen's ``bindings_updated_signal``; after its first call ``Footer.compose`` yields keys;
- the keys are widgets of CSS type ``FooterKey``, the palette's with class ``-command-palette``
  (the selectors of Textual's own ``Footer.DEFAULT_CSS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

#: Below this many columns the keys are set closer together (Textual's compact footer).
NARROW = 100
#: The CSS type of a key in Textual's ``Footer`` (its class is not exported by textual.widgets).
KEY_TYPE = "FooterKey"
#: The class of the command palette's key among them.
PALETTE_CLASS = "-command-palette"


def shown_keys(screen: Screen[Any]) -> tuple[tuple[object, ...], ...]:
    """What a footer on this screen would show: each shown binding's key, words, action and
    whether it is enabled, in order."""
    return tuple(
        (binding.key, binding.key_display, binding.description, binding.action, enabled)
        for _node, binding, enabled, _tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeysFooter(Footer):
    """A ``Footer`` that recomposes only when the keys it would show differ."""

    _shown: tuple[tuple[object, ...], ...] | None = None
    #: Whether the screen has told its bindings (``bindings_changed``): before that Textual's
    #: ``Footer.compose`` shows no keys, so there is nothing to remember.
    _told = False

    def compose(self) -> Iterable[Widget]:
        if self._told:
            self._shown = shown_keys(self.screen)
        yield from super().compose()
        self.call_after_refresh(self.fit_keys)  # once the new keys are laid out

    @property
    def shown(self) -> tuple[tuple[object, ...], ...] | None:
        """The keys composed last (``shown_keys``), or None before the screen told them."""
        return self._shown

    def on_mount(self) -> None:
        self.compact = self.app.size.width < NARROW

    def on_resize(self) -> None:
        self.compact = self.app.size.width < NARROW
        self.call_after_refresh(self.fit_keys)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and shown_keys(screen) == self._shown
        ):
            return
        self._told = True
        super().bindings_changed(screen)

    def _keys(self) -> tuple[list[Widget], Widget | None]:
        found = list(self.query_children(KEY_TYPE))
        palette = next((k for k in found if k.has_class(PALETTE_CLASS)), None)
        return [k for k in found if k is not palette], palette

    #: Each fit's number: a later fit (a resize, a new set of keys, the screen shown) stops an
    #: earlier one still waiting for the layout, so two never toggle the same keys.
    _fit = 0
    #: Whether a fit is still waiting for the keys to be laid out (tests wait for it).
    fitting = False

    def on_show(self) -> None:
        """A screen composed out of sight is laid out only once it shows: fit its keys then."""
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self) -> None:
        """Show the keys that fit whole left of the palette's key; leave out the rest (all
        shown again first, to be measured at the width there is now)."""
        self._fit += 1
        self.fitting = True
        keys, _palette = self._keys()
        if not all(k.display for k in keys):
            for key in keys:
                key.display = True
            self.call_after_refresh(self._leave_out_cut, self._fit)
        else:
            self._leave_out_cut(self._fit)

    def _leave_out_cut(self, fit: int, tries: int = 40) -> None:
        if fit != self._fit:
            return  # a later fit took over
        keys, palette = self._keys()
        if not self.is_attached or not keys:
            self.fitting = False
            return
        if any(not k.virtual_region.width for k in keys if k.display) or (
            palette is not None and not palette.virtual_region.width
        ):
            # not laid out yet (a screen out of sight is not laid out at all; a busy machine
            # lays out late): look again shortly, for about two seconds, then at the next show
            if tries:
                self.set_timer(0.05, lambda: self._leave_out_cut(fit, tries - 1))
            else:
                self.fitting = False
            return
        edge = (palette.virtual_region.x if palette else self.size.width) - 1
        fitting = True
        for key in keys:
            fitting = fitting and key.virtual_region.right <= edge
            if key.display != fitting:
                key.display = fitting
        self.fitting = False
