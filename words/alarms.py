"""An audit trail alarm in words (``store.witness``: a ``Notice`` of an alarm code).

An import raises an alarm when a laptop's audit trail was cut or rewritten, a relayed head was
not signed by its laptop, a laptop forked its change log, or the admin laptop signed two team
rosters of one version. The store keeps each as a fact (its code and params: device labels,
event and segment numbers, what was seen) in the audit trail; the import's receipt, the sync
status, the Sync screen and the handover word it here. An alarm kept before alarms were facts
is shown as it was written (``audit_alarm``). Labels a bundle carried are shown with control
and bidi characters made visible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.validate import visible

from . import _


def _name(p: Mapping[str, Any], key: str = "label") -> str:
    return visible(str(p[key]))


def _witness(p: Mapping[str, Any]) -> str:
    """Who witnessed an event: a laptop by its label, or a signed handover by its id."""
    if p.get("handover"):
        return _("signed handover {id}").format(id=visible(str(p["handover"])))
    return _name(p, "witness")


def _admin_fork(p: Mapping[str, Any]) -> str:
    dropped = [visible(str(label)) for label in p["dropped"]]
    only = (
        _("{labels} only in the other: not members. ").format(labels=", ".join(dropped))
        if dropped
        else ""
    )
    return _(
        "the admin laptop signed two different team rosters of version {version}, as an admin "
        "laptop restored from an old copy of its database does. Every laptop keeps the same one "
        "(fingerprint {fingerprint}); {only}The admin enrols those laptops again (the next "
        "roster replaces both)"
    ).format(version=p["version"], fingerprint=str(p["fingerprint"])[:12], only=only)


#: Alarm code → its sentence.
ALARMS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # kept before alarms were facts: its words as they were written
    "audit_alarm": lambda p: visible(str(p["alarm"])),
    "alarm_unsigned_head": lambda p: _(
        "{sender} passed on a head of {label}'s audit trail that {label} did not sign; it was "
        "not taken"
    ).format(sender=_name(p, "sender"), label=_name(p)),
    "alarm_own_trail": lambda p: _(
        "this laptop's audit trail no longer holds event {seq} as {witness} witnessed it; "
        "verify this laptop's audit trail"
    ).format(seq=p["seq"], witness=_witness(p)),
    "alarm_links_broken": lambda p: _(
        "{label}'s bundle carries audit links that do not lead to its head"
    ).format(label=_name(p)),
    "alarm_links_rewritten": lambda p: _(
        "{label}'s audit trail was rewritten: event {seq} differs from the one {witness} "
        "witnessed; its history was changed after it was seen"
    ).format(label=_name(p), seq=p["seq"], witness=_witness(p)),
    "alarm_links_short": lambda p: _(
        "{label}'s bundle does not show that its audit trail still holds event {seq}, "
        "witnessed here before"
    ).format(label=_name(p), seq=p["seq"]),
    "alarm_trail_changed": lambda p: _(
        "{label}'s audit trail changed: event {seq} differs from the one witnessed before; its "
        "history was rewritten"
    ).format(label=_name(p), seq=p["seq"]),
    "alarm_trail_backwards": lambda p: _(
        "{label}'s audit trail went backwards: it reported event {before} before and now ends "
        "at {seq}; its newest events were removed"
    ).format(label=_name(p), before=p["before"], seq=p["seq"]),
    "alarm_chain_forked": lambda p: _(
        "{label} forked its change log: it signed two different versions of its changes from "
        "number {first} (segment {segment}), as a laptop restored from an old copy of its "
        "database does. Its changes from number {first} are set aside on every laptop. The "
        "admin revokes it and enrols it again after it is set up afresh"
    ).format(label=_name(p), first=p["first"], segment=p["segment"]),
    "alarm_admin_fork": _admin_fork,
}
