"""The handover in words: each item of ``store.handover`` (a kind, a count, ids, parameters) as
a sentence, and the whole handover as a Markdown document.

Items arrive as facts (``store.handover.handover_facts`` of a draft, ``read_content`` of a
signed handover's frozen document), times as aware datetimes, so a draft and a signed record
read the same and nothing here reads a time back from text. A handover signed before items
carried facts has its English sentence in ``text``, and one signed before periods were ISO its
period as text; both are shown as they were signed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from store.clock import day_span, local, local_text
from store.validate import markdown, visible

from . import _, ngettext
from .findings import worded as finding_words
from .quarantine import kept_words
from .suggestions import qualification

if TYPE_CHECKING:
    from store.handover import HandoverRecord

Item = Mapping[str, Any]

#: Names listed in an item's sentence; the item's ids stay complete.
NAMES_SHOWN = 25

SECTION_TITLES = {
    "identify": _("I — Identify"),
    "situation": _("S — Situation"),
    "background": _("B — Background"),
    "assessment": _("A — Assessment"),
    "recommendation": _("R — Recommendation"),
}


def _day_time(moment: datetime | str) -> str:
    """``2026-11-28 14:00`` in Amsterdam (text signed by an older version: as it is)."""
    return local_text(moment) if isinstance(moment, datetime) else visible(str(moment))


def _on_day(moment: datetime | str, start: datetime | str) -> str:
    """The end of a span that starts at ``start``: ``14:00``, or ``11-29 07:00`` when it falls on
    another day."""
    if not isinstance(moment, datetime) or not isinstance(start, datetime):
        return visible(str(moment))
    return day_span(start, moment).partition("–")[2]


def _dated(moment: datetime | str) -> str:
    """``12-01 05:30``: an activity running across the change of shift may end days later."""
    if not isinstance(moment, datetime):
        return visible(str(moment))
    return f"{local(moment):%m-%d %H:%M}"


def _dated_in_year(moment: datetime | str) -> str:
    """``2026-11-28 10:05``: a module not offered may stay open for months, across a year."""
    if not isinstance(moment, datetime):
        return visible(str(moment))
    return f"{local(moment):%Y-%m-%d %H:%M}"


def period_ends(period: Mapping[str, Any]) -> tuple[str, str]:
    """A period's start with its date and its end as read on the start's day
    (``2026-11-28 23:00``, ``11-29 07:00``): how every face heads a handover.

    Args:
        period: ``{"start", "end"}``, aware datetimes (a handover's ``period``).
    """
    return _day_time(period["start"]), _on_day(period["end"], period["start"])


def period_short(start: datetime, end: datetime) -> str:
    """A period for a narrow column: ``11-28 07:00–15:00``; an end on a later day marked with
    how many days later, as timetables do: ``11-28 23:00–07:00+1`` (a night shift).

    Args:
        start: the period's start (aware).
        end: its end (aware).
    """
    first, last = local(start), local(end)
    days = ((last - timedelta(minutes=1)).date() - first.date()).days  # 24:00 is the same day
    later = f"+{(last.date() - first.date()).days}" if days > 0 else ""
    return f"{first:%m-%d %H:%M}–{last:%H:%M}{later}"


def _span(period: Mapping[str, Any] | str) -> str:
    """``2026-11-28 07:00–15:00`` from a period's ``start`` and ``end``; a handover signed
    before periods were ISO holds the text as signed."""
    if isinstance(period, str):
        return visible(period)
    return "–".join(period_ends(period))


def _names(names: list[str] | tuple[str, ...]) -> str:
    if not names:
        return ""
    more = len(names) - NAMES_SHOWN
    tail = _(", … {n} more").format(n=more) if more > 0 else ""
    return f" ({', '.join(names[:NAMES_SHOWN])}{tail})"


def _counted(sentence: str) -> Callable[[Item, bool], str]:
    """An item whose sentence says its count (``{n}``)."""
    return lambda item, details: sentence.format(n=item["count"])


def _listed(sentence: str) -> Callable[[Item, bool], str]:
    """An item whose sentence says its count and, in detail, names its ids."""
    return lambda item, details: (
        sentence.format(n=item["count"]) + (_names(item["ids"]) if details else "")
    )


def _period(item: Item, details: bool) -> str:
    p = item["params"]
    return _("Period {start}–{end}; next shift until {next_end}").format(
        start=_day_time(p["start"]),
        end=_on_day(p["end"], p["start"]),
        next_end=_on_day(p["next_end"], p["start"]),
    )


def _outgoing(item: Item, details: bool) -> str:
    return _("Outgoing: {callsign} ({role})").format(
        callsign=item["ids"][0], role=item["params"]["role"].replace("_", " ")
    )


def _subject(item: Item, details: bool) -> str:
    p = item["params"]
    return _("{code} ({unit}): threat {level}, requires {required}, package {package}").format(
        code=p["code"],
        unit=p["unit"],
        level=p["threat_level"] or "—",
        required=p["required_level"] or "—",
        package=p["package"] or "—",
    )


def _across(item: Item, details: bool) -> str:
    text = _("Activities running across the change of shift: {n}").format(n=item["count"])
    if details:
        text += "".join(
            _("; {person} '{title}' until {end}").format(
                person=a["person"], title=a["title"], end=_dated(a["end"])
            )
            for a in item["params"]["activities"]
        )
    return text


def _assessments(item: Item, details: bool) -> str:
    text = _("Threat assessments: {n}").format(n=item["count"])
    if details:
        text += "".join(
            _("; {subject} → level {level}").format(**a) for a in item["params"]["assessments"]
        )
    return text


def _gaps(item: Item, details: bool) -> str:
    p = item["params"]
    text = _("{n} open gaps in the next shift ({hours:.1f} officer-hours short)").format(
        n=item["count"], hours=p["officer_hours"]
    )
    if details:
        text += "".join(
            _("; {unit} {qualification} −{shortfall} {start}–{end}").format(
                unit=g["unit"],
                qualification=qualification(
                    g["qualification"], {g["qualification"]: g.get("name")}
                ),
                shortfall=g["shortfall"],
                start=local_text(g["start"], with_date=False),
                end=_on_day(g["end"], g["start"]),
            )
            for g in p["gaps"]
        ) + ("; …" if p["more"] else "")
    return text


def quarantine_reason(kept: object) -> str:
    """A quarantined change's reason: a fact (code and params), or (a handover signed before
    reasons were facts) its words as written."""
    return kept_words(kept)


def quarantined_write(params: Mapping[str, Any]) -> str:
    """One quarantined write for a row whose count of changes stands in its own column (the
    Sync screen counts changes): ``changes from laptop-b by OPS-B quarantined at sync (…)``.

    Args:
        params: the ``quarantined`` item's params (one change set).
    """
    return ngettext(
        "change from {device} by {actor} quarantined at sync ({field}: {reason})",
        "changes from {device} by {actor} quarantined at sync ({field}: {reason})",
        int(params["changes"]),
    ).format(
        device=visible(str(params["device"])),
        actor=visible(str(params["actor"])),
        field=params["field"],
        reason=quarantine_reason(params["reason"]),
    )


def _quarantined(item: Item, details: bool) -> str:
    p = item["params"]
    if "more" in p:
        return _("… and {n} more quarantined writes (`schildwacht sync quarantine`)").format(
            n=p["more"]
        )
    if "changes" not in p:
        return ngettext(
            "{n} change from other laptops quarantined at sync",
            "{n} changes from other laptops quarantined at sync",
            int(item["count"]),
        ).format(n=item["count"])
    return ngettext(
        "{changes} change from {device} by {actor} quarantined at sync ({field}: {reason})",
        "{changes} changes from {device} by {actor} quarantined at sync ({field}: {reason})",
        int(p["changes"]),
    ).format(
        changes=p["changes"],
        device=visible(p["device"]),
        actor=visible(p["actor"]),
        field=p["field"],
        reason=quarantine_reason(p["reason"]),
    )


def _overlapping(item: Item, details: bool) -> str:
    text = _("{n} overlaps between signed handovers in force").format(n=item["count"])
    if details:
        text += "".join(
            _("; {first} by {first_by} ({first_period}) and {second} by {second_by}"
              " ({second_period})").format(
                first=p["handovers"][0],
                first_by=visible(p["signed_by"][0]),
                first_period=_span(p["periods"][0]),
                second=p["handovers"][1],
                second_by=visible(p["signed_by"][1]),
                second_period=_span(p["periods"][1]),
            )
            for p in item["params"].get("pairs", [])
        )  # fmt: skip
    return text


def _expiring(item: Item, details: bool) -> str:
    text = _("{n} qualifications of the next shift's officers lapse within a week").format(
        n=item["count"]
    )
    if details:
        text += "".join(
            _("; {callsign} {qualification} until {until}").format(
                callsign=q["callsign"],
                qualification=qualification(
                    q["qualification"], {q["qualification"]: q.get("name")}
                ),
                until=q["until"],
            )
            for q in item["params"]["qualifications"]
        )
    return text


def _care_not_offered(item: Item, details: bool) -> str:
    text = ngettext(
        "{n} care module a package change added is not offered yet",
        "{n} care modules a package change added are not offered yet",
        item["count"],
    ).format(n=item["count"])
    if details:
        for m in item["params"].get("modules", []):
            said = (
                _("; {person} themself: {module} (since {since})")
                if m["member"] == "self"
                else _("; {member} of {person}: {module} (since {since})")
            )
            text += said.format(
                member=m["member"],
                person=m["person"],
                module=m["module"],
                since=_dated_in_year(m["since"]),
            )
    return text


def _finding(item: Item, details: bool) -> str:
    """A trust finding (``store.findings``) from its code and params (``words.findings``); one
    signed before findings were facts, its sentence as written, made visible."""
    return finding_words(str(item["params"].get("code", "")), item["params"])


def secret_finding(people: list[list[Any]]) -> str:
    """Secrets someone else set (``store.findings``: [callsign, set by, set at (aware)] each),
    and how each person puts it right in either face."""
    how = _("(in the console: U; on the command line: `schildwacht staff secret`)")
    if len(people) == 1:
        [[callsign, by, when]] = people
        return visible(
            _(
                "{callsign}'s secret on this laptop was set by {by} ({when}); until {callsign} "
                "changes it {how}, {by} could act as {callsign}, and what is done as "
                "{callsign} is marked so in the audit"
            ).format(callsign=callsign, by=by, when=_day_time(when), how=how)
        )
    named = ", ".join(
        _("{callsign} by {by}").format(callsign=c, by=b) for c, b, _when in people[:3]
    )
    return visible(
        _(
            "{n} people's secrets on this laptop were set by someone else ({named}, …): until "
            "each changes theirs {how}, whoever set it could act as them, and what is done as "
            "them is marked so in the audit"
        ).format(n=len(people), named=named, how=how)
    )


def _secret(item: Item, details: bool) -> str:
    """A secret finding worded here from its facts; one signed before it carried them, as
    the store gave it."""
    people = item["params"].get("people")
    return secret_finding(people) if people else _finding(item, details)


#: Per section, per kind: the item's sentence (``details``: with the names and lines it lists).
SENTENCES: dict[str, dict[str, Callable[[Item, bool], str]]] = {
    "identify": {
        "period": _period,
        "outgoing": _outgoing,
        "incoming": _listed(_("Incoming shift leaders on the roster: {n}")),
        "units": _listed(_("Units concerned: {n}")),
        "subjects": _listed(_("Subjects concerned: {n}")),
    },
    "situation": {
        "subject": _subject,
        "across": _across,
        "on_duty_now": _counted(_("Officers on duty now: {n}")),
        "on_duty_next": _counted(_("Officers on duty next: {n}")),
    },
    "background": {
        "activities_added": _counted(_("Activities added: {n}")),
        "activities_restricted": _counted(
            _("Activities restricted (moved, shortened, cancelled): {n}")
        ),
        "threat_assessments": _assessments,
        "decisions": _counted(_("Work-process decisions: {n}")),
        "signals_raised": _counted(_("Signals raised: {n}")),
        "signals_progressed": _counted(_("Signals that progressed: {n}")),
        "log_entries": _counted(_("Log entries: {n}")),
        "bundles_imported": _counted(_("Sync bundles imported: {n}")),
    },
    "assessment": {
        "gaps": _gaps,
        "replan": lambda item, details: ngettext(
            "{n} activity needs re-planning", "{n} activities need re-planning", item["count"]
        ).format(n=item["count"]),
        "replan_posts": lambda item, details: ngettext(
            "{n} standing post below the required level (threat raised) needs re-planning",
            "{n} standing posts below the required level (threat raised) need re-planning",
            item["count"],
        ).format(n=item["count"]),
        "open_signals": _counted(_("{n} signals not yet closed")),
        "flagged_log": _counted(_("{n} flagged log entries not cleared")),
        "conflicts": _counted(_("{n} unresolved sync conflicts")),
        "overlapping_handovers": _overlapping,
        "quarantined": _quarantined,
        **dict.fromkeys(
            (
                "witness",
                "clash",
                "outside",
                "own_refused",
                "back_dated",
                "clocks_apart",
                "clock_ahead",
                "own_stamps",
            ),
            _finding,
        ),
        "secret": _secret,
        "findings": _counted(
            _(
                "{n} trust findings (audit trail alarms, names given twice, secrets set by "
                "someone else, changes outside Schildwacht, refused changes of this laptop, "
                "back-dated records)"
            )
        ),
        "care_not_offered": _care_not_offered,
        "expiring": _expiring,
    },
    "recommendation": {
        "gaps": _counted(
            _("Fill the gaps: `schildwacht suggest ACTIVITY` for each activity concerned")
        ),
        "replan": _counted(
            _("Re-plan these activities with a valid concept (`activity options ID`)")
        ),
        "replan_posts": _counted(
            _("Re-plan the standing posts with a concept at the required level")
        ),
        "open_signals": _counted(_("Check the open signals with the information organisation")),
        "flagged_log": _counted(_("Act on or clear the flagged log entries (`log clear ID`)")),
        "conflicts": _counted(_("Resolve the sync conflicts")),
        "overlapping_handovers": _counted(
            _(
                "Settle whose account holds for the overlapping hours: one signer supersedes "
                "theirs with a period that no longer overlaps (`handover sign --from --to "
                "--supersedes ID --reason`)"
            )
        ),
        "quarantined": _counted(
            _(
                "Ask the admin about the quarantined changes (`sync quarantine`): "
                "revoke a laptop that sends them on purpose, or correct its role"
            )
        ),
        "care_not_offered": _counted(
            _(
                "Offer the care modules the package change added (`care record CODE --member M "
                "--module MOD --status offered`)"
            )
        ),
        "expiring": _counted(_("Arrange renewal or replacement for the lapsing qualifications")),
        "witness": _counted(
            _(
                "Tell the admin: a laptop's audit trail was cut or rewritten (revoke it, or ask "
                "its user why)"
            )
        ),
        "clash": _counted(
            _("Check the clashing names: one person or two? Use the name each is kept as")
        ),
        "secret": _counted(
            _(
                "Ask each person to change the secret someone else set for them (in the "
                "console: U; on the command line: `schildwacht staff secret`)"
            )
        ),
        "outside": _counted(_("Ask who changed the database outside Schildwacht, and why")),
        "own_refused": _counted(
            _("Ask the admin about this laptop's refused changes (`sync export` names them)")
        ),
        "back_dated": _counted(
            _("Check the clock of the laptop that dated records back, or ask why")
        ),
        "clocks_apart": _counted(
            _("Check the clocks of the laptops named as apart; look at what passed because of it")
        ),
        "clock_ahead": _counted(_("Have the clock of the laptop that is ahead put right")),
        "own_stamps": _counted(
            _(
                "Check this laptop's clock; until its stamps catch up, pass anything urgent by "
                "phone or enter it on another laptop"
            )
        ),
        "none": _counted(_("0 open items to act on; keep monitoring")),
        "notes": lambda item, details: str(item["params"]["text"]),
    },
}


def item_text(section: str, item: Item, *, details: bool = True) -> str:
    """One item as a sentence; without ``details``, its headline (the count, without the
    names and lines it lists), as a table row shows it."""
    if "params" not in item and "text" in item:  # signed before items carried facts
        text = str(item["text"])
        return text if details or item["kind"] == "quarantined" else text.split(";")[0]
    return SENTENCES[section][item["kind"]](item, details)


def handover_json(content: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The handover's JSON for scripts: each item of ``content`` (its JSON, times as text) with
    its sentence (``text``) beside it, worded from the same item in ``facts``.

    Args:
        content: ``handover_content`` of a draft, or a signed record's content.
        facts: the same handover as facts (``handover_facts``, ``read_content``).
    """
    return {
        key: (
            [
                {**item, "text": item_text(key, fact)}
                for item, fact in zip(value, facts[key], strict=True)
            ]
            if key in SECTION_TITLES
            else value
        )
        for key, value in content.items()
    }


