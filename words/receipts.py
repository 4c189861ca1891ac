"""An import's receipt and an export's warnings in words (``store.sync.notice.Notice``).

The store lists what a person should know about an import as facts (a code and its params);
this module holds their one table of sentences, for the command line and the console alike.
Labels and names a bundle carried are shown with control and bidi characters made visible;
counts go through ``ngettext``; times are shown in Europe/Amsterdam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from store.clock import local_text
from store.sync.notice import Notice
from store.sync.reason import read
from store.sync.receipt import Receipt, Result
from store.validate import shown, visible

from . import _, ngettext
from .alarms import ALARMS
from .errors import SENTENCES as REFUSALS
from .errors import too_many_waiting
from .quarantine import kept_words as reason_words


def _label(p: Mapping[str, Any]) -> str:
    return visible(str(p["label"]))


def _kept_as(p: Mapping[str, Any]) -> str:
    return ", ".join(repr(visible(str(name))) for name in p["kept_as"])


def _name(p: Mapping[str, Any]) -> str:
    return repr(visible(str(p["name"])[:60]))


def ahead(ms: int) -> str:
    """How far a clock is ahead, for people: minutes below two hours, else hours."""
    minutes = ms // 60_000
    if minutes < 120:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    return ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)


def _refused(p: Mapping[str, Any]) -> str:
    words = REFUSALS.get(str(p["error"]))
    facts = p.get("facts") or {}
    return words(facts) if words is not None else str(facts.get("why", p["error"]))


#: Why a segment was refused at import, by the refusal's code: what its laptop's chain shows.
_SEGMENT_REFUSALS: dict[str, str] = {
    "bundle_clock_backwards": _("its clock runs backwards"),
    "bundle_segment_gaps": _("its numbers have gaps"),
    "bundle_segment_unchained": _("it does not follow the segment before it"),
    "bundle_clash_unsettled": _("a clash of names it carries could not be settled here"),
    "bundle_changes_differ": _(
        "its changes differ from the ones held here under the same numbers (a laptop restored "
        "from a backup?)"
    ),
    "bundle_segment_unreadable": _("it cannot be read"),
    "forked": _(
        "its laptop's change log forked: this branch is kept aside and none of it is applied"
    ),
}


def _segment_refused(p: Mapping[str, Any]) -> str:
    code = str(p["refusal"])
    why = _SEGMENT_REFUSALS.get(code)
    if why is None:  # another check: the refusal's own words
        words = REFUSALS.get(code)
        try:
            why = words(p.get("facts") or {}) if words is not None else code
        except (KeyError, IndexError, ValueError, TypeError):
            why = code
    return _(
        "Segment {number} of {label} (changes {first}-{last}) was refused: {why}; {label}'s "
        "later changes wait behind it until they come in a form that passes (else the admin "
        "revokes {label} and enrols it again)."
    ).format(number=p["number"], label=_label(p), first=p["first"], last=p["last"], why=why)


def _back_dated(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{label} dated {count} record back before it wrote it (e.g. {example}): "
        "its clock was set back, or it was back-dated; taken in, and noted",
        "{label} dated {count} records back before it wrote them (e.g. "
        "{example}): its clock was set back, or they were back-dated; taken in, and noted",
        p["count"],
    ).format(label=_label(p), count=p["count"], example=back_dated_example(p["example"]))


def back_dated_example(kept: object) -> str:
    """A back-dated record as the judge noted it (``sync_flag.detail``): its field, the time
    it carries and when it was written, all as stored (an older version's note: as it is)."""
    found = read(kept)
    if found.code != "back_dated":
        return visible(str(kept))
    p = found.params
    return _("{field} {value} written at {written}").format(
        field=p["field"], value=visible(str(p["value"])), written=p["written"]
    )


def _clocks_apart(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{label}'s clock and its stamps were apart (a clock put right, or pushed ahead by a "
        "faster laptop): {count} change passed only because of the allowance for that (e.g. "
        "{example}); taken in, and noted",
        "{label}'s clock and its stamps were apart (a clock put right, or pushed ahead by a "
        "faster laptop): {count} changes passed only because of the allowance for that (e.g. "
        "{example}); taken in, and noted",
        p["count"],
    ).format(label=_label(p), count=p["count"], example=clocks_apart_example(p["example"]))


def clocks_apart_example(kept: object) -> str:
    """A change that passed only by the allowance for clocks apart, as the judge noted it
    (``sync_flag.detail``): what it was, the time it counts as written, its stamp and the
    minutes between (an older version's note: as it is)."""
    found = read(kept)
    if found.code != "clocks_apart":
        return visible(str(kept))
    p = found.params
    what = p.get("field") or p.get("table") or "?"
    return ngettext(
        "{what} taken as written at {taken}, {minutes} minute before its stamp {stamp}",
        "{what} taken as written at {taken}, {minutes} minutes before its stamp {stamp}",
        int(p.get("minutes") or 0),
    ).format(
        what=visible(str(what)),
        taken=visible(str(p.get("taken"))),
        minutes=int(p.get("minutes") or 0),
        stamp=visible(str(p.get("stamp"))),
    )


def _outside_dropped(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{count} change by {device}, a device the team roster does not list (the admin "
        "laptop's other roster), was dropped: taken out of this laptop's data",
        "{count} changes by {device}, a device the team roster does not list (the admin "
        "laptop's other roster), were dropped: taken out of this laptop's data",
        p["count"],
    ).format(count=p["count"], device=visible(str(p["device"])))


def _chain_forked(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{label}'s chain forked: {count} of its segments was set aside (the sync status lists it)",
        "{label}'s chain forked: {count} of its segments were set aside (the sync status "
        "lists them)",
        p["count"],
    ).format(label=_label(p), count=p["count"])


def _outside(p: Mapping[str, Any]) -> str:
    return ngettext(
        "{n} segment by {devices} outside this laptop's team roster was not taken in",
        "{n} segments by {devices} outside this laptop's team roster were not taken in",
        p["segments"],
    ).format(
        n=p["segments"],
        devices=ngettext("{n} device", "{n} devices", p["devices"]).format(n=p["devices"]),
    )


def _clash(p: Mapping[str, Any]) -> str:
    return _(
        "Clash: {field} {name} was given to {rows} rows on different laptops: {keeper} keeps "
        "it, the others are kept as {kept_as}"
    ).format(
        field=p["field"],
        name=_name(p),
        rows=p["rows"],
        keeper=str(p["keeper"]),
        kept_as=_kept_as(p),
    )


def _will_be_quarantined(p: Mapping[str, Any]) -> str:
    worst = [f"{n} × {reason_words(reason)}" for reason, n in p["reasons"]]
    rest = p["total"] - sum(n for _reason, n in p["reasons"])
    if rest:  # the breakdown adds up to the total it explains
        listed = ", ".join(f"{n} × {rule}" for rule, n in p["others"])
        worst.append(_("{n} × for other reasons ({listed})").format(n=rest, listed=listed))
    return ngettext(
        "{total} of this laptop's changes will be quarantined by the other laptops, because it "
        "breaks the team's rules ({worst}). It is sent anyway, so the others see it.",
        "{total} of this laptop's changes will be quarantined by the other laptops, because "
        "they break the team's rules ({worst}). They are sent anyway, so the others see them.",
        p["total"],
    ).format(total=p["total"], worst="; ".join(worst))


#: Notice code → its sentence (one table for every face).
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **ALARMS,  # an audit trail alarm (``words.alarms``)
    "back_dated": _back_dated,
    "clocks_apart": _clocks_apart,
    "chain_forked": _chain_forked,
    "clash": _clash,
    "segment_refused": _segment_refused,
    "clash_bound": lambda p: _(
        "Clash: {field} {name} is bound by the team's roster to another laptop's operator: the "
        "rows given it elsewhere are kept as {kept_as}"
    ).format(field=p["field"], name=_name(p), kept_as=_kept_as(p)),
    "clock_day_ahead": lambda p: _(
        "{label}'s clock is more than a day ahead; its changes wait"
    ).format(label=_label(p)),
    "dated_ahead": lambda p: _(
        "{label} sent records dated ahead of this laptop's clock (up to {until}): an "
        "assessment, a restriction, a decision or a signal's step, an activity marked done "
        "before it ends; they wait until then"
    ).format(label=_label(p), until=local_text(p["until"])),
    "handovers_overlap": lambda p: _(
        "handovers {first} by {first_signer} and {second} by {second_signer} are both signed "
        "and in force for overlapping periods; one signer supersedes theirs (see the next "
        "handover draft)"
    ).format(
        first=str(p["ids"][0]),
        first_signer=visible(str(p["signed_by"][0])),
        second=str(p["ids"][1]),
        second_signer=visible(str(p["signed_by"][1])),
    ),
    "outside_dropped": _outside_dropped,
    "outside_roster": _outside,
    "own_fork": lambda p: _(
        "this laptop forked its change log at number {cut}: it signed two different versions "
        "of its changes after number {cut}, as a laptop restored from an old copy of its "
        "database does. The team sets aside everything it wrote after number {cut} (never "
        "applied on the other laptops). Ask the admin to revoke it and enrol it again once it "
        "is set up afresh; enter that work again there"
    ).format(cut=p["cut"]),
    "refused": _refused,
    "segment_missing": lambda p: _("{label}: segment {number} missing").format(
        label=_label(p), number=p["number"]
    ),
    "sender_ahead": lambda p: _(
        "{label}'s clock is {ahead} ahead of this laptop's: its edits win over later ones "
        "until its clock is put right"
    ).format(label=_label(p), ahead=ahead(int(p["ahead_ms"]))),
    "too_many_waiting": lambda p: too_many_waiting({**p, "label": _label(p)}),
    # a peer's warnings in the sync status (``status.Peer.warnings``)
    "peer_alarms": lambda p: ngettext(
        "audit trail cut or rewritten ({n} alarm)",
        "audit trail cut or rewritten ({n} alarms)",
        p["count"],
    ).format(n=p["count"]),
    "peer_back_dated": lambda p: _("dates records back"),
    "peer_clocks_apart": lambda p: _("changes passed only as clocks apart"),
    "peer_clock_ahead": lambda p: _("clock {ahead} ahead").format(ahead=ahead(int(p["ahead_ms"]))),
    "peer_clock_day_ahead": lambda p: _("clock ahead: stamped {stamped}").format(
        stamped=local_text(p["stamped"]) if p["stamped"] is not None else "9999"
    ),
    "peer_over_limit": lambda p: _(
        "{count:,} changes waiting for an upgrade, a row or a person, more than {limit:,}: its "
        "changes are set aside (upgrade, or revoke the laptop)"
    ).format(count=p["count"], limit=p["limit"]),
    # an export's warnings
    "restored_gap": lambda p: _(
        "This laptop was restored from a backup: the team holds its changes up to number "
        "{team}, this copy only up to {held}. Its new changes are kept (numbered after {team}) "
        "and sent once those came back: import the team's next bundle, then export again."
    ).format(team=p["team"], held=p["held"]),
    "will_be_quarantined": _will_be_quarantined,
    "will_be_apart": lambda p: ngettext(
        "{count} of your changes will be named as clocks apart on the other laptops (your "
        "stamps run {minutes} min ahead of your clock): they pass there only because of the "
        "day's allowance for a clock put right. Check that this laptop's clock is right.",
        "{count} of your changes will be named as clocks apart on the other laptops (your "
        "stamps run {minutes} min ahead of your clock): they pass there only because of the "
        "day's allowance for a clock put right. Check that this laptop's clock is right.",
        p["count"],
    ).format(count=p["count"], minutes=p["minutes"]),
    "withheld": lambda p: _(
        "{label}'s changes from number {first} (its segment {segment} on) are held here in a "
        "form {label} did not sign (this database was changed outside Schildwacht); they were "
        "left out, and {label} sends them itself. Restore the latest backup of this laptop."
    ).format(label=shown(str(p["label"])), first=p["first"], segment=p["segment"]),
}


#: A stage of an export or an import (``store.sync``'s ``progress(stage, …)``), in words.
STAGES: dict[str, str] = {
    "sealing": _("Sealing"),
    "packing": _("Packing"),
    "writing": _("Writing"),
    "decrypting": _("Decrypting"),
    "verifying": _("Verifying"),
    "applying": _("Applying"),
}

#: What became of a bundle file (``store.sync.receipt.Result``), in words.
RESULTS: dict[Result, str] = {
    Result.APPLIED: _("applied"),
    Result.PARTLY_APPLIED: _("partly applied"),
    Result.ALREADY_APPLIED: _("already applied"),
    Result.SENT_HERE: _("sent by this device"),
    Result.NOT_ADDRESSED: _("not addressed to this device"),
    Result.LEFT_OUT: _("not in the team's roster"),
    Result.DAMAGED: _("damaged"),
    Result.REFUSED: _("refused"),
}
#: The results of a file whose bundle was read here (its headline names the file first).
READ = frozenset({Result.APPLIED, Result.PARTLY_APPLIED, Result.ALREADY_APPLIED, Result.SENT_HERE})


def headline(receipt: Receipt, sender: str) -> str:
    """A receipt's first words, for every face: which file from whom, and what became of it
    (``x.swb from laptop-b: applied``; a file not taken in: ``laptop-b/x.swb: damaged``).

    Args:
        receipt: the file's receipt.
        sender: how the face names its sender (a label, with operator and id end).

    Returns:
        The headline, with the file's name and the sender shown with control and bidi
        characters made visible; no full stop (each face goes on after it).
    """
    name = visible(Path(receipt.file).name)
    result = RESULTS.get(receipt.result, str(receipt.result))
    if receipt.result in READ:
        return _("{name} from {sender}: {result}").format(
            name=name, sender=visible(sender), result=result
        )
    return _("{sender}/{name}: {result}").format(name=name, sender=visible(sender), result=result)


def said(notice: Notice) -> str:
    """One warning, alarm or gap of a receipt in words."""
    return SENTENCES[notice.code](notice.params)


def said_all(notices: Iterable[Notice]) -> list[str]:
    """Every warning, alarm or gap of a list in words, in order."""
    return [said(n) for n in notices]


def joined(notices: Iterable[Notice]) -> str:
    """Several notices on one line (a peer's warnings in a table): ``; `` between them."""
    return "; ".join(said(n) for n in notices)


def as_json(notice: Notice) -> dict[str, Any]:
    """A notice for a script: its stable ``code`` and params, and its ``text`` in words."""
    return {**notice.as_dict(), "text": said(notice)}
