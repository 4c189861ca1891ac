"""Schildwacht's model: everything that is true without a user interface.

The store alone opens the database and runs SQL. It imports neither textual nor click. Its
functions take and return plain dataclasses and raise the typed errors of ``store.errors``.
"""

from .db import Store

__all__ = ["Store"]
