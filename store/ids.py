"""Record ids: text UUIDv7, minted on the device, time-ordered (RFC 9562 §5.7).

Ids of records that sync are never autoincrement integers. Within one millisecond the 12-bit
``rand_a`` field is used as a counter so ids minted by one process sort in minting order.
"""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> str:
    """Return a new UUIDv7 as lowercase text.

    Returns:
        36 characters, ``xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx`` (RFC 9562): the first 48 bits the
        Unix time in milliseconds, then a counter, so ids made later in this process sort later
        (also within one millisecond); 62 random bits.
    """
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    digits = f"{value:032x}"  # as str(uuid.UUID(int=value)), without importing uuid
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
