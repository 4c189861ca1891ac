"""A signal report as a readable Markdown document (``store.intel.SignalReport`` and the
gists of the signals it rests on, ``store.intel.signal_gists``): the one place its words are.

What people typed is escaped (``validate.markdown``), so it reads as written and cannot change
the document's structure; times in Europe/Amsterdam.
"""

from __future__ import annotations

from store.clock import local_text
from store.intel import SignalGist, SignalReport
from store.validate import markdown as md

from . import _
from .access import audience


def who_has_it(waits_for_export: bool, how: str) -> str:
    """Who has a signal just raised, the end of the sentence that says it was raised (CLI and
    console): the information organisation, or on a laptop in a team without it, nobody yet
    until the next sync export (rev17t: "has it" before any export).

    Args:
        waits_for_export: ``store.signals.reaches_with_export``.
        how: how to export on this face (``y, e`` in the console, the command on the CLI).
    """
    if waits_for_export:
        return _(
            "it reaches the information organisation with the next sync export ({how})."
        ).format(how=how)
    return _("the information organisation has it.")


def gist(found: SignalGist) -> str:
    """A signal in a few words: ``sighting · KIEVIT · raised 2026-11-28 10:00: Man met …``."""
    person = f" · {found.person}" if found.person else ""
    said = found.text if len(found.text) <= 40 else found.text[:40] + "…"
    return _("{category}{person} · raised {raised}: {text}").format(
        category=found.category.replace("_", " "),
        person=person,
        raised=local_text(found.raised_at),
        text=" ".join(said.split()),
    )


def report_markdown(report: SignalReport, gists: dict[str, SignalGist] | None = None) -> str:
    """The report as a readable Markdown document.

    Args:
        report: the report, as read.
        gists: what each linked signal is (``store.intel.signal_gists``); without, its id alone.

    Returns:
        The document, ending with a newline.
    """
    lines = [f"# {md(report.title)}", ""]
    if report.issued_at:
        lines.append(
            _("*{state}* {at} by {who} to {audience}.").format(
                state=_("Issued") if report.status == "issued" else report.status.capitalize(),
                at=local_text(report.issued_at),
                who=md(report.issued_by),
                audience=audience(report.audience or ""),
            )
        )
    else:
        lines.append(
            _("*Draft* by {who}, {at}.").format(
                who=md(report.created_by), at=local_text(report.created_at)
            )
        )
    if report.supersedes:
        lines.append(_("Supersedes report `{id}`.").format(id=report.supersedes))
    if report.superseded_by:
        lines.append(_("Superseded by report `{id}`.").format(id=report.superseded_by))
    lines += ["", _("## Duiding"), "", md(report.interpretation) or _("_(none yet)_"), ""]
    lines += [_("## Scenarios ({n})").format(n=len(report.scenarios)), ""]
    for number, scenario in enumerate(report.scenarios, 1):
        lines += [_("### Scenario {n}").format(n=number), "", md(scenario.description)]
        for label, value in (
            (_("Likelihood"), scenario.likelihood),
            (_("Indicators"), scenario.indicators),
            (_("Courses of action"), scenario.actions),
        ):
            if value:
                lines.append(f"- **{label}:** {md(value)}")
        lines.append("")
    lines += [_("## Signals ({n})").format(n=len(report.signals)), ""]
    named = gists or {}
    lines += [
        f"- {md(gist(named[s]))} (`{s}`)" if s in named else f"- `{s}`" for s in report.signals
    ] or [_("_(none)_")]
    lines += ["", _("## Acknowledged ({n})").format(n=len(report.acknowledgements)), ""]
    lines += [f"- {md(a.actor)}, {local_text(a.at)}" for a in report.acknowledgements] or [
        _("_(none)_")
    ]
    return "\n".join(lines) + "\n"
