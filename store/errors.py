"""Typed errors raised by the store.

Every error carries one plain sentence that says what was wrong and how to fix it. The faces
decide what a class means to their users: the command line maps each class to an exit code
(``commands/output.py: EXIT_CODES``, DESIGN.md §3), the console shows the sentence. Nothing is
written when one of these is raised inside a write transaction.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a failure the person at the keyboard can act on."""


class BadInput(StoreError):
    """The input was malformed, unknown or out of range. Nothing was written."""


class NotFound(BadInput):
    """A code name, callsign or id that does not exist."""


class RuleViolation(BadInput):
    """The action would break one of the rules R1–R9. Nothing was written."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class PermissionDenied(StoreError):
    """The acting person's role, or this laptop's enrolled role, does not allow the action; or
    the person acting is not proven (a wrong or missing secret). ``bound`` says which: "person",
    "laptop" or "secret"."""

    def __init__(self, message: str, *, bound: str = "person") -> None:
        super().__init__(message)
        self.bound = bound


class IntegrityFailure(StoreError):
    """A tampered trail, a rejected bundle or a wrong passphrase."""


class MachineFault(StoreError):
    """The machine refused: the database is busy, the disk is full, a file may not be written.
    Nothing was written; the same action can be tried again once the cause is gone."""
