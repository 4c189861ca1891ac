"""The person's weekly statement (``store.statement.Statement``) as JSON, Markdown and a
self-contained HTML page that prints well.

Every text from the store (titles, places, authorities, correction reasons) is untrusted: in
Markdown it is escaped (``validate.markdown``) and its control characters made visible; in HTML
Jinja2 escapes every value (autoescape), so ``<script>`` stays text. Times are
Europe/Amsterdam with their offset, so both clock changes read right.
"""

from __future__ import annotations

from typing import Any

from store.clock import local_iso, local_text
from store.statement import Change, Item, Statement
from store.validate import markdown, visible

from . import _

KIND_WORDS = {"work": _("Work"), "private": _("Private")}
REASON_WORDS = {
    "capacity": _("capacity"),
    "threat": _("threat"),
    "tbp_choice": _("your own choice"),
}
CHANGE_WORDS = {
    "cancelled": _("cancelled"),
    "moved": _("moved"),
    "shortened": _("shortened"),
    "relocated": _("moved to another place"),
    "corrected": _("corrected in the agenda"),
    "refused": _("request refused"),
    "planned_moved": _("planned at another time than asked"),
}
STATUS_WORDS = {
    "planned": _("planned"),
    "confirmed": _("confirmed"),
    "done": _("done"),
    "cancelled": _("cancelled"),
    "moved": _("moved"),
    "shortened": _("shortened"),
    "requested": _("requested, not answered yet"),
    "refused": _("requested, refused"),
}


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "what": change.what,
        "reason": change.reason,
        "authority": change.authority,
        "before": None if change.before is None else [local_iso(t) for t in change.before],
        "after": None if change.after is None else [local_iso(t) for t in change.after],
        "minutes_moved": change.minutes_moved,
        "recorded_at": local_iso(change.at),
    }


def as_json(statement: Statement) -> dict[str, Any]:
    """The statement as one JSON object (times ISO-8601 with their Amsterdam offset)."""
    return {
        "person": statement.person,
        "week": statement.week,
        "start": local_iso(statement.start),
        "end": local_iso(statement.end),
        "totals": {
            kind: {
                "requested": t.requested,
                "facilitated": t.facilitated,
                "cancelled": t.cancelled,
                "minutes_moved": t.minutes_moved,
            }
            for kind, t in statement.totals.items()
        },
        "items": [
            {
                "title": i.title,
                "kind": i.kind,
                "start": local_iso(i.start),
                "end": local_iso(i.end),
                "location": i.location,
                "status": i.status,
                "requested": i.requested,
                "changes": [_change_json(c) for c in i.changes],
            }
            for i in statement.items
        ],
    }


def change_text(change: Change) -> str:
    """One change in words (plain text: the caller escapes it for its format)."""
    words = CHANGE_WORDS.get(change.what, change.what)
    if change.what == "corrected":
        words += ": " + change.reason
    elif change.reason:
        words += " — " + _("reason: {reason}").format(
            reason=REASON_WORDS.get(change.reason, change.reason)
        )
    if change.authority:
        words += ", " + _("decided by {authority}").format(authority=change.authority)
    if change.before and change.after and change.before != change.after:
        words += " (" + _("{before} became {after}").format(
            before=local_text(change.before[0]), after=local_text(change.after[0])
        )
        if change.minutes_moved:
            words += ", " + _("{minutes} min").format(minutes=change.minutes_moved)
        words += ")"
    return words


def _when(item: Item) -> str:
    return f"{local_text(item.start)} – {local_text(item.end)}"


def _summary_rows(statement: Statement) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for kind, t in statement.totals.items():
        cancelled = ", ".join(
            f"{REASON_WORDS.get(r, r)}: {n}" for r, n in t.cancelled.items()
        ) or _("none")
        rows.append(
            (
                KIND_WORDS[kind],
                str(t.requested),
                str(t.facilitated),
                str(t.minutes_moved),
                cancelled,
            )
        )
    return rows


def as_markdown(statement: Statement) -> str:
    """The statement as a Markdown document (every untrusted text escaped)."""
    lines = [
        "# " + _("Your week {week}").format(week=statement.week),
        "",
        _("For {person}, {start} to {end} (Europe/Amsterdam).").format(
            person=statement.person,
            start=local_text(statement.start),
            end=local_text(statement.end),
        ),
        "",
        "| "
        + " | ".join(
            [_("Kind"), _("Requested"), _("Facilitated"), _("Minutes moved"), _("Cancelled")]
        )
        + " |",
        "|---|---:|---:|---:|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _summary_rows(statement)]
    for kind in statement.totals:
        lines += ["", "## " + KIND_WORDS[kind], ""]
        items = [i for i in statement.items if i.kind == kind]
        if not items:
            lines.append(_("Nothing this week."))
        for item in items:
            place = f" — {markdown(item.location)}" if item.location else ""
            lines.append(
                f"- **{markdown(item.title)}**, {_when(item)}{place} "
                f"({STATUS_WORDS.get(item.status, item.status)})"
            )
            lines += [f"  - {markdown(change_text(c))}" for c in item.changes]
    return "\n".join(lines) + "\n"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>
body { font: 11pt/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 46em; color: #111; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
li { margin: 0.3em 0; } .changes { color: #333; font-size: 0.95em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  li, tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{ heading }}</h1>
<p>{{ intro }}</p>
<table>
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in summary %}<tr><td>{{ row[0] }}</td><td class="n">{{ row[1] }}</td>\
<td class="n">{{ row[2] }}</td><td class="n">{{ row[3] }}</td><td>{{ row[4] }}</td></tr>
{% endfor %}</tbody>
</table>
{% for section in sections %}<h2>{{ section.title }}</h2>
{% if section["items"] %}<ul>
{% for item in section["items"] %}<li><strong>{{ item.title }}</strong>, {{ item.when }}\
{% if item.place %} — {{ item.place }}{% endif %} ({{ item.status }})\
{% if item.changes %}<ul class="changes">{% for c in item.changes %}<li>{{ c }}</li>\
{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul>
{% else %}<p>{{ nothing }}</p>
{% endif %}{% endfor %}
</body>
</html>
"""


def as_html(statement: Statement) -> str:
    """The statement as a self-contained HTML page (no scripts, no outside resources; every
    value escaped by Jinja2's autoescape) that prints well."""
    from jinja2 import Environment  # only this format needs it

    environment = Environment(autoescape=True, keep_trailing_newline=True)
    sections = [
        {
            "title": KIND_WORDS[kind],
            "items": [
                {
                    "title": visible(i.title),
                    "when": _when(i),
                    "place": visible(i.location),
                    "status": STATUS_WORDS.get(i.status, i.status),
                    "changes": [visible(change_text(c)) for c in i.changes],
                }
                for i in statement.items
                if i.kind == kind
            ],
        }
        for kind in statement.totals
    ]
    return environment.from_string(_PAGE).render(
        heading=_("Your week {week}").format(week=statement.week),
        intro=_("For {person}, {start} to {end} (Europe/Amsterdam).").format(
            person=statement.person,
            start=local_text(statement.start),
            end=local_text(statement.end),
        ),
        headers=[_("Kind"), _("Requested"), _("Facilitated"), _("Minutes moved"), _("Cancelled")],
        summary=_summary_rows(statement),
        sections=sections,
        nothing=_("Nothing this week."),
    )
