"""Trust findings in words (``store.findings.Finding``: a code and its params).

``sync status``, the Sync screen and the handover list what a person must look at about trust;
the store gives each as a fact, and this module holds their one table of sentences (an audit
trail alarm's from ``words.alarms``). Every sentence is shown with control and bidi characters
made visible; times (aware datetimes in the facts) in Europe/Amsterdam. A handover signed
before findings were facts carries its finding's sentence as it was written (``text``), shown
as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.clock import json_times, local_text
from store.findings import Finding
from store.validate import visible

from . import _, ngettext
from .alarms import ALARMS
from .quarantine import kept_words as reason_words
from .receipts import ahead, back_dated_example, clocks_apart_example

#: What a clashing name is, per table.
_NAMES = {"staff": _("callsign"), "subject": _("code name"), "activity": _("calendar event")}


def _clash(p: Mapping[str, Any]) -> str:
    said = _("The {what} {name} was given to two {table} rows offline: {row} is kept as {kept_as}")
    said = said.format(
        what=_NAMES.get(str(p["table"]), str(p["table"])),
        name=p["name"],
        table=p["table"],
        row=str(p["row"]),
        kept_as=p["kept_as"],
    )
    if p.get("keeper"):
        said += _(", {keeper} keeps {name}").format(keeper=str(p["keeper"]), name=p["name"])
    return said


def _secret(p: Mapping[str, Any]) -> str:
    [[callsign, by, when]] = p["people"]
    return _(
        "{callsign}'s secret on this laptop was set by {by} ({when}); until {callsign} changes "
        "it, {by} could act as {callsign}, and what is done as {callsign} is marked so in the "
        "audit"
    ).format(callsign=callsign, by=by, when=local_text(when))


def _secrets(p: Mapping[str, Any]) -> str:
    people = p["people"]
    named = ", ".join(
        _("{callsign} by {by}").format(callsign=c, by=b) for c, b, _when in people[: p["named"]]
    )
    return _(
        "{n} people's secrets on this laptop were set by someone else ({named}, …): until each "
        "changes theirs, whoever set it could act as them, and what is done as them is marked "
        "so in the audit"
    ).format(n=len(people), named=named)


def _outside(p: Mapping[str, Any]) -> str:
    tables = ", ".join(f"{n} {table}" for table, n in dict(p["tables"]).items())
    return _(
        "This database was changed outside Schildwacht before {before} ({tables}); those "
        "changes are in the audit trail and went to the other laptops"
    ).format(before=local_text(p["before"]), tables=tables)


def _own_quarantined(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{count} of this laptop's changes is quarantined by the other laptops: it breaks the "
        "team's rules ({reasons}); it was written here outside the store (or its role is not "
        "the one its user has)",
        "{count} of this laptop's changes are quarantined by the other laptops: they break the "
        "team's rules ({reasons}); they were written here outside the store (or its role is "
        "not the one its user has)",
        p["count"],
    ).format(count=p["count"], reasons="; ".join(reason_words(r) for r in p["reasons"]))


def _own_forked(p: Mapping[str, Any]) -> str:
    rows = ", ".join(f"{table} {count}" for table, count in dict(p["set_aside"]).items())
    shown = (
        _(
            " (rows still shown here but held by no other laptop: {rows}; that work is to be "
            "entered again)"
        ).format(rows=rows)
        if rows
        else ""
    )
    return _(
        "this laptop forked its change log at number {cut} (it was restored from an old copy of "
        "its database): the team sets aside everything it wrote after number {cut}{shown}; the "
        "admin revokes it and enrols it again once it is set up afresh"
    ).format(cut=p["forked_at"], shown=shown)


def _own_stamps(p: Mapping[str, Any]) -> str:
    """This laptop's stamps ahead of its clock: how far, until when, and what to do (and how
    many of its changes sent the others name as clocks apart, when any)."""
    said = _own_stamps_said(p)
    if not p.get("apart"):
        return said
    return said + ngettext(
        " ({count} of its changes sent so far are named as clocks apart on the other laptops)",
        " ({count} of its changes sent so far are named as clocks apart on the other laptops)",
        int(p["apart"]),
    ).format(count=int(p["apart"]))


def _own_stamps_said(p: Mapping[str, Any]) -> str:
    stamped = local_text(p["stamped"])
    if p.get("until") is None:
        return _(
            "this laptop's change stamps run {ahead} ahead of its clock (it was set ahead once, "
            "or took in the stamps of a laptop whose clock was; stamps never go back): until "
            "{stamped} its edits win over edits made later on other laptops, and the times it "
            "records go back against its stamps, so the other laptops name what passes only "
            "because of the allowance for that as clocks apart (`sync export` says how many). "
            "Check that this laptop's clock is right"
        ).format(ahead=ahead(int(p["ahead_ms"])), stamped=stamped)
    return _(
        "this laptop's change stamps run {ahead} ahead of its clock (it was set ahead once, or "
        "took in the stamps of a laptop whose clock was; stamps never go back): every other "
        "laptop holds its changes until {until} and then takes them in as made no earlier than "
        "a day before their stamps, so what it does for an activity that ends before {until} (a "
        "deployment, a release, an answer) is refused there and stays on this laptop only. "
        "Check that this laptop's clock is right; until then enter such work and anything "
        "urgent (a flagged log entry, a signal) on another laptop, or pass it by phone (README: "
        "A clock ahead)"
    ).format(ahead=ahead(int(p["ahead_ms"])), until=local_text(p["until"]))


#: Finding code → its sentence (a ``witness`` finding's code is its alarm's).
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **ALARMS,
    "clash_kept_as": _clash,
    "secret_set_by_other": _secret,
    "secrets_set_by_others": _secrets,
    "outside_changed": _outside,
    "own_quarantined": _own_quarantined,
    "own_forked": _own_forked,
    "back_dated": lambda p: ngettext(
        "{label} sent {count} record dated back before it was written (e.g. "
        "{example}): its clock was set back, or it was back-dated; it was taken in",
        "{label} sent {count} records dated back before they were written (e.g. "
        "{example}): its clock was set back, or they were back-dated; they were taken in",
        p["count"],
    ).format(label=p["label"], count=p["count"], example=back_dated_example(p["example"])),
    "clocks_apart": lambda p: ngettext(
        "{label}'s clock and its stamps were apart (a clock put right, or pushed ahead by a "
        "faster laptop): {count} change passed only because of the allowance for that (e.g. "
        "{example}); it was taken in",
        "{label}'s clock and its stamps were apart (a clock put right, or pushed ahead by a "
        "faster laptop): {count} changes passed only because of the allowance for that (e.g. "
        "{example}); they were taken in",
        p["count"],
    ).format(label=p["label"], count=p["count"], example=clocks_apart_example(p["example"])),
    "clock_ahead": lambda p: _(
        "{label}'s clock was {ahead} ahead of this laptop's when it sent a bundle: its edits "
        "win over later ones until its clock is put right"
    ).format(label=p["label"], ahead=ahead(int(p["ahead_ms"]))),
    "own_stamps_ahead": _own_stamps,
}


def worded(code: str, params: Mapping[str, Any]) -> str:
    """A finding's code and params in words, control and bidi characters made visible (a
    handover signed before findings were facts: its ``text`` as written).

    Args:
        code: the finding's code ("": none, an old handover's item).
        params: its params.
    """
    if code not in SENTENCES:
        return visible(str(params.get("text", code)))
    return visible(SENTENCES[code](params))


def said(finding: Finding) -> str:
    """A trust finding in words."""
    return worded(finding.code, finding.params)


def as_json(finding: Finding) -> dict[str, Any]:
    """A finding for a script: its ``kind``, stable ``code`` and params (times as stored UTC
    text, ``clock.json_times``), and ``text`` in words."""
    facts = json_times(finding.params)
    return {"kind": finding.kind, "code": finding.code, **facts, "text": said(finding)}
