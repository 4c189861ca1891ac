"""Counted words of the command line: one form for one, another for many (``ngettext``).

"1 gaps" and "encrypted to 1 devices" read as a mistake to the person at the terminal; every
sentence that prints a count goes through here, so a translation gets its own plural rules.
"""

from __future__ import annotations

from . import _, ngettext


def counted(n: int, one: str, many: str) -> str:
    """``n`` with the noun in the right number: ``counted(1, "{n} gap", "{n} gaps")``."""
    return ngettext(one, many, n).format(n=n)


def gaps_summary(gaps: int, unplanned: int) -> str:
    """The line after ``gaps``: how many gaps, how many activities without a concept."""
    return ngettext("{gaps} gap; {activities}", "{gaps} gaps; {activities}", gaps).format(
        gaps=gaps,
        activities=ngettext(
            "{n} activity without a concept", "{n} activities without a concept", unplanned
        ).format(n=unplanned),
    )


def broken_deployments(n: int) -> str:
    """After the gaps summary: how many deployments break a rule now (``gaps --violations``);
    empty for none."""
    if not n:
        return ""
    return counted(
        n,
        "; {n} deployment breaks a rule now (gaps --violations)",
        "; {n} deployments break a rule now (gaps --violations)",
    )


def replan_needed(n: int) -> str:
    """After a threat assessment: how many activities now need re-planning."""
    return counted(
        n,
        "{n} activity now needs re-planning (rule R1).",
        "{n} activities now need re-planning (rule R1).",
    )


def posts_to_replan(n: int) -> str:
    """After a threat assessment: how many standing posts now need re-planning, and how."""
    return counted(
        n,
        "{n} standing post now needs re-planning (rule R1; post list --below, post assign).",
        "{n} standing posts now need re-planning (rule R1; post list --below, post assign).",
    )


def bundle_written(changes: int, segments: int, recipients: int) -> str:
    """After ``sync export``: what the bundle holds and for how many devices."""
    return _("Bundle written: {changes} in {segments}, encrypted to {devices}.").format(
        changes=counted(changes, "{n} change", "{n} changes"),
        segments=counted(segments, "{n} segment", "{n} segments"),
        devices=counted(recipients, "{n} device", "{n} devices"),
    )


def changes(n: int) -> str:
    """``n`` change(s)."""
    return counted(n, "{n} change", "{n} changes")


def deferred_waiting(n: int, device: str) -> str:
    """The start of ``sync import``'s deferred line: how many changes of a device wait here."""
    return ngettext(
        "Deferred: {n} change of {device} waits here",
        "Deferred: {n} changes of {device} wait here",
        n,
    ).format(n=n, device=device)


def waiting_causes(kinds: tuple[tuple[str, int], ...], device: str, until: str) -> str:
    """After ``deferred_waiting``: what a device's waiting changes wait for, by cause
    (``kinds``: kind and count; ``until``: when the clock lets the last of them in, as text).
    The clock's is not a fault of anyone's changes: they are taken in when their time comes."""
    said = {
        "clock": lambda n: ngettext(
            "{n} for this laptop's clock ({device}'s clock runs ahead of it; it is taken in at "
            "the first import after {until})",
            "{n} for this laptop's clock ({device}'s clock runs ahead of it; they are taken in "
            "at the first import after {until})",
            n,
        ),
        "schema": lambda n: ngettext(
            "{n} of a newer version (taken in once Schildwacht is upgraded here)",
            "{n} of a newer version (taken in once Schildwacht is upgraded here)",
            n,
        ),
        "row": lambda n: ngettext(
            "{n} for a row not received here yet (taken in when it arrives)",
            "{n} for rows not received here yet (taken in when they arrive)",
            n,
        ),
        "author": lambda n: ngettext(
            "{n} for a person not known here yet (taken in when they are)",
            "{n} for people not known here yet (taken in when they are)",
            n,
        ),
    }
    return "; ".join(
        said[kind](n).format(n=f"{n:,}", device=device, until=until)
        if kind in said
        else f"{n:,} ({kind})"
        for kind, n in kinds
    )


def refused_of(n: int, total: int) -> str:
    """After ``sync import``: how many of the files read were refused."""
    return ngettext(
        "{n} of {total} bundles was refused", "{n} of {total} bundles were refused", n
    ).format(n=n, total=total)
