"""Typed errors raised by the store.

An error carries facts: a ``code`` naming what went wrong and its ``params`` (JSON values),
which the faces put into words through the translation function (``words.errors``; the
command line adds which option to give). The store holds no sentence: ``str(error)`` is the
code and its facts, for logs and debugging only, never for a person (a code without words
fails a scan test: ``tests/store/test_error_words.py``). The faces decide what a class means
to their users: the command line maps each class to an exit code (``commands/output.py:
EXIT_CODES``). Nothing is written when one of these is raised inside a write transaction.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Any


class StoreError(Exception):
    """Base class: a failure the person at the keyboard can act on.

    Args:
        code: what went wrong, for the faces' words (``words.errors``).
        **params: the facts the words are made of.

    Attributes:
        code: as given.
        params: as given (a subclass adds its own facts, e.g. ``rule``, ``bound``).
    """

    def __init__(self, *, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        """The code and its facts (``rule_breach (rule='R1', subject='BEAVER')``), for a log."""
        facts = ", ".join(f"{name}={value!r}" for name, value in sorted(self.params.items()))
        return f"{self.code} ({facts})" if facts else str(self.code)


class BadInput(StoreError):
    """The input was malformed, unknown or out of range. Nothing was written."""


class NotFound(BadInput):
    """A code name, callsign or id that does not exist."""


class RuleViolation(BadInput):
    """The action would break one of the rules R1–R9, or another rule. Nothing was written.

    Args:
        rule: which rule: ``R1`` … ``R9``, or another rule's name (``rest``, ``deployment``,
            ``handover``).
        code: what went wrong, for the faces' words.
        **params: the facts the words are made of (``rule`` is added to them).
    """

    def __init__(self, rule: str, *, code: str, **params: Any) -> None:
        super().__init__(code=code, rule=rule, **params)
        self.rule = rule


class PermissionDenied(StoreError):
    """The acting person's role, or this laptop's enrolled role, does not allow the action; or
    the person acting is not proven (a wrong or missing secret). ``bound`` says which: "person",
    "laptop" or "secret"."""

    def __init__(self, *, bound: str = "person", code: str, **params: Any) -> None:
        super().__init__(code=code, bound=bound, **params)
        self.bound = bound


class IntegrityFailure(StoreError):
    """A tampered trail, a rejected bundle or a wrong passphrase."""


class MachineFault(StoreError):
    """The machine refused: the database is busy, the disk is full, a file may not be written.
    Nothing was written; the same action can be tried again once the cause is gone."""


def unexpected_kind(error: BaseException) -> str:
    """What kind of failure an error that is no store refusal is, for the words a face says
    (the faces import no database driver).

    Args:
        error: the exception that reached a face.

    Returns:
        ``"database"`` (SQLite could not read or write the file), ``"record"`` (a value read
        from the database has an unexpected shape: ValueError, TypeError, KeyError, IndexError)
        or ``"other"``.
    """
    import sqlite3

    if isinstance(error, sqlite3.DatabaseError):
        return "database"
    if isinstance(error, ValueError | TypeError | KeyError | IndexError):
        return "record"
    return "other"
