"""SHA-256 without loading OpenSSL: ``hashlib`` loads libcrypto when imported (about 3 ms of a
scripted listing, which checks two digests as it opens the database), while the interpreter's
own SHA-256 module, the one hashlib falls back to, gives the same digest. Where that module is
not found (another Python), the constructor is hashlib's.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:  # Python 3.11
        from _sha256 import sha256
    except ImportError:
        try:  # Python 3.12 and later
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
