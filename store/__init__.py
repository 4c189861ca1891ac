"""Schildwacht's model: everything that is true without a user interface.

The store alone opens the database and runs SQL. It imports neither textual nor click. Its
functions take and return plain dataclasses and raise the typed errors of ``store.errors``.

Layers, top to bottom; a module imports only from its own layer or those below it (checked by
import-linter: ``[tool.importlinter]`` in pyproject.toml, run by ``make lint``):

1. Entry points: ``setup`` (a new database), ``demo``, ``sync.exchange`` (a whole bundle).
2. Views and plans across aggregates: ``handover``, ``suggest``, ``capacity``, ``ics``,
   ``audit``, ``status``; the import and export sides of sync (``sync.apply``,
   ``sync.export``, ``sync.verify``, ``sync.session``, ``sync.status``, ``sync.receipt``,
   ``sync.rebuild``).
3. ``staffing``: what an activity still needs (open places, deployments breaking a rule now),
   from the roster's deployments and the gap computation's binding, which plans share.
4. Aggregates, one module each: ``agenda``, ``roster``, ``signals``, ``intel``, ``logbook``,
   ``decisions``, ``subjects``, ``staff``, ``gaps``, ``catalogue``, ``witness``; what is
   shown about trust (``findings``, ``signers``); the team roster and the merge
   (``sync.roster``, ``sync.merge``, ``sync.quarantine``, ``sync.forks``); the late-change
   holds (``sync.late``).
5. ``db``: the ``Store`` (connections, one audited write transaction per action, the acting
   person as an ``access.Actor``).
6. Rules and mechanisms beneath the database: ``integrity``, ``fingerprint`` (the
   catalogue's), ``matching`` (officers to slots,
   pure), ``proof`` (secrets), ``machine``,
   ``migrations``, ``ics_bounds`` (what a calendar file may cost before it is parsed or
   expanded), and the change capture and judgement of sync (``sync.capture``,
   ``sync.clashes``, ``sync.judge``, ``sync.judge_signals``, ``sync.keys``, ``sync.bundle``,
   ``sync.conflicts``, ``sync.log``, ``sync.held``, ``sync.facts``, ``sync.restored``,
   ``sync.written``: when a received change was written, read from the held stamps).
7. ``rules`` (the one rule table), beneath the bundle format, which refuses a change larger
   than the table allows as it reads it; ``workflows`` (the workflow checks of signals,
   reports, handovers and the log, which the store and the judge both run).
8. Foundation: ``clock``, ``validate``, ``access``, ``ids``, ``errors``, ``dbfile`` (the
   database file's bytes read through a descriptor never closed: SQLite's locks stay),
   ``sync.change``, ``sync.tables``, ``sync.notice``, ``sync.reason``.

No module imports one above it, not even inside a function: the acting person reaches the
layers below ``staff`` as the ``access.Actor`` protocol, not as a staff record.
"""

from .db import Store

__all__ = ["Store"]
