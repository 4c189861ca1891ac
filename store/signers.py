"""Which laptop signed a record, beside the person named as its author.

A received record is proven to come from the laptop that signed it; the author it names is
that laptop's word (within its enrolled role). So wherever an author is shown, the signing
laptop is shown beside it when it is not the author's own laptop (the one whose operator they
are, as that laptop's first change made them): "OPS-01 via laptop-B" never looks like OPS-01
wrote it on their own laptop. A laptop's operator is the author of its first change (``init``).
"""

from __future__ import annotations

from collections import defaultdict

from .db import Store


class Signers:
    """The laptops each person is the operator of, and every laptop's label; read once."""

    def __init__(self, store: Store) -> None:
        from .witness import labels

        self.labels = labels(store)
        self.here = store.device_id
        self.own: dict[str, set[str]] = defaultdict(set)
        for device in self.labels:  # the roster's laptops: a lookup each by its first change
            first = store.one(
                "SELECT l.actor FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
                " WHERE o.device = ? AND l.seq = 1",
                (device,),
            )
            if first is not None:
                self.own[str(first[0]).strip().upper()].add(device)
        if store.operator:
            self.own[store.operator].add(store.device_id)

    def note(self, author: object, device: object) -> str | None:
        """The signing laptop's label when a record came from another laptop than ``author``'s own,
        else None.

        Args:
            author: who the record names as its author (a callsign).
            device: the id of the laptop that signed it.

        Returns:
            The other laptop's label (its id's first 13 characters when it has none), or None
            when the record was signed here, by one of the author's own laptops, or names no
            device.
        """
        if not isinstance(device, str) or not device or device == self.here:
            return None  # written here: this laptop proved who acted
        if device in self.own.get(str(author).strip().upper(), set()):
            return None
        return self.labels.get(device, "this laptop" if device == self.here else device[:13])

    def shown(self, author: object, device: object) -> str:
        """``author``, with ``via LAPTOP`` when another laptop than their own signed it.

        Args:
            author: who the record names as its author (a callsign).
            device: the id of the laptop that signed it.

        Returns:
            ``author`` as text, or ``"AUTHOR via LAPTOP"`` when ``note`` names a laptop.
        """
        note = self.note(author, device)
        return str(author) if note is None else f"{author} via {note}"
