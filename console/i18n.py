"""Words for people go through ``_`` (stdlib gettext): English first, a Dutch catalogue later."""

from __future__ import annotations

import gettext

_translation = gettext.translation("schildwacht", fallback=True)
_ = _translation.gettext
