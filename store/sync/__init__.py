"""Offline sync by exported files (SYNC.md).

``capture`` turns writes into the change log; ``merge`` applies received records; ``conflicts``
derives the conflicts of critical fields from the log; ``keys`` and ``roster`` hold the team;
``bundle`` is the file format; ``exchange`` exports and imports; ``status`` reports per peer.
"""
