"""Today: the protected subjects with their threat level, required resistance and package, and
the highlighted subject's activities for today.

Keys: ``o`` (or Enter) the subject's day on the Agenda, ``d`` record a threat assessment
(dreigingsinschatting), ``e`` the subject's file (how its protection is derived, the assessments,
the work-process records), ``p`` record a work-process step (decision, execution, monitoring).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from store import decisions
from store.agenda import Activity, list_activities
from store.clock import day_bounds, today
from store.db import Store
from store.subjects import Subject, assess_threat, explain_threat, list_subjects
from store.sync.status import count_open
from words.counts import counted

from .. import labels
from ..actions import Action
from ..i18n import _, ngettext
from ..literal import literal, template
from ..times import at
from ..widgets.dayboard import activity_columns, activity_row
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen
from .document import DocumentScreen
from .forms import AssessForm, Field, Form, codes


@dataclass(frozen=True)
class TodayData:
    day: date
    subjects: dict[str, Subject]
    subject_rows: list[Row]
    activities: dict[str, list[Activity]]
    conflicts: int
    shown: dict[str, list[Row]] = field(default_factory=dict)

    def activity_rows(self, code: str) -> list[Row]:
        """The subject's activities as rows, made when first asked for (a few per subject)."""
        if code not in self.shown:
            self.shown[code] = [
                activity_row(a, day=self.day) for a in self.activities.get(code, [])
            ]
        return self.shown[code]

    @property
    def replan(self) -> int:
        return sum(a.needs_replanning for items in self.activities.values() for a in items)

    @property
    def without_concept(self) -> int:
        return sum(
            a.concept is None and a.status != "cancelled"
            for items in self.activities.values()
            for a in items
        )


def fetch_today(store: Store) -> TodayData:
    day = today(store.clock)
    start, end = day_bounds(day)
    subjects = list_subjects(store)
    per_subject: dict[str, list[Activity]] = {}
    for activity in list_activities(store, start=start, end=end):
        per_subject.setdefault(activity.person, []).append(activity)
    rows = []
    for subject in subjects:
        items = per_subject.get(subject.code, [])
        replan = sum(1 for a in items if a.needs_replanning)
        rows.append(
            Row(
                subject.code,
                (
                    literal(subject.code),
                    literal(labels.label("subject_kind", subject.kind)),
                    literal(subject.unit),
                    literal(subject.threat_level or "—"),
                    literal(subject.required_level or "—"),
                    literal(subject.package or _("none: assess the threat")),
                    Text(str(len(items)), end=""),
                    literal(replan, "b red" if replan else ""),
                ),
            )
        )
    return TodayData(
        day,
        {s.code: s for s in subjects},
        rows,
        per_subject,
        count_open(store),
    )


def subject_file(store: Store, code: str) -> Text:
    """The subject's file as a document: the derivation (R2), the assessments, the activities
    to re-plan and the work-process records (R6). Everything typed is shown literally."""
    found = explain_threat(store, code)
    records = decisions.list_decisions(store, person=code)
    text = Text()
    subject = found.subject
    text.append(_("Protection") + "\n", style="bold underline")
    if found.rule:
        text.append(
            _(
                "Threat level {level} ({label}) → required resistance {resistance} → package "
                "{package}\n"
            ).format(
                level=found.rule.level,
                label=found.rule.label,
                resistance=found.rule.resistance_level,
                package=found.rule.package,
            )
        )
    else:
        text.append(_("No threat assessment yet: no protection derived.\n"), style="b red")
    if found.package:
        text.append(_("Concepts in the package: {c}\n").format(c=", ".join(found.package.concepts)))
        if found.package.care_modules:
            text.append(_("Care modules: {m}\n").format(m=", ".join(found.package.care_modules)))
    text.append(
        ngettext(
            "{kind}, {domain} domain, unit {unit}; {n} activity needs re-planning.\n\n",
            "{kind}, {domain} domain, unit {unit}; {n} activities need re-planning.\n\n",
            len(found.activities_to_replan),
        ).format(
            kind=labels.label("subject_kind", subject.kind),
            domain=labels.label("domain", subject.domain),
            unit=subject.unit,
            n=len(found.activities_to_replan),
        )
    )
    text.append(_("Threat assessments") + "\n", style="bold underline")
    for item in found.history:
        text.append(f"{at(item.assessed_at)}  ")
        text.append(
            _("level {level} → {req}, by {who}").format(
                level=item.level, req=item.required_level, who=item.assessed_by
            )
        )
        if item.summary:
            text.append(" — ")
            text.append_text(literal(item.summary, limit=None))
        text.append("\n")
    if not found.history:
        text.append(_("none\n"), style="italic")
    text.append("\n" + _("Work-process records (R6)") + "\n", style="bold underline")
    for record in records:
        text.append(f"{at(record.adopted_at)}  ", style="dim" if record.superseded_by else "")
        text.append(labels.label("step", record.step), style="bold")
        text.append(_(" by {who}, authority ").format(who=record.adopted_by))
        text.append_text(literal(record.authority))
        text.append(_(", document "))
        text.append_text(literal(record.document))
        if record.superseded_by:
            text.append(_(" (superseded)"), style="dim")
        text.append("\n    ")
        text.append_text(literal(record.rationale, limit=None))
        if record.tailored:
            text.append("\n    " + _("maatwerk: "), style="yellow")
            text.append_text(literal(record.tailored, limit=None))
        text.append("\n")
    if not records:
        text.append(_("none\n"), style="italic")
    return text