def handover_markdown(
    content: Mapping[str, Any],
    signature: str | None = None,
    max_subject_lines: int | None = None,
) -> str:
    """The handover as a readable document.

    Args:
        content: the handover as facts: ``store.handover.handover_facts`` of a draft, or
            ``read_content`` of a signed record's content.
        signature: the lines on who signed and accepted it (a signed record), or None.
        max_subject_lines: shortens the Situation's per-subject lines for a screen (the counts
            stay whole; the full list is in the record).

    What people typed (titles, notes, questions, names) is escaped: it reads as written and
    cannot change the document's structure.
    """
    start, end = period_ends(content["period"])
    lines = [_("# Handover {start} – {end}").format(start=start, end=end), ""]
    if signature is not None:
        lines += [signature, ""]
    for name, title in SECTION_TITLES.items():
        items = content[name]
        heading = title
        if name == "assessment":
            heading += _(" — {n} open items").format(n=sum(i["count"] for i in items))
        elif name == "recommendation":
            heading += _(" — {n} actions").format(n=sum(1 for i in items if i["count"]))
        lines += [f"## {heading}", ""]
        subject_items = [i for i in items if i["kind"] == "subject"]
        shown = subject_items[:max_subject_lines] if max_subject_lines is not None else None
        for item in items:
            if shown is not None and item["kind"] == "subject" and item not in shown:
                continue
            lines.append(f"- {markdown(item_text(name, item))}")
            if shown and item is shown[-1] and len(subject_items) > len(shown):
                lines.append(
                    _(
                        "- … and {n} more subjects "
                        "(the full list: `schildwacht handover draft --format md`)"
                    ).format(n=len(subject_items) - len(shown))
                )
        lines.append("")
    return "\n".join(lines)