class TodayScreen(BaseScreen[TodayData]):
    """Who is protected at what level, and what their day holds."""

    MODE = "today"
    MAIN = "#subjects"
    RECORDS: ClassVar[dict[str, str]] = {"person": "#subjects"}
    TITLE = _("Today")
    PURPOSE = _(
        "protected subjects (te beveiligen personen), threat level, required resistance, "
        "package, today's (vandaag) activities"
    )
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "o",
            "open_day",
            _("Day"),
            _("Open the subject's day on the Agenda"),
            _(
                "Go to the Agenda with the cursor on the selected subject's first activity "
                "today (Enter does the same); a subject with none today says so and stays"
            ),
            selects="person",
        ),
        Action(
            "d",
            "assess",
            _("Threat"),
            _("Record a threat assessment (dreigingsinschatting)"),
            _(
                "A new threat level for the selected subject; the required resistance and "
                "package follow from it (R2), and activities it leaves short turn red (R1)"
            ),
            permission="subject.write",
            selects="person",
        ),
        Action(
            "e",
            "explain",
            _("File"),
            _("Explain the protection (subject file)"),
            _(
                "How the selected subject's protection is derived, its assessments and its "
                "work-process records"
            ),
            selects="person",
        ),
        Action(
            "p",
            "decide",
            _("Decision"),
            _("Record a work-process decision"),
            _(
                "A decision, execution or monitoring record for the selected subject, with "
                "rationale, competent authority and document reference (R6)"
            ),
            permission="decision.adopt",
            selects="person",
        ),
    )

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading…"), id="today-summary", classes="summary")
        yield Static(_("Protected subjects"), classes="section-title")
        yield RecordTable(
            [
                Column(_("Code"), 10),
                Column(_("Kind"), 7),
                Column(_("Unit"), 5),
                Column(_("Threat"), 6, align="right"),
                Column(_("Req."), 4),
                Column(_("Package"), 8),
                Column(_("Today"), 5, align="right"),
                Column(_("Re-plan"), 7, align="right"),
            ],
            id="subjects",
            empty=_("0 protected subjects: add one with `schildwacht person add`."),
        )
        yield Static(_("Today's activities"), id="activities-title", classes="section-title")
        yield RecordTable(
            activity_columns(person=False),
            id="today-activities",
            show_cursor=False,
            empty=_("0 activities today for this subject."),
        )

    def on_mount(self) -> None:
        self.query_one("#subjects", RecordTable).focus()
        super().on_mount()

    load = staticmethod(fetch_today)

    def show(self, data: TodayData) -> None:
        self.query_one("#subjects", RecordTable).set_rows(data.subject_rows)
        conflicts = _(" · [b red]$conflicts[/] (y)") if data.conflicts else ""
        self.query_one("#today-summary", Static).update(
            template(
                _(
                    "$day · $subjects · $activities · [b]$replan[/] to re-plan · $none without a "
                    "concept"
                )
                + conflicts,
                day=data.day.isoformat(),
                subjects=counted(len(data.subjects), "{n} subject", "{n} subjects"),
                activities=counted(
                    sum(len(v) for v in data.activities.values()),
                    "{n} activity",
                    "{n} activities",
                ),
                replan=data.replan,
                none=data.without_concept,
                conflicts=counted(
                    data.conflicts, "{n} open sync conflict", "{n} open sync conflicts"
                ),
            )
        )
        self.show_activities()

    def selected_code(self) -> str | None:
        return self.query_one("#subjects", RecordTable).cursor_key

    @on(RecordTable.Highlighted, "#subjects")
    def _subject_moved(self) -> None:
        self.show_activities()

    @on(RecordTable.Selected, "#subjects")
    def _subject_chosen(self) -> None:
        self.action_open_day()

    def show_activities(self) -> None:
        if self.data is None:
            return
        code = self.selected_code()
        rows = self.data.activity_rows(code) if code else []
        self.query_one("#today-activities", RecordTable).set_rows(rows)
        self.query_one("#activities-title", Static).update(
            template(_("Today's activities · $code · $count"), code=code or "—", count=len(rows))
        )

    def signal_context(self) -> tuple[str | None, str | None, str]:
        return self.selected_code(), None, ""

    def select_record(self, kind: str, person: str | None, activity: str | None) -> bool:
        if kind != "person" or person is None:
            return False
        return self.query_one("#subjects", RecordTable).move_to(person)

    def _subject(self) -> Subject | None:
        code = self.selected_code()
        if self.data is None or code is None:
            self.refuse_key(_("Select a protected subject first."))
            return None
        return self.data.subjects[code]

    def say_refused(self, key: str) -> bool:
        """Enter on a subject with no activity today is refused at the key, as ``o`` is: the
        row-selected message it would post is handled after the keys typed with it, and a
        ``q`` in the same read quit the console (rev17r)."""
        on_subjects = key == "enter" and self.focused is self.query_one(self.MAIN)
        if on_subjects and (text := self._no_day()) is not None:
            self.refuse_key(text)
            return True
        return super().say_refused(key)

    def _no_day(self) -> str | None:
        """Why the selected subject's day cannot be opened on the Agenda: it has no activity
        today (the Agenda's cursor would be on someone else's activity, rev17g)."""
        code = self.selected_code()
        if self.data is None or code is None or self.data.activities.get(code):
            return None
        return _("{code} has no activity today: nothing to open on the Agenda.").format(code=code)

    def action_open_day(self) -> None:
        subject = self._subject()
        if subject is None or self.data is None:
            return
        items = self.data.activities.get(subject.code, [])
        if (text := self._no_day()) is not None:
            self.refuse_key(text)
            return
        self.console_app.action_go("agenda")
        screen = self.console_app.main_screen()
        if screen is not None and hasattr(screen, "reveal"):
            first = items[0].id
            screen.when_mounted(lambda: screen.reveal(first))

    def action_assess(self) -> None:
        subject = self._subject()
        if subject is None:
            return
        code = subject.code

        def save(store: Store, values: dict[str, str]) -> Any:
            from store.validate import whole_text

            level = whole_text(values["level"], _("The threat level"), low=0, high=1000)
            return assess_threat(
                store, code, level=level, domain=values["domain"], summary=values["summary"]
            )

        self.open_form(
            AssessForm(
                save,
                _("Threat assessment for {code} (now level {level})").format(
                    code=code, level=subject.threat_level or "—"
                ),
                [
                    Field(
                        "level",
                        _("Threat level"),
                        default=str(subject.threat_level or ""),
                        placeholder="1–5",
                    ),
                    Field(
                        "domain",
                        _("Domain"),
                        "choice",
                        subject.domain,
                        codes("domain", ("local", "national")),
                    ),
                    Field("summary", _("Summary"), placeholder=_("what the assessment rests on")),
                ],
                code,
            ),
            lambda found: _("Threat level of {code} is now {level}: requires {req}.").format(
                code=code, level=found.level, req=found.required_level
            ),
        )

    def action_explain(self) -> None:
        subject = self._subject()
        if subject is None:
            return
        code = subject.code

        def read(text: Text) -> None:
            title = _("{code}: how its protection is derived").format(code=code)
            self.app.push_screen(DocumentScreen(title, text))

        # the keys typed meanwhile are the document's (a q closes it, never the console)
        self.read_then(lambda store: subject_file(store, code), read, group="explain")

    def action_decide(self) -> None:
        subject = self._subject()
        if subject is None:
            return
        code = subject.code
        example = "nctv" if subject.domain == "national" else "prosecutor:Havenstad"

        def save(store: Store, values: dict[str, str]) -> Any:
            return decisions.add_decision(
                store,
                person=code,
                step=values["step"],
                rationale=values["rationale"],
                authority=values["authority"],
                document=values["document"],
                tailored=values["tailored"] or None,
            )

        self.open_form(
            Form(
                _("Work-process record for {code} ({domain} domain)").format(
                    code=code, domain=labels.label("domain", subject.domain)
                ),
                [
                    Field("step", _("Step"), "choice", "decision", codes("step", decisions.STEPS)),
                    Field("rationale", _("Rationale"), placeholder=_("why (substantiation)")),
                    Field("authority", _("Authority"), placeholder=_("e.g. {x}").format(x=example)),
                    Field("document", _("Document ref."), placeholder=_("e.g. OM-2026-0142")),
                    Field(
                        "tailored",
                        _("Maatwerk reason"),
                        placeholder=_("only for a tailored exception"),
                    ),
                ],
                save,
                button=_("Adopt"),
                note=_("Records are never edited, only superseded (R6)."),
            ),
            lambda found: _("{step} recorded for {code}.").format(
                step=labels.label("step", found.step).capitalize(), code=code
            ),
        )