def signature_of(record: HandoverRecord) -> str:
    """Who signed a handover, who accepted it and what it replaced or was replaced by, for
    the document's head (times in Europe/Amsterdam)."""
    text = _("Signed by {who} at {at} (sha256 `{digest}…`).").format(
        who=markdown(record.signed_by),
        at=local_text(record.signed_at),
        digest=record.content_hash[:16],
    )
    if record.accepted_by:
        text += " " + _("Accepted by {who} at {at}.").format(
            who=markdown(record.accepted_by), at=local_text(record.accepted_at)
        )
    else:
        text += " " + _("Not yet accepted.")
    if record.questions:
        text += "\n" + _("Questions: {text}").format(text=markdown(record.questions))
    if record.supersedes:
        text += "\n" + _("Supersedes handover {id}: {reason}").format(
            id=record.supersedes, reason=markdown(record.supersede_reason)
        )
    if record.superseded_by:
        text += "\n" + _("Superseded by handover {id}, signed by {who} at {at}: {reason}").format(
            id=record.superseded_by,
            who=markdown(record.superseded_by_signer or ""),
            at=local_text(record.superseded_at),
            reason=markdown(record.superseded_reason),
        )
    if record.withdrawn_at is not None:
        text += "\n" + _("Withdrawn by {who} at {at}: {reason} (no longer in force).").format(
            who=markdown(record.withdrawn_by or ""),
            at=local_text(record.withdrawn_at),
            reason=markdown(record.withdrawn_reason),
        )
    if record.overlaps:
        text += "\n" + _(
            "Overlaps handovers in force: {ids} (signed on laptops that had not synced; one "
            "signer supersedes theirs)."
        ).format(ids=", ".join(record.overlaps))
    return text
